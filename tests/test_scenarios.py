"""Every scenario of every entry, judged by its own probe: the knowledge base proves itself."""
import pytest

from kbgen import model as model_mod
from kbgen import scenarios


def _cases():
    m = model_mod.load()
    for e in m.entries:
        for i, sc in enumerate(e["scenarios"]):
            yield pytest.param(e["id"], i, id="%s[%s]" % (e["id"], sc["name"]))


@pytest.mark.parametrize("entry_id,index", list(_cases()))
def test_scenario(model, catalog_data, entry_id, index):
    from kbcheck.catalog import Entry
    e = model.by_id[entry_id]
    data = next(d for d in catalog_data["entries"] if d["id"] == entry_id)
    sc = e["scenarios"][index]
    results, problems = scenarios.run(Entry(data), sc)
    assert not problems, "%s:%d: entry %s, scenario %r: %s" % (
        e["file"], e["scenario_lines"][index], entry_id, sc["name"], "; ".join(problems))


def test_every_entry_has_pass_fail_and_skip_scenarios(model):
    missing = []
    for e in model.entries:
        statuses = set()
        for sc in e["scenarios"]:
            statuses.update(x["status"] for x in scenarios.expectations(sc["expect"]))
        if e["kind"] == "check" and not {"fail", "pass"} <= statuses:
            missing.append("%s: a check needs a failing and a passing scenario (has %s)" % (e["file"], sorted(statuses)))
        if "skip" not in statuses:
            missing.append("%s: needs a not-applicable (skip) scenario" % e["file"])
    assert not missing, "\n".join(missing)


def test_a_wrong_expectation_fails_with_entry_and_scenario_named(model, catalog_data):
    """Flip one expectation: the comparison must report the mismatch (the suite can fail)."""
    from kbcheck.catalog import Entry
    e = model.by_id["ksm-merge-across-nodes"]
    data = next(d for d in catalog_data["entries"] if d["id"] == e["id"])
    sc = dict(e["scenarios"][0], expect="pass")
    _, problems = scenarios.run(Entry(data), sc)
    assert problems and "expected pass, got fail" in problems[0]
    sc = dict(e["scenarios"][0], expect=[{"status": "fail", "subject": "nosuchguest"}])
    _, problems = scenarios.run(Entry(data), sc)
    assert problems and "expected results for" in problems[0]
