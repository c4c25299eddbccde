"""`kbcheck explain ID`: an entry in the terminal, from the compiled catalog."""
import textwrap

from kbcheck import fixview
from kbcheck.commands.options import Parser, add_inputs, add_timeout_and_catalog, help_declarations
from kbcheck.errors import UsageError

PRODUCT_NAMES = {"sle11": "SLE 11", "sle12": "SLE 12", "all": "all products"}


def _wrap(text, indent="  "):
    paras = [p.strip() for p in (text or "").strip().split("\n\n") if p.strip()]
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 96, initial_indent=indent, subsequent_indent=indent)
                       if not p.lstrip().startswith(("-", "*", "```", "|")) else textwrap.indent(p, indent)
                       for p in paras)


HYPERVISOR_NAMES = {"kvm": "KVM", "xen": "Xen", "containers": "container"}
SCOPES = {"host": "judged once for the whole machine", "guest": "judged once per libvirt guest"}


def _and(words):
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def applies_text(e):
    hyps = [HYPERVISOR_NAMES.get(h, h) for h in e.hypervisors]
    roles = e.roles
    prods = [PRODUCT_NAMES.get(p, p) for p in e.products]
    who = _and("%s %ss" % (_and(hyps), r) for r in roles)
    newer = " (newer products are judged by the SLE 12 rules)" if "SLE 12" in prods else ""
    return "%s running %s%s; %s" % (who, _and(prods), newer, SCOPES.get(e.scope, "scope " + e.scope))


def render(e, catalog):
    """The terminal page of one entry: what, why, where it applies, how to check, the fix per
    product, and which probe (by hash) judges it."""
    recs = catalog.recommendations
    lines = ["%s: %s" % (e.id, e.title), "=" * min(100, len(e.id) + len(e.title) + 2), ""]
    lines.append("Guide section %s; severity %s; tags %s" % (e.section, e.severity, ", ".join(e.tags)))
    lines.append("")
    lines.append("What to do")
    lines.append(_wrap(e.summary))
    lines.append("")
    lines.append("Why")
    lines.append(_wrap(e.rationale))
    lines.append("")
    covered = [rid for rid in e.covers]
    if covered:
        lines.append("Guide recommendations covered")
        for rid in covered:
            r = recs.get(rid)
            if r:
                lines.append(textwrap.fill("%s (%s, section %s): %s" % (rid, r.get("kind"), r.get("section"), r.get("text")),
                                           96, initial_indent="  ", subsequent_indent="    "))
            else:
                lines.append("  %s" % rid)
        lines.append("")
    lines.append("Applies to")
    lines.append(textwrap.fill(applies_text(e), 96, initial_indent="  ", subsequent_indent="  "))
    lines.append("")
    if e.inputs:
        from kbcheck import specs
        lines.append("Reads")
        for name in e.inputs:
            never = [specs.SOURCE_LABELS[s] for s, got in specs.coverage(name).items() if got is None] \
                if name in specs.table() else []
            lines.append(textwrap.fill("%s%s" % (name, (" (never in a %s)" % ", ".join(never)) if never else ""),
                                       96, initial_indent="  ", subsequent_indent="    "))
        lines.append("")
    lines.append("Check by hand")
    lines.append(textwrap.indent(e.manual.rstrip(), "  $ ") if e.manual else "  (no manual check)")
    lines.append("")
    variants = fixview.shown(e.fix)
    if not variants:
        lines.append("Fix")
        lines.append("  (this entry gives advice; it has no fix to apply)")
        lines.append("")
    for key, label in variants:
        t = fixview.render(e.fix[key])
        if t:
            lines.append("Fix (%s)" % label)
            lines.append(textwrap.indent(t.rstrip(), "  "))
            lines.append("")
    lines.append("Probe")
    lines.append("  hash %s (scope %s), written in %s; knowledge base %s" % (
        e.code_hash[:12] or "-", e.scope, e.source_file, catalog.version))
    lines.append("  run just this check: kbcheck --id %s    fix script: kbcheck fix --id %s --script FILE" % (e.id, e.id))
    return "\n".join(lines) + "\n"


def build_parser(declared=None):
    p = Parser(prog="kbcheck explain", description="Show an entry: what, why, where it applies, how to check, the fix; "
               "with --root or --supportconfig also its results on that input, each with the inputs that decided it.")
    p.add_argument("id", metavar="ID", help="the entry's id (`kbcheck --list` shows them)")
    add_inputs(p, declared)
    add_timeout_and_catalog(p)
    return p


def main(argv):
    from kbcheck import catalog as catalog_mod
    args = build_parser(help_declarations(argv)).parse_args(argv)
    cat = catalog_mod.load(args.catalog)
    e = cat.by_id.get(args.id)
    if e is None:
        from kbcheck.select import _suggest
        raise UsageError("no entry %r%s" % (args.id, _suggest(args.id, cat.by_id)))
    from kbcheck.atomic import output
    from kbcheck.textsafe import visible
    text = visible(render(e, cat), block=True)  # a catalog given with --catalog is data too
    from kbcheck.sources import INPUTS
    if any(getattr(args, o.lstrip("-").replace("-", "_")) for o, _, _, _ in INPUTS) or args.connect:
        from kbcheck.commands.judged import judged
        text += "\n" + judged(e, cat, args)
    output(text)
    return 0
