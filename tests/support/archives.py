"""Build sosreport trees and supportconfig archives from one plain snapshot, for tests.

Input: a snapshot root directory, or a dict {host path: text}. Output:
  write_sosreport(snapshot, dest)                  -> an extracted sosreport directory
  write_supportconfig(snapshot, dest, era, ...)    -> a supportconfig directory, or a .txz

Formats follow what the collectors write (see kbcheck/sources/sosreport.py and
kbcheck/parsers/supportconfig_sections.py for the sources read): sos copies files under their own paths
and keeps command output under sos_commands/<plugin>/<mangled command>; supportconfig writes
"#==[ Command ]==#" / "#==[ Configuration File ]==#" sections into flat text files, with
comment and blank lines removed from configuration files.

Eras of supportconfig:
  sle11    kvm.txt / xen.txt; sysctl -a only in env.txt (no proc.txt); /sys/block only as `ls -l`
  sle12    kvm.txt / xen.txt; proc.txt; sysctl -a in env.txt; /sys/block only as `ls -l`
  current  plugin-libvirt.txt / plugin-xen.txt (plugin frame); proc.txt; memory.txt
           `sysctl -a | grep ^vm`; per-disk schedulers via `grep '' /sys/block/*/queue/scheduler`
"""
import io
import os
import re
import tarfile

ERAS = ("sle11", "sle12", "current")

CMD_HDR = "#==[ Command ]======================================#"
CONF_HDR = "#==[ Configuration File ]===========================#"
NOTE_HDR = "#==[ Note ]=========================================#"
PLUGIN_HDR = "#==[ Plugin ]=======================================#"
SECTION_HDR = "#==[ Section Header ]===============================#"

_BIN = {"sysctl": "/sbin/sysctl", "grep": "/usr/bin/grep", "ls": "/bin/ls", "lsmod": "/sbin/lsmod",
        "virsh": "/usr/bin/virsh", "uname": "/bin/uname", "xl": "/usr/sbin/xl", "date": "/bin/date",
        "free": "/usr/bin/free", "dmidecode": "/usr/sbin/dmidecode", "systemctl": "/usr/bin/systemctl", "chkconfig": "/sbin/chkconfig"}


# -- snapshot input -----------------------------------------------------------------------
def load_snapshot(snapshot):
    """{host path: text} from a dict or a root directory (regular files only, decoded as UTF-8)."""
    if isinstance(snapshot, dict):
        return dict(("/" + k.lstrip("/"), v) for k, v in snapshot.items())
    out = {}
    root = os.path.abspath(snapshot)
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not os.path.islink(os.path.join(d, x))]
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, "rb") as fh:
                out["/" + os.path.relpath(p, root).replace(os.sep, "/")] = fh.read().decode("utf-8", "replace")
    return out


def _write(path, text):
    d = os.path.dirname(path)
    if not os.path.isdir(d):
        os.makedirs(d)
    with open(path, "w") as f:
        f.write(text)


def sysctl_lines(files):
    """`sysctl -a` text for the /proc/sys files of a snapshot (single-line values only)."""
    out = []
    for p in sorted(files):
        if not p.startswith("/proc/sys/"):
            continue
        v = files[p].rstrip("\n")
        if "\n" in v:
            continue
        out.append("%s = %s" % (p[len("/proc/sys/"):].replace("/", "."), v))
    return "\n".join(out) + "\n" if out else ""


def domain_xml(files):
    """[(name, xml)] from /etc/libvirt/qemu/*.xml and /etc/libvirt/libxl/*.xml."""
    out = []
    for p in sorted(files):
        m = re.match(r"^/etc/libvirt/(qemu|libxl)/([^/]+)\.xml$", p)
        if m:
            nm = re.search(r"<name>([^<]+)</name>", files[p])
            out.append((nm.group(1).strip() if nm else m.group(2), files[p]))
    return out


def capabilities_xml(files):
    for p in ("/var/lib/kbcheck/capabilities.xml", "/etc/libvirt/capabilities.xml"):
        if files.get(p):
            return files[p]
    return None


def virsh_list(doms, states=None):
    states = states or {}
    lines = [" Id   Name           State", "-------------------------------"]
    for i, (name, _) in enumerate(doms, 1):
        st = states.get(name, "shut off")
        lines.append(" %-4s %-14s %s" % (str(i) if st == "running" else "-", name, st))
    return "\n".join(lines) + "\n\n"


