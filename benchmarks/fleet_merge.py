#!/usr/bin/env python3
"""Speed of `kbcheck report`: merging the JSON reports of 1000 hosts (target: under 2 s).

The hosts are generated from one real report (the bundled runner on the example host, ~90
results) with statuses shuffled per host by a seeded random generator; 1% of the hosts are
unreachable markers, 1% have no Python, 2% ran another knowledge-base version. Measured in this
process: reading and merging every file (the figure with the target), then the HTML page and the
terminal summary. Each figure is the median of --runs runs.

    python3 benchmarks/fleet_merge.py [--hosts 1000] [--runs 5] [--keep DIR] [--check]

--check exits 1 when the target is missed. The bundled runner is built first if it is missing.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(PROJECT, "checks"))
EXAMPLE = os.path.join(PROJECT, "examples", "sle12-kvm-untuned")
PYZ = os.path.join(PROJECT, "build", "kbcheck.pyz")
TARGET = 2.0
STATUSES = ("pass", "pass", "pass", "fail", "warn", "info", "skip")


def template():
    if not os.path.exists(PYZ):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(PROJECT, "checks"),
                                                           os.path.join(PROJECT, "generator")]))
        subprocess.check_call([sys.executable, "-m", "kbgen", "build", "--no-site"], cwd=PROJECT, env=env,
                              stdout=subprocess.DEVNULL)
    p = subprocess.Popen([sys.executable, PYZ, "--root", EXAMPLE, "--format", "json"], stdout=subprocess.PIPE,
                         universal_newlines=True)
    out, _ = p.communicate()
    if p.returncode not in (0, 1, 3):
        raise SystemExit("fleet_merge: the runner exited %d on %s" % (p.returncode, EXAMPLE))
    return json.loads(out)


def generate(directory, n, seed=12):
    base = template()
    rnd = random.Random(seed)
    for i in range(n):
        name = "host%04d" % i
        path = os.path.join(directory, name + ".json")
        roll = rnd.random()
        if roll < 0.01:
            doc = {"schema": 1, "fleet_status": "unreachable", "message": "ssh: connect to host %s port 22: "
                   "Connection timed out" % name}
        elif roll < 0.02:
            doc = {"schema": 1, "fleet_status": "no-python", "message": "no Python 3.6 or newer (found: python3 3.4.10)"}
        else:
            doc = json.loads(json.dumps(base))
            doc["host"]["hostname"] = name
            if roll > 0.98:
                doc["kb_version"] = "0lderkb00000"
            summ = dict((k, 0) for k in ("pass", "fail", "warn", "info", "skip", "error"))
            for r in doc["results"]:
                r["status"] = rnd.choice(STATUSES)
                summ[r["status"]] += 1
            summ["waived"] = 0
            doc["summary"] = summ
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)


def median_time(fn, runs):
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temporary folder)")
    ap.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = ap.parse_args(argv)
    from kbcheck.fleet import html, merge, text
    d = args.keep or tempfile.mkdtemp(prefix="kbcheck-fleet-")
    if not os.path.isdir(d):
        os.makedirs(d)
    try:
        generate(d, args.hosts)
        size = sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d))
        t_merge, fleet = median_time(lambda: merge.merge(d), args.runs)
        t_html, page = median_time(lambda: html.render(fleet, "", "now"), args.runs)
        t_text, _ = median_time(lambda: text.render(fleet), args.runs)
        print("fleet_merge: %d hosts, %d entries, %.1f MB of JSON" % (len(fleet.hosts), len(fleet.entries), size / 1e6))
        print("fleet_merge: merge %.3f s (target < %.1f s), HTML %.3f s (%.1f MB), text %.3f s" % (
            t_merge, TARGET, t_html, len(page.encode("utf-8")) / 1e6, t_text))
    finally:
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)
    if args.check and t_merge >= TARGET:
        print("fleet_merge: merging took %.3f s, the target is under %.1f s" % (t_merge, TARGET))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
