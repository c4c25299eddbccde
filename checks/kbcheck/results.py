"""What a run finds: the Result a probe returns (and the statuses it may have), and the Report of
a whole run (its results with their entries, times and waivers, the summary, the notices)."""

from kbcheck.textsafe import MAX_MESSAGE, MAX_NOTICE, MAX_SUBJECT, clean

STATUSES = ("pass", "fail", "warn", "info", "skip", "error")
# how bad a status is, for sorting and for the exit code
RANK = {"error": 5, "fail": 4, "warn": 3, "info": 2, "pass": 1, "skip": 0}


class Result(object):
    """One verdict: what a probe returns (status, message, subject: what it judged, facts,
    covers), and, once its run's Report is built (build), the entry it judges, the seconds that
    entry took (shared by the entry's results), the evidence it rests on (the inputs the facts
    layer recorded while its probe ran, kbcheck.evidence) and the waiver that covers it
    (kbcheck.waivers.Waiver, None when none). The message and the subject are kept as
    kbcheck.textsafe.clean makes them: at most MAX_MESSAGE and MAX_SUBJECT characters, with a
    visible ellipsis, and encodable.

    `covers` is None (the result judges every recommendation ID the entry covers) or the tuple of
    IDs this result alone judges, where an entry reports one result per ID because the IDs have
    thresholds of their own (cpu-overcommit: R4.5.1a, R4.5.1b); the runner checks that it is a
    subset of the entry's covers."""

    __slots__ = ("status", "message", "subject", "facts", "covers", "entry", "seconds", "trail", "_evidence",
                 "waiver")

    def __init__(self, status, message, subject=None, facts=None, covers=None):
        if status not in STATUSES:
            raise ValueError("unknown status %r" % (status,))
        self.status = status
        if message.__class__ is not str:
            message = str(message)
        # (the common case, tens of thousands of times on a host with many guests: two C calls)
        self.message = message if len(message) <= MAX_MESSAGE and message.isprintable() else clean(message, MAX_MESSAGE)
        if subject is not None:
            subject = str(subject)
            if len(subject) > MAX_SUBJECT or not subject.isprintable():
                subject = clean(subject, MAX_SUBJECT)
        self.subject = subject
        self.facts = facts
        if covers is not None:  # (most results judge all their entry's covers: None)
            if isinstance(covers, str):
                covers = (covers,)
            covers = tuple(str(c) for c in covers) if covers else None
        self.covers = covers
        self.entry = None
        self.seconds = 0.0
        self.trail = None      # what the facts layer recorded while the probe ran (kbcheck.evidence)
        self._evidence = None
        self.waiver = None

    @property
    def evidence(self):
        """[{"input", "from", "value"}]: the inputs that decided this result (kbcheck.evidence),
        formatted when first asked for; [] for a result no input decided (a wrong role)."""
        if self._evidence is None:
            if self.trail is None:
                return []
            from kbcheck.evidence import describe
            self._evidence = describe(self)
        return self._evidence

    @evidence.setter
    def evidence(self, items):
        self._evidence = list(items)

    def __repr__(self):
        return "Result(%s, %r, subject=%r%s)" % (self.status, self.message, self.subject,
                                                 ", covers=%r" % (self.covers,) if self.covers else "")


def _maker(status):
    def make(message, subject=None, covers=None, **facts):
        return Result(status, message, subject, facts or None, covers)
    make.__name__ = status.upper()
    return make


PASS = _maker("pass")
FAIL = _maker("fail")
WARN = _maker("warn")
INFO = _maker("info")
SKIP = _maker("skip")
ERROR = _maker("error")


# -- a run's report --------------------------------------------------------------------------
SUMMARY = STATUSES + ("waived", "needs_root")
NOTHING_APPLIES = 4  # the exit code of a run none of whose entries applies to the host (nothing judged)


def applies(result):
    """False for the skip the runner gives an entry that does not apply to the host (wrong role,
    hypervisor or product: kbcheck.runner.applicability), True for every other result."""
    return not (result.facts and result.facts.get("applies") is False)


def summarise(results):
    """{status: count} over a run's results, waived ones counted under "waived" only;
    "needs_root": the results this run could not judge for lack of privileges (skip "needs root")."""
    s = dict((k, 0) for k in SUMMARY)
    for r in results:
        if r.waiver is not None:
            s["waived"] += 1
            continue
        s[r.status] += 1
        if r.status == "skip" and r.message.startswith("needs root"):
            s["needs_root"] += 1
    return s


class Report(object):
    """Everything one run found, built once after it (see build) and read by every reporter
    (kbcheck.reporters), the fix script and the exit code.

    host: the judged host's facts (kbcheck.detect.summary); results: [Result], each with its
    entry, seconds and waiver, in the order the entries ran; notices: one-line notes for the reader; run: {"started", "ended", "seconds"}
    (empty when not timed); kb_version: the knowledge base's version; summary: the counts
    (summarise), computed here once."""

    def __init__(self, host, results, notices=(), run=None, kb_version=None):
        self.host = host
        self.results = list(results)
        self.notices = [clean(str(n), MAX_NOTICE) for n in notices]
        self.run = dict(run or {})
        self.kb_version = kb_version
        self.summary = summarise(self.results)
        # the entries that apply to the host (a result other than the not-applicable skip)
        self.applicable = len(set(r.entry.id for r in self.results if applies(r)))
        self.summary["applicable"] = self.applicable

    @property
    def entries(self):
        """The entries that ran, once each, in the order they ran."""
        seen = {}
        for r in self.results:
            seen.setdefault(r.entry.id, r.entry)
        return list(seen.values())

    def exit_code(self):
        """0 no fail and no error; 1 at least one fail; 3 errors but no fail (waived results do not
        count); 4 (NOTHING_APPLIES) entries ran but none applies to this host: nothing was judged."""
        if self.summary["fail"]:
            return 1
        if self.summary["error"]:
            return 3
        if self.results and not self.applicable:
            return NOTHING_APPLIES
        return 0

    def not_applicable_reasons(self):
        """[(the reason an entry does not apply, how many entries it keeps out)], most first."""
        counts = {}
        for r in self.results:
            if not applies(r):
                counts[r.message] = counts.get(r.message, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def build(raw, host, kb_version=None, notices=(), run=None, waivers=None, ran_ids=(), known_ids=()):
    """The Report of a run. raw: the runner's [(entry, Result, seconds)], whose Results get their
    entry and seconds here; waivers: [Waiver] to apply
    (their notices follow the others); ran_ids / known_ids: the ids of the entries that ran and of
    every catalog entry (for the notices about waivers that matched nothing)."""
    results = []
    for e, r, dt in raw:
        r.entry, r.seconds, r.waiver = e, dt, None
        results.append(r)
    notices = list(notices)
    if waivers is not None:
        from kbcheck import waivers as waivers_mod
        notices.extend(waivers_mod.apply(waivers, results, ran_ids, known_ids))
    return Report(host, results, notices, run, kb_version)


def covers_of(entry, result):
    """The recommendation IDs a result judges: its own subset, else every ID of its entry."""
    return list(result.covers) if result.covers else list(entry.covers)
