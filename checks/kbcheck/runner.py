"""The runner: decides applicability, runs each probe isolated, and times it. run() gives the
raw results, [(entry, Result, seconds)], which kbcheck.results.build makes the run's Report."""
import time

from kbcheck.applies import applicability, guest_rule, guest_skip, may_skip
from kbcheck.errors import Evidence, NeedsRoot
from kbcheck.gcpause import without_collector
from kbcheck.evidence import Trail, attach
from kbcheck.facts.core import DOMAIN, FACT, NOTE
from kbcheck.results import Result
from kbcheck.sources.base import MAX_GUESTS
from kbcheck.textsafe import MAX_SUBJECT, clean
from kbcheck.threads import Flag, Lock, Thread
from kbcheck.timeouts import Watched

NOT_APPLICABLE = {"applies": False}  # the facts of the skip of an entry that does not apply (results.applies)


def _normalise(out, default_subject):
    if type(out) is Result:  # the common case, once per guest and entry: the same as below, sooner
        if out.subject is None and default_subject is not None:
            out.subject = default_subject
        return [out]
    if out is None:
        return [Result("error", "the probe returned no result", default_subject)]
    if isinstance(out, Result):
        out = [out]
    if not isinstance(out, (list, tuple)):
        return [Result("error", "the probe returned %r instead of a result" % (out,), default_subject)]
    results = []
    for r in out:
        if not isinstance(r, Result):
            results.append(Result("error", "the probe returned %r instead of a result" % (r,), default_subject))
            continue
        if r.subject is None and default_subject is not None:
            r.subject = default_subject
        results.append(r)
    if not results:
        results.append(Result("error", "the probe returned an empty list", default_subject))
    return results


def _own_covers(entry, results):
    """A result that names its own covers (one result per recommendation ID) may only name IDs
    its entry covers; anything else is the probe's error, reported as such."""
    for i, r in enumerate(results):
        if r.covers and not set(r.covers) <= set(entry.covers):
            results[i] = Result("error", "the probe reports for %s, which %s does not cover (%s)" % (
                ", ".join(sorted(set(r.covers) - set(entry.covers))), entry.id, ", ".join(entry.covers)), r.subject)
    return results


def _evidence_result(e, subject):
    if isinstance(e, NeedsRoot):
        return Result("skip", "needs root: cannot read %s" % e.path, subject)
    return Result(e.status, "%s: %s" % (e.path, e.reason), subject)


def call_probe(entry, host, dom=None, fn=None, recording=None):
    """Run one probe once, isolated: whatever it raises becomes a result. What the probe reads
    through the facts layer is the evidence of its results (kbcheck.evidence). fn, recording:
    the entry's probe and whether host records trails, when the caller knows them (a guest-scope
    entry calls its probe once per guest)."""
    subject = dom.name if dom is not None else None
    if subject is not None and (len(subject) > MAX_SUBJECT or not subject.isprintable()):
        subject = clean(subject, MAX_SUBJECT)
    if fn is None:
        try:
            fn = entry.probe()
        except SyntaxError as e:
            return [Result("error", "probe does not compile: %s (%s line %s)" % (e.msg, entry.source_file, e.lineno),
                           subject)]
    if recording is None:
        recording = hasattr(host, "_trail")
    items = [(DOMAIN, dom)] if dom is not None else []
    if recording:
        host._trail = items
    try:
        out = fn(host, dom)
        if type(out) is Result and out.covers is None:  # the common case: what _normalise would give
            if out.subject is None:
                out.subject = subject
            results = [out]
        else:
            results = _own_covers(entry, _normalise(out, subject))
    except Evidence as e:
        results = [_evidence_result(e, subject)]
    except KeyboardInterrupt:
        raise
    except Exception as e:  # a crashing probe is an error result, never a crashed run
        line = ""
        tb = e.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == entry.source_file:
                line = " at %s line %d" % (entry.source_file, tb.tb_lineno)
            tb = tb.tb_next
        results = [Result("error", "probe crashed: %s: %s%s" % (type(e).__name__, e, line), subject)]
    finally:
        if recording:
            host._trail = None
    if recording and items:
        if len(results) == 1:  # (what attach gives one result)
            results[0].trail = Trail(host, items)
        else:
            attach(results, host, items)
    return results


