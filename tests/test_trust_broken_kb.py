"""Bad input, clear errors. Every file of tests/broken/kb/ is a broken knowledge-base entry whose
header says what is wrong, which command finds it, the documented exit code and what the message
must say. Each is dropped into a knowledge base beside a good entry: the problem is reported on one
line naming the file and line, never with a traceback, and the good entry is still validated and
judged. tests/broken/host/ does the same for broken host data under a live-like run of kbcheck."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from support import kbdir

BROKEN = os.path.join(ROOT, "tests", "broken")
# a good probe entry beside the broken ones: ksm-sleep-millisecs as it was before it used a template
GOOD = os.path.join(ROOT, "tests", "data", "good_entry", "ksm-sleep-millisecs.yaml")
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator")]),
           NO_COLOR="1")


def header(path):
    with open(path, "rb") as f:
        raw = f.read()
    out = {}
    for line in raw.split(b"\n"):
        m = re.match(rb"^# (\w+): (.*)$", line)
        if not m:
            break
        out[m.group(1).decode()] = m.group(2).decode()
    return out


CASES = sorted(n for n in os.listdir(os.path.join(BROKEN, "kb")) if n.endswith(".yaml"))


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 30


def kbgen(kb, *args):
    p = subprocess.Popen([sys.executable, "-m", "kbgen", "--kb", str(kb)] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True, env=ENV, cwd=ROOT)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


@pytest.mark.parametrize("name", CASES)
def test_broken_entry_gives_one_clear_line(tmp_path, name):
    h = header(os.path.join(BROKEN, "kb", name))
    kb = tmp_path / "kb"
    (kb / "memory").mkdir(parents=True)
    kbdir.skeleton(kb)
    shutil.copy(GOOD, str(kb / "memory"))
    shutil.copy(os.path.join(BROKEN, "kb", name), str(kb / "memory" / name))
    if h.get("also"):
        (kb / h["also"]).mkdir()
        shutil.copy(os.path.join(BROKEN, "kb", name), str(kb / h["also"] / name))
    cmd = h["command"].split()[1]
    rc, out, err = kbgen(kb, cmd)
    said = out + err
    assert rc == int(h["exit"]), "%s: exit %s, wanted %s\n%s" % (name, rc, h["exit"], said)
    assert "Traceback" not in said, said
    assert re.search(h["expect"], said), "%s: wanted /%s/ in:\n%s" % (name, h["expect"], said)
    lines = [l for l in said.splitlines() if re.search(h["expect"], l)]
    assert any(re.search(re.escape(name) + r":\d+", l) for l in lines), "%s: the line does not name the file:line:\n%s" % (name, said)
    assert "ksm-sleep-millisecs.yaml" not in said, "the good entry was blamed:\n%s" % said
    if cmd == "test":
        # the good entry was still judged: its five scenarios passed
        m = re.search(r"(\d+) passed, (\d+) failed", out)
        assert m and int(m.group(1)) >= 5, out
    else:
        for l in err.strip().splitlines():  # every line of a check failure names a file and line
            assert re.match(r"^(kbgen: )?\S+\.yaml:\d+: ", l) or l.startswith("kbgen: "), l


# -- broken host data --------------------------------------------------------------------------
HOST = os.path.join(BROKEN, "host")
GUESTS = {"guests": [{"name": "fine"}, {"name": "ide", "disks": [{"dev": "hda", "bus": "ide"}]}],
          "ksm": {"run": 1, "sleep_millisecs": 20}}
LAYOUT = {  # corpus file -> where it goes in the root
    "meminfo-truncated": ["proc/meminfo"],
    "cpuinfo-binary": ["proc/cpuinfo"],
    "empty": ["proc/cmdline", "proc/mounts", "proc/swaps"],
    "sysctl-nul.conf": ["etc/sysctl.d/99-broken.conf"],
    "domain-truncated.xml": ["etc/libvirt/qemu/halfway.xml"],
    "domain-wrong-root.xml": ["etc/libvirt/qemu/wrongroot.xml"],
    "domain-bare-ampersand.xml": ["etc/libvirt/qemu/amp.xml"],
}


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory, catalog_data):
    p = str(tmp_path_factory.mktemp("cat") / "catalog.json")
    with open(p, "w") as f:
        json.dump(catalog_data, f)
    return p


def kbcheck_json(root, catalog):
    code = "import sys; sys.path.insert(0, %r)\nfrom kbcheck.cli import main\nsys.exit(main())" % os.path.join(ROOT, "checks")
    p = subprocess.Popen([sys.executable, "-c", code, "--catalog", catalog, "--root", root, "--format", "json",
                          "--assume", "role=kvm_host"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


@pytest.mark.parametrize("name", sorted(LAYOUT) + ["huge-sparse"])
def test_broken_host_data(tmp_path, catalog_path, catalog_data, name):
    from kbgen import scenarios
    root = str(tmp_path / "root")
    scenarios.materialise(GUESTS, root)
    healthy_rc, healthy_out, _ = kbcheck_json(root, catalog_path)
    healthy = json.loads(healthy_out)
    if name == "huge-sparse":
        targets = ["proc/meminfo"]
        with open(os.path.join(root, "proc/meminfo"), "wb") as f:
            f.truncate(64 * 1024 ** 3)
    else:
        targets = LAYOUT[name]
        for t in targets:
            if not os.path.isdir(os.path.dirname(os.path.join(root, t))):
                os.makedirs(os.path.dirname(os.path.join(root, t)))
            shutil.copy(os.path.join(HOST, name), os.path.join(root, t))
    rc, out, err = kbcheck_json(root, catalog_path)
    assert err == "" and rc in (0, 1, 3), (rc, err)
    doc = json.loads(out)
    # nothing dropped: every entry still has at least one result
    ids = set(r["id"] for r in doc["results"])
    assert ids == set(e["id"] for e in catalog_data["entries"])
    # what the broken file touches is named in an error; everything else is judged as before
    errors = [r for r in doc["results"] if r["status"] == "error"]
    for r in errors:
        assert "/" in r["message"] or r["subject"], r  # names a file (or the guest it concerns)
        assert "Traceback" not in r["message"] and "\n" not in r["message"]
    before = dict(((r["id"], r["subject"]), r["status"]) for r in healthy["results"])
    after = dict(((r["id"], r["subject"]), r["status"]) for r in doc["results"])
    same = sum(1 for k in before if after.get(k) == before[k])
    assert same >= len(before) // 2, "most results should not depend on %s" % name
    if name.startswith("domain-"):
        guest = {"domain-truncated.xml": "halfway", "domain-wrong-root.xml": "wrongroot",
                 "domain-bare-ampersand.xml": "amp"}[name]
        bad = [r for r in errors if r["subject"] == guest]
        assert bad, "no error for the malformed guest %s" % guest
        assert all(("/etc/libvirt/qemu/%s.xml" % guest) in r["message"] for r in bad), bad
        # the healthy guests are judged exactly as before
        for k, v in before.items():
            if k[1] in ("fine", "ide"):
                assert after[k] == v, k
    if name in ("huge-sparse",):
        assert any("/proc/meminfo" in r["message"] and "larger than" in r["message"] for r in errors), errors


def test_each_unreadable_guest_is_one_error_and_real_failures_stay_listed(tmp_path, catalog_path, catalog_data):
    """Three broken definitions among good guests: one error per bad file (whatever the number of guest
    entries), every other guest entry skips that guest and points to that one error, and the real
    failures of the good guests are all still there (the README: one bad guest is one error)."""
    from kbgen import scenarios
    root = str(tmp_path / "root")
    scenarios.materialise(GUESTS, root)
    healthy = json.loads(kbcheck_json(root, catalog_path)[1])
    broken = {"domain-truncated.xml": "halfway", "domain-wrong-root.xml": "wrongroot",
              "domain-bare-ampersand.xml": "amp"}
    for name, guest in broken.items():
        shutil.copy(os.path.join(HOST, name), os.path.join(root, "etc/libvirt/qemu/%s.xml" % guest))
    rc, out, err = kbcheck_json(root, catalog_path)
    assert err == "" and rc == 1, (rc, err)  # the ide guest's real failures keep it at 1
    results = json.loads(out)["results"]
    guest_entries = set(e["id"] for e in catalog_data["entries"] if e.get("scope") == "guest")
    assert len(guest_entries) > 5
    for guest in broken.values():
        errors = [r for r in results if r["subject"] == guest and r["status"] == "error"]
        assert len(errors) == 1, errors
        assert "/etc/libvirt/qemu/%s.xml" % guest in errors[0]["message"]
        first = errors[0]["id"]
        others = [r for r in results if r["subject"] == guest and r["id"] != first]
        assert others and all(r["status"] == "skip" and ("see the error of %s" % first) in r["message"]
                              for r in others), others
    assert sum(1 for r in results if r["status"] == "error") == len(broken)

    def fails(doc):
        return sorted((r["id"], r["subject"]) for r in doc if r["status"] == "fail")
    assert fails(results) == fails(healthy["results"]) and fails(results)
