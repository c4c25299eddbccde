"""How people open the built site: served over HTTP by a one-line command.

A normal build's search runs in a web worker, which browsers refuse to start from file://; such a
page says so and names the command (site/javascripts/file-notice.js builds the same command in the
browser, for the folder the page was opened from). `kbgen build --offline` makes a site that also
searches from file:// (with the iframe-worker shim, fetched by npm)."""
import os
import shlex

PORT = 8000
HOST = "127.0.0.1"


def serve_command(site_dir, port=PORT):
    """-> argv that serves site_dir on http://127.0.0.1:PORT/ (standard library only, Python 3.7+)."""
    return ["python3", "-m", "http.server", "--bind", HOST, "--directory", site_dir, str(port)]


def shown_path(path, cwd=None):
    """The folder as a user would type it: relative to the current folder when inside it."""
    rel = os.path.relpath(os.path.abspath(path), cwd or os.getcwd())
    return os.path.abspath(path) if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


def serve_text(site_dir, port=PORT):
    """-> the line kbgen build and the demo print: the command, then the address to open."""
    cmd = " ".join(shlex.quote(a) for a in serve_command(shown_path(site_dir), port))
    return "%s  (then open http://%s:%d/)" % (cmd, HOST, port)
