"""The `kbcheck` command line. Exit codes: 0 no fail and no error; 1 at least one fail;
3 errors but no fail; 2 bad usage or an unusable catalog/input; 130 interrupted."""
import argparse
import os
import sys

from kbcheck import __version__
from kbcheck.errors import UsageError

EXIT_USAGE = 2
EXIT_INTERRUPT = 130


COMMANDS = ("explain", "fix", "report")


class _Parser(argparse.ArgumentParser):
    # argparse builds a help formatter for every add_argument(), and the formatter asks the
    # terminal for its width through shutil (which imports bz2, lzma, ...): ~2 ms of every run.
    # Give it a width, and ask the terminal only when help is really printed.
    _help_width = 100

    def _get_formatter(self):
        return self.formatter_class(prog=self.prog, width=self._help_width)

    def format_help(self):
        import shutil
        self._help_width = max(40, shutil.get_terminal_size().columns - 2)
        return argparse.ArgumentParser.format_help(self)

    def format_usage(self):
        import shutil
        self._help_width = max(40, shutil.get_terminal_size().columns - 2)
        return argparse.ArgumentParser.format_usage(self)

    def error(self, message):
        if message.startswith("unrecognized arguments:"):
            extra = message.split(":", 1)[1].split()
            for c in COMMANDS:
                if c in extra and not self.prog.endswith(" " + c):
                    rest = extra[extra.index(c) + 1:]
                    raise UsageError("%r is a command: put the command first: kbcheck %s%s (its own options "
                                     "follow it; see `kbcheck %s --help`)" % (
                                         c, c, (" " + " ".join(rest)) if rest else " ...", c))
        raise UsageError("%s (see `%s --help`)" % (message, self.prog))


def _timeout(text):
    """--timeout: seconds, a positive number; 0 means no deadline."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number of seconds" % text)
    if v != v or v < 0 or v == float("inf"):
        raise argparse.ArgumentTypeError("%r: give a positive number of seconds, or 0 for no deadline" % text)
    return v


def _assume(text):
    if "=" not in text:
        raise argparse.ArgumentTypeError("expected NAME=VALUE, e.g. role=kvm_host")
    k, _, v = text.partition("=")
    return (k.strip(), v.strip())


# --assume product=: what kbcheck.parsers.osrelease.product() can detect (sle11 rules for sle11,
# the SLE 12 rules for everything else)
PRODUCTS = ("sle11", "sle12", "sle15", "sle16", "suse-other", "other")
YES = ("yes", "true", "1")
NO = ("no", "false", "0")
_DECLARED = r"""\bhost\.declared\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""


def declarations(cat):
    """{name: [entry ids]} of the declarations the catalog's probes read (host.declared("NAME")):
    the catalog's `declarations` (kbgen.catalog collects them), or found in the probes' code."""
    got = cat.data.get("declarations") if cat is not None else None
    if isinstance(got, dict):
        return got
    import re
    out = {}
    for e in (cat.entries if cat is not None else []):
        for name in re.findall(_DECLARED, e.code or ""):
            out.setdefault(name, []).append(e.id)
    return out


def assume_help(names=None):
    """The --assume help, built from detect.ROLES, PRODUCTS and the catalog's declarations."""
    from kbcheck.detect import ROLES
    decl = ("; declarations, NAME=yes|no: %s" % ", ".join(sorted(names))) if names else \
        "; NAME=yes|no for a declaration the knowledge base reads (README: Declarations)"
    return ("declare a fact instead of detecting it (repeatable): role=ROLE[,ROLE...] with ROLE one of %s; "
            "product=one of %s%s" % (", ".join(ROLES), ", ".join(PRODUCTS), decl))


def check_assume(pairs, cat):
    """Validate --assume NAME=VALUE pairs against detect.ROLES, PRODUCTS and the catalog's
    declarations -> {name: value} (declarations as "yes"/"no"). UsageError (exit 2) naming the
    problem, with a suggestion, for anything else."""
    from kbcheck.detect import ROLES
    from kbcheck.select import _suggest
    decl = declarations(cat)
    out = {}
    for name, value in pairs:
        if name == "role":
            roles = [r.strip() for r in value.split(",") if r.strip()]
            if not roles:
                raise UsageError("--assume role= needs a role: %s (comma-separated for several)" % ", ".join(ROLES))
            for r in roles:
                if r not in ROLES:
                    raise UsageError("--assume role=%s: unknown role %r%s; roles: %s" % (
                        value, r, _suggest(r, ROLES), ", ".join(ROLES)))
            out[name] = ",".join(roles)
        elif name == "product":
            if value not in PRODUCTS:
                raise UsageError("--assume product=%s: unknown product%s; products: %s" % (
                    value, _suggest(value, PRODUCTS), ", ".join(PRODUCTS)))
            out[name] = value
        elif name in decl:
            v = value.lower()
            if v not in YES + NO:
                raise UsageError("--assume %s=%s: a declaration is yes or no (also true/false, 1/0)" % (name, value))
            out[name] = "yes" if v in YES else "no"
        else:
            known = ["role", "product"] + sorted(decl)
            raise UsageError("--assume %s: unknown name%s; known: %s" % (
                name or "''", _suggest(name, known), ", ".join(known)))
    return out


