#!/usr/bin/env python3
"""What a bundled run's start costs before kbcheck does anything: the standard library it cannot
do without, as steps over a bare `python -c pass` of the same interpreter.

    python3 benchmarks/start_floor.py [--runs N] [--python EXE ...|--all] [--instructions]

Steps (each includes the ones before): running any zipapp (runpy and importlib.util, which the
interpreter imports to run one), `re` (every parser), `threading` (the deadline watch), and
`xml.etree.ElementTree` (guest definitions and capabilities); then the bundled runner on
examples/sle12-kvm-untuned. Wall times are medians of --runs turns (run_speed.in_turns, each
interpreter in a venv of its own); --instructions counts instructions with callgrind instead
(deterministic on a busy machine; needs valgrind). The gap between the last step and the run is
kbcheck's own part: its modules, the catalog, reading the host, 72 probes, the report.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_speed  # noqa: E402

STEPS = (("python -c pass", "pass"),
         ("+ runpy, importlib.util (any zipapp)", "import runpy, importlib.util"),
         ("+ re", "import runpy, importlib.util, re"),
         ("+ threading", "import runpy, importlib.util, re, threading"),
         ("+ xml.etree.ElementTree", "import runpy, importlib.util, re, threading, xml.etree.ElementTree"))


def instructions(cmd):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True).stderr
    for line in out.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    raise SystemExit("start_floor: valgrind gave no count for %s" % " ".join(cmd))


def measure(py, pyz, runs, count):
    cmds = [(label, [py, "-c", code]) for label, code in STEPS]
    cmds.append(("bundled runner, example host", [py, pyz, "--root", run_speed.EXAMPLE]))
    if count:
        got = dict((label, instructions(cmd)) for label, cmd in cmds)
        unit, fmt = "M instr", lambda v: "%.1f" % (v / 1e6)
    else:
        got = dict((label, v[0]) for label, v in run_speed.in_turns(cmds, runs).items())
        unit, fmt = "ms", lambda v: "%.1f" % (v * 1000)
    bare = got[STEPS[0][0]]
    print("%-40s %10s %8s" % ("step", unit, "x bare"))
    for label, _ in cmds:
        print("%-40s %10s %7.2fx" % (label, fmt(got[label]), got[label] / bare))
    return got


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--python", action="append", default=[])
    p.add_argument("--all", action="store_true", help="every pyenv Python 3.6+")
    p.add_argument("--pyz", default=os.path.join(run_speed.PROJECT, "build", "kbcheck.pyz"))
    p.add_argument("--instructions", action="store_true", help="count instructions (callgrind) instead of time")
    a = p.parse_args(argv)
    if a.instructions and not shutil.which("valgrind"):
        raise SystemExit("start_floor: --instructions needs valgrind (apt-get install valgrind)")
    exes = run_speed.pyenv_pythons() if a.all else (a.python or [sys.executable])
    pyz = run_speed.ensure_pyz(a.pyz)
    tmp = tempfile.mkdtemp(prefix="kbcheck-floor-")
    try:
        for i, exe in enumerate(exes):
            py, _ = run_speed.venv(exe, os.path.join(tmp, "venv%d" % i))
            print("\n%s (in a venv of its own)" % exe)
            measure(py, pyz, a.runs, a.instructions)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
