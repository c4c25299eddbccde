"""Scenario guests: a short description expanded into domain XML as libvirt writes it.

A scenario guest is either {name, xml} (the XML verbatim) or a shorthand whose keys are listed in
KEYS below; unspecified keys take the values of a guest that virt-install would create on SLE 12
(virtio disk and network, virtio balloon, cirrus video, ACPI, VNC on localhost).
"""
from xml.sax.saxutils import escape, quoteattr

KEYS = {
    "name": "guest name", "state": "running | shut off | paused (libvirt test driver and live only)",
    "xml": "the whole domain XML, verbatim", "type": "kvm | qemu | xen | lxc (default kvm)",
    "os": "hvm | xen | linux | exe (default hvm; xen/linux: Xen PV)", "arch": "default x86_64",
    "machine": "default pc-i440fx-2.11 (KVM) / xenfv (Xen HVM)", "emulator": "default by type",
    "loader": "Xen HVM loader", "bootloader": "Xen PV bootloader (pygrub)",
    "vcpus": "default 2", "current_vcpus": "vCPUs at start when fewer than vcpus (hot-plug)",
    "cpuset": "vcpu cpuset attribute", "memory": "e.g. 2G (default 2G)",
    "max_memory": "e.g. 16G: <maxMemory slots='16'>", "cpu": "host-passthrough | host-model | a model name | none",
    "numa_cells": "[{cpus: '0-1', memory: 2G}]", "numatune": "{mode: strict, nodeset: '0'}",
    "vcpupin": "{0: '0', 1: '1'}", "hugepages": "true | '2M' | '1G'", "nosharepages": "bool",
    "locked": "bool: <memoryBacking><locked/>", "hard_limit": "e.g. 4G", "swap_hard_limit": "e.g. 4G",
    "disks": "[{dev: vda, bus: virtio, format: qcow2, source: /path, type: file, device: disk, cache: none}]",
    "nics": "list of models, e.g. [virtio] (default [virtio])", "balloon": "virtio | xen | none | absent",
    "rng": "/dev/random | /dev/urandom | none (default none)", "video": "cirrus | vga | qxl | virtio | none",
    "graphics": "[{type: vnc, listen: 127.0.0.1, keymap: de}] (default one VNC on 127.0.0.1)",
    "hostdevs": "number of PCI host devices", "acpi": "bool (default true)",
    "filesystems": "[{accessmode: mapped, source: /srv, target: share}]",
    "inputs": "[[tablet, usb], [mouse, ps2]]", "serial": "pty | none (default pty)",
    "qemu_args": "list of raw QEMU arguments (<qemu:commandline>)", "devices_xml": "raw XML appended to <devices>",
    "domain_xml": "raw XML appended to <domain>",
}


def validate(g):
    """-> [(field, message)] for a scenario guest."""
    out = []
    if not isinstance(g, dict):
        return [("", "a guest is a mapping")]
    for k in g:
        if k not in KEYS:
            out.append((k, "unknown guest key (known: %s)" % ", ".join(sorted(KEYS))))
    if "xml" in g and set(g) - {"name", "xml", "state"}:
        out.append(("xml", "with `xml`, only `name` and `state` may be given"))
    return out


