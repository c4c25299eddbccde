"""Shell words as shlex.split(text, comments=...) gives them (POSIX mode), for a line of an
assignment file (/etc/os-release, /etc/default/grub) or a kernel command line: linear in the
input, and at most MAX_WORDS of them.

shlex.split builds each word by adding one character at a time to a string, which is quadratic:
a 1 MiB quoted value takes close to a minute, 8 MiB never ends. Here each word is found whole by
one regular expression (a run of unquoted text, backslash escapes, 'single-quoted' and
"double-quoted" strings) and unquoted once. The rules are shlex's:

  * words are separated by blanks, tabs, carriage returns and newlines;
  * outside quotes a backslash keeps the next character as it is; a backslash at the very end
    is an error;
  * in single quotes everything is literal; in double quotes a backslash escapes only " and \\
    (before any other character it stays);
  * with comments=True a # outside quotes ends the word and starts a comment to the end of the
    line;
  * an unterminated quote raises ValueError; so do more than MAX_WORDS words and a text longer
    than MAX_TEXT (no line of these files is that long: the callers keep such a value as it is,
    or refuse it).
"""
import re

MAX_WORDS = 65536   # a kernel command line has a few hundred at most
MAX_TEXT = 65536    # characters (the kernel takes at most 4096 on x86, 64 KiB anywhere)

_DOUBLE = r'"[^"\\]*(?:\\[\s\S][^"\\]*)*"'
_WORD = re.compile(r"""(?:[^ \t\r\n'"\\]+|\\[\s\S]|'[^']*'|%s)+""" % _DOUBLE)
_WORD_NO_HASH = re.compile(r"""(?:[^ \t\r\n'"\\#]+|\\[\s\S]|'[^']*'|%s)+""" % _DOUBLE)
_GAP = re.compile(r"[ \t\r\n]*")
_PIECE = re.compile(r"""\\([\s\S])|'([^']*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"|([^'"\\]+)""")
_DQ_ESCAPE = re.compile(r'\\(["\\])')


def _piece(m):
    esc, single, double, plain = m.groups()
    if esc is not None:
        return esc
    if single is not None:
        return single
    if double is not None:
        return _DQ_ESCAPE.sub(r"\1", double) if "\\" in double else double
    return plain


def split(text, comments=False, max_words=MAX_WORDS):
    """The words of `text` -> [str]; ValueError as shlex.split, or past the caps."""
    if len(text) > MAX_TEXT:
        raise ValueError("longer than %d characters" % MAX_TEXT)
    words = []
    word_re = _WORD_NO_HASH if comments else _WORD
    pos, end = 0, len(text)
    while True:
        pos = _GAP.match(text, pos).end()
        if pos >= end:
            return words
        if comments and text[pos] == "#":
            nl = text.find("\n", pos)
            pos = end if nl < 0 else nl
            continue
        m = word_re.match(text, pos)
        if m is None:
            raise ValueError("no closing quotation" if text[pos] != "\\" else "no escaped character")
        w = m.group()
        pos = m.end()
        if "\\" in w or "'" in w or '"' in w:
            w = _PIECE.sub(_piece, w)
        words.append(w)
        if len(words) > max_words:
            raise ValueError("more than %d words" % max_words)
