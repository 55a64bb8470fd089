"""The console's Monte Carlo what-if: the exercise played on many times from where it stands.

The page must show what `engine.montecarlo.simulate` computes for the same
exercise and seed; only the umpire may run it; the number of runs is capped;
a weight the doctrine does not know is refused with the names it does.
"""
from __future__ import annotations

import html
import re

import pytest

from engine.doctrine import FACTORS
from engine.events import WhatIfPlayed
from engine.montecarlo import simulate
from engine.store import MemoryStore
from tests.e2e.support import NARVA, cell_client, csrf, make_app, narva_under_way, new_exercise, umpire_client

RUNS = 30


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("whatif"), store=MemoryStore())


@pytest.fixture
def drill(app):
    return narva_under_way(app)


def play_on(client, eid: str, **fields):
    return client.post(f"/x/{eid}/whatif", data={"csrf_token": csrf(client), **fields})


def direct(app, eid: str, seed: int, runs: int = RUNS, vary=None):
    """The results simulate gives for the exercise as it stands, computed without the console's help."""
    snap = app.extensions["casus"].get(eid)
    played = [e for e in snap.game.events if not isinstance(e, WhatIfPlayed)]   # earlier what-ifs: no part of play
    return simulate(snap.scenario, runs, seed, vary=vary, events_prefix=played)


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def honour_cells(page: str) -> dict[tuple[str, str], str]:
    """(attack, state) -> the text of its honour cell on the page."""
    rows = re.findall(r'<tr data-attack="([^"]+)" data-state="([^"]+)">(.*?)</tr>', page, re.S)
    out = {}
    for attack, state, row in rows:
        cell = re.search(r'<td class="honour">(.*?)</td>', row, re.S).group(1)
        out[(attack, state)] = " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())
    return out


