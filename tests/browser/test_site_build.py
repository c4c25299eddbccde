"""The site build without a browser: strict failures name the entry, tags come from the schema,
every rendered entry page shows the bundled runner's probe hash, the offline build stays local."""
import glob
import html
import json
import os
import re
import shutil
import sys

import pytest

from kbgen import model as model_mod
from conftest import needs_mkdocs, why_no_offline_build
from kbgen import site as site_mod
from kbgen.cli import build

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KSM = "ksm-merge-across-nodes"


def temp_kb(tmp_path):
    kb = os.path.join(str(tmp_path), "kb")
    shutil.copytree(os.path.join(ROOT, "kb"), kb)
    return kb


def add_to_summary(path, words):
    """Put `words` at the start of the entry's summary, whatever YAML style the summary uses."""
    lines = open(path).read().splitlines(True)
    for i, line in enumerate(lines):
        if line.startswith("summary:"):
            rest = line[len("summary:"):].strip()
            if rest in (">", "|", ">-", "|-", ">+", "|+"):
                indent = re.match(r"\s*", lines[i + 1]).group(0)
                lines.insert(i + 1, "%s%s\n" % (indent, words))
                if rest.startswith("|"):
                    lines.insert(i + 2, "\n")
            else:
                lines[i] = "summary: %s\n" % json.dumps("%s %s" % (words, rest.strip("'\"")))
            break
    else:
        raise AssertionError("no summary in %s" % path)
    open(path, "w").write("".join(lines))


def failing_build(tmp_path, kb, capsys):
    m = model_mod.load(kb)
    with pytest.raises(SystemExit):
        build(m, os.path.join(str(tmp_path), "out"), site=True, quiet=True)
    return capsys.readouterr().err


@needs_mkdocs
def test_broken_link_fails_the_build_and_names_the_entry(tmp_path, capsys):
    kb = temp_kb(tmp_path)
    add_to_summary(os.path.join(kb, "memory", KSM + ".yaml"), "See [the missing page](no-such-page.md).")
    err = failing_build(tmp_path, kb, capsys)
    assert "no-such-page.md" in err
    assert "kb/memory/%s.yaml" % KSM in err, err


def test_unknown_tag_fails_the_site_build_and_names_the_entry(tmp_path, built_site):
    """The model rejects unknown tags first; the site's own allow list is the second line of defence."""
    docs = os.path.join(str(tmp_path), "docs")
    shutil.copytree(built_site["docs"], docs)
    page = glob.glob(os.path.join(docs, "entries", "*", KSM + ".md"))[0]
    text = open(page).read().replace("tags:\n", "tags:\n  - not-a-schema-tag\n", 1)
    open(page, "w").write(text)
    rc, said = site_mod.run_mkdocs(docs, os.path.join(str(tmp_path), "site"), os.path.join(ROOT, "mkdocs.yml"))
    assert rc != 0
    out = "\n".join(said)
    assert "not-a-schema-tag" in out and KSM in out, out


def test_unknown_tag_in_kb_is_refused_with_the_file(tmp_path, capsys):
    from kbgen.cli import main
    kb = temp_kb(tmp_path)
    p = os.path.join(kb, "memory", KSM + ".yaml")
    text = open(p).read()
    open(p, "w").write(re.sub(r"^tags: \[", "tags: [not-a-schema-tag, ", text, count=1, flags=re.M))
    assert main(["--kb", kb, "build", "--out", os.path.join(str(tmp_path), "out")]) == 2
    assert "kb/memory/%s.yaml" % KSM in capsys.readouterr().err


def test_a_page_that_cannot_render_names_its_entry(tmp_path, capsys, monkeypatch, model):
    real = site_mod.entry_page

    def broken(e, m):
        if e["id"] == KSM:
            raise KeyError("fix")
        return real(e, m)
    monkeypatch.setattr(site_mod, "entry_page", broken)
    with pytest.raises(SystemExit):
        build(model, os.path.join(str(tmp_path), "out"), site=False, quiet=True)
    err = capsys.readouterr().err
    assert "kb/memory/%s.yaml" % KSM in err and "cannot be rendered" in err, err
    assert "Traceback" not in err


@needs_mkdocs
def test_allowed_tags_are_the_schema_enum():
    sys.path.insert(0, os.path.join(ROOT, "site"))
    try:
        import hooks
    finally:
        sys.path.pop(0)
    schema = json.load(open(os.path.join(ROOT, "kb", "entry.schema.json")))
    assert hooks.schema_tags() == schema["properties"]["tags"]["items"]["enum"]


def test_every_rendered_entry_page_shows_the_bundled_probe_hash(built_site, model):
    import zipfile
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import test_drift
    with zipfile.ZipFile(built_site["pyz"]) as z:
        cat = json.loads(z.read("kbcheck/_catalog.json"))
    listed = test_drift.list_hashes(built_site["pyz"])  # empty if `kbcheck --list` stops showing hashes
    problems = []
    for e in cat["entries"]:
        path = os.path.join(built_site["site"], "entries", e["area"], e["id"] + ".html")
        if not os.path.exists(path):
            problems.append("%s: no page" % e["id"])
            continue
        page = open(path, encoding="utf-8").read()
        shown = re.findall(r"Probe <code>([0-9a-f]{16})</code>", page)
        if shown != [e["code_hash"]]:
            problems.append("%s: page shows %s, runner carries %s" % (e["id"], shown, e["code_hash"]))
        blocks = re.findall(r'Probe <code>.*?<pre\b[^>]*>(.*?)</pre>', page, re.S)
        code = html.unescape(re.sub(r"<[^>]+>", "", blocks[0])) if blocks else ""
        if code.strip("\n") != e["code"].strip("\n"):
            problems.append("%s: the rendered probe code differs from the runner's" % e["id"])
        if listed and listed.get(e["id"]) != e["code_hash"][:12]:
            problems.append("%s: kbcheck --list shows %s" % (e["id"], listed.get(e["id"])))
    assert problems == []


