"""Running the runner as user nobody, wherever the clone lies.

A clone in a private folder (`mktemp -d` makes it 0700) cannot be read by user nobody, so the run
uses a world-readable copy of the kbcheck package (it needs only the standard library) and an
interpreter nobody can start."""
import os
import shutil
import subprocess
import sys

AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
CHECKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "checks")


def readable_copy(dest):
    """Copy checks/kbcheck to dest/kbcheck, readable by everyone; -> dest (the folder for sys.path)."""
    shutil.copytree(os.path.join(CHECKS, "kbcheck"), os.path.join(dest, "kbcheck"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    for d, _dirs, files in os.walk(dest):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    return dest


def interpreter(lib):
    """The first Python that user nobody can start and that imports kbcheck from lib: this test
    run's interpreter (outside a virtual environment, which may lie in the clone), else the
    system's. Raises AssertionError naming what was tried."""
    tried = []
    for exe in (os.path.realpath(sys.executable), sys.executable, "/usr/bin/python3"):
        if exe in [t for t, _ in tried] or not os.path.exists(exe):
            continue
        code = "import sys; sys.path.insert(0, %r); import kbcheck.cli" % lib
        r = subprocess.run(AS_NOBODY + [exe, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, cwd="/", timeout=60)
        if r.returncode == 0:
            return exe
        tried.append((exe, (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]))
    raise AssertionError("no Python that user nobody can run imports kbcheck from %s: %s" % (
        lib, "; ".join("%s: %s" % t for t in tried)))


def _others_can_enter(path):
    """Every folder from / down to path lets others pass (o+x)."""
    p = os.path.abspath(path)
    while True:
        try:
            if not os.stat(p).st_mode & 0o001:
                return False
        except OSError:
            return False
        up = os.path.dirname(p)
        if up == p:
            return True
        p = up


def world_dir(prefix):
    """A new 0755 scratch folder user nobody can reach: under $TMPDIR when every folder above it
    lets others pass (nox points TMPDIR into the clone, which may be private), else /tmp or /var/tmp."""
    import tempfile
    for base in (tempfile.gettempdir(), "/tmp", "/var/tmp"):
        if os.path.isdir(base) and _others_can_enter(base):
            d = tempfile.mkdtemp(prefix=prefix, dir=base)
            os.chmod(d, 0o755)
            return d
    raise AssertionError("no temporary folder that user nobody can reach ($TMPDIR, /tmp, /var/tmp)")
