"""The page "Extending kbcheck" (CONTRIBUTING.md, section 9; the site's extending.md) is followed,
recipe by recipe, from its own text: each recipe's steps are applied to a scratch copy of the
project ("Create `FILE`:", "In `FILE`, after the line starting with `TEXT`, add:", "In `FILE`,
replace the line starting with `TEXT` by:", "Run:", "A probe that reads it:"), and then what the
recipe promises is checked there: the new format is one of --format's choices and renders, the new
source is chosen for its input, the new fact is read by a probe, the new template expands and its
scenarios run, the new entry passes its scenarios. A page that drifts from the code fails here."""
import json
import os
import re
import shutil
import subprocess
import sys

from conftest import ROOT

STEP = re.compile(r"(?:Create `(?P<create>[^`]+)`:"
                  r"|In `(?P<file>[^`]+)`, after the line starting with `(?P<after>[^`]+)`, add:"
                  r"|In `(?P<rfile>[^`]+)`, replace the line starting with `(?P<replace>[^`]+)` by:"
                  r"|(?P<run>Run:)|(?P<probe>A probe that reads it:))\s*$")
COPY = ("checks", "generator", "kb", "tests", "site", "mkdocs.yml", "README.md", "CONTRIBUTING.md", "pyproject.toml")
EXAMPLE = os.path.join("examples", "sle12-kvm-untuned")


def page():
    with open(os.path.join(ROOT, "CONTRIBUTING.md"), encoding="utf-8") as f:
        text = f.read()
    start, end = text.index("<!-- extending: begin"), text.index("<!-- extending: end -->")
    return text[start:end]


def recipes():
    """{title: [(kind, target, anchor, code)]} in the page's order."""
    out, title, lines = {}, None, page().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("### "):
            title = line[4:].strip()
            out[title] = []
        m = STEP.search(line)
        if m and title:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            fence = lines[j].strip() if j < len(lines) else ""
            assert fence.startswith("```"), "%s: %r is not followed by a code block" % (title, line)
            indent = len(lines[j]) - len(lines[j].lstrip())
            k = j + 1
            while lines[k].strip() != "```":
                k += 1
            code = "\n".join(ln[indent:] for ln in lines[j + 1:k]) + "\n"
            if m.group("create"):
                out[title].append(("create", m.group("create"), None, code))
            elif m.group("file"):
                out[title].append(("after", m.group("file"), m.group("after"), code))
            elif m.group("rfile"):
                out[title].append(("replace", m.group("rfile"), m.group("replace"), code))
            else:
                out[title].append(("run" if m.group("run") else "probe", None, None, code))
            i = k
        i += 1
    return out


def scratch(tmp_path):
    """A copy of the project to follow a recipe in (no build output, one example host)."""
    dest = tmp_path / "project"
    dest.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "build", ".nox", "*.pyc", ".pytest_cache")
    for name in COPY:
        src = os.path.join(ROOT, name)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, str(dest / name), **(
            {"ignore": skip} if os.path.isdir(src) else {}))
    shutil.copytree(os.path.join(ROOT, EXAMPLE), str(dest / EXAMPLE))
    return str(dest)


def env(project):
    e = dict(os.environ, KBGEN_PROJECT=project, NO_COLOR="1")
    e.pop("KB_RECOMMENDATIONS", None)
    e.pop("PYTHONPATH", None)
    return e


def run(project, script, timeout=600):
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=project, env=env(project),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout)


