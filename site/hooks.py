"""mkdocs hooks of the kbcheck site (listed under `hooks:` in mkdocs.yml; not copied into the docs).

- navigation: areas only, never single entries, read from the .kbgen-nav.json that kbgen writes
  into the docs directory (so the sidebar and the build time stay small with thousands of entries);
- tags: the tags plugin accepts exactly the tags the entry schema allows (kb/entry.schema.json);
- offline: the iframe-worker shim is served from the site itself, never from a CDN;
- warnings about a generated entry page also name the entry's YAML file;
- search keys: an entry page's `search_keys` (front matter, kbgen/searchkeys.py: the sysctl keys
  and parameter files its fix writes and its probe reads) become the `keys` field of the page's
  first section in the search index (mkdocs.yml boosts it), so `kernel.numa_balancing` finds the
  entry that sets it first. This uses mkdocs-material's search plugin's index (`search_index.entries`,
  9.8.1 as pinned; tests/browser/test_site_screens.py checks the ranking);
- search indexing: material's search plugin parses every page's HTML (html.parser, in Python) after
  the template phase has begun; the pages are all rendered by then (on_env), so a forked process
  indexes them with the plugin's own SearchIndex while the parent renders the templates, and hands
  the entries back before the plugin writes the index (on_post_build): the same entries, in the
  same order, on the other core. The Pygments <span>s inside <pre> are left out of what it parses
  (the plugin keeps no span and the text of a <pre> is the same without them; a quarter of the
  tags of an entry page). Without fork, or when the child fails, the parent indexes as the plugin
  would. Uses mkdocs-material's SearchIndex.add_entry_from_context(page) and .entries (9.8.1 as
  pinned; tests/test_site_search_index.py fails when they change);
- pages: the entry pages' Markdown is rendered on two cores (site/pagefork.py, `mkdocs build`
  only; KBGEN_PAGES_SERIAL=1 turns it off);
- highlighting: Pygments' HtmlFormatter rebuilds its table of token styles for every code block
  (pymdownx.highlight makes one formatter per block), a quarter of the highlighting time at
  thousands of pages; the table depends only on the style and the class prefix, so it is made once.
"""
import json
import logging
import os
import pickle
import re
import sys
import tempfile
import time

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT_SITE = os.path.dirname(os.path.abspath(__file__))  # this folder: site/pagefork.py
SHIM = "assets/javascripts/iframe-worker-shim.js"
NAV_FILE = ".kbgen-nav.json"

_entry_files = {}
_command = {"name": None}
_indexing = {}
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)
_SPAN = re.compile(r'<span(?: class="[^"<>]*")?>|</span>')


def schema_tags(path=None):
    path = path or os.environ.get("KBGEN_SCHEMA") or os.path.join(PROJECT, "kb", "entry.schema.json")
    with open(path) as f:
        schema = json.load(f)
    return list(schema["properties"]["tags"]["items"]["enum"])


class _NameTheEntry(logging.Filter):
    """Append `(entry kb/<area>/<id>.yaml)` to any message that names a generated entry page."""

    def filter(self, record):
        if record.levelno >= logging.WARNING and _entry_files:
            try:
                msg = record.getMessage()
            except Exception:
                return True
            for page, src in _entry_files.items():
                if page in msg and src not in msg:
                    record.msg = "%s (entry %s)" % (msg, src)
                    record.args = ()
                    break
        return True


def _style_tables_once():
    try:
        from pygments.formatters.html import HtmlFormatter
    except ImportError:
        return
    if getattr(HtmlFormatter._create_stylesheet, "kbgen_once", False):
        return
    made = HtmlFormatter._create_stylesheet
    tables = {}

    def create_stylesheet(self):
        key = (self.style, self.classprefix)
        if key not in tables:
            made(self)
            tables[key] = (dict(self.ttype2class), dict(self.class2style))
        t2c, c2s = tables[key]
        self.ttype2class, self.class2style = dict(t2c), dict(c2s)
    create_stylesheet.kbgen_once = True
    HtmlFormatter._create_stylesheet = create_stylesheet


def on_startup(command, dirty):
    _command["name"] = command


def search_html(html):
    """The HTML the search index is made from: `html` without the <span>s inside <pre> blocks
    (Pygments' colours). The search plugin's parser keeps none of them and, inside <pre>, appends
    every piece of text as it is, so the index is the same (tests/test_site_search_index.py)."""
    def strip(m):
        block = m.group(0)
        if "<span" not in block or "data-search-exclude" in block or "linenodiv" in block:
            return block
        return _SPAN.sub("", block)
    return _PRE.sub(strip, html) if "<pre" in html else html


def _index(add, page):
    """The plugin's own indexing of one page (`add`: material's SearchIndex.add_entry_from_context),
    on the cheaper HTML."""
    content = page.content
    page.content = search_html(content)
    try:
        add(page)
    finally:
        page.content = content