def dmidecode(files):
    """`dmidecode` output as dmidecode 3.x prints it, for the snapshot's /sys/class/dmi/id files
    (None when the snapshot has none). Fields the snapshot lacks print as "Not Specified", as
    dmidecode prints an empty SMBIOS string."""
    def f(name):
        v = files.get("/sys/class/dmi/id/" + name, "").strip()
        return v or "Not Specified"
    if not any(p.startswith("/sys/class/dmi/id/") for p in files):
        return None
    return ("# dmidecode 3.2\n"
            "Getting SMBIOS data from sysfs.\n"
            "SMBIOS 2.8 present.\n"
            "9 structures occupying 1016 bytes.\n"
            "Table at 0x000F5A90.\n"
            "\n"
            "Handle 0x0000, DMI type 0, 24 bytes\n"
            "BIOS Information\n"
            "\tVendor: %s\n"
            "\tVersion: %s\n"
            "\tRelease Date: %s\n"
            "\tAddress: 0xE8000\n"
            "\tRuntime Size: 96 kB\n"
            "\tROM Size: 64 kB\n"
            "\tCharacteristics:\n"
            "\t\tBIOS characteristics not supported\n"
            "\t\tTargeted content distribution is supported\n"
            "\tBIOS Revision: 0.0\n"
            "\n"
            "Handle 0x0100, DMI type 1, 27 bytes\n"
            "System Information\n"
            "\tManufacturer: %s\n"
            "\tProduct Name: %s\n"
            "\tVersion: %s\n"
            "\tSerial Number: Not Specified\n"
            "\tUUID: %s\n"
            "\tWake-up Type: Power Switch\n"
            "\tSKU Number: Not Specified\n"
            "\tFamily: Not Specified\n"
            "\n"
            "Handle 0x7F00, DMI type 127, 4 bytes\n"
            "End Of Table\n"
            "\n" % (f("bios_vendor"), f("bios_version"), f("bios_date"), f("sys_vendor"), f("product_name"),
                    f("product_version"), f("product_uuid")))


# -- sosreport ----------------------------------------------------------------------------
def _mangle(command):
    name = re.sub(r"^/(usr/|)(bin|sbin)/", "", command)
    name = re.sub(r"[^\w\-\./]+", "_", name)
    return name.replace("/", ".").strip(" ._-")[:255]


def write_sosreport(snapshot, dest, states=None, dmi_sysfs=True):
    """A sosreport-shaped tree at `dest` (sos 4.x layout). /proc/sys is not copied (sos does not):
    its values go to sos_commands/kernel/sysctl_-a. DMI data goes to sos_commands/hardware/dmidecode;
    dmi_sysfs=False leaves out the /sys/class/dmi/id copies (older sos, or fields it skipped).
    Returns dest."""
    files = load_snapshot(snapshot)
    for p, text in files.items():
        if p.startswith("/proc/sys/"):
            continue
        if not dmi_sysfs and p.startswith("/sys/class/dmi/"):
            continue
        _write(os.path.join(dest, p.lstrip("/")), text)
    _write(os.path.join(dest, "version.txt"), "sosreport: 4.5.6\n")
    _write(os.path.join(dest, "sos_reports", "manifest.json"), '{"version": "4.5.6"}\n')
    cmds = os.path.join(dest, "sos_commands")
    _write(os.path.join(cmds, "kernel", _mangle("sysctl -a")), sysctl_lines(files))
    if "/proc/modules" in files:
        _write(os.path.join(cmds, "kernel", "lsmod"), _lsmod(files["/proc/modules"]))
    dmi = dmidecode(files)
    if dmi is not None:
        _write(os.path.join(cmds, "hardware", "dmidecode"), dmi)
    doms = domain_xml(files)
    caps = capabilities_xml(files)
    if doms or caps:
        v = os.path.join(cmds, "virsh")
        _write(os.path.join(v, _mangle("virsh -r list --all")), virsh_list(doms, states))
        for name, xml in doms:
            _write(os.path.join(v, _mangle("virsh -r dumpxml %s" % name)), xml)
        if caps:
            _write(os.path.join(v, _mangle("virsh -r capabilities")), caps)
    return dest


def _lsmod(proc_modules):
    lines = ["Module                  Size  Used by"]
    for line in proc_modules.splitlines():
        f = line.split()
        if len(f) >= 3:
            deps = f[3].rstrip(",") if len(f) > 3 and f[3] != "-" else ""
            lines.append(("%-24s%7s  %s %s" % (f[0], f[1], f[2], deps)).rstrip())
    return "\n".join(lines) + "\n"


