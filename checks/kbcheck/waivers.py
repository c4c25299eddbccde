"""Waivers: accepted deviations, each with a reason and an expiry date (`kbcheck --waivers FILE`).

A waiver names an entry (`id`, a glob such as ``ksm-*`` is allowed), optionally a subject (a
guest, a disk, a mount point; a glob too; left out = every subject including host-wide results),
the reason the deviation is accepted, and the last day it holds (``expires``, YYYY-MM-DD, inclusive).

The file is either plain text in an INI-like form (every value on one line; `#` or `;` starts a
comment line; values may be written in double quotes, TOML style)::

    # kbcheck waivers
    [legacy-ide]
    id = virtio-disk-bus
    subject = legacy-sles11
    reason = the SLE 11 image has no virtio drivers in its initrd; migrating in Q3
    expires = 2025-09-30

    [ksm-tuning]
    id = "ksm-*"
    reason = "ksmtuned manages KSM on this host"
    expires = "2026-01-31"

where the section name is the waiver's name, or JSON: a list of objects, or an object with a
"waivers" list, each object with the keys id, subject (optional), reason, expires and name
(optional)::

    {"waivers": [{"name": "legacy-ide", "id": "virtio-disk-bus", "subject": "legacy-sles11",
                  "reason": "...", "expires": "2025-09-30"}]}

A waiver applies to results whose status is fail, warn or error. A waived result keeps its real
status; it is reported as waived, counted under "waived" in the summary and left out of the exit
code. A waiver past its expiry date no longer applies, and the run says so. A waiver that matches
no fail/warn/error result of the entries that ran is reported too (it can probably go). A
malformed file stops the run with exit code 2 and the file:line of the problem.
"""
import datetime
import fnmatch
import json
import re

from kbcheck.errors import UsageError

WAIVABLE = ("fail", "warn", "error")
KEYS = ("id", "subject", "reason", "expires", "name")
_REQUIRED = ("id", "reason", "expires")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Waiver(object):
    __slots__ = ("name", "id", "subject", "reason", "expires", "where", "used")

    def __init__(self, name, id, subject, reason, expires, where):
        self.name = name
        self.id = id
        self.subject = subject
        self.reason = reason
        self.expires = expires  # datetime.date
        self.where = where      # "file:line"
        self.used = 0

    def matches(self, entry_id, subject):
        if not fnmatch.fnmatchcase(entry_id, self.id):
            return False
        if self.subject is None:
            return True
        return subject is not None and fnmatch.fnmatchcase(subject, self.subject)

    def as_dict(self):
        return {"reason": self.reason, "expires": self.expires.isoformat(), "name": self.name}

    def label(self):
        what = self.id + (" [%s]" % self.subject if self.subject is not None else "")
        return "waiver %r (%s, %s)" % (self.name, what, self.where)


def _bad(where, what):
    from kbcheck.textsafe import clip
    return UsageError("%s: %s (see the Waivers section of the README)" % (where, clip(what, 300)))


def _make(fields, lines, path, default_name, start_line):
    where = "%s:%d" % (path, start_line)
    for k in fields:
        if k not in KEYS:
            return _bad("%s:%d" % (path, lines.get(k, start_line)),
                        "unknown key %r in a waiver: use %s" % (k, ", ".join(KEYS)))
    for k in _REQUIRED:
        v = fields.get(k)
        if not isinstance(v, str) or not v.strip():
            return _bad(where, "waiver %r needs a non-empty %r" % (default_name, k))
    subject = fields.get("subject")
    if subject is not None and (not isinstance(subject, str) or not subject.strip()):
        return _bad("%s:%d" % (path, lines.get("subject", start_line)), "subject must be a non-empty text")
    exp = fields["expires"].strip()
    eline = "%s:%d" % (path, lines.get("expires", start_line))
    if not _DATE.match(exp):
        return _bad(eline, "expires %r is not a date: write YYYY-MM-DD" % exp)
    try:
        date = datetime.date(int(exp[:4]), int(exp[5:7]), int(exp[8:10]))
    except ValueError:
        return _bad(eline, "expires %r is not a real date" % exp)
    name = fields.get("name") or default_name
    if not isinstance(name, str):
        return _bad(where, "name must be a text")
    return Waiver(name, fields["id"].strip(), subject.strip() if subject else None,
                  fields["reason"].strip(), date, where)


