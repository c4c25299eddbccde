"""A tar archive read as a stream, header by header, within a budget (kbcheck.sources.extract
unpacks with it). No tarfile: its header parsing is the weak spot for hostile archives.

tarfile reads a pax extended header or a GNU long name whole into memory before looking at it
(a 1 GiB long name costs gigabytes), and until CVE-2024-6232 (gh-121285, fixed in 3.8.20,
3.9.20, 3.10.15, 3.11.10, 3.12.6 and 3.13.0; never in 3.6 and 3.7, which kbcheck supports) it
parsed pax records with backtracking regular expressions: a 128 KiB header took 22 s. Here every
header is read by this module from the decompressed bytes, with its size checked first:

  * the formats: POSIX ustar and pax (type x records "LEN key=value\\n", read in one pass: path,
    linkpath, size; type g skipped), GNU (type L long names, K long link names, base-256 sizes);
    every header's checksum is verified;
  * a Budget bounds the whole read: decompressed bytes counted as they come (headers, data,
    padding, what is skipped), a deadline, the number of members. Past a cap reading stops
    (Stop); a member larger than what is left of the byte budget stops it before any of its
    bytes is decompressed, so a bomb is never unpacked to be skipped;
  * gzip, bzip2 and xz are decompressed in bounded steps (the decompressor never produces more
    than asked for) and read to the end of the compressed data, so that a truncated or
    bit-flipped archive is caught by its checksums (Damaged), not half read.
"""
import time

BLOCK = 512
CHUNK = 1 << 20
MAX_NAME_HEADER = 64 * 1024   # a GNU long name or long link name, at most (bytes)
MAX_PAX_HEADER = 64 * 1024    # a pax extended header, at most (bytes)


class Damaged(Exception):
    """The archive's bytes are broken (truncated, a bad checksum, garbage): one line."""


class Stop(Exception):
    """A cap is reached: reading ends here; what came before stays usable. One line."""


class Budget(object):
    """What one archive may cost: `max_bytes` decompressed bytes, `seconds` of wall time (None:
    no deadline), `max_members` members."""

    def __init__(self, max_bytes, seconds=None, max_members=None):
        self.max_bytes = max_bytes
        self.left = max_bytes
        self.seconds = seconds
        self.deadline = time.time() + seconds if seconds else None
        self.max_members = max_members

    def spend(self, n):
        if n > self.left:
            raise Stop("past the cap of %d MiB unpacked" % (self.max_bytes >> 20))
        if self.deadline is not None and time.time() > self.deadline:
            raise Stop("unpacking took longer than its deadline of %g s" % self.seconds)
        self.left -= n


def _decompressors():
    import bz2
    import zlib
    table = [(b"\x1f\x8b", "gzip", lambda: zlib.decompressobj(16 + zlib.MAX_WBITS), (zlib.error,)),
             (b"BZh", "bzip2", bz2.BZ2Decompressor, (OSError,))]
    try:
        import lzma
        table.append((b"\xfd7zXZ\x00", "xz", lzma.LZMADecompressor, (lzma.LZMAError,)))
    except ImportError:  # a Python built without lzma: an .txz is refused below, with the reason
        table.append((b"\xfd7zXZ\x00", "xz", None, ()))
    return table


