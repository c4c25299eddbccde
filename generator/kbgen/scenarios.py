"""Scenarios: a host state written in an entry, materialised as a root tree, judged, and compared
with what the entry expects. Used by the test suite and by `kbgen test`."""
import contextlib
import os
import shutil
import tempfile

from kbgen import guestxml

PRODUCTS = {
    "sle12": ("os-release", 'NAME="SLES"\nVERSION="12"\nVERSION_ID="12"\nPRETTY_NAME="SUSE Linux Enterprise Server 12"\nID="sles"\nANSI_COLOR="0;32"\nCPE_NAME="cpe:/o:suse:sles:12"\n'),
}
for _sp in range(1, 6):
    PRODUCTS["sle12sp%d" % _sp] = ("os-release", 'NAME="SLES"\nVERSION="12-SP%d"\nVERSION_ID="12.%d"\nPRETTY_NAME="SUSE Linux Enterprise Server 12 SP%d"\nID="sles"\nANSI_COLOR="0;32"\nCPE_NAME="cpe:/o:suse:sles:12:sp%d"\n' % (_sp, _sp, _sp, _sp))
for _sp in range(0, 5):
    PRODUCTS["sle11sp%d" % _sp] = ("SuSE-release", "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = %d\n" % _sp)
for _sp in range(0, 8):
    PRODUCTS["sle15sp%d" % _sp] = ("os-release", 'NAME="SLES"\nVERSION="15-SP%d"\nVERSION_ID="15.%d"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP%d"\nID="sles"\nID_LIKE="suse"\nCPE_NAME="cpe:/o:suse:sles:15:sp%d"\n' % (_sp, _sp, _sp, _sp))
