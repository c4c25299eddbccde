"""Mount tables beyond /proc/mounts (kbcheck.parsers.kernel.mounts): a process's mountinfo
(/proc/PID/mountinfo, which sos copies when it lost /proc/mounts) and the output of `mount`
(`mount -l` in a sosreport, `mount` in supportconfig's fs-diskio.txt). Both give Mount objects as
/proc/mounts does: device, mount point, file system type and options.

mountinfo (proc(5)): `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER`;
the options /proc/mounts shows are the mount's own followed by the superblock's (NFS rsize, wsize).
mount(8): `SOURCE on MOUNTPOINT type FSTYPE (OPTIONS)`, `mount -l` adding ` [LABEL]`."""
import re

from kbcheck.errors import ParseError
from kbcheck.parsers.kernel import Mount, _unescape_octal

MAX_LINES = 200000
_MOUNT = re.compile(r"^(.*?) on (.*?) type (\S+) \(([^()]*)\)(?: \[[^\]]*\])?\s*$")


def _lines(text, what):
    if not isinstance(text, str):
        raise ParseError("%s must be text" % what)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > MAX_LINES:
        raise ParseError("more than %d lines: not %s" % (MAX_LINES, what))
    return lines


def mountinfo(text):
    """/proc/PID/mountinfo -> [Mount]. A line without the " - " separator raises ParseError."""
    out = []
    for n, line in enumerate(_lines(text, "a mountinfo file"), 1):
        head, sep, tail = line.partition(" - ")
        f, t = head.split(), tail.split()
        if not sep or len(f) < 6 or len(t) < 2 or not f[0].isdigit():
            raise ParseError("line %d: not `ID PARENT MAJ:MIN ROOT POINT OPTIONS ... - TYPE SOURCE OPTIONS`: %r"
                             % (n, line[:80]))
        opts = f[5].split(",")
        for o in (t[2].split(",") if len(t) > 2 else []):
            if o not in opts:
                opts.append(o)
        out.append(Mount(_unescape_octal(t[1]), _unescape_octal(f[4]), t[0], opts))
    return out


def mount_output(text):
    """`mount` / `mount -l` output -> [Mount]. A line that is no `SOURCE on POINT type TYPE (OPTS)`
    raises ParseError."""
    out = []
    for n, line in enumerate(_lines(text, "mount output"), 1):
        m = _MOUNT.match(line.strip())
        if not m:
            raise ParseError("line %d: not `SOURCE on POINT type TYPE (OPTIONS)`: %r" % (n, line[:80]))
        out.append(Mount(m.group(1), m.group(2), m.group(3), m.group(4).split(",") if m.group(4) else []))
    return out
