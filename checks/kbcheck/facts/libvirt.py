"""libvirt facts: the guests (parsed domain definitions, and those that could not be read) and
the host's capabilities."""
from kbcheck.errors import Evidence, ParseError, Unreadable
from kbcheck.facts.core import cached
from kbcheck.parsers import capabilities as caps_parser
from kbcheck.parsers import domain as domain_parser
from kbcheck.sources.base import MAX_GUESTS


class LibvirtFacts(object):
    @cached
    def _domains(self):
        """(parsed guests, [(name, origin, reason)] that could not be, how many more the source
        left unread past its cap, sources.base.MAX_GUESTS)."""
        listing = self.source.domains()
        good, bad = [], []
        for name, text, state, origin in listing:
            if text is None:
                bad.append((name, origin, "unreadable"))
                continue
            if isinstance(text, Evidence):   # e.g. NeedsRoot: reported for this guest alone
                bad.append((name, origin, text))
                continue
            try:
                good.append(domain_parser.parse(text, origin=origin, state=state))
            except ParseError as e:
                bad.append((name, origin, str(e)))
            except Exception as e:  # one bad guest is that guest's one error, never the run's
                bad.append((name, origin, "cannot parse it: %s: %s" % (type(e).__name__, e)))
        good.sort(key=lambda d: d.name)
        beyond = getattr(listing, "beyond", 0)
        if beyond:
            self.source.notices.append(
                "%d guests defined: kbcheck reads the first %d by name (its cap per run); the other %d are "
                "not judged, and checks over all guests are errors" % (len(good) + len(bad) + beyond, MAX_GUESTS, beyond))
        return good, bad, beyond

    @property
    def domains(self):
        """The libvirt guests (parsed Domain objects), sorted by name. Unreadable when the host
        defines more than kbcheck reads (MAX_GUESTS): a check over every guest would judge a part."""
        good, bad, beyond = self._domains
        if beyond:
            raise Unreadable("libvirt guests", "%d guests defined, more than the %d kbcheck reads in a run: "
                             "a check over all of them cannot be made" % (len(good) + len(bad) + beyond, MAX_GUESTS))
        return good

    @property
    def domain_errors(self):
        """[(name, origin, reason)] for guest definitions that could not be read or parsed; reason
        is text, or the errors.Evidence (NeedsRoot) that kept this guest's definition from us."""
        return self._domains[1]

    @property
    def guests(self):
        """(guests to judge one by one, their definitions that could not be read, how many more
        are defined past the cap): what the runner judges per guest."""
        return self._domains

    @property
    def guest_count(self):
        """Every guest the host defines, judged or not."""
        good, bad, beyond = self._domains
        return len(good) + len(bad) + beyond

    @cached
    def capabilities(self):
        t = self.source.capabilities()
        if t is None:
            return None
        try:
            caps = caps_parser.parse(t)
        except ParseError as e:
            raise Unreadable("capabilities", str(e))
        _remember_machines(caps)
        return caps




def _remember_machines(caps):
    """caps.machines(arch, os_type) answers from memory after the first call (a guest-scope probe
    asks it once per guest); each caller still gets a list of its own."""
    compute = caps.machines
    seen = {}

    def machines(arch, os_type="hvm"):
        try:
            got = seen.get((arch, os_type))
        except TypeError:  # unhashable arguments: ask the parser itself
            return compute(arch, os_type)
        if got is None:
            got = seen[(arch, os_type)] = compute(arch, os_type)
        return list(got)
    machines.__doc__ = compute.__doc__
    caps.machines = machines
