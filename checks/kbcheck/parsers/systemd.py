"""Service lists: `systemctl list-unit-files` output (sosreport sos_commands/systemd, supportconfig
systemd.txt) -> {unit: state}, the header (UNIT FILE STATE [VENDOR PRESET]) and the "N unit files
listed." footer left out, a line that is not `NAME STATE ...` a ParseError; and SLE 11's
`chkconfig --list` (supportconfig chkconfig.txt) -> {service: runlevels it starts in}."""
import re

from kbcheck.errors import ParseError
from kbcheck.lazyre import Lazy

STATES = ("enabled", "enabled-runtime", "linked", "linked-runtime", "alias", "masked", "masked-runtime",
          "static", "disabled", "indirect", "generated", "transient", "bad")
_UNIT = Lazy(r"^[A-Za-z0-9:_.@\\-]+\.(service|socket|target|mount|automount|timer|path|slice|scope|swap|device)$")
MAX_LINES = 100000


def list_unit_files(text):
    if not isinstance(text, str):
        raise ParseError("unit file list must be text")
    out = {}
    for n, raw in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a unit file list" % MAX_LINES)
        f = raw.split()
        if not f or f[0] == "UNIT" or re.match(r"^\d+$", f[0]) or raw.startswith(("#", "-")):
            continue
        if len(f) < 2 or not _UNIT.match(f[0]) or f[1] not in STATES:
            raise ParseError("line %d: expected UNIT STATE, got %r" % (n, raw.strip()[:60]))
        out[f[0]] = f[1]
    return out


def chkconfig_list(text):
    """`chkconfig --list`: `NAME  0:off 1:off 2:on 3:on ...` -> {name: set of runlevels "on"};
    xinetd services (`  rsync: on`) are left out."""
    if not isinstance(text, str):
        raise ParseError("chkconfig output must be text")
    out = {}
    for n, raw in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not chkconfig output" % MAX_LINES)
        f = raw.split()
        if len(f) < 2 or raw[:1].isspace() or not all(re.match(r"^[0-6S]:(on|off)$", w) for w in f[1:]):
            continue
        out[f[0]] = set(w[0] for w in f[1:] if w.endswith(":on"))
    return out
