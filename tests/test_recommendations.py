"""The recommendation list is the repository's own: kb/recommendations.yaml, validated strictly like
the entries (file:line: field: what, exit 2), rendered on the coverage page, and read from nothing
outside the repository. When ../shared/guide is present, the list agrees with the guide's
RECOMMENDATIONS.md it was transcribed from."""
import os
import re
import subprocess
import sys

import pytest

from conftest import GUIDE, ROOT, needs_guide
from support import kbdir

RECS_MD = os.path.join(GUIDE, "RECOMMENDATIONS.md")
RECS_YAML = os.path.join(ROOT, "kb", "recommendations.yaml")
GOOD = os.path.join(ROOT, "kb", "memory", "ksm-sleep-millisecs.yaml")
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "checks"), os.path.join(ROOT, "generator")]))
# a row of RECOMMENDATIONS.md: | ID | section | kind | role | what (our words) | data |
ROW = re.compile(r"^\|\s*(R[0-9][0-9a-z.]*)\s*\|\s*([0-9.]+)\s*\|\s*(check|advice|process)\s*\|\s*(\w+)\s*\|"
                 r"\s*(.*?)\s*\|\s*(.*?)\s*\|\s*$")


def test_the_list_holds_the_guides_79_ids_in_order(model):
    ids = list(model.recommendations)
    assert len(ids) == 79
    assert ids[0] == "R2.1" and ids[-1] == "R9d"
    for rid, r in model.recommendations.items():
        assert r["kind"] in ("check", "advice", "process"), rid
        assert r["role"] in ("host", "guest", "any"), rid
        assert set(r["data"]) <= set(model.recommendations.data), rid
        assert "\n" not in r["statement"] and len(r["statement"]) >= 10, rid


@needs_guide
def test_the_list_agrees_with_the_guides_recommendations_md(model):
    rows = []
    with open(RECS_MD, encoding="utf-8") as f:
        for line in f:
            m = ROW.match(line.rstrip("\n"))
            if m:
                rows.append(m.groups())
    want = {}
    for rid, section, kind, role, what, data in rows:
        items = [] if data.strip() in ("", "-", "\u2014") else [d.strip() for d in data.split(",")]
        want[rid] = {"section": section, "kind": kind, "role": role, "data": items, "statement": what}
    assert list(model.recommendations) == list(want), "the IDs or their order differ from RECOMMENDATIONS.md"
    differ = ["%s.%s: %r here, %r in RECOMMENDATIONS.md" % (rid, k, model.recommendations[rid][k], v)
              for rid, w in want.items() for k, v in w.items() if model.recommendations[rid][k] != v]
    assert not differ, "\n".join(differ)


def test_the_coverage_page_renders_the_list(model):
    from kbgen import site
    page = site.coverage_page(model)
    for rid, r in model.recommendations.items():
        row = [ln for ln in page.splitlines() if "`%s` |" % rid in ln]
        assert len(row) == 1, rid
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row[0])[1:-1]]
        assert cells[1:5] == [r["section"], r["kind"], r["role"], site._cell(r["statement"])], rid
        assert cells[5] == (", ".join("`%s`" % d for d in r["data"]) or "none"), rid
        assert all("entries/%s/%s.md" % (e["area"], e["id"]) in cells[6] for e in model.covering(rid)), rid
    for kind, meaning in model.recommendations.kinds.items():
        assert "| %s | %s |" % (kind, site._cell(meaning)) in page


def test_the_catalog_carries_the_statements(catalog_data, model):
    assert sorted(catalog_data["recommendations"]) == sorted(model.recommendations)
    r = catalog_data["recommendations"]["R4.1.4c"]
    assert r == {"section": "4.1.4", "kind": "check", "text": model.recommendations["R4.1.4c"]["statement"]}


def test_nothing_outside_the_repository_is_read():
    """pip install (setup.py, pyproject.toml), kbgen, the runner and nox read only the repository."""
    offenders = []
    paths = [os.path.join(ROOT, p) for p in ("setup.py", "pyproject.toml", "noxfile.py", "mkdocs.yml")]
    for top in ("generator", "checks", "site"):
        for d, _dirs, files in os.walk(os.path.join(ROOT, top)):
            paths += [os.path.join(d, f) for f in files if f.endswith((".py", ".yml", ".yaml", ".json", ".md", ".js"))]
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if "../shared" in line or "shared/guide" in line or "RECOMMENDATIONS.md" in line:
                    offenders.append("%s:%d: %s" % (os.path.relpath(p, ROOT), n, line.strip()))
    assert not offenders, "\n".join(offenders)


