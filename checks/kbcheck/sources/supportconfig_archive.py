"""A supportconfig on disk: how one is recognised (a scc_*/nts_* tarball, or a folder holding its
basic-environment.txt), where its text files are, and each file read into its sections."""
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


def read_sections(folder, name, notices):
    """The sections of text file `name` in `folder` (kbcheck.parsers.supportconfig_sections), at most
    MAX_FILE bytes of it; [] with a notice when it is not in supportconfig's format; an Unreadable
    (returned, for the caller to keep and raise) when it cannot be read."""
    p = os.path.join(folder, name)
    try:
        st = os.lstat(p)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(name, "not a regular file")
        if st.st_size > MAX_FILE:
            raise Unreadable(name, "larger than %d MiB" % (MAX_FILE >> 20))
        with open(p, "rb") as f:
            text = f.read(MAX_FILE + 1).decode("utf-8", "replace")
        return scp.parse(text)
    except ParseError as e:
        notices.append("supportconfig file %s is not in supportconfig format: %s" % (name, e))
        return []
    except OSError as e:
        return Unreadable(name, e.strerror or str(e))
    except Unreadable as e:
        return e
