"""The evidence of a result: the inputs that decided it, for each the named input (kbcheck.specs),
where it was read (a path, an archive's file and section, a command, a libvirt call) and the value
or the line that mattered.

The facts layer records, while a probe runs, a trail of references (kbcheck.facts.core): raw reads
as (key, value), the facts the probe used, notes a fact made of the line that decided it, the guest
judged, the declarations asked for. Nothing is formatted then: a result keeps its probe call's
Trail, and describe() turns it into words only when a report shows it, once per input and run
(the words of a fact or a guest are shared by every result that used them).
"""
from kbcheck.errors import CommandFailed, NeedsRoot, NotCollected
from kbcheck.facts.core import ASSUME, DOMAIN, FACT, NOTE, _Raise
from kbcheck.textsafe import clean

MAX_ITEMS = 24      # inputs shown per result, at most (then "... and N more")
MAX_VALUE = 240     # characters of a value, at most
MAX_WHERE = 400     # characters of where it was read, at most
MAX_SHOWN = 3       # where a fact read many files: the first few, then how many


class Trail(object):
    """The reads of one probe call, shared by the results it returned. subjects: the subjects of
    those results when they are several (a read that names another one's subject is not this
    one's evidence: sdb's scheduler is no evidence for sda)."""

    __slots__ = ("host", "items", "subjects", "_names")

    def __init__(self, host, items, subjects=None):
        self.host, self.items, self.subjects = host, items, subjects
        self._names = None   # the last path component of each subject, made once for all its results

    def names(self):
        if self._names is None:
            self._names = frozenset(_last(s) for s in self.subjects)
        return self._names


def attach(results, host, items):
    """Give each result of one probe call the trail it rests on."""
    if not items:
        return
    subjects = None
    if len(results) > 1:
        subjects = set(r.subject for r in results if r.subject)
    t = Trail(host, items, subjects if subjects and len(subjects) > 1 else None)
    for r in results:
        r.trail = t


def describe(result):
    """[{"input", "from", "value"}] for a result, in the order the probe read them, each once."""
    t = result.trail
    if t is None:
        return []
    host = t.host
    cache = host.__dict__.setdefault("_evidence_words", {})
    others = ()
    if t.subjects and result.subject:
        others = t.names()   # (a thousand subjects: each result's test stays one set lookup per part)
        mine = _last(result.subject)
    out, seen = [], set()
    for item in t.items:
        kind = item[0]   # (the words of a read, a fact or a guest come from the run's cache: no call)
        got = cache.get(kind if kind.__class__ is str else (FACT, item[1]) if kind == FACT
                        else (DOMAIN, id(item[1])) if kind == DOMAIN else None)
        if got is None:
            got = _expand(host, item, cache, 0)
        for d, key in got:
            said = (d["input"], d["value"])   # (the same item, or another one saying the same)
            if said in seen:
                continue
            if others and key is not None and _names_other(key, mine, others):
                continue
            seen.add(said)
            out.append(d)
    if len(out) > MAX_ITEMS:
        more = len(out) - MAX_ITEMS + 1
        out = out[:MAX_ITEMS - 1] + [{"input": "...", "from": "", "value": "and %d more inputs" % more}]
    return out


def words_key(result):
    """A key that two results share when describe() gives them the same evidence (the same inputs
    read in the same order, and no other subject to tell apart), else None: the JSON report
    encodes the evidence of a thousand guests' results once per distinct key, not once per
    result. Notes and declarations count by their text; one holding anything else has no key."""
    t = result.trail
    if t is None or (t.subjects and result.subject):
        return None
    items = t.items
    if len(items) == 1 and items[0][0] == DOMAIN:   # (the common case: a guest's own definition alone)
        return id(items[0][1])
    key = []
    for item in items:
        kind = item[0]
        if kind.__class__ is str:
            key.append(kind)       # (describe's words of a read depend on its key alone)
        elif kind == FACT:
            key.append(item)
        elif kind == DOMAIN:
            key.append((DOMAIN, id(item[1])))   # (the run's guests live as long as the report)
        else:
            for v in item[1:]:
                if v is not None and v.__class__ is not str:
                    return None
            key.append(item)
    return tuple(key)


def _last(subject):
    return subject.rstrip("/").rsplit("/", 1)[-1]


def _names_other(key, mine, others):
    parts = key.rstrip("/").split("/")
    return mine not in parts and any(p in others for p in parts)


