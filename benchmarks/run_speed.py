#!/usr/bin/env python3
"""Speed of the bundled runner, as wall time of whole runs (start-up included).

1. the full catalog on the example host, as a ratio to a bare `python -c pass` of the same
   interpreter (the real executable, not a pyenv shim); target: at most 3x;
2. a generated host with 1000 offline (defined, not running) libvirt guests; target: under 0.5 s.

Each figure is the median of --runs runs (default 9) after one warm-up run.

    python3 benchmarks/run_speed.py [--runs N] [--python EXE] [--pyz build/kbcheck.pyz] [--check]

--check exits 1 when a target is missed. The bundled runner is built first if it is missing.
"""
import argparse
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


def wall(cmd, runs):
    """Median and minimum wall time of `runs` runs of cmd (after one warm-up)."""
    subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        rc = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        if rc not in (0, 1, 3):
            raise SystemExit("run_speed: %s exited %d" % (" ".join(cmd), rc))
    return statistics.median(times), min(times)


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


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--python", default=sys.executable, help="interpreter to measure (default: this one)")
    p.add_argument("--pyz", default=os.path.join(PROJECT, "build", "kbcheck.pyz"))
    p.add_argument("--guests", type=int, default=1000)
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    exe = os.path.realpath(args.python)
    if "/shims/" in exe:
        raise SystemExit("run_speed: %s is a pyenv shim; pass the real interpreter" % exe)
    pyz = ensure_pyz(os.path.abspath(args.pyz))
    version = subprocess.check_output([exe, "-c", "import sys; print(sys.version.split()[0])"],
                                      universal_newlines=True).strip()
    rows = []
    bare, bare_min = wall([exe, "-c", "pass"], args.runs)
    full, full_min = wall([exe, pyz, "--root", EXAMPLE, "--format", "json"], args.runs)
    ratio = full / bare
    rows.append(("python -c pass", bare, bare_min, "", ""))
    rows.append(("full catalog, example host", full, full_min, "%.2fx bare" % ratio,
                 "ok" if ratio <= RATIO_TARGET else "MISSED (target <= %.1fx)" % RATIO_TARGET))
    tmp = tempfile.mkdtemp(prefix="kbcheck-speed-")
    try:
        root = many_guests_root(os.path.join(tmp, "root"), args.guests)
        many, many_min = wall([exe, pyz, "--root", root], args.runs)
        many_json, many_json_min = wall([exe, pyz, "--root", root, "--format", "json"], args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows.append(("%d offline guests, text report" % args.guests, many, many_min, "%.3f s" % many,
                 "ok" if many < MANY_TARGET else "MISSED (target < %.1f s)" % MANY_TARGET))
    rows.append(("%d offline guests, json report" % args.guests, many_json, many_json_min, "%.3f s" % many_json,
                 "ok" if many_json < MANY_TARGET else "MISSED (target < %.1f s)" % MANY_TARGET))
    print("kbcheck speed: Python %s (%s), median of %d runs" % (version, exe, args.runs))
    print("%-34s %10s %10s  %-14s %s" % ("case", "median s", "min s", "figure", "target"))
    for name, med, mn, fig, verdict in rows:
        print("%-34s %10.4f %10.4f  %-14s %s" % (name, med, mn, fig, verdict))
    missed = ratio > RATIO_TARGET or max(many, many_json) >= MANY_TARGET
    return 1 if (missed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