FORMATS = ("text", "json", "junit", "prometheus")


def _add_common(p, declared=None):
    """Source, selection and run options shared by `kbcheck` and `kbcheck fix`. declared: the
    declaration names for the --assume help (None: described, not listed)."""
    src = p.add_argument_group("what to read")
    src.add_argument("--root", metavar="DIR", help="judge a copied root tree (a snapshot or an extracted sosreport) instead of this host")
    src.add_argument("--supportconfig", metavar="PATH", help="judge a supportconfig archive (tarball or extracted directory)")
    src.add_argument("--connect", metavar="URI", help="libvirt URI to read guests from, read-only (default: the detected hypervisor's system URI)")
    src.add_argument("--assume", metavar="NAME=VALUE", action="append", type=_assume, default=[],
                     help=assume_help(declared))
    sel = p.add_argument_group("what to run")
    sel.add_argument("--tag", action="append", default=[], help="only entries with this tag (repeatable: any of)")
    sel.add_argument("--exclude-tag", action="append", default=[], metavar="TAG",
                     help="leave out entries with this tag (repeatable)")
    sel.add_argument("--id", action="append", default=[], help="only this entry (repeatable; glob patterns allowed)")
    sel.add_argument("--severity", metavar="LEVEL", help="only entries of this severity or higher: low, medium, high, critical")
    sel.add_argument("--waivers", metavar="FILE", help="accepted deviations with a reason and an expiry date (see README, Waivers)")
    p.add_argument("--timeout", metavar="SECONDS", type=_timeout, default=5.0,
                   help="deadline for each probe and each read, in seconds (default 5; 0 = no deadline)")
    p.add_argument("--catalog", metavar="FILE", help="use this compiled catalog (default: the bundled one)")


def build_parser(declared=None):
    p = _Parser(prog="kbcheck", description="Check a SUSE Linux Enterprise KVM or Xen host, or a guest, "
                "against the virtualization best practices of the kbcheck knowledge base.",
                epilog="Exit codes: 0 no failure and no error (waived results do not count); 1 at least one "
                "failure; 3 errors but no failure; 2 bad usage or unusable input; 130 interrupted. Other "
                "commands (give the command first): `kbcheck explain ID`, `kbcheck fix --script FILE`, "
                "`kbcheck report DIR`.")
    _add_common(p, declared)
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


def build_fix_parser(declared=None):
    p = _Parser(prog="kbcheck fix", description="Write a bash script that applies the product's fix for "
                "every failure found here, to review and then run by hand (kbcheck never runs it).",
                epilog="Run the script as root after reading it; KBCHECK_FIX_ROOT=DIR bash FILE applies it "
                "to a copied root tree instead (see README, Fix scripts).")
    p.add_argument("--script", metavar="FILE", required=True, help="where to write the script (atomically)")
    _add_common(p, declared)
    return p


def _write(text, path):
    if not path:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UsageError("cannot write %s: %s" % (path, e.strerror or e))


def cmd_list(catalog, chosen, left, host):
    """What would run here (+), what is selected but does not apply here (~), what the options
    leave out (-), each with the reason."""
    from kbcheck.runner import applicability
    rows = []
    for e in catalog.entries:
        if e.id in left:
            why, mark = left[e.id], "-"
        else:
            why = applicability(e, host) if host is not None else None
            mark = "~" if why else "+"
        rows.append((mark, e, why))
    counts = dict((m, sum(1 for r in rows if r[0] == m)) for m in "+~-")
    width = max([len(e.id) for e in catalog.entries] + [10])
    lines = []
    titles = (("+", "Runs here"), ("~", "Selected, but not applicable here"), ("-", "Left out by the options"))
    for mark, title in titles:
        group = [r for r in rows if r[0] == mark]
        if not group:
            continue
        lines.append("%s (%d)" % (title, len(group)))
        for _, e, why in group:
            # mark, id, severity, section, probe hash, title (tests/test_drift.py reads the hash here)
            lines.append("%s %-*s %-8s %-7s %-12s %s" % (mark, width, e.id, e.severity, e.section or "-",
                                                         e.code_hash[:12] or "-", e.title))
            if why:
                lines.append("  %*s %s" % (width, "", why))
        lines.append("")
    tags = sorted(set(t for e in catalog.entries for t in e.tags))
    lines.append("%d run here, %d not applicable here, %d left out; knowledge base %s, %d entries" % (
        counts["+"], counts["~"], counts["-"], catalog.version, len(catalog.entries)))
    lines.append("tags: " + " ".join(tags))
    return "\n".join(lines) + "\n"


def build_explain_parser():
    p = _Parser(prog="kbcheck explain", description="Show an entry: what, why, where it applies, how to check, the fix.")
    p.add_argument("id", metavar="ID", help="the entry's id (`kbcheck --list` shows them)")
    p.add_argument("--timeout", metavar="SECONDS", type=_timeout, default=5.0,
                   help="deadline for each probe and each read, in seconds (default 5; 0 = no deadline)")
    p.add_argument("--catalog", metavar="FILE", help="use this compiled catalog (default: the bundled one)")
    return p


