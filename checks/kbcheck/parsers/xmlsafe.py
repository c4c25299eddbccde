"""XML from strangers: decode it by its own byte order mark and declaration, refuse DOCTYPE and
entity declarations in the decoded text before parsing (no entity expansion, no billion laughs,
whatever the encoding), cap the size, and turn every complaint into ParseError.

Decoding follows the XML 1.0 specification (appendix F): a byte order mark decides (UTF-8,
UTF-16, UTF-32); without one, the first bytes tell UTF-16 and UTF-32 apart (`<` then NUL: UTF-16
without a byte order mark is read too, so that a DOCTYPE cannot hide between NUL bytes); else
the `encoding` of the declaration (ISO-8859-1 and every text encoding Python knows), UTF-8 by
default. An encoding Python does not know, or one that is no text encoding (base64, zlib), is a
ParseError: the one error of that document. The parser is then given the decoded text, whose
declaration it ignores.
"""
import codecs
import re

from kbcheck.errors import ParseError
from kbcheck.lazyre import Lazy

try:  # the C parser and tree that xml.etree.ElementTree re-exports as its own, without importing
    # that module's 2000 lines of Python (~2 ms of every start); ET.fromstring is exactly this
    from _elementtree import ParseError as _XMLError
    from _elementtree import TreeBuilder as _TreeBuilder
    from _elementtree import XMLParser as _XMLParser
except ImportError:  # a Python without the accelerator
    from xml.etree.ElementTree import ParseError as _XMLError
    from xml.etree.ElementTree import TreeBuilder as _TreeBuilder
    from xml.etree.ElementTree import XMLParser as _XMLParser

MAX_XML = 4 * 1024 * 1024

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# the first bytes of `<?xml` (or any `<`) in encodings without a byte order mark
_NO_BOM = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<", "utf-16-be"),
           (b"<\x00", "utf-16-le"))
_DECLARED = re.compile(br"""\A\s*<\?xml\s[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]{0,40})["']""")
_REFUSED = Lazy(r"<!(?:DOCTYPE|ENTITY)", re.I)  # (needed only where "<!" is)


def decode(data):
    """The text of an XML document given as bytes (or str, returned as it is, without a byte
    order mark); ParseError when its encoding is unknown or no text encoding."""
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom):], name)
    for head, name in _NO_BOM:
        if data.startswith(head):
            return _decode(data, name)
    m = _DECLARED.match(data)
    name = m.group(1).decode("ascii") if m else "utf-8"
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ParseError("unknown encoding %r in the XML declaration" % name)
    if not getattr(info, "_is_text_encoding", True):
        raise ParseError("encoding %r in the XML declaration is not a text encoding" % name)
    if info.name.startswith(("utf-16", "utf-32")):
        raise ParseError("the XML declaration says %s, but the document has no byte order mark of it" % name)
    return _decode(data, info.name)


def _decode(data, name):
    try:
        return data.decode(name, "replace")
    except (UnicodeError, LookupError, ValueError, TypeError) as e:
        raise ParseError("cannot decode the XML as %s: %s" % (name, e))


def parse(data):
    """The root element of an XML document (str, or bytes as stored); ParseError otherwise."""
    if data is None:
        raise ParseError("no XML")
    if not isinstance(data, (str, bytes)):
        raise ParseError("XML must be text or bytes, not %s" % type(data).__name__)
    if len(data) > MAX_XML:
        raise ParseError("XML document larger than %d MiB" % (MAX_XML >> 20))
    text = decode(data)
    if text.lstrip()[:1] != "<":
        raise ParseError("not an XML document")
    if "<!" in text and _REFUSED.search(text):  # ("<!" alone is a comment's start, in most definitions)
        raise ParseError("XML with a DOCTYPE or entity declarations is refused")
    try:
        parser = _XMLParser(target=_TreeBuilder())
        parser.feed(text)
        return parser.close()
    except _XMLError as e:
        raise ParseError("malformed XML: %s" % e)
    except (ValueError, RecursionError, LookupError, UnicodeError) as e:
        raise ParseError("malformed XML: %s" % e)
