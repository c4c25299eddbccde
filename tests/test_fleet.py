"""`kbcheck report DIR`: merging many hosts' JSON reports (no Ansible here: see test_fleet_ansible.py)."""
import json
import os
import py_compile
import re
import subprocess
import sys

import pytest

from kbcheck import cli
from kbcheck.fleet import merge as merge_mod

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY36 = os.path.expanduser("~/.pyenv/versions/3.6.15/bin/python")
KB = "48cb23fafb1b"


def result(eid, status, subject=None, covers=None, waived=False, tags=("memory",)):
    return {"id": eid, "title": "Title of %s" % eid, "covers": covers or ["R1.%s" % eid], "section": "4.1",
            "tags": list(tags), "severity": "medium", "status": status, "subject": subject,
            "message": "%s is %s" % (eid, status), "waived": waived}


def report(results, hostname="h", kb=KB):
    summ = dict((k, 0) for k in ("pass", "fail", "warn", "info", "skip", "error"))
    for r in results:
        if not r.get("waived"):
            summ[r["status"]] += 1
    summ["waived"] = sum(1 for r in results if r.get("waived"))
    return {"schema": 1, "kbcheck": "0.1.0", "kb_version": kb,
            "host": {"hostname": hostname, "source": "root", "product_name": "SUSE Linux Enterprise Server 12 SP5",
                     "roles": ["kvm_host"]},
            "results": results, "summary": summ}


