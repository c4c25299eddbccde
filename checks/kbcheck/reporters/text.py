"""The human report: host header, results grouped by area, worst first, and a summary line.
Every value from the host (names, messages, notices) and from the catalog is shown as
kbcheck.textsafe.visible makes it: no escape sequence of theirs reaches the terminal; the colours
are the report's own."""
import os

from kbcheck.detect import ROLE_LABELS
from kbcheck.gcpause import without_collector
from kbcheck.results import RANK
from kbcheck.textsafe import visible

_COLORS = {"pass": "32", "fail": "31;1", "warn": "33", "info": "36", "skip": "2", "error": "35;1", "waived": "34"}


def use_color(stream):
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("CLICOLOR_FORCE"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def _paint(text, status, color):
    return "\033[%sm%s\033[0m" % (_COLORS[status], text) if color else text


def header(host_info, notices=()):
    h = host_info
    roles = ", ".join(ROLE_LABELS.get(r, r) for r in h.get("roles", [])) or "no role detected"
    prod = h.get("product_name") or h.get("product") or "unknown product"
    lines = ["kbcheck on %s (%s: %s)" % (h.get("hostname") or "unknown host", h.get("source") or "?",
                                         h.get("location") or "?"),
             "  %s; %s; %s CPUs / %s cores / %s NUMA node(s); %s guest(s)" % ((prod, roles) + tuple(
                 "?" if h.get(k) is None else h[k] for k in ("cpus", "cores", "numa_nodes")) + (
                 "?" if h.get("guests") is None else h["guests"],))]
    if h.get("assume"):
        lines.append("  assumed: " + ", ".join("%s=%s" % kv for kv in sorted(h["assume"].items())))
    for u in h.get("unsure", []):
        lines.append("  note: " + u)
    for n in notices:
        lines.append("  note: " + n)
    return "\n".join(visible(line) for line in lines)


def evidence_lines(result, indent="        "):
    """The inputs that decided a result, one line each: `- INPUT from WHERE: VALUE` (-v, explain)."""
    return [visible("%s- %s from %s: %s" % (indent, d["input"], d["from"], d["value"])) for d in result.evidence]


def render(report, options=None):
    """Options used: verbose, show_fix, terminal (colours when it is a terminal). A waived result
    shows its real status and the waiver."""
    return without_collector(_render, report, options)  # many small rows and strings, no cycles


def _render(report, options):
    results, summary = report.results, report.summary
    verbose = bool(options and options.verbose)
    color = bool(options and options.terminal is not None and use_color(options.terminal))
    fixes = None
    if options and options.show_fix:  # the subject filled in by the one quoting rule (kbcheck.fixview)
        era, roles = report.host.get("era"), report.host.get("roles")
        fixes = dict(((r.entry.id, r.subject), r.entry.fix_text(era, roles, r.subject))
                     for r in results if r.status in ("fail", "warn"))
    out = [header(report.host, report.notices), ""]
    groups = {}
    order = []
    for r in results:
        e = r.entry
        if e.area_title not in groups:
            groups[e.area_title] = []
            order.append(e.area_title)
        groups[e.area_title].append((e, r, r.waiver))
    for area in order:
        rows = groups[area]
        if not verbose:
            rows = [row for row in rows if row[1].status not in ("pass", "skip")]
        if not rows:
            continue
        out.append(visible(area.upper()))
        rows.sort(key=lambda row: (row[2] is not None, -RANK[row[1].status], row[0].id, row[1].subject or ""))
        for e, r, w in rows:
            subj = ((" (%s)" % ", ".join(r.covers)) if r.covers else "") + ((" [%s]" % r.subject) if r.subject else "")
            if w is not None:
                tag = _paint("WAIVED", "waived", color)
                out.append("  %s %s" % (tag, visible("%s%s: (%s) %s" % (e.id, subj, r.status, r.message))))
                out.append(visible("         waived until %s by %r: %s" % (w.expires.isoformat(), w.name, w.reason)))
                continue
            tag = _paint("%-5s" % r.status.upper(), r.status, color)
            out.append("  %s %s" % (tag, visible("%s%s: %s" % (e.id, subj, r.message))))
            if verbose:
                out.extend(evidence_lines(r))
            fix = fixes.get((e.id, r.subject)) if fixes is not None else None
            if fix and r.status in ("fail", "warn"):
                for line in fix.rstrip().splitlines():
                    out.append(visible("        | " + line))
        out.append("")
    parts = []
    keys = ("fail", "error", "warn", "info", "pass", "skip") + (("waived",) if summary.get("waived") else ())
    for k in keys:
        parts.append(_paint("%d %s" % (summary.get(k, 0), k), k, color and summary.get(k, 0) > 0))
    entries = len(report.entries)
    out.append("%s  (%d %s, %d %s)" % (", ".join(parts), entries, "entry" if entries == 1 else "entries",
                                        len(results), "result" if len(results) == 1 else "results"))
    if results and not report.applicable:  # exit 4: say it, or an empty report would read as all clear
        why = report.not_applicable_reasons()
        out.append(visible("nothing judged: none of the %d selected entries applies to this host (%s); "
                           "`kbcheck --list` shows why each does not" % (
                               entries, "; ".join("%s: %d" % kv for kv in why[:3]) + ("; ..." if len(why) > 3 else ""))))
    if summary.get("needs_root"):
        out.append("%d result(s) limited by privileges (needs root): run as root to judge them"
                   % summary["needs_root"])
    if not verbose:
        out.append("pass and skip results are hidden; -v shows them")
    return "\n".join(out) + "\n"