class Stream(object):
    """The decompressed bytes of an open archive file `f` (plain tar when no known magic).
    read(n) -> at most n bytes, b"" at the end of the data; Damaged on broken data."""

    def __init__(self, f):
        self.f = f
        self.head = f.read(6)
        self.kind, self.new, self.errors = "tar", None, ()
        for magic, kind, new, errors in _decompressors():
            if self.head.startswith(magic):
                if new is None:
                    raise Damaged("an xz archive, and this Python has no lzma module to read it")
                self.kind, self.new, self.errors = kind, new, errors
                self.magic = magic
        self.d = self.new() if self.new else None
        self.pending = self.head
        self.done = False

    def read(self, n):
        if self.d is None:
            data, self.pending = self.pending, b""
            return data + self.f.read(n - len(data)) if len(data) < n else data
        try:
            return self._inflate(n)
        except self.errors + (EOFError, ValueError) as e:
            raise Damaged("its %s data is damaged (%s)" % (self.kind, e))

    def _more(self):
        data, self.pending = self.pending, b""
        return data or self.f.read(64 * 1024)

    def _inflate(self, n):
        d = self.d
        while not self.done:
            if d.eof:
                self._next_stream()
                d = self.d
                continue
            if self.kind == "gzip":
                data = d.unconsumed_tail or self._more()
            else:
                data = self._more() if d.needs_input else b""
            if not data and (self.kind == "gzip" or d.needs_input):
                raise Damaged("it ends before the end of its %s data (truncated)" % self.kind)
            out = d.decompress(data, n)
            if self.kind != "gzip" and d.eof:
                self.pending = d.unused_data
            if out:
                return out
        return b""

    def _next_stream(self):
        """After one compressed stream: another one follows (pigz, pbzip2, concatenated xz), or
        the data ends (trailing bytes that are not a stream are ignored, as gzip and tar do)."""
        rest = self.d.unused_data if self.kind == "gzip" else self.pending
        while len(rest) < len(self.magic):
            more = self.f.read(64 * 1024)
            if not more:
                break
            rest += more
        if self.kind == "xz":
            rest = rest.lstrip(b"\x00")  # stream padding between xz streams
        if rest.startswith(self.magic):
            self.d = self.new()
            self.pending = rest
        else:
            self.done = True


class Member(object):
    """One archive member: name and link (bytes, as stored), kind (file, dir, symlink, hardlink,
    device, fifo, other), size (bytes of data that follow its header)."""

    __slots__ = ("name", "kind", "size", "link", "sparse")

    def __init__(self, name, kind, size, link, sparse=False):
        self.name, self.kind, self.size, self.link, self.sparse = name, kind, size, link, sparse


_KINDS = {b"0": "file", b"\x00": "file", b"7": "file", b"5": "dir", b"1": "hardlink", b"2": "symlink",
          b"3": "device", b"4": "device", b"6": "fifo"}


def _number(field, where):
    """A header's numeric field: octal digits (NUL or space ended), or GNU base-256."""
    if field[:1] in (b"\x80", b"\xff"):
        if field[:1] == b"\xff":
            raise Damaged("a negative number in the header at byte %d" % where)
        n = 0
        for b in bytearray(field[1:]):
            n = (n << 8) | b
        return n
    digits = field.split(b"\x00", 1)[0].strip()
    if not digits:
        return 0
    if digits.strip(b"01234567"):
        raise Damaged("a header at byte %d is not a tar header (bad number %r)" % (where, bytes(field)))
    return int(digits, 8)


def _pax(data, where):
    """pax extended header records -> {key: value} (bytes), in one pass; Damaged when malformed."""
    out = {}
    pos, end = 0, len(data)
    while pos < end and data[pos:pos + 1] != b"\x00":
        sp = data.find(b" ", pos, pos + 21)
        length = data[pos:sp] if sp > pos else b""
        if not length or length.strip(b"0123456789"):
            raise Damaged("a malformed pax header at byte %d" % where)
        n = int(length)
        if n < len(length) + 3 or pos + n > end or data[pos + n - 1:pos + n] != b"\n":
            raise Damaged("a malformed pax record at byte %d" % where)
        key, eq, value = data[sp + 1:pos + n - 1].partition(b"=")
        if not eq:
            raise Damaged("a malformed pax record at byte %d" % where)
        out[key] = value
        pos += n
    return out


