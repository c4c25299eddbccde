"""The one quoting rule of the fix scripts, `--show-fix`, `kbcheck explain` and the site's fixes.

Every value that comes from the judged system (guest, device, mount, file and host names, paths,
messages, subjects) enters a script only as
- one single-quoted shell word (`word`), filled in for a placeholder that stands where a shell
  word may stand: never inside quotes, a here-document or an expansion (`fill`);
- or a line of a here-document whose quoted delimiter carries a random token (`delimiter`), so
  no value can close it;
and every comment or displayed line is made of `visible` text: each control character (C0, DEL,
C1, the Unicode line and paragraph separators and the bidirectional controls) is written as an
escape such as `\\n` or `\\x1b`, so a value can neither start a new line nor send the terminal a
sequence. A value that cannot be made safe (`unsafe`) leaves its step out, with the reason.

The scanner (`contexts`) knows as much shell as the knowledge base's snippets use: single and
double quotes, backslashes, comments and here-documents.
"""
import os
import re

MAX_VALUE = 1024
# C0 and DEL, C1, NEL/line/paragraph separators, bidirectional embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
_HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


class Unsafe(ValueError):
    """A value or a snippet that cannot be written into a script safely; str() says why."""


def _escape(m):
    c = m.group(0)
    if c in _NAMED:
        return _NAMED[c]
    return "\\x%02x" % ord(c) if ord(c) < 0x100 else "\\u%04x" % ord(c)


def visible(text):
    """One line of text, safe to print and to put after `#`: control characters (and the
    backslash, so that an escape is never ambiguous) are written as escapes."""
    text = str(text)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    return _CONTROL.sub(_escape, text)


def printable(text):
    """Text (trusted, such as a knowledge-base snippet) safe to print: control characters escaped,
    backslashes kept."""
    return _CONTROL.sub(_escape, str(text))


def has_control(text):
    return _CONTROL.search(text) is not None


def unsafe(value, kind="value"):
    """Why a value cannot be a shell word of a fix step, or None when it can.
    kind: 'guest' (a libvirt guest name), 'device' (a /dev path), 'path' (an absolute path) or any
    other word."""
    if value is None or value == "":
        return "the %s is empty" % kind
    if len(value) > MAX_VALUE:
        return "the %s is longer than %d characters" % (kind, MAX_VALUE)
    if has_control(value):
        return "the %s holds control characters (shown escaped)" % kind
    if value.startswith("-"):
        return "the %s begins with '-' and would be read as an option" % kind
    if kind == "guest" and "/" in value:
        return "the guest name holds '/', which libvirt does not allow"
    if kind == "device" and (not value.startswith("/dev/") or "/../" in value + "/"):
        return "the device is not a path below /dev"
    if kind == "path" and not value.startswith("/"):
        return "the path is not absolute"
    return None


def word(value):
    """value as one single-quoted shell word. Raises Unsafe for a value with control characters."""
    if has_control(value):
        raise Unsafe("holds control characters")
    return "'" + value.replace("'", "'\\''") + "'"


def delimiter(tag, body=""):
    """A here-document delimiter no line of body equals: KB_<TAG>_<random token>."""
    while True:
        d = "KB_%s_%s" % (tag, "".join("%02x" % b for b in bytearray(os.urandom(6))))
        if d not in body:
            return d


def contexts(code):
    """The shell context of each character of code: 'code', 'sq' (inside single quotes), 'dq'
    (inside double quotes, expansions included), 'comment' or 'heredoc' (a here-document body or
    its delimiter line)."""
    ctx = []
    state = "code"
    pending = []  # here-documents opened on this line: (strip tabs, delimiter)
    for line in code.splitlines(True):
        if pending and state == "code":
            strip, word_ = pending[0]
            ctx.extend(["heredoc"] * len(line))
            if (line.rstrip("\n").lstrip("\t") if strip else line.rstrip("\n")) == word_:
                pending.pop(0)
            continue
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if state == "sq":
                ctx.append("sq")
                state = "code" if c == "'" else "sq"
                i += 1
                continue
            if state == "dq":
                if c == "\\" and i + 1 < n:
                    ctx.extend(["dq", "dq"])
                    i += 2
                    continue
                ctx.append("dq")
                if c == '"':
                    state = "code"
                i += 1
                continue
            if c == "\\" and i + 1 < n:
                ctx.extend(["code", "code"])
                i += 2
                continue
            if c == "'":
                state = "sq"
                ctx.append("sq")
            elif c == '"':
                state = "dq"
                ctx.append("dq")
            elif c == "#" and (i == 0 or line[i - 1] in " \t;&|("):
                ctx.extend(["comment"] * (n - i - (1 if line.endswith("\n") else 0)))
                if line.endswith("\n"):
                    ctx.append("code")
                break
            else:
                m = _HEREDOC.match(line, i) if c == "<" and line[i + 1:i + 3] != "<<" else None
                if m and (i == 0 or line[i - 1] != "<"):
                    pending.append((m.group(1) == "-", m.group(3)))
                ctx.append("code")
            i += 1
    return ctx


_PLACEHOLDER_CACHE = {}


def fill(code, placeholder, value, kind="value"):
    """code with every whole-word placeholder replaced: by word(value) where a shell word may stand,
    by visible(value) in comments. Raises Unsafe for an unsafe value, or for a placeholder inside
    quotes or a here-document (where a value could change the code around it)."""
    why = unsafe(value, kind)
    if why:
        raise Unsafe(why)
    rx = _PLACEHOLDER_CACHE.get(placeholder)
    if rx is None:
        rx = _PLACEHOLDER_CACHE[placeholder] = re.compile(r"(?<![A-Za-z0-9_$])%s(?![A-Za-z0-9_])" % re.escape(placeholder))
    matches = list(rx.finditer(code))
    if not matches:
        return code
    ctx = contexts(code)
    out, last = [], 0
    for m in matches:
        where = ctx[m.start()]
        if where == "code":
            rep = word(value)
        elif where == "comment":
            rep = visible(value)
        else:
            raise Unsafe("%s stands inside quotes or a here-document" % placeholder)
        out.append(code[last:m.start()])
        out.append(rep)
        last = m.end()
    out.append(code[last:])
    return "".join(out)


def comment(text, prefix="# ", trusted=False):
    """Comment lines for a text: each of its lines made visible (printable only, backslashes kept,
    for trusted text such as a knowledge-base snippet whose values are already filled in)."""
    show = printable if trusted else visible
    return "\n".join((prefix + show(line)).rstrip() for line in (text or "").strip().splitlines())
