"""Every result says what it was judged on (kbcheck.evidence): the inputs the facts layer recorded
while its probe ran. Only a skip for an entry that does not apply to the host (wrong product or
role: kbcheck.applies) has no input to show."""
import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from kbgen import model as model_mod
from kbgen import scenarios

UNTUNED = os.path.join(EXAMPLES, "sle12-kvm-untuned")


def _cases():
    m = model_mod.load()
    for e in m.entries:
        for i, sc in enumerate(e["scenarios"]):
            yield pytest.param(e["id"], i, id="%s[%s]" % (e["id"], sc["name"]))


def _judge(entry, scenario):
    """[(result, its evidence)] of one scenario, and the reason the entry does not apply (or None)."""
    from kbcheck.applies import applicability
    with scenarios.judged(entry, scenario) as (host, results, _root):
        return [(r, r.evidence) for r in results], applicability(entry, host)


@pytest.mark.parametrize("entry_id,index", list(_cases()))
def test_every_result_of_every_scenario_has_evidence(catalog_data, entry_id, index, model):
    from kbcheck.catalog import Entry
    data = next(d for d in catalog_data["entries"] if d["id"] == entry_id)
    sc = model.by_id[entry_id]["scenarios"][index]
    judged, not_here = _judge(Entry(data), sc)
    for r, ev in judged:
        if r.status == "skip" and not_here is not None and r.message == not_here and r.subject is None:
            assert ev == [], "a skip for the wrong host rests on nothing the probe read"
            continue
        assert ev, "%s [%s] %s %r has no evidence" % (entry_id, r.subject, r.status, r.message)
        for d in ev:
            assert set(d) == {"input", "from", "value"} and all(isinstance(v, str) for v in d.values()), d
            assert d["input"] and d["from"], d


def test_evidence_is_bounded_and_kept_encodable():
    """A judged host's text in the evidence: cut to a bound, a non-UTF-8 byte kept as its escape
    (kbcheck.textsafe.clean; each report escapes for its medium on the way out)."""
    from kbcheck import evidence
    d = evidence._d("sysctl", "/etc/sysctl.d/\udcffx.conf" + "y" * 9000, "vm.swappiness = 1\x1b]0;pwned\x07" + "9" * 5000)
    assert len(d["value"]) < evidence.MAX_VALUE + 40 and "more characters" in d["value"]
    assert len(d["from"]) < evidence.MAX_WHERE + 40 and "\\xff" in d["from"]
    d["from"].encode("utf-8")


def test_evidence_of_a_hostile_sysctl_file_in_json_and_text(built, tmp_path):
    """A sysctl.d file whose name and content carry escapes: JSON and text -v show them escaped."""
    import shutil
    root = str(tmp_path / "root")
    shutil.copytree(UNTUNED, root, symlinks=True)
    os.makedirs(os.path.join(root, "etc", "sysctl.d"), exist_ok=True)
    with open(os.path.join(root, "etc", "sysctl.d", "99-\x1b[31mred.conf"), "w") as f:
        f.write("vm.swappiness = 77\x1b]0;title\x07\n")
    out = subprocess.run([sys.executable, built["pyz"], "--root", root, "--id", "swappiness-persistent",
                          "--format", "json"], stdout=subprocess.PIPE, timeout=120)
    assert b"\x1b" not in out.stdout and b"\x07" not in out.stdout
    doc = json.loads(out.stdout.decode())
    (r,) = doc["results"]
    assert r["evidence"], r
    assert any("99-" in d["from"] and "red.conf" in d["from"] for d in r["evidence"]), r["evidence"]
    text = subprocess.run([sys.executable, built["pyz"], "--root", root, "--id", "swappiness-persistent", "-v"],
                          stdout=subprocess.PIPE, timeout=120).stdout.decode()
    assert "\x1b" not in text and "- sysctl" in text and "red.conf" in text, text


def test_json_evidence_validates_against_schema_1(built):
    import jsonschema
    schema_path = os.path.join(os.path.dirname(EXAMPLES), "checks", "kbcheck", "reporters", "kbcheck-output.schema.json")
    with open(schema_path) as f:
        schema = json.load(f)
    out = subprocess.run([sys.executable, built["pyz"], "--root", UNTUNED, "--format", "json"],
                         stdout=subprocess.PIPE, timeout=300)
    doc = json.loads(out.stdout.decode())
    jsonschema.validate(doc, schema)
    assert doc["schema"] == 1
    for r in doc["results"]:   # nothing removed: the fields of before are all there
        assert {"id", "title", "covers", "section", "tags", "severity", "status", "subject", "message",
                "waived", "evidence"} <= set(r)
    assert sum(1 for r in doc["results"] if r["evidence"]) >= 0.9 * len(doc["results"])


def test_explain_with_root_shows_the_results_and_their_inputs(built):
    out = subprocess.run([sys.executable, built["pyz"], "explain", "swappiness-persistent", "--root", UNTUNED],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    text = out.stdout.decode()
    assert out.returncode == 0, out.stderr
    assert "Reads" in text and "Judged on" in text, text
    judged = text.split("Judged on", 1)[1]
    assert "swappiness-persistent" in judged and "- sysctl" in judged, judged
    plain = subprocess.run([sys.executable, built["pyz"], "explain", "swappiness-persistent"],
                           stdout=subprocess.PIPE, timeout=120).stdout.decode()
    assert "Judged on" not in plain


def test_fleet_html_shows_a_hosts_evidence(built, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    out = subprocess.run([sys.executable, built["pyz"], "--root", UNTUNED, "--format", "json"],
                         stdout=subprocess.PIPE, timeout=300)
    (results / "untuned.json").write_bytes(out.stdout)
    html = str(tmp_path / "fleet.html")
    done = subprocess.run([sys.executable, built["pyz"], "report", str(results), "--html", html],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    with open(html) as f:
        page = f.read()
    assert '<details class="ev"><summary>evidence</summary>' in page
    assert "<b>sysctl</b> from" in page
