"""A broken knowledge base gives file:line errors and exit 2, never a traceback."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from support import kbdir

# a good probe entry beside the broken ones: ksm-sleep-millisecs as it was before it used a template
GOOD = os.path.join(ROOT, "tests", "data", "good_entry", "ksm-sleep-millisecs.yaml")


def run_check(kb):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator")]))
    return subprocess.run([sys.executable, "-m", "kbgen", "--kb", str(kb), "check"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, env=env)


def make_kb(tmp_path, files):
    kb = tmp_path / "kb"
    (kb / "memory").mkdir(parents=True)
    kbdir.skeleton(kb)
    for name, text in files.items():
        (kb / "memory" / name).write_text(text)
    return kb


def good():
    return open(GOOD).read()


BREAKAGES = {
    "yaml syntax": (lambda t: t.replace("severity: low", "severity: [low"), r"ksm-sleep-millisecs.yaml:\d+: YAML syntax"),
    "duplicate key": (lambda t: t.replace("severity: low", "severity: low\nseverity: high"), r":7: duplicate key 'severity'"),
    "unknown field": (lambda t: t + "colour: blue\n", r": colour: unknown field"),
    "wrong type": (lambda t: t.replace("tags: [memory, ksm, kvm, cpu]", "tags: memory"), r":5: tags: 'memory' is not of type 'array'"),
    "unknown recommendation": (lambda t: t.replace("covers: [R4.1.4a]", "covers: [R4.1.4z]"), r":4: covers\[0\]: unknown recommendation ID 'R4.1.4z'"),
    "probe syntax": (lambda t: t.replace('    if run != "1":', '    if run != "1"'), r"ksm-sleep-millisecs.yaml:\d+: check.probe: probe does not compile"),
    "probe import": (lambda t: t.replace('    run = host.value', '    import os\n    run = host.value'), r"check.probe: probes may not import"),
    "id mismatch": (lambda t: t.replace("id: ksm-sleep-millisecs", "id: something-else"), r":1: id: id 'something-else' must equal the file name"),
    "bad status": (lambda t: t.replace("expect: pass", "expect: passed", 1), r"scenarios\[1\].expect"),
    "bad tag": (lambda t: t.replace("tags: [memory, ksm, kvm, cpu]", "tags: [memory, kms]"), r"tags\[1\]"),
}


@pytest.mark.parametrize("kind", sorted(BREAKAGES))
def test_breakage_reported_with_file_and_line(tmp_path, kind):
    mutate, pattern = BREAKAGES[kind]
    text = mutate(good())
    assert text != good(), "mutation %s did not apply" % kind
    kb = make_kb(tmp_path, {"ksm-sleep-millisecs.yaml": text})
    r = run_check(kb)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    import re
    assert re.search(pattern, r.stderr), r.stderr


def test_all_problems_of_all_files_reported_at_once(tmp_path):
    a = good().replace("severity: low", "severity: low\nseverity: high")
    b = good().replace("id: ksm-sleep-millisecs", "id: other-entry").replace("covers: [R4.1.4a]", "covers: [R9z]")
    kb = make_kb(tmp_path, {"ksm-sleep-millisecs.yaml": a, "other-entry.yaml": b})
    r = run_check(kb)
    assert r.returncode == 2
    assert "ksm-sleep-millisecs.yaml:7" in r.stderr and "other-entry.yaml:4" in r.stderr
    assert "2 problem(s)" in r.stderr


def test_duplicate_ids_across_areas(tmp_path):
    kb = make_kb(tmp_path, {"ksm-sleep-millisecs.yaml": good()})
    (kb / "cpu").mkdir()
    (kb / "cpu" / "ksm-sleep-millisecs.yaml").write_text(good())
    r = run_check(kb)
    assert r.returncode == 2 and "duplicate entry id 'ksm-sleep-millisecs'" in r.stderr


def test_valid_kb_passes(tmp_path):
    r = run_check(make_kb(tmp_path, {"ksm-sleep-millisecs.yaml": good()}))
    assert r.returncode == 0, r.stderr
