"""End to end in headless Chromium on the seeds' graph: search, canned-query forms, /ties, YASGUI, article pages.

Each test also proves, through the `browser_page` fixture (tests/browser.py),
that the pages it visits request nothing outside the server and raise no
JavaScript error.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

pytest_plugins = ["browser"]  # the browser fixtures (tests/browser.py), here only
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_search_autocomplete_leads_to_the_resource_page(browser_page):
    page = browser_page.page
    browser_page.goto("/")
    expect(page.locator("ul.counts a", has_text="countries")).to_have_attribute(
        "href", re.compile(r"/api/top-entities\?kind=Country")
    )
    page.get_by_role("combobox").press_sequentially("hunga")
    option = page.get_by_role("option", name=re.compile("Hungary"))
    expect(option.first).to_be_visible()
    page.get_by_role("combobox").press("ArrowDown")
    page.get_by_role("combobox").press("Enter")
    expect(page).to_have_url(re.compile(r"/resource/country/HU$"))
    expect(page.locator("h1")).to_have_text("Hungary")
    expect(page.locator("figure.neighbourhood svg a").first).to_be_visible()


def test_article_page_highlights_entities_and_lists_events(browser_page):
    page = browser_page.page
    browser_page.goto("/search?q=Bolsters+Partnership")
    page.get_by_role("link", name=re.compile("Kazakhstan Bolsters Partnership")).click()
    expect(page.locator(".article .body a.mention.country", has_text="Kazakhstan").first).to_have_attribute(
        "href", "/resource/country/KZ"
    )
    expect(page.locator("ul.reports li").first).to_be_visible()


def test_canned_query_form_shows_a_linked_result_table(browser_page):
    page = browser_page.page
    browser_page.goto("/api/bilateral-ties")
    page.get_by_label(re.compile("^country")).select_option("FR")
    page.get_by_label(re.compile("^type")).select_option("Visit")
    page.get_by_role("button", name="Run").click()
    expect(page).to_have_url(re.compile(r"country=FR"))
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.first.locator("a[href^='/resource/tie/']")).to_be_visible()  # one row per akg:Tie
    csv_link = page.get_by_role("link", name="CSV")
    expect(csv_link).to_have_attribute("href", re.compile("format=csv"))
    csv = page.request.get(urljoin(page.url, csv_link.get_attribute("href")))
    assert csv.ok and csv.text().startswith("a,b,aCode")
    page.get_by_role("link", name="Open in the query editor").click()
    browser_page.wait_until("window.astanaQuery && window.astanaQuery.yasgui.getTab().getQuery().includes('\"FR\"')")


def test_ties_network_draws_countries_and_shows_edge_evidence(browser_page):
    page = browser_page.page
    browser_page.goto("/ties")
    browser_page.wait_until("window.astanaTies && window.astanaTies.cy.nodes().length > 0")
    labels = set(page.evaluate("window.astanaTies.cy.nodes().map(n => n.data('label'))"))
    assert {"Kazakhstan", "France", "China", "Hungary"} <= labels
    point = page.evaluate(
        """() => {
            const mid = window.astanaTies.cy.getElementById('FR-KZ').renderedMidpoint();
            const box = document.getElementById('ties-graph').getBoundingClientRect();
            return {x: box.left + mid.x, y: box.top + mid.y};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    panel = page.locator("#pair")
    expect(panel.locator("h2")).to_have_text("France – Kazakhstan")
    ties = page.request.get(urljoin(page.url, "/api/tie-evidence?country=FR&partner=KZ&format=json")).json()
    expect(panel.locator("ol.evidence li")).to_have_count(len(ties["results"]["bindings"]))
    expect(panel.locator("ol.evidence a[href^='/resource/article/']").first).to_be_visible()
    # The seeds' dates have no year: the monthly chart says so rather than drawing nothing.
    expect(panel.locator("figure.timeline svg rect, p.no-months").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"a=FR&b=KZ"))
    page.get_by_role("link", name="China – Kazakhstan").focus()  # the keyboard way: the pairs table
    page.keyboard.press("Enter")
    expect(panel.locator("h2")).to_have_text("China – Kazakhstan")
    expect(panel.locator("h2")).to_be_focused()


def test_yasgui_runs_a_canned_example_against_the_endpoint(browser_page):
    page = browser_page.page
    browser_page.goto("/query")
    expect(page.locator(".yasqe").first).to_be_visible()
    page.get_by_role("link", name="countries", exact=True).click()
    with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST") as answer:
        page.locator(".yasqe_queryButton:visible").click()
    assert answer.value.ok
    expect(page.locator(".yasr:visible table").first).to_contain_text("Kazakhstan")
    grip = page.locator(".yasr:visible .grip-handle").first.bounding_box()  # resizing a column styles the page
    page.mouse.move(grip["x"] + 3, grip["y"] + 10)
    page.mouse.down()
    page.mouse.move(grip["x"] + 60, grip["y"] + 10, steps=5)
    expect(page.locator(".grip-drag")).to_have_count(1)  # dragging: the resizer inserted its cursor style
    page.mouse.up()
    # Typing where a class may come would ask lov.linkeddata.es with YASGUI's default completers.
    page.evaluate("() => { window.astanaQuery.yasgui.getTab().setQuery(''); }")
    page.locator(".CodeMirror:visible").click()
    page.keyboard.type("PREFIX sch")
    page.keyboard.type("ema: <https://schema.org/>\nSELECT * WHERE { ?s a schema:")
    page.keyboard.press("Control+Space")
    page.wait_for_timeout(500)


@pytest.mark.parametrize("browser_page", [False], indirect=True)
def test_pages_are_readable_without_javascript(browser_page):
    page = browser_page.page
    browser_page.goto("/ties?a=CN&b=KZ")
    expect(page.get_by_role("link", name="France – Kazakhstan")).to_be_visible()
    expect(page.locator("#pair h2")).to_have_text("China – Kazakhstan")
    browser_page.goto("/search?q=tokayev")
    expect(page.get_by_role("link", name=re.compile("Tokayev")).first).to_be_visible()


def test_pages_run_under_a_strict_content_security_policy(browser_page):
    """The policy is really sent, and really enforced: an injected inline script does not run and is reported.

    Every other browser test fails on any violation (tests/browser.py), so this
    one proves that the check would see one.
    """
    response = browser_page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    page = browser_page.page
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.__ran = true";
                             document.body.append(s); }""")
    browser_page.wait_until("true")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in browser_page.csp_violations), browser_page.csp_violations
    browser_page.csp_violations.clear()  # the one this test caused on purpose
