"""Writing a file atomically: readers see the old file or the whole new one, never a part; and
output(), what every command writes: to a file that way, or to standard output.

The temporary file is made by tempfile.mkstemp in the target's folder: a name nobody can guess,
created exclusively (O_EXCL: an existing file or a symbolic link planted there is never opened,
never followed), then given the mode a new file gets (0666 less the umask) and renamed over the
target. It is removed on every way out
but success: an error, Ctrl-C, SIGTERM or SIGHUP (kbcheck.interrupts). The text is written as
UTF-8; what UTF-8 cannot carry (a lone surrogate from a name that was not UTF-8) is written as its
backslash escape, the same for every format (text, JSON, JUnit, Prometheus, HTML, fix scripts).
"""
import os
import sys

from kbcheck.errors import UsageError
from kbcheck.interrupts import held

ENCODING = "utf-8"
ERRORS = "backslashreplace"


def encode(text):
    """`text` as the bytes kbcheck writes (UTF-8; a lone surrogate as its backslash escape)."""
    return text.encode(ENCODING, ERRORS)


def _umask():
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def write(path, text):
    """Write `text` to `path` through a temporary file beside it and a rename; UsageError (exit
    2, one line) when that fails. The temporary file never outlives this call."""
    import tempfile  # (here: it imports shutil, random, bz2, lzma..., ~3 ms a run that writes to stdout never needs)
    data = encode(text)
    d = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        with held():  # the name is known as soon as the file exists
            fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path)[:64], suffix=".tmp", dir=d)
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view[:1 << 20]):]
        finally:
            os.close(fd)
        os.rename(tmp, path)
        tmp = None
    except OSError as e:
        raise UsageError("cannot write %s: %s" % (path, e.strerror or e))
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def output(text, path=None):
    """`text` to file `path` (write), or to standard output: as its encoding allows, else as
    UTF-8 (a terminal or pipe whose encoding cannot carry the text never makes a traceback)."""
    if path:
        write(path, text)
        return
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:  # (the whole text is encoded before anything is written)
        sys.stdout.flush()
        sys.stdout.buffer.write(encode(text))
    sys.stdout.flush()
