"""`xl info` output (a live Domain-0, or what a supportconfig kept) -> {key: value}.

Lines are `key : value`; xen_commandline and a few others carry spaces in their value."""
import re

from kbcheck.errors import ParseError
from kbcheck.lazyre import Lazy

_LINE = Lazy(r"^([a-z_0-9]+)\s*:\s?(.*)$")


def xl_info(text):
    if not isinstance(text, str):
        raise ParseError("xl info output must be text")
    out = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _LINE.match(line.strip())
        if m:
            out[m.group(1)] = m.group(2).strip()
    if not out:
        raise ParseError("no `key : value` lines: not xl info output")
    return out


def integer(info, key):
    """info[key] as an int, or None when absent or not a number."""
    v = (info or {}).get(key, "")
    return int(v) if v.isdigit() else None


def sxp_value(text, key):
    """The last `(key value)` line of xend-config.sxp (SLE 11's xend), None when it has none."""
    if not isinstance(text, str):
        raise ParseError("xend-config.sxp must be text")
    found = None
    for line in text.splitlines()[:100000]:
        m = re.match(r"^\s*\(([A-Za-z0-9_-]+)\s+([^()\s]+)\s*\)", line)
        if m and m.group(1) == key:
            found = m.group(2).strip("'\"")
    return found
