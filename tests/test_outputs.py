"""Report formats validated against their published contracts: JSON Schema, the Jenkins JUnit
XSD (tests/data/junit-10.xsd), and the Prometheus text exposition format."""
import datetime
import json
import os

import pytest

from conftest import EXAMPLES, ROOT

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")
SCHEMA = os.path.join(ROOT, "checks", "kbcheck", "reporters", "kbcheck-output.schema.json")
JUNIT_XSD = os.path.join(ROOT, "tests", "data", "junit-10.xsd")
FUTURE = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


@pytest.fixture
def kb(built, capsys, tmp_path):
    from kbcheck.cli import main
    waivers = tmp_path / "w.ini"
    waivers.write_text("[sda]\nid = host-io-scheduler\nsubject = sda\nreason = \"vendor says <cfq> & co\"\n"
                       "expires = %s\n[unused]\nid = numa-balancing\nsubject = x\nreason = r\nexpires = %s\n"
                       % (FUTURE, FUTURE))

    def call(*argv):
        rc = main(["--catalog", built["catalog"], "--root", EXAMPLE, "--waivers", str(waivers)] + list(argv))
        out, err = capsys.readouterr()
        return rc, out
    return call


def test_json_output_matches_the_published_schema(kb):
    jsonschema = pytest.importorskip("jsonschema")
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    rc, out = kb("--format", "json")
    doc = json.loads(out)
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["schema"] == schema["properties"]["schema"]["const"] == 1
    assert doc["summary"]["waived"] == 1
    counted = ("pass", "fail", "warn", "info", "skip", "error", "waived")
    assert sum(doc["summary"][k] for k in counted) == len(doc["results"])
    # a broken document is refused: the schema really constrains
    doc["results"][0]["status"] = "great"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)


def test_junit_output_is_valid_against_the_junit_xsd(kb):
    xmlschema = pytest.importorskip("xmlschema", reason="pip install xmlschema to validate JUnit output")
    rc, out = kb("--format", "junit")
    schema = xmlschema.XMLSchema(JUNIT_XSD)
    schema.validate(out)
    import xml.etree.ElementTree as ET
    root = ET.fromstring(out.encode("utf-8"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    _, js = kb("--format", "json")
    doc = json.loads(js)
    assert len(cases) == len(doc["results"]) == int(suite.get("tests"))
    for case, r in zip(cases, doc["results"]):
        assert case.get("classname") == r["id"]
        # one result per recommendation ID (cpu-overcommit) names its IDs after the subject
        assert case.get("name") in ((r["subject"] or "host"), "%s (%s)" % (r["subject"] or "host", ", ".join(r["covers"])))
        kinds = [c.tag for c in case if c.tag != "system-out"]
        if r["waived"]:
            assert kinds == ["skipped"] and "waived until" in case.find("skipped").get("message")
        else:
            assert kinds == {"fail": ["failure"], "error": ["error"], "skip": ["skipped"]}.get(r["status"], [])
    assert int(suite.get("failures")) == doc["summary"]["fail"]
    waived = [c for c in cases if c.get("classname") == "host-io-scheduler" and c.get("name") == "sda"][0]
    assert "vendor says <cfq> & co" in waived.find("skipped").get("message")


def test_prometheus_output_parses(kb):
    parser = pytest.importorskip("prometheus_client.parser")
    rc, out = kb("--format", "prometheus")
    fams = dict((f.name, f) for f in parser.text_string_to_metric_families(out))
    assert set(fams) >= {"kbcheck_result", "kbcheck_results", "kbcheck_info", "kbcheck_run_duration_seconds",
                         "kbcheck_last_run_timestamp_seconds"}
    for name in fams:
        assert "# HELP %s " % name in out and "# TYPE %s gauge" % name in out
    _, js = kb("--format", "json")
    doc = json.loads(js)
    series = fams["kbcheck_result"].samples
    keys = set((s.labels["id"], s.labels["subject"], s.labels["covers"]) for s in series)
    assert keys == set((r["id"], r["subject"] or "", ",".join(r["covers"])) for r in doc["results"])
    assert len(keys) == len(series)  # one series per result
    sda = [s for s in series if s.labels["id"] == "host-io-scheduler" and s.labels["subject"] == "sda"][0]
    assert sda.labels["status"] == "fail" and sda.labels["waived"] == "true" and sda.value == 1
    counts = dict((s.labels["status"], s.value) for s in fams["kbcheck_results"].samples)
    for k in ("pass", "fail", "warn", "info", "skip", "error", "waived"):
        assert counts[k] == doc["summary"][k]
    info = fams["kbcheck_info"].samples[0].labels
    assert info["hostname"] == "kvm01" and info["era"] == "sle12"


class _E(object):
    id = "odd-entry"
    title = "An entry"
    area = "memory"
    section = "1"
    covers = ["R1a"]
    tags = ["x"]
    severity = "low"
    scope = "guest"


def test_prometheus_and_junit_escape_awkward_text():
    parser = pytest.importorskip("prometheus_client.parser")
    from kbcheck.reporters import junit, prometheus
    from kbcheck.results import Result, build
    nasty = 'gu"est\\name\nnext \x01'
    results = [(_E(), Result("fail", 'bad "thing" <&>\n\x07line', nasty), 0.001)]
    host = {"hostname": 'h"1', "source": "root", "roles": ["kvm_host"]}
    text = prometheus.render(build(results, host, "abc", notices=["a\nb"]))
    fams = dict((f.name, f) for f in parser.text_string_to_metric_families(text))
    (s,) = fams["kbcheck_result"].samples
    assert s.labels["subject"] == nasty
    assert fams["kbcheck_info"].samples[0].labels["hostname"] == 'h"1'
    xml = junit.render(build(results, host, "abc"))
    import xml.etree.ElementTree as ET
    case = ET.fromstring(xml.encode("utf-8")).find("testsuite/testcase")
    assert case.get("name").startswith('gu"est\\name\nnext ')
    assert case.find("failure").get("message").startswith('bad "thing" <&>\n')
    xmlschema = pytest.importorskip("xmlschema")
    xmlschema.XMLSchema(JUNIT_XSD).validate(xml)


def test_text_output_shows_waived_and_notices(kb):
    rc, out = kb()
    assert "WAIVED host-io-scheduler [sda]: (fail)" in out
    assert "note: waiver 'unused'" in out
    assert rc == 1
