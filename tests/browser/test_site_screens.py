"""The site on any screen (issue 17), in a real browser: searching a dotted sysctl name or a parameter
file ranks the entry that reads or sets it first; at a 390 px phone width no table is wider than the
screen unless it scrolls inside its own box; the palette toggle switches to dark mode and the choice
stays on the next page. Screenshots of the home page, an entry page, the search results and the matrix
at desktop (1280) and phone (390) width go to test-artifacts/."""
import pytest

from browser.conftest import SEARCH_WATCH, Recorder, screenshot
from browser.test_site_browser import entry_path, search

# what admins type -> the entry whose fix sets it (kbgen/searchkeys.py puts it in the `keys` field)
DOTTED = {
    "kernel.numa_balancing": "numa-balancing",
    "vm.nr_hugepages": "hugepage-pool-for-guests",
    "vm.swappiness": "swappiness-persistent",
    "merge_across_nodes": "ksm-merge-across-nodes",
    "aio-max-nr": "aio-max-nr",
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("query", sorted(DOTTED))
def test_a_setting_name_finds_the_entry_that_sets_it_first(page, site_url, model, query):
    want = entry_path(model.by_id[DOTTED[query]])
    page.goto(site_url + "index.html")
    found = search(page, query)
    assert found and found[0] == want, "searching %r: %s first, %s at %s" % (
        query, found[:1], want, found.index(want) + 1 if want in found else "none")


# every table (and every code block) of the page: its own width against the viewport's, and whether
# the box it sits in scrolls (overflow-x auto or scroll, content wider than the box)
OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth, out = [];
  for (const t of document.querySelectorAll('article table, article pre')) {
    if (!t.offsetParent) continue;  // hidden (an inactive tab)
    const r = t.getBoundingClientRect();
    let box = t.parentElement, scrolls = false;
    for (let n = t.parentElement; n && n !== document.body; n = n.parentElement) {
      const ox = getComputedStyle(n).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && n.getBoundingClientRect().right <= vw + 1) {
        scrolls = n.scrollWidth > n.clientWidth || r.width <= n.clientWidth + 1; box = n; break;
      }
    }
    const own = getComputedStyle(t).overflowX;
    if ((own === 'auto' || own === 'scroll') && r.right <= vw + 1) scrolls = true;
    out.push({tag: t.tagName, width: Math.round(r.width), right: Math.round(r.right), vw: vw, scrolls: scrolls,
              boxRight: Math.round(box.getBoundingClientRect().right)});
  }
  return {vw: vw, page: document.documentElement.scrollWidth, tables: out};
}"""


@pytest.mark.parametrize("path", ["coverage.html", "matrix.html", "entries/index.html", "entry"])
def test_tables_fit_a_phone_or_scroll_in_their_own_box(browser, site_url, model, path):
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    try:
        pg = ctx.new_page()
        pg.goto(site_url + (entry_path(model.by_id[DOTTED["merge_across_nodes"]]) if path == "entry" else path))
        pg.wait_for_selector("article table")
        got = pg.evaluate(OVERFLOW)
        assert got["page"] <= got["vw"], "the page itself scrolls sideways: %s" % got
        for t in got["tables"]:
            assert t["right"] <= t["vw"] + 1 or t["scrolls"], "%s: a %s is cut off: %s" % (path, t["tag"], t)
            assert t["boxRight"] <= t["vw"] + 1, "%s: its scroll box is wider than the screen: %s" % (path, t)
    finally:
        ctx.close()


def test_dark_mode_toggle_switches_and_stays_on_the_next_page(page, site_url, model):
    page.goto(site_url + "index.html")
    scheme = "() => document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    light = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert dark != light
    page.goto(site_url + entry_path(model.by_id["numa-balancing"]))
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    screenshot(page, "entry-dark-1280.png")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")


@pytest.mark.parametrize("size", ["1280", "390"])
def test_screenshots(browser, site_url, model, size):
    """The pages people open first, at desktop and phone width, for a person to look at."""
    vp = DESKTOP if size == "1280" else PHONE
    ctx = browser.new_context(viewport=vp, device_scale_factor=1, is_mobile=size == "390", has_touch=size == "390")
    ctx.add_init_script(SEARCH_WATCH)
    rec = Recorder()
    try:
        pg = ctx.new_page()
        rec.attach(pg)
        pg.goto(site_url + "index.html")
        screenshot(pg, "home-%s.png" % size)
        pg.goto(site_url + entry_path(model.by_id["numa-balancing"]))
        pg.wait_for_selector("article h1")
        screenshot(pg, "entry-%s.png" % size, full_page=True)
        pg.goto(site_url + "matrix.html")
        pg.wait_for_selector("#kb-matrix-count")
        screenshot(pg, "matrix-%s.png" % size)
        pg.goto(site_url + "index.html")
        if size == "390":  # the search box hides behind the magnifier on a phone
            pg.locator("label.md-header__button[for=__search]").click()
        found = search(pg, "kernel.numa_balancing")
        assert found
        screenshot(pg, "search-%s.png" % size)
    finally:
        ctx.close()
    assert rec.foreign() == [] and rec.problems == [], (rec.foreign(), rec.problems)


def test_the_matrix_fits_a_desktop_screen_without_scrolling(page, site_url):
    page.goto(site_url + "matrix.html")
    page.wait_for_selector("#kb-matrix-count")
    got = page.evaluate("""() => { const t = document.querySelector('article table'),
        w = t.closest('.md-typeset__scrollwrap') || t.parentElement;
        return [t.getBoundingClientRect().right, w.getBoundingClientRect().right, w.scrollWidth, w.clientWidth]; }""")
    assert got[0] <= got[1] + 1 and got[2] <= got[3] + 1, "the matrix is cut at 1280 px: %s" % got
