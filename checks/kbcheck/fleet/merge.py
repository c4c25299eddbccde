"""Read a folder of per-host kbcheck JSON reports and merge them into one fleet view.

Every `*.json` file in the folder is one host, named after the file (the Ansible playbook in
fleet/ writes `<inventory_hostname>.json`). A file is one of:

  * a kbcheck report (README, "JSON output": schema 1, results, summary);
  * a marker written by the playbook for a host it could not judge:
    {"schema": 1, "fleet_status": "unreachable" | "no-python" | "failed", "message": "..."};
  * anything else: left out, with one line saying why (the rest is still merged).

Standard library only, Python 3.6+.
"""
import json
import os

STATUSES = ("fail", "error", "warn", "info", "pass", "skip")
# worst first; "waived" is an entry whose every result on that host was waived
ORDER = STATUSES + ("waived",)
RANK = dict((s, i) for i, s in enumerate(ORDER))
MARKERS = {
    "unreachable": "unreachable",
    "no-python": "without Python 3.6+",
    "failed": "kbcheck failed",
}
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
KIND = "kbcheck-fleet-report"


class HostReport(object):
    """One host file: its state ("ok", one of MARKERS, or "malformed") and, when ok, its report."""

    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.state = "malformed"
        self.message = ""
        self.doc = None
        self.info = {}
        self.kb_version = None
        self.kbcheck = None
        self.summary = {}
        self.worst = {}       # (entry id, covers) -> worst status on this host
        self.problems = []    # (status, result dict) for fail / error / warn, worst first
        self.other_kb = False

    @property
    def judged(self):
        return self.state == "ok"

    @property
    def failing(self):
        return self.judged and bool(self.summary.get("fail"))

    def as_dict(self):
        d = {"name": self.name, "file": os.path.basename(self.path), "state": self.state}
        if self.message:
            d["message"] = self.message
        if self.judged:
            d.update({"hostname": self.info.get("hostname"), "product": self.info.get("product_name") or
                      self.info.get("product"), "roles": self.info.get("roles", []),
                      "kbcheck": self.kbcheck, "kb_version": self.kb_version,
                      "other_kb_version": self.other_kb, "summary": self.summary,
                      "problems": [dict(r, status=s) for s, r in self.problems]})
        return d


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


def _problem(path, text):
    return "%s: %s" % (path, text)


def _json_error(path, e):
    return _problem(path, "not valid JSON at line %d, column %d (%s)" % (e.lineno, e.colno, e.msg))


def read_host(path, name):
    """Read one host file into a HostReport (state "malformed" with a one-line message on any problem)."""
    h = HostReport(name, path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except (IOError, OSError) as e:
        h.message = _problem(path, "cannot read it: %s" % (e.strerror or e))
        return h
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        h.message = _problem(path, "not UTF-8 text (byte %d)" % e.start)
        return h
    if not text.strip():
        h.message = _problem(path, "empty file (did the run on this host stop early?)")
        return h
    try:
        doc = json.loads(text)
    except ValueError as e:
        h.message = _json_error(path, e) if hasattr(e, "lineno") else _problem(path, "not valid JSON (%s)" % e)
        return h
    if not isinstance(doc, dict):
        h.message = _problem(path, "expected a JSON object (a kbcheck --format json report), found a %s"
                             % type(doc).__name__)
        return h
    if doc.get("kind") == KIND:
        h.state = "merged"
        return h
    schema = doc.get("schema")
    if schema != 1:
        h.message = _problem(path, "schema %r: this kbcheck reads schema 1 (`kbcheck --format json`)" % (schema,))
        return h
    marker = doc.get("fleet_status")
    if marker is not None:
        if marker not in MARKERS:
            h.message = _problem(path, "unknown fleet_status %r (expected one of %s)"
                                 % (marker, ", ".join(sorted(MARKERS))))
            return h
        h.state = marker
        msg = str(doc.get("message") or "").strip()
        h.message = msg.splitlines()[0] if msg else ""
        return h
    results, summary = doc.get("results"), doc.get("summary")
    if not isinstance(results, list):
        h.message = _problem(path, "no \"results\" list: not a kbcheck --format json report")
        return h
    if not isinstance(summary, dict):
        h.message = _problem(path, "no \"summary\" object: not a kbcheck --format json report")
        return h
    for i, r in enumerate(results):
        if not isinstance(r, dict) or not isinstance(r.get("id"), str) or not r.get("id"):
            h.message = _problem(path, "result %d has no entry id" % (i + 1))
            return h
        if r.get("status") not in STATUSES:
            h.message = _problem(path, "result %d (%s) has an unknown status %r" % (i + 1, r["id"], r.get("status")))
            return h
    h.state = "ok"
    h.doc = doc
    info = doc.get("host")
    h.info = info if isinstance(info, dict) else {}
    h.kb_version = str(doc.get("kb_version") or "unknown")
    h.kbcheck = doc.get("kbcheck")
    h.summary = dict((k, v) for k, v in summary.items() if isinstance(v, int))
    return h


def host_files(directory, exclude=()):
    """The *.json files of directory, sorted; exclude: paths (the report's own outputs)."""
    skip = set(os.path.abspath(p) for p in exclude if p)
    names = []
    for n in sorted(os.listdir(directory)):
        full = os.path.join(directory, n)
        if n.startswith(".") or not n.endswith(".json") or os.path.abspath(full) in skip:
            continue
        if os.path.isfile(full):
            names.append((n[:-len(".json")], full))
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
