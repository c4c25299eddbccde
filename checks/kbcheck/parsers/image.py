"""Disk image headers (the first bytes of an image file) -> the facts the image checks judge.

qcow2 follows QEMU's docs/interop/qcow2.txt: all numbers big-endian; version 2 headers are 72
bytes, version 3 headers at least 104. Other formats are told apart by their magic only.
"""
from kbcheck.errors import ParseError

QCOW2_MAGIC = b"QFI\xfb"
MAGICS = ((QCOW2_MAGIC, "qcow2"), (b"QED\x00", "qed"), (b"KDMV", "vmdk"), (b"# Disk DescriptorFile", "vmdk"),
          (b"conectix", "vpc"), (b"vhdxfile", "vhdx"), (b"<<< Oracle VM VirtualBox Disk Image >>>", "vdi"),
          (b"<<< Sun xVM VirtualBox Disk Image >>>", "vdi"), (b"<<< innotek VirtualBox Disk Image >>>", "vdi"),
          (b"LUKS\xba\xbe", "luks"))


def _be(data, off, width):
    chunk = data[off:off + width]
    if len(chunk) < width:
        raise ParseError("header ends at byte %d, needs %d" % (len(data), off + width))
    n = 0
    for b in bytearray(chunk):
        n = (n << 8) | b
    return n


def header(data):
    """bytes -> dict. Always 'format' ('qcow2', 'qed', 'vmdk', 'vpc', 'vhdx', 'vdi', 'luks' or
    'raw' when no known magic: raw has none). qcow2 adds: version, size (virtual, bytes),
    cluster_size, backing_file (str or None), crypt_method (0 none, 1 AES, 2 LUKS),
    lazy_refcounts (bool, v3), refcount_bits, nb_snapshots. Raises ParseError on a truncated
    qcow2 header."""
    data = bytes(data or b"")
    fmt = "raw"
    for magic, name in MAGICS:
        if data.startswith(magic):
            fmt = name
            break
    out = {"format": fmt}
    if fmt != "qcow2":
        return out
    version = _be(data, 4, 4)
    bf_off, bf_len = _be(data, 8, 8), _be(data, 16, 4)
    bits = _be(data, 20, 4)
    if not 9 <= bits <= 21:
        raise ParseError("implausible qcow2 cluster_bits %d" % bits)
    out.update(version=version, size=_be(data, 24, 8), cluster_size=1 << bits, crypt_method=_be(data, 32, 4),
               nb_snapshots=_be(data, 60, 4), lazy_refcounts=False, refcount_bits=16, backing_file=None)
    if version >= 3 and len(data) >= 104:
        out["lazy_refcounts"] = bool(_be(data, 80, 8) & 1)
        out["refcount_bits"] = 1 << _be(data, 96, 4)
    if bf_off and bf_len:
        raw = data[bf_off:bf_off + bf_len]
        if len(raw) < bf_len:
            out["backing_file"] = None
            out["backing_unread"] = True
        else:
            out["backing_file"] = raw.decode("utf-8", "replace")
    return out
