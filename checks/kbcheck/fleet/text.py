"""The terminal summary of a fleet: entries worst first, each with the hosts it fails, errs or warns
on, then the hosts that could not be judged. Host names come from the hosts' files (hostile): each
is escaped for the terminal on its own (textsafe.visible), so no name can start a line of its own."""
import os
import textwrap

from kbcheck.fleet.merge import MARKERS
from kbcheck.textsafe import visible

VERBS = (("fail", "fails"), ("error", "errors"), ("warn", "warns"))
NAMES_SHOWN = 12
HOSTS_SHOWN = 5  # hosts named under an entry without -v


def _names(names, limit=NAMES_SHOWN):
    names = [visible(n) for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    return "%s and %d more (--html or --json list all)" % (", ".join(names[:limit]), len(names) - limit)


def _hosts(n):
    return "%d host%s" % (n, "" if n == 1 else "s")


def entry_line(e):
    parts = []
    for st, verb in VERBS:
        n = e.count(st)
        if n:
            parts.append("%s on %d" % (verb, n))
    if parts:
        parts[0] += " of %s" % _hosts(e.reported)
        return "%s: %s" % (e.label(), ", ".join(parts))
    quiet = ["%d %s" % (e.count(s), s) for s in ("pass", "info", "skip", "waived") if e.count(s)]
    return "%s: no failure on %s (%s)" % (e.label(), _hosts(e.reported), ", ".join(quiet))


def host_lines(e, verbose=False):
    """The hosts under an entry, one line per status that is a problem ("    fails on: a, b and 3
    more"): all of them with -v (wrapped), the first HOSTS_SHOWN otherwise."""
    out = []
    for st, verb in VERBS:
        names = [visible(n) for n in e.hosts[st]]
        if not names:
            continue
        more = ""
        if not verbose and len(names) > HOSTS_SHOWN:
            names, more = names[:HOSTS_SHOWN], " and %d more (-v lists all)" % (len(names) - HOSTS_SHOWN)
        text = "%s on: %s%s" % (verb, ", ".join(names), more)
        out += textwrap.wrap(text, 100, initial_indent="    ", subsequent_indent="      ",
                             break_long_words=False, break_on_hyphens=False)
    return out


def render(fleet, verbose=False):
    c = fleet.counts()
    lines = []
    head = "kbcheck report: %s in %s: %d judged, %d with failures" % (
        _hosts(c["hosts"]), fleet.directory, c["judged"], c["failing"])
    if c["with_errors"]:
        head += ", %d with errors" % c["with_errors"]
    for state, words in sorted(MARKERS.items()):
        if c[state]:
            head += ", %d %s" % (c[state], words)
    if c["malformed"]:
        head += ", %d file%s left out" % (c["malformed"], "" if c["malformed"] == 1 else "s")
    lines.append(head)
    if fleet.kb_version:
        line = "knowledge base %s on %s" % (fleet.kb_version, _hosts(len(fleet.kb_versions[fleet.kb_version])))
        others = fleet.other_kb
        if others:
            line += "; DIFFERENT KNOWLEDGE BASE on %s: %s" % (
                _hosts(len(others)), _names("%s (%s)" % (h.name, h.kb_version) for h in others))
        lines.append(line)
    lines.append("")
    quiet = 0
    for e in fleet.entries:
        if verbose or e.count("fail") or e.count("error") or e.count("warn"):
            lines.append(entry_line(e))
            lines += host_lines(e, verbose)
        else:
            quiet += 1
    if quiet:
        lines.append("(%d more entr%s without a failure, error or warning on any host; -v lists them)"
                     % (quiet, "y" if quiet == 1 else "ies"))
    if not fleet.entries:
        lines.append("no results to merge")
    not_judged = [(st, fleet.by_state(st)) for st in sorted(MARKERS)] + [("malformed", fleet.by_state("malformed"))]
    if any(hs for _, hs in not_judged):
        lines.append("")
    for st, hs in not_judged:
        if not hs:
            continue
        if st == "malformed":
            lines.append("files left out (%d, why: see the lines above): %s" % (
                len(hs), _names(os.path.basename(h.path) for h in hs)))
        else:
            lines.append("%s (%d): %s" % (MARKERS[st], len(hs), _names(h.name for h in hs)))
    if verbose and fleet.judged:
        lines.append("")
        lines.append("hosts:")
        for h in fleet.judged:
            s = h.summary
            lines.append("  %s: %s%s" % (visible(h.name), ", ".join("%d %s" % (s.get(k, 0), k) for k in (
                "fail", "error", "warn", "info", "pass", "skip", "waived") if s.get(k)) or "no results",
                " (knowledge base %s)" % h.kb_version if h.other_kb else ""))
    return "\n".join(visible(line) for line in lines) + "\n"  # one line each, whatever a file holds
