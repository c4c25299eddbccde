"""The bundled runner on every Python from 3.6 up that this machine has under pyenv: same JSON
on each (the report carries no timing), valid against the published schema; and vermin holds
the runner's source to Python 3.6."""
import glob
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT
from support import tools

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")
SCHEMA = os.path.join(ROOT, "checks", "kbcheck", "reporters", "kbcheck-output.schema.json")
WANTED = ["3.%d" % m for m in range(6, 14)]


def _pyenv_pythons():
    found = {}
    for exe in glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")):
        m = re.search(r"/versions/(3\.(\d+))\.\d+[^/]*/bin/python3$", exe)
        if m and int(m.group(2)) >= 6 and os.access(exe, os.X_OK):
            found.setdefault(m.group(1), exe)
    return found


PYTHONS = _pyenv_pythons()


def _run(exe, pyz, *argv):
    p = subprocess.Popen([exe, pyz] + list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def _normalise(doc):
    doc = dict(doc)
    doc["host"] = dict(doc["host"])
    return doc


@pytest.fixture(scope="module")
def reference(built):
    rc, out, err = _run(sys.executable, built["pyz"], "--root", EXAMPLE, "--format", "json")
    assert rc in (0, 1, 3), err
    return json.loads(out)


@pytest.mark.parametrize("version", WANTED)
def test_bundled_runner_on_each_python(version, built, reference):
    exe = PYTHONS.get(version)
    if exe is None:
        pytest.skip("Python %s is not installed under ~/.pyenv/versions (pyenv install %s.x to test it)"
                    % (version, version))
    rc, out, err = _run(exe, built["pyz"], "--root", EXAMPLE, "--format", "json")
    assert rc in (0, 1, 3), "Python %s: exit %d: %s" % (version, rc, err)
    assert err == ""
    doc = json.loads(out)
    assert _normalise(doc) == _normalise(reference), "Python %s reports differently" % version
    try:
        import jsonschema
    except ImportError:
        return
    with open(SCHEMA) as f:
        jsonschema.Draft202012Validator(json.load(f)).validate(doc)
    # the other formats and commands run too (no syntax or library the old Python lacks)
    for argv in (["--format", "junit"], ["--format", "prometheus"], ["--list"], ["-v", "--show-fix"]):
        rc, out, err = _run(exe, built["pyz"], "--root", EXAMPLE, *argv)
        assert rc in (0, 1, 3) and err == "" and out, (version, argv, err)
    rc, out, err = _run(exe, built["pyz"], "explain", "numa-balancing")
    assert rc == 0 and "Fix (SLE 12)" in out, (version, err)


def test_vermin_finds_no_newer_syntax():
    exe = tools.tool("vermin")
    cmd = [exe] if exe else None
    if cmd is None:
        try:
            import vermin  # noqa: F401
            cmd = [sys.executable, "-m", "vermin"]
        except ImportError:
            pytest.skip("vermin is not installed (pip install vermin; nox installs it)")
    p = subprocess.Popen(cmd + ["-t=3.6-", "--no-tips", "--violations", os.path.join(ROOT, "checks", "kbcheck")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    out, _ = p.communicate(timeout=300)
    assert p.returncode == 0, out
    assert "Target versions not met" not in out, out


def _python2():
    for exe in ["/usr/bin/python2", "/usr/bin/python2.7"] + sorted(
            glob.glob(os.path.expanduser("~/.pyenv/versions/2.*/bin/python"))):
        if os.access(exe, os.X_OK):
            return exe
    return None


PYTHON2 = _python2()


@pytest.mark.skipif(PYTHON2 is None, reason="no Python 2 on this machine")
@pytest.mark.parametrize("how", ["pyz", "package"])
def test_python2_gets_one_line_and_exit_2(built, how):
    """`python2 kbcheck.pyz` (and `python2 -m kbcheck`) refuse in one line, no traceback."""
    if how == "pyz":
        argv = [PYTHON2, built["pyz"], "--version"]
    else:
        argv = [PYTHON2, "-m", "kbcheck", "--version"]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                         cwd=os.path.join(ROOT, "checks"), env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    out, err = p.communicate(timeout=60)
    assert p.returncode == 2 and not out
    assert err.strip() == "kbcheck needs Python 3.6 or newer; this is Python 2.7"


def test_cli_main_refuses_old_python(monkeypatch, capsys):
    from kbcheck import cli
    monkeypatch.setattr(cli.sys, "version_info", (3, 5, 9, "final", 0))
    assert cli.main(["--version"]) == 2
    assert capsys.readouterr()[1].strip() == "kbcheck needs Python 3.6 or newer; this is Python 3.5"
