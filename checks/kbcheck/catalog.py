"""The compiled catalog: every entry of kb/ as data, with its probe's source code, read into
Entry objects (the one shape of an entry, see Entry).

`kbgen build` (kbgen.compiler) writes it as JSON; the bundled runner carries it as
kbcheck/_catalog.json (and as marshal data, kbcheck/_catalog.bin, which it reads). Probes are
compiled here, lazily, only for the entries a run selects.
"""
import os
import re
import sys

from kbcheck import probe_api
from kbcheck.errors import UsageError
from kbcheck.packagedata import magic
from kbcheck.packagedata import package_data as _package_data

ENV = "KBCHECK_CATALOG"
# a probe reading a user declaration: host.declared("NAME") (`kbcheck --assume NAME=yes|no`) or
# host.declared_guests("NAME") (`kbcheck --assume NAME=GUEST[,GUEST...]`)
DECLARED = r"""\bhost\.declared(_guests)?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""


def declarations(entries):
    """{name: [entry ids]} of the declarations that probes read with host.declared("NAME"), names
    and ids sorted; entries: (id, probe code) pairs. kbcheck refuses any other --assume name, so a
    typo cannot pass unnoticed; `kbgen build` stores this in the catalog."""
    out = {}
    for eid, code in entries:
        for _, name in re.findall(DECLARED, code or ""):
            ids = out.setdefault(name, [])
            if eid not in ids:
                ids.append(eid)
    return dict((k, sorted(v)) for k, v in sorted(out.items()))


def guest_lists(entries):
    """The declarations whose value is a list of guest names (host.declared_guests("NAME")), sorted;
    entries: (id, probe code) pairs."""
    return sorted(set(name for _, code in entries for kind, name in re.findall(DECLARED, code or "") if kind))


# where an entry applies when its `applies` leaves a key out: everywhere
ALL_PRODUCTS = ("sle11", "sle12")
ALL_HYPERVISORS = ("kvm", "xen", "containers")
ALL_ROLES = ("host", "guest")


class Entry(object):
    """One knowledge-base entry: the one shape the runner, explain, the fix scripts, the generator
    (kbgen builds the catalog's dict of an entry from its model and this from that dict) and the
    tests share. Built from the entry's dict in the compiled catalog; every field a consumer uses
    is a named attribute:

      id, title, area, area_title, section, covers, tags, severity, kind
      summary, rationale, manual        what to do, why, the check by hand (text)
      products, hypervisors, roles      where it applies (`applies`, defaults filled in)
      guests                            which guests a guest-scope probe judges (`applies.guests`)
      inputs                            the named inputs (kbcheck.specs) its probe reads
      scope                             "host" or "guest" (once per libvirt guest)
      code, code_line, code_hash, source_file   the probe's body, its first line in source_file
      fix                               {era or "all": {text, runtime, persistent, files, needs}}
    """

    def __init__(self, data):
        self.id = data["id"]
        self.title = data["title"]
        self.area = data.get("area", "")
        self.area_title = data.get("area_title") or self.area
        self.section = data.get("section", "")
        self.covers = data.get("covers", [])
        self.tags = data.get("tags", [])
        self.severity = data.get("severity", "medium")
        self.kind = data.get("kind", "check")
        self.summary = data.get("summary", "")
        self.rationale = data.get("rationale", "")
        self.manual = data.get("manual", "")
        applies = data.get("applies") or {}
        self.products = list(applies.get("products") or ALL_PRODUCTS)
        self.hypervisors = list(applies.get("hypervisors") or ALL_HYPERVISORS)
        self.roles = list(applies.get("roles") or ALL_ROLES)
        # guest scope: which libvirt guests the probe judges (kbcheck.runner.guest_skip); {} all
        self.guests = dict(applies.get("guests") or {})
        self.inputs = list(data.get("inputs") or [])   # the named inputs its probe reads (kbgen.inputs)
        self.scope = data.get("scope", "host")
        self.code = data.get("code", "")
        self.code_line = int(data.get("code_line", 2))
        self.code_hash = data.get("code_hash", "")
        self.source_file = data.get("file", self.id)
        self.fix = data.get("fix") or {}
        self._fn = None
        self._catalog = None

    def probe(self):
        """The compiled probe function (compiled once). A bundled runner carries the probe
        already compiled for its Python (kbgen.bundle); the result is the same function."""
        if self._fn is None:
            code = self._catalog.precompiled(self) if self._catalog is not None else None
            if code is None:
                src, filename = probe_source(self)
                code = compile(src, filename, "exec")
            ns = probe_api.namespace()
            exec(code, ns)
            self._fn = ns["probe"]
        return self._fn

    def fix_for(self, era, roles=None):
        """The fix variant for this era ("sle11", "sle12") and these roles (the -guest variants
        first inside a guest), else the one for all products, or None (kbcheck.fixview)."""
        from kbcheck import fixview
        return fixview.variant(self, era, roles)

    def fix_text(self, era, roles=None, subject=None):
        """The fix variant for this host as plain text (runtime and persistent steps, what it
        needs), a guest-scope entry's subject filled in by the one quoting rule."""
        from kbcheck import fixview
        return fixview.text_for(self, era, roles, subject)


def probe_source(entry):
    """(source, file name) of an entry's probe as it is compiled: `def probe(host, dom=None):`
    over the entry's code, padded with blank lines so that line numbers in a traceback are the
    entry file's own. kbgen.bundle precompiles exactly this."""
    code = entry.code
    body = code if code.strip() else "return None\n"
    indented = "".join("    " + line if line.strip() else line for line in body.splitlines(True))
    pad = "\n" * max(0, entry.code_line - 2)
    return pad + "def probe(host, dom=None):\n" + indented, entry.source_file


PRECOMPILED = "_pyc/%s/probes.bin"  # in the bundle, by importlib.util.MAGIC_NUMBER in hex


def _load_precompiled():
    """{entry id: (code hash, file, code line, code object)} compiled for this Python by
    `kbgen build`, or {} (another Python, -O, or not a bundle: probes are compiled from source)."""
    if sys.flags.optimize:
        return {}
    raw = _package_data(PRECOMPILED % magic())
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
        got = data.get("declarations")
        # {name: [entry ids]}: what `kbgen build` collected, or collected here from the probes
        self.declarations = got if isinstance(got, dict) else declarations((e.id, e.code) for e in self.entries)
        got = data.get("guest_lists")
        # the declarations among them whose value is guest names, not yes/no
        self.guest_lists = got if isinstance(got, list) else guest_lists((e.id, e.code) for e in self.entries)
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
                or got[:3] != (entry.code_hash, entry.source_file, entry.code_line)):
            return None
        return got[3]


