"""`kbcheck report DIR`: merge the JSON reports of many hosts (one file per host, as the Ansible
playbook in fleet/ fetches them) into a terminal summary, a self-contained HTML page and one
merged JSON document (kbcheck.fleet: merge, text, html).

Exit codes: 0 no host has a failure or an error and every host was judged; 1 at least one host
has a failure; 3 no failure, but a host has an error or could not be judged (unreachable, no
Python 3.6+, kbcheck failed there, or its file is malformed); 2 bad usage (no such folder, no host
files).
"""
import json
import os
import sys
import time

from kbcheck import atomic
from kbcheck.commands.options import Parser
from kbcheck.errors import UsageError
from kbcheck.fleet import merge as merge_mod
from kbcheck.textsafe import visible


def build_parser():
    p = Parser(prog="kbcheck report",
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
    p.hint_commands = False  # a command word here is a misplaced argument, not a command
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


def site_url(url):
    """--site-url: an http(s) address or a relative one (no other scheme: a javascript: or data:
    link in the report would run in the reader's browser); UsageError otherwise."""
    import re
    if re.search(r"[\x00-\x20\x7f-\x9f\\\\]", url):
        raise UsageError("--site-url %r: no blanks, control characters or backslashes in an address" % url)
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        raise UsageError("--site-url %r: give an http:// or https:// address, or a relative one" % url)
    if scheme and not re.match(r"^https?://[^/?#]", url, re.I):
        raise UsageError("--site-url %r: an http(s) address needs a host (http://HOST/...)" % url)
    return url


def main(argv):
    args = build_parser().parse_args(argv)
    if args.site_url:
        site_url(args.site_url)
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
        sys.stderr.write("kbcheck report: %s; left out\n" % visible(h.message))
    generated = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    if args.json:
        atomic.write(args.json, json.dumps(merge_mod.document(fleet, args.site_url, generated), indent=1, sort_keys=False) + "\n")
    if args.html:
        from kbcheck.fleet import html
        atomic.write(args.html, html.render(fleet, args.site_url, generated, args.title))
    if not args.quiet:
        from kbcheck.fleet import text
        lines = [text.render(fleet, verbose=args.verbose)]
        for what, path in (("HTML", args.html), ("JSON", args.json)):
            if path:
                lines.append("%s report: %s\n" % (what, path))
        atomic.output(visible("".join(lines), block=True))
    return fleet.exit_code()
