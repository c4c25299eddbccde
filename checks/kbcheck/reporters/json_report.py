"""The JSON contract (schema 1): see README 'JSON output' and kbcheck-output.schema.json beside
this module. It only grows: new fields may appear, existing ones keep their meaning."""
import json
from json.encoder import encode_basestring_ascii

from kbcheck import __version__
from kbcheck.evidence import words_key
from kbcheck.gcpause import without_collector
from kbcheck.results import covers_of

SCHEMA = 1


def result_dict(r):
    """One result (a kbcheck.results.Result of the report) as the document carries it: its covers
    are the IDs it judges (covers_of)."""
    e = r.entry
    d = {"id": e.id, "title": e.title, "covers": covers_of(e, r), "section": e.section,
         "tags": list(e.tags), "severity": e.severity, "status": r.status,
         "subject": r.subject, "message": r.message, "waived": r.waiver is not None, "evidence": r.evidence}
    if r.waiver is not None:
        d["waiver"] = r.waiver.as_dict()
    return d


def document(report, results=None):
    """The report as a dict (results: the result dicts, default every result of the report)."""
    doc = {"schema": SCHEMA, "kbcheck": __version__, "host": report.host,
           "results": [result_dict(r) for r in report.results] if results is None else results,
           "summary": report.summary}
    if report.kb_version:
        doc["kb_version"] = report.kb_version
    if report.notices:
        doc["notices"] = list(report.notices)
    return doc


def render(report, options=None):
    """The document with two-space indentation, each result on a line of its own. (json.dumps
    with indent= falls back to the pure-Python encoder, ten times slower on a host with a thousand
    guests; one compact line per result keeps the C encoder, encodes each entry's own fields once,
    and stays easy to grep.) Same content as document()."""
    return without_collector(_render, report)  # tens of thousands of small strings, no cycles


def _render(report):
    doc = document(report, [])
    heads = {}
    rows = []
    dumps = json.dumps
    enc = encode_basestring_ascii  # what json.dumps uses for a str (ensure_ascii)
    subjects = {None: "null"}  # a guest's name comes back once per guest-scope entry
    messages = {}  # a message comes back for many guests: encoded once
    words = {}  # id(evidence item) -> (item, its JSON): an input shared by many results is encoded once
    shared = {}  # evidence.words_key -> the JSON of that evidence (most guests' results share theirs)

    def encoded(items):
        if not items:
            return "[]"
        parts = []
        for d in items:
            got = words.get(id(d))
            if got is None:
                got = words[id(d)] = (d, dumps(d))  # (the item is kept: its id is not reused meanwhile)
            parts.append(got[1])
        return "[" + ", ".join(parts) + "]"
    for r in report.results:
        e = r.entry
        status, subject, message, w = r.status, r.subject, r.message, r.waiver
        if r.covers:  # a result for some of the entry's IDs only: its own head
            head = "    " + dumps({"id": e.id, "title": e.title, "covers": list(r.covers), "section": e.section,
                                   "tags": list(e.tags), "severity": e.severity})[:-1] + ", "
        else:
            head = heads.get(e.id)
            if head is None:
                head = heads[e.id] = "    " + dumps({"id": e.id, "title": e.title, "covers": list(e.covers),
                                                     "section": e.section, "tags": list(e.tags),
                                                     "severity": e.severity})[:-1] + ", "
        if w is None and type(status) is str and type(message) is str and (subject is None or type(subject) is str):
            # the same text as dumps() of the dict below, without its per-call set-up
            subj = subjects.get(subject)
            if subj is None:
                subj = subjects[subject] = enc(subject)
            msg = messages.get(message)
            if msg is None:
                msg = messages[message] = enc(message)
            ev = None
            if r._evidence is None:   # (formatted already, or now: Result.evidence)
                key = words_key(r)
                if key is not None:
                    ev = shared.get(key)
                    if ev is None:
                        ev = shared[key] = encoded(r.evidence)
            if ev is None:
                ev = encoded(r.evidence)
            rows.append('%s"status": %s, "subject": %s, "message": %s, "waived": false, "evidence": %s}' % (
                head, enc(status), subj, msg, ev))
            continue
        tail = {"status": status, "subject": subject, "message": message, "waived": w is not None,
                "evidence": r.evidence}
        if w is not None:
            tail["waiver"] = w.as_dict()
        rows.append(head + dumps(tail)[1:])
    out = []  # one join at the end: the document runs to megabytes on a host with many guests
    for key, value in doc.items():
        out.append(",\n  " if out else "{\n  ")
        out.append(dumps(key) + ": ")
        if key != "results":
            out.append(dumps(value, indent=2).replace("\n", "\n  "))
        elif rows:
            out.append("[\n")
            out.append(",\n".join(rows))
            out.append("\n  ]")
        else:
            out.append("[]")
    out.append("\n}\n")
    return "".join(out)
