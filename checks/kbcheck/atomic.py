"""Writing a file atomically: readers see the old file or the whole new one, never a part."""
import os

from kbcheck.errors import UsageError


def write(path, text):
    """Write `text` to `path` (UTF-8) through a temporary file beside it and a rename; UsageError
    (exit 2, one line) when that fails. The temporary file is removed on failure."""
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UsageError("cannot write %s: %s" % (path, e.strerror or e))