def run_entry(entry, host, step=None, reported=None):
    """All results of one entry. `reported` ({guest name: entry id}, one per run): a guest whose
    definition cannot be read is one error, of the first guest entry that meets it; the other
    entries skip that guest and point to that error. `step(subject)` (the bounded runner's hook)
    is called before the applicability test (subject None), before the guests are read
    (long=True: reading a thousand definitions may take longer than one probe) and before each
    probe call; when it returns a Result, that result stands in for the step (it timed out
    before) and the step is not run again."""
    if step is not None:
        r = step(None)
        if r is not None:
            return [r]
    reason = applicability(entry, host)
    if reason:
        return [Result("skip", reason, facts=NOT_APPLICABLE)]
    if entry.scope != "guest":
        if step is not None:
            r = step(None)
            if r is not None:
                return [r]
        return call_probe(entry, host)
    if step is not None:
        r = step(None, long=True)
        if r is not None:
            return [r]
    try:
        doms, bad, beyond = host.guests
    except Evidence as e:
        return [_evidence_result(e, None)]
    results = []
    for name, origin, why in bad:
        if isinstance(why, Evidence):  # this guest's definition alone was out of reach (needs root)
            r = _evidence_result(why, name)
        elif (reported.setdefault(name, entry.id) if reported is not None else entry.id) != entry.id:
            r = Result("skip", "not judged: its definition is unreadable; see the error of %s for this guest"
                       % reported[name], name)
        else:
            r = Result("error", "cannot judge this guest: %s: %s" % (origin, why), name)
        attach([r], host, [(NOTE, "domains", origin, str(why))])
        results.append(r)
    try:
        fn = entry.probe() if doms else None
    except Exception:
        fn = None  # (call_probe meets it again, for each guest, as it would without this)
    recording = hasattr(host, "_trail")
    rule = guest_rule(entry)
    for d in doms:
        if step is not None:
            r = step(d.name)
            if r is not None:
                results.append(r)
                continue
        if rule is not None and may_skip(rule, d):
            why = guest_skip(entry, d)
            if why is not None:
                r = Result("skip", why, d.name)
                if recording:
                    attach([r], host, [(DOMAIN, d)])
                results.append(r)
                continue
        results.extend(call_probe(entry, host, d, fn, recording))
    if beyond:
        results.append(Result("error", "not judged: %d more guest(s) defined, past kbcheck's cap of %d guests "
                              "per run (the first %d by name are judged)" % (beyond, MAX_GUESTS, MAX_GUESTS)))
    if not results:
        r = Result("skip", "no libvirt guests found")
        if hasattr(host, "_trail"):
            attach([r], host, [(FACT, "_domains")])
        results.append(r)
    return results


def run(entries, host, on_result=None, timeout=None, total_timeout=None):
    """Run entries on host -> list of (entry, Result, seconds).

    `timeout`: deadline in seconds for each probe call and the reads it makes (None or 0: no
    deadline, everything runs inline). `total_timeout`: bound for the whole run (default
    max(120, 24 * timeout)). See kbcheck.timeouts for how a hung read is survived.

    The cyclic garbage collector pauses meanwhile (a host with a thousand guests holds some
    hundred thousand parsed XML elements, which it would walk again and again for nothing)."""
    return without_collector(_run, entries, host, on_result, timeout, total_timeout)


def _run(entries, host, on_result, timeout, total_timeout):
    if not timeout:
        out, reported = [], {}
        for e in entries:
            t0 = time.time()
            try:
                rs = run_entry(e, host, reported=reported)
            except Evidence as ex:
                rs = [_evidence_result(ex, None)]
            dt = time.time() - t0
            for r in rs:
                out.append((e, r, dt))
                if on_result:
                    on_result(e, r)
        return out
    return _BoundedRun(list(entries), host, on_result, float(timeout),
                       float(total_timeout) if total_timeout else max(120.0, 24 * float(timeout))).run()


class _Abandoned(Exception):
    """Raised inside a worker the main thread has given up on: it stops quietly."""


MAX_HUNG = 16  # threads left behind before the run stops judging (each one holds a blocked read)
GUESTS_BUDGET = 10.0  # seconds to read and parse every guest definition, at least (or 2 x the timeout):
# a guest-scope entry's step before it reads them, and any step in which the source began to (Watched.guests_read)


