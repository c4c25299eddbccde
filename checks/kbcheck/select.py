"""Choosing which entries a run includes."""
import fnmatch

from kbcheck.errors import UsageError

SEVERITIES = ("low", "medium", "high", "critical")


def _suggest(word, choices):
    import difflib  # only when there is something to suggest
    close = difflib.get_close_matches(word, sorted(choices), n=3, cutoff=0.5)
    return (" (did you mean %s?)" % ", ".join(close)) if close else ""


def _criteria(tags, ids, exclude_tags, min_severity):
    """The selection as [(the options as typed, test of an entry)], one per kind of option."""
    def quote(v):
        return v if all(c.isalnum() or c in "-_." for c in v) else "'%s'" % v
    out = []
    if tags:
        out.append((" ".join("--tag %s" % quote(t) for t in tags), lambda e: bool(set(tags) & set(e.tags))))
    if ids:
        out.append((" ".join("--id %s" % quote(p) for p in ids),
                    lambda e: any(fnmatch.fnmatchcase(e.id, p) for p in ids)))
    if exclude_tags:
        out.append((" ".join("--exclude-tag %s" % quote(t) for t in exclude_tags),
                    lambda e: not (set(exclude_tags) & set(e.tags))))
    if min_severity:
        out.append(("--severity %s" % min_severity,
                    lambda e: SEVERITIES.index(e.severity) >= SEVERITIES.index(min_severity)))
    return out


def nothing_matches(catalog, criteria):
    """The usage error for a selection that no catalog entry meets, with what would select some:
    a lower --severity, or the selection without one of its options."""
    typed = " ".join(opt for opt, _ in criteria)
    hints = []
    for i, (opt, _) in enumerate(criteria):
        rest = [test for j, (_, test) in enumerate(criteria) if j != i]
        left = [e for e in catalog.entries if all(test(e) for test in rest)]
        if not left:
            continue
        if opt.startswith("--severity "):
            worst = max(SEVERITIES.index(e.severity) for e in left)
            n = sum(1 for e in left if SEVERITIES.index(e.severity) >= worst)
            hints.insert(0, "--severity %s (%d entr%s)" % (SEVERITIES[worst], n, "y" if n == 1 else "ies"))
        else:
            hints.append("the same without %s (%d entr%s)" % (opt, len(left), "y" if len(left) == 1 else "ies"))
    hint = (" (did you mean %s?)" % " or ".join(hints)) if hints else ""
    return UsageError("no entry of the knowledge base matches %s%s; `kbcheck --list` shows the entries and their tags"
                      % (typed, hint))


def _split(values, option):
    """The names of a repeatable option, each value also a comma-separated list (ids and tags
    never hold a comma): ["a,b", "c"] -> ["a", "b", "c"]; an empty name is a usage error."""
    out = []
    for v in values or ():
        names = [n.strip() for n in v.split(",")]
        if not all(names):
            raise UsageError("%s %r names an empty entry or tag: give names separated by commas" % (option, v))
        out.extend(names)
    return out


def select(catalog, tags=(), ids=(), exclude_tags=(), min_severity=None):
    """-> (selected entries, {entry id: reason it was left out}). A selection that no entry meets
    is a usage error (nothing_matches)."""
    tags, ids, exclude_tags = _split(tags, "--tag"), _split(ids, "--id"), _split(exclude_tags, "--exclude-tag")
    all_tags = set(t for e in catalog.entries for t in e.tags)
    for t in list(tags) + list(exclude_tags):
        if t not in all_tags:
            raise UsageError("unknown tag %r%s; `kbcheck --list` shows the tags" % (t, _suggest(t, all_tags)))
    for pattern in ids:
        if not any(fnmatch.fnmatchcase(e.id, pattern) for e in catalog.entries):
            raise UsageError("no entry matches --id %r%s" % (pattern, _suggest(pattern, catalog.by_id)))
    if min_severity is not None and min_severity not in SEVERITIES:
        raise UsageError("unknown severity %r: use one of %s" % (min_severity, ", ".join(SEVERITIES)))
    chosen, left = [], {}
    for e in catalog.entries:
        if tags and not (set(tags) & set(e.tags)):
            left[e.id] = "not tagged %s" % " or ".join(tags)
        elif ids and not any(fnmatch.fnmatchcase(e.id, p) for p in ids):
            left[e.id] = "not selected by --id"
        elif set(exclude_tags) & set(e.tags):
            left[e.id] = "excluded by tag %s" % ", ".join(sorted(set(exclude_tags) & set(e.tags)))
        elif min_severity and SEVERITIES.index(e.severity) < SEVERITIES.index(min_severity):
            left[e.id] = "severity %s is below %s" % (e.severity, min_severity)
        else:
            chosen.append(e)
    if not chosen and catalog.entries:
        raise nothing_matches(catalog, _criteria(tags, ids, exclude_tags, min_severity))
    return chosen, left
