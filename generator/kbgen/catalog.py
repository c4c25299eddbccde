"""The runner's catalog, compiled from the model: what `kbcheck` needs at run time and no more."""
import hashlib
import json

RUNTIME_FIELDS = ("id", "title", "area", "section", "covers", "tags", "severity", "kind", "applies", "summary",
                  "rationale", "manual", "scope", "code", "code_line", "code_hash", "fix", "file")


def compile_catalog(model):
    entries = [dict((k, e[k]) for k in RUNTIME_FIELDS) for e in model.entries]
    recs = dict((rid, {"section": r["section"], "kind": r["kind"], "text": r["text"]})
                for rid, r in model.recommendations.items())
    body = json.dumps({"entries": entries, "recommendations": recs}, sort_keys=True, separators=(",", ":"))
    version = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    return {"format": 1, "kb_version": version, "entries": entries, "recommendations": recs}


def dumps(catalog):
    return json.dumps(catalog, sort_keys=True, separators=(",", ":"))
