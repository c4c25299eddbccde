"""The end of a kbcheck process: what a run keeps alive until then, and the exit itself.

A run with a thousand guests holds some hundred thousand parsed XML elements and tens of
thousands of results; freeing them one by one when the run returns, then the interpreter's
teardown of every module, took a quarter of the whole run. When kbcheck is the program of its
process (python kbcheck.pyz, python -m kbcheck, the console script), kbcheck.cli.command ends it
with os._exit once the output is flushed: the kernel takes the memory back at once. Nothing is
left undone by that: every file kbcheck writes is closed before its command returns
(kbcheck.atomic), a run's temporary folder is removed and its libvirt connection closed in the
command's own `finally`, its threads are daemons, and no atexit hook is kbcheck's.

When another program runs kbcheck inside its own process (runpy.run_path from a harness, a
test), or under a profiler or a tracer (cProfile, coverage), or when flushing the output fails (a
closed pipe), the exit is the usual one: what was kept is let go and the exit code returned for
sys.exit, exactly as before.
"""
import os
import sys

_kept = None  # a list while kbcheck.cli.command runs: what keep() is given


def start():
    """kbcheck.cli.command begins: from now on keep() keeps."""
    global _kept
    _kept = []


def keep(*objects):
    """A command's big objects (the host, the report): left for the exit to drop, when the
    process is about to end (see the module's docstring); otherwise nothing happens."""
    if _kept is not None:
        _kept.extend(objects)


def _is_the_program():
    """True when the outermost frame is this process's own program: a script or -c whose globals
    are __main__'s (the console script), or runpy running the main module (a zipapp, -m); False
    for a program that runs kbcheck through runpy.run_path (it puts a module of its own in
    sys.modules as __main__ meanwhile), and under a profiler or a tracer."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return False
    f = sys._getframe()
    while f.f_back is not None:
        f = f.f_back
    main = sys.modules.get("__main__")
    if main is not None and f.f_globals is getattr(main, "__dict__", None):
        return True
    runner = getattr(sys.modules.get("runpy"), "_run_module_as_main", None)
    return runner is not None and f.f_code is getattr(runner, "__code__", None)


def end(rc):
    """The end of kbcheck.cli.command: exits the process at once with `rc` when kbcheck is its
    program; else lets go what was kept and returns rc (for sys.exit)."""
    global _kept
    if isinstance(rc, int) and not isinstance(rc, bool) and _is_the_program():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # (a closed pipe: the interpreter's own exit reports it, as ever)
            pass
        else:
            os._exit(rc)
    _kept = None
    return rc
