"""Inputs the user hands over that are broken or hostile themselves: deeply nested waivers,
malformed and empty catalogs, a catalog whose text carries terminal escapes (--list, explain)."""
import json
import os
import re

import pytest

from hostile import gen

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _write(work, name, content):
    p = os.path.join(work, name)
    with open(p, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode())
    return p


@pytest.mark.parametrize("content", ['{"waivers": ' + "[" * 100000 + "]" * 100000 + "}", "[" * 100000, "{" * 100000],
                         ids=["nested list in waivers", "open lists", "open objects"])
def test_deeply_nested_waivers_are_one_line_and_exit_2(kbcheck, work, content):
    p = _write(work, "w.json", content)
    o = kbcheck("deep waivers %s" % content[:2], "--root", gen.EXAMPLE, "--waivers", p).check(2)
    assert o.err.startswith("kbcheck: %s:" % p) and len(o.err) < 600


def _catalog(built):
    with open(built["catalog"]) as f:
        return json.load(f)


@pytest.mark.parametrize("change,why", [
    (lambda c: c.update(entries=[]), "has no entries"),
    (lambda c: c.update(entries={}), "has no entries"),
    (lambda c: c["entries"][0].update(code_line="x"), "code_line is not a int"),
    (lambda c: c["entries"][0].update(tags="memory"), "tags is not a list"),
    (lambda c: c["entries"][0].update(fix={"sle12": ["rm -rf /"]}), "fix.sle12 is not a mapping"),
    (lambda c: c["entries"].append(1), "has no valid id"),
    (lambda c: c["entries"].append(dict(c["entries"][0])), "comes twice"),
])
def test_a_malformed_catalog_is_one_line_and_exit_2(built, kbcheck, work, change, why):
    cat = _catalog(built)
    change(cat)
    p = _write(work, "catalog.json", json.dumps(cat))
    commands = (["--root", gen.EXAMPLE], ["--list"], ["explain", "ksm-merge-across-nodes"])
    for argv in commands if why == "has no entries" else commands[:1]:  # (every command loads it alike)
        if argv[0] == "explain":
            argv = argv + ["--catalog", p]
        else:
            argv = ["--catalog", p] + argv
        o = kbcheck("catalog: %s" % why, *argv).check(2)
        assert why in o.err, o.err


def test_a_deeply_nested_catalog_is_one_line(kbcheck, work):
    p = _write(work, "catalog.json", '{"format": 1, "entries": ' + "[" * 100000 + "]" * 100000 + "}")
    kbcheck("deep catalog", "--catalog", p, "--root", gen.EXAMPLE).check(2)


def test_terminal_escapes_in_a_catalog_are_shown_visibly(built, kbcheck, work):
    cat = _catalog(built)
    e = cat["entries"][0]
    e["title"] = "\x1b[2J\x1b[32mall good\x1b]0;x\x07\u202e"
    e["summary"] = "do \x1b[8mhidden\x1b[0m this"
    for x in cat["entries"]:
        if x["area"] == e["area"]:
            x["area_title"] = "\x1b[2Jarea"
    p = _write(work, "catalog.json", json.dumps(cat))
    for argv in (["--catalog", p, "--list", "--root", gen.EXAMPLE], ["explain", e["id"], "--catalog", p],
                 ["--catalog", p, "--root", gen.EXAMPLE, "-v"]):
        o = kbcheck("catalog escapes %s" % argv[0], *argv).check((0, 1, 3))
        assert not UNSAFE.search(o.out), repr(UNSAFE.search(o.out))
        assert "\\x1b[2J" in o.out
