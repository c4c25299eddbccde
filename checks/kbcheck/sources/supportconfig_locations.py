"""Where supportconfig keeps what the facts layer asks for: LOCATIONS, where each collector era put
each host path, COMMANDS, where it put each command's output (both derived from the one spec
table, kbcheck.specs), and how a command's output stands in for a file supportconfig did not copy
(from_command). Read by kbcheck.sources.supportconfig; nothing is found by "first section that
matches anywhere"."""
import fnmatch
import re

from kbcheck.parsers import dmidecode
from kbcheck.parsers import kernel as kernel_parser
from kbcheck.parsers import supportconfig_sections as scp

from kbcheck.specs import (CMD, CONF, LISTED, PATH, SYSTEM, TOP_OF_PROC,  # noqa: F401 - the section kinds
                           supportconfig_commands, supportconfig_rules)

# virtualization files, by era: SLE 11/12 supportconfig wrote kvm.txt / xen.txt itself; later the
# libvirt and xen packages ship supportconfig plugins whose output is plugin-<name>.txt.
VIRT = ("plugin-libvirt.txt", "plugin-xen.txt", "kvm.txt", "xen.txt", "plugin-qemu.txt")

# The location table: (host path pattern, [(file, section kind, header template), ...]), derived
# from the spec table (kbcheck.specs): the most specific pattern first; the first pattern that
# matches a path decides, and its locations are tried in order. Patterns ending in "/*" also
# answer listdir() of their directory. Kinds: CONF (a file supportconfig names), LISTED (a file of
# a complete listing: not listed = not on the host), TOP_OF_PROC (listed when proc.txt holds the
# files directly under /proc at all), CMD (a command's output stands in for the file).
LOCATIONS = supportconfig_rules()

# Commands the facts layer may ask for by name: command key -> [(file, kind, label)].
COMMANDS = supportconfig_commands()

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
