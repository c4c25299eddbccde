"""libvirt storage pool definitions (/etc/libvirt/storage/NAME.xml, `virsh pool-dumpxml`) -> {'name',
'type', 'path' (the target path), 'source_host', 'source_dir'}; XML read through xmlsafe."""
from kbcheck.errors import ParseError
from kbcheck.parsers import xmlsafe


def parse(text):
    root = xmlsafe.parse(text)
    if root.tag != "pool":
        raise ParseError("not a storage pool definition (root element <%s>)" % root.tag)

    def text_of(path):
        v = root.findtext(path)
        return v.strip() if v and v.strip() else None
    host = root.find("source/host")
    src = root.find("source/dir")
    return {"name": text_of("name"), "type": root.get("type"), "path": text_of("target/path"),
            "source_host": host.get("name") if host is not None else None,
            "source_dir": src.get("path") if src is not None else None}
