"""What makes loading kb/ fast changes nothing it loads: libyaml or the pure-Python parser give the
same model, the schema with its references inlined gives the same errors, the probe parsed once
gives the same inputs (benchmarks/site_build.py measures the speed)."""
import copy
import glob
import json
import os

import jsonschema
import pytest
import yaml

from kbgen import inputs, model, validate, yamlload

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KB = os.path.join(ROOT, "kb")
FILES = sorted(glob.glob(os.path.join(KB, "*", "*.yaml"))) + [os.path.join(KB, "recommendations.yaml")]


def _located(text):
    loc = yamlload.load(text)
    return loc.data, loc.lines, loc.block_lines


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML is built without libyaml here")
def test_libyaml_and_the_pure_parser_load_the_same(monkeypatch):
    texts = []
    for path in FILES:
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    assert yamlload._Loader is yaml.CSafeLoader
    fast = [_located(t) for t in texts]
    fast_model = json.dumps(model.load(KB).entries, sort_keys=True, default=repr)
    monkeypatch.setattr(yamlload, "_Loader", yaml.SafeLoader)
    assert [_located(t) for t in texts] == fast
    assert json.dumps(model.load(KB).entries, sort_keys=True, default=repr) == fast_model
    for bad in ("a: 1\na: 2\n", "a: [1\n", "- x\n  y: 2\n", "<<: {a: 1}\n"):
        with pytest.raises(yamlload.YamlError) as pure:
            yamlload.load(bad)
        monkeypatch.setattr(yamlload, "_Loader", yaml.CSafeLoader)
        with pytest.raises(yamlload.YamlError) as c:
            yamlload.load(bad)
        monkeypatch.setattr(yamlload, "_Loader", yaml.SafeLoader)
        assert pure.value.line == c.value.line, bad


def _errors(validator, data):
    return sorted((list(map(str, e.absolute_path)), e.validator, e.message) for e in validator.iter_errors(data))


def _broken(data):
    """Entries broken at every depth the schema's references reach."""
    out = []

    def change(fn):
        d = copy.deepcopy(data)
        try:
            fn(d)
        except (KeyError, IndexError, TypeError):
            return
        out.append(d)
    change(lambda d: d.pop("title"))
    change(lambda d: d.update(severity="huge"))
    change(lambda d: d["scenarios"][0].update(expect="maybe"))
    change(lambda d: d["scenarios"][0].update(expect=[{"status": "fail", "subject": 3, "colour": 1}]))
    change(lambda d: d["scenarios"][0].update(host={"guests": [{"name": 1, "nonsense": True}], "cpus": "x"}))
    change(lambda d: d["scenarios"][1].pop("name"))
    change(lambda d: d.update(fix={"sle12": {"needs": "a miracle", "runtime": 1}, "sle13": {}}))
    change(lambda d: d["check"].update(template=3))
    return out


def test_the_inlined_schema_gives_the_same_errors():
    with open(os.path.join(KB, "entry.schema.json")) as f:
        schema = json.load(f)
    plain = jsonschema.Draft202012Validator(schema)
    inlined = jsonschema.Draft202012Validator(validate.inline_refs(schema))
    assert "$ref" not in json.dumps(validate.inline_refs(schema)["properties"])
    seen = 0
    for path in FILES[:-1]:
        with open(path, encoding="utf-8") as f:
            data = yamlload.load(f.read()).data
        for d in [data] + _broken(data):
            assert _errors(inlined, d) == _errors(plain, d), path
            seen += bool(_errors(plain, d))
    assert seen > 300


def test_a_recursive_definition_keeps_its_reference():
    schema = {"$defs": {"node": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
              "$ref": "#/$defs/node"}
    v = jsonschema.Draft202012Validator(validate.inline_refs(schema))
    assert v.is_valid({"kids": [{"kids": []}]}) and not v.is_valid({"kids": [{"kids": 1}]})


def test_inputs_from_the_shared_tree_are_the_inputs_from_the_code():
    m = model.load(KB)
    for e in m.entries:
        assert e["inputs"] == inputs.entry_inputs(e["code"], e["scope"]), e["id"]
