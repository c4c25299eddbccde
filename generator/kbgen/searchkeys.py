"""The settings an entry is about, for the site's search: the sysctl keys (`kernel.numa_balancing`)
and sysfs or /proc/sys file names (`merge_across_nodes`, `aio-max-nr`) its fix writes and its probe
reads, taken from the entry's own YAML (fix commands, probe string literals).

site/hooks.py puts them into a search field of their own (`keys`, boosted in mkdocs.yml above
titles, below tags), on the entry page's first section only: searching a dotted sysctl name or a
parameter file then ranks the entry that reads or sets it first, before pages that merely mention
it. A key the fix writes is listed twice (once more than one the probe only reads), so the entry
that sets a setting outranks one that only looks at it.
"""
import re

# sysctl names as sysctl(8) and sysctl.conf(5) write them: a top-level directory of /proc/sys, then
# dotted components (not a piece of a path: /sys/kernel/mm is no sysctl)
_SYSCTL = re.compile(r"(?<![/\w.-])((?:kernel|vm|fs|net)(?:\.[A-Za-z0-9_-]*[A-Za-z0-9])+)")
# files under /sys and /proc/sys: their last component is the parameter (merge_across_nodes)
_PATH = re.compile(r"/(?:sys|proc/sys)(?:/[A-Za-z0-9_.:-]+)+")
# the probe's string literals (what it reads), not its variable names
_LITERAL = re.compile(r"\"([^\"\\\n]*)\"|'([^'\\\n]*)'")
_PARAM = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+$")  # a name with _ or -: a parameter


def keys_in(text):
    """[key] named in text, in order of appearance, without repeats."""
    out = []

    def add(k):
        if k not in out:
            out.append(k)
    for m in _SYSCTL.finditer(text or ""):
        add(m.group(1))
    for m in _PATH.finditer(text or ""):
        path = m.group(0)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if _PARAM.match(last):
            add(last)
        if path.startswith("/proc/sys/"):
            add(path[len("/proc/sys/"):].replace("/", "."))
    return out


def _probe_text(code):
    return "\n".join(a or b for a, b in _LITERAL.findall(code or ""))


def entry_keys(e):
    """The search keys of an entry (a catalog entry dict): what its fixes write, then what its probe
    reads; a key of both appears twice."""
    fixes = []
    for v in (e.get("fix") or {}).values():
        if isinstance(v, dict):
            fixes += [v.get("runtime") or "", v.get("persistent") or ""] + list(v.get("files") or [])
    written = keys_in("\n".join(fixes))
    read = keys_in(_probe_text(e.get("code")))
    return written + [k for k in read if k not in written] + [k for k in read if k in written]
