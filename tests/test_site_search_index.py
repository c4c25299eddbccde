"""The site's search index is made faster (site/hooks.py), never different: material's own indexing
runs in a forked process on HTML without Pygments' <span>s, and gives the index the plugin gives.

These tests rely on mkdocs-material's search plugin internals (9.8.1 as pinned): when one of them
fails after an upgrade, read material/plugins/search/plugin.py again before changing the hooks."""
import glob
import inspect
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "site"))

search_plugin = pytest.importorskip("material.plugins.search.plugin",
                                    reason="mkdocs-material is not installed (pip install '.[site]')")
import hooks  # noqa: E402


def _sections(html):
    p = search_plugin.Parser()
    p.feed(html)
    p.close()
    return [(s.id, "".join(s.title), "".join(s.text), s.is_excluded()) for s in p.data]


def _articles(site):
    for path in sorted(glob.glob(os.path.join(site, "**", "*.html"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"<article\b.*?</article>", text, re.S)
        if m:
            yield os.path.relpath(path, site), m.group(0)


def test_the_material_internals_the_hooks_use_are_still_there():
    # the plugin indexes a page by SearchIndex.add_entry_from_context(page) in on_page_context
    # and writes SearchIndex.entries in on_post_build
    src = inspect.getsource(search_plugin.SearchPlugin.on_page_context)
    assert "self.search_index.add_entry_from_context(page)" in src
    assert "self.search_index" in inspect.getsource(search_plugin.SearchPlugin.on_post_build)
    index = search_plugin.SearchIndex(lang=["en"], separator="x", pipeline=[], fields={})
    assert index.entries == [] and callable(index.add_entry_from_context)
    # search_html drops <span>s inside <pre>: the parser must keep no span and skip none by tag
    p = search_plugin.Parser()
    assert "span" not in p.keep and "span" not in p.skip and "pre" in p.keep


def test_without_the_spans_of_pre_blocks_the_parser_gives_the_same_sections():
    html = ('<h1 id="t">Title <a class="headerlink" href="#t">x</a></h1><p>a <code>vm.swappiness</code> b</p>'
            '<div class="highlight"><span class="filename">probe</span><pre><span></span><code>'
            '<span class="nb">echo</span><span class="w"> </span>1<span class="w">  \n  </span>&gt;'
            '<span class="s2">&quot;/proc/sys/vm/x&quot;</span>\n</code></pre></div>'
            '<h2 id="w">Why</h2><table><tr><td>yes</td><td><span id="r1"></span>no</td></tr></table>')
    stripped = hooks.search_html(html)
    assert '<span class="nb">' not in stripped and '<span class="filename">' in stripped
    assert '<span id="r1">' in stripped  # outside <pre>: left as it is
    assert _sections(stripped) == _sections(html)


def test_a_pre_block_that_excludes_itself_is_left_as_it_is():
    html = '<pre data-search-exclude><span class="x">secret</span></pre>'
    assert hooks.search_html(html) == html


def test_every_built_page_indexes_the_same_without_the_spans(built_site):
    pages = list(_articles(built_site["site"]))
    assert len(pages) > 90
    for rel, html in pages:
        assert _sections(hooks.search_html(html)) == _sections(html), rel


def test_forked_and_serial_indexing_give_the_same_index(built_site, model, tmp_path, monkeypatch):
    from kbgen.cli import build
    monkeypatch.setenv("KBGEN_SEARCH_SERIAL", "1")
    serial = build(model, str(tmp_path / "serial"), site=True, quiet=True)
    with open(os.path.join(built_site["site"], "search", "search_index.json"), encoding="utf-8") as f:
        forked = f.read()
    with open(os.path.join(serial["site"], "search", "search_index.json"), encoding="utf-8") as f:
        assert f.read() == forked
    assert re.search(r'"keys":"[^"]*kernel\.numa_balancing', forked)
