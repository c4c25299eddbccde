"""The guide's recommendations: kb/recommendations.yaml, the knowledge base's content specification.

Read strictly (kbgen.yamlload: duplicate keys are errors, every value keeps its line) and validated
by kb/recommendations.schema.json, like the entries: every problem is `file:line: field: what`.
The list is part of the repository; nothing outside it is read."""
import json
import os

from kbgen import validate, yamlload

FILE = "recommendations.yaml"
SCHEMA = "recommendations.schema.json"


class RecommendationsError(Exception):
    """problems: [(file, line, field, message)]."""

    def __init__(self, problems):
        Exception.__init__(self, "\n".join(
            "%s:%s: %s%s" % (f, line, (fld + ": ") if fld else "", msg) for f, line, fld, msg in problems))
        self.problems = problems


class Recommendations(dict):
    """{id: {'section', 'kind', 'role', 'data', 'statement'}} in the list's order, plus what the list
    says about its kinds, roles and data sources (for the coverage page) and where it came from."""

    def __init__(self, items, kinds, roles, data, source, path):
        dict.__init__(self, items)
        self.kinds, self.roles, self.data, self.source, self.path = kinds, roles, data, source, path


def default_path(kb_dir):
    return os.path.join(kb_dir, FILE)


def _display(path, base):
    rel = os.path.relpath(path, base) if base else path
    return path if rel.startswith("..") else rel


def load(kb_dir, path=None, base=None):
    """-> Recommendations from kb_dir/recommendations.yaml (or path), validated by
    kb_dir/recommendations.schema.json. Raises RecommendationsError naming every problem.
    base: the folder file names are reported relative to (default: kb_dir's parent)."""
    kb_dir = os.path.abspath(kb_dir)
    path = os.path.abspath(path or default_path(kb_dir))
    base = base or os.path.dirname(kb_dir)
    rel = _display(path, base)
    schema_file = os.path.join(kb_dir, SCHEMA)

    def fail(line, fld, msg):
        raise RecommendationsError([(rel, line, fld, msg)])

    try:
        with open(schema_file, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        raise RecommendationsError([(_display(schema_file, base), 1, "", "cannot load the recommendation schema: %s" % e)])
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        fail(1, "", "cannot read the recommendation list (%s): it belongs in the knowledge base, %s" % (
            e.strerror or e, os.path.join(os.path.basename(kb_dir), FILE)))
    except UnicodeDecodeError as e:
        fail(1, "", "not UTF-8 text: %s" % e)
    try:
        loc = yamlload.load(text)
    except yamlload.YamlError as e:
        fail(e.line, "", e.message)
    data = loc.data
    if not isinstance(data, dict):
        fail(1, "", "the recommendation list is a mapping (source, kinds, roles, data, recommendations), not a %s"
             % type(data).__name__)
    problems = [(rel, line, fld, msg) for line, fld, msg in validate.schema_problems(schema, data, loc)]
    if problems:
        raise RecommendationsError(problems)
    items, first = [], {}
    for i, r in enumerate(data["recommendations"]):
        rid = r["id"]
        if rid in first:
            problems.append((rel, loc.line(["recommendations", i, "id"]), "recommendations[%d].id" % i,
                             "duplicate recommendation ID %r (first at line %d)" % (rid, first[rid])))
            continue
        first[rid] = loc.line(["recommendations", i, "id"])
        items.append((rid, {"section": r["section"], "kind": r["kind"], "role": r["role"], "data": list(r["data"]),
                            "statement": r["statement"].strip()}))
    if problems:
        raise RecommendationsError(problems)
    return Recommendations(items, data["kinds"], data["roles"], data["data"], data["source"], path)
