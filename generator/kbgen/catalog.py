"""The runner's catalog, compiled from the model: what `kbcheck` needs at run time and no more."""
import hashlib
import json
import re

from kbgen.areas import area_title, areas_in_guide_order

RUNTIME_FIELDS = ("id", "title", "area", "section", "covers", "tags", "severity", "kind", "applies", "summary",
                  "rationale", "manual", "scope", "code", "code_line", "code_hash", "fix", "file")


_DECLARED = re.compile(r"""\bhost\.declared\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")


def declarations(entries):
    """{name: [entry ids]} of the user declarations (`kbcheck --assume NAME=yes|no`) the probes read
    with host.declared("NAME"). kbcheck refuses any other name, so a typo cannot pass unnoticed."""
    out = {}
    for e in entries:
        for name in _DECLARED.findall(e.get("code") or ""):
            ids = out.setdefault(name, [])
            if e["id"] not in ids:
                ids.append(e["id"])
    return dict((k, sorted(v)) for k, v in sorted(out.items()))


def compile_catalog(model):
    """Entries in the guide's order (areas by their first section), each with its area's title."""
    entries = []
    for area, es in areas_in_guide_order(model):
        for e in es:
            d = dict((k, e[k]) for k in RUNTIME_FIELDS)
            d["area_title"] = area_title(area)
            entries.append(d)
    recs = dict((rid, {"section": r["section"], "kind": r["kind"], "text": r["text"]})
                for rid, r in model.recommendations.items())
    body = json.dumps({"entries": entries, "recommendations": recs}, sort_keys=True, separators=(",", ":"))
    version = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    return {"format": 1, "kb_version": version, "entries": entries, "recommendations": recs,
            "declarations": declarations(entries)}


def dumps(catalog):
    return json.dumps(catalog, sort_keys=True, separators=(",", ":"))
