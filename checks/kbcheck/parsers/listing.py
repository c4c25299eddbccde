"""Directory listings an archive kept as command output: `ls -lR` (supportconfig's boot.txt
`ls -lR --time-style=long-iso /boot/`, sos's `ls -lanR /boot`) -> {directory: [names]}."""
from kbcheck.errors import ParseError

MAX_LINES = 500000


def ls_lr(text):
    if not isinstance(text, str):
        raise ParseError("a listing must be text")
    out, cur = {}, None
    for n, line in enumerate(text.splitlines(), 1):
        if n > MAX_LINES:
            raise ParseError("more than %d lines: not a listing" % MAX_LINES)
        s = line.rstrip()
        if not s or s.startswith("total "):
            continue
        if s.endswith(":") and " " not in s.split("/")[-1] and s.startswith("/"):
            cur = s[:-1].rstrip("/") or "/"
            out.setdefault(cur, [])
            continue
        f = s.split()
        if cur is None or len(f) < 8 or f[0][:1] not in "-dlcbps":
            continue
        name = f[f.index("->") - 1] if "->" in f else f[-1]
        if name not in (".", ".."):
            out[cur].append(name)
    if not out:
        raise ParseError("no `DIRECTORY:` line: not an `ls -lR` listing")
    return dict((d, sorted(set(v))) for d, v in out.items())
