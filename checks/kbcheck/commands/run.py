"""`kbcheck [options]`: judge this host or a copy of one, and report. Exit codes: 0 no fail and
no error; 1 at least one fail; 3 errors but no fail; 2 bad usage or an unusable catalog/input."""
import sys

from kbcheck import __version__
from kbcheck import reporters
from kbcheck.commands.arguments import add_common, help_declarations, open_chain, quick


def build_parser(declared=None, parser=None):
    """The argument parser of `kbcheck [options]` (parser: what to fill instead of an argparse
    parser, the Recorder that kbcheck.commands.arguments.quick reads the options from)."""
    if parser is None:
        from kbcheck.commands.options import Parser as parser
    p = parser(prog="kbcheck", description="Check a SUSE Linux Enterprise KVM or Xen host, or a guest, "
               "against the virtualization best practices of the kbcheck knowledge base.",
               epilog="Exit codes: 0 no failure and no error (waived results do not count); 1 at least one "
               "failure; 3 errors but no failure; 4 none of the selected entries applies to this host (nothing "
               "judged); 2 bad usage or unusable input; 130 interrupted. Other "
               "commands (give the command first): `kbcheck explain ID`, `kbcheck fix --script FILE`, "
               "`kbcheck report DIR`.")
    add_common(p, declared)
    p._action_groups[-1].add_argument("--list", action="store_true",
                                      help="list the entries that would run, and why others would not")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=reporters.NAMES, default="text", help=reporters.help_text())
    out.add_argument("--output", metavar="FILE", help="write the report to FILE (atomically) instead of standard output")
    out.add_argument("-v", "--verbose", action="store_true", help="show pass and skip results too")
    out.add_argument("--show-fix", action="store_true", help="print the product's fix under each failure")
    p.add_argument("--version", action="store_true", help="print the kbcheck and knowledge-base versions")
    return p


def write(text, path):
    """The report to FILE (atomically), or to standard output (kbcheck.atomic.output)."""
    from kbcheck import atomic
    atomic.output(text, path)


def bound(timeout):
    """How long reading the host's summary (or --list's applicability) may take: the guests
    may be read then (runner.GUESTS_BUDGET), 0 = no deadline."""
    from kbcheck.runner import GUESTS_BUDGET
    return max(GUESTS_BUDGET, 4 * timeout) if timeout else 0


def judge(args, cat, chosen, source, host):
    """Run the chosen entries on host -> the run's Report (kbcheck.results), waivers applied."""
    import time

    from kbcheck import detect, results, runner
    waivers = None
    if args.waivers:
        from kbcheck import waivers as waivers_mod
        waivers = waivers_mod.load(args.waivers)  # a malformed file stops before any probe runs
    t0 = time.time()
    raw = runner.run(chosen, host, timeout=args.timeout)
    t1 = time.time()
    from kbcheck.timeouts import bounded
    info, done = bounded(lambda: detect.summary(host), bound(args.timeout))
    if not done:
        info = detect.fallback(host, "the host's summary was not read within %g s (the host does not answer)"
                               % bound(args.timeout))
    return results.build(raw, info, kb_version=cat.version, notices=source.notices,
                         run={"started": t0, "ended": t1, "seconds": t1 - t0}, waivers=waivers,
                         ran_ids=[e.id for e in chosen], known_ids=list(cat.by_id))


def main(argv):
    # a plain command line without argparse (the same namespace); anything else through argparse
    args = quick(argv, build_parser) or build_parser(help_declarations(argv)).parse_args(argv)
    from kbcheck import catalog as catalog_mod
    cat = catalog_mod.load(args.catalog)
    if args.version:
        sys.stdout.write("kbcheck %s, knowledge base %s (%d entries)\n" % (__version__, cat.version, len(cat.entries)))
        return 0
    from kbcheck import select
    from kbcheck.commands.assume import check_assume
    from kbcheck.facts import Host
    assumed = check_assume(args.assume, cat)
    chosen, left = select.select(cat, tags=args.tag, ids=args.id, exclude_tags=args.exclude_tag,
                                 min_severity=args.severity)
    if args.waivers and not args.list:
        from kbcheck import waivers as waivers_mod
        waivers_mod.load(args.waivers)  # report a malformed file before reading the host
    source = open_chain(args)
    try:
        host = Host(source, assume=assumed)
        if args.list:
            from kbcheck.commands import listing
            from kbcheck.timeouts import bounded
            text, done = bounded(lambda: listing.render(cat, left, host), bound(args.timeout))
            if not done:
                text = listing.render(cat, left, None, "the host was not read within %g s (it does not answer): "
                                      "what applies here is not shown" % bound(args.timeout))
            write(text, args.output)
            return 0
        report = judge(args, cat, chosen, source, host)
        options = reporters.Options(verbose=args.verbose, show_fix=args.show_fix,
                                    terminal=None if args.output else sys.stdout)
        write(reporters.render(args.format, report, options), args.output)
        from kbcheck import lifetime
        lifetime.keep(cat, host, report)  # for the process's exit to drop at once (kbcheck.lifetime)
        return report.exit_code()
    finally:
        source.close()
