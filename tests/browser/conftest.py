"""Browser fixtures: the built site served on 127.0.0.1, Debian's chromium driven by Playwright.

Every page a test opens records its requests and console messages; at the end of each test no
request may have gone to any host but 127.0.0.1 (or file://) and no console error may have occurred.
Screenshots go to test-artifacts/ (git-ignored).
"""
import functools
import http.server
import os
import shutil
import socketserver
import threading

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "test-artifacts")


def _why_no_browser():
    if not os.path.exists(CHROMIUM):
        return "no %s (Debian's chromium; .ci/install-system-deps.sh installs it)" % CHROMIUM
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install playwright; never `playwright install`)"
    return None


@pytest.fixture(scope="session")
def browser():
    why = _why_no_browser()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=directory))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="session")
def site_url(built_site):
    """The normal (served) build on http://127.0.0.1:PORT/."""
    httpd = serve(built_site["site"])
    yield "http://127.0.0.1:%d/" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory, model):
    """The offline build (kbgen build --offline): opened straight from the file system."""
    from conftest import why_no_offline_build
    from kbgen.cli import build
    if why_no_offline_build():
        pytest.skip(why_no_offline_build())
    out = str(tmp_path_factory.mktemp("build-offline"))
    return build(model, out, site=True, quiet=True, offline=True)


# Watches the site's search worker (mkdocs-material: the page posts {type: 2 (QUERY), data: text},
# the worker answers each query, in order, with one {type: 3 (RESULT)}; see its
# integrations/search/worker). window.__kbSearch.sent lists the queries posted, .answered counts
# the results received, so a test can wait until the results on screen answer exactly the typed
# query. Whatever class ends up as window.Worker (the offline build's iframe-worker shim assigns
# its own on file://) is wrapped.
SEARCH_WATCH = """
(() => {
  const watch = window.__kbSearch = {sent: [], answered: 0};
  const wrap = W => (typeof W !== "function" || W.__kbWatched) ? W : (() => {
    class Watched extends W {
      constructor(...args) {
        super(...args);
        this.addEventListener("message", ev => {
          if (ev.data && ev.data.type === 3) watch.answered += 1;
        });
      }
      postMessage(message, ...rest) {
        if (message && message.type === 2) watch.sent.push(message.data);
        return super.postMessage(message, ...rest);
      }
    }
    Watched.__kbWatched = true;
    return Watched;
  })();
  let current = wrap(window.Worker);
  Object.defineProperty(window, "Worker", {
    configurable: true,
    get: () => current,
    set: W => { current = wrap(W); }
  });
})();
"""


class Recorder(object):
    def __init__(self):
        self.requests = []
        self.problems = []

    def attach(self, page):
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.problems.append("console %s: %s (%s)" % (m.type, m.text, page.url))
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append("page error: %s (%s)" % (e, page.url)))

    def foreign(self):
        return [u for u in self.requests
                if not (u.startswith("http://127.0.0.1:") or u.startswith("file://") or u.startswith("data:")
                        or u.startswith("blob:") or u.startswith("about:"))]


@pytest.fixture
def page(browser):
    """A fresh browser context (no shared storage) whose traffic and console are checked at the end."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    rec = Recorder()
    # Belt and braces: anything not local is refused, so a regression cannot reach the network
    # and is still reported below.
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1:", "file://", "data:", "blob:")) else route.abort())
    ctx.add_init_script(SEARCH_WATCH)
    pg = ctx.new_page()
    rec.attach(pg)
    ctx.on("page", rec.attach)
    pg.recorder = rec
    yield pg
    ctx.close()
    assert rec.foreign() == [], "requests left the machine: %s" % rec.foreign()
    assert rec.problems == [], "\n".join(rec.problems)


def screenshot(page, name, full_page=False):
    if not os.path.isdir(ARTIFACTS):
        os.makedirs(ARTIFACTS)
    path = os.path.join(ARTIFACTS, name)
    page.screenshot(path=path, full_page=full_page)
    return path


def copy_site(src, dst):
    shutil.copytree(src, dst)
    return dst
