"""Read a folder of per-host kbcheck JSON reports and merge them into one fleet view.

Every `*.json` file in the folder is one host, named after the file (the Ansible playbook in
fleet/ writes `<inventory_hostname>.json`). A file is one of:

  * a kbcheck report (README, "JSON output": schema 1, results, summary);
  * a marker written by the playbook for a host it could not judge:
    {"schema": 1, "fleet_status": "unreachable" | "no-python" | "failed", "message": "..."};
  * anything else: left out, with one line saying why (the rest is still merged).

Nothing in a host file is trusted: kbcheck.fleet.hostfile reads and checks each one (size,
types, lengths, depth; NaN and Infinity refused) and counts its results itself.

Standard library only, Python 3.6+.
"""
import os

from kbcheck.fleet.hostfile import KIND, MARKERS, ORDER, RANK, STATUSES, HostReport, read_host  # noqa: F401
from kbcheck.textsafe import clean

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


class Fleet(object):
    def __init__(self, directory):
        self.directory = directory
        self.hosts = []        # every host file, sorted by name
        self.entries = []      # merged entries, worst first
        self.kb_versions = {}  # version -> [host names]
        self.kb_version = None  # the version most hosts ran
        self.skipped = []      # file names that are merged reports, not hosts
        self.anchors = {}      # (entry id, covers) -> the merged entry's anchor (html)

    def by_state(self, state):
        return [h for h in self.hosts if h.state == state]

    @property
    def judged(self):
        return [h for h in self.hosts if h.judged]

    @property
    def other_kb(self):
        return [h for h in self.hosts if h.other_kb]

    def exit_code(self):
        """1: a judged host has a failure; 3: no failure, but an error or a host not judged;
        0: otherwise."""
        if any(h.failing for h in self.hosts):
            return 1
        if any((not h.judged) or h.summary.get("error") for h in self.hosts):
            return 3
        return 0

    def counts(self):
        judged = self.judged
        c = {"hosts": len(self.hosts), "judged": len(judged),
             "failing": sum(1 for h in judged if h.failing),
             "with_errors": sum(1 for h in judged if h.summary.get("error")),
             "other_kb_version": len(self.other_kb)}
        for state in tuple(MARKERS) + ("malformed",):
            c[state] = len(self.by_state(state))
        return c


def entry_key(r):
    """Results merge per entry and per the recommendation IDs they judge: an entry that reports
    one result per ID (cpu-overcommit: R4.5.1a, R4.5.1b) is merged once per ID."""
    covers = r.get("covers")
    return (r["id"], tuple(c for c in covers if isinstance(c, str)) if isinstance(covers, list) else ())


class FleetEntry(object):
    """One entry across the fleet: the hosts by the entry's worst status on each (made from the
    hosts' result dicts; not a kbcheck.catalog.Entry)."""

    def __init__(self, r):
        self.id = r["id"]
        self.key = entry_key(r)
        self.anchor = self.id
        self.title = r.get("title") or self.id
        self.covers = list(r.get("covers") or [])
        self.section = r.get("section") or ""
        self.severity = r.get("severity") or "medium"
        self.tags = list(r.get("tags") or [])
        self.area = None
        self.hosts = dict((s, []) for s in ORDER)  # status -> [host names]

    @property
    def reported(self):
        return sum(len(v) for v in self.hosts.values())

    def count(self, status):
        return len(self.hosts[status])

    def sort_key(self):
        return (-self.count("fail"), -self.count("error"), -self.count("warn"),
                SEVERITY_RANK.get(self.severity, 9), self.id, self.covers)

    def label(self):
        return ("%s %s" % (",".join(self.covers), self.id)) if self.covers else self.id

    def as_dict(self, url=None):
        d = {"id": self.id, "title": self.title, "covers": self.covers, "section": self.section,
             "severity": self.severity, "tags": self.tags, "area": self.area, "hosts_reporting": self.reported,
             "counts": dict((s, self.count(s)) for s in ORDER),
             "hosts": dict((s, list(self.hosts[s])) for s in ORDER if self.hosts[s])}
        if url:
            d["url"] = url
        return d


def host_files(directory, exclude=()):
    """The *.json files of directory, sorted; exclude: paths (the report's own outputs)."""
    skip = set(os.path.abspath(p) for p in exclude if p)
    names = []
    for n in sorted(os.listdir(directory)):
        full = os.path.join(directory, n)
        if n.startswith(".") or not n.endswith(".json") or os.path.abspath(full) in skip:
            continue
        if os.path.isfile(full):
            names.append((clean(n[:-len(".json")], 255), full))
    return names


def merge(directory, exclude=(), areas=None):
    """Read every host file of directory and merge them. areas: entry id -> area (for site links)."""
    fleet = Fleet(directory)
    entries = {}
    for name, path in host_files(directory, exclude):
        h = read_host(path, name)
        if h.state == "merged":
            fleet.skipped.append(os.path.basename(path))
            continue
        fleet.hosts.append(h)
        if not h.judged:
            continue
        fleet.kb_versions.setdefault(h.kb_version, []).append(h.name)
        worst = h.worst
        results = h.doc["results"]
        for r in results:
            eid = entry_key(r)
            if eid not in entries:
                entries[eid] = FleetEntry(r)
            st = "waived" if r.get("waived") else r["status"]
            old = worst.get(eid)
            if old is None or RANK[st] < RANK[old]:
                worst[eid] = st
            if st in ("fail", "error", "warn"):
                h.problems.append((st, r))
        h.problems.sort(key=lambda p: RANK[p[0]])
        for eid, st in worst.items():
            entries[eid].hosts[st].append(h.name)
        h.doc = None  # the merged view keeps only what it shows
    if areas:
        for e in entries.values():
            e.area = areas.get(e.id)
    fleet.entries = sorted(entries.values(), key=lambda e: e.sort_key())
    taken = set()
    for e in fleet.entries:
        if e.id in taken:  # the same entry again, for other IDs: an anchor of its own
            e.anchor = "%s-%s" % (e.id, "-".join(e.covers).replace(".", "_"))
        taken.add(e.id)
        fleet.anchors[e.key] = e.anchor
    if fleet.kb_versions:
        ranked = sorted(fleet.kb_versions.items(), key=lambda kv: (-len(kv[1]), kv[0] == "unknown", kv[0]))
        fleet.kb_version = ranked[0][0]
        for h in fleet.judged:
            h.other_kb = h.kb_version != fleet.kb_version
    return fleet


def entry_url(entry, base):
    """The entry's page on the site: <base>entries/<area>/<id>.html, or a site search for its id when
    the area is not known (no catalog at hand)."""
    base = base or ""
    if base and not base.endswith("/"):
        base += "/"
    if entry.area:
        return "%sentries/%s/%s.html" % (base, entry.area, entry.id)
    return "%sindex.html?q=%s" % (base, entry.id)


def document(fleet, site_url=None, generated=None):
    """The merged JSON document (see site/fleet.md)."""
    from kbcheck import __version__
    return {
        "schema": 1, "kind": KIND, "kbcheck": __version__, "generated": generated,
        "directory": fleet.directory, "kb_version": fleet.kb_version,
        "kb_versions": dict((v, sorted(hs)) for v, hs in fleet.kb_versions.items()),
        "mixed_kb_versions": len(fleet.kb_versions) > 1,
        "counts": fleet.counts(), "exit_code": fleet.exit_code(),
        "entries": [e.as_dict(entry_url(e, site_url)) for e in fleet.entries],
        "hosts": [h.as_dict() for h in fleet.hosts],
    }