def _expand(host, item, cache, depth):
    """[(dict, key)] for one trail item (key: the path read, for telling subjects apart)."""
    kind = item[0]
    if kind.__class__ is str:
        got = cache.get(kind)
        if got is None:
            got = cache[kind] = [(_read(host, kind, item[1]), kind)]
        return got
    if kind == FACT:
        name = item[1]
        got = cache.get((FACT, name))
        if got is None:
            got = cache[(FACT, name)] = _fact(host, name, cache, depth)
        return got
    if kind == DOMAIN:
        dom = item[1]
        got = cache.get((DOMAIN, id(dom)))
        if got is None:
            bits = [b for b in (dom.type, dom.os_type, dom.arch, dom.state) if b]
            got = cache[(DOMAIN, id(dom))] = [(_d("domains", dom.origin or "libvirt", "%s (%s)" % (
                dom.name, ", ".join(bits)) if bits else dom.name), None)]
        return got
    if kind == NOTE:
        return [(_d(item[1], item[2], item[3]), None)]
    if kind == ASSUME:
        v = item[2]
        return [(_d("declarations", "--assume %s" % item[1], "not declared" if v is None else v), None)]
    return []


def _d(spec, where, value):
    """One input as the reports show it; text of the judged host kept as textsafe.clean makes it."""
    value = value if isinstance(value, str) else _short(value)
    return {"input": spec, "from": clean(str(where), MAX_WHERE), "value": clean(value, MAX_VALUE)}


def _fact(host, name, cache, depth):
    desc, inner = host._facts.get(name, (None, ()))
    if desc is None:
        return []
    if desc.spec is None or depth > 8:
        out = []
        for item in inner:
            out.extend(_expand(host, item, cache, depth + 1))
        return out
    val = host._cache.get(name)
    if isinstance(val, _Raise):
        words = _failed(val.exc)
    else:
        try:
            words = desc.show(val) if desc.show is not None else _short(val)
        except Exception:  # the words of a fact must never cost a report
            words = _short(val)
    where = None
    if desc.where is not None and not isinstance(val, _Raise):
        try:
            where = desc.where(host, val)
        except Exception:
            where = None
    if where is None:
        where = _places(host, inner)
    return [(_d(desc.spec, where, words), None)]


def _places(host, items, seen=None, depth=0):
    """Where the reads of a fact were made (and of the facts it used), in a few words."""
    located = getattr(host.source, "located", {})
    top = seen is None
    seen = [] if top else seen
    for item in items:
        if item[0].__class__ is str:
            w = (located.get(item[0]) or _plain(item[0]), item[1] is not None and not isinstance(item[1], _Raise))
        elif item[0] == NOTE:
            w = (item[2], True)
        elif item[0] == FACT and depth < 8:
            _places(host, host._facts.get(item[1], (None, ()))[1], seen, depth + 1)
            continue
        else:
            continue
        if w not in seen:
            seen.append(w)
    if not top:
        return seen
    had = [w for w, data in seen if data]   # where something was found, else where it was looked for
    seen = had or [w for w, _ in seen]
    if not seen:
        return "(nothing read)"
    if len(seen) <= MAX_SHOWN:
        return "; ".join(seen)
    return "%s and %d more" % ("; ".join(seen[:MAX_SHOWN]), len(seen) - MAX_SHOWN)


def _plain(key):
    if key.startswith("$ "):
        return "command `%s`" % key[2:]
    return key.rstrip("/") or "/"


def _read(host, key, value):
    from kbcheck import specs
    if key.startswith("$ "):
        spec = specs.of_command(key[2:]) or "command"
    else:
        spec = specs.of_path(key.rstrip("/")) or "file"
    where = getattr(host.source, "located", {}).get(key) or _plain(key)
    if isinstance(value, _Raise):
        words = _failed(value.exc)
    elif value is None:
        words = "no such directory" if key.endswith("/") else "absent"
    elif isinstance(value, list):
        words = "%d entr%s%s" % (len(value), "y" if len(value) == 1 else "ies",
                                (": " + ", ".join(value[:8]) + (", ..." if len(value) > 8 else "")) if value else "")
    else:
        words = _text(value)
    return _d(spec, where, words)


def _failed(e):
    if isinstance(e, NotCollected):
        return "not collected: %s" % e.reason
    if isinstance(e, CommandFailed):
        return "the command failed: %s" % e.reason
    if isinstance(e, NeedsRoot):
        return "needs root"
    return "unreadable: %s" % getattr(e, "reason", e)


def _text(text):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "empty"
    if len(lines) == 1:
        return lines[0]
    return "%s ... (%d lines)" % (lines[0][:120], len(lines))


def _short(value):
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        items = ["%s=%s" % (k, _flat(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))[:12]]
        return ", ".join(items) + (", ..." if len(value) > 12 else "") if items else "none"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "%d item%s" % (len(value), "" if len(value) == 1 else "s")
    return _flat(value)


def _flat(v):
    if isinstance(v, (list, tuple, set, frozenset)):
        v = list(v)
        return "[%s]" % ", ".join(str(x) for x in v[:6]) + ("" if len(v) <= 6 else " ...")
    if isinstance(v, dict):
        return "{%d}" % len(v)
    return str(v)
