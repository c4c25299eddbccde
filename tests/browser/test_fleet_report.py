"""The fleet report (`kbcheck report DIR --html FILE`) in Debian's chromium: it renders from the
file system, the filter and the toggles work, a host link opens that host, nothing is fetched
from anywhere and the console stays clean (the `page` fixture checks both), at 5 and at 1000 hosts.
Screenshots: test-artifacts/fleet-report*.png."""
import json
import random
import time

from browser.conftest import screenshot
from kbcheck import cli

STATUSES = ("pass", "pass", "pass", "pass", "fail", "warn", "info", "skip", "skip")


def _reports(catalog_path, n, seed=5, other_kb_every=0):
    """n host reports over the real catalog's entries, statuses drawn by a seeded generator."""
    with open(catalog_path) as f:
        cat = json.load(f)
    rnd = random.Random(seed)
    for i in range(n):
        results, summ = [], dict((k, 0) for k in ("pass", "fail", "warn", "info", "skip", "error"))
        for e in cat["entries"]:
            st = rnd.choice(STATUSES)
            summ[st] += 1
            results.append({"id": e["id"], "title": e["title"], "covers": e["covers"], "section": e["section"],
                            "tags": e["tags"], "severity": e["severity"], "status": st, "subject": None,
                            "message": "%s: %s on this host" % (e["id"], st), "waived": False})
        summ["waived"] = 0
        kb = "0lderkb00000" if other_kb_every and i % other_kb_every == 3 else cat["kb_version"]
        yield "kvm%04d" % i, {"schema": 1, "kbcheck": "0.1.0", "kb_version": kb,
                              "host": {"hostname": "kvm%04d.example.com" % i, "source": "live",
                                       "product_name": "SUSE Linux Enterprise Server 12 SP5", "roles": ["kvm_host"]},
                              "results": results, "summary": summ}


def _make(tmp_path, built, n, other_kb_every=0, extra=None):
    d = tmp_path / "results"
    d.mkdir()
    for name, doc in _reports(built["catalog"], n, other_kb_every=other_kb_every):
        (d / (name + ".json")).write_text(json.dumps(doc))
    for name, doc in (extra or {}).items():
        (d / (name + ".json")).write_text(doc if isinstance(doc, str) else json.dumps(doc))
    html = tmp_path / "fleet.html"
    rc = cli.main(["report", str(d), "--html", str(html), "--catalog", built["catalog"], "-q"])
    assert rc in (1, 3)
    return html


def _filter(page, text):
    """Type into the filter box and wait until the page has applied exactly this text."""
    page.fill("#q", text)
    page.wait_for_function("document.getElementById('shown').getAttribute('data-q') === %s" % json.dumps(text))
    return page.locator("#shown").inner_text()


def _visible(page, selector):
    return page.locator(selector + ":visible").count()


def test_small_fleet_report(page, tmp_path, built):
    html = _make(tmp_path, built, 5, other_kb_every=4, extra={
        "down": {"schema": 1, "fleet_status": "unreachable", "message": "ssh: connect to host down port 22: "
                 "Connection refused"},
        "old": {"schema": 1, "fleet_status": "no-python", "message": "no Python 3.6 or newer (found: python3 3.4.10)"},
        "broken": '{"schema": 1,'})
    page.goto(html.as_uri())
    assert page.title().startswith("kbcheck fleet report: 8 hosts")
    entries = page.locator("details.entry").count()
    assert entries > 20
    assert page.locator("#kb-mixed").is_visible()
    assert "kvm0003" in page.locator("#kb-mixed").inner_text()
    assert "of %d entries, 8 of 8 hosts" % entries in page.locator("#shown").inner_text()
    # the filter: an entry id narrows the entries and shows the hosts where it is a problem
    assert _filter(page, "ksm-merge-across-nodes").startswith("showing 1 of")
    assert _visible(page, "details.entry") == 1
    # a host name
    assert _filter(page, "kvm0002").startswith("showing 0 of")
    assert _visible(page, "details.host") == 1 and _visible(page, "details.entry") == 0
    assert page.locator("#entries .empty").is_visible()
    assert _filter(page, "unreachable").endswith(", 1 of 8 hosts")
    assert _visible(page, "#not-judged tr.item") == 1
    assert _filter(page, "").endswith(", 8 of 8 hosts")
    # only problems: every entry here has a failure somewhere, every host has one too
    page.check("#only")
    assert "8 of 8 hosts" in page.locator("#shown").inner_text()
    page.uncheck("#only")
    # expand all, collapse all
    page.click("#expand")
    assert page.locator("details.item[open]").count() == entries + 5
    page.click("#collapse")
    assert page.locator("details.item[open]").count() == 0
    # an entry lists its failing hosts as links that open the host
    first = page.locator("details.entry").first
    first.locator("summary").click()
    link = first.locator("dd a").first
    target = link.get_attribute("href")
    link.click()
    # the report opens the host when the hash changes (a `hashchange` event, after the click)
    page.wait_for_function("t => { const d = document.querySelector(t); return d !== null && d.open; }", arg=target)
    assert page.locator(target + " table tr").count() > 1
    # the entry's page on the site, from the catalog's areas
    href = first.locator("a.site").get_attribute("href")
    assert href.startswith("entries/") and href.endswith(".html")
    # the malformed file is listed with its reason
    assert "not valid JSON" in page.locator("#not-judged").inner_text()
    _filter(page, "")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "fleet-report.png")
    page.click("#expand")
    screenshot(page, "fleet-report-open.png", full_page=False)


def test_thousand_hosts(page, tmp_path, built):
    html = _make(tmp_path, built, 1000, other_kb_every=250)
    t0 = time.time()
    page.goto(html.as_uri())
    page.wait_for_function("document.getElementById('shown').textContent.length > 0")
    loaded = time.time() - t0
    assert loaded < 15, "the 1000-host report took %.1f s to open" % loaded
    assert "of 1000 hosts" in page.locator("#shown").inner_text()
    t0 = time.time()
    assert _filter(page, "kvm0999").endswith(", 1 of 1000 hosts")
    assert time.time() - t0 < 3
    assert _visible(page, "details.host") == 1
    assert _filter(page, "").endswith(", 1000 of 1000 hosts")
    page.locator("details.entry").first.locator("summary").click()
    screenshot(page, "fleet-report-1000.png")