class _BoundedRun(object):
    def __init__(self, entries, host, on_result, timeout, total):
        self.entries = entries
        self.host = host
        self.on_result = on_result
        self.timeout = timeout
        self.total = total
        self.budget = max(GUESTS_BUDGET, 2 * timeout)  # reading every guest definition, in whichever step does
        # the chain's deadline watch (kbcheck.sources.with_layers), which names what a hung call reads
        self.watched = host.source if isinstance(host.source, Watched) else None
        self.lock = Lock()
        self.done = Flag()
        self.gen = 0
        self.current = None  # (entry index, step number, subject, start time) of the running step
        self.next_entry = 0  # first entry whose results are not out yet
        self.hung = {}  # (entry index, step number) -> Result standing in for it
        self.out = []
        self.reported = {}  # run_entry's guests whose unreadable definition has its one error

    # -- worker side ---------------------------------------------------------------------
    def _work(self, gen, start):
        try:
            lock, hung, clock, timeout, budget = self.lock, self.hung, time.time, self.timeout, self.budget
            for i in range(start, len(self.entries)):
                e = self.entries[i]
                counter = [0]

                def step(subject, long=False, i=i, counter=counter):
                    n = counter[0] = counter[0] + 1
                    with lock:
                        if self.gen != gen:
                            raise _Abandoned()
                        if hung and (i, n) in hung:
                            return hung[(i, n)]
                        self.current = (i, n, subject, clock(), budget if long else timeout)
                    return None
                t0 = time.time()
                try:
                    rs = run_entry(e, self.host, step, self.reported)
                except Evidence as ex:
                    rs = [_evidence_result(ex, None)]
                except _Abandoned:
                    raise
                except Exception as ex:  # a fact that crashed: this entry is an error, the run goes on
                    rs = [Result("error", "not judged: %s: %s" % (type(ex).__name__, ex))]
                dt = time.time() - t0
                with self.lock:
                    if self.gen != gen:
                        return
                    for r in rs:
                        self.out.append((e, r, dt))
                        if self.on_result:
                            self.on_result(e, r)
                    self.next_entry = i + 1
                    self.current = None
        except _Abandoned:
            return
        with self.lock:
            if self.gen == gen:
                self.done.set()

    def _start(self, start):
        return Thread(self._work, self.gen, start)

    # -- main side -----------------------------------------------------------------------
    def run(self):
        t_start = time.time()
        worker = self._start(0)
        left_behind = 0
        while True:
            now = time.time()
            if now - t_start >= self.total:
                self._give_up("not judged: the run reached its time bound (%g s)" % self.total)
                break
            cur = self.current
            wait = self.timeout if cur is None else cur[3] + cur[4] - now
            wait = max(0.001, min(wait, t_start + self.total - now))
            if self.done.wait(wait):
                break
            with self.lock:
                if self.done.is_set():
                    break
                if self.current is not cur or cur is None or time.time() - cur[3] < cur[4]:
                    continue  # it moved on meanwhile
                i, n, subject, _, allowed = cur
                what = self.watched.busy.get(worker.ident) if self.watched is not None else None
                began = self.watched.guests_read.get(worker.ident) if self.watched is not None else None
                if began is not None and began >= cur[3] and allowed < self.budget:
                    self.current = cur[:4] + (self.budget,)  # this step reads and parses every guest (a host-scope
                    continue                                 # probe may be the first to): it has their budget
                if what:
                    msg = "timed out reading %s (no answer within %g s)" % (what, allowed)
                    self.watched.poison(what, "timed out reading it earlier in this run (no answer within %g s)"
                                        % allowed)
                else:
                    msg = "timed out: the probe did not finish within %g s" % allowed
                self.hung[(i, n)] = Result("error", msg, subject)
                self.gen += 1  # the worker is abandoned: it stops at its next step, if it ever gets there
                self.current = None
            left_behind += 1
            if left_behind >= MAX_HUNG:
                self._give_up("not judged: %d reads or probes hung already; the host does not answer" % left_behind)
                break
            worker = self._start(i)
        return self.out

    def _give_up(self, message):
        with self.lock:
            self.gen += 1  # whatever is running now may never come back
            for i in range(self.next_entry, len(self.entries)):
                e = self.entries[i]
                r = Result("error", message)
                self.out.append((e, r, 0.0))
                if self.on_result:
                    self.on_result(e, r)
            self.next_entry = len(self.entries)