PRODUCTS["debian12"] = ("os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n')

BASE_FLAGS = ("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse "
              "sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc nopl xtopology pni pclmulqdq ssse3 fma cx16 "
              "sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm abm")
MODULES = {
    "kvm": "kvm_intel 245760 0 - Live 0xffffffffc0a2e000\nkvm 737280 1 kvm_intel, Live 0xffffffffc0963000\nirqbypass 16384 1 kvm, Live 0xffffffffc095e000\n",
    "base": "ext4 745472 1 - Live 0xffffffffc0350000\nvirtio_net 57344 0 - Live 0xffffffffc0330000\n",
}
ROLE_FOR = {("kvm", "host"): "kvm_host", ("xen", "host"): "xen_dom0", ("kvm", "guest"): "kvm_guest",
            ("xen", "guest"): "xen_guest", ("containers", "host"): "container_host", ("containers", "guest"): "kvm_guest"}
DEFAULT_CMDLINE = "BOOT_IMAGE=/boot/vmlinuz-4.12.14-122.37-default root=UUID=6b1e1c2a-2f6b-4a53-9d1c-0c4b8e3f2a10 resume=/dev/sda2 splash=silent quiet showopts"


def _kib(s):
    return guestxml._size(s, "0")


def default_role(entry):
    """The role a scenario's host has when it names none: the entry's first hypervisor and role
    (entry: a kbcheck.catalog.Entry)."""
    return ROLE_FOR.get((entry.hypervisors[0], entry.roles[0]), "kvm_host")


def host_files(spec, entry=None):
    """-> ({relative path: text}, {relative path: symlink target}) for a scenario's `host`
    (entry: the kbcheck.catalog.Entry it is for, which gives the default role)."""
    spec = dict(spec or {})
    files = {}
    product = spec.get("product", "sle12sp5")
    if product != "none":
        name, text = PRODUCTS[product]
        files["etc/" + name] = text
    role = spec.get("role") or (default_role(entry) if entry else "kvm_host")
    flags = BASE_FLAGS.split() + list(spec.get("cpu_flags", []))
    modules = MODULES["base"]
    if role == "kvm_host":
        flags.append("vmx")
        modules += MODULES["kvm"]
        files["etc/libvirt/libvirtd.conf"] = "# libvirtd configuration\n"
        files["etc/libvirt/qemu.conf"] = "# qemu driver configuration\n"
    elif role == "xen_dom0":
        files["proc/xen/capabilities"] = "control_d\n"
        files["sys/hypervisor/type"] = "xen\n"
        files["etc/libvirt/libvirtd.conf"] = "# libvirtd configuration\n"
        flags = [f for f in flags if f not in ("vmx", "pdpe1gb")]
    elif role == "kvm_guest":
        flags.append("hypervisor")
        files["sys/class/dmi/id/sys_vendor"] = "QEMU\n"
        files["sys/class/dmi/id/product_name"] = "Standard PC (i440FX + PIIX, 1996)\n"
    elif role == "xen_guest":
        flags.append("hypervisor")
        files["sys/hypervisor/type"] = "xen\n"
        files["proc/xen/capabilities"] = ""
    elif role == "container_host":
        files["etc/systemd/system/multi-user.target.wants/docker.service"] = "[Unit]\nDescription=Docker\n"
    for m in spec.get("modules", []):
        modules += "%s 16384 0 - Live 0xffffffffc0000000\n" % m
    files["proc/modules"] = modules
    cpus = int(spec.get("cpus", 8))
    sockets = int(spec.get("sockets", 1))
    cores = int(spec.get("cores", max(1, cpus // 2)))
    threads = max(1, cpus // cores)
    cores_per_socket = max(1, cores // sockets)
    flag_text = " ".join(sorted(set(flags), key=flags.index))
    info = []
    for i in range(cpus):
        core_global = i % cores
        sock = core_global // cores_per_socket
        core = core_global % cores_per_socket
        info.append("processor\t: %d\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 79\n"
                    "model name\t: Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz\nphysical id\t: %d\nsiblings\t: %d\n"
                    "core id\t\t: %d\ncpu cores\t: %d\nflags\t\t: %s\n" % (i, sock, cores_per_socket * threads, core,
                                                                        cores_per_socket, flag_text))
        base = "sys/devices/system/cpu/cpu%d/topology/" % i
        files[base + "physical_package_id"] = "%d\n" % sock
        files[base + "core_id"] = "%d\n" % core
    files["proc/cpuinfo"] = "\n".join(info) + "\n"
    files["sys/devices/system/cpu/online"] = "0-%d\n" % (cpus - 1) if cpus > 1 else "0\n"
    mem = _kib(spec.get("memory", "32G"))
    hp = dict(spec.get("hugepages", {}))
    hp_norm = {}
    for size, v in hp.items():
        s = str(size).upper()
        kib = _kib(s) if s[-1] in "KMGT" else int(s)
        hp_norm[kib] = v
    default_hp = hp_norm.get(2048, {})
    files["proc/meminfo"] = (
        "MemTotal:       %d kB\nMemFree:        %d kB\nMemAvailable:   %d kB\nBuffers:          102400 kB\n"
        "Cached:          2048000 kB\nSwapTotal:       %d kB\nSwapFree:        %d kB\nAnonHugePages:    409600 kB\n"
        "HugePages_Total:   %d\nHugePages_Free:    %d\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n"
        "Hugepagesize:       2048 kB\n" % (mem, mem // 2, mem // 2, 2097148, 2097148,
                                          default_hp.get("total", 0), default_hp.get("free", default_hp.get("total", 0))))
    for kib, v in hp_norm.items():
        base = "sys/kernel/mm/hugepages/hugepages-%dkB/" % kib
        files[base + "nr_hugepages"] = "%d\n" % v.get("total", 0)
        files[base + "free_hugepages"] = "%d\n" % v.get("free", v.get("total", 0))
        files[base + "resv_hugepages"] = "0\n"
    if 2048 not in hp_norm:
        base = "sys/kernel/mm/hugepages/hugepages-2048kB/"
        files[base + "nr_hugepages"] = "0\n"
        files[base + "free_hugepages"] = "0\n"
        files[base + "resv_hugepages"] = "0\n"
    numa = spec.get("numa") or [{"cpus": "0-%d" % (cpus - 1) if cpus > 1 else "0", "memory": "%dK" % mem}]
    for i, node in enumerate(numa):
        base = "sys/devices/system/node/node%d/" % i
        files[base + "cpulist"] = node.get("cpus", "") + "\n"
        nm = _kib(node.get("memory", "%dK" % (mem // len(numa))))
        files[base + "meminfo"] = "Node %d MemTotal:       %d kB\nNode %d MemFree:        %d kB\n" % (i, nm, i, nm // 2)
        for size, v in (node.get("hugepages") or {}).items():
            s = str(size).upper()
            kib = _kib(s) if s[-1] in "KMGT" else int(s)
            files[base + "hugepages/hugepages-%dkB/nr_hugepages" % kib] = "%d\n" % (v if isinstance(v, int) else v.get("total", 0))
    files["sys/devices/system/node/online"] = "0-%d\n" % (len(numa) - 1) if len(numa) > 1 else "0\n"
    for k, v in (spec.get("sysctl") or {}).items():
        files["proc/sys/" + k.replace(".", "/")] = "%s\n" % v
    for k, v in (spec.get("ksm") or {}).items():
        files["sys/kernel/mm/ksm/" + k] = "%s\n" % v
    if spec.get("thp"):
        files["sys/kernel/mm/transparent_hugepage/enabled"] = spec["thp"] + "\n"
    files["proc/cmdline"] = spec.get("cmdline", DEFAULT_CMDLINE) + "\n"
    for dev, sched in (spec.get("disks") or {}).items():
        files["sys/block/%s/queue/scheduler" % dev] = sched + "\n"
        files["sys/block/%s/queue/rotational" % dev] = "1\n" if dev.startswith(("sd", "hd")) else "0\n"
        files["sys/block/%s/removable" % dev] = "0\n"
    mounts = ["/dev/sda3 / btrfs rw,relatime,space_cache,subvolid=259,subvol=/@/.snapshots/1/snapshot 0 0",
              "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0", "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0",
              "tmpfs /run tmpfs rw,nosuid,nodev,mode=755 0 0"]
    files["proc/mounts"] = "\n".join(mounts + list(spec.get("mounts", []))) + "\n"
    swaps = spec.get("swaps")
    files["proc/swaps"] = "Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n" + "".join(
        line + "\n" for line in (swaps if swaps is not None else ["/dev/sda2                               partition\t2097148\t0\t-1"]))
    for g in spec.get("guests", []):
        files["%s/%s.xml" % (guestxml.libvirt_dir(g), g["name"])] = guestxml.expand(g)
    if spec.get("capabilities"):
        files["var/lib/kbcheck/capabilities.xml"] = spec["capabilities"]
    for path, img in (spec.get("images") or {}).items():
        files[path.lstrip("/")] = image_bytes(img or {})
    for path, text in (spec.get("files") or {}).items():
        path = path.lstrip("/")
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text
    return files, dict((k.lstrip("/"), v) for k, v in (spec.get("symlinks") or {}).items())


def image_bytes(img):
    """A scenario `images:` value -> the head of a disk image file (bytes).

    {format: qcow2 | raw | vmdk | qed | vdi, size: 64G (virtual size), backing: path,
    backing_format: raw, cluster_size: 65536, lazy_refcounts: bool, encrypted: aes | luks,
    version: 2 | 3}. qcow2 gets a real header (docs/interop/qcow2.txt layout); the others
    only their magic bytes."""
    fmt = img.get("format", "qcow2")
    if fmt == "raw":
        return b"\x00" * 1024
    if fmt == "vmdk":
        return b"KDMV" + b"\x00" * 508
    if fmt == "qed":
        return b"QED\x00" + b"\x00" * 508
    if fmt == "vdi":
        return b"<<< Oracle VM VirtualBox Disk Image >>>\n" + b"\x00" * 472
    size = _kib(img.get("size", "16G")) * 1024
    cluster = int(img.get("cluster_size", 65536))
    bits = cluster.bit_length() - 1
    version = int(img.get("version", 3))
    backing = (img.get("backing") or "").encode("utf-8")
    crypt = {"aes": 1, "luks": 2}.get(img.get("encrypted") or "", 0)

    def be(n, width):
        return n.to_bytes(width, "big")
    head = b"QFI\xfb" + be(version, 4) + be(512 if backing else 0, 8) + be(len(backing), 4) + be(bits, 4)
    head += be(size, 8) + be(crypt, 4) + be(1, 4) + be(3 * cluster, 8) + be(cluster, 8) + be(1, 4)
    head += be(0, 4) + be(0, 8)
    if version >= 3:
        head += be(0, 8) + be(1 if img.get("lazy_refcounts") else 0, 8) + be(0, 8) + be(4, 4) + be(104, 4)
    head = head.ljust(512, b"\x00") + backing
    return head.ljust(4096, b"\x00")


def materialise(spec, root, entry=None):
    files, links = host_files(spec, entry)
    for rel, text in files.items():
        p = os.path.join(root, rel)
        d = os.path.dirname(p)
        if not os.path.isdir(d):
            os.makedirs(d)
        with open(p, "wb" if isinstance(text, bytes) else "w") as f:
            f.write(text)
    for rel, target in links.items():
        p = os.path.join(root, rel)
        if not os.path.isdir(os.path.dirname(p)):
            os.makedirs(os.path.dirname(p))
        os.symlink(target, p)
    return root


def expectations(expect):
    """Normalise `expect` -> list of {'status', 'subject', 'message', 'covers'} (covers: a tuple of
    recommendation IDs for an entry that reports one result per ID, else ())."""
    if isinstance(expect, str):
        return [{"status": expect, "subject": None, "covers": ()}]
    if isinstance(expect, dict):
        expect = [expect]
    out = []
    for e in expect:
        covers = e.get("covers") or ()
        out.append({"status": e["status"], "subject": e.get("subject"), "message": e.get("message"),
                    "covers": (covers,) if isinstance(covers, str) else tuple(covers)})
    return out


def compare(expect, results):
    """-> list of mismatch descriptions (empty when the results are what the scenario expects).
    Results are told apart by subject and, for one-result-per-ID entries, by the IDs they cover."""
    want = expectations(expect)
    got = [(r.subject, r.status, r.message, tuple(getattr(r, "covers", None) or ())) for r in results]

    def key(subject, covers):
        return "%s%s" % (subject or ("host" if covers else ""), (" (%s)" % ", ".join(covers)) if covers else "")
    problems = []
    want_keys = sorted(key(w["subject"], w["covers"]) for w in want)
    got_keys = sorted(key(s, c) for s, _, _, c in got)
    if want_keys != got_keys:
        problems.append("expected results for %s, got results for %s" % (
            [key(w["subject"], w["covers"]) or None for w in want], [key(s, c) or None for s, _, _, c in got]))
    for w in want:
        matches = [g for g in got if (g[0] or None) == (w["subject"] or None) and g[3] == w["covers"]]
        if not matches:
            continue
        s, status, msg, _ = matches[0]
        where = key(w["subject"], w["covers"]) or "host"
        if status != w["status"]:
            problems.append("%s: expected %s, got %s (%s)" % (where, w["status"], status, msg))
        elif w.get("message") and w["message"] not in msg:
            problems.append("%s: message %r does not contain %r" % (where, msg, w["message"]))
    return problems


@contextlib.contextmanager
def judged(entry, scenario, source_factory=None):
    """The scenario's host materialised in a temporary root and judged with the entry's probe:
    yields (host, results, root) while the host's source is open (for what asks the host more:
    evidence, the header, applicability); the source is closed and the root removed afterwards.
    entry: the kbcheck.catalog.Entry whose scenario it is (see kbgen.compiler.entry);
    source_factory(root, scenario) may wrap the root in another Source (the libvirt test driver,
    an archive)."""
    from kbcheck.facts import Host
    from kbcheck.runner import run_entry
    from kbcheck.sources.root import RootSource
    tmp = tempfile.mkdtemp(prefix="kbscenario-")
    try:
        materialise(scenario.get("host"), tmp, entry)
        source = source_factory(tmp, scenario) if source_factory else RootSource(tmp)
        try:
            host = Host(source, assume=dict((k, str(v).lower() if isinstance(v, bool) else str(v))
                                            for k, v in (scenario.get("assume") or {}).items()))
            yield host, run_entry(entry, host), tmp
        finally:
            source.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(entry, scenario, source_factory=None):
    """Materialise, judge, compare (see judged). -> (results, problems)."""
    with judged(entry, scenario, source_factory) as (_host, results, _root):
        pass
    return results, compare(scenario["expect"], results)
