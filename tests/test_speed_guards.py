"""Guards for the runner's start-up (not timed): it never imports the generator's heavy libraries
(yaml, jinja2, jsonschema, markdown ...), whatever the output format."""
import os
import re
import subprocess
import sys

import pytest

from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")
FORBIDDEN = ("yaml", "jinja2", "markupsafe", "jsonschema", "markdown", "mkdocs", "pygments", "kbgen")


def _imported(built, *argv):
    p = subprocess.Popen([sys.executable, "-X", "importtime", built["pyz"]] + list(argv),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    out, err = p.communicate(timeout=120)
    assert p.returncode in (0, 1, 3), err
    return set(m.group(1) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)", err, re.M))


@pytest.mark.parametrize("argv", [
    ["--format", "text", "-v", "--show-fix"], ["--format", "json"], ["--format", "junit"],
    ["--format", "prometheus"], ["--list"]])
def test_runner_never_imports_heavy_libraries(built, argv):
    mods = _imported(built, "--root", EXAMPLE, *argv)
    assert "kbcheck.runner" in mods or argv == ["--list"]
    bad = sorted(m for m in mods if m.split(".")[0] in FORBIDDEN)
    assert not bad, "the runner imported %s" % ", ".join(bad)


def test_sys_modules_after_a_run(built):
    code = ("import sys; sys.argv = ['kbcheck', '--root', %r, '--format', 'json']; sys.path.insert(0, %r)\n"
            "from kbcheck.cli import main\n"
            "import io, contextlib\n"
            "buf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n"
            "    rc = main()\n"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in %r)))\n"
            % (EXAMPLE, built["pyz"], FORBIDDEN))
    out = subprocess.check_output([sys.executable, "-S", "-c", code], universal_newlines=True)
    assert out.strip() == ""


def test_explain_and_fix_stay_light(built, tmp_path):
    mods = _imported(built, "explain", "numa-balancing")
    assert not [m for m in mods if m.split(".")[0] in FORBIDDEN]
    mods = _imported(built, "fix", "--root", EXAMPLE, "--script", str(tmp_path / "f.sh"))
    assert "kbcheck.fixscript" in mods
    assert not [m for m in mods if m.split(".")[0] in FORBIDDEN]


@pytest.mark.parametrize("argv", [["--format", "text"], ["--format", "json"]])
def test_deadlines_do_without_the_threading_module(built, argv):
    """The deadline watch runs on kbcheck.threads (the interpreter's _thread): a run with the
    default deadline starts its worker thread without importing `threading`."""
    mods = _imported(built, "--root", EXAMPLE, *argv)
    assert "kbcheck.threads" in mods and "kbcheck.runner" in mods
    assert "threading" not in mods
