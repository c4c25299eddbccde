"""Deadlines: no probe and no read may hang a run.

A read from a live host can block for good: a FIFO swapped in for a file, a hung NFS mount that
holds guest images, a libvirt daemon that accepts and never answers. Python cannot interrupt such
a call, and a thread cannot be killed. So the runner (runner.run with a timeout) works like this:

  * the probes run in one worker thread; the main thread only watches the clock. The fast path
    costs one thread per run and a lock per probe call, nothing per read;
  * every read goes through Watched, a thin layer over the run's Source that notes, per thread,
    which path is being read (kbcheck.sources.build_chain lays it on top when a run has a
    deadline; without it a hung read is still survived, but not named);
  * when a probe call passes its deadline, the main thread abandons that worker (a daemon
    thread: it may never return), records an `error` result "timed out reading PATH" (or "did
    not finish") for that call, poisons the path so that every later read of it fails at once
    with the same reason, and starts a fresh worker at the next call;
  * reading every guest definition (up to a couple of thousand, parsed after) may take longer
    than one probe: the step in which the source begins to read them has the guests' budget
    (runner.GUESTS_BUDGET), whether it is a guest-scope entry's or a host-scope probe's that
    happens to read them first (Watched.guests_read says when);
  * the whole run has a bound as well; what is left when it is reached becomes `error` results
    ("not judged: ..."), never silently dropped.
"""
from time import time as _clock

from kbcheck.errors import Unreadable
from kbcheck.sources.base import Layer
from kbcheck.threads import Thread, get_ident as _get_ident

GUESTS = "libvirt guests"  # what Watched names the read of every guest definition (in "timed out reading ...")


class Watched(Layer):
    """A pass-through Source that remembers what each thread is reading and refuses poisoned paths."""

    def __init__(self, base):
        Layer.__init__(self, base)
        self.busy = {}  # thread ident -> what it is reading now
        self.poisoned = {}  # what -> reason
        self.guests_read = {}  # thread ident -> when it last began to read every guest definition

    def poison(self, what, reason):
        self.poisoned[what] = reason

    def _call(self, what, fn, *args):
        if self.poisoned and what in self.poisoned:
            raise Unreadable(what, self.poisoned[what])
        me = _get_ident()
        prev = self.busy.get(me)
        self.busy[me] = what
        try:
            return fn(*args)
        finally:
            self.busy[me] = prev

    def read_text(self, path):
        return self._call(path, self.base.read_text, path)

    def read_bytes(self, path, limit):
        return self._call(path, self.base.read_bytes, path, limit)

    def listdir(self, path):
        return self._call(path, self.base.listdir, path)

    def command(self, name):
        return self._call(name, self.base.command, name)

    def domains(self):
        self.guests_read[_get_ident()] = _clock()  # (the runner allows that step longer: it parses them too)
        return self._call(GUESTS, self.base.domains)

    def capabilities(self):
        return self._call("host capabilities", self.base.capabilities)



def bounded(fn, seconds):
    """fn() in a thread of its own, waited for at most `seconds` (0 or None: called inline) ->
    (its value, True), or (None, False) when it did not finish in time (the thread is left
    behind, like a hung probe). What fn raises is raised here."""
    if not seconds:
        return fn(), True
    box = {}
    t = Thread(lambda: box.__setitem__("value", fn()))
    t.join(seconds)
    if t.is_alive():
        return None, False
    if t.error is not None:  # (what fn raised, kept by the thread: handed to the caller)
        raise t.error
    return box["value"], True