def _check(kb):
    return subprocess.run([sys.executable, "-m", "kbgen", "--kb", str(kb), "check"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, env=ENV, cwd=ROOT, timeout=120)


def _item(text, rid):
    """The lines of one item of the list, as (start, end) indexes into text."""
    start = text.index("  - id: %s\n" % rid)
    nxt = text.find("\n  - id: ", start + 1)
    return start, (len(text) if nxt < 0 else nxt + 1)


def _edit_item(rid, fn):
    def edit(text):
        a, b = _item(text, rid)
        return text[:a] + fn(text[a:b]) + text[b:]
    return edit


def _line_of(text, needle):
    return text[:text.index(needle)].count("\n") + 1


# name -> (mutation of the list's text, the field the message names, what it says, the line's anchor)
BREAKAGES = {
    "unknown kind": (_edit_item("R4.2a", lambda t: t.replace("kind: check", "kind: chek")),
                     r"recommendations\[\d+\]\.kind", "is not one of", "kind: chek"),
    "unknown role": (_edit_item("R4.2a", lambda t: t.replace("role: host", "role: hots")),
                     r"recommendations\[\d+\]\.role", "is not one of", "role: hots"),
    "unknown data source": (_edit_item("R4.2a", lambda t: t.replace("data: [proc]", "data: [proc, dmesg]")),
                            r"recommendations\[\d+\]\.data\[1\]", "is not one of", "data: [proc, dmesg]"),
    "unknown field": (_edit_item("R4.2a", lambda t: t + "    colour: blue\n"),
                      r"recommendations\[\d+\]\.colour", "unknown field", "colour: blue"),
    "missing statement": (_edit_item("R4.2a", lambda t: re.sub(r"    statement: .*\n", "", t)),
                          r"recommendations\[\d+\]", "'statement' is a required property", "  - id: R4.2a"),
    "section not quoted": (_edit_item("R4.2a", lambda t: t.replace('section: "4.2"', "section: 4.2")),
                           r"recommendations\[\d+\]\.section", "is not of type 'string'", "section: 4.2"),
    "bad id": (_edit_item("R4.2a", lambda t: t.replace("id: R4.2a", "id: r4-2a")),
               r"recommendations\[\d+\]\.id", "does not match", "id: r4-2a"),
    "duplicate id": (_edit_item("R4.2b", lambda t: t.replace("id: R4.2b", "id: R4.2a")),
                     r"recommendations\[\d+\]\.id", "duplicate recommendation ID 'R4.2a' (first at line", "id: R4.2a\n    section: \"4.2.1\""),
    "duplicate key": (_edit_item("R4.2a", lambda t: t.replace("kind: check", "kind: check\n    kind: advice")),
                      None, "duplicate key 'kind'", "kind: advice\n    role: host\n    data: [proc]\n    statement: The host has swap"),
    "yaml syntax": (_edit_item("R4.2a", lambda t: t.replace("data: [proc]", "data: [proc")),
                    None, "YAML syntax", None),
    "kinds incomplete": (lambda t: re.sub(r"\n  process: .*", "", t, count=1), r"kinds", "'process' is a required property", "kinds:"),
}


@pytest.mark.parametrize("kind", sorted(BREAKAGES))
def test_a_broken_list_gives_file_line_field_what_and_exit_2(tmp_path, kind):
    mutate, field, what, anchor = BREAKAGES[kind]
    kb = kbdir.skeleton(tmp_path / "kb")
    (kb / "memory").mkdir()
    (kb / "memory" / os.path.basename(GOOD)).write_text(open(GOOD, encoding="utf-8").read(), encoding="utf-8")
    good = open(RECS_YAML, encoding="utf-8").read()
    text = mutate(good)
    assert text != good, "the mutation %r did not apply" % kind
    (kb / "recommendations.yaml").write_text(text, encoding="utf-8")
    r = _check(kb)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("kb/recommendations.yaml:")]
    assert len(lines) == 1, r.stderr
    m = re.match(r"^kb/recommendations\.yaml:(\d+): (.*)$", lines[0])
    assert m, lines[0]
    if anchor is not None:
        assert int(m.group(1)) == _line_of(text, anchor), lines[0]
    if field:
        assert re.match(field + ": ", m.group(2)), lines[0]
    assert what in m.group(2), lines[0]


def test_a_missing_list_is_one_line_naming_it(tmp_path):
    kb = kbdir.skeleton(tmp_path / "kb")
    os.unlink(str(kb / "recommendations.yaml"))
    r = _check(kb)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert re.search(r"^kb/recommendations\.yaml:1: cannot read the recommendation list", r.stderr, re.M), r.stderr


def test_an_entry_naming_an_id_the_list_lacks_is_reported(tmp_path):
    kb = kbdir.skeleton(tmp_path / "kb")
    (kb / "memory").mkdir()
    text = open(GOOD, encoding="utf-8").read().replace("covers: [R4.1.4a]", "covers: [R4.1.4z]")
    (kb / "memory" / os.path.basename(GOOD)).write_text(text, encoding="utf-8")
    r = _check(kb)
    assert r.returncode == 2
    assert "covers[0]: unknown recommendation ID 'R4.1.4z' (see kb/recommendations.yaml)" in r.stderr, r.stderr