# -- supportconfig ------------------------------------------------------------------------
class _Out(object):
    """Collects the text files of one supportconfig run."""

    def __init__(self):
        self.files = {}

    def raw(self, name, text):
        self.files[name] = self.files.get(name, "") + text

    def cmd(self, name, command, output, failed=False):
        words = command.split(" ", 1)
        full = _BIN.get(words[0], "/usr/bin/" + words[0])
        if failed:
            self.raw(name, "%s\n# %s\nERROR: Command not found or not executable\n\n" % (CMD_HDR, command))
            return
        label = full + (" " + words[1] if len(words) > 1 else "")
        if output and not output.endswith("\n"):
            output += "\n"
        self.raw(name, "%s\n# %s\n%s\n" % (CMD_HDR, label, output))

    def conf(self, name, path, files, plugin=False):
        if path in files:
            self.raw(name, "%s\n# %s\n%s\n\n" % (CONF_HDR, path, _strip_conf(files[path], plugin)))
        else:
            self.raw(name, "%s\n# %s - File not found\n\n" % (CONF_HDR, path))

    def note(self, name, label, text=""):
        self.raw(name, "%s\n# %s\n\n%s" % (NOTE_HDR, label, text))


def _strip_conf(text, plugin=False):
    """What conf_files (supportconfig.rc) / pconf_files (scplugin.rc) keep of a file by default:
    comment lines (#, ;, and // for plugins), carriage returns and blank lines removed."""
    out = []
    for line in text.replace("\r", "").split("\n"):
        s = line.lstrip()
        if s.startswith("#") or s.startswith(";") or (plugin and s.startswith("//")):
            continue
        if (not plugin and not s) or (plugin and line == ""):
            continue
        out.append(line)
    return "\n".join(out) + "\n" if out else ""


def _glob(files, pattern):
    rx = re.compile("^" + re.escape(pattern).replace("\\*", "[^/]*") + "$")
    return sorted(p for p in files if rx.match(p))


def unit_files(files):
    """`systemctl list-unit-files` as systemd prints it for the snapshot's units ("" without any):
    enabled where an /etc/systemd/system/*.wants link names the unit, else disabled."""
    enabled, names = set(), set()
    for p in files:
        m = re.match(r"^/etc/systemd/system/[^/]+\.wants/([^/]+)$", p)
        if m:
            enabled.add(m.group(1))
            names.add(m.group(1))
        m = re.match(r"^/(?:usr/)?lib/systemd/system/([^/]+\.(?:service|socket|mount|target|timer))$", p)
        if m:
            names.add(m.group(1))
    if not names:
        return ""
    rows = ["UNIT FILE                                  STATE           PRESET"]
    rows += ["%-42s %-15s %s" % (n, "enabled" if n in enabled else "disabled", "disabled") for n in sorted(names)]
    return "\n".join(rows) + "\n\n%d unit files listed.\n" % len(names)


