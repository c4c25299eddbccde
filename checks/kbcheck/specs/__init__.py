"""Named inputs (specs): the one table of what the facts layer reads, and where each source keeps it.

A spec is a name (`sysctl`, `mounts`, `numa_nodes`, ...) with its locations, tried in order:

  F(path, ...)     a file (an fnmatch pattern) of the host: read in place on the live host and in a
                   root tree; `sos` names the sos versions that copy it under its own path; `scc`
                   where supportconfig keeps it (a file's section, or a command standing in for it)
  C(command, ...)  a command's output: never run by kbcheck (probes start no process), so only an
                   archive has it: sos keeps it under sos_commands/<plugin>/<mangled command> (or
                   `sos_file`), supportconfig in a "#==[ Command ]==" section (`scc`)
  L(call)          a libvirt API call (the live host, or --connect URI)
  V(spec)          another spec standing in for this one, in part (huge pages from /proc/meminfo)

The sources read through this table: kbcheck.sources.supportconfig_locations derives its location
rules and command sections from it (supportconfig_rules, supportconfig_commands), the sosreport
source its stand-ins and named files (sos_stand_ins, sos_files). Evidence names a read by its spec
(of_path, of_command), and the coverage of a spec per source and collector era (coverage) is
computed from the same rows, so `kbgen check` and the site say which sources can judge an entry.

Supportconfig eras (collector versions): sle11 = supportutils 2.x (SLE 11), sle12 = 3.0 (SLE 12),
sle15 = 3.1 and 3.2 (SLE 15 and SLE 12 updates). sos versions: "3" = sos 3.x, "4" = sos 4.x.
The rows cite what the collectors' own sources do (supportutils bin/supportconfig, sos plugins).
"""
import fnmatch

from kbcheck.specs.model import (  # noqa: F401 - the names of the table
    SOURCES, SOURCE_LABELS, ERAS, ALL, OLD, S12, NEW, SOS, SOS3, SOS4, CONF, LISTED, CMD, SYSTEM,
    PATH, TOP_OF_PROC, ETC_CONF, F, C, L, U, V, Spec, conf, listed, cmd, sys_block)

# -- the table ----------------------------------------------------------------------------------
_TABLE = None


def table():
    """{name: Spec}, in the order of the table modules."""
    global _TABLE
    if _TABLE is None:
        from kbcheck.specs import host, storage, system as system_mod, virt
        out = {}
        for mod in (host, storage, system_mod, virt):
            for s in mod.SPECS:
                if s.name in out:
                    raise ValueError("spec %s is defined twice" % s.name)
                out[s.name] = s
        _TABLE = out
    return _TABLE


def _specificity(pattern):
    """Sort key: a longer literal head first, then more literal characters (so /etc/* comes last)."""
    cut = min([i for i, c in enumerate(pattern) if c in "*?["] or [len(pattern)])
    return (-cut, -len(pattern.replace("*", "")), pattern)


def file_rules():
    """[(pattern, spec name, F)] over every spec, the most specific pattern first."""
    rows = [(loc.path, s.name, loc) for s in table().values() for loc in s.locations if loc.kind == "file"]
    return sorted(rows, key=lambda r: _specificity(r[0]))


_BY_PATH = {}


def of_path(path):
    """The name of the spec a host path belongs to, None when the table names none."""
    try:
        return _BY_PATH[path]
    except KeyError:
        pass
    got = None
    for pattern, name, head, literal in _rules_cache():
        if head is not None:   # "DIR/*": a plain prefix (fnmatch's * matches "/" too), without a regex
            if path.startswith(head) or path == head[:-1]:
                got = name
                break
        elif not path.startswith(literal):
            continue  # (no match can start otherwise: fnmatch is not asked, nor compiles the pattern)
        elif literal == pattern:  # no wildcard: the path itself (fnmatch would compile a regex to say so)
            if path == pattern:
                got = name
                break
        elif _matches(path, pattern) or (pattern.endswith("/*") and path == pattern[:-2]):
            got = name
            break
    if len(_BY_PATH) < 50000:
        _BY_PATH[path] = got
    return got


_RULES = []


def _matches(path, pattern):
    """fnmatch.fnmatchcase(path, pattern), without a regex where the only wildcard is `*` (which
    matches "/" too): the literal pieces in order, the first at the start, the last at the end."""
    if "?" in pattern or "[" in pattern:
        return fnmatch.fnmatchcase(path, pattern)
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return path == pattern
    first, last = pieces[0], pieces[-1]
    if len(path) < len(first) + len(last) or not path.startswith(first) or not path.endswith(last):
        return False
    at, end = len(first), len(path) - len(last)
    for piece in pieces[1:-1]:
        at = path.find(piece, at, end)
        if at < 0:
            return False
        at += len(piece)
    return True


