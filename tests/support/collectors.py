"""Command output as the collectors' commands print it, made from one plain snapshot {host path:
text}: what supportconfig and sos run on a host and keep, for the archives tests/support/archives.py
writes. Each function returns None where the snapshot lacks what the command would read (then the
archive holds no output for it, as a host without the data would give none worth keeping).

Formats: lscpu (util-linux sys-utils/lscpu.c: `Key:  value` lines, `NUMA nodeN CPU(s):`), numactl
--hardware (numactl.c: `available: N nodes (0-N)`, `node N cpus: ...`, `node N size: M MB`, the
distance table), free -k (procps-ng 3.3: the `buff/cache` column; procps 3.2 on SLE 11: the
`-/+ buffers/cache:` line), ps (procps: a header naming the columns, CMD/COMMAND last), rpm -qa
(supportconfig's rpm.txt query format; sos's installed-rpms `%{NVRA} %{INSTALLTIME:date}`),
mount -l (util-linux: `DEV on DIR type FS (OPTS)`), /proc/PID/mountinfo (proc(5)), and
supportconfig's Virtualization block (supportutils' detectVirtualization, 3.0 and 3.1 wording).
"""
import re


def _cpus(files):
    """[{key: value}] per processor of /proc/cpuinfo."""
    out, cur = [], {}
    for line in files.get("/proc/cpuinfo", "").splitlines():
        if not line.strip():
            if cur:
                out.append(cur)
            cur = {}
            continue
        k, sep, v = line.partition(":")
        if sep:
            cur[k.strip()] = v.strip()
    if cur:
        out.append(cur)
    return [c for c in out if "processor" in c]


def _ranges(nums):
    nums = sorted(nums)
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else "%d-%d" % (nums[i], nums[j]))
        i = j + 1
    return ",".join(out)


def _cpulist(text):
    got = []
    for part in (text or "").strip().split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            got.extend(range(int(a), int(b) + 1))
        elif part.strip().isdigit():
            got.append(int(part))
    return got


def nodes(files):
    """{node number: {"cpus": [int], "kib": int or None}} from /sys/devices/system/node."""
    out = {}
    for p in files:
        m = re.match(r"^/sys/devices/system/node/node([0-9]+)/cpulist$", p)
        if m:
            out.setdefault(int(m.group(1)), {})["cpus"] = _cpulist(files[p])
        m = re.match(r"^/sys/devices/system/node/node([0-9]+)/meminfo$", p)
        if m:
            t = re.search(r"MemTotal:\s+([0-9]+) kB", files[p])
            out.setdefault(int(m.group(1)), {})["kib"] = int(t.group(1)) if t else None
    for n in out.values():
        n.setdefault("cpus", [])
        n.setdefault("kib", None)
    return out


