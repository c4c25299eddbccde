"""SysV init's /etc/inittab (SLE 11): `id:runlevels:action:process` lines -> {'initdefault': the
default runlevel or None, 'entries': [(id, runlevels, action, process, line)]}."""
from kbcheck.errors import ParseError

MAX_LINES = 10000


def parse(text):
    if not isinstance(text, str):
        raise ParseError("inittab must be text")
    entries, default = [], None
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not an inittab" % MAX_LINES)
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        f = s.split(":", 3)
        if len(f) < 3:
            continue
        f += [""] * (4 - len(f))
        entries.append((f[0], f[1], f[2], f[3], n))
        if f[2] == "initdefault" and f[1][:1] and f[1][:1] in "0123456":
            default = f[1][:1]
    return {"initdefault": default, "entries": entries}
