"""The three thread primitives the deadlines need (kbcheck.timeouts): a lock, a flag to wait on
with a timeout, and a daemon thread that can be waited for and left behind.

They are the interpreter's own `_thread` primitives, with what threading.Lock, threading.Event
and threading.Thread(daemon=True) do for kbcheck and nothing more: importing the `threading`
module (some 1500 lines of Python: its classes, its registry of threads, its shutdown hook)
costs every run about 4 M instructions on Python 3.11, a tenth of a bare interpreter's start,
for these few lines. A thread started here is a daemon thread: the interpreter does not wait
for it at exit, so a worker stuck in a read that never returns cannot hold the run."""
import _thread

Lock = _thread.allocate_lock
get_ident = _thread.get_ident
_MAX = _thread.TIMEOUT_MAX


def _acquire(lock, timeout):
    if timeout is None:
        return lock.acquire()
    if timeout <= 0:
        return lock.acquire(False)
    return lock.acquire(True, min(timeout, _MAX))


class Flag(object):
    """Unset until set() (once, by one setter at a time); wait(timeout) -> whether it is set,
    as threading.Event.wait."""

    def __init__(self):
        self._set = False
        self._gate = Lock()
        self._gate.acquire()

    def is_set(self):
        return self._set

    def set(self):
        if not self._set:
            self._set = True
            self._gate.release()

    def wait(self, timeout=None):
        if self._set:
            return True
        if _acquire(self._gate, timeout):
            self._gate.release()  # (the gate stays open for every later waiter)
            return True
        return self._set


class Thread(object):
    """fn(*args) in a daemon thread, started at once. `ident` is its thread ident (what
    get_ident() gives inside it); join(timeout) waits for it to end, is_alive() tells. What fn
    raises is kept in `error` (the callers catch what they expect: nothing is printed)."""

    def __init__(self, fn, *args):
        self._done = Flag()
        self.error = None

        def run():
            try:
                fn(*args)
            except BaseException as e:  # noqa: B036 - kept for the caller, never printed
                self.error = e
            finally:
                self._done.set()
        self.ident = _thread.start_new_thread(run, ())

    def join(self, timeout=None):
        self._done.wait(timeout)

    def is_alive(self):
        return not self._done.is_set()
