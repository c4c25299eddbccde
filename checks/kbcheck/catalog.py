"""The compiled catalog: every entry of kb/ as data, with its probe's source code.

`kbgen build` writes it as JSON; the bundled runner carries it as kbcheck/_catalog.json. Probes
are compiled here, lazily, only for the entries a run selects.
"""
import json
import os
import pkgutil
import sys

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
        self._catalog = None

    def probe(self):
        """The compiled probe function (compiled once). A bundled runner carries the probe
        already compiled for its Python (kbgen.bundle); the result is the same function."""
        if self._fn is None:
            code = self._catalog.precompiled(self) if self._catalog is not None else None
            if code is None:
                src, filename = probe_source(self.data)
                code = compile(src, filename, "exec")
            ns = probe_api.namespace()
            exec(code, ns)
            self._fn = ns["probe"]
        return self._fn


def probe_source(data):
    """(source, file name) of an entry's probe as it is compiled: `def probe(host, dom=None):`
    over the entry's code, padded with blank lines so that line numbers in a traceback are the
    entry file's own. kbgen.bundle precompiles exactly this."""
    code = data.get("code", "")
    body = code if code.strip() else "return None\n"
    indented = "".join("    " + line if line.strip() else line for line in body.splitlines(True))
    pad = "\n" * max(0, int(data.get("code_line", 2)) - 2)
    return pad + "def probe(host, dom=None):\n" + indented, data.get("file", data["id"])


PRECOMPILED = "_pyc/%s/probes.bin"  # in the bundle, by importlib.util.MAGIC_NUMBER in hex


def _load_precompiled():
    """{entry id: (code hash, file, code line, code object)} compiled for this Python by
    `kbgen build`, or {} (another Python, -O, or not a bundle: probes are compiled from source)."""
    if sys.flags.optimize:
        return {}
    try:
        from importlib.util import MAGIC_NUMBER
        raw = pkgutil.get_data("kbcheck", PRECOMPILED % MAGIC_NUMBER.hex())
    except (OSError, IOError, ImportError):
        return {}
    if not raw:
        return {}
    import marshal
    try:
        codes = marshal.loads(raw)
    except (ValueError, EOFError, TypeError):
        return {}
    return codes if isinstance(codes, dict) else {}


class Catalog(object):
    def __init__(self, data, origin):
        self.data = data
        self.origin = origin
        self.version = data.get("kb_version", "unknown")
        self.entries = [Entry(e) for e in data.get("entries", [])]
        self.by_id = dict((e.id, e) for e in self.entries)
        self.recommendations = data.get("recommendations", {})
        self._precompiled = None
        for e in self.entries:
            e._catalog = self

    def precompiled(self, entry):
        """The entry's probe code object precompiled for this Python, when this catalog is the
        bundled one and the bundle carries it for exactly this code; else None."""
        if self.origin != "bundled":
            return None
        if self._precompiled is None:
            self._precompiled = _load_precompiled()
        got = self._precompiled.get(entry.id)
        if (not isinstance(got, tuple) or len(got) != 4
                or got[:3] != (entry.code_hash, entry.source_file, int(entry.data.get("code_line", 2)))):
            return None
        return got[3]


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
