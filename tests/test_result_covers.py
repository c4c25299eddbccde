"""One result per recommendation ID: an entry whose IDs have thresholds of their own (cpu-overcommit:
R4.5.1a overcommit, R4.5.1b 8 vCPUs per core) reports one result for each, and every output tells
them apart; a probe naming an ID its entry does not cover is an error."""
import json

from kbcheck.catalog import Entry
from kbcheck.results import FAIL, PASS, WARN, Result, covers_of


def _entry(code, covers=("R4.5.1a", "R4.5.1b")):
    return Entry({"id": "cpu-overcommit", "title": "Keep vCPUs within the host", "area": "cpu",
                  "area_title": "CPUs", "section": "4.5.1", "covers": list(covers), "tags": ["cpu"],
                  "severity": "high", "applies": {}, "scope": "host", "code": code, "file": "kb/cpu/x.yaml"})


def test_result_makers_take_covers():
    r = WARN("overcommitted", covers="R4.5.1a")
    assert r.covers == ("R4.5.1a",) and "covers" in repr(r)
    assert PASS("fine").covers is None
    assert covers_of(_entry(""), r) == ["R4.5.1a"] and covers_of(_entry(""), PASS("x")) == ["R4.5.1a", "R4.5.1b"]


def test_runner_refuses_covers_outside_the_entry():
    from kbcheck.runner import call_probe
    e = _entry('return [PASS("a", covers="R4.5.1a"), FAIL("b", covers="R9z")]')
    rs = call_probe(e, None)
    assert [r.status for r in rs] == ["pass", "error"]
    assert "R9z" in rs[1].message and "does not cover" in rs[1].message


def _results():
    e = _entry("")
    return [(e, WARN("4.0x overcommitted", covers="R4.5.1a"), 0.0), (e, PASS("4.0 per core", covers="R4.5.1b"), 0.0),
            (e, FAIL("whole entry"), 0.0)]


HOST = {"hostname": "h", "source": "root", "product": "sle12", "era": "sle12", "roles": ["kvm_host"]}


def _report(raw=None, host=HOST):
    from kbcheck.results import build
    return build(_results() if raw is None else raw, host, "abc")


def test_json_names_each_results_ids():
    from kbcheck.reporters import json_report
    doc = json.loads(json_report.render(_report()))
    assert [r["covers"] for r in doc["results"]] == [["R4.5.1a"], ["R4.5.1b"], ["R4.5.1a", "R4.5.1b"]]
    assert doc == json.loads(json.dumps(json_report.document(_report())))


def test_text_junit_and_prometheus_tell_them_apart():
    from kbcheck.reporters import junit, prometheus, text
    out = text.render(_report())
    assert "cpu-overcommit (R4.5.1a): 4.0x overcommitted" in out and "cpu-overcommit: whole entry" in out
    xml = junit.render(_report())
    assert 'name="host (R4.5.1a)"' in xml and 'name="host (R4.5.1b)"' in xml and 'name="host"' in xml
    prom = prometheus.render(_report())
    series = [l for l in prom.splitlines() if l.startswith("kbcheck_result{")]
    assert len(series) == 3
    assert any('covers="R4.5.1a"' in l and 'status="warn"' in l for l in series)


def test_fleet_merges_per_entry_and_ids(tmp_path):
    from kbcheck.fleet import html, merge
    from kbcheck.reporters import json_report
    for name, st in (("a", "warn"), ("b", "pass")):
        e = _entry("")
        rs = [(e, Result(st, "x", covers=("R4.5.1a",)), 0.0), (e, Result("fail", "y", covers=("R4.5.1b",)), 0.0)]
        (tmp_path / ("%s.json" % name)).write_text(json_report.render(_report(rs, dict(HOST, hostname=name))))
    fleet = merge.merge(str(tmp_path))
    labels = sorted(e.label() for e in fleet.entries)
    assert labels == ["R4.5.1a cpu-overcommit", "R4.5.1b cpu-overcommit"]
    by = dict((e.label(), e) for e in fleet.entries)
    assert by["R4.5.1a cpu-overcommit"].hosts["warn"] == ["a"] and by["R4.5.1b cpu-overcommit"].count("fail") == 2
    page = html.render(fleet)
    anchors = [e.anchor for e in fleet.entries]
    assert len(set(anchors)) == 2 and all('id="entry-%s"' % a in page for a in anchors)


def test_scenario_expectations_name_covers():
    from kbgen import scenarios
    rs = [r for _, r, _ in _results()]
    ok = [{"status": "warn", "covers": ["R4.5.1a"]}, {"status": "pass", "covers": ["R4.5.1b"]}, {"status": "fail"}]
    assert scenarios.compare(ok, rs) == []
    wrong = [{"status": "fail", "covers": ["R4.5.1a"]}, {"status": "pass", "covers": ["R4.5.1b"]}, {"status": "fail"}]
    assert scenarios.compare(wrong, rs) == ["host (R4.5.1a): expected fail, got warn (4.0x overcommitted)"]
    assert "expected results for" in scenarios.compare([{"status": "warn"}], rs)[0]
