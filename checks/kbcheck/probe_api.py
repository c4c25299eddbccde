"""What a probe's body can use: its globals.

A probe is the body of `def probe(host, dom):`. `host` is a kbcheck.facts.Host; `dom` is the
guest (a kbcheck.parsers.domain.Domain) for entries of scope `guest`, else None. The body
returns one Result or a list of them, built with PASS/FAIL/WARN/INFO/SKIP/ERROR(message,
subject=None). Nothing else is importable from a probe: it reads only through `host`.
"""
import re

from kbcheck.errors import NotCollected, Unreadable
from kbcheck.parsers import capabilities as _caps
from kbcheck.parsers.kernel import parse_size
from kbcheck.results import ERROR, FAIL, INFO, PASS, SKIP, WARN


def fmt_kib(kib):
    """2097152 -> '2.0 GiB' (sizes in KiB, as meminfo and libvirt give them)."""
    if kib is None:
        return "?"
    n = float(kib)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return ("%d %s" % (n, unit)) if n == int(n) else ("%.1f %s" % (n, unit))
        n /= 1024.0
    return "%d KiB" % kib


def plural(n, word, words=None):
    return "%d %s" % (n, word if n == 1 else (words or word + "s"))


def names(items, limit=6):
    items = list(items)
    if len(items) <= limit:
        return ", ".join(str(i) for i in items)
    return ", ".join(str(i) for i in items[:limit]) + " and %d more" % (len(items) - limit)


def glob_match(pattern, name):
    """A name against a glob as udev and tuned match them: `|` between alternatives, each an
    fnmatch(3) pattern ("sd*[!0-9]|vd*")."""
    from kbcheck.parsers.udev import matches
    return matches(pattern, name)


def _memo(fn):
    """fn with its answers remembered: a guest-scope probe asks the same question for each of a
    thousand guests (the machine types a host offers, say). Same results, same exceptions."""
    seen = {}

    def memo(name):
        try:
            return seen[name]
        except KeyError:
            value = fn(name)
            if len(seen) < 4096:
                seen[name] = value
            return value
        except TypeError:  # unhashable: not a machine type name; let fn judge it
            return fn(name)
    memo.__name__ = fn.__name__
    memo.__doc__ = fn.__doc__
    return memo


machine_family = _memo(_caps.machine_family)
machine_version = _memo(_caps.machine_version)
machine_scheme = _memo(_caps.machine_scheme)


def _safe_builtins():
    import builtins
    allowed = ("abs all any bool dict enumerate filter float frozenset getattr hasattr int isinstance "
               "len list map max min next range reversed round set sorted str sum tuple zip "
               "ValueError KeyError TypeError IndexError Exception None True False").split()
    return dict((k, getattr(builtins, k)) for k in allowed if hasattr(builtins, k))


GLOBALS = {
    "PASS": PASS, "FAIL": FAIL, "WARN": WARN, "INFO": INFO, "SKIP": SKIP, "ERROR": ERROR,
    "NotCollected": NotCollected, "Unreadable": Unreadable,
    "fmt_kib": fmt_kib, "plural": plural, "names": names, "parse_size": parse_size,
    "machine_family": machine_family, "machine_version": machine_version, "machine_scheme": machine_scheme, "re": re,
    "glob_match": glob_match,
}


_SAFE_BUILTINS = None


def namespace():
    """Fresh globals for one probe (its own dicts: a probe cannot change another's)."""
    global _SAFE_BUILTINS
    if _SAFE_BUILTINS is None:
        _SAFE_BUILTINS = _safe_builtins()
    g = dict(GLOBALS)
    g["__builtins__"] = dict(_SAFE_BUILTINS)
    return g
