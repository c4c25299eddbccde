"""Disk image headers (the first bytes of an image file) -> the facts the image checks judge.

qcow2 follows QEMU's docs/interop/qcow2.txt: all numbers big-endian; version 2 headers are 72
bytes, version 3 headers at least 104. Other formats are told apart by their magic only.

Every field is checked against the range the format allows before it is used (a header is 64
KiB of someone else's bytes: refcount_order 0xffffffff would make a 512 MiB integer): version 2
or 3, cluster_bits 9..21 (QEMU's limits: 512 bytes to 2 MiB), refcount_order 0..6 (1 to 64
bits), crypt_method 0..2, a backing file name of at most 1023 bytes, a v3 header_length of at
least 104, at most 65536 snapshots (QCOW_MAX_SNAPSHOTS). Anything else is a ParseError.
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


def _range(name, value, lo, hi):
    if not lo <= value <= hi:
        raise ParseError("qcow2 %s %d is outside what the format allows (%d to %d)" % (name, value, lo, hi))


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
    _range("version", version, 2, 3)
    bf_off, bf_len = _be(data, 8, 8), _be(data, 16, 4)
    bits = _be(data, 20, 4)
    _range("cluster_bits", bits, 9, 21)
    crypt, snapshots = _be(data, 32, 4), _be(data, 60, 4)
    _range("crypt_method", crypt, 0, 2)
    _range("nb_snapshots", snapshots, 0, 65536)
    if bf_off:
        _range("backing_file_size", bf_len, 0, 1023)
    out.update(version=version, size=_be(data, 24, 8), cluster_size=1 << bits, crypt_method=crypt,
               nb_snapshots=snapshots, lazy_refcounts=False, refcount_bits=16, backing_file=None)
    if version >= 3 and len(data) >= 104:
        _range("header_length", _be(data, 100, 4), 104, 1 << 20)
        order = _be(data, 96, 4)
        _range("refcount_order", order, 0, 6)
        out["lazy_refcounts"] = bool(_be(data, 80, 8) & 1)
        out["refcount_bits"] = 1 << order
    if bf_off and bf_len:
        raw = data[bf_off:bf_off + bf_len]
        if len(raw) < bf_len:
            out["backing_file"] = None
            out["backing_unread"] = True
        else:
            out["backing_file"] = raw.decode("utf-8", "replace")
    return out
