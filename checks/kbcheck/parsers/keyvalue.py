"""KEY=VALUE configuration files: /etc/sysconfig/* (shell syntax), libvirt's *.conf
(`key = "value"`), xl.conf, /etc/default/* -> {key: (value, line)}, the last assignment winning
as it does for the programs that read them. `#` (and `;`) start comments; `export KEY=...` counts;
one pair of matching quotes is removed; an unquoted value ends at ` #`."""
import re

from kbcheck.errors import ParseError

MAX_LINES = 100000
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(.*?)\s*$")


def settings(text):
    if not isinstance(text, str):
        raise ParseError("a configuration file must be text")
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a configuration file" % MAX_LINES)
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        m = _LINE.match(line)
        if not m:
            continue
        value = m.group(2)
        if len(value) >= 2 and value[0] in "\"'" and value.find(value[0], 1) > 0:
            value = value[1:value.find(value[0], 1)]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[m.group(1)] = (value, n)
    return out
