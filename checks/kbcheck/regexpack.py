"""Regular expressions compiled at build time: what the standard library's regex compiler gives
for each literal pattern of kbcheck's modules and probes, kept per Python like their bytecode.

Compiling a pattern is pure Python (the parser and compiler of `re`) and costs 0.1-0.7 ms each:
the two dozen patterns of one run on an ordinary host took about a tenth of its start. `kbgen
build` (and the installed package's build) runs capture() on each Python it precompiles for,
which records the arguments the regex compiler hands to the C engine (_sre.compile: the pattern,
its final flags, the engine's code, the groups); a run installs them with install(): on a miss
of re's own cache, re asks its compiler module (sre_compile on 3.6-3.10, re._compiler on 3.11+),
and the pack answers for the patterns it holds with the very object re would have built, from
the very arguments; any other pattern, flag or Python is compiled as before. The pack is only
used by the Python whose engine wrote it (same _sre.MAGIC, CODESIZE and version).

    _pyc/<magic hex>/regexes.bin    marshal data {"engine": (MAGIC, CODESIZE, (major, minor)),
                                    "patterns": {(pattern, flags): args of _sre.compile}}
"""
import sys

PACK = "_pyc/%s/regexes.bin"  # beside probes.bin (kbcheck.catalog.PRECOMPILED)
DEBUG = 128  # re.DEBUG: compiling prints the parse tree; never answered from the pack


def _compiler():
    """The module whose compile(pattern, flags) re calls on a miss of its cache."""
    import re
    mod = getattr(re, "_compiler", None)  # 3.11+
    if mod is None or not hasattr(mod, "compile"):
        import sre_compile as mod  # 3.6-3.10 (a deprecated alias from 3.11 on: not imported there)
    return mod


def _engine():
    import _sre
    return (_sre.MAGIC, _sre.CODESIZE, tuple(sys.version_info[:2]))


def capture(patterns, imports=()):
    """[(pattern, flags)] -> the pack's data for this Python: for each pattern its compiler
    accepts, the arguments it gives _sre.compile; `imports`: standard modules a run imports, whose
    own patterns (compiled as they are imported) are taken too, and "module:callable" for what
    compiles them when called (argparse.ArgumentParser). (Build time: patches re's
    compiler and _sre while it runs.)"""
    import _sre
    mod = _compiler()
    patterns = list(patterns)
    compiling = mod.compile

    def note(p, flags=0):
        patterns.append((p, flags))
        return compiling(p, flags)
    mod.compile = note
    try:
        for name in imports:  # "module", or "module:callable" to call once
            module, _, call = name.partition(":")
            try:
                __import__(module)
                if call:
                    getattr(sys.modules[module], call)()
            except Exception:
                pass
    finally:
        mod.compile = compiling
    seen = []
    real = _sre.compile

    def record(*args):
        seen.append(args)
        return real(*args)
    got = {}
    _sre.compile = record
    try:
        for pattern, flags in patterns:
            if flags & DEBUG:
                continue
            del seen[:]
            try:
                mod.compile(pattern, flags)
            except Exception:  # (re.error, a flag this Python lacks) compiled, and refused, at run time
                continue
            if len(seen) == 1:
                got[(pattern, int(flags))] = _plain(seen[0])
    finally:
        _sre.compile = real
    return {"engine": _engine(), "patterns": got}


def _plain(args):
    """_sre.compile's arguments as marshal stores them: plain ints (not re.RegexFlag, nor the
    named opcodes of the compiled code)."""
    pattern, flags, code, groups, groupindex, indexgroup = args
    return (pattern, int(flags), [int(c) for c in code], int(groups), dict(groupindex), tuple(indexgroup))


def install(raw):
    """Answer re's compiler from the pack `raw` (marshal data of capture()); True when installed.
    A pack of another engine, or unreadable, changes nothing."""
    import marshal
    try:
        pack = marshal.loads(raw)
        table = pack["patterns"]
        ok = isinstance(table, dict) and tuple(pack["engine"]) == _engine()
    except Exception:
        return False
    if not ok:
        return False
    import _sre
    mod = _compiler()
    real = mod.compile
    if getattr(real, "_kbcheck_pack", False):
        return True

    def compile(p, flags=0):
        try:
            args = None if flags & DEBUG else table.get((p, flags))
        except TypeError:  # (an unhashable pattern: re refuses it below, as always)
            args = None
        if args is not None:
            try:
                return _sre.compile(*args)
            except Exception:
                pass
        return real(p, flags)
    compile._kbcheck_pack = True
    mod.compile = compile
    return True


def use_packaged():
    """Install the pack kbcheck carries for this Python (the bundle's, or the installed
    package's), if any; True when installed."""
    if sys.flags.optimize:
        return False
    from kbcheck.packagedata import magic, package_data
    raw = package_data(PACK % magic())
    return bool(raw) and install(raw)
