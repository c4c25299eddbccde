#!/usr/bin/env python3
"""Speed of the runner, as wall time of whole runs (start-up included), against three targets:

1. the bundled runner (build/kbcheck.pyz), full catalog on examples/sle12-kvm-untuned, as a ratio
   to a bare `python -c pass` of the same interpreter: at most 3x;
2. the installed `kbcheck` command (pip-installed console script), the same run, the same
   ratio: at most 3.5x (measured for the interpreter running this script, or the first one
   given; --no-installed leaves it out);
3. a generated copy of that host with 1000 offline (defined, not running) guests, bundled
   runner, text and JSON reports: under 0.3 s.

Every interpreter runs in a virtual environment of its own made here (`python -m venv`), so
that "bare" means the interpreter alone: a site-packages with .pth files that import things
(this machine's python3 has one) would make every start slower and flatter every ratio. The
commands of one interpreter are run in turns (bare, bundled, installed, guests, bare, ...), so
that a load that comes and goes on a shared machine weighs on all of them alike; each figure is
the median of --runs turns after one warm-up (min and CPU time beside it: CPU time is steadier
on a busy machine; the spread says how noisy the figures are).

    python3 benchmarks/run_speed.py [--runs N] [--python EXE ...|--all] [--pyz build/kbcheck.pyz]
                                    [--guests N] [--no-installed] [--check]

--python may be repeated; --all measures every ~/.pyenv/versions/3.*/bin/python3 from 3.6 up
(real interpreters, never the pyenv shim) and ends with one summary table. --check exits 1 when
a target is missed. The bundled runner is built first if it is missing.
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
EXAMPLE = os.path.join(PROJECT, "examples", "sle12-kvm-untuned")
RATIO_TARGET = 3.0
INSTALLED_TARGET = 3.5
MANY_TARGET = 0.3


def _timed(cmd):
    """(wall seconds, user+system CPU seconds, exit code) of one run."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    rc = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    if rc not in (0, 1, 3):
        raise SystemExit("run_speed: %s exited %d" % (" ".join(cmd), rc))
    return dt, ru.ru_utime + ru.ru_stime


def in_turns(cmds, runs):
    """{name: (median wall, min wall, max wall, median CPU)} of `runs` turns over cmds [(name, argv)]."""
    for _, cmd in cmds:
        _timed(cmd)  # warm-up: page cache, bytecode
    got = dict((name, []) for name, _ in cmds)
    for _ in range(runs):
        for name, cmd in cmds:
            got[name].append(_timed(cmd))
    return dict((name, (statistics.median(w for w, _ in r), min(w for w, _ in r), max(w for w, _ in r),
                        statistics.median(c for _, c in r))) for name, r in got.items())


def pyenv_pythons():
    """Real paths of ~/.pyenv/versions/3.N.*/bin/python3 for N >= 6, oldest first."""
    found = []
    for exe in glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")):
        m = re.search(r"/versions/3\.(\d+)\.(\d+)[^/]*/bin/python3$", exe)
        if m and int(m.group(1)) >= 6 and os.access(exe, os.X_OK):
            found.append(((int(m.group(1)), int(m.group(2))), os.path.realpath(exe)))
    return [exe for _, exe in sorted(found)]


def many_guests_root(dest, count=1000):
    """A copy of the example host whose /etc/libvirt/qemu holds `count` guests (none running)."""
    shutil.copytree(EXAMPLE, dest, symlinks=True)
    qemu = os.path.join(dest, "etc", "libvirt", "qemu")
    models = []
    for f in sorted(os.listdir(qemu)):
        if f.endswith(".xml"):
            with open(os.path.join(qemu, f)) as fh:
                models.append((f[:-4], fh.read()))
            os.unlink(os.path.join(qemu, f))
    for i in range(count):
        name, xml = models[i % len(models)]
        new = "guest%04d" % i
        text = xml.replace("<name>%s</name>" % name, "<name>%s</name>" % new)
        text = re.sub(r"<uuid>[^<]*</uuid>", "<uuid>00000000-0000-4000-8000-%012d</uuid>" % i, text)
        text = text.replace("/%s." % name, "/%s." % new)
        with open(os.path.join(qemu, new + ".xml"), "w") as fh:
            fh.write(text)
    return dest


def many_guests_count(root):
    return len([f for f in os.listdir(os.path.join(root, "etc", "libvirt", "qemu")) if f.endswith(".xml")])


def ensure_pyz(pyz):
    if os.path.exists(pyz):
        return pyz
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(PROJECT, "checks"),
                                                       os.path.join(PROJECT, "generator")]))
    subprocess.check_call([sys.executable, "-m", "kbgen", "build", "--no-site"], cwd=PROJECT, env=env)
    return pyz


