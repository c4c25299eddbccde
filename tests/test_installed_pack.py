"""The installed package imports its modules from the pack of their bytecode that its build wrote
for the installing Python (kbcheck/_pyc/<magic>/modules.bin, kbcheck.modulepack), with the same
results as the bundle; a source edited or replaced after the install, -O, a missing pack and an
editable install load the sources as before; tracebacks still show the source lines.

Each install is a fresh virtual environment of this Python with a copy of the working tree
installed by pip (`--no-deps`; pip fetches the build's own requirements, or takes them from its
cache). If pip cannot reach its index the tests skip and say so; any other failure fails them."""
import json
import os
import shutil
import subprocess
import sys
import venv

import pytest

from conftest import EXAMPLES, ROOT

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")
MAGIC = sys.modules["_frozen_importlib_external"].MAGIC_NUMBER.hex()
COPY_IGNORE = shutil.ignore_patterns(".git", ".nox", "build", "__pycache__", "*.egg-info", "*.pyz")


def run(cmd, cwd=None, timeout=600):
    env = dict(os.environ, NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
    for k in ("PYTHONPATH", "PYTHONOPTIMIZE", "PYTHONHOME", "VIRTUAL_ENV", "KBGEN_PROJECT"):
        env.pop(k, None)
    return subprocess.run(cmd, cwd=cwd or ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)


def _install(tmp_path_factory, editable=False):
    """(the venv's bin folder, the copy of the project) with that copy pip-installed."""
    top = str(tmp_path_factory.mktemp("editable" if editable else "installed"))
    src = os.path.join(top, "src")
    shutil.copytree(ROOT, src, ignore=COPY_IGNORE)
    where = os.path.join(top, "venv")
    venv.EnvBuilder(with_pip=True).create(where)
    py = os.path.join(where, "bin", "python")
    r = run([py, "-m", "pip", "install", "-q", "--no-deps"] + (["-e"] if editable else []) + [src], cwd=top)
    if r.returncode != 0:
        index = run([py, "-m", "pip", "index", "versions", "setuptools"], cwd=top, timeout=180)
        if index.returncode != 0:
            pytest.skip("pip cannot reach its index to build kbcheck: %s"
                        % ((index.stderr or index.stdout).strip().splitlines() or ["?"])[-1])
    assert r.returncode == 0, r.stderr[-3000:]
    return os.path.join(where, "bin"), src


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    bindir, _ = _install(tmp_path_factory)
    py = os.path.join(bindir, "python")
    pkg = run([py, "-c", "import os, kbcheck; print(os.path.dirname(kbcheck.__file__))"]).stdout.strip()
    assert os.path.isfile(os.path.join(pkg, "_pyc", MAGIC, "modules.bin")), os.listdir(pkg)
    return {"bin": bindir, "py": py, "pkg": pkg}


# Prints, for each module name given, its loader's class, its __file__ and whether its functions'
# code carries that file name; the last frames of a traceback from inside one; a function's source;
# whether importing kbcheck imported importlib.util.
PROBE = r'''
import sys
import kbcheck.cli, kbcheck.reporters.text, kbcheck.shellquote
out = {"importlib.util": "importlib.util" in sys.modules}
import inspect, json, traceback
for name in sys.argv[1:]:
    mod = sys.modules[name]
    loader = type(mod.__spec__.loader)
    codes = [v.__code__ for v in vars(mod).values() if inspect.isfunction(v) and v.__module__ == name]
    out[name] = {"loader": loader.__module__ + "." + loader.__name__, "file": mod.__file__,
                 "co_filename": bool(codes) and all(c.co_filename == mod.__file__ for c in codes)}
try:
    kbcheck.shellquote.has_control(None)
except TypeError:
    tb = traceback.extract_tb(sys.exc_info()[2])[-2:]
    out["traceback"] = [(f.filename, f.line) for f in tb]
out["source"] = inspect.getsource(kbcheck.reporters.text.use_color).split("\n")[0]
print(json.dumps(out))
'''
PACKED = "kbcheck.modulepack.PackFinder"
NAMES = ["kbcheck", "kbcheck.cli", "kbcheck.reporters.text", "kbcheck.shellquote"]


def _probe(py, *flags):
    r = run([py] + list(flags) + ["-c", PROBE] + NAMES)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _bundled(built, *argv):
    r = run([sys.executable, built["pyz"]] + list(argv))
    assert r.returncode in (0, 1, 3), r.stderr
    return r.stdout


def _installed(installed, *argv):
    r = run([os.path.join(installed["bin"], "kbcheck")] + list(argv))
    assert r.returncode in (0, 1, 3) and r.stderr == "", r.stderr
    return r.stdout


def test_installed_modules_come_from_the_pack(installed):
    got = _probe(installed["py"])
    assert got["kbcheck"]["loader"].endswith(".SourceFileLoader")  # the package itself installs the finder
    for name in NAMES[1:]:
        assert got[name]["loader"] == PACKED, (name, got[name])
        want = os.path.join(installed["pkg"], *name.split(".")[1:]) + ".py"
        assert got[name]["file"] == want and os.path.isfile(want)
        assert got[name]["co_filename"]
    assert not got["importlib.util"]
    assert got["source"].startswith("def use_color(")
    where, line = got["traceback"][-1]
    assert where == os.path.join(installed["pkg"], "shellquote.py") and line, got["traceback"]
    again = ("import sys, kbcheck\nfor k in [k for k in sys.modules if k.startswith('kbcheck')]:\n"
             "    del sys.modules[k]\nimport kbcheck.cli\n"
             "print(sum(type(f).__name__ == 'PackFinder' for f in sys.meta_path), type(kbcheck.cli.__loader__).__name__)")
    r = run([installed["py"], "-c", again])
    assert r.stdout.split() == ["1", "PackFinder"], r.stderr  # imported again: one finder still


@pytest.mark.parametrize("argv", [["--format", "json"], ["-v"], ["explain", "numa-balancing"]])
def test_installed_output_is_the_bundles(installed, built, argv):
    if argv[0] != "explain":
        argv = ["--root", EXAMPLE] + argv
    assert _installed(installed, *argv) == _bundled(built, *argv)


def test_python_m_kbcheck_and_package_data(installed, built):
    """`python -m kbcheck` runs from the pack too; importlib.resources reads the package's data."""
    argv = ["--root", EXAMPLE, "--format", "json"]
    r = run([installed["py"], "-m", "kbcheck"] + argv)
    assert r.returncode in (0, 1, 3) and r.stderr == "", r.stderr
    assert r.stdout == _bundled(built, *argv)
    code = ("import importlib.resources as r, sys, kbcheck.reporters\n"
            "assert r.files('kbcheck').joinpath('_catalog.bin').read_bytes()[:1]\n"
            "assert r.files('kbcheck.reporters').joinpath('text.py').read_text().startswith('\"\"\"')\n"
            "from kbcheck.packagedata import package_data\n"
            "print(type(kbcheck.reporters.__spec__.loader).__name__, bool(package_data('_catalog.bin')))\n")
    if sys.version_info < (3, 9):
        pytest.skip("importlib.resources.files() is 3.9+")
    r = run([installed["py"], "-c", code])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["PackFinder", "True"]


def _stamp(path):
    st = os.stat(path)
    return st.st_atime, st.st_mtime


def test_an_edited_source_loads_from_itself(installed, built):
    """A source whose size or mtime is not the build's: that module comes from the source (the path
    finder), the others from the pack; the edit runs."""
    path = os.path.join(installed["pkg"], "reporters", "text.py")
    with open(path, "rb") as f:
        original = f.read()
    stamp = _stamp(path)
    try:
        with open(path, "ab") as f:
            f.write(b"\nEDITED = 'after the install'\n")
        os.utime(path, stamp)  # the size alone tells
        got = _probe(installed["py"])
        assert got["kbcheck.reporters.text"]["loader"].endswith(".SourceFileLoader")
        assert got["kbcheck.cli"]["loader"] == PACKED and got["kbcheck.shellquote"]["loader"] == PACKED
        r = run([installed["py"], "-c", "import kbcheck.reporters.text as t; print(t.EDITED)"])
        assert r.stdout.strip() == "after the install", r.stderr
        argv = ["--root", EXAMPLE, "-v"]
        assert _installed(installed, *argv) == _bundled(built, *argv)
        with open(path, "wb") as f:
            f.write(original)
        for moved in (3600, -3600):  # the same size, a later (edited) or earlier (replaced, kept mtime) one
            os.utime(path, (stamp[0], stamp[1] + moved))
            got = _probe(installed["py"])
            assert got["kbcheck.reporters.text"]["loader"].endswith(".SourceFileLoader"), moved
        os.utime(path, stamp)
        assert _probe(installed["py"])["kbcheck.reporters.text"]["loader"] == PACKED  # as built again
    finally:
        with open(path, "wb") as f:
            f.write(original)
        os.utime(path, stamp)


def test_optimize_and_a_missing_pack_load_the_sources(installed, built):
    argv = ["--root", EXAMPLE, "--format", "json"]
    got = _probe(installed["py"], "-O")
    assert [got[n]["loader"].rsplit(".", 1)[-1] for n in NAMES] == ["SourceFileLoader"] * len(NAMES)
    r = run([installed["py"], "-O", "-m", "kbcheck"] + argv)
    assert r.returncode in (0, 1, 3) and r.stdout == _bundled(built, *argv), r.stderr
    pack = os.path.join(installed["pkg"], "_pyc", MAGIC, "modules.bin")
    os.rename(pack, pack + ".away")
    try:
        got = _probe(installed["py"])
        assert [got[n]["loader"].rsplit(".", 1)[-1] for n in NAMES] == ["SourceFileLoader"] * len(NAMES)
        assert got["traceback"][-1][1]
        assert _installed(installed, *argv) == _bundled(built, *argv)
    finally:
        os.rename(pack + ".away", pack)


def test_a_pack_this_python_cannot_read_is_ignored(installed, built):
    pack = os.path.join(installed["pkg"], "_pyc", MAGIC, "modules.bin")
    os.rename(pack, pack + ".away")
    try:
        with open(pack, "wb") as f:
            f.write(b"\x00not marshal data")
        got = _probe(installed["py"])
        assert got["kbcheck.cli"]["loader"].endswith(".SourceFileLoader")
    finally:
        os.replace(pack + ".away", pack)


def test_an_editable_install_has_no_pack(tmp_path_factory, built):
    """pip install -e: the modules are the checkout's own sources, through the path finder."""
    bindir, src = _install(tmp_path_factory, editable=True)
    py = os.path.join(bindir, "python")
    packs = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(src, "checks")) for f in fs if f.endswith(".bin")]
    assert packs == []
    got = _probe(py)
    for name in NAMES:
        assert not got[name]["loader"].endswith("PackFinder")
        assert got[name]["file"].startswith(os.path.join(src, "checks", "kbcheck"))
    argv = ["--root", EXAMPLE, "--format", "json", "--catalog", built["catalog"]]
    r = run([os.path.join(bindir, "kbcheck")] + argv)
    assert r.returncode in (0, 1, 3) and r.stderr == "", r.stderr
    assert r.stdout == _bundled(built, *argv)