def write(d, name, doc):
    p = os.path.join(str(d), name)
    with open(p, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    return p


@pytest.fixture
def fleet_dir(tmp_path):
    d = tmp_path / "results"
    d.mkdir()
    write(d, "a.json", report([result("ksm", "fail"), result("numa", "pass"), result("disk", "fail", "vda"),
                               result("disk", "pass", "vdb")], "a"))
    write(d, "b.json", report([result("ksm", "fail"), result("numa", "warn"), result("disk", "pass", "vda")], "b"))
    write(d, "c.json", report([result("ksm", "pass"), result("numa", "skip"),
                               result("disk", "fail", "vda", waived=True)], "c", kb="0ldversion00"))
    write(d, "down.json", {"schema": 1, "fleet_status": "unreachable", "inventory_host": "down",
                           "message": "ssh: connect to host 10.0.0.9 port 22: Connection timed out"})
    write(d, "old.json", {"schema": 1, "fleet_status": "no-python", "message": "no Python 3.6 or newer (found: python3 3.4.10)"})
    write(d, "broken.json", '{"schema": 1, "results": [')
    return d


def run_report(capsys, *argv):
    rc = cli.main(["report"] + [str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_entries_counted_per_host_worst_subject_first(fleet_dir):
    f = merge_mod.merge(str(fleet_dir))
    by = dict((e.id, e) for e in f.entries)
    assert by["ksm"].hosts["fail"] == ["a", "b"] and by["ksm"].hosts["pass"] == ["c"]
    # a host with one failing and one passing disk counts once, as failing
    assert by["disk"].hosts["fail"] == ["a"] and by["disk"].hosts["pass"] == ["b"]
    # every result of the entry waived on c: waived, not a failure
    assert by["disk"].hosts["waived"] == ["c"]
    assert by["numa"].hosts["warn"] == ["b"] and by["numa"].reported == 3
    # worst first: the entries with most failing hosts lead
    assert [e.id for e in f.entries] == ["ksm", "disk", "numa"]


def test_text_summary_worst_first_with_hosts_not_judged(fleet_dir, capsys):
    rc, out, err = run_report(capsys, fleet_dir)
    assert rc == 1
    lines = out.splitlines()
    assert lines[0].startswith("kbcheck report: 6 hosts in ")
    assert "3 judged, 2 with failures" in lines[0] and "1 unreachable" in lines[0] and "1 file left out" in lines[0]
    assert "R1.ksm ksm: fails on 2 of 3 hosts" in lines
    assert "R1.disk disk: fails on 1 of 3 hosts" in lines
    assert "R1.numa numa: warns on 1 of 3 hosts" in lines
    assert lines.index("R1.ksm ksm: fails on 2 of 3 hosts") < lines.index("R1.numa numa: warns on 1 of 3 hosts")
    assert "unreachable (1): down" in lines
    assert "without Python 3.6+ (1): old" in lines
    # the malformed file: one clear line on stderr, the rest still merged
    assert err.strip().splitlines() == [
        "kbcheck report: %s: not valid JSON at line 1, column 27 (Expecting value); left out"
        % os.path.join(str(fleet_dir), "broken.json")]
    assert "Traceback" not in err


def test_mixed_knowledge_bases_flagged_everywhere(fleet_dir, tmp_path, capsys):
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    rc, out, _ = run_report(capsys, fleet_dir, "--html", html, "--json", js)
    assert "knowledge base %s on 2 hosts; DIFFERENT KNOWLEDGE BASE on 1 host: c (0ldversion00)" % KB in out
    doc = json.loads(js.read_text())
    assert doc["mixed_kb_versions"] is True and doc["kb_version"] == KB
    assert doc["kb_versions"] == {KB: ["a", "b"], "0ldversion00": ["c"]}
    hosts = dict((h["name"], h) for h in doc["hosts"])
    assert hosts["c"]["other_kb_version"] is True and hosts["a"]["other_kb_version"] is False
    page = html.read_text()
    assert 'id="kb-mixed"' in page and "0ldversion00" in page and "Mixed knowledge-base versions" in page


def test_single_knowledge_base_not_flagged(tmp_path, capsys):
    d = tmp_path / "r"
    d.mkdir()
    for n in "xyz":
        write(d, n + ".json", report([result("ksm", "pass")], n))
    html = tmp_path / "r.html"
    rc, out, err = run_report(capsys, d, "--html", html)
    assert rc == 0 and err == ""
    assert "DIFFERENT" not in out and 'id="kb-mixed"' not in html.read_text()
    assert "R1.ksm ksm" not in out and "1 more entry without a failure" in out
    rc, out, _ = run_report(capsys, d, "-v")
    assert "R1.ksm ksm: no failure on 3 hosts (3 pass)" in out and "  x: 1 pass" in out


def test_merged_json(fleet_dir, tmp_path, capsys):
    js = tmp_path / "m.json"
    rc, _, _ = run_report(capsys, fleet_dir, "--json", js, "--site-url", "https://kb.example/kbcheck", "-q")
    doc = json.loads(js.read_text())
    assert doc["kind"] == "kbcheck-fleet-report" and doc["schema"] == 1 and doc["exit_code"] == 1 == rc
    assert doc["counts"] == {"hosts": 6, "judged": 3, "failing": 2, "with_errors": 0, "other_kb_version": 1,
                             "unreachable": 1, "no-python": 1, "failed": 0, "malformed": 1}
    ksm = doc["entries"][0]
    assert ksm["id"] == "ksm" and ksm["counts"]["fail"] == 2 and ksm["hosts"] == {"fail": ["a", "b"], "pass": ["c"]}
    assert ksm["url"].startswith("https://kb.example/kbcheck/")
    states = dict((h["name"], h["state"]) for h in doc["hosts"])
    assert states == {"a": "ok", "b": "ok", "c": "ok", "down": "unreachable", "old": "no-python", "broken": "malformed"}
    a = [h for h in doc["hosts"] if h["name"] == "a"][0]
    assert [(p["status"], p["id"], p["subject"]) for p in a["problems"]] == [("fail", "ksm", None), ("fail", "disk", "vda")]
    down = [h for h in doc["hosts"] if h["name"] == "down"][0]
    assert "Connection timed out" in down["message"]


def test_own_outputs_in_the_folder_are_not_hosts(fleet_dir, capsys):
    js = fleet_dir / "fleet.json"
    run_report(capsys, fleet_dir, "--json", js, "-q")
    # a second run (e.g. from a cron job) with the merged file already in the folder
    rc, out, err = run_report(capsys, fleet_dir, "--json", fleet_dir / "other.json")
    assert "6 hosts" in out and "fleet" not in re.findall(r"\((\d+)\): (.*)", out)[0][1]
    doc = json.loads((fleet_dir / "other.json").read_text())
    assert "fleet" not in [h["name"] for h in doc["hosts"]]


@pytest.mark.parametrize("content,why", [
    ("", "empty file"),
    ("[1, 2]", "expected a JSON object"),
    ('{"schema": 2, "results": [], "summary": {}}', "schema 2"),
    ('{"schema": 1, "summary": {}}', 'no "results" list'),
    ('{"schema": 1, "results": [], "summary": 3}', 'no "summary" object'),
    ('{"schema": 1, "results": [{"status": "fail"}], "summary": {}}', "result 1 has no entry id"),
    ('{"schema": 1, "results": [{"id": "x", "status": "bad"}], "summary": {}}', "unknown status 'bad'"),
    ('{"schema": 1, "fleet_status": "asleep"}', "unknown fleet_status 'asleep'"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_malformed_files_one_line_each(tmp_path, capsys, content, why):
    d = tmp_path / "r"
    d.mkdir()
    write(d, "good.json", report([result("ksm", "pass")], "good"))
    p = d / "bad.json"
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    rc, out, err = run_report(capsys, d)
    assert rc == 3  # no failure, but a host that could not be judged
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kbcheck report: %s: " % p) and why in lines[0], err
    assert lines[0].endswith("; left out")
    assert "1 judged" in out


def test_exit_codes(tmp_path, capsys):
    d = tmp_path / "r"
    d.mkdir()
    write(d, "a.json", report([result("ksm", "pass")], "a"))
    assert run_report(capsys, d)[0] == 0
    write(d, "b.json", report([result("ksm", "error")], "b"))
    assert run_report(capsys, d)[0] == 3
    write(d, "b.json", report([result("ksm", "fail", waived=True)], "b"))
    assert run_report(capsys, d)[0] == 0  # waived failures do not count, as in kbcheck
    write(d, "c.json", {"schema": 1, "fleet_status": "failed", "message": "kbcheck exited 2: --root: not a directory"})
    rc, out, _ = run_report(capsys, d)
    assert rc == 3 and "kbcheck failed (1): c" in out
    write(d, "d.json", report([result("ksm", "fail")], "d"))
    assert run_report(capsys, d)[0] == 1


def test_usage_errors_are_one_line(tmp_path, capsys):
    rc, out, err = run_report(capsys, tmp_path / "nope")
    assert rc == 2 and err.startswith("kbcheck report: no folder ") and len(err.splitlines()) == 1
    rc, out, err = run_report(capsys, tmp_path)
    assert rc == 2 and err.strip() == "kbcheck report: no host files (*.json) in %s" % tmp_path
    rc, out, err = run_report(capsys, tmp_path, "--bogus")
    assert rc == 2 and "--bogus" in err and len(err.splitlines()) == 1


def test_html_is_self_contained_and_escaped(tmp_path, capsys):
    d = tmp_path / "r"
    d.mkdir()
    evil = result("ksm", "fail", subject="<script>alert(1)</script>")
    write(d, "<b>x.json", report([evil], "<img src=x onerror=alert(1)>"))
    html = tmp_path / "r.html"
    run_report(capsys, d, "--html", html, "-q")
    page = html.read_text()
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page and "&lt;b&gt;x" in page
    assert page.count("<script>") == 1  # the report's own inline script, nothing loaded
    for pat in (r"<script[^>]+src=", r"<link[^>]+href=", r"@import", r"url\(", r"<img", r"<iframe"):
        assert not re.search(pat, page), pat
    assert re.findall(r'(?:href|src)="(https?:[^"]*)"', page) == []


def test_site_links_use_the_catalog_areas(tmp_path, capsys, built):
    d = tmp_path / "r"
    d.mkdir()
    write(d, "a.json", report([result("ksm-merge-across-nodes", "fail"), result("no-such-entry", "fail")], "a"))
    html = tmp_path / "r.html"
    run_report(capsys, d, "--html", html, "--catalog", built["catalog"], "--site-url", "https://kb.example/")
    page = html.read_text()
    assert 'href="https://kb.example/entries/memory/ksm-merge-across-nodes.html"' in page
    assert 'href="https://kb.example/index.html?q=no-such-entry"' in page  # area unknown: the site's search
    run_report(capsys, d, "--html", html, "--catalog", built["catalog"])
    assert 'href="entries/memory/ksm-merge-across-nodes.html"' in html.read_text()


def test_bundled_runner_reports(fleet_dir, tmp_path, built):
    html = tmp_path / "r.html"
    p = subprocess.Popen([sys.executable, built["pyz"], "report", str(fleet_dir), "--html", str(html)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, err
    assert "R1.ksm ksm: fails on 2 of 3 hosts" in out and html.exists()


@pytest.mark.skipif(not os.path.exists(PY36), reason="no Python 3.6 at %s" % PY36)
def test_report_runs_on_python36(fleet_dir, tmp_path):
    pkg = os.path.join(ROOT, "checks", "kbcheck", "fleet")
    for n in sorted(os.listdir(pkg)):
        if n.endswith(".py"):
            py_compile.compile(os.path.join(pkg, n), doraise=True)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "checks"))
    html = tmp_path / "r.html"
    p = subprocess.Popen([PY36, "-m", "kbcheck", "report", str(fleet_dir), "--html", str(html), "--json",
                          str(tmp_path / "r.json")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, env=env)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 1, err
    assert "R1.ksm ksm: fails on 2 of 3 hosts" in out and html.exists()


def test_text_names_the_failing_hosts_under_each_entry(tmp_path, capsys):
    """Under each entry the hosts it fails, errs or warns on: the first five and a count without -v,
    all of them with -v."""
    d = tmp_path / "results"
    d.mkdir()
    for i in range(8):
        write(d, "web%02d.json" % i, report([result("ksm", "fail"), result("numa", "warn" if i == 3 else "pass")],
                                            "web%02d" % i))
    write(d, "db.json", report([result("ksm", "error"), result("numa", "pass")], "db"))
    rc, out, _ = run_report(capsys, d)
    lines = out.splitlines()
    at = lines.index("R1.ksm ksm: fails on 8 of 9 hosts, errors on 1")
    assert lines[at + 1] == "    fails on: web00, web01, web02, web03, web04 and 3 more (-v lists all)"
    assert lines[at + 2] == "    errors on: db"
    assert lines[lines.index("R1.numa numa: warns on 1 of 9 hosts") + 1] == "    warns on: web03"
    rc, out, _ = run_report(capsys, d, "-v")
    text = " ".join(l.strip() for l in out.splitlines())
    assert "fails on: %s" % ", ".join("web%02d" % i for i in range(8)) in text
    assert "more (-v" not in out
    assert all(len(l) <= 100 for l in out.splitlines() if l.startswith("    "))


def test_text_host_names_cannot_write_to_the_terminal(tmp_path, capsys):
    """A host file named with a newline and terminal escapes: its name is one escaped word of the line."""
    d = tmp_path / "results"
    d.mkdir()
    evil = "x\nR9 forged: fails on 0 of 0 hosts\x1b[2J\u202e"
    write(d, evil + ".json", report([result("ksm", "fail")], "x"))
    write(d, "b.json", report([result("ksm", "fail")], "b"))
    for argv in ((), ("-v",)):
        rc, out, _ = run_report(capsys, d, *argv)
        assert rc == 1 and "\x1b" not in out and "\u202e" not in out
        assert not any(l.startswith("R9 forged") for l in out.splitlines())
        assert "x\\nR9 forged: fails on 0 of 0 hosts\\x1b[2J\\u202e" in out
