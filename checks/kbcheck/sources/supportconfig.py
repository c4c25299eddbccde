"""A SUSE supportconfig archive (scc_<host>_<yymmdd>_<hhmm>.txz, older nts_*.tbz/.tgz) or its
extracted directory, read as a Source.

supportconfig does not copy files: it writes flat text files (memory.txt, proc.txt, ...) made of
sections (see kbcheck.parsers.supportconfig). Every host path or command the facts layer asks for
is looked up through ONE table, LOCATIONS, of where each collector era put it; nothing is found
by "first section that matches anywhere". Four states of evidence are kept apart:

  * a real value                        -> the text
  * collected, absent on the host       -> None  ("# /path - File not found", or a complete
                                           listing that does not name it)
  * never collected by this version     -> errors.NotCollected
  * the command failed on the host      -> errors.CommandFailed
"""
import fnmatch
import itertools
import os
import re
import shutil
import stat
import tarfile
import tempfile

from kbcheck.errors import CommandFailed, NotCollected, ParseError, Unreadable
from kbcheck.parsers import kernel as kernel_parser
from kbcheck.parsers import supportconfig as scp
from kbcheck.sources.base import Source, folders

MAX_TOTAL = 512 * 1024 * 1024     # bytes extracted from one tarball, at most
MAX_FILE = 64 * 1024 * 1024       # one supportconfig text file, at most
ARCHIVE_SUFFIXES = (".txz", ".tbz", ".tgz", ".tar.xz", ".tar.bz2", ".tar.gz", ".tar")

CONF = "Configuration File"   # one file supportconfig names explicitly: content or "- File not found"
LISTED = "listed"              # a file of a complete glob listing: not listed = not on the host
CMD = "Command"
PATH = "{path}"   # header template: the host path asked for

# virtualization files, by era: SLE 11/12 supportconfig wrote kvm.txt / xen.txt itself; later the
# libvirt and xen packages ship supportconfig plugins whose output is plugin-<name>.txt.
_VIRT = ("plugin-libvirt.txt", "plugin-xen.txt", "kvm.txt", "xen.txt", "plugin-qemu.txt")
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
    ("/proc/xen/*", [(f, CONF, PATH) for f in _VIRT]),
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
    ("/etc/xen/*", [(f, CONF, PATH) for f in _VIRT] + [_ETC_CONF]),
    ("/etc/libvirt/qemu/*", [(f, LISTED, PATH) for f in _VIRT]),
    ("/etc/libvirt/libxl/*", [(f, LISTED, PATH) for f in _VIRT]),
    ("/etc/libvirt/*", [(f, CONF, PATH) for f in _VIRT] + [_ETC_CONF]),
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
    "virsh capabilities": [(f, CMD, "virsh capabilities") for f in _VIRT],
    "virsh list --all": [(f, CMD, "virsh list --all") for f in _VIRT],
    "xl info": [(f, CMD, "xl info") for f in _VIRT],
    "xm info": [(f, CMD, "xm info") for f in _VIRT],
    "systemctl list-unit-files": [("systemd.txt", CMD, "systemctl --no-pager list-unit-files")],
}

_DUMPXML = re.compile(r"^virsh(?:\s+(?:-r|--readonly|-c\s+\S+|--connect\s+\S+|--connect=\S+))*\s+dumpxml\s+(?:--\S+\s+)*(\S+)\s*$")
_VIRSH_LIST = re.compile(r"^virsh(?:\s+(?:-r|--readonly|-c\s+\S+|--connect\s+\S+|--connect=\S+))*\s+list\s+--all\s*$")
_VIRSH_CAPS = re.compile(r"^virsh(?:\s+(?:-r|--readonly|-c\s+\S+|--connect\s+\S+|--connect=\S+))*\s+capabilities\s*$")


def is_supportconfig(path):
    """True for a supportconfig tarball name or a directory holding supportconfig text files."""
    if os.path.isdir(path):
        return _find_top(path) is not None
    base = os.path.basename(path)
    return os.path.isfile(path) and base.startswith(("scc_", "nts_")) and base.endswith(ARCHIVE_SUFFIXES)


MARKERS = ("basic-environment.txt", "supportconfig.txt")


