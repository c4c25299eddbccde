"""The site and the runner come from one model: same entries, same probe code, same hashes."""
import glob
import hashlib
import os
import re
import subprocess
import sys
import zipfile
import json


def site_hashes(docs_dir):
    """{entry id: probe hash shown on its page} from the generated Markdown."""
    out = {}
    for p in glob.glob(os.path.join(docs_dir, "entries", "*", "*.md")):
        if p.endswith("index.md"):
            continue
        text = open(p).read()
        m = re.search(r"^Probe `([0-9a-f]{16})`", text, re.M)
        code = re.search(r'^```text title="probe \(Python\)"\n(.*?)\n```$', text, re.M | re.S)  # kbgen.site
        out[os.path.basename(p)[:-3]] = (m.group(1) if m else None,
                                         hashlib.sha256((code.group(1) + "\n").encode()).hexdigest()[:16] if code else None)
    return out


def runner_hashes(pyz):
    """{entry id: (hash the catalog states, hash of the code it carries)} from inside the bundle."""
    with zipfile.ZipFile(pyz) as z:
        cat = json.loads(z.read("kbcheck/_catalog.json"))
    return dict((e["id"], (e["code_hash"], hashlib.sha256(e["code"].encode()).hexdigest()[:16])) for e in cat["entries"])


def list_hashes(pyz):
    out = subprocess.run([sys.executable, pyz, "--list", "--root", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "sle12-kvm-untuned")], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout
    return dict((m.group(1), m.group(2)) for m in re.finditer(r"^[+~-] (\S+)\s+\S+\s+\S+\s+([0-9a-f]{12})", out, re.M))


def drift(site, runner, listed):
    """-> list of disagreements (empty when site, bundle and --list agree)."""
    problems = []
    if set(site) != set(runner):
        problems.append("entries differ: site only %s, runner only %s" % (sorted(set(site) - set(runner)), sorted(set(runner) - set(site))))
    for i in sorted(set(site) & set(runner)):
        shown, shown_code = site[i]
        stated, carried = runner[i]
        if not (shown == shown_code == stated == carried):
            problems.append("%s: site shows %s (code %s), runner states %s (code %s)" % (i, shown, shown_code, stated, carried))
        if listed.get(i) != stated[:12]:
            problems.append("%s: kbcheck --list shows %s, catalog %s" % (i, listed.get(i), stated[:12]))
    return problems


def test_site_and_runner_agree(built):
    assert drift(site_hashes(built["docs"]), runner_hashes(built["pyz"]), list_hashes(built["pyz"])) == []


def test_drift_is_detected(built):
    site = site_hashes(built["docs"])
    runner = runner_hashes(built["pyz"])
    listed = list_hashes(built["pyz"])
    some = sorted(site)[0]
    tampered = dict(site)
    tampered[some] = ("0" * 16, tampered[some][1])
    assert any(some in p for p in drift(tampered, runner, listed))
    missing = dict(runner)
    missing.pop(some)
    assert drift(site, missing, listed)
