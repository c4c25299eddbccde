"""libvirt facts: the guests (parsed domain definitions, and those that could not be read) and
the host's capabilities."""
from kbcheck.errors import Evidence, NotCollected, ParseError, Unreadable
from kbcheck.facts.core import fact
from kbcheck.parsers import capabilities as caps_parser
from kbcheck.parsers import domain as domain_parser
from kbcheck.parsers import pool as pool_parser
from kbcheck.sources.base import MAX_GUESTS

RUN_DIRS = ("/run/libvirt/qemu", "/var/run/libvirt/qemu", "/run/libvirt/libxl", "/var/run/libvirt/libxl")


def _show_domains(got):
    good, bad, beyond = got
    names = [d.name for d in good]
    text = "%d guest%s%s" % (len(names), "" if len(names) == 1 else "s",
                             (": " + ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")) if names else "")
    return text + ("; %d unreadable" % len(bad) if bad else "") + ("; %d more not read" % beyond if beyond else "")


def _domains_where(host, got):
    places = []
    for d in got[0]:
        o = d.origin or "libvirt"
        place = o.rsplit("/", 1)[0] + "/" if o.startswith("/") else o.split(":")[0] if ": " in o else o
        if place not in places:
            places.append(place)
    return "; ".join(places[:4]) + (" and %d more" % (len(places) - 4) if len(places) > 4 else "") if places \
        else "no guest definitions found"


def _show_caps(c):
    if c is None:
        return "none (no `virsh capabilities` in this copy)"
    bits = []
    if c.cpu_model:
        bits.append("CPU %s" % c.cpu_model)
    bits.append("%d NUMA cells" % len(c.numa_cells))
    return ", ".join(bits)


class LibvirtFacts(object):
    @fact("domains", show=_show_domains, where=_domains_where)
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

    @fact("capabilities", show=_show_caps)
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

    @fact("storage_pools", show=lambda ps: ", ".join("%s (%s) %s" % (p["name"], p["type"], p["path"]) for p in ps)
          if ps else ("none defined" if ps is not None else "not in this copy"))
    def storage_pools(self):
        """[{'name', 'type', 'path', 'source_host', 'source_dir'}] of /etc/libvirt/storage/*.xml;
        None where the copy does not hold that folder (an optional input: the guests' own disks
        still count). A garbled definition is an Unreadable."""
        names = self.listing("/etc/libvirt/storage")
        if names is None:
            return None
        out = []
        for n in names:
            if n.endswith(".xml"):
                p = self.parse("/etc/libvirt/storage/" + n, pool_parser.parse)
                if p is not None:
                    out.append(p)
        return out

    @fact("domain_states", show=lambda names: ", ".join(sorted(names)) or "none")
    def running_guests(self):
        """The names of the guests libvirt runs now, by the status files it keeps under /run/libvirt
        (transient guests included); an empty set where the copy holds no /run/libvirt."""
        out = set()
        for d in RUN_DIRS:
            try:
                names = self.listing(d) or []
            except NotCollected:
                names = []
            out.update(n[:-4] for n in names if n.endswith(".xml"))
        return out




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
