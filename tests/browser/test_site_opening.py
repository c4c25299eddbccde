"""The site opens the way the README says: served by the one command the demo and `kbgen build`
print, search included; opened from file:// instead, every page says that search needs the server
and names the command for the folder it was opened from. (The offline build, which searches from
file://, is test_site_browser.py::test_offline_build_works_from_file_urls.)"""
import os
import re
import select
import shlex
import shutil
import subprocess
import sys

from browser.conftest import screenshot
from kbgen import serving

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KSM = "ksm-merge-across-nodes"
SERVING = re.compile(r"Serving HTTP on 127\.0\.0\.1 port (\d+)")


def _noxfile_serve_site():
    import ast
    tree = ast.parse(open(os.path.join(ROOT, "noxfile.py"), encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["SERVE_SITE"]:
            return ast.literal_eval(node.value)
    raise AssertionError("noxfile.py has no SERVE_SITE")


def test_the_readme_the_demo_and_kbgen_name_one_command():
    cmd = " ".join(shlex.quote(a) for a in serving.serve_command("build/site"))
    assert cmd == "python3 -m http.server --bind 127.0.0.1 --directory build/site 8000"
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert cmd in readme and "http://127.0.0.1:8000/" in readme
    assert "kbgen build --offline" in readme
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        assert _noxfile_serve_site() == serving.serve_text(os.path.join(ROOT, "build", "site"))
    finally:
        os.chdir(old)


def entry_path(e):
    return "entries/%s/%s.html" % (e["area"], e["id"])


def test_served_by_the_readme_command_search_works(page, built_site, model):
    from browser.test_site_browser import h1, search
    # the README's command, on a free port (0) so that parallel runs do not collide; the server
    # says which port it got on its first line
    argv = serving.serve_command(built_site["site"], port=0)
    assert argv[0] == "python3"
    p = subprocess.Popen([sys.executable, "-u"] + argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True, cwd=ROOT)
    try:
        ready, _, _ = select.select([p.stdout], [], [], 30)
        first = p.stdout.readline() if ready else ""
        m = SERVING.search(first)
        assert m, "the server did not say where it listens within 30 s: %r" % first
        url = "http://127.0.0.1:%s/" % m.group(1)
        e = model.by_id[KSM]
        page.goto(url + "index.html")
        assert page.locator("#kb-file-notice").count() == 0
        found = search(page, "merge_across_nodes")
        assert entry_path(e) in found[:3], found
        page.locator('.md-search-result__item > a[href*="%s"]' % entry_path(e)).first.click()
        page.wait_for_url(re.compile(re.escape(entry_path(e))))
        assert h1(page) == e["title"]
        screenshot(page, "served-entry-page.png")
    finally:
        p.terminate()
        p.wait(timeout=30)


def test_opened_from_file_urls_every_page_names_the_command(page, built_site, model, tmp_path):
    site = os.path.join(str(tmp_path), "my sites", "kbcheck site")  # anywhere, spaces and all
    shutil.copytree(built_site["site"], site)
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    want = " ".join(shlex.quote(a) for a in serving.serve_command(site))
    e = model.by_id[KSM]
    for rel in ("index.html", entry_path(e)):
        page.goto("file://" + site.replace(" ", "%20") + "/" + rel)
        notice = page.locator("#kb-file-notice")
        notice.wait_for(state="visible")
        assert "Search needs the site served" in notice.inner_text()
        assert notice.locator("pre code").inner_text() == want, rel
        assert not page.locator("input.md-search__input").is_visible()  # the theme hides the box
    screenshot(page, "file-url-notice.png")
    # what fails from file:// is the search index the theme tries to load, nothing else
    assert failed and all(u.endswith("/search/search_index.js") for u in failed), failed
    problems = page.recorder.problems
    expected = [x for x in problems if "net::ERR_FILE_NOT_FOUND" in x or
                ("Invalid script" in x and "search/search_index.js" in x)]
    assert len(expected) <= 2 * len(failed), problems
    page.recorder.problems = [x for x in problems if x not in expected]
