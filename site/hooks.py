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
- highlighting: Pygments' HtmlFormatter rebuilds its table of token styles for every code block
  (pymdownx.highlight makes one formatter per block), a quarter of the highlighting time at
  thousands of pages; the table depends only on the style and the class prefix, so it is made once.
"""
import json
import logging
import os

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIM = "assets/javascripts/iframe-worker-shim.js"
NAV_FILE = ".kbgen-nav.json"

_entry_files = {}


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


@event_priority(-100)  # after the search plugin (priority 0) has indexed the page
def on_page_context(context, page, config, nav):
    keys = page.meta.get("search_keys")
    search = config["plugins"].get("material/search")
    index = getattr(search, "search_index", None)
    if not keys or index is None:
        return context
    for entry in reversed(index.entries):  # the page's sections were appended just now
        if entry.get("location") == page.url:
            entry["keys"] = " ".join(str(k) for k in keys)
            break
    return context
