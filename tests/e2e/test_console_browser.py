"""The console in a real browser (Debian's chromium, driven by Playwright).

A real server; the umpire creates an exercise, two cells join in separate
browser contexts, an attack fires, the cells decide, the umpire overrides one
and closes the turn, both cells see the result without reloading, and the
report opens. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.e2e.conftest import BROWSER, shot
from tests.e2e.support import LIVE, UMPIRE_TOKEN

pytestmark = BROWSER   # the `server` and `browser` fixtures come from conftest.py


def create_exercise(server, browser):
    """The umpire logs in and creates an exercise of the drill: its page and the join links."""
    umpire = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    umpire.goto(f"{server.base}/?token={UMPIRE_TOKEN}")
    assert "token=" not in umpire.url                    # the token leaves the address bar
    umpire.check("input[value='narva-drill.yaml']")
    umpire.fill("input[name=title]", "Syndicate A")
    umpire.click("#create-form button[type=submit]")
    umpire.wait_for_url(re.compile(r"/setup$"))
    links = {cell: umpire.input_value(f"input[aria-label='join link for {cell}']")
             for cell in ("United States", "Poland")}
    return umpire, links


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="needs zbarimg to read QR codes (apt-get install zbar-tools)")
def test_the_printed_slips_scan_to_their_cells_links(server, browser, tmp_path):
    umpire, links = create_exercise(server, browser)
    umpire.get_by_text("Printable sheet").click()
    umpire.wait_for_url(re.compile(r"/links$"))
    shot(umpire, "join-slips")
    slips = umpire.locator(".slip")
    assert slips.count() == len(links)
    for i in range(slips.count()):
        slip = slips.nth(i)
        cell = slip.locator("h2").inner_text()
        image = tmp_path / f"slip-{i}.png"
        slip.locator("figure.qr svg").screenshot(path=str(image))   # as chromium draws it
        scanned = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True,
                                 text=True, timeout=30).stdout.strip()
        assert scanned == links[cell] == slip.locator(".url").inner_text()


def test_an_exercise_from_creation_to_the_report(server, browser):
    umpire, links = create_exercise(server, browser)
    shot(umpire, "umpire-setup")
    umpire.click("button[name=start][value='1']")
    umpire.wait_for_url(re.compile(r"/x/[^/]+$"))

    cells = {}
    for name, link in links.items():
        page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        page.goto(link)
        assert "token=" not in page.url
        page.get_by_text("Nothing to decide").wait_for()
        cells[name] = page

    umpire.click("#open-turn")
    umpire.click("#close-turn")
    umpire.click("#open-turn")                            # turn 2: the attack at Narva fires
    umpire.get_by_text("Russian forces cross at Narva.").first.wait_for()
    shot(umpire, "umpire-dashboard-attack")

    for page in cells.values():                      # no reload: the page follows the game by itself
        page.get_by_text("Russian forces cross at Narva.").first.wait_for(timeout=LIVE)
    usa, pol = cells["United States"], cells["Poland"]
    usa.check("input[name=response][value=full]")
    usa.fill("textarea[name=rationale]", "Article 5 is the core of the alliance.")
    usa.fill("textarea[name=statement]", "We stand with Estonia.")
    usa.click(".decide-form button[type=submit]")
    usa.get_by_text("Decision recorded").wait_for()
    shot(usa, "cell-usa-decided")
    pol.check("input[name=response][value=diplomatic]")
    pol.fill("textarea[name=rationale]", "We wait for the council.")
    pol.click(".decide-form button[type=submit]")
    pol.get_by_text("Decision recorded").wait_for()

    # No reload here either: the dashboard reloads itself when the game changes, and a
    # reload forced at the same moment would race it.
    card = umpire.locator("#due-POL-narva")
    card.locator(".pill.answer", has_text="diplomatic").wait_for(timeout=LIVE)  # Poland's answer, not the advice
    card.locator("summary", has_text="Override").click()
    card.locator("select[name=response]").select_option("limited")
    card.locator("input[name=reason]").fill("Warsaw comes round: a teaching point.")
    card.locator("button[type=submit]").click()
    umpire.locator("#due-POL-narva .pill.answer", has_text="limited").wait_for()
    umpire.click("#close-turn")
    umpire.get_by_text("turn 2 closed").wait_for()
    shot(umpire, "umpire-dashboard-closed")

    for page in cells.values():
        page.locator("details.answers").first.wait_for(timeout=LIVE)   # appears without a reload
    usa_text = usa.inner_text("main")
    assert "We stand with Estonia." in usa_text or "United Kingdom" in usa_text
    assert "limited" in usa.inner_text("details.answers")                 # Poland's answer, as overridden
    assert "We wait for the council." not in usa_text                     # Poland's rationale is Poland's
    shot(usa, "cell-usa-after-close")
    shot(pol, "cell-poland-after-close")

    umpire.click("#report-link")
    umpire.get_by_text("After-action report: Syndicate A").wait_for()
    umpire.wait_for_load_state("load")  # the report is streamed: its heading comes before the rest
    body = umpire.inner_text("main")
    assert "Warsaw comes round: a teaching point." in body and "Article 5 is the core" in body
    shot(umpire, "report")


def _cell_page(server, browser, width: int = 1100):
    """The drill started, with the United States cell's page open in its own browser."""
    ex = server.api("POST", "/exercises", {"scenario": "narva-drill.yaml"})
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    return ex, page


