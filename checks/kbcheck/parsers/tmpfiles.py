"""tmpfiles.d(5) configuration: one line per file systemd-tmpfiles creates, writes or removes at
boot, `Type Path Mode User Group Age Argument`, "-" for a default; the argument runs to the end of
the line. -> [{'type', 'action', 'path', 'mode', 'user', 'group', 'age', 'argument', 'line'}];
action is the type's letter without its modifiers (`w+` -> `w`). Comments and blank lines are
left out; a path may be double-quoted."""
import re

from kbcheck.errors import ParseError

MAX_LINES = 100000
_TYPE = re.compile(r"^[fFwdDevqQpLcbCxXrRzZtThHaA][+!=~^-]*$")


def _words(s):
    """The first six fields and the rest of the line (the argument), quotes taken off the path."""
    out, i, n = [], 0, len(s)
    while len(out) < 6:
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            break
        if s[i] == '"':
            j = s.find('"', i + 1)
            if j < 0:
                raise ParseError("an unterminated quote: %r" % s[:60])
            out.append(s[i + 1:j])
            i = j + 1
            continue
        j = i
        while j < n and s[j] not in " \t":
            j += 1
        out.append(s[i:j])
        i = j
    return out, s[i:].strip()


def parse(text):
    if not isinstance(text, str):
        raise ParseError("a tmpfiles.d file must be text")
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a tmpfiles.d file" % MAX_LINES)
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        f, rest = _words(s)
        if len(f) < 2 or not _TYPE.match(f[0]):
            raise ParseError("line %d: not `TYPE PATH ...`: %r" % (n, s[:60]))
        f += ["-"] * (6 - len(f))
        out.append({"type": f[0], "action": f[0][0], "path": f[1], "mode": f[2], "user": f[3], "group": f[4],
                    "age": f[5], "argument": rest, "line": n})
    return out
