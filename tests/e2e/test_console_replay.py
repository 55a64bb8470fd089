"""Replay mode in a real browser, with two cells (Debian's chromium, driven by Playwright).

A past crisis in miniature: the cells answer the attack at Narva; nothing of
the record shows until the umpire closes the turn; then each cell's page, without
a reload, sets its answer beside what history did (source and note) and what the
doctrine predicted. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import re

from tests.e2e.conftest import BROWSER, open_page, shot
from tests.e2e.support import LIVE, UMPIRE_TOKEN
from tests.test_web_replay import RECORD

pytestmark = BROWSER


def test_two_cells_answer_first_then_see_what_history_did(server, browser):
    ex = server.api("POST", "/exercises", {"yaml": RECORD, "name": "record.yaml", "replay": True})
    eid = ex["id"]
    umpire = open_page(browser, f"{server.base}/?token={UMPIRE_TOKEN}")
    umpire.goto(f"{server.base}/x/{eid}")
    umpire.click("#open-turn")
    umpire.click("#close-turn")
    umpire.click("#open-turn")                           # turn 2: the attack at Narva
    umpire.get_by_text("Russian forces cross at Narva.").first.wait_for()
    cells = {name: open_page(browser, c["join_url"]) for name, c in ex["cells"].items()}
    answers = {"United States": "full", "Poland": "diplomatic"}
    for name, page in cells.items():
        page.locator("#history").get_by_text("Nothing to reveal yet").wait_for()
        page.check(f"input[name=response][value={answers[name]}]")
        page.click(".decide-form button[type=submit]")
        page.get_by_text("Decision recorded").wait_for()
        assert "Narva commission" not in page.inner_text("main")     # the record waits for the close
    umpire.locator("#close-turn").wait_for()
    umpire.reload()
    umpire.click("#close-turn")
    umpire.get_by_text("turn 2 closed").wait_for()

    usa, pol = cells["United States"], cells["Poland"]
    usa_row = usa.locator("#history .reveal-row[data-state=USA]")
    usa_row.wait_for(timeout=LIVE)                                  # no reload by hand
    assert usa_row.locator(".reveal-answer").inner_text().startswith("full")
    history = usa_row.locator(".reveal-history").inner_text()
    assert "limited" in history and "Airlift of materiel" in history and "Narva commission report" in history
    assert re.search(r"\d+%", usa_row.locator(".reveal-doctrine").inner_text())
    assert usa.locator("#history .reveal-row[data-state=POL]").count() == 0
    pol_row = pol.locator("#history .reveal-row[data-state=POL]")
    pol_row.wait_for(timeout=LIVE)
    assert "as history" in pol_row.locator(".reveal-history").inner_text()   # Poland guessed right
    shot(usa, "replay-united-states")
    shot(pol, "replay-poland")
    umpire.reload()
    assert umpire.locator("#history .reveal-row").count() == 2
    shot(umpire, "replay-umpire")
