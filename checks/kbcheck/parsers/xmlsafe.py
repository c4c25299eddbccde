"""XML from strangers: refuse DOCTYPE and entity declarations before parsing (no entity expansion,
no billion laughs), cap the size, and turn every parser complaint into ParseError."""
import xml.etree.ElementTree as ET

from kbcheck.errors import ParseError

MAX_XML = 4 * 1024 * 1024


def parse(text):
    if text is None:
        raise ParseError("no XML")
    if len(text) > MAX_XML:
        raise ParseError("XML document larger than %d MiB" % (MAX_XML >> 20))
    head = text.lstrip()[:1]
    if head != "<":
        raise ParseError("not an XML document")
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise ParseError("XML with a DOCTYPE or entity declarations is refused")
    try:
        return ET.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except ET.ParseError as e:
        raise ParseError("malformed XML: %s" % e)
    except (ValueError, RecursionError) as e:
        raise ParseError("malformed XML: %s" % e)
