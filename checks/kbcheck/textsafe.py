"""Text from a judged host, made safe to keep and to show: the one place for both.

Names, messages and notices come from hostile data: a guest named with four megabytes, a
hostname with terminal escapes, a file name that is not UTF-8 (Python hands such names over as
lone surrogates, which no encoder accepts). Two steps, one helper each:

  clean(text, limit)   on the way in (results.Result, the run's notices, the host summary): at
                       most `limit` characters, then a visible "... (N more characters)"; a
                       lone surrogate becomes the visible escape of its byte ("\\xff"), so that
                       every output can encode every string kbcheck keeps;
  visible(text)        on the way out, for a terminal (the text report, --list, explain, the
                       fleet summary, error lines): control characters (C0, DEL, C1 with ESC
                       among them), bidirectional overrides and isolates, zero-width and other
                       invisible format characters are written as visible escapes ("\\x1b",
                       "\\u202e"), so data can neither move the cursor, clear the screen, recolour
                       a line nor reorder what is shown. block=True keeps newlines and tabs (a
                       page of several lines whose every value is already one line).
"""
from kbcheck.lazyre import Lazy

MAX_SUBJECT = 256     # a result's subject: a guest, a device, a mount point
MAX_MESSAGE = 2048    # a result's message
MAX_NOTICE = 2048     # a notice of the run
MAX_NAME = 255        # a host name, a product name, a version

# lone surrogates (a byte of a non-UTF-8 name, or garbage)
_SURROGATE = "[\ud800-\udfff]"
# what a terminal must not receive raw
_INVISIBLE = ("\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
              "\ud800-\udfff\U000e0000-\U000e007f")
_UNSAFE_LINE = "[\x00-\x1f" + _INVISIBLE + "]"
_UNSAFE_BLOCK = "[\x00-\x08\x0b-\x1f" + _INVISIBLE + "]"
# each compiled on first use only: text that is printable as it is (nearly all of it) never needs
# them, and compiling the two long classes costs ~3 ms of a start (kbcheck.regexpack spares it)
_SURROGATE_RE = Lazy(_SURROGATE)
_UNSAFE_LINE_RE = Lazy(_UNSAFE_LINE)
_UNSAFE_BLOCK_RE = Lazy(_UNSAFE_BLOCK)


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match):
    c = match.group()
    named = _NAMED.get(c)
    if named:
        return named
    o = ord(c)
    if 0xdc80 <= o <= 0xdcff:  # surrogateescape: the byte o - 0xdc00 of a name that was not UTF-8
        return "\\x%02x" % (o - 0xdc00)
    if o < 0x100:
        return "\\x%02x" % o
    if o < 0x10000:
        return "\\u%04x" % o
    return "\\U%08x" % o


def clip(text, limit):
    """`text` cut to `limit` characters, with a visible ellipsis saying how much is left out."""
    if len(text) <= limit:
        return text
    return "%s ... (%d more characters)" % (text[:limit], len(text) - limit)


def clean(text, limit=MAX_MESSAGE):
    """`text` as kbcheck keeps it: clipped to `limit` characters, lone surrogates escaped."""
    if len(text) > limit:
        text = clip(text, limit)
    if text.isprintable() or not _SURROGATE_RE.search(text):  # (the common case costs one C call)
        return text
    return _SURROGATE_RE.sub(_escape, text)


def visible(text, block=False):
    """`text` safe for a terminal: see the module's docstring. block=True keeps newlines and tabs."""
    text = "%s" % (text,)
    if text.isprintable():
        return text
    return (_UNSAFE_BLOCK_RE if block else _UNSAFE_LINE_RE).sub(_escape, text)


def name(raw):
    """A file or member name (bytes or str) as text to show: bytes that are not UTF-8 escaped."""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "backslashreplace")
    return clean(raw, 4096)
