"""Kernel text formats: /proc/meminfo, /proc/cpuinfo, /proc/cmdline, /proc/mounts, /proc/swaps,
sysfs lists and scheduler lines, and sysctl configuration files."""

from kbcheck.errors import ParseError
from kbcheck.lazyre import Lazy
from kbcheck.parsers.numbers import integer
from kbcheck.parsers.shellwords import MAX_TEXT, split

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024 ** 2, "mb": 1024 ** 2,
          "mib": 1024 ** 2, "g": 1024 ** 3, "gb": 1024 ** 3, "gib": 1024 ** 3, "t": 1024 ** 4,
          "tb": 1024 ** 4, "tib": 1024 ** 4}


def parse_size(text):
    """'512M', '2G', '1048576K', '4096' (bytes) -> int bytes. Raises ParseError."""
    t = str(text).strip().lower()
    i = len(t)
    while i and not t[i - 1].isdigit():
        i -= 1
    num, unit = t[:i], t[i:].strip()
    if not num or unit not in _UNITS:
        raise ParseError("not a size: %r" % (text,))
    try:
        return int(float(num) * _UNITS[unit])
    except ValueError:
        raise ParseError("not a size: %r" % (text,))


def meminfo(text):
    """/proc/meminfo (or a node's meminfo) -> {key: value in kB (int)}; 'Node 0 MemTotal:' prefixes dropped."""
    out = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        key, _, rest = line.partition(":")
        key = key.strip()
        if key.startswith("Node "):
            key = key.split(None, 2)[-1]
        fields = rest.split()
        if not fields:
            continue
        try:
            out[key] = integer(fields[0])
        except ValueError:
            continue
    if not out:
        raise ParseError("no 'Key: value' lines")
    return out


def cpuinfo(text):
    """/proc/cpuinfo -> list of dicts, one per logical CPU (x86 shape; other arches give what they have)."""
    cpus = []
    cur = {}
    for line in text.splitlines():
        if not line.strip():
            if cur:
                cpus.append(cur)
                cur = {}
            continue
        if ":" not in line:
            continue
        k, _, v = line.partition(":")
        cur[k.strip()] = v.strip()
    if cur:
        cpus.append(cur)
    cpus = [c for c in cpus if "processor" in c]
    if not cpus:
        raise ParseError("no 'processor' entries")
    return cpus


def cpu_flags(cpus):
    flags = set()
    for c in cpus:
        flags.update(c.get("flags", c.get("Features", "")).split())
    return flags


class Cmdline(object):
    """A kernel command line: ordered (key, value) words; value None for bare flags."""

    def __init__(self, words):
        self.words = words

    def get(self, key, default=None):
        """The last value given for key (the kernel's rule for most parameters)."""
        val = default
        for k, v in self.words:
            if k == key:
                val = v if v is not None else ""
        return val

    def all(self, key):
        return [v for k, v in self.words if k == key]

    def __contains__(self, key):
        return any(k == key for k, _ in self.words)

    def hugepage_pools(self, default_kib=2048):
        """{page size in KiB: pages} that `hugepagesz=`/`hugepages=`/`default_hugepagesz=` reserve at boot,
        read the way the kernel reads them (mm/hugetlb.c, hugepages_setup; kernel-parameters.txt):

        - `hugepages=N` before any `hugepagesz=` counts for the default size (`default_hugepagesz=`,
          else default_kib); after one it counts for the size that `hugepagesz=` named;
        - a second `hugepages=` without a `hugepagesz=` in between is ignored ("specified twice
          without interleaving hugepagesz="): in `hugepagesz=1G hugepages=4 hugepages=512` the 512
          reserves nothing;
        - the `hugepages=` after an unparsable or repeated `hugepagesz=` is ignored;
        - a count for the default size given after its own `hugepagesz=` wins over a leading one."""
        default = default_kib
        for k, v in self.words:
            if k == "default_hugepagesz" and v:
                try:
                    default = parse_size(v) // 1024
                except ParseError:
                    pass
        explicit, leading = {}, None
        size, valid, seen, last = None, True, set(), None
        for k, v in self.words:
            if k == "hugepagesz":
                try:
                    s = parse_size(v or "") // 1024
                except ParseError:
                    s = None
                valid = bool(s) and s not in seen
                if valid:
                    size = s
                    seen.add(s)
            elif k == "hugepages" and v is not None:
                if not valid:
                    valid = True
                    continue
                target = size if size is not None else "default"
                if target == last:
                    continue
                last = target
                try:
                    n = integer(v)
                except ValueError:
                    n = 0
                if size is None:
                    leading = n
                else:
                    explicit[size] = n
        out = dict(explicit)
        if leading is not None and not explicit.get(default):
            out[default] = leading
        return out

    def __str__(self):
        return " ".join(k if v is None else "%s=%s" % (k, v) for k, v in self.words)