def supportconfig_files(snapshot, era="current", host="kvmhost", states=None, failing=()):
    """{file name: text} as supportconfig of `era` would write it for this snapshot.

    `failing`: commands to record as "ERROR: Command not found or not executable"."""
    if era not in ERAS:
        raise ValueError("era must be one of %s" % (ERAS,))
    files = load_snapshot(snapshot)
    o = _Out()
    sysctl_bin = "sysctl -a"

    def cmd(name, command, output):
        o.cmd(name, command, output, failed=command in failing)

    # basic-environment.txt
    o.raw("basic-environment.txt", "=" * 77 + "\n                     Support Utilities - Supportconfig\n"
          "                          Script Version: %s\n" % {"sle11": "2.25-350", "sle12": "3.0-98",
                                                               "current": "3.1.16-1.0"}[era] + "=" * 77 + "\n\n")
    cmd("basic-environment.txt", "date", "Mon Jan  1 00:00:00 UTC 2024\n")
    cmd("basic-environment.txt", "uname -a", "Linux %s 5.14.21 #1 SMP x86_64 GNU/Linux\n" % host)
    o.raw("basic-environment.txt", "#==[ System ]=======================================#\n# Virtualization\n"
          "Hypervisor:    None\nIdentity:      Not Detected\n\n")
    for p in _glob(files, "/etc/*release*"):
        o.conf("basic-environment.txt", p, files)

    # basic-health-check.txt
    cmd("basic-health-check.txt", "uptime", " 00:00:00 up 1 day,  1 user,  load average: 0.00, 0.00, 0.00\n")
    if "/proc/sys/kernel/tainted" in files:
        o.conf("basic-health-check.txt", "/proc/sys/kernel/tainted", files)

    # hardware.txt
    for p in ("/proc/cpuinfo", "/proc/cmdline"):
        o.conf("hardware.txt", p, files)
    dmi = dmidecode(files)
    if dmi is not None:
        cmd("hardware.txt", "dmidecode", dmi)

    # boot.txt
    cmd("boot.txt", "uname -a", "Linux %s 5.14.21 #1 SMP x86_64 GNU/Linux\n" % host)
    if era == "sle11":
        for p in ("/etc/grub.conf", "/boot/grub/menu.lst", "/boot/grub/device.map"):
            o.conf("boot.txt", p, files)
    else:
        for p in ("/etc/default/grub", "/etc/default/grub_installdevice", "/boot/grub2/device.map"):
            o.conf("boot.txt", p, files)
    for p in ("/proc/cmdline", "/etc/sysconfig/kernel"):
        o.conf("boot.txt", p, files)

    # modules.txt
    if "/proc/modules" in files:
        cmd("modules.txt", "lsmod | sort", _lsmod(files["/proc/modules"]))
    if era != "sle11":
        for p in _glob(files, "/etc/modprobe.d/*"):
            o.conf("modules.txt", p, files)

    # env.txt
    if era == "sle11":
        cmd("env.txt", "chkconfig boot.sysctl", "boot.sysctl  on\n")
        for p in ("/etc/sysctl.conf", "/etc/sysconfig/sysctl"):
            o.conf("env.txt", p, files)
    else:
        cmd("env.txt", "systemctl status sysctl", "")
        sysctl_files = ["/etc/sysctl.conf"] + _glob(files, "/boot/sysctl.conf-*")
        for d in ("/lib/sysctl.d", "/usr/lib/sysctl.d", "/usr/local/lib/sysctl.d", "/etc/sysctl.d", "/run/sysctl.d"):
            found = _glob(files, d + "/*.conf")
            # an unmatched bash glob stays literal: "<dir>/*.conf - File not found"
            sysctl_files.extend(found or [d + "/*.conf"])
        for p in sysctl_files:
            o.conf("env.txt", p, files)
    cmd("env.txt", sysctl_bin, sysctl_lines(files))
    for p in _glob(files, "/etc/default/*"):
        o.conf("env.txt", p, files)

    # systemd.txt (supportconfig 3.x): the unit files and their states
    units = unit_files(files)
    if era != "sle11" and units:
        cmd("systemd.txt", "systemctl --no-pager list-unit-files", units)

    # memory.txt
    cmd("memory.txt", "free -k", "              total        used        free\n")
    for p in ("/proc/meminfo", "/proc/vmstat"):
        if p in files or p == "/proc/meminfo":
            o.conf("memory.txt", p, files)
    if era == "current":
        vm = "".join(l + "\n" for l in sysctl_lines(files).splitlines() if l.startswith("vm."))
        cmd("memory.txt", "sysctl -a 2>/dev/null | grep ^vm", vm)
    for p in sorted(p for p in files if p.startswith("/sys/kernel/mm/transparent_hugepage/")):
        o.conf("memory.txt", p, files)

    # fs-diskio.txt
    for p in ("/proc/partitions", "/etc/fstab"):
        o.conf("fs-diskio.txt", p, files)
    for p in ("/proc/mounts", "/etc/mtab"):
        o.conf("fs-diskio.txt", p, files)
    devs = sorted(set(p.split("/")[3] for p in files if re.match(r"^/sys/block/[^/]+/", p)))
    ls = ["total 0"] + ["lrwxrwxrwx 1 root root 0 2024-01-01 00:00 %s -> ../devices/virtual/block/%s" % (d, d)
                        for d in devs]
    cmd("fs-diskio.txt", "ls -l --time-style=long-iso /sys/block/", "\n".join(ls) + "\n")
    if era == "current":
        lines = ["/sys/block/%s/queue/scheduler:%s" % (d, files["/sys/block/%s/queue/scheduler" % d].strip())
                 for d in devs if "/sys/block/%s/queue/scheduler" % d in files]
        cmd("fs-diskio.txt", "grep '' /sys/block/*/queue/scheduler", "\n".join(lines) + "\n" if lines else "")

    # proc.txt
    if era != "sle11":
        for p in ("/proc/mounts", "/proc/zoneinfo"):
            if p in files:
                o.conf("proc.txt", p, files)
        kernel1 = sorted((p for p in files if re.match(r"^/proc/sys/kernel/[^/]+$", p)), key=str.lower)
        allsys = sorted((p for p in files if p.startswith("/proc/sys/")), key=str.lower)
        for p in kernel1 + allsys:
            o.conf("proc.txt", p, files)

    # sysconfig.txt
    for p in sorted((p for p in files if re.match(r"^/etc/sysconfig/[^/]+$", p)), key=str.lower):
        o.conf("sysconfig.txt", p, files)

    # etc.txt: every /etc file named *conf or *cfg
    for p in sorted(p for p in files if p.startswith("/etc/") and re.search(r"(conf|cfg)$", p)):
        o.conf("etc.txt", p, files)

    # virtualization
    doms = domain_xml(files)
    caps = capabilities_xml(files)
    xen = "/proc/xen/capabilities" in files
    libvirt = bool(doms or caps or any(p.startswith("/etc/libvirt/") for p in files))
    if era in ("sle11", "sle12"):
        if libvirt and not xen:
            _virt_body(o, "kvm.txt", files, doms, caps, states, plugin=False, failing=failing)
        if xen:
            _virt_body(o, "xen.txt", files, doms, caps, states, plugin=False, failing=failing, xen=True)
    else:
        _plugin(o, "plugin-libvirt.txt", "libvirt", files, doms, caps, states, failing, run=libvirt)
        _plugin(o, "plugin-xen.txt", "xen", files, doms, caps, states, failing, run=xen, xen=True)
    return o.files


