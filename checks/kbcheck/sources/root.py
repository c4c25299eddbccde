"""Files under a root directory: the live host ("/") or a copied tree (a snapshot, an extracted archive).

Reads never leave the root: symbolic links are resolved component by component as if the root
were "/" (as chroot would), and a link that climbs above the root is refused. Only regular files
are read, and at most MAX_BYTES of each, so a FIFO, a device node or a huge file cannot hang or
flood a run.
"""
import errno
import os
import stat

from kbcheck.errors import NeedsRoot, Unreadable, UsageError
from kbcheck.sources.base import Source

MAX_BYTES = 8 * 1024 * 1024
_MAX_LINKS = 40


def _read_capped(f, cap):
    """At most `cap` bytes of an open file, in 64 KiB reads: some kernels allocate a buffer of the
    size asked for on /proc/sys reads and fail a single huge read with ENOMEM."""
    chunks = []
    n = 0
    while n < cap:
        b = f.read(min(65536, cap - n))
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


def open_input(path):
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


class Escape(Exception):
    pass


class RootSource(Source):
    kind = "root"

    def __init__(self, root="/"):
        Source.__init__(self)
        self.root = os.path.abspath(root)
        self.label = self.root
        self.live = self.root == "/"
        if self.live and type(self) is RootSource:
            self.kind = "live"   # this machine itself, read in place (label "/")

    # -- path resolution ---------------------------------------------------------------
    def resolve(self, path):
        """The real path of host path `path` under the root, symlinks resolved inside it.

        The resolved parent folders are remembered for the run (the tree does not change while
        it is judged), so reading many files of one folder costs one lstat per file."""
        if self.live:
            return path
        parts = [p for p in path.split("/") if p and p != "."]
        if not parts:
            return self.root
        if ".." in parts:
            done = self._walk([], parts, path)
        else:
            parent = "/".join(parts[:-1])
            cache = self.__dict__.setdefault("_dirs", {})
            base = cache.get(parent)
            if base is None:
                base = cache[parent] = self._walk([], parts[:-1], path)
            done = self._walk(list(base), parts[-1:], path)
        return os.path.join(self.root, *done) if done else self.root

    def _walk(self, done, parts, path):
        """Resolve `parts` below the already resolved components `done`; -> the real components."""
        parts = list(parts)
        links = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if not done:
                    raise Escape(path)
                done.pop()
                continue
            candidate = os.path.join(self.root, *(done + [part]))
            try:
                st = os.lstat(candidate)
            except OSError:
                done.append(part)
                continue
            if stat.S_ISLNK(st.st_mode):
                links += 1
                if links > _MAX_LINKS:
                    raise Escape(path)
                target = os.readlink(candidate)
                if target.startswith("/"):
                    done = []
                parts = [p for p in target.split("/") if p and p != "."] + parts
                continue
            done.append(part)
        return done

    # -- the interface -----------------------------------------------------------------
    def _head(self, path, limit):
        """The first `limit` bytes of the regular file at host path `path`; None when absent."""
        try:
            real = self.resolve(path)
        except Escape:
            raise Unreadable(path, "refused: a symbolic link leads outside %s" % self.root)
        try:
            st = os.stat(real)
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                return None
            if e.errno == errno.EACCES:
                raise NeedsRoot(path, "needs root")
            raise Unreadable(path, e.strerror or str(e))
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                return None
            raise Unreadable(path, "not a regular file; refused to read it")
        try:
            with open(real, "rb") as f:
                return _read_capped(f, limit)
        except OSError as e:
            if e.errno == errno.EACCES:
                raise NeedsRoot(path, "needs root")
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                return None
            # /sys files may refuse reads (EINVAL, EIO, ENODEV): treat as unreadable
            raise Unreadable(path, e.strerror or str(e))

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
            real = self.resolve(path)
        except Escape:
            return None
        try:
            return sorted(os.listdir(real))
        except OSError as e:
            if e.errno == errno.EACCES:
                raise NeedsRoot(path, "needs root")
            return None

    def domains(self):
        out = []
        for d in ("/etc/libvirt/qemu", "/etc/libvirt/libxl", "/etc/libvirt/lxc"):
            for name in self.listdir(d) or []:
                if not name.endswith(".xml"):
                    continue
                p = d + "/" + name
                try:
                    text = self.read_text(p)
                except Unreadable as e:
                    out.append((name[:-4], None, None, p + ": " + e.reason))
                    continue
                except NeedsRoot as e:
                    # this guest only: the others are still judged (see Source.domains)
                    out.append((name[:-4], e, None, p))
                    continue
                if text is not None:
                    out.append((name[:-4], text, None, p))
        return out

    def capabilities(self):
        # An offline copy of `virsh capabilities`, where a snapshot carries one.
        for p in ("/var/lib/kbcheck/capabilities.xml", "/etc/libvirt/capabilities.xml"):
            t = self.read_text(p)
            if t:
                return t
        return None