def cmdline(text):
    """A kernel command line (/proc/cmdline, a boot entry's arguments) -> Cmdline. ParseError
    when it is longer than any kernel takes (shellwords.MAX_TEXT)."""
    if len(text) > MAX_TEXT:
        raise ParseError("%d characters: longer than any kernel command line" % len(text))
    try:
        parts = split(text.replace("\x00", " "))
    except ValueError:
        parts = text.replace("\x00", " ").split()
    words = []
    for w in parts:
        if "=" in w:
            k, _, v = w.partition("=")
            words.append((k, v))
        else:
            words.append((w, None))
    return Cmdline(words)


_OCTAL = Lazy(r"\\([0-3][0-7]{2})")


def _unescape_octal(s):
    """/proc/mounts escapes (\\040 for a blank): three octal digits, ASCII only; anything else
    (\\999, Unicode digits) stays as it is."""
    if "\\" not in s:
        return s
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), s)


class Mount(object):
    __slots__ = ("device", "mountpoint", "fstype", "options")

    def __init__(self, device, mountpoint, fstype, options):
        self.device, self.mountpoint, self.fstype, self.options = device, mountpoint, fstype, options

    def option(self, name, default=None):
        for o in self.options:
            k, eq, v = o.partition("=")
            if k == name:
                return v if eq else ""
        return default

    def __repr__(self):
        return "Mount(%r, %r, %r)" % (self.device, self.mountpoint, self.fstype)


def mounts(text):
    """/proc/mounts or /etc/fstab -> list of Mount. Comment and short lines are skipped."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split()
        if len(f) < 3:
            continue
        opts = f[3].split(",") if len(f) > 3 else []
        out.append(Mount(_unescape_octal(f[0]), _unescape_octal(f[1]), f[2], opts))
    return out


def swaps(text):
    """/proc/swaps -> list of dicts {name, type, size_kb, used_kb}."""
    out = []
    for line in text.splitlines()[1:]:
        f = line.split()
        if len(f) >= 4:
            try:
                out.append({"name": f[0], "type": f[1], "size_kb": integer(f[2]), "used_kb": integer(f[3])})
            except ValueError:
                continue
    return out


def cpulist(text):
    """'0-3,8,10-11' -> [0,1,2,3,8,10,11]. Empty text -> []."""
    out = []
    t = text.strip()
    if not t:
        return out
    for part in t.split(","):
        part = part.strip()
        if not part:
            continue
        a, dash, b = part.partition("-")
        try:
            if dash:
                lo, hi = integer(a), integer(b.split(":")[0])
                if hi < lo or hi - lo > 65536:
                    raise ParseError("bad cpu range %r" % part)
                out.extend(range(lo, hi + 1))
            else:
                out.append(integer(a))
        except ValueError:
            raise ParseError("bad cpu list %r" % text)
    return out


def scheduler(text):
    """'noop deadline [cfq]' -> ('cfq', ['noop', 'deadline', 'cfq']); 'none' -> ('none', ['none'])."""
    words = text.split()
    if not words:
        raise ParseError("empty scheduler line")
    current = None
    names = []
    for w in words:
        if w.startswith("[") and w.endswith("]"):
            w = w[1:-1]
            current = w
        names.append(w)
    if current is None:
        if len(names) == 1:
            current = names[0]
        else:
            raise ParseError("no [current] scheduler in %r" % text)
    return current, names


def bracketed(text):
    """'[always] madvise never' -> 'always' (the current choice of a sysfs selection)."""
    cur, _ = scheduler(text)
    return cur


def sysctl_conf(text):
    """sysctl.conf syntax -> list of (key, value, line number). Keys use dots ('vm.swappiness')."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        if s.startswith("-"):
            s = s[1:].strip()
        if "=" not in s:
            continue
        k, _, v = s.partition("=")
        out.append((k.strip().replace("/", "."), v.strip(), n))
    return out


def sysctl_a(text):
    """`sysctl -a` output ('vm.swappiness = 60') -> {key: value}."""
    out = {}
    for line in text.splitlines():
        if " = " in line:
            k, _, v = line.partition(" = ")
        elif "=" in line:
            k, _, v = line.partition("=")
        else:
            continue
        out[k.strip()] = v.strip()
    return out


def modules(text):
    """/proc/modules -> set of loaded module names."""
    return set(line.split(None, 1)[0] for line in text.splitlines() if line.strip())
