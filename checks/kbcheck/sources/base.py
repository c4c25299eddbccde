"""The interface every data source implements, and the base of the layers laid over one."""


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
      read_bytes(path, limit) -> the first `limit` bytes of a file (disk image headers); None
                          when absent; archives raise errors.NotCollected (the default).
      close()          -> release what the source holds (an extracted archive).
      kind, label      -> what it is ("root", "live", "sosreport", "supportconfig") and where.
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
    """A source laid over another (the libvirt layer, the deadline watch). It forwards the whole
    interface of Source to `base`, explicitly: a layer overrides what it changes and nothing
    passes through by accident. kind, label and notices are the base's (one list of notices for
    the whole chain: a notice the base adds late, while the run reads it, still reaches the
    report), and closing the layer closes the base."""

    def __init__(self, base):  # no Source.__init__: the notices are the base's
        self.base = base

    @property
    def kind(self):
        return self.base.kind

    @property
    def label(self):
        return self.base.label

    @property
    def notices(self):
        return self.base.notices

    def read_text(self, path):
        return self.base.read_text(path)

    def read_bytes(self, path, limit):
        return self.base.read_bytes(path, limit)

    def listdir(self, path):
        return self.base.listdir(path)

    def command(self, name):
        return self.base.command(name)

    def domains(self):
        return self.base.domains()

    def capabilities(self):
        return self.base.capabilities()

    def close(self):
        self.base.close()