def _size(s, default):
    s = str(s or default).strip().upper()
    mult = {"K": 1, "M": 1024, "G": 1024 ** 2, "T": 1024 ** 3}
    if s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def expand(g):
    """-> domain XML text."""
    if "xml" in g:
        return g["xml"]
    name = g["name"]
    typ = g.get("type", "kvm")
    ostype = g.get("os", "exe" if typ == "lxc" else "hvm")
    xen = typ == "xen"
    pv = xen and ostype in ("xen", "linux")
    mem = _size(g.get("memory"), "2G")
    vcpus = int(g.get("vcpus", 2))
    a = []
    a.append("<domain type=%s>" % quoteattr(typ))
    a.append("  <name>%s</name>" % escape(name))
    a.append("  <uuid>%s</uuid>" % _uuid(name))
    if g.get("max_memory"):
        a.append("  <maxMemory slots='16' unit='KiB'>%d</maxMemory>" % _size(g["max_memory"], "0"))
    a.append("  <memory unit='KiB'>%d</memory>" % mem)
    a.append("  <currentMemory unit='KiB'>%d</currentMemory>" % mem)
    mb = []
    hp = g.get("hugepages")
    if hp:
        if hp is True:
            mb.append("    <hugepages/>")
        else:
            size = str(hp).upper()
            mb.append("    <hugepages>\n      <page size='%s' unit='%s'/>\n    </hugepages>" % (size[:-1], size[-1] + "iB" if size[-1] != "B" else "B"))
    if g.get("nosharepages"):
        mb.append("    <nosharepages/>")
    if g.get("locked"):
        mb.append("    <locked/>")
    if mb:
        a.append("  <memoryBacking>\n%s\n  </memoryBacking>" % "\n".join(mb))
    if g.get("hard_limit") or g.get("swap_hard_limit"):
        a.append("  <memtune>")
        if g.get("hard_limit"):
            a.append("    <hard_limit unit='KiB'>%d</hard_limit>" % _size(g["hard_limit"], "0"))
        if g.get("swap_hard_limit"):
            a.append("    <swap_hard_limit unit='KiB'>%d</swap_hard_limit>" % _size(g["swap_hard_limit"], "0"))
        a.append("  </memtune>")
    cs = (" cpuset=%s" % quoteattr(str(g["cpuset"]))) if g.get("cpuset") else ""
    if g.get("current_vcpus"):
        cs += " current='%d'" % int(g["current_vcpus"])
    a.append("  <vcpu placement='static'%s>%d</vcpu>" % (cs, vcpus))
    if g.get("vcpupin"):
        a.append("  <cputune>")
        for v, c in sorted(g["vcpupin"].items(), key=lambda kv: int(kv[0])):
            a.append("    <vcpupin vcpu='%s' cpuset=%s/>" % (v, quoteattr(str(c))))
        a.append("  </cputune>")
    if g.get("numatune"):
        nt = g["numatune"]
        a.append("  <numatune>\n    <memory mode=%s nodeset=%s/>\n  </numatune>" % (
            quoteattr(nt.get("mode", "strict")), quoteattr(str(nt.get("nodeset", "0")))))
    # <os>
    arch = g.get("arch", "x86_64")
    a.append("  <os>")
    if pv:
        a.append("    <type arch=%s machine='xenpv'>linux</type>" % quoteattr(arch))
    elif ostype == "exe":
        a.append("    <type>exe</type>\n    <init>/sbin/init</init>")
    else:
        machine = g.get("machine", "xenfv" if xen else "pc-i440fx-2.11")
        a.append("    <type arch=%s machine=%s>hvm</type>" % (quoteattr(arch), quoteattr(machine)))
        if xen:
            a.append("    <loader type='rom'>%s</loader>" % escape(g.get("loader", "/usr/lib/xen/boot/hvmloader")))
        a.append("    <boot dev='hd'/>")
    a.append("  </os>")
    if pv and g.get("bootloader", "/usr/bin/pygrub"):
        a.append("  <bootloader>%s</bootloader>" % escape(g.get("bootloader", "/usr/bin/pygrub")))
    feats = []
    if g.get("acpi", True) and not pv and ostype != "exe":
        feats += ["    <acpi/>", "    <apic/>"]
    if xen and not pv:
        feats.append("    <pae/>")
    if feats:
        a.append("  <features>\n%s\n  </features>" % "\n".join(feats))
    cpu = g.get("cpu")
    cells = g.get("numa_cells")
    if cpu or cells:
        if cpu in ("host-passthrough", "host-model"):
            a.append("  <cpu mode=%s check='none'>" % quoteattr(cpu))
        elif cpu and cpu != "none":
            a.append("  <cpu mode='custom' match='exact' check='partial'>\n    <model fallback='allow'>%s</model>" % escape(cpu))
        else:
            a.append("  <cpu>")
        if cells:
            a.append("    <numa>")
            for i, c in enumerate(cells):
                a.append("      <cell id='%d' cpus=%s memory='%d' unit='KiB'/>" % (i, quoteattr(str(c["cpus"])), _size(c["memory"], "1G")))
            a.append("    </numa>")
        a.append("  </cpu>")
    a.append("  <clock offset='utc'/>")
    a.append("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>")
    a.append("  <devices>")
    emu = g.get("emulator")
    if emu is None and ostype != "exe":
        emu = "/usr/lib/xen/bin/qemu-system-i386" if xen else "/usr/bin/qemu-system-x86_64"
    if emu and not pv:
        a.append("    <emulator>%s</emulator>" % escape(emu))
    disks = g.get("disks")
    if disks is None:
        disks = [] if ostype == "exe" else [{"dev": "xvda" if xen else "vda", "bus": "xen" if xen else "virtio",
                                             "format": "raw" if xen else "qcow2"}]
    for i, d in enumerate(disks):
        dtype = d.get("type", "file")
        device = d.get("device", "disk")
        fmt = d.get("format", "qcow2")
        src = d.get("source", "/var/lib/libvirt/images/%s%s.%s" % (name, "" if i == 0 else "-%d" % i, fmt if dtype == "file" else ""))
        attr = "file" if dtype == "file" else "dev" if dtype == "block" else "dir"
        a.append("    <disk type=%s device=%s>" % (quoteattr(dtype), quoteattr(device)))
        drv = "phy" if xen and dtype == "block" else ("qemu" if not xen else "qemu")
        cache = (" cache=%s" % quoteattr(d["cache"])) if d.get("cache") else ""
        a.append("      <driver name=%s type=%s%s/>" % (quoteattr(drv), quoteattr(fmt), cache))
        if d.get("source", True) is not None:
            a.append("      <source %s=%s/>" % (attr, quoteattr(src)))
        bus = d.get("bus", "virtio")
        a.append("      <target dev=%s bus=%s/>" % (quoteattr(d.get("dev", "vd" + "abcdefgh"[i])), quoteattr(bus)))
        if d.get("readonly") or device == "cdrom":
            a.append("      <readonly/>")
        a.append("    </disk>")
    for i, model in enumerate(g.get("nics", [] if ostype == "exe" else ["virtio"])):
        a.append("    <interface type='bridge'>\n      <mac address='52:54:00:%02x:%02x:%02x'/>\n      <source bridge='br0'/>" % (
            len(name) % 256, i, sum(map(ord, name)) % 256))
        if model:
            a.append("      <model type=%s/>" % quoteattr(model))
        a.append("    </interface>")
    for fs in g.get("filesystems", []):
        a.append("    <filesystem type='mount' accessmode=%s>\n      <source dir=%s/>\n      <target dir=%s/>\n    </filesystem>" % (
            quoteattr(fs.get("accessmode", "passthrough")), quoteattr(fs.get("source", "/srv")), quoteattr(fs.get("target", "share"))))
    if g.get("serial", "pty") != "none" and ostype != "exe":
        a.append("    <serial type='pty'>\n      <target port='0'/>\n    </serial>\n    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>")
    for kind, bus in g.get("inputs", [["mouse", "ps2"], ["keyboard", "ps2"]] if ostype != "exe" else []):
        a.append("    <input type=%s bus=%s/>" % (quoteattr(kind), quoteattr(bus)))
    for gr in g.get("graphics", [{"type": "vnc", "listen": "127.0.0.1"}] if ostype != "exe" else []):
        attrs = " type=%s port='-1' autoport='yes'" % quoteattr(gr.get("type", "vnc"))
        if gr.get("keymap"):
            attrs += " keymap=%s" % quoteattr(gr["keymap"])
        if gr.get("listen"):
            a.append("    <graphics%s listen=%s>\n      <listen type='address' address=%s/>\n    </graphics>" % (
                attrs, quoteattr(gr["listen"]), quoteattr(gr["listen"])))
        else:
            a.append("    <graphics%s/>" % attrs)
    video = g.get("video", "none" if ostype == "exe" else "cirrus")
    if video != "none":
        a.append("    <video>\n      <model type=%s vram='16384' heads='1' primary='yes'/>\n    </video>" % quoteattr(video))
    for i in range(int(g.get("hostdevs", 0))):
        a.append("    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n"
                 "        <address domain='0x0000' bus='0x%02x' slot='0x00' function='0x0'/>\n      </source>\n    </hostdev>" % (i + 3))
    balloon = g.get("balloon", "absent" if ostype == "exe" else ("xen" if xen else "virtio"))
    if balloon != "absent":
        a.append("    <memballoon model=%s/>" % quoteattr(balloon))
    rng = g.get("rng", "none")
    if rng and rng != "none":
        a.append("    <rng model='virtio'>\n      <backend model='random'>%s</backend>\n    </rng>" % escape(rng))
    if g.get("devices_xml"):
        a.append("    " + g["devices_xml"].strip())
    a.append("  </devices>")
    if g.get("qemu_args"):
        a.append("  <qemu:commandline>")
        for arg in g["qemu_args"]:
            a.append("    <qemu:arg value=%s/>" % quoteattr(str(arg)))
        a.append("  </qemu:commandline>")
    if g.get("domain_xml"):
        a.append("  " + g["domain_xml"].strip())
    a.append("</domain>")
    text = "\n".join(a) + "\n"
    if g.get("qemu_args"):
        text = text.replace("<domain type=%s>" % quoteattr(typ),
                            "<domain type=%s xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>" % quoteattr(typ), 1)
    return text


def _uuid(name):
    import hashlib
    h = hashlib.md5(name.encode("utf-8")).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def libvirt_dir(g):
    """Where libvirt keeps this guest's persistent definition."""
    t = g.get("type", "kvm")
    if "xml" in g:
        head = g["xml"][:200]
        t = "xen" if "type='xen'" in head or 'type="xen"' in head else "lxc" if "type='lxc'" in head or 'type="lxc"' in head else "kvm"
    return {"xen": "etc/libvirt/libxl", "lxc": "etc/libvirt/lxc"}.get(t, "etc/libvirt/qemu")