def venv(exe, dest, with_pip=False):
    """The python of a fresh virtual environment of `exe` at dest (kbcheck installed into it with
    pip when with_pip), or `exe` itself when no environment can be made (said on stderr)."""
    cmd = [exe, "-m", "venv"] + ([] if with_pip else ["--without-pip"]) + [dest]
    if subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
        sys.stderr.write("run_speed: no venv for %s: measuring it as it is (its site-packages included)\n" % exe)
        return exe, None
    py = os.path.join(dest, "bin", "python")
    if not with_pip:
        return py, None
    work = tempfile.mkdtemp(prefix="kbcheck-speed-src-")
    try:  # a copy of the project, so that the build leaves nothing in the worktree
        src = os.path.join(work, "src")
        shutil.copytree(PROJECT, src, ignore=shutil.ignore_patterns(".git", ".nox", "build", "site", "__pycache__",
                                                                    "*.egg-info"))
        if subprocess.call([py, "-m", "pip", "install", "-q", "--no-deps", src],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) != 0:
            sys.stderr.write("run_speed: pip could not install kbcheck for %s: no installed figure\n" % exe)
            return py, None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return py, os.path.join(dest, "bin", "kbcheck")


def measure(exe, pyz, root, runs, tmp, installed):
    """-> (version, rows, missed, figures) for one interpreter."""
    if "/shims/" in exe:
        raise SystemExit("run_speed: %s is a pyenv shim; pass the real interpreter" % exe)
    py, script = venv(exe, tempfile.mkdtemp(prefix="venv-", dir=tmp), with_pip=installed)
    version = subprocess.check_output([py, "-c", "import sys; print(sys.version.split()[0])"],
                                      universal_newlines=True).strip()
    cmds = [("bare", [py, "-c", "pass"]),
            ("bundled", [py, pyz, "--root", EXAMPLE, "--format", "json"])]
    if script:
        cmds.append(("installed", [script, "--root", EXAMPLE, "--format", "json"]))
    cmds += [("guests text", [py, pyz, "--root", root]),
             ("guests json", [py, pyz, "--root", root, "--format", "json"])]
    got = in_turns(cmds, runs)
    bare = got["bare"][0]
    n = many_guests_count(root)
    rows, missed, figures = [], False, {"bare": bare}
    for name, _ in cmds:
        med, mn, mx, cpu = got[name]
        if name == "bare":
            fig, verdict = "", ""
        elif name in ("bundled", "installed"):
            target = RATIO_TARGET if name == "bundled" else INSTALLED_TARGET
            ratio = med / bare
            figures[name] = ratio
            fig = "%.2fx bare" % ratio
            verdict = "ok" if ratio <= target else "MISSED (target <= %.1fx)" % target
            missed = missed or ratio > target
        else:
            figures[name] = med
            fig = "%.3f s" % med
            verdict = "ok" if med < MANY_TARGET else "MISSED (target < %.1f s)" % MANY_TARGET
            missed = missed or med >= MANY_TARGET
        label = {"bare": "python -c pass", "bundled": "bundled runner, example host",
                 "installed": "installed kbcheck, example host"}.get(name, "%d offline %s" % (n, name))
        rows.append((label, med, mn, mx, cpu, fig, verdict))
    return version, rows, missed, figures


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--python", action="append", default=[],
                   help="interpreter to measure (repeatable; default: this one)")
    p.add_argument("--all", action="store_true", help="every pyenv Python 3.6+ (~/.pyenv/versions/3.*/bin/python3)")
    p.add_argument("--pyz", default=os.path.join(PROJECT, "build", "kbcheck.pyz"))
    p.add_argument("--guests", type=int, default=1000)
    p.add_argument("--no-installed", action="store_true", help="leave out the installed command (no pip install)")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    exes = [os.path.realpath(e) for e in args.python]
    if args.all:
        exes += [e for e in pyenv_pythons() if e not in exes]
    if not exes:
        exes = [os.path.realpath(sys.executable)]
    pyz = ensure_pyz(os.path.abspath(args.pyz))
    tmp = tempfile.mkdtemp(prefix="kbcheck-speed-")
    summary = []
    any_missed = False
    try:
        root = many_guests_root(os.path.join(tmp, "root"), args.guests)
        # the installed command: for this interpreter when it is measured, else the first one
        here = os.path.realpath(sys.executable)
        installed_for = here if here in exes else exes[0]
        for exe in exes:
            version, rows, missed, figures = measure(exe, pyz, root, args.runs, tmp,
                                                     installed=(exe == installed_for and not args.no_installed))
            any_missed = any_missed or missed
            summary.append((version, figures))
            print("kbcheck speed: Python %s (%s, in a venv of its own), %d turns" % (version, exe, args.runs))
            print("%-34s %9s %9s %9s %9s  %-12s %s" % ("case", "median s", "min s", "max s", "cpu s", "figure", "target"))
            for name, med, mn, mx, cpu, fig, verdict in rows:
                print("%-34s %9.4f %9.4f %9.4f %9.4f  %-12s %s" % (name, med, mn, mx, cpu, fig, verdict))
            print("")
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if len(summary) > 1:
        print("summary (medians of %d turns; targets: bundled <= %.1fx bare, installed <= %.1fx, %d guests < %.1f s)"
              % (args.runs, RATIO_TARGET, INSTALLED_TARGET, args.guests, MANY_TARGET))
        print("%-8s %9s %9s %10s %11s %11s" % ("python", "bare s", "bundled", "installed", "guests txt", "guests json"))
        for version, f in summary:
            print("%-8s %9.4f %8.2fx %10s %10.3fs %10.3fs" % (
                version, f["bare"], f["bundled"], ("%.2fx" % f["installed"]) if "installed" in f else "-",
                f["guests text"], f["guests json"]))
    return 1 if (any_missed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
