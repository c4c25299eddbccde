"""Shared fixtures. The suite runs from a source checkout: checks/ and generator/ go on sys.path."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _p in (os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator"), os.path.join(ROOT, "tests")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

# ../shared, beside a clone, holds the corpora the tests read (real domain XML, capabilities,
# captures of real hosts) and the guide's text. A clone with nothing beside it skips those tests
# with one reason each; KBCHECK_REQUIRE_SHARED=1 (this repository's CI: .ci/run) makes their
# absence a failure instead, so a CI that lost them cannot pass by skipping.
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
CORPUS = os.path.join(SHARED, "corpus")
GUIDE = os.path.join(SHARED, "guide")
EXAMPLES = os.path.join(ROOT, "examples")
REQUIRE_SHARED = os.environ.get("KBCHECK_REQUIRE_SHARED", "") == "1"
CORPUS_REASON = "../shared/corpus is not beside this clone (the real-world corpora these tests read)"
GUIDE_REASON = "../shared/guide is not beside this clone (the guide's text these tests compare with)"
needs_corpus = pytest.mark.skipif(not os.path.isdir(CORPUS) and not REQUIRE_SHARED, reason=CORPUS_REASON)
needs_guide = pytest.mark.skipif(not os.path.isdir(GUIDE) and not REQUIRE_SHARED, reason=GUIDE_REASON)


def why_no_mkdocs():
    """None when the site can be built here (kbgen runs `python -m mkdocs` with this interpreter)."""
    try:
        import material  # noqa: F401
        import mkdocs  # noqa: F401
    except ImportError as e:
        return "mkdocs and mkdocs-material are not installed (pip install '.[site]'; nox -s tests does): %s" % e
    return None


def why_no_offline_build():
    """None when `kbgen build --offline` can run here: mkdocs, and npm or a cached iframe-worker shim."""
    import shutil
    from kbgen import pages
    why = why_no_mkdocs()
    if why:
        return why
    cache = os.environ.get("KBGEN_CACHE") or os.path.join(ROOT, "build", ".cache")
    cached = os.path.exists(os.path.join(cache, "%s-%s.tgz" % (pages.SHIM_PACKAGE, pages.SHIM_VERSION)))
    if not cached and not shutil.which("npm"):
        return "npm is not installed: the offline build fetches the pinned %s shim with it" % pages.SHIM_PACKAGE
    return None


needs_mkdocs = pytest.mark.skipif(why_no_mkdocs() is not None, reason=why_no_mkdocs() or "")


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
    if why_no_mkdocs():
        pytest.skip(why_no_mkdocs())
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
