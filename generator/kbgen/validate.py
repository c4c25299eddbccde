"""JSON Schema errors as `line: field: what` for a strictly loaded YAML file (kbgen.yamlload).

Shared by the entries (kb/entry.schema.json) and the recommendation list
(kb/recommendations.schema.json), so both report problems the same way."""
import jsonschema

_VALIDATORS = {}


def validator(schema):
    """One compiled validator per schema object (the loaders validate many files with one schema),
    made from the schema with its local references inlined (inline_refs)."""
    key = id(schema)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = (schema, jsonschema.Draft202012Validator(inline_refs(schema)))
    return _VALIDATORS[key][1]


def inline_refs(schema):
    """The schema with every `{"$ref": "#/$defs/NAME"}` (a $ref alone in its object) replaced by a
    copy of that definition: the same validation and the same errors (instance paths, messages),
    without jsonschema resolving a reference at every use (a third of the time of validating an
    entry). A definition that refers to itself, directly or not, keeps its $ref there."""
    defs = schema.get("$defs") or {}

    def copy(node, stack):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref[len("#/$defs/"):]
                if name in defs and name not in stack and "/" not in name and "~" not in name:
                    return copy(defs[name], stack + (name,))
                return node
            return dict((k, v if k in ("enum", "const", "default", "examples") else copy(v, stack))
                        for k, v in node.items())
        if isinstance(node, list):
            return [copy(v, stack) for v in node]
        return node
    return copy(schema, ())


def field(path):
    """['scenarios', 0, 'host'] -> 'scenarios[0].host'."""
    out = ""
    for p in path:
        out += ("[%d]" % p) if isinstance(p, int) else ("." + str(p) if out else str(p))
    return out


def _order(err):
    return [(0, x, "") if isinstance(x, int) else (1, 0, str(x)) for x in err.absolute_path]


def schema_problems(schema, data, loc, explain=None):
    """-> [(line, field, message)] for every schema error of data (loaded as loc, a yamlload.Located).
    An unknown key is named with the allowed ones; explain(err, path) may give a clearer message."""
    out = []
    for err in sorted(validator(schema).iter_errors(data), key=_order):
        p = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            for k in err.instance:
                if k not in allowed:
                    out.append((loc.line(p + [k]), field(p + [k]),
                                "unknown field (allowed: %s)" % ", ".join(sorted(allowed))))
            continue
        msg = (explain(err, p) if explain else None) or err.message
        if len(msg) > 200:
            msg = msg[:200] + "..."
        out.append((loc.line(p), field(p), msg))
    return out
