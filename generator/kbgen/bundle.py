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


def write(catalog, path, pkg_dir=None):
    """Write the zipapp to path (atomically); returns path."""
    tmp = path + ".tmp"
    fixed = (2020, 1, 1, 0, 0, 0)  # reproducible archives
    with open(tmp, "wb") as raw:
        raw.write(b"#!/usr/bin/env python3\n")
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo("__main__.py", fixed), MAIN)
            for full, name in runtime_files(pkg_dir):
                with open(full, "rb") as f:
                    z.writestr(zipfile.ZipInfo(name, fixed), f.read(), zipfile.ZIP_DEFLATED)
            z.writestr(zipfile.ZipInfo("kbcheck/_catalog.json", fixed), dumps(catalog), zipfile.ZIP_DEFLATED)
    os.chmod(tmp, os.stat(tmp).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(tmp, path)
    return path
