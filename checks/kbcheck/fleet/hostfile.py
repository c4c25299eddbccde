"""One host's file of a fleet folder, read and checked: nothing in it is trusted.

A host file is a kbcheck JSON report (README, "JSON output") or a marker the playbook wrote for
a host it could not judge ({"schema": 1, "fleet_status": ..., "message": ...}). Any other file,
and any file that breaks one of these rules, is left out of the merge with one line saying why:

  * at most MAX_FILE bytes (a larger file is refused unread) and MAX_VALUES JSON values (so a
    file of a million tiny lists cannot cost gigabytes); UTF-8; JSON nested at most as deep as
    Python can read (deeper is refused, not a crash); no NaN, no Infinity, no number of more
    than 40 digits;
  * every field the merge shows has its type and a bounded length (ids, statuses, names,
    messages, lists of tags); fields it does not know are ignored;
  * the summary is never believed: the counts are made from the results themselves.
"""
import json
import math
import os
import re

from kbcheck.textsafe import clean

STATUSES = ("fail", "error", "warn", "info", "pass", "skip")
# worst first; "waived" is an entry whose every result on that host was waived
ORDER = STATUSES + ("waived",)
RANK = dict((s, i) for i, s in enumerate(ORDER))
MARKERS = {
    "unreachable": "unreachable",
    "no-python": "without Python 3.6+",
    "failed": "kbcheck failed",
}
KIND = "kbcheck-fleet-report"

MAX_FILE = 64 * 1024 * 1024    # bytes of one host file
MAX_VALUES = 2000000           # JSON values of one host file (counted by its separators; a
                               # report of 2000 guests, kbcheck's cap, has some 1.5 million)
MAX_RESULTS = 200000           # results of one host
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# field -> (types, longest), for a result; strings are also cut to what kbcheck itself keeps
_RESULT = {"title": 1024, "section": 64, "severity": 32, "subject": 4096, "message": 65536}
_LISTS = {"covers": (64, 64), "tags": (64, 64)}   # field -> (items at most, characters an item)
_EVIDENCE = (64, {"input": 128, "from": 4096, "value": 4096})  # items at most; an item's fields, longest
_HOST = {"hostname": 4096, "product": 64, "product_name": 1024, "version": 255}


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
        d = {"name": self.name, "file": clean(os.path.basename(self.path), 4096), "state": self.state}
        if self.message:
            d["message"] = self.message
        if self.judged:
            d.update({"hostname": self.info.get("hostname"), "product": self.info.get("product_name") or
                      self.info.get("product"), "roles": self.info.get("roles", []),
                      "kbcheck": self.kbcheck, "kb_version": self.kb_version,
                      "other_kb_version": self.other_kb, "summary": self.summary,
                      "problems": [dict(r, status=s) for s, r in self.problems]})
        return d


class Bad(Exception):
    """What is wrong with a host file: one line."""


def _problem(path, text):
    return "%s: %s" % (clean(path, 4096), text)


def _number(text):
    if len(text) > 40:
        raise ValueError("a number of %d digits" % len(text))
    return text


def _float(text):
    v = float(_number(text))
    if math.isinf(v) or math.isnan(v):
        raise ValueError("%s is not a finite number" % text[:40])
    return v


def _constant(name):
    raise ValueError("%s is not JSON (NaN and Infinity are refused)" % name)


def decode(raw):
    """The text of a host file's bytes; Bad (one line) when it holds too many values or is not UTF-8."""
    if raw.count(b",") + raw.count(b":") > MAX_VALUES:
        raise Bad("more than %d JSON values: not a kbcheck report" % MAX_VALUES)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Bad("not UTF-8 text (byte %d)" % e.start)


def load(text):
    """The JSON document of a host file's text; Bad (one line) on any problem."""
    if not text.strip():
        raise Bad("empty file (did the run on this host stop early?)")
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float,
                          parse_int=lambda t: int(_number(t)))
    except RecursionError:
        raise Bad("nested too deeply: not a kbcheck report")
    except ValueError as e:
        if hasattr(e, "lineno"):
            raise Bad("not valid JSON at line %d, column %d (%s)" % (e.lineno, e.colno, e.msg))
        raise Bad("not valid JSON (%s)" % clean(str(e), 200))


def _text(value, limit, what):
    if not isinstance(value, str):
        raise Bad("%s is a %s, not a text" % (what, type(value).__name__))
    if len(value) > limit:
        raise Bad("%s is longer than %d characters" % (what, limit))
    return clean(value, limit)


