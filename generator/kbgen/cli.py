"""`kbgen`: build, check, test and scaffold the knowledge base.

  kbgen check              validate kb/ only (exit 2 on any problem, each as file:line: field: what)
  kbgen build [--no-site]  compile kb/ into build/catalog.json, build/kbcheck.pyz and the site
  kbgen test [--id ID]     run every entry's scenarios
  kbgen new AREA/ID        write a new entry with scenario stubs that fail until filled in
"""
import argparse
import os
import sys
import threading
import time

try:
    from kbgen import model as model_mod
    MISSING = None
except ImportError as e:  # kbgen's own dependencies: main() says so in one line
    if getattr(e, "name", None) not in ("yaml", "jsonschema"):
        raise
    model_mod = None
    MISSING = e.name
from kbgen import project  # noqa: E402

PROJECT = project.ROOT  # = model.PROJECT


def _load(args):
    try:
        return model_mod.load(args.kb, args.recommendations)
    except model_mod.KBError as e:
        for p in e.problems:
            sys.stderr.write("%s\n" % p)
        sys.stderr.write("kbgen: %d problem(s) in the knowledge base\n" % len(e.problems))
        raise SystemExit(2)


def cmd_check(args):
    m = _load(args)
    from kbgen import inputs
    warned = ["%s: warning: %s" % (e["file"], w) for e in m.entries for w in inputs.warnings(e)]
    print("kb: %d entries, %d recommendations, all valid%s" % (
        len(m.entries), len(m.recommendations),
        "; %d warning(s): inputs some source never holds (the entry skips there, saying so)" % len(warned)
        if warned else ""))
    for w in warned:   # (not errors: the report of what some sources cannot judge, after the verdict line)
        print(w)
    return 0


def _bundle(bundle, cat, path, into):
    try:
        into["pyz"] = bundle.write(cat, path)
    except BaseException as e:  # raised again by build(), in its own thread
        into["error"] = e


def build(m, out, site=True, strict=True, quiet=False, offline=None):
    """Build every output from one loaded model. -> dict of paths. offline: also make the site work
    from file:// (search included); default from KBGEN_OFFLINE."""
    import json

    from kbgen import bundle, compiler, site as site_mod
    t0 = time.time()
    if not os.path.isdir(out):
        os.makedirs(out)
    cat = compiler.compile_catalog(m)
    with open(os.path.join(out, "catalog.json"), "w") as f:
        json.dump(cat, f, sort_keys=True, indent=1)
    # The bundle's bytecode is compiled by one process per Python (bundle.precompile), which this
    # thread waits for while the pages are written here.
    bundled = {}
    worker = threading.Thread(target=_bundle, args=(bundle, cat, os.path.join(out, "kbcheck.pyz"), bundled))
    worker.start()
    docs = os.path.join(out, "docs")
    extra = {}
    if offline is None:
        offline = os.environ.get("KBGEN_OFFLINE", "").lower() in ("1", "true", "yes")
    try:
        from kbgen import pages
    except ImportError:
        pages = None
    try:
        if pages is not None:
            extra = pages.extra_pages(m, cat, offline=offline)
        site_mod.write_docs(m, os.path.join(PROJECT, "site"), docs, cat, extra)
    except Exception as e:
        if type(e).__name__ not in ("SiteError", "PagesError"):
            raise
        sys.stderr.write("kbgen: %s\n" % e)
        raise SystemExit(1)
    finally:
        worker.join()
    if "error" in bundled:
        raise bundled["error"]
    pyz = bundled["pyz"]
    paths = {"catalog": os.path.join(out, "catalog.json"), "pyz": pyz}
    dl = os.path.join(docs, "download")
    if not os.path.isdir(dl):
        os.makedirs(dl)
    import shutil
    shutil.copy(pyz, os.path.join(dl, "kbcheck.pyz"))
    paths["docs"] = docs
    if site:
        site_dir = os.path.join(out, "site")
        # not `mkdocs -q`: it hides warnings from --strict, so a broken link would pass
        rc, said = site_mod.run_mkdocs(docs, site_dir, os.path.join(PROJECT, "mkdocs.yml"), strict=strict,
                                       offline=offline, schema=os.path.join(m.kb_dir, model_mod.SCHEMA_FILE))
        for line in said:
            sys.stderr.write("%s\n" % line)
        if rc != 0:
            sys.stderr.write("kbgen: the site build failed (mkdocs exit %d)\n" % rc)
            raise SystemExit(1)
        paths["site"] = site_dir
    if not quiet:
        print("kbgen: built %d entries (kb %s) in %.1fs: %s" % (len(m.entries), cat["kb_version"], time.time() - t0,
                                                                ", ".join("%s=%s" % kv for kv in sorted(paths.items()))))
        if site:
            from kbgen import serving
            if offline:
                print("kbgen: open %s from the file system (search works there too), or serve it: %s" % (
                    os.path.join(serving.shown_path(paths["site"]), "index.html"), serving.serve_text(paths["site"])))
            else:
                print("kbgen: serve the site (its search needs a web server; kbgen build --offline makes one "
                      "that also searches from file://): %s" % serving.serve_text(paths["site"]))
    return paths


