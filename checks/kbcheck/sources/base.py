"""The interface every data source implements, and the base of the layers laid over one."""

# guests a source reads (parses, judges) in one run, at most: the first by name. A run of 2000
# guests takes a few seconds and some hundred MB; past it, one notice and one error per guest
# check say how many were left out, and checks over all guests are errors, never a guess.
MAX_GUESTS = 2000


class Guests(list):
    """What Source.domains() answers: the (name, xml, state, origin) of the guests read, and
    beyond: how many more the source defines, left unread past MAX_GUESTS."""

    beyond = 0


def guests(read, beyond=0):
    """Guests(read), with `beyond` more left unread (the facts layer tells the reader)."""
    out = Guests(read)
    out.beyond = beyond
    return out


def first_guests(names):
    """The names of guest definitions (sortable) -> (the first MAX_GUESTS, how many are past them)."""
    names = sorted(names)
    return names[:MAX_GUESTS], max(0, len(names) - MAX_GUESTS)


class Source(object):
    """A read-only view of one host.

    Paths are absolute host paths ("/proc/meminfo"). Implementations:
      read_text(path)  -> str; None when the host has no such file (collected but absent);
                          raises errors.NotCollected / NeedsRoot / Unreadable / CommandFailed.
      listdir(path)    -> sorted list of names; None when the directory does not exist.
      command(name)    -> str output of a named command as the host printed it ("sysctl -a",
                          "virsh capabilities"); raises errors.NotCollected when not available.
      domains()        -> list of (name, xml, state, origin) for libvirt guests, at most
                          MAX_GUESTS (a Guests list whose `beyond` counts the rest);
                          state is "running", "shut off", ... or None when unknown (offline).
                          xml is the definition's text, or its bytes as stored (the XML parser
                          decodes them by their own declaration); None when the definition
                          could not be read (origin says why), or an errors.Evidence
                          (NeedsRoot) the guest's result reports.
      capabilities()   -> xml text of `virsh capabilities` or None.
      read_bytes(path, limit) -> the first `limit` bytes of a file (disk image headers); None
                          when absent; archives raise errors.NotCollected (the default).
      close()          -> release what the source holds (an extracted archive).
      kind, label      -> what it is ("root", "live", "sosreport", "supportconfig") and where.
      notices          -> list of one-line notices for the report ("libvirt unreachable: ...").
      located          -> {what was read: where the source found it}, for what an archive keeps
                          elsewhere than under the host's own path: "/proc/swaps" -> "proc.txt
                          line 80: /proc/swaps", "$ ps -ef" -> "sos_commands/process/ps_-ef"
                          (a command's key is "$ " + its name). The evidence of a result reads it.
    """

    kind = "root"
    label = "/"

    @property
    def coverage_id(self):
        """Which of kbcheck.specs.SOURCES this source is ("live", "root", "sos4", "scc-sle12", ...):
        what the spec table says this kind of source can ever give."""
        return self.kind

    def __init__(self):
        self.notices = []
        self.located = {}

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

    @property
    def located(self):
        return self.base.located

    @property
    def coverage_id(self):
        return self.base.coverage_id

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