def _bundled():
    """The bundled catalog's data (UsageError when there is none). `kbgen build` ships it twice: _catalog.json (the
    published form) and _catalog.bin, the same data as marshal, read several times faster."""
    raw = _package_data("_catalog.bin")
    if raw:
        import marshal
        try:
            data = marshal.loads(raw)
        except (ValueError, EOFError, TypeError):
            data = None
        if isinstance(data, dict):
            return data
    raw = _package_data("_catalog.json")
    if raw is None:
        raise UsageError("this kbcheck has no compiled catalog: run `kbgen build` and use "
                         "build/kbcheck.pyz, or pass --catalog build/catalog.json")
    return _parse(raw, "bundled")


def _parse(raw, origin):
    import json
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as e:  # (UnicodeDecodeError is a ValueError)
        raise UsageError("catalog %s is not valid JSON (%s): rebuild it with `kbgen build`"
                         % (origin, str(e)[:200] if not isinstance(e, RecursionError) else "nested too deeply"))


_ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# an entry's fields and their types in the catalog (kbgen.compiler writes them; a file given
# with --catalog is checked against this before any entry is used)
_FIELDS = {"id": str, "title": str, "area": str, "area_title": str, "section": str, "covers": list,
           "tags": list, "severity": str, "kind": str, "summary": str, "rationale": str, "manual": str,
           "applies": dict, "scope": str, "code": str, "code_line": int, "code_hash": str, "file": str,
           "fix": dict}
_LISTS = ("covers", "tags", "inputs")


def check(data, origin):
    """UsageError (one line naming the catalog and the entry) when `data` is no usable catalog:
    not format 1, no entries, or an entry whose fields have the wrong types."""
    def bad(what):
        return UsageError("catalog %s: %s: rebuild it with `kbgen build`" % (origin, what))
    if not isinstance(data, dict) or data.get("format") != 1:
        raise UsageError("catalog %s is not a kbcheck catalog of format 1: rebuild it with `kbgen build`" % origin)
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise bad("it has no entries (nothing could be judged)")
    for key, kind in (("recommendations", dict), ("declarations", dict), ("guest_lists", list),
                      ("kb_version", str)):
        if key in data and data[key] is not None and not isinstance(data[key], kind):
            raise bad("%s is not a %s" % (key, kind.__name__))
    seen = set()
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict) or not isinstance(e.get("id"), str) or not _ENTRY_ID.match(e["id"]):
            raise bad("entry %d has no valid id" % i)
        where = "entry %d (%s)" % (i, e["id"])
        if e["id"] in seen:
            raise bad("%s comes twice" % where)
        seen.add(e["id"])
        if not isinstance(e.get("title"), str):
            raise bad("%s has no title" % where)
        for key, kind in _FIELDS.items():
            v = e.get(key)
            if v is not None and (not isinstance(v, kind) or (kind is int and isinstance(v, bool))):
                raise bad("%s: %s is not a %s" % (where, key, kind.__name__))
        for key in _LISTS:
            if not all(isinstance(x, str) for x in e.get(key) or []):
                raise bad("%s: %s holds something other than text" % (where, key))
        for key, v in (e.get("applies") or {}).items():
            if key == "guests":
                if not isinstance(v, dict) or not all(
                        (k == "containers" and x is False) or (isinstance(x, list) and all(isinstance(y, str) for y in x))
                        for k, x in v.items()):
                    raise bad("%s: applies.guests is not a mapping of lists of names" % where)
            elif not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise bad("%s: applies.%s is not a list of names" % (where, key))
        for era, variant in (e.get("fix") or {}).items():
            if variant is None:
                continue
            if not isinstance(variant, dict):
                raise bad("%s: fix.%s is not a mapping" % (where, era))
            for key, v in variant.items():
                if v is not None and not (isinstance(v, str) or (key == "files" and isinstance(v, list)
                                                                 and all(isinstance(x, str) for x in v))):
                    raise bad("%s: fix.%s.%s has the wrong type" % (where, era, key))


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
        data = _parse(raw, origin)
    else:
        origin = "bundled"
        data = _bundled()
    check(data, origin)
    return Catalog(data, origin)
