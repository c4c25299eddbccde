#!/usr/bin/env python3
"""Speed of the bundled runner, as wall time of whole runs (start-up included).

1. the full catalog on the example host, as a ratio to a bare `python -c pass` of the same
   interpreter (the real executable, not a pyenv shim); target: at most 3x;
2. a generated host with 1000 offline (defined, not running) libvirt guests; target: under 0.5 s.

Each figure is the median of --runs runs (default 9) after one warm-up run; the CPU column is
the median user+system time of the same runs (steadier than wall time on a busy machine).

    python3 benchmarks/run_speed.py [--runs N] [--python EXE ...|--all] [--pyz build/kbcheck.pyz] [--check]

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
MANY_TARGET = 0.5


def _timed(cmd):
    """(wall seconds, user+system CPU seconds, exit code) of one run."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    return dt, ru.ru_utime + ru.ru_stime, p.returncode


def wall(cmd, runs):
    """Median wall time, minimum wall time and median CPU time of `runs` runs of cmd (after one warm-up)."""
    _timed(cmd)
    times, cpus = [], []
    for _ in range(runs):
        dt, cpu, rc = _timed(cmd)
        times.append(dt)
        cpus.append(cpu)
        if rc not in (0, 1, 3):
            raise SystemExit("run_speed: %s exited %d" % (" ".join(cmd), rc))
    return statistics.median(times), min(times), statistics.median(cpus)


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


def ensure_pyz(pyz):
    if os.path.exists(pyz):
        return pyz
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(PROJECT, "checks"),
                                                       os.path.join(PROJECT, "generator")]))
    subprocess.check_call([sys.executable, "-m", "kbgen", "build", "--no-site"], cwd=PROJECT, env=env)
    return pyz


def measure(exe, pyz, root, runs):
    """-> (version, rows, missed) for one interpreter."""
    if "/shims/" in exe:
        raise SystemExit("run_speed: %s is a pyenv shim; pass the real interpreter" % exe)
    version = subprocess.check_output([exe, "-c", "import sys; print(sys.version.split()[0])"],
                                      universal_newlines=True).strip()
    rows = []
    bare, bare_min, bare_cpu = wall([exe, "-c", "pass"], runs)
    full, full_min, full_cpu = wall([exe, pyz, "--root", EXAMPLE, "--format", "json"], runs)
    ratio = full / bare
    rows.append(("python -c pass", bare, bare_min, bare_cpu, "", ""))
    rows.append(("full catalog, example host", full, full_min, full_cpu, "%.2fx bare" % ratio,
                 "ok" if ratio <= RATIO_TARGET else "MISSED (target <= %.1fx)" % RATIO_TARGET))
    many, many_min, many_cpu = wall([exe, pyz, "--root", root], runs)
    many_json, many_json_min, many_json_cpu = wall([exe, pyz, "--root", root, "--format", "json"], runs)
    n = many_guests_count(root)
    rows.append(("%d offline guests, text report" % n, many, many_min, many_cpu, "%.3f s" % many,
                 "ok" if many < MANY_TARGET else "MISSED (target < %.1f s)" % MANY_TARGET))
    rows.append(("%d offline guests, json report" % n, many_json, many_json_min, many_json_cpu,
                 "%.3f s" % many_json, "ok" if many_json < MANY_TARGET else "MISSED (target < %.1f s)" % MANY_TARGET))
    missed = ratio > RATIO_TARGET or max(many, many_json) >= MANY_TARGET
    return version, rows, missed, (ratio, many, many_json)


def many_guests_count(root):
    return len([f for f in os.listdir(os.path.join(root, "etc", "libvirt", "qemu")) if f.endswith(".xml")])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--python", action="append", default=[],
                   help="interpreter to measure (repeatable; default: this one)")
    p.add_argument("--all", action="store_true", help="every pyenv Python 3.6+ (~/.pyenv/versions/3.*/bin/python3)")
    p.add_argument("--pyz", default=os.path.join(PROJECT, "build", "kbcheck.pyz"))
    p.add_argument("--guests", type=int, default=1000)
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
        for exe in exes:
            version, rows, missed, figures = measure(exe, pyz, root, args.runs)
            any_missed = any_missed or missed
            summary.append((version, rows[0][1], rows[1][1], figures))
            print("kbcheck speed: Python %s (%s), median of %d runs" % (version, exe, args.runs))
            print("%-34s %10s %10s %10s  %-14s %s" % ("case", "median s", "min s", "cpu s", "figure", "target"))
            for name, med, mn, cpu, fig, verdict in rows:
                print("%-34s %10.4f %10.4f %10.4f  %-14s %s" % (name, med, mn, cpu, fig, verdict))
            print("")
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if len(summary) > 1:
        print("summary (medians of %d runs; targets: full <= %.1fx bare, %d guests < %.1f s)"
              % (args.runs, RATIO_TARGET, args.guests, MANY_TARGET))
        print("%-8s %9s %9s %7s %11s %11s" % ("python", "bare s", "full s", "ratio", "guests txt", "guests json"))
        for version, bare, full, (ratio, many, many_json) in summary:
            print("%-8s %9.4f %9.4f %6.2fx %10.3fs %10.3fs%s" % (
                version, bare, full, ratio, many, many_json,
                "" if ratio <= RATIO_TARGET and max(many, many_json) < MANY_TARGET else "  MISSED"))
    return 1 if (any_missed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
