"""The bundled runner: the kbcheck package and the compiled catalog in one zipapp that runs with
the standard library alone (Python 3.6 and newer).

Start-up speed: a zipapp cannot cache bytecode, so every run used to compile the runner's modules
and every probe from source. The bundle therefore also carries bytecode for each Python found at
build time (this interpreter and ~/.pyenv/versions/3.*/bin/python3), compiled by that Python in a
subprocess and stored by its importlib.util.MAGIC_NUMBER:

    kbcheck/_pyc/<magic hex>/modules.bin         marshal data {module name: (archive name, is a
                                                 package, marshal data of its code object, size
                                                 of its source)} of every module (module_pack():
                                                 the installed package's build writes it too)
    kbcheck/_pyc/<magic hex>/probes.bin          {entry id: (code hash, file, code line, code)}
    kbcheck/_pyc/<magic hex>/regexes.bin         the literal regular expressions of the modules
                                                 and probes (kbgen.regexes), as that Python's
                                                 compiler builds them (kbcheck.regexpack)

and the catalog as marshal data too (kbcheck/_catalog.bin, any Python 3 reads it) beside the
published kbcheck/_catalog.json. These are stored, not compressed: a run reads its own Python's
share once, and inflating it cost more than reading it (a few ms of every start). One pack per
Python rather than one member per module keeps the archive's directory short: zipimport reads
all of it at every start (~5 ms for the 680 members it once had).

__main__.pyc: the entry point compiled by the first of those interpreters (the one running kbgen),
as a checked hash-based pyc (PEP 552), which zipimport prefers to __main__.py when its magic
number matches and its hash is the source's. Compiling any source costs a Python 3.8+ some 3 ms
of every start before the first line runs (builtin compile() sets up the 120 types of the ast
module, PyAST_Check), more than a third of a bare `python3 -c pass`; another Python's zipimport
skips the pyc (wrong magic number) and compiles __main__.py, as before. (3.6 and 3.7's zipimport,
written in C, compile without that set-up.)

__main__.py (compiled at every start, twice by runpy, where no pyc applies: it stays small) runs
kbcheck/modulepack.py from its bytecode in the pack (the installed package imports that module
itself: one loader for both), which puts its finder in front of sys.meta_path, when the bundle
carries a pack for the running Python's magic number (and -O is off); kbcheck.catalog uses probes.bin for the bundled
catalog. Any other Python imports the .py
sources through zipimport and compiles the probes, as before: same output.
"""
import glob
import json
import marshal
import os
import stat
import subprocess
import sys
import tempfile
import zipfile

from kbcheck import modulepack
from kbgen.compiler import dumps

def _package_dir():
    """The kbcheck package being bundled: the one importable here (source checkout or installed)."""
    import kbcheck
    return os.path.dirname(os.path.abspath(kbcheck.__file__))


PKG = _package_dir()
FIXED = (2020, 1, 1, 0, 0, 0)  # reproducible archives

# The bundle's entry point (compiled at every start, twice, where its pyc does not apply: keep it
# small). The loader of the pack is kbcheck/modulepack.py's (the installed package's too), run from
# its bytecode in the pack.
MAIN = """# kbcheck bundled runner
import sys
if sys.version_info < (3, 6):
    sys.stderr.write("kbcheck needs Python 3.6 or newer; this is Python %d.%d\\n" % tuple(sys.version_info[:2]))
    sys.exit(2)


def _use_bytecode():
    \"\"\"Import kbcheck's modules from the bytecode this bundle carries for this Python, if any, with
    the finder of kbcheck/modulepack.py run from that bytecode.\"\"\"
    zi = globals().get("__loader__")
    number = getattr(sys.modules.get("_frozen_importlib_external"), "MAGIC_NUMBER", None)
    if sys.flags.optimize or not hasattr(zi, "archive") or number is None:
        return
    try:
        data = zi.get_data("kbcheck/PACK" % number.hex())
    except OSError:
        return  # no bytecode for this Python: zipimport reads the sources
    import _imp
    import marshal
    pack = marshal.loads(data)
    name, is_pkg, code, size = pack["kbcheck.modulepack"]
    code = marshal.loads(code)
    _imp._fix_co_filename(code, zi.archive + "/" + name)
    loader = {"__name__": "kbcheck.modulepack"}
    exec(code, loader)
    loader["use_pack"](pack, zi.archive, zi.get_data)


_use_bytecode()
from kbcheck.cli import command  # noqa: E402
sys.exit(command())
""".replace("kbcheck/PACK", "kbcheck/" + modulepack.PACK)


