"""The repository stands alone: cloned into a temporary folder with nothing beside it, it installs
into a fresh virtual environment (`pip install '.[site]'`, the demo's install), `kbgen check`
validates it, `kbgen build` builds the runner and the site, and the bundled runner judges
examples/sle12-kvm-untuned (exit 1 for its failures, no traceback); the installed `kbcheck` gives
the same verdict from its baked-in catalog.

It clones the checkout's committed HEAD (what a public clone gets). pip's own cache makes the
install quick after the first run (about 30 s here). If PyPI cannot be reached the test
skips and says so; any other install failure fails it."""
import json
import os
import shutil
import subprocess
import venv

import pytest

from conftest import ROOT

EXAMPLE = os.path.join("examples", "sle12-kvm-untuned")


def run(cmd, cwd, timeout=900, env=None):
    e = dict(os.environ, NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    for k in ("PYTHONPATH", "KBGEN_PROJECT", "KBGEN_OFFLINE", "VIRTUAL_ENV"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run(cmd, cwd=cwd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)


def _pypi_unreachable(py, cwd):
    """None when pip can reach its index, else what it said."""
    r = run([py, "-m", "pip", "index", "versions", "pyyaml"], cwd, timeout=180)
    return None if r.returncode == 0 else ((r.stderr or r.stdout).strip().splitlines() or ["exit %d" % r.returncode])[-1]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if run(["git", "-C", ROOT, "rev-parse", "--git-dir"], ROOT).returncode != 0:
        pytest.skip("%s is not a git checkout: nothing to clone" % ROOT)
    top = str(tmp_path_factory.mktemp("lonely"))
    dest = os.path.join(top, "kbcheck")
    r = run(["git", "clone", "-q", ROOT, dest], top)
    assert r.returncode == 0, r.stderr
    assert os.listdir(top) == ["kbcheck"]  # nothing beside it: no ../shared
    return dest


@pytest.fixture(scope="module")
def env(clone, tmp_path_factory):
    """A fresh virtual environment (outside the clone) with the clone installed."""
    where = os.path.join(str(tmp_path_factory.mktemp("venv")), "v")
    venv.EnvBuilder(with_pip=True).create(where)
    py = os.path.join(where, "bin", "python")
    r = run([py, "-m", "pip", "install", "-q", ".[site]"], clone)
    if r.returncode != 0:
        why = _pypi_unreachable(py, clone)
        if why:
            pytest.skip("PyPI is unreachable, so the clone cannot be installed: %s" % why)
    assert r.returncode == 0, "pip install '.[site]' failed in a clean clone:\n%s" % r.stderr[-3000:]
    return os.path.join(where, "bin")


def test_kbgen_check_in_a_clean_clone(clone, env):
    r = run([os.path.join(env, "kbgen"), "check"], clone)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("kb: ") and "79 recommendations, all valid" in r.stdout, r.stdout
    assert r.stderr == ""


def test_kbgen_build_and_the_bundled_runner_in_a_clean_clone(clone, env):
    r = run([os.path.join(env, "kbgen"), "build"], clone)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "python3 -m http.server --bind 127.0.0.1 --directory build/site 8000" in r.stdout
    for p in ("build/kbcheck.pyz", "build/catalog.json", "build/site/index.html", "build/site/coverage.html",
              "build/site/search/search_index.json"):
        assert os.path.isfile(os.path.join(clone, p)), p
    coverage = open(os.path.join(clone, "build", "site", "coverage.html"), encoding="utf-8").read()
    assert "R2.1" in coverage and "R9d" in coverage
    r = run([os.path.join(env, "python"), os.path.join("build", "kbcheck.pyz"), "--root", EXAMPLE], clone)
    assert r.returncode == 1, (r.returncode, r.stdout[-2000:], r.stderr)
    assert "Traceback" not in r.stdout + r.stderr and r.stderr == ""
    assert "fail" in r.stdout.lower()


def test_the_installed_kbcheck_carries_the_catalog(clone, env):
    r = run([os.path.join(env, "kbcheck"), "--root", EXAMPLE, "--format", "json"], clone)
    assert r.returncode == 1, (r.returncode, r.stderr)
    doc = json.loads(r.stdout)
    assert doc["summary"]["fail"] > 0 and doc["summary"]["error"] == 0
    assert "Traceback" not in r.stderr
