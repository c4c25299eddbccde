"""A supportconfig on disk: how one is recognised (a scc_*/nts_* tarball, or a folder holding its
basic-environment.txt), where its text files are, and each file read into its sections."""
import errno
import itertools
import os
import stat

from kbcheck.errors import ParseError, Unreadable
from kbcheck.parsers import supportconfig_sections as scp
from kbcheck.sources.find import folders

MAX_FILE = 64 * 1024 * 1024       # one supportconfig text file, at most
ARCHIVE_SUFFIXES = (".txz", ".tbz", ".tgz", ".tar.xz", ".tar.bz2", ".tar.gz", ".tar")

def is_supportconfig(path):
    """True for a supportconfig tarball name or a directory holding supportconfig text files."""
    if os.path.isdir(path):
        return find_top(path) is not None
    base = os.path.basename(path)
    return os.path.isfile(path) and base.startswith(("scc_", "nts_")) and base.endswith(ARCHIVE_SUFFIXES)


MARKERS = ("basic-environment.txt", "supportconfig.txt")


def has_marker(path):
    """True when folder `path` itself holds a supportconfig marker file (basic-environment.txt)."""
    return any(os.path.isfile(os.path.join(path, m)) for m in MARKERS)


def find_top(root, depth=2):
    """The folder holding supportconfig's basic-environment.txt (or supportconfig.txt): `root` or
    one at most `depth` levels below it; None when there is none."""
    for d in itertools.chain([root], folders(root, depth)):
        if has_marker(d):
            return d
    return None


def candidates(path):
    """Supportconfig tarballs and directories inside folder `path` (one level, then two)."""
    out = []
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return out
    for n in names:
        p = os.path.join(path, n)
        if os.path.isfile(p) and n.startswith(("scc_", "nts_")) and n.endswith(ARCHIVE_SUFFIXES):
            out.append(p)
    for p in folders(path):
        if has_marker(p):
            out.append(p)
    return out


_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class TextFile(object):
    """One text file of a supportconfig folder, opened relative to the folder's descriptor
    `dir_fd` without following a link; load(start, end) reads a part of it again later, and
    refuses when the name no longer is the file first read (replaced during the run)."""

    def __init__(self, dir_fd, name):
        self.dir_fd, self.name = dir_fd, name
        self.ident = None

    def open(self):
        fd = os.open(self.name, _READ, dir_fd=self.dir_fd)
        st = os.fstat(fd)
        if self.ident is None:
            self.ident = (st.st_dev, st.st_ino)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != self.ident:
            os.close(fd)
            raise Unreadable(self.name, "not a regular file" if not stat.S_ISREG(st.st_mode) else
                             "replaced by another file while it was read")
        return fd, st

    def load(self, start, end):
        fd, _ = self.open()
        with os.fdopen(fd, "rb") as f:
            f.seek(start)
            return f.read(end - start)


def read_sections(dir_fd, name, notices):
    """The sections of text file `name` of the folder open as `dir_fd`, indexed once
    (kbcheck.parsers.supportconfig_sections: scan, Index), at most MAX_FILE bytes of it; an empty
    Index with a notice when it is not in supportconfig's format, and a notice when it has more
    sections than are read; an Unreadable (returned, for the caller to keep and raise) when it
    cannot be read."""
    src = TextFile(dir_fd, name)
    try:
        fd, st = src.open()
        with os.fdopen(fd, "rb") as f:
            if st.st_size > MAX_FILE:
                raise Unreadable(name, "larger than %d MiB" % (MAX_FILE >> 20))
            data = f.read(MAX_FILE + 1)
        index = scp.Index(*scp.scan(data, src, scp.MAX_SECTIONS))
    except ParseError as e:
        notices.append("supportconfig file %s is not in supportconfig format: %s" % (name, e))
        return scp.Index([])
    except OSError as e:
        return Unreadable(name, "a symbolic link; refused to follow it" if e.errno == errno.ELOOP
                          else e.strerror or str(e))
    except Unreadable as e:
        return e
    if not index.complete:
        notices.append("supportconfig file %s: only its first %d sections are read (a cap); what comes "
                       "after them counts as not collected" % (name, scp.MAX_SECTIONS))
    return index


def collector_era(dir_fd):
    """The supportutils era that wrote the supportconfig of the folder open as `dir_fd`, from
    basic-environment.txt's banner ("Script Version: 3.0-98"): "sle11" (2.x), "sle12" (3.0),
    "sle15" (3.1 and later; also when the banner names no version)."""
    import re
    try:
        head = TextFile(dir_fd, "basic-environment.txt").load(0, 4096).decode("utf-8", "replace")
    except (OSError, Unreadable):
        return "sle15"
    m = re.search(r"Script Version:[ \t]*([0-9]+)\.([0-9]+)", head)
    if not m:
        return "sle15"
    major, minor = int(m.group(1)), int(m.group(2))
    return "sle11" if major < 3 else ("sle12" if (major, minor) == (3, 0) else "sle15")
