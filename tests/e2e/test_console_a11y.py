"""Accessibility: axe-core finds no WCAG 2.1 A or AA violation on the console's pages.

The pages are checked in the state a session reaches: a past crisis in replay
mode with a turn closed (the reveal table), messages exchanged, an observer
watching and a deadline set. Each violation is reported with its rule and where.
"""
from __future__ import annotations

import pytest

from tests.e2e.conftest import BROWSER, open_page
from tests.e2e.support import LIVE, UMPIRE_TOKEN
from tests.test_web_replay import RECORD

pytestmark = BROWSER
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install -e '.[test]'").Axe()
    found = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}}).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


def test_the_pages_of_a_session_have_no_wcag_a_or_aa_violation(server, browser):
    ex = server.api("POST", "/exercises", {"yaml": RECORD, "name": "record.yaml", "replay": True,
                                           "observers": ["Directing staff"]})
    eid = ex["id"]
    for action in ("open-turn", "close-turn", "open-turn"):
        server.api("POST", f"/exercises/{eid}/{action}", {})
    for name, state in (("United States", "USA"), ("Poland", "POL")):
        server.api("POST", f"/exercises/{eid}/decisions", {"state": state, "attack": "narva", "response": "full"},
                   token=ex["cells"][name]["token"])
    server.api("POST", f"/exercises/{eid}/messages", {"to": ["Poland"], "text": "Warsaw: hold."})
    server.api("POST", f"/exercises/{eid}/messages", {"to": "umpire", "text": "Understood."},
               token=ex["cells"]["Poland"]["token"])
    server.api("POST", f"/exercises/{eid}/close-turn", {})

    umpire = open_page(browser, f"{server.base}/?token={UMPIRE_TOKEN}")
    cell = open_page(browser, ex["cells"]["Poland"]["join_url"])
    observer = open_page(browser, ex["observers"]["Directing staff"]["join_url"])
    pages = [(umpire, f"/x/{eid}"), (umpire, f"/x/{eid}/setup"), (umpire, f"/compare?x={eid}"),
             (cell, f"/x/{eid}/cell"), (observer, f"/x/{eid}/observer")]
    found = {}
    for page, path in pages:
        page.goto(server.base + path)
        page.locator("main").wait_for()
        found[path] = violations(page)
    assert found == {path: [] for _, path in pages}


def test_a_live_region_announces_a_new_turn_and_an_override_and_a_skip_link_leads_to_the_content(
        server, browser):
    ex = server.api("POST", "/exercises", {"scenario": "narva-drill.yaml"})
    eid = ex["id"]
    pol = open_page(browser, ex["cells"]["Poland"]["join_url"])
    region = pol.locator("#announce")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    assert region.inner_text() == ""                                 # nothing is news on the first load
    for action in ("open-turn", "close-turn", "open-turn"):
        server.api("POST", f"/exercises/{eid}/{action}", {})
    expect = pytest.importorskip("playwright.sync_api").expect   # waits without eval (the CSP forbids it)
    expect(region).to_contain_text("Turn 2 open", timeout=LIVE)
    server.api("POST", f"/exercises/{eid}/override", {"state": "POL", "attack": "narva", "response": "limited",
                                                      "reason": "a teaching point"})
    pol.reload()   # the reload a change brings (whether the poll brings it on an override is defect 2's)
    expect(region).to_contain_text("The umpire has decided for Poland: limited", timeout=LIVE)
    assert "a teaching point" not in pol.locator("#announce").inner_text()   # the reason stays the umpire's

    pol.keyboard.press("Tab")
    assert pol.evaluate("document.activeElement.textContent") == "Skip to the content"
    pol.keyboard.press("Enter")
    assert pol.evaluate("document.activeElement.id") == "main"


def test_a_cell_decides_with_the_keyboard_alone(server, browser):
    ex = server.api("POST", "/exercises", {"scenario": "narva-drill.yaml"})
    eid = ex["id"]
    for action in ("open-turn", "close-turn", "open-turn"):
        server.api("POST", f"/exercises/{eid}/{action}", {})
    pol = open_page(browser, ex["cells"]["Poland"]["join_url"])
    form = pol.locator(".decide-form").first
    form.wait_for()
    first = form.locator("input[name=response]").first
    for _ in range(60):                                  # Tab until the response scale has the focus
        pol.keyboard.press("Tab")
        if pol.evaluate("document.activeElement.name") == "response":
            break
    assert pol.evaluate("document.activeElement.name") == "response"
    pol.keyboard.press("Space")                          # a radio group: Space checks the focused one
    for _ in range(3):
        pol.keyboard.press("ArrowDown")                  # and the arrows move along the scale
    chosen = pol.evaluate("document.activeElement.value")
    assert form.locator(f"input[name=response][value={chosen}]").is_checked() and not first.is_checked()
    for _ in range(30):                                  # on to the Decide button
        if pol.evaluate("document.activeElement.type") == "submit":
            break
        pol.keyboard.press("Tab")
    pol.keyboard.press("Enter")
    pol.get_by_text("Decision recorded").wait_for()
    due = server.api("GET", f"/exercises/{eid}", token=ex["cells"]["Poland"]["token"])["due"]
    assert [(d["state"], d["response"]) for d in due] == [("POL", chosen)]
