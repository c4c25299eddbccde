"""Where the bytes come from: a root directory, a sosreport, a supportconfig, this live host.

Every source answers the same small interface (base.Source), so the facts layer and every probe
run unchanged on all of them. This module is the registry of sources and the one place that
builds the chain a run reads (build_chain):

    the source of the input  ->  the libvirt layer (guests from libvirt)  ->  the deadline watch

INPUTS lists the options that name an input, and for each the sources that may read it, in the
order they are tried; LIVE is the source when no option names one. A source module offers

    recognise(path) -> bool      is `path` an input of this source? (cheap: it looks at names)
    open_input(path, timeout=None) -> Source
                                 the source over `path` (timeout: the run's per-read deadline, for
                                 what opening it may take: unpacking an archive); UsageError, one
                                 line with a hint of what the user probably meant, when `path` is
                                 no usable input

The first source of an option whose recognise() says yes opens the input; the option's last
source opens what the others do not recognise (and refuses it with its hint when it cannot).

  * no option: this host, live. Files from "/", guests and capabilities from libvirt (read-only)
    at --connect URI, or at the detected hypervisor's system URI (qemu:///system, xen:///system);
    when libvirt cannot be used, from the files under /etc/libvirt, with one notice saying so.
  * --root DIR / --supportconfig PATH: the copy only; libvirt is not asked (the copy's guests
    are not this machine's). With --connect as well, the guests come from that URI instead
    (meant for tests: --root TREE --connect test:///path/node.xml judges the test driver's
    guests on the tree's host files).
"""
import os

# option, metavar, help, the modules of this package whose sources read it (tried in this order)
INPUTS = (
    ("--root", "DIR", "judge a copied root tree (a snapshot or an extracted sosreport) instead of this host",
     ("sosreport", "root")),
    ("--supportconfig", "PATH", "judge a supportconfig archive (tarball or extracted directory)",
     ("supportconfig",)),
)
LIVE = "live"


def _module(name):
    import sys
    module = "kbcheck.sources." + name
    __import__(module)  # (rather than importlib.import_module: -X importtime shows what it costs)
    return sys.modules[module]


def open_input(option=None, path=None, timeout=None):
    """The source of one input: `option` (one of INPUTS) naming `path`, or the live host (None)."""
    names = [LIVE] if option is None else [i[3] for i in INPUTS if i[0] == option][0]
    for name in names:
        mod = _module(name)
        if name == names[-1] or mod.recognise(path):
            return mod.open_input(path, timeout=timeout)


def build_chain(inputs=None, connect=None, timeout=None):
    """The source a run reads. inputs: {option: path} for the options of INPUTS (at most one path
    given; none: this live host); connect: a libvirt URI for the guests (the live host's system
    URI when not given); timeout: the per-read deadline (seconds; 0 or None: no watch).
    UsageError (exit 2, one line) for an input that cannot be used."""
    from kbcheck.errors import Evidence, UsageError
    given = [(o, (inputs or {}).get(o)) for o, _, _, _ in INPUTS if (inputs or {}).get(o)]
    if len(given) > 1:
        raise UsageError("%s exclude each other" % " and ".join(o for o, _ in given))
    option, path = given[0] if given else (None, None)
    try:
        source = open_input(option, path, timeout=timeout)
    except Evidence as e:  # an archive that cannot be opened: a usage error, one line, exit 2
        raise UsageError(" ".join(("%s: %s" % (e.path, e.reason)).split()))
    chain = with_layers(source, connect=connect, timeout=timeout)
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        chain.notices.append("not running as root: what only root may read is skipped (\"needs root\"); "
                             "run as root for a full judgement")
    return chain


def with_layers(source, connect=None, timeout=None):
    """`source` with the layers a run lays over it: the libvirt layer on the live host or with
    `connect` (kbcheck.sources.libvirt_live), then the deadline watch when `timeout` is set
    (kbcheck.timeouts.Watched, which the runner's bounded run reads). Also for tests and
    scenarios that build their own base source."""
    if connect or source.kind == "live":
        from kbcheck.sources.libvirt_live import LibvirtSource
        # opening the connection and reading every guest is one bounded step: twice the per-read
        # deadline, at least 5 s (a busy libvirtd with many guests answers slowly, not never)
        source = LibvirtSource(source, uri=connect, timeout=max(5.0, 2 * float(timeout or 5.0)))
    if timeout:
        from kbcheck.timeouts import Watched
        source = Watched(source)
    return source
