"""`kbcheck fix --script FILE`: a bash script applying the product's fix for every failure found
here, to review and then run by hand (kbcheck never runs it; kbcheck.fixscript writes it)."""
import os
import sys

from kbcheck.commands.options import Parser, add_common, help_declarations, open_chain


def build_parser(declared=None):
    p = Parser(prog="kbcheck fix", description="Write a bash script that applies the product's fix for "
               "every failure found here, to review and then run by hand (kbcheck never runs it).",
               epilog="Run the script as root after reading it; KBCHECK_FIX_ROOT=DIR bash FILE applies it "
               "to a copied root tree instead (see README, Fix scripts).")
    p.add_argument("--script", metavar="FILE", required=True, help="where to write the script (atomically)")
    add_common(p, declared)
    return p


def main(argv):
    args = build_parser(help_declarations(argv)).parse_args(argv)
    from kbcheck import atomic, fixscript, select
    from kbcheck import catalog as catalog_mod
    from kbcheck.commands.assume import check_assume
    from kbcheck.commands.run import judge
    from kbcheck.facts import Host
    cat = catalog_mod.load(args.catalog)
    assumed = check_assume(args.assume, cat)
    chosen, _ = select.select(cat, tags=args.tag, ids=args.id, exclude_tags=args.exclude_tag,
                              min_severity=args.severity)
    if args.waivers:
        from kbcheck import waivers as waivers_mod
        waivers_mod.load(args.waivers)
    source = open_chain(args)
    try:
        host = Host(source, assume=assumed)
        report = judge(args, cat, chosen, source, host)
        text, steps, left_out = fixscript.generate(report, host.era, name=os.path.basename(args.script))
    finally:
        source.close()
    atomic.write(args.script, text)
    try:
        os.chmod(args.script, 0o644)
    except OSError:
        pass
    for n in report.notices:
        sys.stderr.write("kbcheck: note: %s\n" % n)
    sys.stdout.write("kbcheck: wrote %s: %d step(s) for %d failure(s)%s. Review it, then run it as root: bash %s\n" % (
        args.script, steps, report.summary["fail"],
        (", %d failure(s) left for a person (see the top of the script)" % left_out) if left_out else "",
        args.script))
    return 0