def has_marker(path):
    """True when folder `path` itself holds a supportconfig marker file (basic-environment.txt)."""
    return any(os.path.isfile(os.path.join(path, m)) for m in MARKERS)


def find_top(root, depth=2):
    """The folder holding supportconfig's basic-environment.txt: `root` or one at most `depth`
    levels below it; None when there is none."""
    return _find_top(root, depth)


def _find_top(root, depth=2):
    """The directory holding basic-environment.txt (or other supportconfig files), at most `depth` down."""
    for d in itertools.chain([root], folders(root, depth)):
        if has_marker(d):
            return d
    return None


# -- safe extraction --------------------------------------------------------------------------
def _member_ok(name):
    if not name or name.startswith("/") or name.startswith("\\") or "\x00" in name:
        return False
    if re.match(r"^[A-Za-z]:", name):
        return False
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return bool(parts) and ".." not in parts


def safe_extract(archive, dest, max_total=MAX_TOTAL, notices=None):
    """Extract regular files and directories of `archive` under `dest`, never outside it.

    Refused (skipped, with a notice): absolute names, names with "..", symbolic and hard links,
    devices, FIFOs, and anything past `max_total` bytes in all. Python 3.6 has no tarfile
    filter=, so every member is checked here and written by hand."""
    notices = notices if notices is not None else []
    refused = {}
    total = 0
    dest = os.path.realpath(dest)
    try:
        tf = tarfile.open(archive, "r:*")
    except (tarfile.TarError, EOFError, OSError) as e:
        raise Unreadable(archive, "not a readable tar archive: %s" % e)
    try:
        while True:
            try:
                m = tf.next()
            except (tarfile.TarError, EOFError, OSError, ValueError) as e:
                notices.append("supportconfig archive %s: stopped reading at a damaged member (%s)"
                               % (os.path.basename(archive), e))
                break
            if m is None:
                break
            why = None
            if not _member_ok(m.name):
                why = "unsafe path"
            elif m.issym() or m.islnk():
                why = "link"
            elif m.isdev() or m.isfifo() or m.ischr() or m.isblk():
                why = "device or FIFO"
            elif not (m.isfile() or m.isdir()):
                why = "not a regular file"
            elif m.isfile() and total + m.size > max_total:
                why = "over the %d MiB extraction cap" % (max_total >> 20)
            if why:
                refused.setdefault(why, []).append(m.name)
                continue
            parts = [p for p in m.name.replace("\\", "/").split("/") if p not in ("", ".")]
            target = os.path.join(dest, *parts)
            if not os.path.realpath(target).startswith(dest + os.sep):
                refused.setdefault("unsafe path", []).append(m.name)
                continue
            if m.isdir():
                _makedirs(dest, parts)
                continue
            _makedirs(dest, parts[:-1])
            src = tf.extractfile(m)
            if src is None:
                continue
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except OSError as e:
                refused.setdefault("cannot write (%s)" % (e.strerror or e), []).append(m.name)
                continue
            written = 0
            with os.fdopen(fd, "wb") as out:
                while written < m.size:
                    chunk = src.read(min(1 << 20, m.size - written))
                    if not chunk:
                        break
                    out.write(chunk)
                    written += len(chunk)
            total += written
    finally:
        tf.close()
    for why in sorted(refused):
        names = refused[why]
        notices.append("supportconfig archive %s: %d member(s) not extracted (%s): %s"
                       % (os.path.basename(archive), len(names), why, ", ".join(names[:5])
                          + (" ..." if len(names) > 5 else "")))
    return notices


def _makedirs(dest, parts):
    cur = dest
    for p in parts:
        cur = os.path.join(cur, p)
        try:
            st = os.lstat(cur)
        except OSError:
            os.mkdir(cur, 0o700)
            continue
        if not stat.S_ISDIR(st.st_mode):
            raise Unreadable(cur, "archive member path collides with a non-directory")


