"""How long the whole site takes to build, for the real knowledge base and for a synthetic one of
N entries (default 3000) made by cloning the real entries under new ids.

    python3 benchmarks/site_build.py [--entries 3000] [--budget 60] [--keep DIR]

Runs the real generator (load + validate, catalog, bundle, pages) and `mkdocs build --strict`, and
prints the times: wall clock, and the CPU seconds of this process and of the processes it waited
for (the loading pool, the bytecode compilers, mkdocs and its search indexer), which a machine
shared with others blurs less. Exit 1 when the synthetic build takes longer than --budget seconds
of wall clock. The build uses both cores of a 2-core machine where it can (loading, bytecode beside
the pages, the search index beside mkdocs' templates): on a busy machine the wall time moves more
than the CPU time; quote both, with `uptime`'s load average.
"""
import argparse
import glob
import os
import re
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _p in (os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from kbgen import model as model_mod  # noqa: E402
from kbgen.cli import build  # noqa: E402


def synthetic_kb(dest, n, src=None):
    """Write n valid entries into dest/kb by cloning src's entries with new ids. -> kb dir."""
    src = src or os.path.join(ROOT, "kb")
    kb = os.path.join(dest, "kb")
    os.makedirs(kb)
    for top in glob.glob(os.path.join(src, "*.*")):  # the schemas and kb/recommendations.yaml
        shutil.copy(top, kb)
    originals = sorted(glob.glob(os.path.join(src, "*", "*.yaml")))
    if not originals:
        raise SystemExit("no entries in %s to clone" % src)
    for i in range(n):
        path = originals[i % len(originals)]
        area = os.path.basename(os.path.dirname(path))
        old = os.path.basename(path)[:-5]
        new = "%s-s%04d" % (old[:50], i)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"^id: .*$", "id: %s" % new, text, count=1, flags=re.M)
        d = os.path.join(kb, area)
        if not os.path.isdir(d):
            os.makedirs(d)
        with open(os.path.join(d, new + ".yaml"), "w", encoding="utf-8") as f:
            f.write(text)
    return kb


def cpu():
    """CPU seconds so far of this process and of the children it has waited for."""
    try:
        import resource
    except ImportError:
        return time.process_time()
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                resource.getrusage(resource.RUSAGE_CHILDREN)))


def timed_build(kb, out):
    c0, t0 = cpu(), time.time()
    m = model_mod.load(kb)
    t1 = time.time()
    build(m, out, site=True, quiet=True)
    t2 = time.time()
    pages = len(glob.glob(os.path.join(out, "site", "**", "*.html"), recursive=True))
    return len(m.entries), t1 - t0, t2 - t1, pages, cpu() - c0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, default=3000)
    p.add_argument("--budget", type=float, default=60.0, help="seconds the synthetic build may take")
    p.add_argument("--keep", metavar="DIR", help="build into DIR and keep it")
    args = p.parse_args(argv)
    work = args.keep or tempfile.mkdtemp(prefix="kbsite-bench-")
    try:
        n, load, site, pages, used = timed_build(os.path.join(ROOT, "kb"), os.path.join(work, "real"))
        print("real kb:      %5d entries  load %5.1fs  build+site %5.1fs  total %5.1fs  CPU %5.1fs  (%d pages)" % (
            n, load, site, load + site, used, pages))
        kb = synthetic_kb(os.path.join(work, "synthetic"), args.entries)
        n, load, site, pages, used = timed_build(kb, os.path.join(work, "synthetic", "out"))
        total = load + site
        print("synthetic kb: %5d entries  load %5.1fs  build+site %5.1fs  total %5.1fs  CPU %5.1fs  (%d pages)  "
              "budget %.0fs: %s" % (n, load, site, total, used, pages, args.budget, "ok" if total <= args.budget else "OVER"))
        return 0 if total <= args.budget else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
