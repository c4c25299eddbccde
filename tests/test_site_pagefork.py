"""The entry pages' Markdown rendered on two cores (site/pagefork.py) makes the same site as one
process, says the same warnings (so --strict still fails on them), and falls back to the parent
for a page the child could not render.

These tests rely on mkdocs 1.6's Page.render and build._populate_page (as pinned, mkdocs<2):
when one fails after an upgrade, read mkdocs/structure/pages.py again before changing pagefork."""
import inspect
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "site"))

pages_mod = pytest.importorskip("mkdocs.structure.pages", reason="mkdocs is not installed (pip install '.[site]')")
import pagefork  # noqa: E402


def _tree(top):
    out = {}
    for d, _dirs, files in os.walk(top):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, top)] = fh.read()
    return out


def test_the_mkdocs_internals_pagefork_uses_are_still_there():
    from mkdocs.commands import build
    src = inspect.getsource(pages_mod.Page.render)
    for name in pagefork._SET + ("links_to_anchors",):
        assert "self.%s = " % name in src, name
    assert "page.render(config, files)" in inspect.getsource(build._populate_page)


def test_split_gives_the_child_the_last_half_by_size(tmp_path):
    class P(object):
        def __init__(self, path):
            self.file = type("F", (), {"abs_src_path": path})()
    paths = []
    for i, n in enumerate([10, 10, 10, 10, 40]):
        p = tmp_path / ("p%d.md" % i)
        p.write_text("x" * n)
        paths.append(P(str(p)))
    mine, theirs = pagefork.split(paths)
    assert mine + theirs == paths and [len(mine), len(theirs)] == [4, 1]
    assert pagefork.split([]) == ([], [])


def test_forked_and_serial_pages_make_the_same_site(built_site, model, tmp_path, monkeypatch):
    from kbgen.cli import build
    monkeypatch.setenv("KBGEN_PAGES_SERIAL", "1")
    serial = build(model, str(tmp_path / "serial"), site=True, quiet=True)
    forked, one = _tree(built_site["site"]), _tree(serial["site"])
    assert sorted(forked) == sorted(one)
    assert [k for k in forked if forked[k] != one[k]] == []


def test_a_warning_on_a_page_the_child_renders_still_fails_the_strict_build(built_site, tmp_path, monkeypatch):
    """A broken link in the last entry page (the child's): the strict build fails, and the warning
    is said once, as one process says it."""
    import glob
    import shutil

    from kbgen.site import run_mkdocs
    docs = str(tmp_path / "docs")
    shutil.copytree(built_site["docs"], docs)
    last = sorted(glob.glob(os.path.join(docs, "entries", "*", "*.md")))[-1]
    with open(last, "a", encoding="utf-8") as f:
        f.write("\n\nSee [the missing page](no-such-page.md).\n")
    said = {}
    for how in ("forked", "serial"):
        if how == "serial":
            monkeypatch.setenv("KBGEN_PAGES_SERIAL", "1")
        rc, lines = run_mkdocs(docs, str(tmp_path / how), os.path.join(ROOT, "mkdocs.yml"))
        assert rc != 0
        said[how] = [ln for ln in lines if "no-such-page.md" in ln]
    assert len(said["forked"]) == 1 and os.path.basename(last) in said["forked"][0]
    assert said["forked"] == said["serial"]
