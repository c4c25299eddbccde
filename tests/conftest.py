"""Shared fixtures. The suite runs from a source checkout: checks/ and generator/ go on sys.path."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _p in (os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator"), os.path.join(ROOT, "tests")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
CORPUS = os.path.join(SHARED, "corpus")
EXAMPLES = os.path.join(ROOT, "examples")


@pytest.fixture(scope="session")
def model():
    from kbgen import model as model_mod
    return model_mod.load()


@pytest.fixture(scope="session")
def catalog_data(model):
    from kbgen.compiler import compile_catalog
    return compile_catalog(model)


@pytest.fixture(scope="session")
def built(tmp_path_factory, model):
    """One build of the catalog and the bundled runner (no site) for the whole session."""
    from kbgen.cli import build
    out = str(tmp_path_factory.mktemp("build"))
    return build(model, out, site=False, quiet=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, model):
    """One full build including the mkdocs site."""
    from kbgen.cli import build
    out = str(tmp_path_factory.mktemp("build-site"))
    return build(model, out, site=True, quiet=True)


@pytest.fixture
def kb(built, capsys):
    """kb(*argv) -> (exit code, stdout, stderr): kbcheck's main() in-process with the session's
    compiled catalog (placed after a leading command such as explain or fix)."""
    from kbcheck.cli import main

    def call(*argv):
        argv = list(argv)
        if argv and argv[0] in ("explain", "fix"):
            argv = argv[:1] + ["--catalog", built["catalog"]] + argv[1:]
        else:
            argv = ["--catalog", built["catalog"]] + argv
        rc = main(argv)
        out, err = capsys.readouterr()
        return rc, out, err
    return call