def test_response_boxes_stay_inside_the_page_at_1100_pixels(server, browser):
    ex, page = _cell_page(server, browser)
    missing: list[str] = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    for step in ("open-turn", "close-turn", "open-turn"):       # turn 2: the attack asks the cells
        server.api("POST", f"/exercises/{ex['id']}/{step}", {})
    page.goto(ex["cells"]["United States"]["join_url"])
    page.locator(".scale label.level").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert missing == []                                        # the icon included
    shot(page, "cell-response-boxes-1100")
    overflowing = page.evaluate("""() => {
        const out = [];
        for (const box of document.querySelectorAll('.scale label.level')) {
            const set = box.closest('fieldset').getBoundingClientRect(), r = box.getBoundingClientRect();
            if (box.scrollWidth > box.clientWidth + 1 || r.right > set.right + 1 || r.left < set.left - 1)
                out.push(box.innerText);
            for (const child of box.children) {
                const c = child.getBoundingClientRect();
                if (c.right > r.right + 1) out.push(box.innerText + ' / ' + child.innerText);
            }
        }
        if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page scrolls sideways');
        return out;
    }""")
    assert overflowing == []


def test_a_cell_page_catches_up_when_a_turn_opens_before_its_first_poll_returns(server, browser):
    ex, page = _cell_page(server, browser)
    first = {"held": True}

    def open_turn_meanwhile(route):
        if first["held"]:
            first["held"] = False
            server.api("POST", f"/exercises/{ex['id']}/open-turn", {})   # while the poll is on its way
        route.continue_()

    page.route("**/cell/poll", open_turn_meanwhile)
    page.goto(ex["cells"]["United States"]["join_url"])
    page.get_by_text("Moscow warns Tallinn.").first.wait_for(timeout=LIVE)   # no reload by hand


def test_an_open_page_says_so_when_its_link_is_replaced(server, browser):
    ex, page = _cell_page(server, browser)
    page.goto(ex["cells"]["United States"]["join_url"])
    page.get_by_text("Nothing to decide").wait_for()
    umpire = browser.new_context().new_page()
    umpire.goto(f"{server.base}/?token={UMPIRE_TOKEN}")
    umpire.goto(f"{server.base}/x/{ex['id']}/setup")
    umpire.locator(".card", has_text="United States").get_by_text("Replace this link").click()
    umpire.get_by_text("A new join link for United States").wait_for()
    page.get_by_text("The join link of United States has been replaced").wait_for(timeout=LIVE)
    shot(page, "cell-link-replaced")


def test_another_cells_link_asks_before_the_browser_switches(server, browser):
    ex, page = _cell_page(server, browser)
    page.goto(ex["cells"]["United States"]["join_url"])
    page.get_by_text("Nothing to decide").wait_for()
    page.goto(ex["cells"]["Poland"]["join_url"])
    page.get_by_text("Switch to Poland?").wait_for()
    shot(page, "cell-switch-asked")
    page.get_by_text("Stay United States").click()
    assert page.locator(".statusbar .turn").inner_text() == "United States"
    page.goto(ex["cells"]["Poland"]["join_url"])
    page.get_by_role("button", name="Switch to Poland").click()
    page.get_by_text("This browser now plays Poland.").wait_for()
    assert page.locator(".statusbar .turn").inner_text() == "Poland"
