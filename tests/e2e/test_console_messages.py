"""Messages and observers in a real browser (Debian's chromium, driven by Playwright).

The umpire writes to Poland alone: Poland's page shows it without a reload, the
United States' page never does (its own later message from the umpire proves it
has caught up). The United States writes to the umpire; an observer reads both
and has no form to write. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import re

from tests.e2e.conftest import BROWSER, open_page, shot
from tests.e2e.support import LIVE, UMPIRE_TOKEN

pytestmark = BROWSER


def send(page, to: list[str], text: str) -> None:
    panel = page.locator("#messages")
    for value in to:
        panel.locator(f"input[name=to][value='{value}']").check()
    panel.locator("textarea[name=text]").fill(text)
    panel.locator(".message-form button[type=submit]").click()
    page.get_by_text("Message sent.").wait_for()


def test_a_message_to_one_cell_is_not_seen_by_the_other(server, browser):
    ex = server.api("POST", "/exercises", {"scenario": "narva-drill.yaml", "observers": ["Directing staff"]})
    eid = ex["id"]
    cells = {name: open_page(browser, c["join_url"]) for name, c in ex["cells"].items()}
    umpire = open_page(browser, f"{server.base}/?token={UMPIRE_TOKEN}")
    umpire.goto(f"{server.base}/x/{eid}")
    umpire.wait_for_url(re.compile(rf"/x/{eid}$"))
    usa, pol = cells["United States"], cells["Poland"]
    for page in (usa, pol):
        page.get_by_text("No messages yet.").wait_for()

    send(umpire, ["Poland"], "Warsaw: the Americans will not move before Thursday.")
    pol.locator("#messages").get_by_text("the Americans will not move").wait_for(timeout=LIVE)     # no reload by hand
    send(umpire, ["all"], "All cells: the council meets at noon.")
    usa.locator("#messages").get_by_text("the council meets at noon").wait_for(timeout=LIVE)
    assert "the Americans will not move" not in usa.inner_text("main")
    shot(pol, "messages-poland")
    shot(usa, "messages-united-states")

    # A cell writes to the umpire: the other cell never reads it.
    send(usa, ["umpire"], "Washington asks what Berlin said.")
    umpire.locator("#messages").get_by_text("Washington asks what Berlin said.").wait_for(timeout=LIVE)
    send(umpire, ["Poland"], "Warsaw: second note.")
    pol.locator("#messages").get_by_text("second note").wait_for(timeout=LIVE)
    assert "Washington asks" not in pol.inner_text("main")
    shot(umpire, "messages-umpire")

    # The observer reads all of it and has nothing to write with.
    watcher = open_page(browser, ex["observers"]["Directing staff"]["join_url"])
    watcher.wait_for_url(re.compile(r"/observer$"))
    text = watcher.inner_text("main")
    assert "the Americans will not move" in text and "Washington asks" in text
    assert watcher.locator("form").count() == 0
    shot(watcher, "messages-observer")
