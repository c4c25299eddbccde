"""Where supportconfig keeps what the facts layer asks for: ONE table, LOCATIONS, of where each
collector era put each host path, COMMANDS, where it put each command's output, and how a
command's output stands in for a file supportconfig did not copy (from_command). Read by
kbcheck.sources.supportconfig; nothing is found by "first section that matches anywhere"."""
import fnmatch
import re

from kbcheck.parsers import dmidecode
from kbcheck.parsers import kernel as kernel_parser
from kbcheck.parsers import supportconfig_sections as scp

CONF = "Configuration File"   # one file supportconfig names explicitly: content or "- File not found"
LISTED = "listed"              # a file of a complete glob listing: not listed = not on the host
CMD = "Command"
PATH = "{path}"   # header template: the host path asked for

# virtualization files, by era: SLE 11/12 supportconfig wrote kvm.txt / xen.txt itself; later the
# libvirt and xen packages ship supportconfig plugins whose output is plugin-<name>.txt.
VIRT = ("plugin-libvirt.txt", "plugin-xen.txt", "kvm.txt", "xen.txt", "plugin-qemu.txt")
_ETC_CONF = ("etc.txt", LISTED, PATH)   # etc.txt: every /etc file named *conf or *cfg

# The location table: (host path pattern, [(file, section kind, header template), ...]).
# Patterns are fnmatch patterns; the first pattern that matches a path decides, and its locations
# are tried in order. Patterns ending in "/*" also answer listdir() of their directory.
LOCATIONS = [
    ("/proc/meminfo", [("memory.txt", CONF, PATH)]),
    ("/proc/vmstat", [("memory.txt", CONF, PATH)]),
    ("/proc/zoneinfo", [("memory.txt", CONF, PATH), ("proc.txt", CONF, PATH)]),
    ("/proc/buddyinfo", [("memory.txt", CONF, PATH)]),
    ("/proc/cpuinfo", [("hardware.txt", CONF, PATH)]),
    ("/proc/cmdline", [("boot.txt", CONF, PATH), ("hardware.txt", CONF, PATH), ("crash.txt", CONF, PATH)]),
    ("/proc/mounts", [("fs-diskio.txt", CONF, PATH), ("proc.txt", CONF, PATH)]),
    ("/proc/partitions", [("fs-diskio.txt", CONF, PATH)]),
    ("/proc/modules", [("modules.txt", CMD, "lsmod | sort"), ("modules.txt", CMD, "lsmod")]),
    ("/proc/xen/*", [(f, CONF, PATH) for f in VIRT]),
    ("/proc/sys/*", [("proc.txt", LISTED, PATH), ("basic-health-check.txt", CONF, PATH),
                     ("crash.txt", CONF, PATH), ("network.txt", CONF, PATH),
                     ("env.txt", CMD, "sysctl -a"), ("memory.txt", CMD, "sysctl -a 2>/dev/null | grep ^vm")]),
    ("/sys/kernel/mm/transparent_hugepage/*", [("memory.txt", LISTED, PATH)]),
    ("/sys/kernel/mm/transparent_hugepage/khugepaged/*", [("memory.txt", LISTED, PATH)]),
    ("/sys/kernel/mm/ksm/*", [(f, CONF, PATH) for f in ("kvm.txt", "plugin-libvirt.txt", "plugin-qemu.txt")]),
    ("/sys/class/dmi/id/*", [("hardware.txt", CMD, "dmidecode")]),
    ("/sys/block/*/queue/scheduler", [("fs-diskio.txt", CMD, "grep '' /sys/block/*/queue/scheduler"),
                                      ("fs-diskio.txt", CMD, "grep . /sys/block/*/queue/scheduler")]),
    ("/sys/block/*", [("fs-diskio.txt", CMD, "grep '' /sys/block/*/queue/scheduler"),
                      ("fs-diskio.txt", CMD, "grep . /sys/block/*/queue/scheduler"),
                      ("fs-diskio.txt", CMD, "ls -l --time-style=long-iso /sys/block/")]),
    ("/etc/os-release", [("basic-environment.txt", LISTED, PATH)]),
    ("/etc/SuSE-release", [("basic-environment.txt", LISTED, PATH)]),
    ("/etc/*-release", [("basic-environment.txt", LISTED, PATH)]),
    ("/etc/fstab", [("fs-diskio.txt", CONF, PATH), ("mpio.txt", CONF, PATH)]),
    ("/etc/mtab", [("fs-diskio.txt", CONF, PATH)]),
    ("/etc/default/grub", [("boot.txt", CONF, PATH), ("env.txt", LISTED, PATH)]),
    ("/etc/default/*", [("env.txt", LISTED, PATH)]),
    ("/boot/grub/menu.lst", [("boot.txt", CONF, PATH)]),
    ("/boot/grub2/grub.cfg", [("boot.txt", CONF, PATH)]),
    ("/etc/sysconfig/kernel", [("boot.txt", CONF, PATH), ("sysconfig.txt", LISTED, PATH)]),
    ("/etc/sysconfig/*", [("sysconfig.txt", LISTED, PATH)]),
    ("/etc/sysctl.conf", [("env.txt", CONF, PATH), _ETC_CONF]),
    ("/etc/sysctl.d/*", [("env.txt", LISTED, PATH), _ETC_CONF]),
    ("/run/sysctl.d/*", [("env.txt", LISTED, PATH)]),
    ("/usr/lib/sysctl.d/*", [("env.txt", LISTED, PATH)]),
    ("/lib/sysctl.d/*", [("env.txt", LISTED, PATH)]),
    ("/usr/local/lib/sysctl.d/*", [("env.txt", LISTED, PATH)]),
    ("/etc/modprobe.d/*", [("modules.txt", LISTED, PATH)]),
    ("/etc/xen/*", [(f, CONF, PATH) for f in VIRT] + [_ETC_CONF]),
    ("/etc/libvirt/qemu/*", [(f, LISTED, PATH) for f in VIRT]),
    ("/etc/libvirt/libxl/*", [(f, LISTED, PATH) for f in VIRT]),
    ("/etc/libvirt/*", [(f, CONF, PATH) for f in VIRT] + [_ETC_CONF]),
    ("/etc/dracut.conf.d/*", [("boot.txt", CONF, PATH), _ETC_CONF]),
    ("/etc/dracut.conf", [("boot.txt", CONF, PATH), _ETC_CONF]),
    ("/etc/*", [_ETC_CONF]),
]

