"""Contributions by pull request work as contributors of a Python project expect: CI on the forge
runs the README's test command on pull requests and pushes, the pre-commit hooks install from
PyPI alone (no hook repository to clone), the pull-request template carries the entry checklist,
and CONTRIBUTING sends nobody to a folder outside the repository."""
import os
import re

import yaml

from conftest import ROOT

README_TEST = 'PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q "nox>=2024.3" && nox -s lint tests'


def _read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def test_the_readme_names_the_test_command():
    assert "```bash\n%s\n```" % README_TEST in _read("README.md")


def test_ci_runs_the_readme_test_command_on_pull_requests_and_pushes():
    wf = yaml.safe_load(_read(".github", "workflows", "ci.yml"))
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in on and "push" in on
    runs = [step.get("run", "") for job in wf["jobs"].values() for step in job["steps"]]
    assert README_TEST in runs, runs


def test_this_repositorys_ci_runs_the_same_command_with_shared_required():
    lines = [ln for ln in _read(".ci", "run").splitlines() if ln and not ln.startswith("#")]
    assert lines[-1] == README_TEST
    assert "export KBCHECK_REQUIRE_SHARED=1" in lines


def test_pre_commit_hooks_are_local_and_cover_what_lint_covers():
    cfg = yaml.safe_load(_read(".pre-commit-config.yaml"))
    assert [r["repo"] for r in cfg["repos"]] == ["local"], "a hook repository would have to be cloned"
    hooks = dict((h["id"], h) for r in cfg["repos"] for h in r["hooks"])
    assert {"ruff", "kbgen-check", "check-yaml", "trailing-whitespace", "end-of-file-fixer"} <= set(hooks)
    for h in hooks.values():
        assert h["language"] == "python" and h.get("additional_dependencies"), h["id"]
    noxfile = _read("noxfile.py")
    linted = re.search(r'session\.run\("ruff", "check", (.*?)\*', noxfile, re.S).group(1)
    for top in re.findall(r'"(\w+)"', linted):
        assert re.search(hooks["ruff"]["files"], top + "/x.py"), top
    assert re.search(hooks["ruff"]["files"], "noxfile.py") and re.search(hooks["ruff"]["files"], "setup.py")
    assert "main(['check'])" in hooks["kbgen-check"]["entry"] and hooks["kbgen-check"]["pass_filenames"] is False


def test_the_pull_request_template_holds_the_entry_checklist():
    t = _read(".github", "pull_request_template.md")
    for words in ("kb/recommendations.yaml", "own words", "`fail`", "`pass`", "`skip`", "fix per product",
                  "kbgen test --id", "nox -s lint tests", "pre-commit run --all-files"):
        assert words in t, words
    assert t.count("- [ ]") >= 8


def test_contributing_names_no_folder_outside_the_repository():
    text = _read("CONTRIBUTING.md")
    outside = set(re.findall(r"(?<![\w/.])\.\./(\w+)", text))
    assert outside <= {"shared"}, outside  # ../shared: the corpora the tests use, when present
    for para in text.split("\n\n"):
        if "../shared" in para:  # only as the optional corpora: present or not, the tests say so
            assert "when" in para.lower() and "skip" in para, para
    assert not re.search(r"(?<![\w.])/(work|home|tmp)/", text)
    assert "cd /" not in text


def _tracked_text_files():
    import subprocess
    r = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        import pytest
        pytest.skip("not a git checkout: the tracked files are unknown")
    for rel in r.stdout.decode("utf-8", "replace").split("\0"):
        path = os.path.join(ROOT, rel)
        if not rel or not os.path.isfile(path) or os.path.islink(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data:
            continue
        try:
            yield rel, data.decode("utf-8")
        except UnicodeDecodeError:
            continue


def test_tracked_text_files_pass_the_whitespace_hooks():
    """What the pre-commit whitespace hooks enforce, so that .ci/run (which runs no hooks) keeps a
    clone's `pre-commit run --all-files` green: one final newline, no trailing blanks."""
    cfg = yaml.safe_load(_read(".pre-commit-config.yaml"))
    exclude = re.compile(cfg["exclude"])
    bad = []
    for rel, text in _tracked_text_files():
        if exclude.search(rel) or not text:
            continue
        if not text.endswith("\n") or text.endswith("\n\n"):
            bad.append("%s: must end in exactly one newline" % rel)
        for n, line in enumerate(text.split("\n"), 1):
            stripped = line.rstrip(" \t\r")
            if stripped != line and not (rel.endswith(".md") and line == stripped + "  "):
                bad.append("%s:%d: trailing whitespace" % (rel, n))
                break
    assert not bad, "\n".join(bad)
