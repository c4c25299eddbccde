"""The compiler of the runner's catalog (kbcheck.catalog reads it): from the model, what `kbcheck`
needs at run time and no more."""
import hashlib
import json

from kbcheck import catalog as runtime_catalog
from kbgen.areas import area_title, areas_in_guide_order

RUNTIME_FIELDS = ("id", "title", "area", "section", "covers", "tags", "severity", "kind", "applies", "summary",
                  "rationale", "manual", "scope", "code", "code_line", "code_hash", "fix", "file", "inputs")



def catalog_entry(e):
    """The catalog's dict of one model entry: its RUNTIME_FIELDS and its area's title."""
    d = dict((k, e[k]) for k in RUNTIME_FIELDS)
    d["area_title"] = area_title(e["area"])
    return d


def entry(e):
    """The kbcheck.catalog.Entry of one model entry: the one shape the runner, the scenarios and
    the tests judge with."""
    return runtime_catalog.Entry(catalog_entry(e))


def compile_catalog(model):
    """Entries in the guide's order (areas by their first section), each with its area's title."""
    entries = []
    for _area, es in areas_in_guide_order(model):
        for e in es:
            entries.append(catalog_entry(e))
    recs = dict((rid, {"section": r["section"], "kind": r["kind"], "text": r["statement"]})
                for rid, r in model.recommendations.items())
    body = json.dumps({"entries": entries, "recommendations": recs}, sort_keys=True, separators=(",", ":"))
    version = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    return {"format": 1, "kb_version": version, "entries": entries, "recommendations": recs,
            "declarations": runtime_catalog.declarations((e["id"], e["code"]) for e in entries),
            "guest_lists": runtime_catalog.guest_lists((e["id"], e["code"]) for e in entries)}


def dumps(catalog):
    return json.dumps(catalog, sort_keys=True, separators=(",", ":"))