# Commands the facts layer may ask for by name: name -> [(file, kind, label)].
COMMANDS = {
    "sysctl -a": [("env.txt", CMD, "sysctl -a")],
    "lsmod": [("modules.txt", CMD, "lsmod | sort"), ("modules.txt", CMD, "lsmod")],
    "uname -a": [("basic-environment.txt", CMD, "uname -a"), ("boot.txt", CMD, "uname -a")],
    "lscpu": [("hardware.txt", CMD, "lscpu")],
    "numactl --hardware": [("memory.txt", CMD, "numactl --hardware")],
    "free -k": [("memory.txt", CMD, "free -k"), ("basic-health-check.txt", CMD, "free -k")],
    "dmidecode": [("hardware.txt", CMD, "dmidecode")],
    "lsblk": [("fs-diskio.txt", CMD, None)],
    "virsh capabilities": [(f, CMD, "virsh capabilities") for f in VIRT],
    "virsh list --all": [(f, CMD, "virsh list --all") for f in VIRT],
    "xl info": [(f, CMD, "xl info") for f in VIRT],
    "xm info": [(f, CMD, "xm info") for f in VIRT],
    "systemctl list-unit-files": [("systemd.txt", CMD, "systemctl --no-pager list-unit-files")],
}

DUMPXML = re.compile(r"^virsh(?:\s+(?:-r|--readonly|-c\s+\S+|--connect\s+\S+|--connect=\S+))*\s+dumpxml\s+(?:--\S+\s+)*(\S+)\s*$")
VIRSH_LIST = re.compile(r"^virsh(?:\s+(?:-r|--readonly|-c\s+\S+|--connect\s+\S+|--connect=\S+))*\s+list\s+--all\s*$")
VIRSH_CAPS = re.compile(r"^virsh(?:\s+(?:-r|--readonly|-c\s+\S+|--connect\s+\S+|--connect=\S+))*\s+capabilities\s*$")


def rule(path):
    """(pattern, locations) of the first LOCATIONS pattern matching host path `path`, or (None, None)."""
    for pattern, locs in LOCATIONS:
        if fnmatch.fnmatchcase(path, pattern):
            return pattern, locs
    return None, None


def from_command(path, label, out):
    """(value or None, complete listing?) for a file answered by a command's output."""
    key = scp.command_key(label)
    if path.startswith("/proc/sys/"):
        values = kernel_parser.sysctl_a(out)
        name = path[len("/proc/sys/"):].replace("/", ".")
        if name in values:
            return values[name] + "\n", True
        # `sysctl -a | grep ^vm` only lists vm.*
        return None, key == "sysctl -a" or (name.startswith("vm.") and "grep ^vm" in key)
    if path.startswith("/sys/block/") and path.endswith("/queue/scheduler"):
        table = scheduler_listing(out)
        return table.get(path), True
    if path.startswith("/sys/class/dmi/id/") and path.rsplit("/", 1)[1] in dmidecode.FIELDS:
        return dmidecode.value(out, path.rsplit("/", 1)[1]), True
    if path == "/proc/modules":
        lines = []
        for line in out.splitlines():
            f = line.split()
            if len(f) < 3 or f[0] == "Module" or not f[1].isdigit():
                continue
            deps = f[3] if len(f) > 3 else "-"
            lines.append("%s %s %s %s, Live 0x0000000000000000" % (f[0], f[1], f[2], deps))
        return "\n".join(lines) + "\n" if lines else "", True
    return None, False


def scheduler_listing(out):
    """`grep '' /sys/block/*/queue/scheduler` output -> {path: "line\\n"}."""
    table = {}
    for line in out.splitlines():
        p, sep, val = line.partition(":")
        if sep and p.startswith("/sys/block/") and p.endswith("/queue/scheduler"):
            table[p] = val.strip() + "\n"
    return table


def ls_names(out):
    """`ls -l` output -> the sorted names it lists (of a symbolic link: the link's own name)."""
    names = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and not line.startswith("total"):
            if "->" in f:
                names.append(f[f.index("->") - 1])
            else:
                names.append(f[-1])
    return sorted(set(names))