# -- the source -------------------------------------------------------------------------------
class SupportconfigSource(Source):
    kind = "supportconfig"

    def __init__(self, path, max_total=MAX_TOTAL):
        Source.__init__(self)
        self.path = os.path.abspath(path)
        self.label = self.path
        self._tmp = None
        self._files = {}     # name -> [Section] or an Evidence to raise
        if os.path.isdir(self.path):
            top = _find_top(self.path)
            self.dir = top or self.path
        elif os.path.isfile(self.path):
            self._tmp = tempfile.mkdtemp(prefix="kbcheck-scc-")
            try:
                safe_extract(self.path, self._tmp, max_total=max_total, notices=self.notices)
            except Exception:
                self.close()
                raise
            top = _find_top(self._tmp)
            if top is None:
                self.close()
                raise Unreadable(self.path, "not a supportconfig archive (no basic-environment.txt inside)")
            self.dir = top
        else:
            raise Unreadable(self.path, "no such supportconfig archive or directory")
        try:
            self.names = set(n for n in os.listdir(self.dir) if n.endswith(".txt"))
        except OSError as e:
            raise Unreadable(self.path, e.strerror or str(e))

    def close(self):
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- sections ------------------------------------------------------------------------
    def sections(self, name):
        """The parsed sections of one text file; None when the archive has no such file."""
        if name not in self.names:
            return None
        if name not in self._files:
            p = os.path.join(self.dir, name)
            try:
                st = os.lstat(p)
                if not stat.S_ISREG(st.st_mode):
                    raise Unreadable(name, "not a regular file")
                if st.st_size > MAX_FILE:
                    raise Unreadable(name, "larger than %d MiB" % (MAX_FILE >> 20))
                with open(p, "rb") as f:
                    text = f.read(MAX_FILE + 1).decode("utf-8", "replace")
                secs = scp.parse(text)
            except ParseError as e:
                self.notices.append("supportconfig file %s is not in supportconfig format: %s" % (name, e))
                secs = []
            except OSError as e:
                secs = Unreadable(name, e.strerror or str(e))
            except Unreadable as e:
                secs = e
            self._files[name] = secs
        v = self._files[name]
        if isinstance(v, Exception):
            raise v
        return v

    def _find(self, name, kind, header):
        """The first section of file `name` with that kind and label (commands: by command_key)."""
        secs = self.sections(name)
        if not secs:
            return None
        if kind == CMD:
            key = scp.command_key(header)
            for s in secs:
                if s.kind == CMD and scp.command_key(s.header) == key:
                    return s
            return None
        for s in secs:
            if s.kind == kind and s.header == header:
                return s
        return None

    @staticmethod
    def _rule(path):
        for pattern, locs in LOCATIONS:
            if fnmatch.fnmatchcase(path, pattern):
                return pattern, locs
        return None, None

    # -- read_text ---------------------------------------------------------------------
    def read_text(self, path):
        path = "/" + "/".join(p for p in path.split("/") if p and p != ".")
        pattern, locs = self._rule(path)
        if locs is None:
            raise NotCollected(path, "supportconfig does not collect this file")
        covered = False
        failure = None
        for fname, kind, tmpl in locs:
            if self.sections(fname) is None:
                continue
            if kind in (CONF, LISTED):
                if fname == "etc.txt" and not re.search(r"(conf|cfg)$", path):
                    continue   # etc.txt lists only /etc files whose names end in conf or cfg
                s = self._find(fname, CONF, path)
                if s is None:
                    # a complete listing that does not name the file: not on the host
                    covered = covered or kind == LISTED
                    continue
                return self._conf_value(path, fname, s)
            # a command standing in for a file
            s = self._find(fname, CMD, tmpl)
            if s is None:
                continue
            if s.state in (scp.FAILED, scp.TIMEOUT):
                failure = failure or CommandFailed(path, "%s: `%s` %s on the host" % (
                    fname, tmpl, "was not found" if s.state == scp.FAILED else "timed out"))
                continue
            if s.state == scp.TRUNCATED:
                raise Unreadable(path, "%s is cut short inside `%s`" % (fname, tmpl))
            val, complete = self._from_command(path, tmpl, s.body)
            if val is not None:
                return val
            if complete:
                covered = True
        if failure is not None and not covered:
            raise failure
        if covered:
            return None
        raise NotCollected(path, "this supportconfig did not collect it (looked in %s)"
                           % ", ".join(sorted(set(l[0] for l in locs))))

    def _conf_value(self, path, fname, s):
        if s.state == scp.ABSENT:
            return None
        if s.state == scp.NOT_TEXT_STATE:
            raise Unreadable(path, "%s: supportconfig excluded it as not a text file" % fname)
        if s.state == scp.TRUNCATED:
            raise Unreadable(path, "%s is cut short inside this file's section" % fname)
        body = s.body
        if path == "/proc/cpuinfo":
            # conf_files deletes blank lines; put back the record separators before each CPU
            body = re.sub(r"\n(?=processor\s*:)", "\n\n", body)
        return body

    def _from_command(self, path, label, out):
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
            table = _scheduler_listing(out)
            return table.get(path), True
        if path.startswith("/sys/class/dmi/id/") and path.rsplit("/", 1)[1] in _DMI_FIELDS:
            return _dmi_value(out, path.rsplit("/", 1)[1]), True
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

    # -- listdir -----------------------------------------------------------------------
    def listdir(self, path):
        path = "/" + "/".join(p for p in path.split("/") if p and p != ".")
        prefix = path.rstrip("/") + "/"
        if path == "/sys/block":
            return self._list_sys_block()
        names = set()
        covered = False
        for pattern, locs in LOCATIONS:
            if not pattern.startswith(prefix) and not fnmatch.fnmatchcase(prefix + "x", pattern):
                continue
            for fname, kind, _tmpl in locs:
                secs = self.sections(fname)
                if secs is None or kind not in (CONF, LISTED):
                    continue
                if kind == LISTED and pattern == prefix + "*" and fname != "etc.txt":
                    covered = True
                for s in secs:
                    if s.kind == CONF and s.state != scp.ABSENT and s.header.startswith(prefix):
                        rest = s.header[len(prefix):]
                        if rest and "*" not in rest:
                            names.add(rest.split("/", 1)[0])
        if path.startswith("/proc/sys"):
            for fname, label in (("env.txt", "sysctl -a"),):
                s = self._find(fname, CMD, label) if self.sections(fname) is not None else None
                if s is not None and s.state == scp.OK:
                    covered = True
                    sub = path[len("/proc/sys"):].strip("/").replace("/", ".")
                    for k in kernel_parser.sysctl_a(s.body):
                        if not sub or k.startswith(sub + "."):
                            rest = k[len(sub) + 1:] if sub else k
                            names.add(rest.split(".", 1)[0])
        if names:
            return sorted(names)
        if covered:
            return None
        raise NotCollected(path, "this supportconfig did not collect the directory listing")

    def _list_sys_block(self):
        secs = self.sections("fs-diskio.txt")
        if secs is None:
            raise NotCollected("/sys/block", "no fs-diskio.txt in this supportconfig")
        for label in ("grep '' /sys/block/*/queue/scheduler", "grep . /sys/block/*/queue/scheduler"):
            s = self._find("fs-diskio.txt", CMD, label)
            if s is not None and s.state == scp.OK:
                devs = set(p.split("/")[3] for p in _scheduler_listing(s.body))
                ls = self._ls_sys_block()
                return sorted(devs | set(ls or []))
        ls = self._ls_sys_block()
        if ls is not None:
            return ls
        raise NotCollected("/sys/block", "this supportconfig did not list /sys/block")

    def _ls_sys_block(self):
        s = self._find("fs-diskio.txt", CMD, "ls -l --time-style=long-iso /sys/block/")
        if s is None or s.state != scp.OK:
            return None
        out = []
        for line in s.body.splitlines():
            f = line.split()
            if len(f) >= 8 and not line.startswith("total"):
                if "->" in f:
                    out.append(f[f.index("->") - 1])
                else:
                    out.append(f[-1])
        return sorted(set(out))

    # -- commands, domains, capabilities -----------------------------------------------
    def command(self, name):
        key = scp.command_key(name)
        locs = COMMANDS.get(key)
        if not locs:
            raise NotCollected(name, "supportconfig does not keep this command's output")
        failure = None
        for fname, _kind, label in locs:
            if self.sections(fname) is None or label is None:
                continue
            s = self._find(fname, CMD, label)
            if s is None:
                continue
            if s.state in (scp.FAILED, scp.TIMEOUT):
                failure = failure or CommandFailed(name, "%s: the command %s on the host" % (
                    fname, "was not found" if s.state == scp.FAILED else "timed out"))
                continue
            if s.state == scp.TRUNCATED:
                raise Unreadable(name, "%s is cut short inside this command's output" % fname)
            return s.body
        if failure is not None:
            raise failure
        raise NotCollected(name, "this supportconfig did not run it")

    def _virsh_sections(self, regex):
        for fname in _VIRT:
            secs = self.sections(fname)
            for s in secs or []:
                if s.kind == CMD:
                    m = regex.match(scp.command_key(s.header))
                    if m:
                        yield fname, s, m

    def _states(self):
        states = {}
        for _fname, s, _m in self._virsh_sections(_VIRSH_LIST):
            if s.state == scp.OK:
                states.update(_virsh_list(s.body))
        return states

    def domains(self):
        states = self._states()
        out = []
        seen = set()
        for fname, s, m in self._virsh_sections(_DUMPXML):
            name = m.group(1).strip("'\"")
            if name in seen:
                continue
            origin = "%s: virsh dumpxml %s" % (fname, name)
            if s.state != scp.OK or not s.body.strip():
                continue
            seen.add(name)
            out.append((name, s.body, states.get(name), origin))
        for d in ("/etc/libvirt/qemu/", "/etc/libvirt/libxl/", "/etc/libvirt/lxc/"):
            for fname in _VIRT:
                for s in self.sections(fname) or []:
                    if s.kind != CONF or not s.header.startswith(d) or not s.header.endswith(".xml"):
                        continue
                    rest = s.header[len(d):]
                    if "/" in rest or "*" in rest or s.state == scp.ABSENT:
                        continue
                    name = rest[:-4]
                    if name in seen:
                        continue
                    seen.add(name)
                    origin = "%s: %s" % (fname, s.header)
                    if s.state != scp.OK:
                        out.append((name, None, None, origin + " (" + s.state + ")"))
                    else:
                        out.append((name, s.body, states.get(name), origin))
        return out

    def capabilities(self):
        for fname, s, _m in self._virsh_sections(_VIRSH_CAPS):
            if s.state == scp.OK and s.body.strip():
                return s.body
            if s.state != scp.OK:
                self.notices.append("%s: `virsh capabilities` %s" % (
                    fname, "failed" if s.state == scp.FAILED else s.state))
        return None