def _virt_body(o, name, files, doms, caps, states, plugin, failing, xen=False):
    def conf(p):
        return o.conf(name, p, files, plugin=plugin)

    def cmd(command, output):
        o.cmd(name, command, output, failed=command in failing)
    if xen:
        conf("/proc/xen/capabilities")
        # supportconfig's xen_info (2.x, 3.0) writes xend-config.sxp where xend runs (SLE 11), else xl.conf
        for p in _glob(files, "/etc/xen/xend-config.sxp") + (_glob(files, "/etc/xen/*.conf") or ["/etc/xen/xl.conf"]):
            conf(p)
        cmd("xl info", "host                   : xenhost\n")
    for p in _glob(files, "/etc/libvirt/*.conf"):
        conf(p)
    cmd("virsh list --all", virsh_list(doms, states))
    if caps:
        cmd("virsh capabilities", caps)
    for dname, xml in doms:
        cmd("virsh dumpxml %s" % dname, xml)
    for p in _glob(files, "/etc/libvirt/qemu/*.xml") + _glob(files, "/etc/libvirt/libxl/*.xml"):
        conf(p)
    for p in sorted(p for p in files if p.startswith("/sys/kernel/mm/ksm/")):
        conf(p)


def _plugin(o, name, plugin, files, doms, caps, states, failing, run, xen=False):
    bin_ = "/usr/lib/supportconfig/plugins/" + plugin
    o.raw(name, "%s\n# Output: %s\n\n%s\n# %s\n" % (PLUGIN_HDR, bin_, CMD_HDR, bin_))
    if run:
        o.raw(name, "\n%s\n# %s\n\n" % (SECTION_HDR, "libvirt" if plugin == "libvirt" else "Xen"))
        _virt_body(o, name, files, doms, caps, states, plugin=True, failing=failing, xen=xen)
    o.raw(name, "\n%s\n# File: cat -n %s\n\n     1\t#!/bin/bash\n     2\t# plugin_command \"virsh list --all\"\n\n"
          % (PLUGIN_HDR, bin_))


def write_supportconfig(snapshot, dest, era="current", host="kvmhost", tarball=False, states=None,
                        failing=(), date="240101", time="0000"):
    """Write a supportconfig of `era` under directory `dest`: the scc_<host>_<date>_<time>/
    directory, or (tarball=True) scc_<host>_<date>_<time>.txz. Returns the path written."""
    base = "scc_%s_%s_%s" % (host, date, time)
    texts = supportconfig_files(snapshot, era=era, host=host, states=states, failing=failing)
    if not os.path.isdir(dest):
        os.makedirs(dest)
    if not tarball:
        d = os.path.join(dest, base)
        for n, t in texts.items():
            _write(os.path.join(d, n), t)
        return d
    path = os.path.join(dest, base + ".txz")
    with tarfile.open(path, "w:xz") as tf:
        info = tarfile.TarInfo(base)
        info.type = tarfile.DIRTYPE
        info.mode = 0o700
        tf.addfile(info)
        for n in sorted(texts):
            data = texts[n].encode("utf-8")
            info = tarfile.TarInfo(base + "/" + n)
            info.size = len(data)
            info.mode = 0o600
            tf.addfile(info, io.BytesIO(data))
    return path
