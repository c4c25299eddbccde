"""`kbcheck [options]`: judge this host or a copy of one, and report. Exit codes: 0 no fail and
no error; 1 at least one fail; 3 errors but no fail; 2 bad usage or an unusable catalog/input."""
import sys

from kbcheck import __version__
from kbcheck.commands.options import Parser, add_common, help_declarations

FORMATS = ("text", "json", "junit", "prometheus")


def build_parser(declared=None):
    p = Parser(prog="kbcheck", description="Check a SUSE Linux Enterprise KVM or Xen host, or a guest, "
               "against the virtualization best practices of the kbcheck knowledge base.",
               epilog="Exit codes: 0 no failure and no error (waived results do not count); 1 at least one "
               "failure; 3 errors but no failure; 2 bad usage or unusable input; 130 interrupted. Other "
               "commands (give the command first): `kbcheck explain ID`, `kbcheck fix --script FILE`, "
               "`kbcheck report DIR`.")
    add_common(p, declared)
    p._action_groups[-1].add_argument("--list", action="store_true",
                                      help="list the entries that would run, and why others would not")
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="text",
                     help="text (default), json (README: JSON output), junit (XML for CI), prometheus "
                     "(node_exporter textfile collector)")
    out.add_argument("--output", metavar="FILE", help="write the report to FILE (atomically) instead of standard output")
    out.add_argument("-v", "--verbose", action="store_true", help="show pass and skip results too")
    out.add_argument("--show-fix", action="store_true", help="print the product's fix under each failure")
    p.add_argument("--version", action="store_true", help="print the kbcheck and knowledge-base versions")
    return p


def write(text, path):
    """The report to FILE (atomically), or to standard output."""
    if path:
        from kbcheck import atomic
        atomic.write(path, text)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def judge(args, cat, chosen, source, host):
    """Run the chosen entries and apply waivers -> (results, waived, summary, notices, run_info)."""
    import time

    from kbcheck import runner
    waivers = None
    if args.waivers:
        from kbcheck import waivers as waivers_mod
        waivers = waivers_mod.load(args.waivers)  # a malformed file stops before any probe runs
    t0 = time.time()
    results = runner.run(chosen, host, timeout=args.timeout)
    t1 = time.time()
    notices = list(source.notices)
    waived = {}
    if waivers is not None:
        from kbcheck import waivers as waivers_mod
        waived, more = waivers_mod.apply(waivers, results, [e.id for e in chosen], list(cat.by_id))
        notices.extend(more)
    summ = dict((k, 0) for k in ("pass", "fail", "warn", "info", "skip", "error"))
    for i, (_, r, _) in enumerate(results):
        if i not in waived:
            summ[r.status] += 1
    summ["waived"] = len(waived)
    # results this run could not judge for lack of privileges (skip "needs root ..."): trust+live, additive
    summ["needs_root"] = sum(1 for i, (_, r, _) in enumerate(results)
                             if i not in waived and r.status == "skip" and r.message.startswith("needs root"))
    return results, waived, summ, notices, {"started": t0, "ended": t1, "seconds": t1 - t0}


def main(argv):
    args = build_parser(help_declarations(argv)).parse_args(argv)
    from kbcheck import catalog as catalog_mod
    cat = catalog_mod.load(args.catalog)
    if args.version:
        sys.stdout.write("kbcheck %s, knowledge base %s (%d entries)\n" % (__version__, cat.version, len(cat.entries)))
        return 0
    from kbcheck import detect, runner, select
    from kbcheck.commands.assume import check_assume
    from kbcheck.facts import Host
    assumed = check_assume(args.assume, cat)
    chosen, left = select.select(cat, tags=args.tag, ids=args.id, exclude_tags=args.exclude_tag,
                                 min_severity=args.severity)
    if args.waivers and not args.list:
        from kbcheck import waivers as waivers_mod
        waivers_mod.load(args.waivers)  # report a malformed file before reading the host
    from kbcheck.sources.choose import make_source
    source = make_source(args)
    try:
        host = Host(source, assume=assumed)
        if args.list:
            from kbcheck.commands import listing
            write(listing.render(cat, left, host), args.output)
            return 0
        results, waived, summ, notices, run_info = judge(args, cat, chosen, source, host)
        info = detect.summary(host)
        if args.format == "json":
            from kbcheck.report import json_report
            text = json_report.render(results, info, summ, cat.version, notices, waived=waived)
        elif args.format == "junit":
            from kbcheck.report import junit
            text = junit.render(results, info, summ, cat.version, notices, waived=waived, run_info=run_info)
        elif args.format == "prometheus":
            from kbcheck.report import prometheus
            text = prometheus.render(results, info, summ, cat.version, notices, waived=waived, run_info=run_info)
        else:
            from kbcheck.report import text as text_report
            fixes = None
            if args.show_fix:
                from kbcheck.commands.explain import fix_text
                fixes = dict((e.id, fix_text(e, host.era)) for e in chosen)
            color = text_report.use_color(sys.stdout) and not args.output
            text = text_report.render(results, info, summ, color=color, verbose=args.verbose,
                                      notices=notices, fixes=fixes, waived=waived)
        write(text, args.output)
        return runner.exit_code(summ)
    finally:
        source.close()