# /sys/class/dmi/id/<name> -> (dmidecode section, field): hardware.txt carries `dmidecode`, not sysfs
_DMI_FIELDS = {"sys_vendor": ("System Information", "Manufacturer"),
               "product_name": ("System Information", "Product Name"),
               "product_version": ("System Information", "Version"),
               "bios_vendor": ("BIOS Information", "Vendor"),
               "bios_version": ("BIOS Information", "Version")}


DMI_FIELDS = _DMI_FIELDS


def dmi_value(out, name):
    """`dmidecode` output -> the text of /sys/class/dmi/id/<name>; None when dmidecode shows no
    such field, or shows it "Not Specified" (an empty SMBIOS string: the kernel offers no file).

    dmidecode prints a structure as "Handle 0x0100, DMI type 1, 27 bytes", its name on the next
    line ("System Information"), then one tab-indented "Field: value" line per field."""
    want_section, want_field = _DMI_FIELDS[name]
    section = None
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            section = line.strip()
            continue
        if section == want_section:
            k, sep, v = line.strip().partition(":")
            if sep and k.strip() == want_field:
                v = v.strip()
                return v + "\n" if v and v != "Not Specified" else None
    return None


_dmi_value = dmi_value


def _scheduler_listing(out):
    """`grep '' /sys/block/*/queue/scheduler` output -> {path: "line\\n"}."""
    table = {}
    for line in out.splitlines():
        p, sep, val = line.partition(":")
        if sep and p.startswith("/sys/block/") and p.endswith("/queue/scheduler"):
            table[p] = val.strip() + "\n"
    return table


def _virsh_list(out):
    """`virsh list --all` table -> {name: state}."""
    states = {}
    for line in out.splitlines():
        f = line.split(None, 2)
        if len(f) < 3 or f[0] == "Id" or set(line.strip()) <= set("-"):
            continue
        if f[0] == "-" or f[0].isdigit():
            states[f[1]] = f[2].strip()
    return states