def parsers(declared=None):
    """Every command's argument parser, by its command line: for the CLI reference and the README test."""
    from kbcheck.fleet import build_parser as build_report_parser
    return [("kbcheck", build_parser(declared)), ("kbcheck explain", build_explain_parser()),
            ("kbcheck fix", build_fix_parser(declared)), ("kbcheck report", build_report_parser())]


def cmd_explain(argv):
    from kbcheck import catalog as catalog_mod
    from kbcheck.explain import render
    args = build_explain_parser().parse_args(argv)
    cat = catalog_mod.load(args.catalog)
    e = cat.by_id.get(args.id)
    if e is None:
        from kbcheck.select import _suggest
        raise UsageError("no entry %r%s" % (args.id, _suggest(args.id, cat.by_id)))
    sys.stdout.write(render(e, cat))
    return 0


def _check(args, cat, chosen, source, host):
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


def _help_declarations(argv):
    """For --help: the declaration names of the catalog this run would use (None when none loads)."""
    if "-h" not in argv and "--help" not in argv:
        return None
    path = None
    for i, a in enumerate(argv):
        if a == "--catalog" and i + 1 < len(argv):
            path = argv[i + 1]
        elif a.startswith("--catalog="):
            path = a.split("=", 1)[1]
    try:
        from kbcheck import catalog as catalog_mod
        return sorted(declarations(catalog_mod.load(path)))
    except UsageError:
        return None


def run(argv):
    args = build_parser(_help_declarations(argv)).parse_args(argv)
    from kbcheck import catalog as catalog_mod
    cat = catalog_mod.load(args.catalog)
    if args.version:
        sys.stdout.write("kbcheck %s, knowledge base %s (%d entries)\n" % (__version__, cat.version, len(cat.entries)))
        return 0
    from kbcheck import detect, runner, select
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
            _write(cmd_list(cat, chosen, left, host), args.output)
            return 0
        results, waived, summ, notices, run_info = _check(args, cat, chosen, source, host)
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
                from kbcheck.explain import fix_text
                fixes = dict((e.id, fix_text(e, host.era)) for e in chosen)
            color = text_report.use_color(sys.stdout) and not args.output
            text = text_report.render(results, info, summ, color=color, verbose=args.verbose,
                                      notices=notices, fixes=fixes, waived=waived)
        _write(text, args.output)
        return runner.exit_code(summ)
    finally:
        source.close()


def cmd_fix(argv):
    args = build_fix_parser(_help_declarations(argv)).parse_args(argv)
    from kbcheck import catalog as catalog_mod
    from kbcheck import detect, fixscript, select
    from kbcheck.facts import Host
    cat = catalog_mod.load(args.catalog)
    assumed = check_assume(args.assume, cat)
    chosen, _ = select.select(cat, tags=args.tag, ids=args.id, exclude_tags=args.exclude_tag,
                              min_severity=args.severity)
    if args.waivers:
        from kbcheck import waivers as waivers_mod
        waivers_mod.load(args.waivers)
    from kbcheck.sources.choose import make_source
    source = make_source(args)
    try:
        host = Host(source, assume=assumed)
        results, waived, summ, notices, _ = _check(args, cat, chosen, source, host)
        info = detect.summary(host)
        text, steps, left_out = fixscript.generate(results, info, host.era, cat.version, waived,
                                                   name=os.path.basename(args.script))
    finally:
        source.close()
    _write(text, args.script)
    try:
        os.chmod(args.script, 0o644)
    except OSError:
        pass
    for n in notices:
        sys.stderr.write("kbcheck: note: %s\n" % n)
    sys.stdout.write("kbcheck: wrote %s: %d step(s) for %d failure(s)%s. Review it, then run it as root: bash %s\n" % (
        args.script, steps, summ.get("fail", 0),
        (", %d failure(s) left for a person (see the top of the script)" % left_out) if left_out else "",
        args.script))
    return 0


def python_too_old():
    """The one-line refusal on Python older than 3.6, or None."""
    if sys.version_info < (3, 6):
        return "kbcheck needs Python 3.6 or newer; this is Python %d.%d" % tuple(sys.version_info[:2])
    return None


def main(argv=None):
    old = python_too_old()
    if old:
        sys.stderr.write(old + "\n")
        return EXIT_USAGE
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "kbcheck"
    try:
        if argv and argv[0] == "explain":
            return cmd_explain(argv[1:])
        if argv and argv[0] == "fix":
            return cmd_fix(argv[1:])
        if argv and argv[0] == "report":
            from kbcheck import fleet
            prog = "kbcheck report"
            return fleet.run(argv[1:])
        return run(argv)
    except UsageError as e:
        sys.stderr.write("%s: %s\n" % (prog, e))
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % prog)
        return EXIT_INTERRUPT
    except BrokenPipeError:
        return 0