# Runs on each target Python (3.6+): compiles what the request file lists, writes marshal data
# that any Python 3 can read (a dict of bytes).
COMPILER = r'''
import importlib.util, marshal, sys
with open(sys.argv[1], "rb") as f:
    req = marshal.loads(f.read())
mods = {}
for name, source, filename in req["modules"]:
    mods[name] = marshal.dumps(compile(source, filename, "exec", dont_inherit=True, optimize=0))
probes = {}
for pid, key, source, filename in req["probes"]:
    try:
        code = compile(source, filename, "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError):
        continue  # the runner compiles it and reports the error as a result
    probes[pid] = tuple(key) + (code,)
out = {"magic": importlib.util.MAGIC_NUMBER, "version": "%d.%d.%d" % sys.version_info[:3],
       "modules": mods, "probes": marshal.dumps(probes)}
ns = {"__name__": "kbcheck_regexpack"}
exec(compile(req["regexpack"], "regexpack.py", "exec", dont_inherit=True), ns)
import re
patterns = []
for pattern, names in req["patterns"]:
    flags = 0
    for n in names:
        flags |= int(getattr(re, n, 0))
    patterns.append((pattern, flags))
out["regexes"] = marshal.dumps(ns["capture"](patterns, req["imports"]))
import _imp
if hasattr(_imp, "source_hash"):  # 3.7+: __main__ as a checked hash-based pyc (PEP 552)
    main = req["main"]
    out["main_pyc"] = (importlib.util.MAGIC_NUMBER + (3).to_bytes(4, "little")
                       + _imp.source_hash(importlib.util._RAW_MAGIC_NUMBER, main)
                       + marshal.dumps(compile(main, "__main__.py", "exec", dont_inherit=True, optimize=0)))
with open(sys.argv[2], "wb") as f:
    f.write(marshal.dumps(out, 2))
'''


def runtime_files(pkg_dir=None):
    """(absolute path, archive name) of every runtime module."""
    pkg_dir = os.path.abspath(pkg_dir or PKG)
    out = []
    for dirpath, dirnames, filenames in os.walk(pkg_dir):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for f in sorted(filenames):
            if f.endswith(".py"):
                full = os.path.join(dirpath, f)
                out.append((full, os.path.join("kbcheck", os.path.relpath(full, pkg_dir)).replace(os.sep, "/")))
    return out


def module_name(arcname):
    """'kbcheck/reporters/text.py' -> ('kbcheck.reporters.text', False); a package's __init__ -> True."""
    parts = arcname[:-3].split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def pythons():
    """Interpreters to precompile for: this one and every pyenv Python 3 (real paths, no shims),
    or the os.pathsep-separated list in $KBGEN_PYTHONS ('' for none)."""
    env = os.environ.get("KBGEN_PYTHONS")
    if env is not None:
        cands = [p for p in env.split(os.pathsep) if p]
    else:
        cands = [sys.executable] + sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
    out = []
    for exe in cands:
        real = os.path.realpath(exe)
        if real not in out and os.path.isfile(real) and os.access(real, os.X_OK) and "/shims/" not in real:
            out.append(real)
    return out