def lscpu(files):
    cpus = _cpus(files)
    if not cpus:
        return None
    first = cpus[0]
    flags = first.get("flags", "").split()
    sockets = len(set(c.get("physical id", "0") for c in cpus)) or 1
    cores = len(set((c.get("physical id", "0"), c.get("core id")) for c in cpus if "core id" in c)) or len(cpus)
    threads = max(1, len(cpus) // cores)
    rows = [("Architecture", "x86_64"), ("CPU op-mode(s)", "32-bit, 64-bit"), ("Byte Order", "Little Endian"),
            ("CPU(s)", str(len(cpus))), ("On-line CPU(s) list", _ranges(int(c["processor"]) for c in cpus)),
            ("Thread(s) per core", str(threads)), ("Core(s) per socket", str(max(1, cores // sockets))),
            ("Socket(s)", str(sockets))]
    nn = nodes(files)
    if nn:
        rows.append(("NUMA node(s)", str(len(nn))))
    rows += [("Vendor ID", first.get("vendor_id", "GenuineIntel")), ("Model name", first.get("model name", ""))]
    if "hypervisor" in flags:
        rows += [("Hypervisor vendor", "KVM"), ("Virtualization type", "full")]
    elif "vmx" in flags or "svm" in flags:
        rows.append(("Virtualization", "VT-x" if "vmx" in flags else "AMD-V"))
    for n in sorted(nn):
        rows.append(("NUMA node%d CPU(s)" % n, _ranges(nn[n]["cpus"])))
    rows.append(("Flags", " ".join(flags)))
    return "".join("%-22s %s\n" % (k + ":", v) for k, v in rows)


def numactl_hardware(files):
    nn = nodes(files)
    if not nn:
        return None
    ids = sorted(nn)
    lines = ["available: %d nodes (%s)" % (len(ids), _ranges(ids))]
    for n in ids:
        mib = (nn[n]["kib"] or 0) // 1024
        lines += ["node %d cpus: %s" % (n, " ".join(str(c) for c in sorted(nn[n]["cpus"]))),
                  "node %d size: %d MB" % (n, mib), "node %d free: %d MB" % (n, mib * 9 // 10)]
    lines.append("node distances:")
    lines.append("node " + "".join("%4d" % n for n in ids))
    for a in ids:
        dist = files.get("/sys/devices/system/node/node%d/distance" % a, "").split()
        row = dist if len(dist) == len(ids) else ["10" if a == b else "21" for b in ids]
        lines.append("%3d: " % a + "".join("%4s" % d for d in row))
    return "\n".join(lines) + "\n"


def _meminfo(files):
    out = {}
    for line in files.get("/proc/meminfo", "").splitlines():
        m = re.match(r"^(\w+):\s+([0-9]+)", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def free_k(files, old=False):
    m = _meminfo(files)
    if "MemTotal" not in m:
        return None
    total, free = m["MemTotal"], m.get("MemFree", 0)
    buffers, cached = m.get("Buffers", 0), m.get("Cached", 0)
    used = max(0, total - free - buffers - cached)
    swap_total = m.get("SwapTotal", 0)
    swap_used = max(0, swap_total - m.get("SwapFree", swap_total))
    if old:   # procps 3.2 (SLE 11)
        return ("             total       used       free     shared    buffers     cached\n"
                "Mem:    %10d %10d %10d %10d %10d %10d\n"
                "-/+ buffers/cache: %10d %10d\n"
                "Swap:   %10d %10d %10d\n" % (total, total - free, free, 0, buffers, cached, used,
                                              free + buffers + cached, swap_total, swap_used, swap_total - swap_used))
    return ("              total        used        free      shared  buff/cache   available\n"
            "Mem:    %11d %11d %11d %11d %11d %11d\n"
            "Swap:   %11d %11d %11d\n" % (total, used, free, 0, buffers + cached, m.get("MemAvailable", free),
                                          swap_total, swap_used, swap_total - swap_used))


def processes(files):
    """[(pid, user, args)] of the snapshot's /proc/PID/cmdline files (None without any)."""
    users = {}
    for line in files.get("/etc/passwd", "").splitlines():
        f = line.split(":")
        if len(f) > 2 and f[2].isdigit():
            users[f[2]] = f[0]
    out = []
    for p in sorted(files, key=lambda p: p.split("/")):
        m = re.match(r"^/proc/([0-9]+)/cmdline$", p)
        if not m:
            continue
        args = [a for a in files[p].split("\0") if a]
        uid = re.search(r"^Uid:\s+([0-9]+)", files.get("/proc/%s/status" % m.group(1), ""), re.M)
        user = users.get(uid.group(1), uid.group(1)) if uid else "root"
        if args:
            out.append((int(m.group(1)), user, args))
    return sorted(out) or None


def ps_axwwo(files):
    """supportconfig's `ps axwwo user,pid,ppid,%cpu,%mem,vsz,rss,stat,time,cmd`."""
    procs = processes(files)
    if procs is None:
        return None
    rows = ["USER       PID  PPID %CPU %MEM    VSZ   RSS STAT     TIME CMD"]
    rows += ["%-8s %5d     1  0.0  0.1  12345  6789 Ss   00:00:01 %s" % (u[:8], pid, " ".join(a))
             for pid, u, a in procs]
    return "\n".join(rows) + "\n"


def ps_aux(files, threads=False):
    """sos's `ps auxwww` (3.x) or `ps auxwwwm` (4.x: each process, then its threads as `-` lines)."""
    procs = processes(files)
    if procs is None:
        return None
    rows = ["USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"]
    for pid, u, a in procs:
        rows.append("%-8s %7d  0.0  0.1  12345  6789 ?        Ss   Jan01   0:01 %s" % (u[:8], pid, " ".join(a)))
        if threads:
            rows.append("%-8s %7s  0.0    -      -     - -        Ssl  Jan01   0:01 -" % (u[:8], "-"))
    return "\n".join(rows) + "\n"


# the package that installs a program the snapshot holds (SLE 12 SP5 / SLE 15 SP5 package names)
PACKAGE_OF = {"/usr/sbin/libvirtd": "libvirt-daemon", "/usr/sbin/virtqemud": "libvirt-daemon-driver-qemu",
              "/usr/sbin/virtxend": "libvirt-daemon-driver-libxl", "/usr/sbin/xl": "xen-tools",
              "/usr/bin/docker": "docker", "/usr/bin/dockerd": "docker", "/usr/bin/podman": "podman",
              "/usr/bin/qemu-system-x86_64": "qemu-x86", "/usr/bin/virsh": "libvirt-client"}
# the package that owns a configuration file or directory the snapshot holds
PACKAGE_OF_PREFIX = (("/etc/libvirt/libvirtd.conf", "libvirt-daemon"), ("/etc/libvirt/virtqemud.conf", "libvirt-daemon-driver-qemu"),
                     ("/etc/libvirt/qemu.conf", "libvirt-daemon-driver-qemu"), ("/etc/tuned/", "tuned"),
                     ("/usr/lib/tuned/", "tuned"), ("/etc/xen/", "xen-tools"), ("/etc/docker/", "docker"))
BASE_PACKAGES = ("aaa_base", "bash", "glibc", "kernel-default", "rpm", "systemd")


def packages(files):
    """[(name, version-release)] the snapshot's programs tell (None when it holds no /usr programs)."""
    if not any(p.startswith(("/usr/bin/", "/usr/sbin/", "/sbin/")) for p in files):
        return None
    names = set(BASE_PACKAGES) | set(PACKAGE_OF[p] for p in files if p in PACKAGE_OF)
    names |= set(pkg for pre, pkg in PACKAGE_OF_PREFIX if any(p.startswith(pre) for p in files))
    return [(n, "1.0-150500.1.1") for n in sorted(names)]


def rpm_txt(files):
    """supportconfig's rpm.txt body: `NAME DISTRIBUTION VERSION` header, then one package a line."""
    pk = packages(files)
    if pk is None:
        return None
    rows = ["%-35s %-35s %s" % ("NAME", "DISTRIBUTION", "VERSION")]
    rows += ["%-35s %-35s %s" % (n, "SUSE Linux Enterprise Server 15", v) for n, v in pk]
    return "\n".join(rows) + "\n"


def installed_rpms(files):
    """sos's installed-rpms: `%{NVRA}` padded, then the install date."""
    pk = packages(files)
    if pk is None:
        return None
    return "".join("%-59s Mon Jan  1 00:00:00 2024\n" % ("%s-%s.x86_64" % (n, v)) for n, v in pk)


def _mount_rows(files):
    rows = []
    for line in files.get("/proc/mounts", "").splitlines():
        f = line.split()
        if len(f) >= 4:
            rows.append(f[:4])
    return rows


def mount_l(files):
    rows = _mount_rows(files)
    if not rows:
        return None
    return "".join("%s on %s type %s (%s)\n" % tuple(r) for r in rows)


def mountinfo(files):
    rows = _mount_rows(files)
    if not rows:
        return None
    return "".join("%d 1 0:%d / %s %s - %s %s %s\n" % (20 + i, 20 + i, r[1], r[3], r[2], r[0], r[3])
                   for i, r in enumerate(rows))


def virtualization_block(files, new=False):
    """The `# Virtualization` lines supportutils' detectVirtualization writes (without the frame)."""
    cpus = _cpus(files)
    model = cpus[0].get("model name", "") if cpus else ""
    flags = cpus[0].get("flags", "").split() if cpus else []
    modules = files.get("/proc/modules", "")
    lines = []
    if any(p.startswith("/proc/xen/") for p in files):
        dom0 = "control_d" in files.get("/proc/xen/capabilities", "")
        if new:
            lines += ["Hypervisor:    Xen", "Identity:      Virtual Machine Server - Dom0" if dom0
                      else "Identity:      Virtual Machine - DomU"]
        elif dom0:
            lines += ["Hypervisor:    Xen (/proc/xen)", "Identity:      Virtual Machine Server - Dom0 (/proc/xen/xsd_port)"]
        else:
            lines += ["Hypervisor:    Xen (/proc/xen)", "Identity:      Virtual Machine - DomU (No /proc/xen/xsd_port)",
                      "Type:          Para Virtualized (xen kernel)"]
    elif new:   # 3.1: lscpu's "Virtualization:" line (VT-x/AMD-V), then its hypervisor vendor
        enabled = any(re.match(r"^/etc/systemd/system/[^/]+\.wants/libvirtd\.service$", p) for p in files)
        if ("vmx" in flags or "svm" in flags) and "hypervisor" in flags:
            lines += ["Hypervisor:    KVM", "Identity:      Virtual Machine - DomU", "Type:          Fully Virtualized"]
        elif ("vmx" in flags or "svm" in flags) and enabled:
            lines += ["Hypervisor:    KVM", "Identity:      Virtual Machine Server - Dom0"]
    elif re.search(r"^kvm\b", modules, re.M):   # 3.0: the kvm module, then the CPU model
        lines += ["Hypervisor:    KVM (kvm loaded)", "Identity:      Virtual Machine (QEMU Virtual CPU)"
                  if "QEMU Virtual CPU" in model else "Identity:      Virtual Machine Server (No QEMU Virtual CPU)"]
    elif "QEMU Virtual CPU" in model:
        lines += ["Hypervisor:    KVM (QEMU Virtual CPU)", "Identity:      Virtual Machine (QEMU Virtual CPU)"]
    if not lines:
        lines += ["Hypervisor:    None", "Identity:      Not Detected"]
    return "\n".join(lines) + "\n"


def chkconfig_list(files):
    """`chkconfig --list` for the snapshot's SysV scripts (/etc/init.d/NAME) and their runlevel links
    (/etc/init.d/rcN.d/S..NAME); None where it has no init scripts (a systemd host)."""
    names = sorted(p.rsplit("/", 1)[1] for p in files if re.match(r"^/etc/init\.d/[^/]+$", p))
    if not names:
        return None
    on = {}
    for p in files:
        m = re.match(r"^/etc/init\.d/rc([0-6S])\.d/S[0-9]*(.+)$", p)
        if m:
            on.setdefault(m.group(2), set()).add(m.group(1))
    return "".join("%-24s %s\n" % (n, "  ".join("%d:%s" % (lv, "on" if str(lv) in on.get(n, ()) else "off")
                                                  for lv in range(7))) for n in names)
