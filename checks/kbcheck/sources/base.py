"""The interface every data source implements."""
import os


class Source(object):
    """A read-only view of one host.

    Paths are absolute host paths ("/proc/meminfo"). Implementations:
      read_text(path)  -> str; None when the host has no such file (collected but absent);
                          raises errors.NotCollected / NeedsRoot / Unreadable / CommandFailed.
      listdir(path)    -> sorted list of names; None when the directory does not exist.
      command(name)    -> str output of a named command as the host printed it ("sysctl -a",
                          "virsh capabilities"); raises errors.NotCollected when not available.
      domains()        -> list of (name, xml_text, state, origin) for libvirt guests;
                          state is "running", "shut off", ... or None when unknown (offline).
                          xml_text is None when the definition could not be read (origin says
                          why), or an errors.Evidence (NeedsRoot) the guest's result reports.
      capabilities()   -> xml text of `virsh capabilities` or None.
      notices          -> list of one-line notices for the report ("libvirt unreachable: ...").
    """

    kind = "root"
    label = "/"

    def __init__(self):
        self.notices = []

    def read_text(self, path):
        raise NotImplementedError

    def listdir(self, path):
        raise NotImplementedError

    def exists(self, path):
        try:
            if self.read_text(path) is not None:
                return True
        except Exception:
            return True
        return self.listdir(path) is not None

    def command(self, name):
        from kbcheck.errors import NotCollected

        raise NotCollected(name, "command output is not available from this source")

    def read_bytes(self, path, limit):
        """The first `limit` bytes of a regular file (a disk image's header); None when absent.

        Archives carry no disk images: the default says so (NotCollected -> the check skips)."""
        from kbcheck.errors import NotCollected

        raise NotCollected(path, "this source carries no disk image contents")

    def domains(self):
        return []

    def capabilities(self):
        return None

    def close(self):
        pass


class Layer(Source):
    """A source laid over another: what the layer does not answer itself passes through to `base`
    (files, commands, archive details), and closing it closes the base."""

    def __init__(self, base):
        Source.__init__(self)
        self.base = base

    def close(self):
        self.base.close()

    def __getattr__(self, name):
        if name == "base":  # not set yet (during __init__): no recursion
            raise AttributeError(name)
        return getattr(self.base, name)


def folders(path, depth=2):
    """Local folders below `path`, at most `depth` levels down, breadth first, in name order;
    symbolic links are not followed. (For finding the tree a user meant when pointing kbcheck
    at its parent.)"""
    level = [path]
    for _ in range(depth):
        nxt = []
        for d in level:
            try:
                names = sorted(os.listdir(d))
            except OSError:
                continue
            for n in names:
                p = os.path.join(d, n)
                if os.path.isdir(p) and not os.path.islink(p):
                    yield p
                    nxt.append(p)
        level = nxt
