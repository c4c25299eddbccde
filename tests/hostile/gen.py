"""Generators of hostile inputs, built at test time (nothing large is committed): tar headers
written by hand (so that they can lie: sizes, pax records, long names), compressed streams made
of many small compressed members (a gigabyte of zeros costs a few megabytes and milliseconds),
sparse files, supportconfig folders and root trees from the example host.
"""
import bz2
import gzip
import lzma
import os
import shutil

from support import archives

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(PROJECT, "examples", "sle12-kvm-untuned")
MiB = 1 << 20
COMPRESS = {"gz": lambda b: gzip.compress(b, 1), "bz2": lambda b: bz2.compress(b, 1),
            "xz": lambda b: lzma.compress(b, preset=0)}
SUFFIX = {"gz": ".tgz", "bz2": ".tbz", "xz": ".txz"}


# -- tar, by hand ---------------------------------------------------------------------------
def _octal(n, width):
    return ("%0*o" % (width - 1, n)).encode() + b"\x00"


def header(name, size=0, kind=b"0", link=b"", prefix=b""):
    """One ustar header block (512 bytes) that says what it is told to, with a right checksum."""
    name = name if isinstance(name, bytes) else name.encode()
    big = size >= 8 ** 11
    h = bytearray(512)
    h[0:len(name[:100])] = name[:100]
    h[100:108] = _octal(0o644, 8)
    h[108:116] = _octal(0, 8)
    h[116:124] = _octal(0, 8)
    h[124:136] = (b"\x80" + size.to_bytes(11, "big")) if big else _octal(size, 12)
    h[136:148] = _octal(0, 12)
    h[148:156] = b" " * 8
    h[156:157] = kind
    h[157:157 + len(link[:100])] = link[:100]
    h[257:265] = b"ustar\x0000"
    h[345:345 + len(prefix[:155])] = prefix[:155]
    h[148:156] = ("%06o" % sum(h)).encode() + b"\x00 "
    return bytes(h)


def empty_members(names):
    """The headers of many empty files (the same header but for the name: fast to make)."""
    template = header(b"")
    base = int(template[148:154], 8)
    out = []
    for n in names:
        n = n if isinstance(n, bytes) else n.encode()
        out.append(n + template[len(n):148] + ("%06o" % (base + sum(n))).encode() + template[154:])
    return b"".join(out)


def pad(size):
    return b"\x00" * (-size % 512)


def member(name, data=b"", kind=b"0", link=b""):
    data = data if isinstance(data, bytes) else data.encode()
    return header(name, len(data), kind, link) + data + pad(len(data))


def pax(name, records, data=b""):
    """A pax extended header (type x) with `records` {key: value bytes}, then the member."""
    body = b""
    for k, v in records.items():
        rec = b" " + k + b"=" + v + b"\n"
        n = len(rec)
        while len(str(n + len(str(n)))) != len(str(n)):
            n += 1
        n += len(str(n))
        body += str(n).encode() + rec
    return header(b"././@PaxHeader", len(body), b"x") + body + pad(len(body)) + member(name, data)


END = b"\x00" * 1024


def write(path, pieces, compression="gz"):
    """Write an archive of `pieces` (bytes, or (bytes, repeat) for what comes many times), each
    compressed on its own (concatenated streams are valid gzip, bzip2 and xz); plain tar when
    compression is None. -> path."""
    squeeze = COMPRESS.get(compression)
    with open(path, "wb") as f:
        for piece in pieces:
            data, times = piece if isinstance(piece, tuple) else (piece, 1)
            blob = squeeze(data) if squeeze else data
            for _ in range(times):
                f.write(blob)
    return path


# -- supportconfig -------------------------------------------------------------------------
def supportconfig_files(era="current"):
    """{name: text} of a supportconfig of the example host."""
    return archives.supportconfig_files(EXAMPLE, era=era)


def supportconfig_members(top="scc_evil_240101_0000", skip=()):
    """The tar bytes of a whole, valid supportconfig of the example host (no end blocks)."""
    return b"".join(member("%s/%s" % (top, n), t.encode()) for n, t in sorted(supportconfig_files().items())
                    if n not in skip)


# -- roots ---------------------------------------------------------------------------------
def root(dest, files=None, drop_guests=False):
    """A copy of the example host at dest, with `files` {host path: text or bytes} written over
    it (None: removed). -> dest."""
    shutil.copytree(EXAMPLE, dest, symlinks=True)
    if drop_guests:
        qemu = os.path.join(dest, "etc/libvirt/qemu")
        for n in os.listdir(qemu):
            os.unlink(os.path.join(qemu, n))
    for path, content in (files or {}).items():
        full = os.path.join(dest, path.lstrip("/")) if isinstance(path, str) else os.path.join(
            os.fsencode(dest), path.lstrip(b"/"))
        if content is None:
            if os.path.lexists(full):
                os.unlink(full)
            continue
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode())
    return dest


def guest_xml(name, extra=""):
    return ("<domain type='kvm'><name>%s</name><memory unit='KiB'>1048576</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64' machine='pc-q35-6.2'>hvm</type></os>%s</domain>\n" % (name, extra))


def sparse(path, size):
    with open(path, "wb") as f:
        f.truncate(size)
    return path