@event_priority(100)
def on_config(config):
    _style_tables_once()
    docs = config["docs_dir"]
    nav_file = os.path.join(docs, NAV_FILE)
    if os.path.exists(nav_file):
        with open(nav_file) as f:
            data = json.load(f)
        if not config.get("nav"):
            config["nav"] = data["nav"]
        _entry_files.clear()
        _entry_files.update(data.get("entry_files") or {})
        flt = _NameTheEntry()
        for h in logging.getLogger("mkdocs").handlers:
            if not any(isinstance(x, _NameTheEntry) for x in h.filters):
                h.addFilter(flt)
    # Tags: unknown tags fail the build (the tags plugin raises on the page that uses one).
    from material.plugins.tags.structure.tag import Tag
    for name, plugin in config["plugins"].items():
        if name.endswith("tags") and hasattr(plugin, "config") and "tags_allowed" in plugin.config:
            plugin.config["tags_allowed"] = set(Tag(t) for t in schema_tags())
    # Offline: the shim is one of the build's own files (kbgen puts it there).
    offline = config["plugins"].get("material/offline")
    if offline is not None and offline.config.enabled:
        if not os.path.exists(os.path.join(docs, SHIM)):
            raise PluginError("the offline build needs %s in the docs directory: build with `kbgen build --offline`, "
                              "which fetches it from the npm registry" % SHIM)
        config["extra"]["polyfills"] = [SHIM]
    return config


def _search_index(config):
    search = config["plugins"].get("material/search")
    if search is None or not search.config.enabled:
        return None
    return getattr(search, "search_index", None)


def _fork_indexing(index, pages):
    """Index `pages` in a forked child -> (pid, the file its entries are written to)."""
    fd, path = tempfile.mkstemp(prefix="kbgen-search-", suffix=".pickle")
    os.close(fd)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: index, write the entries, leave without running the parent's exit code
        code = 1
        try:
            add = index.add_entry_from_context
            index.entries = []
            for page in pages:
                _index(add, page)
            with open(path, "wb") as f:
                pickle.dump(index.entries, f, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    return pid, path


_pages = {}


@event_priority(-100)  # last: the navigation is final, the pages' Markdown not rendered yet
def on_nav(nav, config, files):
    """`mkdocs build`: the last half of the entry pages' Markdown is rendered in a forked child
    while the parent renders the rest (site/pagefork.py); KBGEN_PAGES_SERIAL=1 renders all here."""
    _pages.clear()
    if _command["name"] == "build" and hasattr(os, "fork") and not os.environ.get("KBGEN_PAGES_SERIAL"):
        if PROJECT_SITE not in sys.path:
            sys.path.insert(0, PROJECT_SITE)
        import pagefork
        _pages["fork"] = pagefork.start(config, files)
    return nav


@event_priority(-100)  # every page is rendered; the tags plugin (100) has filled in its listings
def on_env(env, config, files):
    """Search: `mkdocs build` indexes every page in a forked child while the parent renders the
    templates (the plugin's own indexing in the parent does nothing then); otherwise the plugin
    indexes each page as usual, on the cheaper HTML."""
    fork = _pages.pop("fork", None)
    if fork is not None:
        fork.close()  # (every page is rendered by now: the page child is reaped)
    _indexing.clear()
    index = _search_index(config)
    if index is None:
        return env
    pages = [f.page for f in files.documentation_pages() if f.page is not None]
    add = index.add_entry_from_context
    _indexing.update(index=index, pages=pages, add=add)
    if _command["name"] == "build" and hasattr(os, "fork") and not os.environ.get("KBGEN_SEARCH_SERIAL"):
        _indexing["pid"], _indexing["path"] = _fork_indexing(index, pages)
        index.add_entry_from_context = lambda page: None  # the plugin still cleans the page's content
    else:
        index.add_entry_from_context = lambda page: _index(add, page)
    return env


def _child_entries():
    """The child's entries, or None when it failed (then the parent indexes)."""
    pid, path = _indexing["pid"], _indexing["path"]
    try:
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return None
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.PickleError, EOFError):
        return None
    finally:
        os.unlink(path)


def _add_keys(entries, pages):
    """The `keys` field: an entry page's search_keys on its first section (location = its url)."""
    keys = dict((p.url, " ".join(str(k) for k in p.meta["search_keys"])) for p in pages if p.meta.get("search_keys"))
    for entry in entries:
        k = keys.pop(entry.get("location"), None)
        if k is not None:
            entry["keys"] = k


@event_priority(100)  # before the search plugin (priority 0) writes the index
def on_post_build(config):
    index = _indexing.get("index")
    if index is None or index is not _search_index(config):
        return
    index.add_entry_from_context = _indexing["add"]
    if "pid" in _indexing:
        started = time.time()
        entries = _child_entries()
        logging.getLogger("mkdocs.hooks").debug("search: waited %.1fs for the indexing process", time.time() - started)
        if entries is None:
            logging.getLogger("mkdocs.hooks").info("search: the indexing process failed; indexing here")
            index.entries = []
            for page in _indexing["pages"]:
                _index(_indexing["add"], page)
        else:
            index.entries = entries
    _add_keys(index.entries, _indexing["pages"])
    _indexing.clear()