def precompile(modules, probes, exes, patterns=()):
    """Compile modules [(name, source bytes, file name)] and probes [(id, key, source, file name)]
    with each interpreter, in parallel, and the regular expressions `patterns` [(pattern, flag
    names)] (kbgen.regexes) -> {magic hex: {"modules": {name: bytes}, "probes": bytes, "regexes":
    bytes, "main_pyc": bytes (3.7+), "version": str}}, one per magic number (first interpreter
    wins). An interpreter that fails (too old, broken) is left out: the bundle runs there from
    source."""
    from kbgen.regexes import IMPORTS
    with open(os.path.join(PKG, "regexpack.py"), "rb") as f:
        regexpack = f.read()
    d = tempfile.mkdtemp(prefix="kbgen-pyc-")
    try:
        req = os.path.join(d, "request")
        with open(req, "wb") as f:
            f.write(marshal.dumps({"modules": modules, "probes": probes, "main": MAIN.encode("utf-8"),
                                   "regexpack": regexpack, "patterns": list(patterns), "imports": IMPORTS}, 2))
        script = os.path.join(d, "compile.py")
        with open(script, "w") as f:
            f.write(COMPILER)
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
        for k in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONOPTIMIZE"):
            env.pop(k, None)
        procs = []
        for i, exe in enumerate(exes):
            out = os.path.join(d, "out%d" % i)
            try:
                p = subprocess.Popen([exe, "-S", script, req, out], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except OSError:
                continue
            procs.append((p, out))
        found = {}
        for p, out in procs:
            try:
                rc = p.wait(timeout=300)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                continue
            if rc != 0 or not os.path.exists(out):
                continue
            with open(out, "rb") as f:
                got = marshal.loads(f.read())
            if set(got["modules"]) != set(m[0] for m in modules):
                continue
            found.setdefault(got["magic"].hex(), got)
        return found
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def sources(pkg_dir=None):
    """[(archive name, source bytes)] of every runtime module (runtime_files)."""
    out = []
    for full, name in runtime_files(pkg_dir):
        with open(full, "rb") as f:
            out.append((name, f.read()))
    return out


def compile_for(catalog, files, exes):
    """precompile() the runtime modules `files` (sources()), the catalog's probes and the literal
    regular expressions of both with each interpreter of `exes` -> {magic hex: {...}}: what the
    bundle carries per Python, and the installed package's build for the installing Python."""
    from kbcheck.catalog import Entry, probe_source
    from kbgen.regexes import collect
    modules = [(module_name(name)[0], source, name) for name, source in files]
    probes = []
    for e in (Entry(d) for d in catalog.get("entries", [])):
        src, filename = probe_source(e)
        probes.append((e.id, (e.code_hash, filename, e.code_line), src, filename))
    patterns = collect([(source.decode("utf-8"), name) for name, source in files]
                       + [(src, filename) for _, _, src, filename in probes])
    return precompile(modules, probes, exes, patterns) if exes else {}


def module_pack(files, compiled):
    """modules.bin for one Python (kbcheck.modulepack reads it): files [(archive name, source
    bytes)], compiled {module name: marshal data of its code} (one precompile() result's "modules")."""
    pack = {}
    for name, source in files:
        mod, is_pkg = module_name(name)
        pack[mod] = (name, is_pkg, compiled[mod], len(source))
    return marshal.dumps(pack, 2)


def write(catalog, path, pkg_dir=None, precompile_for=None):
    """Write the zipapp to path (atomically); returns path. precompile_for: interpreters to carry
    bytecode for (default: pythons(); [] for a sources-only bundle)."""
    files = sources(pkg_dir)
    compiled = compile_for(catalog, files, pythons() if precompile_for is None else list(precompile_for))
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        raw.write(b"#!/usr/bin/env python3\n")
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
            def put(name, data, how=zipfile.ZIP_DEFLATED):
                z.writestr(zipfile.ZipInfo(name, FIXED), data, how)
            put("__main__.py", MAIN, zipfile.ZIP_STORED)  # read (and hashed: its pyc is checked) at every start
            main_pyc = next(iter(compiled.values()), {}).get("main_pyc")  # the first interpreter's
            if main_pyc:
                put("__main__.pyc", main_pyc, zipfile.ZIP_STORED)
            for name, source in files:
                put(name, source)
            text = dumps(catalog)
            put("kbcheck/_catalog.json", text)
            # the same data, faster to load; made from the JSON, so that its bytes depend on nothing
            # else (marshal 4 marks objects other code refers to: kbgen.cli writes the pages meanwhile)
            put("kbcheck/_catalog.bin", marshal.dumps(json.loads(text), 4), zipfile.ZIP_STORED)
            for tag in sorted(compiled):
                put("kbcheck/_pyc/%s/modules.bin" % tag, module_pack(files, compiled[tag]["modules"]),
                    zipfile.ZIP_STORED)
                put("kbcheck/_pyc/%s/probes.bin" % tag, compiled[tag]["probes"], zipfile.ZIP_STORED)
                put("kbcheck/_pyc/%s/regexes.bin" % tag, compiled[tag]["regexes"], zipfile.ZIP_STORED)
    os.chmod(tmp, os.stat(tmp).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, path)
    return path
