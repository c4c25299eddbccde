"""dracut's configuration (/etc/dracut.conf, /etc/dracut.conf.d/*.conf: dracut.conf(5)): the kernel
modules it is told to put into the initrd, `add_drivers+=" ... "` and `force_drivers+=" ... "` ->
[(option, [modules], line)]; module names keep their spelling (xen-blkfront or xen_blkfront)."""
import re

from kbcheck.errors import ParseError

MAX_LINES = 10000
_LINE = re.compile(r"^\s*(add_drivers|force_drivers|drivers)\s*\+?=\s*([\"'])([^\"']*)\2")


def drivers(text):
    if not isinstance(text, str):
        raise ParseError("a dracut configuration must be text")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a dracut configuration" % MAX_LINES)
        m = _LINE.match(line)
        if m:
            out.append((m.group(1), m.group(3).split(), n))
    return out
