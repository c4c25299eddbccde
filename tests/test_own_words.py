"""Entries are written in our own words: no run of 10 words of an entry's prose stands in the
guide. (Commands, paths and XML are not prose and are not compared.)"""
import os
import re


from conftest import GUIDE as GUIDE_DIR
from conftest import needs_guide

GUIDE = os.path.join(GUIDE_DIR, "sles12sp5-virtualization-best-practices.txt")
N = 10


def words(text):
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.findall(r"[a-z0-9']+", text.lower())


def shingles(ws):
    return set(tuple(ws[i:i + N]) for i in range(len(ws) - N + 1))


@needs_guide
def test_no_entry_copies_the_guide(model):
    with open(GUIDE) as f:
        guide = shingles(words(f.read()))
    copied = []
    for e in model.entries:
        prose = [e["title"], e["summary"], e["rationale"]]
        for v in e["fix"].values():
            prose.append(v.get("text", ""))
        hits = shingles(words("\n".join(prose))) & guide
        if hits:
            copied.append("%s: %s" % (e["file"], " / ".join(" ".join(h) for h in sorted(hits)[:3])))
    assert not copied, "entries repeat the guide word for word:\n" + "\n".join(copied)


@needs_guide
def test_no_recommendation_statement_copies_the_guide(model):
    with open(GUIDE) as f:
        guide = shingles(words(f.read()))
    copied = ["%s: %s" % (rid, " / ".join(" ".join(h) for h in sorted(shingles(words(r["statement"])) & guide)[:3]))
              for rid, r in model.recommendations.items() if shingles(words(r["statement"])) & guide]
    assert not copied, "kb/recommendations.yaml repeats the guide word for word:\n" + "\n".join(copied)
