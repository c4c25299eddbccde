"""Choosing which entries a run includes."""
import fnmatch

from kbcheck.errors import UsageError

SEVERITIES = ("low", "medium", "high", "critical")


def _suggest(word, choices):
    import difflib  # only when there is something to suggest
    close = difflib.get_close_matches(word, sorted(choices), n=3, cutoff=0.5)
    return (" (did you mean %s?)" % ", ".join(close)) if close else ""


def select(catalog, tags=(), ids=(), exclude_tags=(), min_severity=None):
    """-> (selected entries, {entry id: reason it was left out})."""
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
    return chosen, left
