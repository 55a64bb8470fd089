"""A live session's overrides and deadline in a real browser (Debian's chromium).

A cell typing its answer is told, without reloading, that the umpire has decided
for it, or that the deadline has passed: the form closes with a notice and what
the cell typed stays on the page. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

from tests.e2e.conftest import BROWSER, shot
from tests.e2e.support import LIVE, UMPIRE_TOKEN

# The fixtures and marks of the console's browser tests: a real server, Debian's chromium.
pytestmark = BROWSER   # the `server` and `browser` fixtures come from conftest.py

TYPED = "We hold the line at Narva, but only with the Baltic states beside us."


def _turn_two(server) -> dict:
    """The drill at turn 2: the attack at Narva asks both cells."""
    ex = server.api("POST", "/exercises", {"scenario": "narva-drill.yaml"})
    for step in ("open-turn", "close-turn", "open-turn"):
        server.api("POST", f"/exercises/{ex['id']}/{step}", {})
    return ex


def _typing(browser, ex: dict, cell: str):
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(ex["cells"][cell]["join_url"])
    form = page.locator("form.decide-form").first
    form.locator("textarea[name=rationale]").fill(TYPED)
    return page, form


def test_a_cell_is_told_of_an_override_without_reloading_and_keeps_its_text(server, browser):
    ex = _turn_two(server)
    page, form = _typing(browser, ex, "Poland")
    page.evaluate("window.__same_page = true")          # gone if the page reloads
    server.api("POST", f"/exercises/{ex['id']}/override",
               {"state": "POL", "attack": "narva", "response": "limited", "reason": "the umpire's reason"})
    page.get_by_text("The umpire has decided for Poland on this one").wait_for(timeout=LIVE)
    assert page.evaluate("window.__same_page === true")
    assert form.locator("textarea[name=rationale]").input_value() == TYPED
    assert form.locator("button[type=submit]").is_disabled()
    assert "the umpire's reason" not in page.inner_text("main")
    shot(page, "cell-told-of-override")


def _umpire_sets_deadline(server, browser, ex, minutes: str):
    """The umpire's page, after setting a deadline of `minutes` (fractions of a minute allowed)."""
    umpire = browser.new_context().new_page()
    umpire.goto(f"{server.base}/?token={UMPIRE_TOKEN}")
    umpire.goto(f"{server.base}/x/{ex['id']}")
    field = umpire.locator("input[type=number][name=minutes]")
    field.evaluate(f"el => {{ el.step = 'any'; el.value = '{minutes}'; }}")
    field.evaluate("el => el.form.submit()")
    umpire.wait_for_load_state()
    return umpire


def test_at_the_deadline_the_cells_form_closes_with_a_notice(server, browser):
    ex = _turn_two(server)
    umpire = _umpire_sets_deadline(server, browser, ex, "0.1")   # six seconds
    page, form = _typing(browser, ex, "United States")
    assert not form.locator("button[type=submit]").is_disabled()
    page.get_by_text("The deadline has passed: the umpire decides now").wait_for(timeout=15_000)
    assert form.locator("textarea[name=rationale]").input_value() == TYPED
    assert form.locator("button[type=submit]").is_disabled()
    shot(page, "cell-deadline-passed")
    umpire.goto(f"{server.base}/x/{ex['id']}")
    umpire.get_by_role("button", name="Close: the doctrine answers for the cells that did not").click()
    umpire.get_by_text("The doctrine answered for the cells that did not").wait_for()
    shot(umpire, "umpire-closed-by-doctrine")


def test_a_form_the_deadline_closed_opens_again_when_the_umpire_gives_more_time(server, browser):
    ex = _turn_two(server)
    umpire = _umpire_sets_deadline(server, browser, ex, "0.05")   # three seconds
    page, form = _typing(browser, ex, "United States")
    notice = page.get_by_text("The deadline has passed: the umpire decides now")
    notice.wait_for(timeout=15_000)
    umpire.goto(f"{server.base}/x/{ex['id']}")
    umpire.get_by_role("button", name="Clear").click()                 # no deadline any more
    notice.wait_for(state="detached", timeout=20_000)  # a few polls (2-3 s each), on a loaded machine
    assert not form.locator("button[type=submit]").is_disabled()
    assert form.locator("textarea[name=rationale]").input_value() == TYPED
