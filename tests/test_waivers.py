"""Waivers: INI-like and JSON files, waived results keep their status, summary and exit code,
expired and unused waivers are notices, malformed files are exit 2 with file:line."""
import datetime
import json
import os

import pytest

from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, "sle12-kvm-untuned")
FUTURE = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
PAST = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def kb(built, capsys):
    from kbcheck.cli import main

    def call(*argv):
        rc = main(["--catalog", built["catalog"], "--root", EXAMPLE] + list(argv))
        out, err = capsys.readouterr()
        return rc, out, err
    return call


def write(tmp_path, text, name="waivers.ini"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_ini_waiver_keeps_status_and_clears_exit_code(kb, tmp_path):
    w = write(tmp_path, """# accepted on this host
[slow-ksm]
id = ksm-sleep-millisecs
reason = ksmtuned manages ksmd here
expires = %s
""" % FUTURE)
    rc, out, err = kb("--id", "ksm-sleep-millisecs", "--format", "json", "--waivers", w)
    doc = json.loads(out)
    (r,) = doc["results"]
    assert r["status"] == "fail"
    assert r["waived"] is True
    assert r["waiver"] == {"reason": "ksmtuned manages ksmd here", "expires": FUTURE, "name": "slow-ksm"}
    assert doc["summary"]["fail"] == 0 and doc["summary"]["waived"] == 1
    assert rc == 0
    assert "notices" not in doc


def test_subject_globs_and_text_report(kb, tmp_path):
    w = write(tmp_path, """[sda-only]
id = "host-io-*"
subject = "sd[a]"
reason = "the array controller schedules sda itself"
expires = "%s"
""" % FUTURE)
    rc, out, _ = kb("--id", "host-io-scheduler", "--waivers", w)
    assert rc == 1  # sdb still fails
    assert "WAIVED host-io-scheduler [sda]: (fail)" in out
    assert "waived until %s by 'sda-only': the array controller schedules sda itself" % FUTURE in out
    assert "FAIL  host-io-scheduler [sdb]" in out
    assert "1 waived" in out


def test_json_waivers_file(kb, tmp_path):
    w = write(tmp_path, json.dumps({"waivers": [
        {"id": "host-io-scheduler", "reason": "r1", "expires": FUTURE},
        {"name": "numa", "id": "numa-balancing", "subject": "nothing-here", "reason": "r2", "expires": FUTURE},
    ]}, indent=1), "waivers.json")
    rc, out, _ = kb("--id", "host-io-scheduler", "--id", "numa-balancing", "--format", "json", "--waivers", w)
    doc = json.loads(out)
    assert doc["summary"]["waived"] == 2 and doc["summary"]["fail"] == 1
    assert rc == 1
    # the second waiver's subject matches nothing: a notice names it
    assert any("'numa'" in n and "matched no fail" in n for n in doc["notices"])


def test_expired_waiver_stops_applying_and_says_so(kb, tmp_path):
    w = write(tmp_path, "[old]\nid = ksm-sleep-millisecs\nreason = temporary\nexpires = %s\n" % PAST)
    rc, out, _ = kb("--id", "ksm-sleep-millisecs", "--format", "json", "--waivers", w)
    doc = json.loads(out)
    assert rc == 1
    assert doc["results"][0]["waived"] is False
    (n,) = doc["notices"]
    assert "'old'" in n and "expired on %s" % PAST in n and "waivers.ini:1" in n


def test_unknown_entry_in_waiver_is_a_notice(kb, tmp_path):
    w = write(tmp_path, "[gone]\nid = no-such-entry\nreason = x\nexpires = %s\n" % FUTURE)
    rc, out, _ = kb("--id", "ksm-sleep-millisecs", "--waivers", w)
    assert rc == 1
    assert "matches no entry of the knowledge base" in out


def test_waivers_do_not_touch_passing_results(kb, tmp_path):
    w = write(tmp_path, "[all]\nid = *\nreason = x\nexpires = %s\n" % FUTURE)
    _, out, _ = kb("--format", "json", "--waivers", w)
    doc = json.loads(out)
    for r in doc["results"]:
        assert r["waived"] == (r["status"] in ("fail", "warn", "error"))
    assert doc["summary"]["fail"] == 0


@pytest.mark.parametrize("text,line,what", [
    ("[a]\nid = x\nreason = y\nexpires = 2025-13-01\n", 4, "not a real date"),
    ("[a]\nid = x\nreason = y\nexpires = tomorrow\n", 4, "YYYY-MM-DD"),
    ("[a]\nid = x\nexpires = 2030-01-01\n", 1, "needs a non-empty 'reason'"),
    ("id = x\n", 1, "before any [waiver] header"),
    ("[a]\nid = x\nthis is not a key\n", 3, "expected `key = value`"),
    ("[a]\nid = x\nid = y\n", 3, "given twice"),
    ("[a]\nid = x\nreason = y\nexpires = 2030-01-01\ncolour = red\n", 5, "unknown key 'colour'"),
    ("[a]\nid=x\nreason=y\nexpires=2030-01-01\n[a]\n", 5, "a second waiver named 'a'"),
    ('{"waivers": [\n  {"id": "x",\n   "reason": "y",,\n}]}', 3, "not valid JSON"),
    ('[\n {"id": "x", "reason": "y", "expires": "2030-01-01"},\n {"id": "z", "reason": "y"}\n]', 3,
     "needs a non-empty 'expires'"),
    # an INI file with a broken first header is reported as INI, not as "not valid JSON"
    ("[waiver\nid = x\nreason = y\nexpires = 2030-01-01\n", 1, "a section header is [name]"),
    ("\n# comment\n[ok]\nid = x\nreason = y\nexpires = 2030-01-01\n[broken\n", 7, "a section header is [name]"),
    ("  [legacy ide\n", 1, "a section header is [name]"),
    ('["virtio-disk-bus"]', 1, "waiver #1 is not an object"),
])
def test_malformed_file_is_usage_error_with_line(kb, tmp_path, text, line, what):
    w = write(tmp_path, text)
    rc, out, err = kb("--waivers", w)
    assert rc == 2 and out == ""
    assert "%s:%d:" % (w, line) in err, err
    assert what in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file(kb, tmp_path):
    rc, _, err = kb("--waivers", str(tmp_path / "nope.ini"))
    assert rc == 2 and "cannot read waivers file" in err


def test_module_docstring_example_parses(tmp_path):
    """The example in the waivers module docstring (and README) is a valid file."""
    from kbcheck import waivers
    doc = waivers.__doc__
    block = doc.split("::\n\n", 1)[1].split("\n\nwhere", 1)[0]
    text = "\n".join(line[4:] for line in block.splitlines())
    p = tmp_path / "w.ini"
    p.write_text(text)
    got = waivers.load(str(p))
    assert [w.name for w in got] == ["legacy-ide", "ksm-tuning"]
    assert got[1].id == "ksm-*" and got[0].subject == "legacy-sles11"