def _rules_cache():
    if not _RULES:
        for pattern, name, _ in file_rules():
            plain = pattern.endswith("/*") and not any(c in pattern[:-1] for c in "*?[")
            # the literal head, up to the first wildcard: every path the pattern matches starts so
            cut = min([i for i, c in enumerate(pattern) if c in "*?["] or [len(pattern)])
            _RULES.append((pattern, name, pattern[:-1] if plain else None, pattern[:cut]))
    return _RULES


_BY_COMMAND = {}


def of_command(name):
    """The name of the spec a command's output belongs to, None when the table names none."""
    from kbcheck.parsers.supportconfig_sections import command_key
    if not _BY_COMMAND:
        for s in table().values():
            for loc in s.locations:
                if loc.kind == "command":
                    _BY_COMMAND.setdefault(command_key(loc.command), s.name)
        _BY_COMMAND[None] = None   # (built)
    return _BY_COMMAND.get(command_key(name))


def commands(name):
    """The commands that hold input `name`, in the table's order (the facts layer tries them so)."""
    return [loc.command for loc in table()[name].locations if loc.kind == "command"]


# -- what the sources derive from it -------------------------------------------------------------
def supportconfig_rules():
    """[(host path pattern, [(file, kind, header)])]: where supportconfig keeps each host file, the
    most specific pattern first (kbcheck.sources.supportconfig_locations.LOCATIONS)."""
    return [(pattern, [r[:3] for r in loc.scc]) for pattern, _, loc in file_rules()]


def supportconfig_commands():
    """{command key: [(file, kind, label)]}: where supportconfig keeps each command's output."""
    from kbcheck.parsers.supportconfig_sections import command_key
    out = {}
    for s in table().values():
        for loc in s.locations:
            if loc.kind == "command" and loc.scc:
                got = out.setdefault(command_key(loc.command), [])
                got.extend(x for x in (r[:3] for r in loc.scc) if x not in got)
    return out


def sos_files():
    """{command: [path in the sosreport]} for commands sos keeps under a name of its own choosing
    (its root symlinks such as installed-rpms); other commands are found by sos's mangled name."""
    out = {}
    for s in table().values():
        for loc in s.locations:
            if loc.kind == "command" and loc.sos_file:
                out.setdefault(loc.command, []).append(loc.sos_file)
    return out


# -- coverage ------------------------------------------------------------------------------------
def _serves(loc, source, seen=()):
    """None when `loc` is no location of `source`; else "" or the reason it gives the spec in part."""
    part = getattr(loc, "partial", None) or ""
    if loc.kind == "user":
        return ""
    if loc.kind == "via":
        if loc.spec in seen:
            return None
        got = coverage(loc.spec, seen)[source]
        return None if got is None else (part or got)
    if source in ("live", "root"):
        ok = (loc.kind == "file" and (loc.live or source == "root")) or (loc.kind == "libvirt" and source == "live")
        return part if ok else None
    if loc.kind not in ("file", "command"):
        return None
    if source.startswith("sos"):
        return part if source[3:] in loc.sos else None
    if source.startswith("scc-"):
        found = [r[4] or part for r in loc.scc if source[4:] in r[3]]
        if not found:
            return None
        return "" if "" in found else found[0]
    return None


def holds(path, source):
    """Whether a source of kind `source` (SOURCES) can hold host file `path`: a file location of
    the table matching it serves that source (sos never copies /usr/lib/udev)."""
    for s in table().values():
        for loc in s.locations:
            if loc.kind == "file" and fnmatch.fnmatchcase(path, loc.path) and _serves(loc, source) is not None:
                return True
    return False


def coverage(name, seen=()):
    """{source: None (never), "" (provided) or the reason it is partial} for spec `name`."""
    s = table()[name]
    seen = tuple(seen) + (name,)
    out = {}
    for source in SOURCES:
        got = None
        for loc in s.locations:
            part = _serves(loc, source, seen)
            if part is not None and (got is None or (got and not part)):
                got = part
        out[source] = got
    return out


def where(name, source):
    """Human words for where `source` keeps spec `name` (for the site and `kbgen check`)."""
    s = table()[name]
    bits = []
    for loc in s.locations:
        if _serves(loc, source) is None:
            continue
        if loc.kind == "user":
            bits.append(loc.option)
        elif loc.kind == "via":
            bits.append("%s (%s)" % (loc.spec, loc.partial) if loc.partial else loc.spec)
        elif loc.kind == "libvirt":
            bits.append("libvirt " + loc.call)
        elif source.startswith("scc-"):
            era = source[4:]
            bits.extend("%s (%s)" % (r[0], r[2] if r[1] in (CMD, SYSTEM) else loc.path)
                        for r in loc.scc if era in r[3])
        elif loc.kind == "command":
            bits.append(loc.sos_file.lstrip("/") if loc.sos_file else "sos_commands: " + loc.command)
        else:
            bits.append(loc.path)
    seen = []
    for b in bits:
        if b not in seen:
            seen.append(b)
    return seen
