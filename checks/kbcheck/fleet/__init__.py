"""`kbcheck report DIR`: merge the JSON reports of many hosts (one file per host, as the Ansible
playbook in fleet/ fetches them) into a terminal summary, a self-contained HTML page and one
merged JSON document.

Exit codes: 0 no host has a failure or an error and every host was judged; 1 at least one host
has a failure; 3 no failure, but a host has an error or could not be judged (unreachable, no
Python 3.6+, kbcheck failed there, or its file is malformed); 2 bad usage (no such folder, no host
files).
"""
import argparse
import json
import os
import sys
import time

from kbcheck.errors import UsageError
from kbcheck.fleet import merge as merge_mod



class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError("%s (see `kbcheck report --help`)" % message)


def build_parser():
    p = _Parser(prog="kbcheck report",
                description="Merge the kbcheck JSON reports of many hosts (DIR/<host>.json, one per host, "
                "e.g. fetched by the Ansible playbook fleet/kbcheck.yml) into one report: a summary on the "
                "terminal, worst entries first; --html and --json write the full report.",
                epilog="Exit codes: 0 no failure and no error on any host, every host judged; 1 a host has a "
                "failure; 3 no failure, but an error or a host not judged (unreachable, no Python 3.6+, "
                "kbcheck failed, malformed file); 2 bad usage.")
    p.add_argument("directory", metavar="DIR", help="folder of per-host JSON files (kbcheck --format json)")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report (no network needed to view it)")
    p.add_argument("--json", metavar="FILE", help="write the merged report as one JSON document")
    p.add_argument("--site-url", metavar="URL", default="",
                   help="where the kbcheck site is, for links to each entry's page (default: relative links, "
                   "entries/<area>/<id>.html, right when the HTML report sits in the site's folder)")
    p.add_argument("--title", metavar="TEXT", help="the HTML report's title")
    p.add_argument("--catalog", metavar="FILE",
                   help="catalog for the entries' areas in site links (default: the bundled one, when there is one)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list entries without problems and every host's counts")
    p.add_argument("-q", "--quiet", action="store_true", help="print no summary (only --html / --json files)")
    return p


def _areas(path):
    """entry id -> area from the catalog (None when no catalog is at hand and none was asked for)."""
    from kbcheck import catalog as catalog_mod
    try:
        cat = catalog_mod.load(path)
    except UsageError:
        if path:
            raise
        return None
    return dict((e.id, e.area) for e in cat.entries if e.area)


def _write(text, path):
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, path)
    except (IOError, OSError) as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UsageError("cannot write %s: %s" % (path, e.strerror or e))


def run(argv):
    args = build_parser().parse_args(argv)
    d = args.directory
    if not os.path.isdir(d):
        raise UsageError("no folder %s (give the folder the playbook fetched the hosts' JSON into)" % d)
    areas = _areas(args.catalog)
    try:
        fleet = merge_mod.merge(d, exclude=(args.html, args.json), areas=areas)
    except (IOError, OSError) as e:
        raise UsageError("cannot read %s: %s" % (d, e.strerror or e))
    if not fleet.hosts:
        raise UsageError("no host files (*.json) in %s" % d)
    for h in fleet.by_state("malformed"):
        sys.stderr.write("kbcheck report: %s; left out\n" % h.message)
    generated = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    if args.json:
        _write(json.dumps(merge_mod.document(fleet, args.site_url, generated), indent=1, sort_keys=False) + "\n", args.json)
    if args.html:
        from kbcheck.fleet import html
        _write(html.render(fleet, args.site_url, generated, args.title), args.html)
    if not args.quiet:
        from kbcheck.fleet import text
        sys.stdout.write(text.render(fleet, verbose=args.verbose))
        for what, path in (("HTML", args.html), ("JSON", args.json)):
            if path:
                sys.stdout.write("%s report: %s\n" % (what, path))
        sys.stdout.flush()
    return fleet.exit_code()


def main(argv=None):
    """`kbcheck report ...`: the command line's own error handling and exit codes apply."""
    from kbcheck.cli import main as cli_main
    return cli_main(["report"] + list(sys.argv[1:] if argv is None else argv))
