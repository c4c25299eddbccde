"""An extracted sosreport directory, read as a Source.

sos copies files under their own paths (etc/..., proc/..., sys/...), so those read as from any
root. Where the file itself is missing, what sos keeps as command output stands in:

  * /proc/sys/*        -> sos_commands/kernel/sysctl_-a  (sos copies only a few /proc/sys files)
  * domain XML         -> sos_commands/virsh/virsh_-r_dumpxml_<name> (older sos: libvirt/ too)
  * capabilities       -> sos_commands/virsh/virsh_-r_capabilities
  * guest states       -> sos_commands/virsh/virsh_-r_list_--all
  * /sys/class/dmi/id  -> sos_commands/hardware/dmidecode (vendor, product, BIOS)

sos names a command's output file by "mangling" the command line (sos/report/plugins/__init__.py):
a leading /bin/, /sbin/, /usr/bin/ or /usr/sbin/ is dropped, every run of characters other than
letters, digits, "_", "-", "." and "/" becomes "_", "/" becomes ".", and " ._-" are stripped from
both ends: "virsh -r dumpxml vm1" -> "virsh_-r_dumpxml_vm1", "sysctl -a" -> "sysctl_-a".
"""
import os
import re

from kbcheck.errors import Evidence, NotCollected, Unreadable
from kbcheck.parsers import kernel as kernel_parser
from kbcheck.sources.base import MAX_GUESTS, first_guests, guests
from kbcheck.sources.root import RootSource

_VIRT_DIRS = ("virsh", "libvirt", "xen")
# /sys trees sos copies by glob: block.py (/sys/block/*/queue/), numa.py (node*/meminfo, cpulist,
# hugepages), processor.py (/sys/devices/system/cpu), kernel.py (/sys/module/*/parameters)
_SYS_TREES = ("/sys/block", "/sys/devices/system/node", "/sys/devices/system/cpu", "/sys/module")


def mangle(command, name_max=255):
    """The file name sos gives a command's output."""
    name = re.sub(r"^/(usr/|)(bin|sbin)/", "", command)
    name = re.sub(r"[^\w\-\./]+", "_", name)
    name = name.replace("/", ".").strip(" ._-")
    return name[:name_max]


def is_sosreport(path):
    """An extracted sosreport: sos_commands/ plus version.txt (sos 3.x) or sos_reports/ (sos 4.x)."""
    return (os.path.isdir(os.path.join(path, "sos_commands"))
            and (os.path.isfile(os.path.join(path, "version.txt"))
                 or os.path.isdir(os.path.join(path, "sos_reports"))))


# -- the registry's protocol (kbcheck.sources) --------------------------------------------------
def recognise(path):
    """A --root folder with sos_commands/ is read as a sosreport."""
    return os.path.isdir(os.path.join(path, "sos_commands"))


def open_input(path, timeout=None):
    return SosreportSource(path)


