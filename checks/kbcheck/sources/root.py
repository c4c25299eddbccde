"""Files under a root directory: the live host ("/") or a copied tree (a snapshot, an extracted archive).

Reads never leave the root: symbolic links are resolved component by component as if the root
were "/" (as chroot would), and a link that climbs above the root is refused, with every step
taken on an open folder so that a link swapped in during the run cannot lead out either
(kbcheck.sources.confined). Only regular files are read, and at most MAX_BYTES of each, so a
FIFO, a device node or a huge file cannot hang or flood a run.
"""
import errno
import os
import stat

from kbcheck.errors import NeedsRoot, Unreadable, UsageError
from kbcheck.sources.base import Source, first_guests, guests
from kbcheck.sources.confined import FOLDER, Escape, NotRegular, Tree, parts_of

MAX_BYTES = 8 * 1024 * 1024


def _read_capped(fd, cap):
    """At most `cap` bytes of an open file descriptor, in 64 KiB reads: some kernels allocate a
    buffer of the size asked for on /proc/sys reads and fail a single huge read with ENOMEM.
    (os.read on the descriptor itself: a file object would cost an fstat, an isatty ioctl and
    an lseek per file for buffering a read of one go does not need.)"""
    chunks = []
    n = 0
    while n < cap:
        b = os.read(fd, min(65536, cap - n))
        if not b:
            break
        chunks.append(b)
        n += len(b)
    return b"".join(chunks)


# what a copied root tree (or an extracted sosreport) has at its top: one of these directories
ROOT_MARKS = ("etc", "proc", "sys", "sos_commands")


# -- the registry's protocol (kbcheck.sources) --------------------------------------------------
def recognise(path):
    """True when folder `path` looks like a root tree: etc/, proc/ or sys/ (or a sosreport's
    sos_commands/) at its top."""
    return any(os.path.isdir(os.path.join(path, m)) for m in ROOT_MARKS)


def open_input(path, timeout=None):
    """The source over --root DIR. Anything but a root tree is a usage error naming the folders
    below it that are one (or the supportconfig it holds)."""
    if not os.path.isdir(path):
        raise UsageError("--root %s: not a directory" % path)
    if not recognise(path):
        from kbcheck.sources.find import did_you_mean, folders
        hint = did_you_mean([p for p in folders(path) if recognise(p)])
        if not hint:
            from kbcheck.sources import supportconfig_archive as scc_archive
            scc = scc_archive.candidates(path)
            if scc_archive.is_supportconfig(path) or scc:
                hint = "; a supportconfig is read with --supportconfig %s" % (scc[0] if scc else path)
        raise UsageError("--root %s does not look like a root tree (no etc/, proc/ or sys/)%s" % (path, hint))
    return RootSource(path)


class RootSource(Source):
    kind = "root"

    def __init__(self, root="/"):
        Source.__init__(self)
        self.root = os.path.abspath(root)
        self.label = self.root
        self.live = self.root == "/"
        if self.live and type(self) is RootSource:
            self.kind = "live"   # this machine itself, read in place (label "/")
        # a copy is read through kbcheck.sources.confined: never a step outside it, even under a race
        self.tree = None if self.live else Tree(self.root)

    def close(self):
        if self.tree is not None:
            self.tree.close()

    # -- the interface -----------------------------------------------------------------
    def _head(self, path, limit):
        """The first `limit` bytes of the regular file at host path `path`; None when absent."""
        try:
            fd = self._open(path)
        except Escape:
            raise Unreadable(path, "refused: a symbolic link leads outside %s" % self.root)
        except NotRegular:
            raise Unreadable(path, "not a regular file; refused to read it")
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                return None
            if e.errno == errno.EACCES:
                raise NeedsRoot(path, "needs root")
            raise Unreadable(path, e.strerror or str(e))
        if fd is None:
            return None
        try:
            return _read_capped(fd, limit)
        except OSError as e:
            if e.errno == errno.EACCES:
                raise NeedsRoot(path, "needs root")
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                return None
            # /sys files may refuse reads (EINVAL, EIO, ENODEV): treat as unreadable
            raise Unreadable(path, e.strerror or str(e))
        finally:
            os.close(fd)

    def _open(self, path):
        """A descriptor open for reading of the regular file at host path `path`, None when
        there is none (or it is a folder). Escape, NotRegular, OSError."""
        if self.tree is not None:
            fd = self.tree.open_file(parts_of(path))
            return None if fd is FOLDER else fd
        st = os.stat(path)   # the live host, read in place
        if stat.S_ISDIR(st.st_mode):
            return None
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular()
        return os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))

    def read_text(self, path):
        data = self._head(path, MAX_BYTES + 1)
        if data is None:
            return None
        if len(data) > MAX_BYTES:
            raise Unreadable(path, "larger than %d MiB; refused to read it" % (MAX_BYTES >> 20))
        return data.decode("utf-8", "replace")

    def read_bytes(self, path, limit):
        """The first `limit` bytes (at most MAX_BYTES) of a regular file under the root; None when absent.

        Unlike read_text, a file larger than the limit is fine: only its head is read (disk image
        headers)."""
        return self._head(path, max(0, min(int(limit), MAX_BYTES)))

    def listdir(self, path):
        try:
            names = self.tree.listdir(parts_of(path)) if self.tree is not None else os.listdir(path)
        except Escape:
            return None
        except OSError as e:
            if e.errno == errno.EACCES:
                raise NeedsRoot(path, "needs root")
            return None
        return sorted(names) if names is not None else None

    def read_raw(self, path):
        """The bytes of a whole file (at most MAX_BYTES, else Unreadable); None when absent."""
        data = self._head(path, MAX_BYTES + 1)
        if data is not None and len(data) > MAX_BYTES:
            raise Unreadable(path, "larger than %d MiB; refused to read it" % (MAX_BYTES >> 20))
        return data

    def domains(self):
        """The guest definitions under /etc/libvirt/{qemu,libxl,lxc}, as their bytes (the XML
        parser honours their encoding declaration); at most MAX_GUESTS, the first by name."""
        found = []
        for d in ("/etc/libvirt/qemu", "/etc/libvirt/libxl", "/etc/libvirt/lxc"):
            found.extend((name[:-4], d + "/" + name) for name in self.listdir(d) or [] if name.endswith(".xml"))
        keep, beyond = first_guests(found)
        out = []
        for name, p in keep:
            try:
                data = self.read_raw(p)
            except Unreadable as e:
                out.append((name, None, None, p + ": " + e.reason))
                continue
            except NeedsRoot as e:
                # this guest only: the others are still judged (see Source.domains)
                out.append((name, e, None, p))
                continue
            if data is not None:
                out.append((name, data, None, p))
        return guests(out, beyond)

    def capabilities(self):
        # An offline copy of `virsh capabilities`, where a snapshot carries one.
        for p in ("/var/lib/kbcheck/capabilities.xml", "/etc/libvirt/capabilities.xml"):
            t = self.read_text(p)
            if t:
                return t
        return None
