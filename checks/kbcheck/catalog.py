"""The compiled catalog: every entry of kb/ as data, with its probe's source code.

`kbgen build` writes it as JSON; the bundled runner carries it as kbcheck/_catalog.json. Probes
are compiled here, lazily, only for the entries a run selects.
"""
import json
import os
import pkgutil

from kbcheck import probe_api
from kbcheck.errors import UsageError

ENV = "KBCHECK_CATALOG"


class Entry(object):
    """One catalog entry. `data` is the entry's dict as the generator compiled it."""

    def __init__(self, data):
        self.data = data
        self.id = data["id"]
        self.title = data["title"]
        self.area = data.get("area", "")
        self.section = data.get("section", "")
        self.covers = data.get("covers", [])
        self.tags = data.get("tags", [])
        self.severity = data.get("severity", "medium")
        self.applies = data.get("applies", {})
        self.scope = data.get("scope", "host")
        self.code = data.get("code", "")
        self.code_hash = data.get("code_hash", "")
        self.source_file = data.get("file", self.id)
        self._fn = None

    def probe(self):
        """The compiled probe function (compiled once)."""
        if self._fn is None:
            body = self.code if self.code.strip() else "return None\n"
            indented = "".join("    " + line if line.strip() else line for line in body.splitlines(True))
            # pad so that line numbers in a traceback are the entry file's own
            pad = "\n" * max(0, int(self.data.get("code_line", 2)) - 2)
            src = pad + "def probe(host, dom=None):\n" + indented
            ns = probe_api.namespace()
            exec(compile(src, self.source_file, "exec"), ns)
            self._fn = ns["probe"]
        return self._fn


class Catalog(object):
    def __init__(self, data, origin):
        self.data = data
        self.origin = origin
        self.version = data.get("kb_version", "unknown")
        self.entries = [Entry(e) for e in data.get("entries", [])]
        self.by_id = dict((e.id, e) for e in self.entries)
        self.recommendations = data.get("recommendations", {})


def load(path=None):
    """Load the catalog: --catalog FILE, $KBCHECK_CATALOG, or the one bundled with the package."""
    path = path or os.environ.get(ENV)
    if path:
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise UsageError("cannot read catalog %s: %s" % (path, e.strerror or e))
        origin = path
    else:
        raw = None
        try:
            raw = pkgutil.get_data("kbcheck", "_catalog.json")
        except (OSError, IOError):
            raw = None
        if raw is None:
            raise UsageError("this kbcheck has no compiled catalog: run `kbgen build` and use "
                             "build/kbcheck.pyz, or pass --catalog build/catalog.json")
        origin = "bundled"
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as e:
        raise UsageError("catalog %s is not valid JSON (%s): rebuild it with `kbgen build`" % (origin, e))
    if not isinstance(data, dict) or data.get("format") != 1:
        raise UsageError("catalog %s is not a kbcheck catalog of format 1: rebuild it with `kbgen build`" % origin)
    return Catalog(data, origin)