def cmd_build(args):
    m = _load(args)
    build(m, os.path.abspath(args.out), site=not args.no_site, strict=not args.no_strict,
          offline=True if args.offline else None)
    return 0


def cmd_test(args):
    import fnmatch

    from kbgen import compiler, scenarios
    m = _load(args)
    failed = total = 0
    for data in compiler.compile_catalog(m)["entries"]:
        if args.id and not any(fnmatch.fnmatchcase(data["id"], p) for p in args.id):
            continue
        e = m.by_id[data["id"]]
        ce = compiler.entry(e)
        for i, sc in enumerate(e["scenarios"]):
            total += 1
            _, probs = scenarios.run(ce, sc)
            if probs:
                failed += 1
                print("FAIL %s:%d: scenario %r: %s" % (e["file"], e["scenario_lines"][i], sc["name"], "; ".join(probs)))
    print("%d passed, %d failed" % (total - failed, failed))
    return 1 if failed else 0


def cmd_new(args):
    from kbgen import scaffold
    path = scaffold.write(args.name, args.kb or os.path.join(PROJECT, "kb"))
    print("kbgen: wrote %s; fill in the TODOs, then run `kbgen test --id %s`" % (path, os.path.basename(path)[:-5]))
    return 0


def main(argv=None):
    if MISSING:
        sys.stderr.write("kbgen needs PyYAML and jsonschema: pip install '.[gen]' (%s is missing)\n" % MISSING)
        return 2
    p = argparse.ArgumentParser(prog="kbgen", description="Compile the kbcheck knowledge base.")
    p.add_argument("--kb", help="the kb/ directory (default: the project's)")
    p.add_argument("--recommendations", help="the recommendation list (default: recommendations.yaml of the kb/ directory)")
    sub = p.add_subparsers(dest="cmd")
    sub.add_parser("check", help="validate kb/ only")
    b = sub.add_parser("build", help="build the catalog, the bundled runner and the site")
    b.add_argument("--out", default=os.path.join(PROJECT, "build"))
    b.add_argument("--no-site", action="store_true", help="skip the mkdocs build")
    b.add_argument("--no-strict", action="store_true", help="do not pass --strict to mkdocs")
    b.add_argument("--offline", action="store_true",
                   help="a site that also works from file:// (fetches the iframe-worker shim with npm)")
    t = sub.add_parser("test", help="run every entry's scenarios")
    t.add_argument("--id", action="append", default=[])
    n = sub.add_parser("new", help="scaffold a new entry: kbgen new AREA/ID")
    n.add_argument("name")
    args = p.parse_args(argv)
    if not args.cmd:
        p.print_help()
        return 2
    try:
        return {"check": cmd_check, "build": cmd_build, "test": cmd_test, "new": cmd_new}[args.cmd](args)
    except SystemExit as e:
        return e.code
    except KeyboardInterrupt:
        sys.stderr.write("kbgen: interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
