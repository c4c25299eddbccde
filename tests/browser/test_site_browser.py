"""The site as people use it, in a real browser (Debian's chromium through Playwright): search by
the words admins type, tags, the applicability matrix, product tabs that stay chosen, and the offline
build opened from file://. The `page` fixture fails any test whose pages asked a host other than
127.0.0.1 for anything, or logged a console error."""
import os
import re

import pytest

from browser.conftest import screenshot

KSM = "ksm-merge-across-nodes"
ADMIN_WORDS = ["transparent_hugepage", "merge_across_nodes", "aio-max-nr", "dom0_mem", "memballoon", "numatune"]


def entry_path(e):
    return "entries/%s/%s.html" % (e["area"], e["id"])


def entry_text(e):
    parts = [e["title"], e["summary"], e["rationale"], e["manual"], e["code"]]
    for v in e["fix"].values():
        parts += [v.get("text") or "", v.get("runtime") or "", v.get("persistent") or ""] + list(v.get("files") or [])
    return "\n".join(parts).lower()


def search(page, query):
    """Type into the site's search box; -> [result link paths, without query or fragment], in order.

    Returns once the results on screen answer exactly the typed query: the last query the page
    posted to the search worker is the box's text, every query posted has been answered (the
    worker answers in order), and the result count is shown (browser/conftest.py: SEARCH_WATCH)."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    page.keyboard.type(query, delay=15)
    page.wait_for_function(
        """q => { const w = window.__kbSearch, m = document.querySelector('.md-search-result__meta');
                  return w && w.sent.length > 0 && w.sent[w.sent.length - 1] === q && w.answered === w.sent.length
                         && document.querySelector('.md-search__input').value === q
                         && m && /matching/i.test(m.textContent); }""",
        arg=query, timeout=15000)
    hrefs = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => e.href)")
    out = []
    for h in hrefs:
        p = re.sub(r"[?#].*$", "", h)
        p = re.sub(r"^(https?://[^/]+/|file://.*?/site/)", "", p)
        if p not in out:
            out.append(p)
    return out


def h1(page):
    return page.locator("article h1").first.inner_text().strip().rstrip("\u00b6").strip()


def checked_tab(page):
    return page.evaluate("""() => Array.from(document.querySelectorAll('.tabbed-set > input:checked')).map(
        i => document.querySelector('label[for="' + i.id + '"]').textContent.trim())""")


def test_search_finds_a_parameter_name_and_the_link_opens_the_entry(page, site_url, model):
    e = model.by_id[KSM]
    page.goto(site_url + "index.html")
    found = search(page, "merge_across_nodes")
    assert entry_path(e) in found[:3], found
    screenshot(page, "search-results.png")
    page.locator('.md-search-result__item > a[href*="%s"]' % entry_path(e)).first.click()
    page.wait_for_url(re.compile(re.escape(entry_path(e))))
    assert h1(page) == e["title"]


def test_search_finds_an_entry_by_title_words(page, site_url, model):
    e = model.by_id[KSM]
    words = sorted((w for w in re.findall(r"[A-Za-z]+", e["title"]) if len(w) > 4), key=len, reverse=True)[:2]
    page.goto(site_url + "index.html")
    found = search(page, " ".join(words))
    assert entry_path(e) in found, (words, found)


@pytest.mark.parametrize("word", ADMIN_WORDS)
def test_search_by_the_words_admins_type(page, site_url, model, word):
    want = [entry_path(e) for e in model.entries if word.lower() in entry_text(e)]
    if not want:
        pytest.skip("no entry mentions %s yet" % word)
    page.goto(site_url + "index.html")
    found = search(page, word)
    assert set(want) & set(found), "searching %r found %s, none of %s" % (word, found, want)
    # whole tokens: the word is highlighted as typed (split only where lunr's query lexer splits, on -)
    first = page.locator('.md-search-result__item > a[href*="h="]').first.get_attribute("href")
    assert ("h=" + word.replace("-", "+")) in first, first


def test_tag_link_lists_the_entry_on_the_tags_page(page, site_url, model):
    e = model.by_id[KSM]
    page.goto(site_url + entry_path(e))
    tag = e["tags"][0]
    page.locator("a.md-tag", has_text=re.compile("^%s$" % re.escape(tag))).first.click()
    page.wait_for_url(re.compile(r"tags\.html"))
    listed = page.evaluate("""tag => { const h = document.getElementById('tag:' + tag);
        if (!h) return null; let n = h.nextElementSibling;
        while (n && n.tagName !== 'UL') n = n.nextElementSibling;
        return n ? Array.from(n.querySelectorAll('a')).map(a => a.getAttribute('href')) : []; }""", tag)
    assert listed is not None, "no section for tag %s on the tags page" % tag
    assert any(h.endswith(entry_path(e)) for h in listed), listed


def test_matrix_filters(page, site_url, model):
    page.goto(site_url + "matrix.html")
    rows = page.locator("article table tbody tr")
    total = rows.count()
    assert total == len(model.entries)
    heads = page.locator("article table thead th").all_inner_texts()
    xen_col = heads.index("Xen")
    page.select_option("select[data-filter=hypervisor]", "Xen")
    visible = page.evaluate("""col => Array.from(document.querySelectorAll('article table tbody tr'))
        .filter(tr => !tr.hidden).map(tr => [tr.children[0].textContent.trim(), tr.children[col].textContent.trim()])""", xen_col)
    xen = [e for e in model.entries if "xen" in e["applies"]["hypervisors"]]
    assert len(visible) == len(xen)
    assert all(v[1] == "yes" for v in visible)
    assert model.by_id[KSM]["title"] not in [v[0] for v in visible]  # a KVM-only entry is filtered out
    assert page.locator("#kb-matrix-count").inner_text().startswith("%d of %d" % (len(xen), total))
    page.select_option("select[data-filter=hypervisor]", "")
    page.select_option("select[data-filter=product]", "SLE 11")
    page.fill("input[data-filter=words]", "ksm")
    visible = page.evaluate("""() => Array.from(document.querySelectorAll('article table tbody tr'))
        .filter(tr => !tr.hidden).map(tr => tr.children[0].textContent.trim())""")
    want = [e["title"] for e in model.entries if "sle11" in e["applies"]["products"]
            and "ksm" in (e["title"] + " " + e["area"]).lower()]
    assert sorted(visible) == sorted(want)
    assert model.by_id[KSM]["title"] in visible
    screenshot(page, "matrix-filtered.png")


def test_product_tabs_switch_and_stay_switched_on_the_next_page(page, site_url, model):
    e = model.by_id[KSM]
    page.goto(site_url + entry_path(e))
    assert checked_tab(page)[0] == "SLE 12"
    page.locator(".tabbed-labels label", has_text="SLE 11").first.click()
    assert checked_tab(page)[0] == "SLE 11"
    assert page.locator(".tabbed-block").nth(1).is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("window.scrollY === 0")
    screenshot(page, "entry-page.png", full_page=True)
    other = [x for x in model.entries if x["id"] != KSM][0]
    page.goto(site_url + entry_path(other))
    # the theme restores the linked tab when it mounts the page's tabs
    page.wait_for_function("""() => { const c = Array.from(document.querySelectorAll('.tabbed-set > input:checked'));
        return c.length > 0 && c.every(i => document.querySelector('label[for="' + i.id + '"]').textContent.trim() === 'SLE 11'); }""")
    assert set(checked_tab(page)) == {"SLE 11"}


def test_entry_pages_show_the_bundled_probe_hash(page, site_url, model, built_site):
    """The rendered page (not only the Markdown) shows the hash the bundled runner carries."""
    import json
    import zipfile
    with zipfile.ZipFile(built_site["pyz"]) as z:
        cat = json.loads(z.read("kbcheck/_catalog.json"))
    e = model.by_id[KSM]
    page.goto(site_url + entry_path(e))
    text = page.locator("article").inner_text()
    want = [x["code_hash"] for x in cat["entries"] if x["id"] == KSM][0]
    assert re.search(r"Probe %s\b" % want, text), "the page does not show probe %s" % want


def test_offline_build_works_from_file_urls(page, offline_site, model, tmp_path):
    site = os.path.join(str(tmp_path), "site")
    import shutil
    shutil.copytree(offline_site["site"], site)  # as a user would unpack it, anywhere
    e = model.by_id[KSM]
    page.goto("file://" + site + "/index.html")
    found = search(page, "merge_across_nodes")
    assert page.locator("#kb-file-notice").count() == 0  # it searches: no "needs a server" notice
    assert entry_path(e) in found[:3], found
    screenshot(page, "offline-search-results.png")
    page.locator('.md-search-result__item > a[href*="%s"]' % entry_path(e)).first.click()
    page.wait_for_url(re.compile(re.escape(entry_path(e))))
    assert h1(page) == e["title"]
    assert page.url.startswith("file://")
    page.locator(".tabbed-labels label", has_text="SLE 11").first.click()
    assert checked_tab(page)[0] == "SLE 11"
    assert all(u.startswith("file://") for u in page.recorder.requests), page.recorder.requests
