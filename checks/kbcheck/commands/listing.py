"""`kbcheck --list`: what would run here (+), what is selected but does not apply here (~), what
the options leave out (-), each with the reason. Every value is shown as kbcheck.textsafe.visible
makes it (a catalog given with --catalog is data too)."""
from kbcheck.textsafe import visible


def render(catalog, left, host, note=None):
    """left: {entry id: why the options leave it out}; host: the judged Host (None: not read);
    note: a line to print first (why the host was not read)."""
    from kbcheck.applies import applicability
    rows = []
    for e in catalog.entries:
        if e.id in left:
            why, mark = left[e.id], "-"
        else:
            try:
                why = applicability(e, host) if host is not None else None
            except Exception as ex:  # detection that crashed: said, not raised
                why = "cannot tell whether it applies: %s: %s" % (type(ex).__name__, ex)
            mark = "~" if why else "+"
        rows.append((mark, e, why))
    counts = dict((m, sum(1 for r in rows if r[0] == m)) for m in "+~-")
    width = max([len(e.id) for e in catalog.entries] + [10])
    lines = ["note: " + note, ""] if note else []
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
    return "\n".join(visible(line) for line in lines) + "\n"
