"""The bundled runner: the kbcheck package and the compiled catalog in one zipapp that runs with
the standard library alone (Python 3.6 and newer)."""
import os
import stat
import zipfile

from kbgen.catalog import dumps

PKG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "checks", "kbcheck")
MAIN = "# kbcheck bundled runner\nimport sys\nfrom kbcheck.cli import main\nsys.exit(main())\n"


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


def _pyc(source, name):
    """Unchecked hash-based bytecode of one module, compiled by this interpreter (PEP 552).

    zipimport loads `module.pyc` from the archive when its magic number is the running
    interpreter's and falls back to `module.py` otherwise, so the bundle still runs on every
    Python; on the build's own Python version it skips compiling the runner at every start.
    (Added by the operators engineer for the start-up target; see benchmarks/run_speed.py.)"""
    import importlib.util
    import py_compile
    import tempfile
    d = tempfile.mkdtemp(prefix="kbgen-pyc-")
    try:
        src = os.path.join(d, "m.py")
        with open(src, "wb") as f:
            f.write(source)
        out = py_compile.compile(src, cfile=os.path.join(d, "m.pyc"), dfile=name, doraise=True,
                                 invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        with open(out, "rb") as f:
            data = f.read()
        assert data[:4] == importlib.util.MAGIC_NUMBER
        return data
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)


def write(catalog, path, pkg_dir=None, precompile=True):
    """Write the zipapp to path (atomically); returns path. precompile: also carry bytecode for
    the building interpreter's version (other versions compile the sources, as before)."""
    tmp = path + ".tmp"
    fixed = (2020, 1, 1, 0, 0, 0)  # reproducible archives
    with open(tmp, "wb") as raw:
        raw.write(b"#!/usr/bin/env python3\n")
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo("__main__.py", fixed), MAIN)
            for full, name in runtime_files(pkg_dir):
                with open(full, "rb") as f:
                    source = f.read()
                z.writestr(zipfile.ZipInfo(name, fixed), source, zipfile.ZIP_DEFLATED)
                if precompile:
                    z.writestr(zipfile.ZipInfo(name + "c", fixed), _pyc(source, name), zipfile.ZIP_DEFLATED)
            z.writestr(zipfile.ZipInfo("kbcheck/_catalog.json", fixed), dumps(catalog), zipfile.ZIP_DEFLATED)
    os.chmod(tmp, os.stat(tmp).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, path)
    return path