class Reader(object):
    """members() -> Member after Member of the stream, within `budget`; the data of the member
    just yielded is read with chunks(), else skipped."""

    def __init__(self, stream, budget):
        self.stream = stream
        self.budget = budget
        self.offset = 0     # decompressed bytes read so far
        self._left = 0      # data of the current member not read yet
        self._pad = 0

    def _read(self, n, what="data"):
        self.budget.spend(n)
        parts, got = [], 0
        while got < n:
            b = self.stream.read(min(CHUNK, n - got))
            if not b:
                raise Damaged("it ends inside a member's %s at byte %d (truncated)" % (what, self.offset + got))
            parts.append(b)
            got += len(b)
        self.offset += n
        return b"".join(parts)

    def _skip(self, n):
        while n:
            step = min(CHUNK, n)
            self._read(step)
            n -= step

    def chunks(self):
        """The current member's data, in pieces of at most CHUNK bytes."""
        while self._left:
            step = min(CHUNK, self._left)
            data = self._read(step)
            self._left -= step
            yield data

    def _header(self):
        """The next header block, None at the end of the archive."""
        where = self.offset
        self.budget.spend(BLOCK)
        block = self.stream.read(BLOCK)
        while block and len(block) < BLOCK:
            more = self.stream.read(BLOCK - len(block))
            if not more:
                break
            block += more
        self.offset += len(block)
        if not block:
            return None, where   # the data ends where a header would begin: an end, if not a tidy one
        if len(block) < BLOCK:
            raise Damaged("it ends inside a header at byte %d (truncated)" % self.offset)
        if block.count(b"\x00") == BLOCK:
            return None, where
        stored = _number(block[148:156], where)
        rest = block[:148] + block[156:]
        total = sum(bytearray(rest)) + 8 * 32  # the checksum field itself counts as eight spaces
        if stored != total and stored != total - 256 * sum(1 for b in bytearray(rest) if b > 127):
            raise Damaged("a header checksum does not match at byte %d" % where)  # (or signed bytes, old tars)
        return block, where

    def members(self):
        count = 0
        name = link = None
        pax = {}
        while True:
            if self._left or self._pad:       # what the caller did not read of the last member
                self._skip(self._left + self._pad)
                self._left = self._pad = 0
            block, where = self._header()
            if block is None:
                self._drain()
                return
            size = _number(block[124:136], where)
            flag = block[156:157]
            if flag in (b"L", b"K", b"x", b"g"):
                cap = MAX_NAME_HEADER if flag in (b"L", b"K") else MAX_PAX_HEADER
                if size > cap:
                    raise Stop("a %s header of %d bytes at byte %d, over the cap of %d" % (
                        "long name" if flag in (b"L", b"K") else "pax", size, where, cap))
                data = self._read(size, "header")
                self._skip(-size % BLOCK)
                if flag == b"L":
                    name = data.split(b"\x00", 1)[0]
                elif flag == b"K":
                    link = data.split(b"\x00", 1)[0]
                elif flag == b"x":
                    pax = _pax(data, where)
                continue
            count += 1
            if self.budget.max_members and count > self.budget.max_members:
                raise Stop("more than %d members" % self.budget.max_members)
            if b"size" in pax:
                value = pax[b"size"]
                if not value or value.strip(b"0123456789"):
                    raise Damaged("a malformed pax size at byte %d" % where)
                size = int(value)
            member = Member(pax.get(b"path", name) or self._name(block),
                            _KINDS.get(flag, "other"), size,
                            pax.get(b"linkpath", link) or block[157:257].split(b"\x00", 1)[0],
                            sparse=any(k.startswith(b"GNU.sparse.") for k in pax) or flag == b"S")
            name = link = None
            pax = {}
            pad = -size % BLOCK
            if size + pad > self.budget.left:  # never decompressed only to be skipped
                raise Stop("member %s declares %d bytes, more than the %d MiB left of the cap of %d MiB" % (
                    member.name.decode("utf-8", "backslashreplace")[:200], size, self.budget.left >> 20,
                    self.budget.max_bytes >> 20))
            self._left, self._pad = size, pad
            yield member

    @staticmethod
    def _name(block):
        name = block[:100].split(b"\x00", 1)[0]
        if block[257:263] == b"ustar\x00":  # POSIX ustar: a prefix for long names (GNU tar uses L)
            prefix = block[345:500].split(b"\x00", 1)[0]
            if prefix:
                name = prefix + b"/" + name
        return name

    def _drain(self):
        """Read what follows the end of the archive to the end of the compressed data, so that
        its checksum is verified (a plain tar has none: nothing to read)."""
        if self.stream.d is None:
            return
        while True:
            b = self.stream.read(CHUNK)
            if not b:
                return
            self.budget.spend(len(b))
            self.offset += len(b)
