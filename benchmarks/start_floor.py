#!/usr/bin/env python3
"""What a bundled run's start costs before kbcheck does anything: the standard library it cannot
do without, as steps over a bare `python -c pass` of the same interpreter, and what a 3x target
leaves for kbcheck's own part.

    python3 benchmarks/start_floor.py [--runs N] [--python EXE ...|--all] [--instructions]

Steps (each includes the ones before):
  1. running any zipapp: the interpreter imports runpy (and with it importlib.util, contextlib,
     functools...) to run a zip's __main__;
  2. the other standard modules a bundled run on examples/sle12-kvm-untuned imports, read off
     that run itself (`python -v`: re for every parser; _elementtree, which imports copy,
     xml.etree.ElementPath and pyexpat, for the guests' definitions and the capabilities; a few
     small ones): the floor, below which no run of this shape can go;
  3. `kbcheck.pyz --version`: the command line and the catalog (a third of kbcheck's modules), no
     host read, no probe;
  4. the bundled runner on the example: the host read, 72 probes, the report.
Wall times are medians of --runs turns (run_speed.in_turns, each interpreter in a venv of its
own); --instructions counts instructions with callgrind instead (deterministic on a busy
machine; needs valgrind). The installed command (a console script: no runpy) starts from step 2
without step 1's modules other than those the run imports itself.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_speed  # noqa: E402

ZIPAPP = "import runpy, importlib.util"


def run_argv(py, pyz):
    return [py, pyz, "--root", run_speed.EXAMPLE]


def standard_imports(py, pyz):
    """The standard modules a bundled run imports beyond a bare start and a zipapp's runpy, as
    lines of code that import them (read off the run's `python -v`, which every Python from 3.6
    prints, where -X importtime is 3.7+; kbcheck's own left out)."""
    def imported(argv):
        err = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             universal_newlines=True).stderr
        return set(m.group(1) for m in re.finditer(r"^import '([\w.]+)'", err, re.M))
    base = imported([py, "-v", "-c", ZIPAPP])
    run = imported([py, "-v"] + run_argv(py, pyz)[1:])
    code = "import sys\n"
    for name in sorted(run - base):
        if name.split(".")[0] == "kbcheck":
            continue
        code += "try:\n    import %s\nexcept ImportError:\n    pass\n" % name
    return code, sorted(n for n in run - base if n.split(".")[0] != "kbcheck")


def instructions(cmd):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True).stderr
    for line in out.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    raise SystemExit("start_floor: valgrind gave no count for %s" % " ".join(cmd))


def measure(py, pyz, runs, count):
    code, names = standard_imports(py, pyz)
    cmds = [("python -c pass", [py, "-c", "pass"]),
            ("1. + runpy (any zipapp)", [py, "-c", ZIPAPP]),
            ("2. + the run's standard modules", [py, "-c", ZIPAPP + "\n" + code]),
            ("3. kbcheck --version (cli, the catalog)", [py, pyz, "--version"]),
            ("4. bundled runner, example host", run_argv(py, pyz))]
    if count:
        got = dict((label, instructions(cmd)) for label, cmd in cmds)
        unit, fmt = "M instr", lambda v: "%.1f" % (v / 1e6)
    else:
        got = dict((label, v[0]) for label, v in run_speed.in_turns(cmds, runs).items())
        unit, fmt = "ms", lambda v: "%.1f" % (v * 1000)
    bare = got[cmds[0][0]]
    print("standard modules of a run (step 2): %s" % " ".join(names))
    print("%-42s %10s %8s" % ("step", unit, "x bare"))
    for label, _ in cmds:
        print("%-42s %10s %7.2fx" % (label, fmt(got[label]), got[label] / bare))
    floor = got[cmds[2][0]]
    print("a %gx target leaves kbcheck's own part %s %s (%.2fx bare); it takes %s (%.2fx)" % (
        run_speed.RATIO_TARGET, fmt(run_speed.RATIO_TARGET * bare - floor), unit,
        run_speed.RATIO_TARGET - floor / bare, fmt(got[cmds[4][0]] - floor), (got[cmds[4][0]] - floor) / bare))
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