class SosreportSource(RootSource):
    kind = "sosreport"

    def __init__(self, root):
        RootSource.__init__(self, root)
        if self.live:
            raise Unreadable(root, "a sosreport is a directory, not the live root")
        self._sysctl = None
        self._sysctl_loaded = False

    @property
    def coverage_id(self):
        """"sos4" for sos 4.x (a sos_reports/ folder, or version.txt naming 4.x), else "sos3"."""
        if os.path.isdir(os.path.join(self.root, "sos_reports")):
            return "sos4"
        try:
            v = RootSource.read_text(self, "/version.txt") or ""
        except Evidence:
            v = ""
        m = re.search(r"([0-9]+)\.[0-9]+", v)
        return "sos4" if m and int(m.group(1)) >= 4 else "sos3"

    # -- sos_commands ------------------------------------------------------------------
    def _cmd_file(self, plugin_dirs, names, key=None):
        """Text of the first sos_commands/<dir>/<name> that exists, else None (read inside the
        tree like every file: a link there resolves inside it). key: what the facts layer asked
        for, whose location is remembered (Source.located)."""
        for d in plugin_dirs:
            for n in names:
                t = RootSource.read_text(self, "/sos_commands/%s/%s" % (d, n))
                if t is not None:
                    if key is not None:
                        self.located[key] = "sos_commands/%s/%s" % (d, n)
                    return t
        return None

    def _plugin_dirs(self):
        return RootSource.listdir(self, "/sos_commands") or []

    def sysctl_values(self):
        """{key: value} from sos_commands/kernel/sysctl_-a, None when sos did not keep it."""
        if not self._sysctl_loaded:
            self._sysctl_loaded = True
            t = RootSource.read_text(self, "/sos_commands/kernel/sysctl_-a")
            self._sysctl = kernel_parser.sysctl_a(t) if t is not None else None
        return self._sysctl

    def command(self, name):
        """A command's output: the file sos names it by (its root symlinks, such as installed-rpms;
        kbcheck.specs.sos_files), else sos_commands/<plugin>/<mangled command>."""
        from kbcheck.specs import sos_files
        for rel in sos_files().get(name, ()):
            t = RootSource.read_text(self, rel)
            if t is not None:
                self.located["$ " + name] = rel.lstrip("/")
                return t
        mangled = mangle(name)
        wanted = [mangled]
        if name.startswith("virsh ") and not name.startswith("virsh -r "):
            wanted.insert(0, mangle("virsh -r " + name[len("virsh "):]))
        t = self._cmd_file(self._plugin_dirs(), wanted, key="$ " + name)
        if t is None:
            raise NotCollected(name, "this sosreport has no sos_commands/*/%s" % mangled)
        return t

    # -- the interface -----------------------------------------------------------------
    def read_text(self, path):
        t = RootSource.read_text(self, path)
        if t is not None:
            return t
        norm = "/" + "/".join(p for p in path.split("/") if p and p != ".")
        if norm.startswith("/proc/sys/"):
            values = self.sysctl_values()
            if values is None:
                raise NotCollected(norm, "sos copies few /proc/sys files and this sosreport has no sysctl -a output")
            key = norm[len("/proc/sys/"):].replace("/", ".")
            self.located[norm] = "sos_commands/kernel/sysctl_-a"
            return values[key] + "\n" if key in values else None
        if norm.startswith("/sys/class/dmi/id/"):
            value = self._dmi(norm.rsplit("/", 1)[1])
            if value is not False:
                return value
        if norm.startswith("/proc/") and RootSource.listdir(self, "/proc") is None:
            raise NotCollected(norm, "this sosreport has no proc/ tree")
        if norm.startswith("/sys/"):
            # sos copies chosen /sys files only. Under a tree sos copies whole (block, numa,
            # processor, kernel plugins) a missing file is missing on the host; elsewhere a
            # missing directory was not collected.
            for tree in _SYS_TREES:
                if norm.startswith(tree + "/") and RootSource.listdir(self, tree) is not None:
                    return None
            parent = norm.rsplit("/", 1)[0]
            if RootSource.listdir(self, parent) is None:
                raise NotCollected(norm, "this sosreport did not collect %s" % parent)
        return None

    def listdir(self, path):
        names = RootSource.listdir(self, path)
        norm = "/" + "/".join(p for p in path.split("/") if p and p != ".")
        if names is None and norm == "/sys/devices/system/node":
            # sos's numa plugin copies this tree whole; without it the NUMA layout is unknown
            raise NotCollected(norm, "this sosreport did not collect the NUMA layout")
        if norm == "/proc/sys" or norm.startswith("/proc/sys/"):
            values = self.sysctl_values()
            if values is not None:
                sub = norm[len("/proc/sys"):].strip("/").replace("/", ".")
                extra = set()
                for k in values:
                    if not sub or k.startswith(sub + "."):
                        extra.add((k[len(sub) + 1:] if sub else k).split(".", 1)[0])
                if extra or names is not None:
                    return sorted(extra | set(names or []))
        return names

    def _dmi(self, name):
        """/sys/class/dmi/id/<name> from sos_commands/hardware/dmidecode (sos copies the sysfs
        files only in newer versions, and not every field): the value, None when dmidecode does
        not show it, False when this sosreport has no dmidecode output for that field."""
        from kbcheck.parsers import dmidecode
        if name not in dmidecode.FIELDS:
            return False
        t = self._cmd_file(("hardware",), ["dmidecode"], key="/sys/class/dmi/id/" + name)
        if t is None or not t.strip():
            return False
        return dmidecode.value(t, name)

    def _states(self):
        from kbcheck.parsers import virsh
        t = self._cmd_file(_VIRT_DIRS, [mangle("virsh -r list --all"), mangle("virsh list --all")])
        return virsh.list_states(t or "")

    def domains(self):
        """The guests of sos_commands/*/virsh_-r_dumpxml_NAME, then those of /etc/libvirt: at
        most MAX_GUESTS, the first by name (as the files name them)."""
        dumps = []
        for d in _VIRT_DIRS:
            for n in RootSource.listdir(self, "/sos_commands/" + d) or []:
                m = re.match(r"^virsh(?:_-r)?_dumpxml_(.+)$", n)
                if m:
                    dumps.append((m.group(1), "sos_commands/%s/%s" % (d, n)))
        keep, beyond = first_guests(dumps)
        states = self._states()
        out = []
        seen = set()
        for dom, origin in keep:
            try:
                data = self.read_raw("/" + origin)
            except Unreadable as e:
                out.append((dom, None, None, origin + ": " + e.reason))
                seen.add(dom)
                continue
            if not data or not data.strip():
                continue
            nm = re.search(br"<name>([^<]+)</name>", data)
            name = nm.group(1).strip().decode("utf-8", "replace") if nm else dom
            if name in seen:
                continue
            seen.add(name)
            out.append((name, data, states.get(name), origin))
        files = RootSource.domains(self)
        beyond += files.beyond
        for name, text, state, origin in files:
            if name not in seen:
                seen.add(name)
                out.append((name, text, states.get(name, state), origin))
        if len(out) > MAX_GUESTS:
            out.sort(key=lambda d: d[0])
            out, beyond = out[:MAX_GUESTS], beyond + len(out) - MAX_GUESTS
        return guests(out, beyond)

    def capabilities(self):
        t = self._cmd_file(_VIRT_DIRS, [mangle("virsh -r capabilities"), mangle("virsh capabilities")])
        if t and t.strip():
            return t
        return RootSource.capabilities(self)
