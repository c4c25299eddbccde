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

BROKEN = os.path.join(ROOT, "tests", "broken")
GOOD = os.path.join(ROOT, "kb", "memory", "ksm-sleep-millisecs.yaml")
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
    shutil.copy(os.path.join(ROOT, "kb", "entry.schema.json"), str(kb))
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
