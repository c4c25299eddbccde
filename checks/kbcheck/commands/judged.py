"""`kbcheck explain ID --root DIR` (or --supportconfig PATH): the entry judged on that input, each
result with the inputs that decided it (kbcheck.evidence), for the one who doubts a verdict."""
from kbcheck.textsafe import visible


def judged(entry, catalog, args):
    """The text that follows the entry's page: where it was judged, its results and their evidence."""
    from kbcheck import detect, runner
    from kbcheck.applies import applicability
    from kbcheck.commands.assume import check_assume
    from kbcheck.commands.options import open_chain
    from kbcheck.facts import Host
    from kbcheck.reporters.text import evidence_lines
    from kbcheck.results import build
    assumed = check_assume(args.assume, catalog)
    source = open_chain(args)
    try:
        host = Host(source, assume=assumed)
        raw = runner.run([entry], host, timeout=args.timeout)
        info = detect.summary(host)
        report = build(raw, info, kb_version=catalog.version, notices=source.notices)
        lines = ["Judged on %s (%s)" % (info.get("location") or "?", info.get("source") or "?"),
                 "  %s; %s" % (info.get("product_name") or info.get("product") or "unknown product",
                               ", ".join(detect.ROLE_LABELS.get(r, r) for r in info.get("roles") or [])
                               or "no role detected")]
        why = applicability(entry, host)
        for r in report.results:
            subj = ((" (%s)" % ", ".join(r.covers)) if r.covers else "") + ((" [%s]" % r.subject) if r.subject else "")
            lines.append("  %-5s %s%s: %s" % (r.status.upper(), entry.id, subj, r.message))
            ev = evidence_lines(r, indent="        ")
            lines.extend(ev or ["        (no input decided it: %s)" % (why or "the entry does not apply here")])
        for n in report.notices:
            lines.append("  note: " + n)
        return "\n".join(visible(line) for line in lines) + "\n"
    finally:
        source.close()
