"""libvirt facts: the guests (parsed domain definitions, and those that could not be read) and
the host's capabilities."""
from kbcheck.errors import Evidence, ParseError, Unreadable
from kbcheck.facts.core import cached
from kbcheck.parsers import capabilities as caps_parser
from kbcheck.parsers import domain as domain_parser


class LibvirtFacts(object):
    @cached
    def _domains(self):
        good, bad = [], []
        for name, text, state, origin in self.source.domains():
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
        good.sort(key=lambda d: d.name)
        return good, bad

    @property
    def domains(self):
        """The libvirt guests (parsed Domain objects), sorted by name."""
        return self._domains[0]

    @property
    def domain_errors(self):
        """[(name, origin, reason)] for guest definitions that could not be read or parsed; reason
        is text, or the errors.Evidence (NeedsRoot) that kept this guest's definition from us."""
        return self._domains[1]

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
