"""The JSON contract (schema 1): see README 'JSON output' and kbcheck-output.schema.json beside
this module. It only grows: new fields may appear, existing ones keep their meaning."""
import json

from kbcheck import __version__

SCHEMA = 1


def result_dict(entry, r, waiver=None):
    d = {"id": entry.id, "title": entry.title, "covers": list(entry.covers), "section": entry.section,
         "tags": list(entry.tags), "severity": entry.severity, "status": r.status,
         "subject": r.subject, "message": r.message, "waived": waiver is not None}
    if waiver is not None:
        d["waiver"] = waiver.as_dict()
    return d


def document(results, host_info, summary, kb_version=None, notices=(), waived=None):
    waived = waived or {}
    doc = {"schema": SCHEMA, "kbcheck": __version__, "host": host_info,
           "results": [result_dict(e, r, waived.get(i)) for i, (e, r, _) in enumerate(results)],
           "summary": summary}
    if kb_version:
        doc["kb_version"] = kb_version
    if notices:
        doc["notices"] = list(notices)
    return doc


def render(results, host_info, summary, kb_version=None, notices=(), waived=None):
    return json.dumps(document(results, host_info, summary, kb_version, notices, waived),
                      indent=2, sort_keys=False) + "\n"
