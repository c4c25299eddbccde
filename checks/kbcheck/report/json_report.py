"""The JSON contract (schema 1): see README 'JSON output'."""
import json

from kbcheck import __version__

SCHEMA = 1


def result_dict(entry, r):
    return {"id": entry.id, "title": entry.title, "covers": list(entry.covers), "section": entry.section,
            "tags": list(entry.tags), "severity": entry.severity, "status": r.status,
            "subject": r.subject, "message": r.message}


def document(results, host_info, summary, kb_version=None, notices=()):
    doc = {"schema": SCHEMA, "kbcheck": __version__, "host": host_info,
           "results": [result_dict(e, r) for e, r, _ in results], "summary": summary}
    if kb_version:
        doc["kb_version"] = kb_version
    if notices:
        doc["notices"] = list(notices)
    return doc


def render(results, host_info, summary, kb_version=None, notices=()):
    return json.dumps(document(results, host_info, summary, kb_version, notices), indent=2, sort_keys=False) + "\n"