def _unquote(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def parse_ini(text, path):
    out = []
    cur = None  # [name, fields, lines, start]

    def close():
        if cur is not None:
            w = _make(cur[1], cur[2], path, cur[0], cur[3])
            if isinstance(w, UsageError):
                raise w
            out.append(w)

    names = set()
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            if not line.endswith("]") or len(line) < 3:
                raise _bad("%s:%d" % (path, no), "a section header is [name]; got %r" % line)
            close()
            name = _unquote(line[1:-1].strip())
            if name in names:
                raise _bad("%s:%d" % (path, no), "a second waiver named %r" % name)
            names.add(name)
            cur = [name, {}, {}, no]
            continue
        if "=" not in line:
            raise _bad("%s:%d" % (path, no), "expected `key = value`, got %r" % line)
        if cur is None:
            raise _bad("%s:%d" % (path, no), "`%s` comes before any [waiver] header" % line)
        k, _, v = line.partition("=")
        k = k.strip()
        if k in cur[1]:
            raise _bad("%s:%d" % (path, no), "%r given twice in waiver %r" % (k, cur[0]))
        cur[1][k] = _unquote(v)
        cur[2][k] = no
    close()
    return out


def _json_line(text, index, key="id"):
    """Line of the index-th `"id":` in text (1 when not found): for errors that JSON gives no line for."""
    found = [m.start() for m in re.finditer(r'"%s"\s*:' % key, text)]
    if index < len(found):
        return text.count("\n", 0, found[index]) + 1
    return 1


def parse_json(text, path):
    try:
        data = json.loads(text)
    except RecursionError:
        raise _bad("%s:1" % path, "not valid JSON: nested too deeply")
    except ValueError as e:
        line = getattr(e, "lineno", 1)
        msg = getattr(e, "msg", str(e))
        raise _bad("%s:%d" % (path, line), "not valid JSON: %s" % msg)
    if isinstance(data, dict):
        if set(data) - {"waivers"} or not isinstance(data.get("waivers"), list):
            raise _bad("%s:1" % path, "a JSON waivers file is a list, or an object with one key \"waivers\" holding a list")
        data = data["waivers"]
    if not isinstance(data, list):
        raise _bad("%s:1" % path, "a JSON waivers file is a list of waiver objects")
    out = []
    names = set()
    for i, item in enumerate(data):
        line = _json_line(text, i)
        if not isinstance(item, dict):
            raise _bad("%s:%d" % (path, line), "waiver #%d is not an object" % (i + 1))
        w = _make(item, {}, path, "#%d" % (i + 1), line)
        if isinstance(w, UsageError):
            raise w
        if w.name in names:
            raise _bad("%s:%d" % (path, line), "a second waiver named %r" % w.name)
        names.add(w.name)
        out.append(w)
    return out


def load(path):
    """Read a waivers file -> [Waiver]. Raises UsageError (exit 2) with file:line when malformed."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except (OSError, IOError) as e:
        raise UsageError("cannot read waivers file %s: %s" % (path, e.strerror or e))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad("%s:%d" % (path, raw.count(b"\n", 0, e.start) + 1), "not UTF-8 text")
    if _looks_like_json(text):
        return parse_json(text, path)
    return parse_ini(text, path)


def _looks_like_json(text):
    """The format, from the first non-blank character: `{` is JSON; `[` is JSON when what follows
    is a JSON list (`[]`, `[{`, `[` then an object on a later line, or any text that parses as JSON), else an INI section
    header, broken or not (`[waiver`, `[name]`), which parse_ini then reports with its line."""
    body = text.lstrip()
    if body[:1] == "{":
        return True
    if body[:1] != "[":
        return False
    after = body[1:].lstrip()
    if after[:1] in ("{", "]", ""):
        return True
    try:
        json.loads(text)
        return True
    except (ValueError, RecursionError):
        return False


def apply(waivers, results, ran_ids, known_ids, today=None):
    """Mark waived results: each fail/warn/error result (kbcheck.results.Result) a waiver in force
    matches gets it as its `waiver`. -> [notice]. ran_ids: ids of the entries that ran (selected);
    known_ids: every id of the catalog."""
    today = today or datetime.date.today()
    active = []
    notices = []
    for w in waivers:
        if w.expires < today:
            hits = [r.entry.id for r in results if r.status in WAIVABLE and w.matches(r.entry.id, r.subject)]
            notices.append("%s expired on %s and no longer applies%s" % (
                w.label(), w.expires.isoformat(),
                ": %d result(s) count again" % len(hits) if hits else ""))
        else:
            active.append(w)
    for r in results:
        if r.status not in WAIVABLE:
            continue
        for w in active:
            if w.matches(r.entry.id, r.subject):
                r.waiver = w
                w.used += 1
                break
    for w in active:
        if w.used:
            continue
        if not any(fnmatch.fnmatchcase(i, w.id) for i in known_ids):
            notices.append("%s matches no entry of the knowledge base" % w.label())
        elif any(fnmatch.fnmatchcase(i, w.id) for i in ran_ids):
            notices.append("%s matched no fail, warn or error result: is it still needed?" % w.label())
    return notices
