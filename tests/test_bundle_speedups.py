"""The bundled runner's precompiled bytecode (kbgen.bundle): it changes nothing but speed.

Same output with and without it; a Python whose magic number the bundle lacks runs the sources;
a crashing probe still names its YAML file and line; the build is reproducible; a catalog other
than the bundled one never runs the bundled probe code."""
import copy
import glob
import hashlib
import importlib.util
import json
import marshal
import os
import re
import subprocess
import sys
import zipfile

import pytest

from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")
MAGIC = importlib.util.MAGIC_NUMBER.hex()


def _old_python():
    """The oldest pyenv Python 3.6+ that is not this one (real path), or None."""
    found = []
    for exe in glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")):
        m = re.search(r"/versions/3\.(\d+)\.\d+[^/]*/bin/python3$", exe)
        if m and int(m.group(1)) >= 6 and os.access(exe, os.X_OK):
            found.append((int(m.group(1)), os.path.realpath(exe)))
    here = "%d" % sys.version_info[1]
    found = [exe for minor, exe in sorted(found) if str(minor) != here]
    return found[0] if found else None


def _run(exe, pyz, *argv):
    p = subprocess.Popen([exe, pyz] + list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    out, err = p.communicate(timeout=120)
    assert p.returncode in (0, 1, 3), err
    assert err == ""
    return out


def _loader_of(exe, pyz):
    """The class of the loader that imported kbcheck.cli in a bundled run (`--version`), module.name;
    the modules' source stays reachable (tracebacks show their lines) and __file__ is the same."""
    code = ("import inspect, runpy, sys\nsys.argv = [%r, '--version']\n"
            "try:\n    runpy.run_path(%r, run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "from kbcheck.reporters import text\n"
            "assert inspect.getsource(text.use_color).startswith('def use_color(')\n"
            "assert text.__file__ == %r + '/kbcheck/reporters/text.py', text.__file__\n"
            "assert text.use_color.__code__.co_filename == text.__file__\n"
            "loader = type(sys.modules['kbcheck.cli'].__spec__.loader)\n"
            "sys.stdout.write('\\n' + loader.__module__ + '.' + loader.__name__ + '\\n')\n"
            % (pyz, pyz, pyz))
    out = subprocess.check_output([exe, "-c", code], universal_newlines=True)
    return out.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def plain(tmp_path_factory, catalog_data):
    """The same bundle without any bytecode."""
    from kbgen import bundle
    return bundle.write(catalog_data, str(tmp_path_factory.mktemp("plain") / "kbcheck.pyz"), precompile_for=[])


@pytest.fixture(scope="module")
def fast(tmp_path_factory, catalog_data):
    """A bundle with bytecode for this Python only."""
    from kbgen import bundle
    return bundle.write(catalog_data, str(tmp_path_factory.mktemp("fast") / "kbcheck.pyz"),
                        precompile_for=[sys.executable])


def test_bundle_carries_bytecode_for_this_python(built, fast, plain):
    for pyz in (built["pyz"], fast):
        with zipfile.ZipFile(pyz) as z:
            assert "kbcheck.cli" in marshal.loads(z.read("kbcheck/_pyc/%s/modules.bin" % MAGIC))
            probes = marshal.loads(z.read("kbcheck/_pyc/%s/probes.bin" % MAGIC))
            cat = json.loads(z.read("kbcheck/_catalog.json").decode("utf-8"))
            assert marshal.loads(z.read("kbcheck/_catalog.bin")) == cat  # what the runner reads
        assert set(probes) == set(e["id"] for e in cat["entries"])
        assert _loader_of(sys.executable, pyz) == "kbcheck.modulepack.PackFinder"  # the installed package's loader too
    with zipfile.ZipFile(plain) as z:
        assert not [n for n in z.namelist() if "_pyc" in n]
    assert _loader_of(sys.executable, plain) == "zipimport.zipimporter"


@pytest.mark.parametrize("argv", [["--format", "json"], ["-v"], ["--list"], ["explain", "numa-balancing"]])
def test_same_output_with_and_without_bytecode(built, plain, argv):
    if argv[0] != "explain":
        argv = ["--root", EXAMPLE] + argv
    assert _run(sys.executable, built["pyz"], *argv) == _run(sys.executable, plain, *argv)


def test_other_python_runs_the_sources(fast, plain):
    """A bundle built with bytecode for this Python only, on an older Python: the sources run."""
    exe = _old_python()
    if exe is None:
        pytest.skip("no second Python 3.6+ under ~/.pyenv/versions")
    assert _loader_of(exe, fast) == "zipimport.zipimporter"
    for argv in (["--format", "json"], ["-v"]):
        assert _run(exe, fast, "--root", EXAMPLE, *argv) == _run(sys.executable, plain, "--root", EXAMPLE, *argv)


def _edited(pyz, dest, old, new, rename=lambda name: name):
    """A copy of the bundle at dest whose __main__.py has `old` replaced by `new` and whose members
    are renamed by `rename`."""
    with zipfile.ZipFile(pyz) as src, open(dest, "wb") as raw:
        raw.write(b"#!/usr/bin/env python3\n")
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "__main__.py":
                    data = data.replace(old, new)
                info.filename = rename(info.filename)
                dst.writestr(info, data)
    return dest


def test_magic_mismatch_falls_back(fast, plain, tmp_path):
    """Bytecode under a magic number no Python has: ignored, the sources run, same output."""
    odd = _edited(fast, str(tmp_path / "odd.pyz"), MAGIC.encode(), b"00000000",
                  lambda name: name.replace("/_pyc/%s/" % MAGIC, "/_pyc/00000000/"))
    assert _loader_of(sys.executable, odd) == "zipimport.zipimporter"
    for argv in (["--format", "json"], ["-v"]):
        assert _run(sys.executable, odd, "--root", EXAMPLE, *argv) == _run(sys.executable, plain, "--root", EXAMPLE, *argv)


def _crashing(catalog_data):
    cat = copy.deepcopy(catalog_data)
    e = [x for x in cat["entries"] if x["id"] == "numa-balancing"][0]
    e["code"] = "x = 1\nraise ValueError('boom')\n"
    e["code_hash"] = hashlib.sha256(e["code"].encode()).hexdigest()[:16]
    return cat, e


def test_crashing_probe_names_yaml_file_and_line(catalog_data, tmp_path):
    from kbgen import bundle
    cat, e = _crashing(catalog_data)
    want = "probe crashed: ValueError: boom at %s line %d" % (e["file"], int(e["code_line"]) + 1)
    outs = []
    for name, exes in (("fast", [sys.executable]), ("plain", [])):
        pyz = bundle.write(cat, str(tmp_path / (name + ".pyz")), precompile_for=exes)
        if exes:
            with zipfile.ZipFile(pyz) as z:
                assert e["id"] in marshal.loads(z.read("kbcheck/_pyc/%s/probes.bin" % MAGIC))
        doc = json.loads(_run(sys.executable, pyz, "--root", EXAMPLE, "--id", e["id"], "--format", "json"))
        assert [r["message"] for r in doc["results"]] == [want]
        outs.append(doc)
    assert outs[0] == outs[1]


def test_another_catalog_never_runs_the_bundled_probes(built, catalog_data, tmp_path):
    """--catalog with other code for an entry: that code runs, not the bundle's precompiled one."""
    cat, e = _crashing(catalog_data)
    path = str(tmp_path / "catalog.json")
    with open(path, "w") as f:
        json.dump(cat, f)
    doc = json.loads(_run(sys.executable, built["pyz"], "--root", EXAMPLE, "--catalog", path,
                          "--id", e["id"], "--format", "json"))
    assert [r["message"] for r in doc["results"]][0].startswith("probe crashed: ValueError: boom")


def test_build_is_reproducible(catalog_data, tmp_path):
    from kbgen import bundle
    exes = [sys.executable] + ([_old_python()] if _old_python() else [])
    a = bundle.write(catalog_data, str(tmp_path / "a.pyz"), precompile_for=exes)
    b = bundle.write(catalog_data, str(tmp_path / "b.pyz"), precompile_for=exes)
    with open(a, "rb") as fa, open(b, "rb") as fb:
        assert fa.read() == fb.read()


def _zip_main_file(exe, pyz):
    """The file zipimport runs as the bundle's __main__ under exe (what runpy asks it for)."""
    code = "import zipimport\nprint(zipimport.zipimporter(%r).get_filename('__main__'))\n" % pyz
    return subprocess.check_output([exe, "-S", "-c", code], universal_newlines=True).strip()


def test_entry_point_is_precompiled_for_the_first_python(fast):
    """__main__.pyc: this Python's checked hash-based pyc of __main__.py, which zipimport picks
    (no source compiled at start); another Python (other magic number) compiles __main__.py."""
    import _imp
    from kbgen import bundle
    if not hasattr(_imp, "source_hash"):
        pytest.skip("hash-based pycs need Python 3.7+")
    with zipfile.ZipFile(fast) as z:
        pyc = z.read("__main__.pyc")
        assert z.read("__main__.py") == bundle.MAIN.encode("utf-8")
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert pyc[4:8] == (3).to_bytes(4, "little")  # hash-based, checked against the source
    assert pyc[8:16] == _imp.source_hash(importlib.util._RAW_MAGIC_NUMBER, bundle.MAIN.encode("utf-8"))
    assert _zip_main_file(sys.executable, fast) == fast + "/__main__.pyc"
    exe = _old_python()
    if exe is not None:
        assert _zip_main_file(exe, fast) == fast + "/__main__.py"


def test_entry_point_pyc_of_another_source_is_not_used(fast, tmp_path):
    """A __main__.py changed after the build (its pyc no longer matches): the source runs."""
    odd = _edited(fast, str(tmp_path / "edited.pyz"), b"# kbcheck bundled runner", b"# kbcheck bundled runner, edited")
    assert _zip_main_file(sys.executable, odd) == odd + "/__main__.py"
    assert _run(sys.executable, odd, "--root", EXAMPLE, "-v") == _run(sys.executable, fast, "--root", EXAMPLE, "-v")
