"""Running kbcheck on hostile input the way an attacker would hand it over: in a subprocess under
RLIMIT_AS of 1 GiB, with a private TMPDIR, measuring CPU time, wall time and peak RSS (the
process's own, noted by limited.py).

The 10 s a case may take is counted in CPU seconds of the run (user + system): that is what a
hostile input costs, and it does not change when other work shares the machine (a wall-clock
limit of 10 s failed at random on a loaded CI machine). Wall time has a generous guard (60 s) that
only a run that hangs reaches; cases about kbcheck's own deadlines assert their wall time.

run(...) -> Outcome; Outcome.check(rc, ...) asserts what every hostile case promises: the
documented exit code, at most (or exactly) one line on stderr, no traceback, nothing left in the
temporary folder, no byte of a secret from outside the tree in any output, and the figures within
the bounds (10 s, 500 MB). Every case's figures are collected in MEASURED for the session's
summary (the slowest case, the largest peak).
"""
import os
import resource
import signal
import subprocess
import sys
import threading
import time

LIMIT_AS = 1 << 30        # RLIMIT_AS of every run
DEADLINE = 60.0           # wall seconds after which a run is killed (it hangs)
MAX_SECONDS = 10.0        # CPU seconds a case may take (the "done when")
MAX_PEAK_MB = 500.0
LIMITED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "limited.py")
SECRET = "kbcheck-secret-7f3a9c1e-outside-the-tree"   # written outside every tree; never to be seen
MEASURED = []             # (case, CPU seconds, peak MB)


class Outcome(object):
    def __init__(self, name, rc, out, err, seconds, peak_mb, tmp, files=(), wall=None):
        self.name, self.rc, self.out, self.err = name, rc, out, err
        self.seconds, self.peak_mb, self.tmp, self.files = seconds, peak_mb, tmp, list(files)
        self.wall = seconds if wall is None else wall   # seconds: CPU time; wall: elapsed

    @property
    def lines(self):
        return self.err.splitlines()

    def texts(self):
        """stdout, stderr and every output file, as text."""
        got = [self.out, self.err]
        for p in self.files:
            if os.path.exists(p):
                with open(p, "rb") as f:
                    got.append(f.read().decode("utf-8", "replace"))
        return got

    def check(self, rc, lines=None, exact_lines=None):
        """rc: the exit code (or a tuple of allowed ones); lines: stderr has at most this many
        lines (default: exactly 1 for exit 2, else 0); exact_lines: exactly this many."""
        allowed = rc if isinstance(rc, tuple) else (rc,)
        assert self.rc in allowed, "%s: exit %s, wanted %s; stderr: %s" % (self.name, self.rc, allowed, self.err[-2000:])
        for text in self.texts():
            assert "Traceback (most recent call last)" not in text, "%s: a traceback:\n%s" % (self.name, text[-3000:])
            assert SECRET not in text, "%s: a secret from outside the tree was printed" % self.name
        if exact_lines is None and lines is None:
            exact_lines = 1 if allowed == (2,) else 0
        if exact_lines is not None:
            assert len(self.lines) == exact_lines, "%s: %d stderr lines, wanted %d: %r" % (
                self.name, len(self.lines), exact_lines, self.err[-2000:])
        else:
            assert len(self.lines) <= lines, "%s: %d stderr lines: %r" % (self.name, len(self.lines), self.err[-2000:])
        left = os.listdir(self.tmp)
        assert not left, "%s: left in the temporary folder: %s" % (self.name, left[:5])
        assert self.seconds < MAX_SECONDS, "%s: took %.1f CPU seconds" % (self.name, self.seconds)
        assert self.peak_mb < MAX_PEAK_MB, "%s: peak RSS %.0f MB" % (self.name, self.peak_mb)
        return self


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def start(argv, tmp, env=None, stdout=None, stderr=None):
    """A kbcheck-like process under the limits (argv: what follows the interpreter), its TMPDIR
    `tmp`; it runs through limited.py, which notes its own peak memory in tmp/../.peak."""
    full_env = dict(os.environ, TMPDIR=tmp, NO_COLOR="1", KBCHECK_PEAK_FILE=_peak_file(tmp))
    full_env.pop("FORCE_COLOR", None)
    full_env.update(env or {})
    return subprocess.Popen([sys.executable, LIMITED] + list(argv), stdin=subprocess.DEVNULL, stdout=stdout,
                            stderr=stderr, env=full_env, preexec_fn=_limits, cwd=tmp)


def _peak_file(tmp):
    return os.path.join(os.path.dirname(tmp), ".peak")


def finish(name, p, t0, tmp, out_path, err_path, files=(), deadline=DEADLINE):
    """Wait for process p (killed at the deadline), read its output -> Outcome."""
    killer = threading.Timer(deadline, lambda: p.poll() is None and os.kill(p.pid, signal.SIGKILL))
    killer.start()
    try:
        _, status, usage = os.wait4(p.pid, 0)
    finally:
        killer.cancel()
    wall = time.time() - t0
    seconds = usage.ru_utime + usage.ru_stime
    p.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else (
        os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status))
    with open(out_path, "rb") as f:
        out = f.read().decode("utf-8", "replace")
    with open(err_path, "rb") as f:
        err = f.read().decode("utf-8", "replace")
    os.unlink(out_path)
    os.unlink(err_path)
    peak = usage.ru_maxrss / 1024.0   # (KiB; counts the test process it was forked from: a fallback)
    if os.path.exists(_peak_file(tmp)):
        with open(_peak_file(tmp)) as f:
            peak = int(f.read()) / 1024.0
        os.unlink(_peak_file(tmp))
    MEASURED.append((name, seconds, peak))
    assert p.returncode != -signal.SIGKILL, "%s: killed at the %g s deadline" % (name, deadline)
    return Outcome(name, p.returncode, out, err, seconds, peak, tmp, files, wall=wall)


def run(name, argv, work, env=None, files=(), python_argv=None):
    """kbcheck (the bundled runner, argv[0]) run on hostile input -> Outcome. work: a folder of
    the case's own; the run's TMPDIR is work/tmp (checked empty afterwards), its output goes to
    files in work."""
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp, exist_ok=True)
    out_path, err_path = os.path.join(work, ".stdout"), os.path.join(work, ".stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.time()
        p = start(python_argv or argv, tmp, env, out, err)
    return finish(name, p, t0, tmp, out_path, err_path, files)


def summary():
    """The slowest case and the largest peak, for the session's last lines."""
    if not MEASURED:
        return None
    slow = max(MEASURED, key=lambda m: m[1])
    big = max(MEASURED, key=lambda m: m[2])
    return ("hostile cases: %d runs, %.1f CPU s in all; slowest %s (%.2f CPU s); largest peak RSS %s (%.0f MB)"
            % (len(MEASURED), sum(m[1] for m in MEASURED), slow[0], slow[1], big[0], big[2]))