def result(i, r):
    """Result i (1-based) of a report, checked -> a dict of exactly what the merge shows."""
    if not isinstance(r, dict) or not isinstance(r.get("id"), str) or not r.get("id"):
        raise Bad("result %d has no entry id" % i)
    if not _ID.match(r["id"]):
        raise Bad("result %d: %r is not an entry id" % (i, clean(r["id"], 80)))
    if r.get("status") not in STATUSES:
        raise Bad("result %d (%s) has an unknown status %r" % (
            i, r["id"], clean(r["status"], 80) if isinstance(r.get("status"), str) else r.get("status")))
    out = {"id": r["id"], "status": r["status"], "waived": r.get("waived") is True}
    if not isinstance(r.get("waived", False), bool):
        raise Bad("result %d (%s): waived is not true or false" % (i, r["id"]))
    for k, limit in _RESULT.items():
        v = r.get(k)
        out[k] = _text(v, limit, "result %d (%s): %s" % (i, r["id"], k)) if v is not None else None
    for k, (items, limit) in _LISTS.items():
        v = r.get(k) or []
        if not isinstance(v, list) or len(v) > items:
            raise Bad("result %d (%s): %s is not a list of at most %d texts" % (i, r["id"], k, items))
        out[k] = [_text(x, limit, "result %d (%s): an item of %s" % (i, r["id"], k)) for x in v]
    ev = r.get("evidence") or []   # (reports before the evidence have none)
    if not isinstance(ev, list) or len(ev) > _EVIDENCE[0] or not all(isinstance(d, dict) for d in ev):
        raise Bad("result %d (%s): evidence is not a list of at most %d inputs" % (i, r["id"], _EVIDENCE[0]))
    checked = [dict((k, _text(d.get(k), limit, "result %d (%s): evidence %s" % (i, r["id"], k)))
                    for k, limit in _EVIDENCE[1].items()) for d in ev]
    if r["status"] in ("fail", "error", "warn"):  # what the fleet report shows per host
        out["evidence"] = checked
    return out


def report(doc, h):
    """Check a kbcheck report `doc` into HostReport h (state "ok"); Bad when it breaks a rule."""
    results, summary = doc.get("results"), doc.get("summary")
    if not isinstance(results, list):
        raise Bad("no \"results\" list: not a kbcheck --format json report")
    if not isinstance(summary, dict):
        raise Bad("no \"summary\" object: not a kbcheck --format json report")
    if len(results) > MAX_RESULTS:
        raise Bad("more than %d results" % MAX_RESULTS)
    checked = [result(i + 1, r) for i, r in enumerate(results)]
    info = doc.get("host")
    info = info if isinstance(info, dict) else {}
    h.info = {"roles": []}
    for k, limit in _HOST.items():
        v = info.get(k)
        h.info[k] = _text(v, limit, "host.%s" % k) if v is not None else None
    roles = info.get("roles") or []
    if not isinstance(roles, list) or len(roles) > 16:
        raise Bad("host.roles is not a list of roles")
    h.info["roles"] = [_text(x, 64, "a role in host.roles") for x in roles]
    for k in ("kb_version", "kbcheck"):
        v = doc.get(k)
        setattr(h, k, _text(v, 64, k) if v is not None else None)
    h.kb_version = h.kb_version or "unknown"
    counts = dict((s, 0) for s in ORDER)
    for r in checked:
        counts["waived" if r["waived"] else r["status"]] += 1
    h.summary = counts    # made from the results: what the file's summary says is not believed
    h.state = "ok"
    h.doc = {"results": checked}


def read_host(path, name):
    """Read one host file into a HostReport (state "malformed" with a one-line message on any problem)."""
    h = HostReport(name, path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_FILE:
                raise Bad("larger than %d MiB (%d bytes): refused unread" % (MAX_FILE >> 20, size))
            raw = f.read(MAX_FILE + 1)
        if len(raw) > MAX_FILE:
            raise Bad("larger than %d MiB: refused" % (MAX_FILE >> 20))
        text = decode(raw)
        raw = None   # (a file near the cap is held once at a time: bytes, text, then the document)
        doc = load(text)
        text = None
        if not isinstance(doc, dict):
            raise Bad("expected a JSON object (a kbcheck --format json report), found a %s" % type(doc).__name__)
        if doc.get("kind") == KIND:
            h.state = "merged"
            return h
        schema = doc.get("schema")
        if schema != 1:
            raise Bad("schema %s: this kbcheck reads schema 1 (`kbcheck --format json`)" % clean(repr(schema), 80))
        marker = doc.get("fleet_status")
        if marker is not None:
            if marker not in MARKERS:
                raise Bad("unknown fleet_status %s (expected one of %s)" % (
                    clean(repr(marker), 80), ", ".join(sorted(MARKERS))))
            msg = doc.get("message")
            msg = msg.strip() if isinstance(msg, str) else ""
            h.state = marker
            h.message = clean(msg.splitlines()[0], 1024) if msg else ""
            return h
        report(doc, h)
    except (IOError, OSError) as e:
        h.message = _problem(path, "cannot read it: %s" % (e.strerror or e))
    except Bad as e:
        h.state = "malformed"
        h.message = _problem(path, str(e))
    return h
