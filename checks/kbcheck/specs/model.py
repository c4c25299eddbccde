"""The shapes of the spec table (kbcheck.specs): a Spec and its locations F, C, L, V, the
supportconfig section kinds and collector eras, and the helpers that write a location's rows."""

# the sources a spec may come from, as the site and `kbgen check` name them
SOURCES = ("live", "root", "sos3", "sos4", "scc-sle11", "scc-sle12", "scc-sle15")
SOURCE_LABELS = {"live": "live host", "root": "root tree", "sos3": "sosreport 3.x", "sos4": "sosreport 4.x",
                 "scc-sle11": "supportconfig SLE 11", "scc-sle12": "supportconfig SLE 12",
                 "scc-sle15": "supportconfig SLE 15"}
ERAS = ("sle11", "sle12", "sle15")
ALL = ERAS
OLD = ("sle11", "sle12")        # supportutils 2.x and 3.0
S12 = ("sle12", "sle15")        # supportutils 3.x
NEW = ("sle15",)                # supportutils 3.1 and later
SOS = ("3", "4")
SOS3 = ("3",)
SOS4 = ("4",)

# supportconfig section kinds (kbcheck.parsers.supportconfig_sections)
CONF = "Configuration File"   # one file supportconfig names explicitly: content or "- File not found"
LISTED = "listed"              # a file of a complete glob listing: not listed = not on the host
CMD = "Command"                # a command's output (standing in for a file, or asked for by name)
SYSTEM = "System"              # a "#==[ System ]==" block supportconfig writes itself
PATH = "{path}"                # header template: the host path asked for
# proc.txt of supportutils before 3.1.11-28 (January 2022) holds every file directly under /proc
# (`find /proc/ -maxdepth 1 -type f`): a listing that is complete when it holds /proc/version
TOP_OF_PROC = "listed:/proc/version"


class F(object):
    """A host file (fnmatch pattern) as a location of a spec."""

    kind = "file"
    __slots__ = ("path", "sos", "scc", "partial", "live")

    def __init__(self, path, sos=SOS, scc=(), partial=None, live=True):
        self.path, self.sos, self.scc, self.partial, self.live = path, tuple(sos), tuple(scc), partial, live


class C(object):
    """A command's output as a location of a spec (archives only)."""

    kind = "command"
    __slots__ = ("command", "sos", "sos_file", "scc", "partial")

    def __init__(self, command, sos=SOS, scc=(), sos_file=None, partial=None):
        self.command, self.sos, self.sos_file, self.scc, self.partial = command, tuple(sos), sos_file, tuple(scc), partial


class L(object):
    """A libvirt call as a location of a spec (the live host; --connect URI)."""

    kind = "libvirt"
    __slots__ = ("call",)

    def __init__(self, call):
        self.call = call


class U(object):
    """What the user says on the command line (--assume NAME=VALUE): there whatever the source."""

    kind = "user"
    __slots__ = ("option",)

    def __init__(self, option):
        self.option = option


class V(object):
    """Another spec standing in for this one where that one is had (huge pages from /proc/meminfo)."""

    kind = "via"
    __slots__ = ("spec", "partial")

    def __init__(self, spec, partial=None):
        self.spec, self.partial = spec, partial


class Spec(object):
    """One named input: what it is (doc), its locations in order, and the host facts that offer it."""

    __slots__ = ("name", "doc", "locations", "facts")

    def __init__(self, name, doc, *locations, **kw):
        self.name, self.doc, self.locations = name, doc, locations
        self.facts = tuple(kw.get("facts", ()))


def conf(file, eras=ALL, partial=None):
    return (file, CONF, PATH, eras, partial)


def listed(file, eras=ALL, partial=None):
    return (file, LISTED, PATH, eras, partial)


# etc.txt holds every file under /etc whose name ends in conf or cfg (and only those)
ETC_CONF = listed("etc.txt", partial="the files named *conf or *cfg only (etc.txt)")


def cmd(file, label, eras=ALL, partial=None):
    return (file, CMD, label, eras, partial)


def sys_block(file, label, eras=ALL):
    return (file, SYSTEM, label, eras, None)
