"""Stopping cleanly: SIGTERM and SIGHUP end a run the way Ctrl-C does.

Python turns SIGINT into KeyboardInterrupt, so every `finally` runs (the temporary folder of an
unpacked archive is removed, a half-written report is deleted). SIGTERM and SIGHUP would kill
the process without that. While kbcheck runs (kbcheck.cli.main), they raise Stopped, a
KeyboardInterrupt, so the same clean-up runs and the exit code is 128 + the signal's number (143
for SIGTERM, 129 for SIGHUP; 130 for Ctrl-C). A second SIGTERM or SIGHUP during that clean-up is
ignored (SIGKILL still ends the process).

held() keeps those signals back for a few statements that must not be cut in two (creating a
temporary folder and remembering its name): a signal arriving meanwhile is delivered right after.
"""
try:  # the C module that `signal` wraps in enums (whose creation costs ~1 ms of every start);
    import _signal as signal  # the same functions and numbers, handlers given back as they were set
except ImportError:
    import signal

_NAMES = {"SIGTERM": "terminated", "SIGHUP": "hung up"}


class Stopped(KeyboardInterrupt):
    """A run stopped by a signal: signum, and what to tell the user."""

    def __init__(self, signum, what):
        KeyboardInterrupt.__init__(self, what)
        self.signum = signum
        self.what = what


def _signals():
    return [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]


def _raise(signum, frame):
    for s in _signals():  # the clean-up this starts is not cut short by a second signal
        signal.signal(s, signal.SIG_IGN)
    name = dict((getattr(signal, n), n) for n in _NAMES if hasattr(signal, n)).get(signum, "signal %d" % signum)
    raise Stopped(signum, "%s (%s)" % (_NAMES.get(name, "stopped"), name))


def install():
    """Make SIGTERM and SIGHUP raise Stopped -> the previous handlers, for restore(). Does
    nothing outside the main thread (where Python cannot set handlers)."""
    old = {}
    for s in _signals():
        try:
            old[s] = signal.signal(s, _raise)
        except (ValueError, OSError):  # not the main thread, or not allowed here
            pass
    return old


def restore(old):
    for s, handler in old.items():
        try:
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        except (ValueError, OSError, TypeError):
            pass


class held(object):
    """`with held(): ...`: SIGINT, SIGTERM and SIGHUP wait until the block is done."""

    def __enter__(self):
        self.old = None
        if hasattr(signal, "pthread_sigmask"):
            try:
                self.old = signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT] + _signals())
            except (ValueError, OSError):
                self.old = None
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.old)
        return False