def test_the_dashboard_offers_the_what_if_form(drill):
    ex, umpire = drill
    page = umpire.get(f"/x/{ex['id']}").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/x/[^"]+/whatif".*?</form>', page, re.S).group(0)
    assert 'name="csrf_token"' in form
    assert re.search(r'name="runs"[^>]*max="1000"[^>]*value="200"', form)
    assert 'name="seed"' in form and 'name="vary"' in form


def test_the_page_shows_what_simulate_gives_for_the_same_seed(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    r = play_on(umpire, eid, runs=str(RUNS), seed="11")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/x/{eid}/whatif")
    page = umpire.get(f"/x/{eid}/whatif").get_data(as_text=True)
    expected = direct(app, eid, 11)
    kept = app.extensions["casus"].last_what_if(eid)
    assert kept.results.data == expected.data        # the time-bounded chunks change nothing
    d = expected.data
    assert f"{d['runs']} runs" in page and "seed 11" in page

    shown = honour_cells(page)
    rows = [row for row in d["decisions"] if row["scenario_attack"]]
    assert rows and set(shown) == {(row["attack"], row["state"]) for row in rows}
    for row in rows:
        h = row["honour"]
        want = f"{pct(h['p'])} ({pct(h['low'])}–{pct(h['high'])}) of {h['n']}" if h["n"] else "not tested"
        assert shown[(row["attack"], row["state"])] == want
    tested = [row for row in rows if row["attack"] == "narva" and row["honour"]["n"]]
    chart = re.search(r'<svg[^>]*aria-label="narva: P\(honoured\)[^"]*".*?</svg>', page, re.S).group(0)
    assert chart.count('class="interval"') == len(tested) >= 2     # one 95% interval per bound state

    nato = re.search(r'<tr data-treaty="nato">.*?<td class="mean">([^<]*)</td>', page, re.S).group(1)
    assert nato == f"{d['cohesion'][0]['mean']:.2f}"
    assert re.search(r'id="spread-mean">([^<]*)<', page).group(1) == f"{d['war_spread']['mean']:.2f}"
    assert re.search(r'id="war-share">([^<]*)<', page).group(1) == pct(d["first_war"]["war"]["p"])
    assert re.search(r'id="honour-rate">([^<]*)<', page).group(1) == pct(d["honour_rate"]["mean"])
    assert "states at war at the end" in page and "turn of the first armed clash" in page


def test_the_same_seed_gives_the_same_figures_and_another_seed_others(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    figures = []
    for seed in ("5", "5", "6"):
        assert play_on(umpire, eid, runs=str(RUNS), seed=seed).status_code == 303
        page = umpire.get(f"/x/{eid}/whatif").get_data(as_text=True)
        figures.append((honour_cells(page), app.extensions["casus"].last_what_if(eid).results.data))
    assert figures[0] == figures[1]
    assert figures[0][1] != figures[2][1]


def test_a_blank_seed_is_seed_zero(app, drill):
    ex, umpire = drill
    assert play_on(umpire, ex["id"], runs=str(RUNS), seed="").status_code == 303
    assert app.extensions["casus"].last_what_if(ex["id"]).results.data == direct(app, ex["id"], 0).data


@pytest.mark.parametrize("runs,message", [
    ("1001", "at most 1000 runs"),
    ("100000", "at most 1000 runs"),
    ("0", "from 1 to 1000"),
    ("-3", "from 1 to 1000"),
    ("lots", "from 1 to 1000"),
    ("2.5", "from 1 to 1000"),
])
def test_the_number_of_runs_is_capped(app, drill, runs, message):
    ex, umpire = drill
    r = play_on(umpire, ex["id"], runs=runs)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert message in page
    assert f'name="runs" min="1" max="1000" step="1" required value="{html.escape(runs)}"' in page   # kept as typed
    assert app.extensions["casus"].last_what_if(ex["id"]) is None


def test_a_thousand_runs_are_allowed(app, drill):
    ex, umpire = drill
    assert play_on(umpire, ex["id"], runs="1000", seed="1").status_code == 303
    assert app.extensions["casus"].last_what_if(ex["id"]).results.runs == 1000


@pytest.mark.parametrize("vary", ["bravado=0.5:1.5", "Reputation=0.5:1.5", "reputation"])
def test_a_weight_the_doctrine_does_not_know_is_refused_with_the_known_names(app, drill, vary):
    ex, umpire = drill
    r = play_on(umpire, ex["id"], runs=str(RUNS), vary=vary)
    assert r.status_code == 400
    page = html.unescape(r.get_data(as_text=True))
    error = re.search(r'id="what-if-error">(.*?)</p>', page, re.S).group(1)
    if "=" in vary:
        assert all(name in error for name in FACTORS), error
    else:
        assert "NAME=LOW:HIGH" in error
    assert app.extensions["casus"].last_what_if(ex["id"]) is None


@pytest.mark.parametrize("vary", ["reputation=1.5:0.5", "reputation=a:b", "reputation=0.5:inf"])
def test_a_range_that_is_not_low_to_high_is_refused(app, drill, vary):
    ex, umpire = drill
    r = play_on(umpire, ex["id"], runs=str(RUNS), vary=vary)
    assert r.status_code == 400 and "LOW" in html.unescape(r.get_data(as_text=True))


def test_a_varied_weight_gives_the_results_of_simulate_with_it_and_its_effect(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    assert play_on(umpire, eid, runs=str(RUNS), seed="2", vary=" reputation=0.5:1.5 ").status_code == 303
    kept = app.extensions["casus"].last_what_if(eid)
    assert kept.results.data == direct(app, eid, 2, vary=["reputation=0.5:1.5"]).data
    page = umpire.get(f"/x/{eid}/whatif").get_data(as_text=True)
    assert 'id="sensitivity"' in page and '<tr data-weight="reputation">' in page
    assert 'value="reputation=0.5:1.5"' in page      # the form keeps what was asked


def test_the_play_is_bounded_in_time(tmp_path):
    app = make_app(tmp_path, store=MemoryStore(), WHATIF_SECONDS=0)
    ex = new_exercise(app, "narva-drill.yaml")
    umpire = umpire_client(app)
    assert play_on(umpire, ex["id"], runs="500").status_code == 303
    kept = app.extensions["casus"].last_what_if(ex["id"])
    assert kept.interrupted and 0 < kept.results.runs < 500
    page = umpire.get(f"/x/{ex['id']}/whatif").get_data(as_text=True)
    assert f"after {kept.results.runs} of 500 runs" in page


@pytest.mark.parametrize("role", ["anonymous", "cell", "other-cell"])
def test_only_the_umpire_may_run_or_see_a_what_if(app, drill, role):
    ex, umpire = drill
    eid = ex["id"]
    other = new_exercise(app, "secret-pact.yaml")
    client = {"anonymous": app.test_client(),
              "cell": cell_client(app, ex["cells"]["Poland"]["join_url"]),
              "other-cell": cell_client(app, other["cells"]["Italy"]["join_url"])}[role]
    want = 401 if role == "anonymous" else 403
    assert play_on(client, eid, runs=str(RUNS)).status_code == want
    assert client.get(f"/x/{eid}/whatif").status_code == want
    assert app.extensions["casus"].last_what_if(eid) is None
    assert play_on(umpire, eid, runs=str(RUNS)).status_code == 303
    assert client.get(f"/x/{eid}/whatif").status_code == want


def test_a_what_if_needs_the_csrf_token(app, drill):
    ex, umpire = drill
    assert umpire.post(f"/x/{ex['id']}/whatif", data={"runs": str(RUNS)}).status_code == 400
    assert umpire.post(f"/x/{ex['id']}/whatif", data={"runs": str(RUNS), "csrf_token": "forged"}).status_code == 400
    assert app.extensions["casus"].last_what_if(ex["id"]) is None


def test_the_page_says_when_the_exercise_has_moved_on(app, drill):
    ex, umpire = drill
    eid = ex["id"]
    page = umpire.get(f"/x/{eid}/whatif").get_data(as_text=True)
    assert 'id="what-if-none"' in page
    play_on(umpire, eid, runs=str(RUNS))
    assert 'id="what-if-stale"' not in umpire.get(f"/x/{eid}/whatif").get_data(as_text=True)
    umpire.post(f"/x/{eid}/note", data={"csrf_token": csrf(umpire), "text": "the council meets"})
    assert 'id="what-if-stale"' in umpire.get(f"/x/{eid}/whatif").get_data(as_text=True)


def test_a_finished_exercise_has_nothing_to_play_on(app):
    console = app.extensions["casus"]
    eid = console.create(NARVA, "narva.yaml", cells={})
    console.start(eid)
    for _ in range(3):
        console.open_turn(eid)
        console.close_turn(eid)
    r = play_on(umpire_client(app), eid, runs=str(RUNS))
    assert r.status_code == 409 and "finished" in r.get_data(as_text=True)


def test_scenario_text_is_escaped_on_the_results_page(app):
    evil = (NARVA.replace("Russian forces cross at Narva.", "<script>alert(1)</script>")
                 .replace("name: Poland", 'name: "Poland <b onmouseover=x>"')
                 .replace("name: North Atlantic Treaty", 'name: "NATO <img src=x onerror=y>"'))
    console = app.extensions["casus"]
    eid = console.create(evil, "evil.yaml")
    console.start(eid)
    for step in (console.open_turn, console.close_turn, console.open_turn):
        step(eid)
    umpire = umpire_client(app)
    assert play_on(umpire, eid, runs=str(RUNS)).status_code == 303
    page = umpire.get(f"/x/{eid}/whatif").get_data(as_text=True)
    for raw in ("<script>alert", "<b onmouseover", "<img src=x"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Poland &lt;b onmouseover=x&gt;" in page
    assert "NATO &lt;img src=x onerror=y&gt;" in page      # in the table and the histogram's title