@pytest.mark.skipif(why_no_offline_build() is not None, reason=why_no_offline_build() or "")
def test_offline_build_references_nothing_remote(tmp_path, model):
    paths = build(model, str(tmp_path), site=True, quiet=True, offline=True)
    site = paths["site"]
    assert os.path.exists(os.path.join(site, "assets", "javascripts", "iframe-worker-shim.js"))
    assert os.path.exists(os.path.join(site, "search", "search_index.js"))
    # resources a page loads (links to other sites are fine: they are not requested)
    remote = re.compile(r"""(?:\bsrc=|<link\b[^>]*\bhref=)["'](?:https?:)?//""")
    bad = []
    for p in glob.glob(os.path.join(site, "**", "*.html"), recursive=True):
        for m in remote.finditer(open(p, encoding="utf-8").read()):
            bad.append("%s: %s" % (os.path.relpath(p, site), m.group(0)))
    assert bad == []
    assert not glob.glob(os.path.join(ROOT, "site", "**", "iframe-worker*"), recursive=True)  # never committed


def test_template_entries_say_their_template_and_extending_kbcheck_is_a_page(built_site, model):
    """issue 16: the site shows the expanded code, says which template an entry uses (with its
    params and its own scenarios), and has the page "Extending kbcheck" with a section per recipe."""
    site = built_site["site"]
    used = [e for e in model.entries if e["template"]]
    assert used
    for e in used:
        page = open(os.path.join(site, "entries", e["area"], e["id"] + ".html"), encoding="utf-8").read()
        name = e["template"]["name"]
        assert "uses the template <code>%s</code>" % name in page, e["id"]
        assert 'href="../../extending.html#add-a-template"' in page, e["id"]
        assert "expanded from template <code>%s</code>" % name in page, e["id"]
        assert "The template <code>%s</code> adds its own scenarios" % name in page, e["id"]
    ext = open(os.path.join(site, "extending.html"), encoding="utf-8").read()
    for anchor in ("add-an-output-format", "add-a-source", "add-a-fact", "add-a-template", "add-an-entry"):
        assert 'id="%s"' % anchor in ext, anchor
    home = open(os.path.join(site, "index.html"), encoding="utf-8").read()
    assert "Extending kbcheck" in home and 'href="extending.html"' in home
    contributing = open(os.path.join(site, "contributing.html"), encoding="utf-8").read()
    assert 'id="add-a-source"' not in contributing and 'href="extending.html"' in contributing


def test_every_entry_page_shows_a_real_run_of_its_failing_scenario(model):
    """The recorded run is made from the entry's own first failing scenario at build time: the page
    shows what kbcheck prints there (the FAIL or WARN line of the entry), not only the expectation."""
    from kbgen import recorded
    from kbgen.scenarios import expectations
    missing = []
    for e in model.entries:
        examples = site_mod.failing_examples(e)
        md = site_mod.entry_page(e, model)
        if not examples:
            assert "prints on the host of the scenario" not in md
            continue
        sc = examples[0][0]
        text = recorded.run_text(e, sc)
        want = [x for x in expectations(sc["expect"]) if x["status"] in ("fail", "warn")]
        lines = [ln.strip() for ln in (text or "").splitlines()]
        if not text or not any(ln.startswith("%s  %s" % (want[0]["status"].upper(), e["id"])) for ln in lines):
            missing.append("%s: %r" % (e["id"], text))
            continue
        assert text.startswith("kbcheck on ") and recorded.SHOWN_ROOT in text and "/kbscenario-" not in text
        assert text.rstrip("\n") in md and ("*%s*" % sc["name"].replace("*", "\\*")) in md
    assert not missing, "\n".join(missing)


def test_a_recorded_run_follows_the_probe(model, monkeypatch):
    """Change the probe and the page says what the changed probe says (nothing is copied)."""
    from kbgen import recorded
    e = dict(model.by_id["numa-balancing"])
    e["code"] = 'return FAIL("recorded from the probe itself")'
    sc = site_mod.failing_examples(e)[0][0]
    assert "FAIL  numa-balancing: recorded from the probe itself" in recorded.run_text(e, sc)


@needs_mkdocs
def test_fixes_and_manual_checks_are_highlighted(built_site, model):
    page = open(os.path.join(built_site["site"], "entries", "numa", "numa-balancing.html"), encoding="utf-8").read()
    assert re.search(r'<div class="language-bash highlight"><pre><span></span><code>.*?<span class="', page, re.S)
    # the probe is shown as it is (text, under its title), not lexed: a third of the build at 3000 entries
    probe = re.search(r'<div class="language-text highlight"><span class="filename">probe \(Python\)</span>'
                      r'<pre><span></span><code>(.*?)</code>', page, re.S)
    assert probe and "host.sysctl(" in html.unescape(probe.group(1)) and "<span" not in probe.group(1)
    # the recorded run is text: shown as printed, not lexed
    run = re.search(r'<div class="language-text highlight"><pre><span></span><code>(.*?)</code>', page, re.S)
    assert run and "FAIL  numa-balancing" in html.unescape(re.sub(r"<[^>]+>", "", run.group(1)))