def follow(project, steps):
    """Apply every step of a recipe; -> (outputs of its Run: blocks, the probes it shows)."""
    outputs, probes = [], []
    for kind, target, anchor, code in steps:
        path = os.path.join(project, target) if target else None
        if kind == "create":
            assert not os.path.exists(path), "the recipe creates %s, which exists already" % target
            if not os.path.isdir(os.path.dirname(path)):
                os.makedirs(os.path.dirname(path))
            with open(path, "w", encoding="utf-8") as f:
                f.write(code)
        elif kind in ("after", "replace"):
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines(True)
            at = [n for n, ln in enumerate(lines) if ln.lstrip().startswith(anchor)]
            assert at, "%s has no line starting with %r any more: the page drifted from the code" % (target, anchor)
            n = at[0]
            lines[n:n + 1] = ([lines[n]] if kind == "after" else []) + [code]
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join(lines))
        elif kind == "run":
            r = run(project, code)
            assert r.returncode == 0, "the recipe's commands failed (exit %d):\n%s\n%s" % (r.returncode, code, r.stdout)
            outputs.append(r.stdout)
        else:
            probes.append(code)
    return outputs, probes


def python(project, code):
    r = subprocess.run([sys.executable, "-c", code], cwd=project, env=dict(env(project), PYTHONPATH="checks:generator"),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    assert r.returncode == 0, r.stdout
    return r.stdout


def test_the_page_has_a_recipe_for_each_part_in_numbered_steps():
    got = recipes()
    assert list(got) == ["Add an output format", "Add a source", "Add a fact", "Add a template", "Add an entry"]
    for title, steps in got.items():
        assert steps and steps[-1][0] in ("run", "probe"), "%s: it should end by trying the result" % title
        assert len(steps) <= 8, "%s: a few steps, not %d" % (title, len(steps))
    text = page()
    for title in got:
        body = text.split("### " + title, 1)[1].split("\n### ", 1)[0]
        assert re.search(r"^1\. ", body, re.M) and re.search(r"^2\. ", body, re.M), title
    assert "<!-- specs: to be completed" not in text and "**Named inputs (specs).**" in text
    assert "checks/kbcheck/specs/" in text and "F(path, sos=..., scc=[...])" in text


def test_add_an_output_format(tmp_path):
    project = scratch(tmp_path)
    outputs, _ = follow(project, recipes()["Add an output format"])
    csv_text = outputs[-1]
    assert "\nid,subject,status,waived,message\n" in csv_text, csv_text
    assert "\ncirrus-video,web01,pass,no,cirrus video\n" in csv_text
    r = run(project, "python3 build/kbcheck.pyz --help")
    assert re.search(r"--format \{text,json,junit,prometheus,csv\}", r.stdout), r.stdout
    said = python(project, "from kbcheck import reporters; from kbcheck.results import Report, FAIL\n"
                           "class E: id = 'x'\n"
                           "r = FAIL('=HYPERLINK(\"http://evil\")', subject='@guest'); r.entry, r.waiver = E, None\n"
                           "print(reporters.render('csv', Report({}, [r])))")
    assert "'=HYPERLINK" in said and ",'@guest," in said  # no cell of the judged host's starts a formula


def test_add_a_source(tmp_path):
    project = scratch(tmp_path)
    outputs, _ = follow(project, recipes()["Add a source"])
    assert "host-swap-configured" in outputs[-1] and "2.0 GiB of swap" in outputs[-1], outputs[-1]
    said = python(project, "import json, os; from kbcheck import sources\n"
                           "a = sources.open_input('--root', 'build/untuned.tar.gz')\n"
                           "b = sources.open_input('--root', %r)\n"
                           "gone = a.folder; a.close()\n"
                           "print(json.dumps([type(a).__name__, a.label, type(b).__name__, os.path.exists(gone)]))"
                           % EXAMPLE)
    assert json.loads(said) == ["TarRootSource", "build/untuned.tar.gz", "RootSource", False]


def _entry(project, eid, probe, scenarios):
    path = os.path.join(project, "kb", "memory", eid + ".yaml")
    body = "".join("    " + ln + "\n" for ln in probe.splitlines())
    with open(path, "w") as f:
        f.write("id: %s\ntitle: Say whether the kernel is tainted\nsection: \"4.1.4\"\ncovers: [R4.1.4a]\n"
                "kind: advice\ntags: [memory]\nseverity: low\napplies: {hypervisors: [kvm], roles: [host], "
                "products: [sle12]}\nsummary: The recipe's probe, judged.\nrationale: The fact of the recipe "
                "read by a probe, on hosts with and without taint flags.\ncheck:\n  manual: cat "
                "/proc/sys/kernel/tainted\n  probe: |\n%sfix: {all: {text: nothing to fix, needs: none}}\n"
                "scenarios:\n%s" % (eid, body, scenarios))


def test_add_a_fact(tmp_path):
    project = scratch(tmp_path)
    _, probes = follow(project, recipes()["Add a fact"])
    assert len(probes) == 1
    _entry(project, "taint-recipe", probes[0],
           "  - name: an out-of-tree and a proprietary module\n    host: {files: {/proc/sys/kernel/tainted: \"4097\\n\"}}\n"
           "    expect: {status: info, message: \"tainted (PO)\"}\n"
           "  - {name: clean, host: {files: {/proc/sys/kernel/tainted: \"0\\n\"}}, expect: pass}\n"
           "  - {name: garbled, host: {files: {/proc/sys/kernel/tainted: \"\\u00b2\\n\"}}, expect: error}\n"
           "  - {name: a guest, host: {role: kvm_guest}, expect: skip}\n")
    r = run(project, "PYTHONPATH=checks:generator python3 -m kbgen test --id taint-recipe")
    assert r.returncode == 0 and "4 passed, 0 failed" in r.stdout, r.stdout
    said = python(project, "import json; from kbgen import model; from kbcheck.catalog import Entry\n"
                           "from kbcheck.facts import Host; from kbcheck.runner import run_entry\n"
                           "from kbcheck.sources.root import RootSource\n"
                           "e = model.load().by_id['taint-recipe']\n"
                           "from kbgen.compiler import compile_catalog\n"
                           "d = [x for x in compile_catalog(model.load())['entries'] if x['id'] == 'taint-recipe'][0]\n"
                           "(r,) = run_entry(Entry(d), Host(RootSource(%r)))\n"
                           "print(json.dumps([e['inputs'], r.evidence]))" % EXAMPLE)
    inputs, evidence = json.loads(said)
    assert inputs == ["sysctl"], inputs   # the fact's named input, worked out from the probe
    assert evidence and set(d["input"] for d in evidence) == {"sysctl"}, evidence
    assert evidence[0]["from"] == "/proc/sys/kernel/tainted", evidence   # (the example has none: a skip)
    r = run(project, "python3 -m pytest -q -p no:cacheprovider tests/test_parsers_property.py -k taint", timeout=900)
    assert r.returncode == 0 and " passed" in r.stdout, r.stdout


def test_add_a_template(tmp_path):
    project = scratch(tmp_path)
    outputs, _ = follow(project, recipes()["Add a template"])
    assert "5 passed, 0 failed" in outputs[-1], outputs[-1]  # its own three and the template's two
    said = python(project, "from kbgen import model; e = model.load().by_id['vhost-net-loaded']\n"
                           "print(e['template']['name'], e['code'].splitlines()[0], len(e['scenarios']), e['manual'])")
    assert said.split() == ["module_loaded", "mods", "=", "host.modules", "5", "lsmod", "|", "grep", "-w", "vhost_net"]


def test_add_an_entry(tmp_path):
    project = scratch(tmp_path)
    outputs, _ = follow(project, recipes()["Add an entry"])
    assert re.search(r"kb: \d+ entries", outputs[-1]) and "0 failed" in outputs[-1], outputs[-1]
    said = python(project, "from kbgen import model; e = model.load().by_id['balloon-model-example']\n"
                           "print(len([s for s in e['scenarios'] if s.get('template')]), e['scope'])")
    assert said.split()[1] == "guest" and int(said.split()[0]) >= 2
