"""Fixtures of the hostile suite: the bundled runner under limits, a folder per case, and the big
inputs, generated once per session when a case first needs them."""
import os

import pytest

from hostile import harness


@pytest.fixture
def work(tmp_path):
    """A folder for one case, with a secret beside it that no output may ever show."""
    with open(str(tmp_path / "secret.txt"), "w") as f:
        f.write(harness.SECRET + "\n")
    return str(tmp_path)


@pytest.fixture
def pyz(built):
    """The bundled runner under test: the session's build (KBCHECK_HOSTILE_PYZ=FILE runs the suite
    on another one, to see the findings on an older kbcheck)."""
    return os.environ.get("KBCHECK_HOSTILE_PYZ") or built["pyz"]


@pytest.fixture
def kbcheck(pyz, work):
    """kbcheck(name, *argv, env=None, files=()) -> harness.Outcome of the bundled runner."""
    def call(name, *argv, **kw):
        return harness.run(name, [pyz] + list(argv), work, env=kw.get("env"), files=kw.get("files", ()))
    return call


@pytest.fixture(scope="session")
def big(tmp_path_factory):
    """A per-session cache of generated inputs: big(key, make) -> make(folder) the first time."""
    cache = {}
    base = str(tmp_path_factory.mktemp("hostile-big"))

    def get(key, make):
        if key not in cache:
            d = os.path.join(base, key)
            os.makedirs(d)
            cache[key] = make(d)
        return cache[key]
    return get


def pytest_terminal_summary(terminalreporter):
    """The slowest case and the largest peak; with -v, every run's figures."""
    line = harness.summary()
    if line:
        if terminalreporter.config.option.verbose > 0:
            for name, seconds, peak in sorted(harness.MEASURED, key=lambda m: -m[1]):
                terminalreporter.write_line("  %6.2f CPU s %5.0f MB  %s" % (seconds, peak, name))
        terminalreporter.write_line(line)
