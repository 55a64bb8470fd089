"""Monte Carlo runs: seeding, aggregation, statistics, back-ends and the `casus run` command.

The scenarios are small so that the suite stays quick; what is checked is that
the figures mean what the documentation says, not what they happen to be.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casus import runner
from casus.cli import main
from engine import montecarlo as mc
from engine.doctrine import FACTORS
from engine.events import Kind, TurnOpened
from engine.game import Game
from engine.model import Control, Response, ScriptEntry
from engine.scenario import load
from engine.state import Mode
from tests.builders import consultation, defense, inject, make_scenario, relation, treaty

ROOT = Path(__file__).resolve().parents[1]


def small(**fields):
    """Russia attacks Estonia on turn 1; NATO allies and Belarus answer; wars may cascade."""
    fields.setdefault("turns", 3)
    return make_scenario(
        states="USA GBR EST RUS BLR FRA",
        treaties=[
            treaty("nato", "USA GBR EST FRA", consultation(article="4"), defense(article="5"),
                   name="North Atlantic Treaty"),
            treaty("union", "RUS BLR", defense(), name="Union State"),
        ],
        injects=[inject("narva", actor="RUS", target="EST", turn=1),
                 inject("border", kind="border-incident", actor="BLR", target="GBR", turn=2)],
        relations=[relation("USA", "RUS", threat=0.8), relation("GBR", "EST", affinity=0.7),
                   relation("FRA", "RUS", threat=0.3, trade=0.2)],
        **fields)


def as_json(results: mc.Results) -> str:
    return json.dumps(results.to_dict(), sort_keys=True)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    """The small scenario as a file, for the command line."""
    text = """\
format: casus/1
id: small
title: Small crisis
start: "2027-03-02"
turns: 3
states:
  - {id: USA, name: United States, power: 100, regime: democracy, region: north-america}
  - {id: GBR, name: United Kingdom, power: 10, regime: democracy, region: europe}
  - {id: EST, name: Estonia, power: 0.3, regime: democracy, region: europe}
  - {id: RUS, name: Russia, power: 40, regime: autocracy, region: europe, nuclear: true}
relations:
  - {from: USA, to: RUS, threat: 0.8}
  - {from: GBR, to: EST, affinity: 0.7}
treaties:
  - id: nato
    name: North Atlantic Treaty
    members: [USA, GBR, EST]
    obligations:
      - {type: consultation, article: "4"}
      - {type: defense, article: "5"}
injects:
  - {id: narva, turn: 1, kind: armed-attack, actor: RUS, target: EST}
"""
    path = tmp_path_factory.mktemp("mc") / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- seeding and reproducibility ---------------------------------------------------------------

def test_run_seeds_differ_by_index_and_master_and_are_stable():
    seeds = [mc.run_seed(7, i) for i in range(1000)]
    assert len(set(seeds)) == 1000
    assert mc.run_seed(7, 3) == mc.run_seed(7, 3)
    assert mc.run_seed(7, 3) != mc.run_seed(8, 3)
    assert all(0 <= s < 2**63 for s in seeds)


@pytest.mark.parametrize("own_weights", [{}, {"casus_foederis": 3.0, "threat": -1.0}])
def test_a_run_is_the_game_played_with_its_seed(own_weights):
    scenario = small(doctrine_weights=own_weights)
    game = Game.new(scenario, seed=mc.run_seed(5, 2), stochastic=True, verbose=False)
    game.play()
    plan = mc.Plan(scenario, 3, seed=5)
    assert mc.play_run(plan, 2) == mc.summarise(scenario, game.events, index=2)


def test_a_run_counts_the_answers_the_game_keeps_the_umpires_included():
    scenario = small()
    game = Game.new(scenario, mode=Mode.EXERCISE, controls={"USA": Control.PLAYER})
    game.open_turn()
    game.submit("USA", "narva", "full")
    game.override("USA", "narva", "neutral", reason="a drill")
    game.close_turn()
    summary = mc.summarise(scenario, game.events)
    kept = {(a, s): (d.turn, d.response.rank, d.treaty is not None) for (a, s), d in game.state.decisions.items()}
    assert {(a, s): (t, r, b) for a, s, t, r, b in summary.decisions} == kept
    assert kept[("narva", "USA")][1] == Response.NEUTRAL.rank
    assert summary == mc.summarise(scenario, game.events, state=game.state)


@pytest.mark.parametrize("workers, chunk", [(2, 1), (2, 3), (3, 2)])
def test_same_seed_same_results_whatever_the_workers(workers, chunk):
    plan = mc.Plan(small(), 12, seed=11, vary=(mc.parse_vary("threat=0:2"),))
    alone = runner.run(plan, workers=1)
    pooled = runner.run(plan, workers=workers, chunk_size=chunk)
    assert not alone.interrupted and not pooled.interrupted
    assert as_json(pooled.results()) == as_json(alone.results())


def test_sampled_answers_follow_the_doctrines_probabilities():
    # The leader answers first, from the same state in every run: its answers over the
    # runs are draws from one distribution, the one the doctrine states.
    scenario, n = small(turns=1), 2000
    game = Game.new(scenario)
    game.play()
    first = next(e for e in game.events if e.kind is Kind.DECISION and e.state == "USA")
    row = mc.simulate(scenario, n, seed=8).decision("narva", "USA")
    assert row["asked"]["p"] == 1.0
    for level, p in zip(("hostile", "neutral", "diplomatic", "limited", "full"), first.probabilities):
        observed = row["responses"].get(level, {"p": 0.0})["p"]
        assert abs(observed - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1 / n, (level, observed, p)


def test_a_different_master_seed_gives_different_runs():
    a, b = mc.simulate(small(), 20, seed=1), mc.simulate(small(), 20, seed=2)
    assert as_json(a) != as_json(b)


def test_chunk_tallies_merge_in_any_order_to_the_whole():
    plan = mc.Plan(small(), 9, seed=3, vary=(mc.parse_vary("affinity=0:2"), mc.parse_vary("threat=-1:1")))
    whole = mc.run_chunk(plan, 0, 9).results(plan)
    parts = [mc.run_chunk(plan, a, b) for a, b in mc.chunks(9, 2)]
    random.Random(0).shuffle(parts)
    merged = mc.Tally.empty(plan)
    for part in parts:
        merged.merge(part)
    assert as_json(merged.results(plan)) == as_json(whole)


@pytest.mark.parametrize("name", ["baltic-2027.yaml", "history/1914-july-crisis.yaml"])
def test_runs_tallied_all_at_once_are_tallied_as_one_by_one(name):
    """`Tally.add_all` counts the answers and commitments of many runs at once: the same tally as
    adding them one by one, in any order and grouping."""
    plan = mc.Plan(load(ROOT / "scenarios" / name), 30, seed=4, vary=(mc.parse_vary("reputation=0.5:1.5"),))
    runs = [mc.play_run(plan, i) for i in range(plan.runs)]
    one_by_one = mc.Tally.empty(plan)
    for run in runs:
        one_by_one.add(run)
    random.Random(1).shuffle(runs)
    at_once = mc.Tally.empty(plan)
    at_once.add_all(runs[:11])
    at_once.add_all(runs[11:])
    assert at_once.runs == plan.runs
    assert as_json(at_once.results(plan)) == as_json(one_by_one.results(plan))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), max_size=40),
       st.integers(min_value=1, max_value=7), st.randoms(use_true_random=False))
def test_exact_sums_do_not_depend_on_order_or_grouping(values, groups, rnd):
    shuffled = values[:]
    rnd.shuffle(shuffled)
    parts = [mc.ExactSum() for _ in range(groups)]
    for k, v in enumerate(shuffled):
        parts[k % groups].add(v)
    total = mc.ExactSum()
    for p in reversed(parts):
        total.merge(p)
    assert total.value == math.fsum(values)


# --- statistics -----------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_interval_contains_the_estimate_and_shrinks_with_n(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = mc.wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    wider = mc.wilson(k, n)
    narrower = mc.wilson(4 * k, 4 * n)
    assert narrower[1] - narrower[0] < wider[1] - wider[0]


def test_wilson_matches_a_textbook_value():
    # 81 successes of 263 (Wilson 1927 style example; cf. Newcombe 1998, method 3)
    low, high = mc.wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_results_intervals_hold_their_estimates_and_narrow_with_more_runs():
    few, many = mc.simulate(small(), 10, seed=4), mc.simulate(small(), 80, seed=4)
    row_few, row_many = few.decision("narva", "USA"), many.decision("narva", "USA")
    for r in (few, many):
        for d in r.to_dict()["decisions"]:
            for p in [d["asked"], d["honour"], *d["responses"].values()]:
                if p["n"]:
                    assert p["low"] <= p["p"] <= p["high"]
    width = lambda p: p["high"] - p["low"]  # noqa: E731
    assert width(row_many["honour"]) < width(row_few["honour"])


# --- what the figures mean -------------------------------------------------------------------------

def test_a_doctrine_pushed_to_honour_honours_every_time():
    results = mc.simulate(small(), 30, seed=0, weights={"casus_foederis": 60.0})
    for ally in ("USA", "GBR"):
        row = results.decision("narva", ally)
        assert row["asked"]["p"] == 1.0
        assert row["responses"]["full"]["p"] == 1.0
        assert row["honour"]["p"] == 1.0 and row["honour"]["n"] == 30
    assert results.to_dict()["honour_rate"]["mean"] == 1.0


def test_a_doctrine_pushed_to_abandon_never_honours():
    results = mc.simulate(small(), 30, seed=0, weights={"casus_foederis": -60.0})
    row = results.decision("narva", "USA")
    assert row["honour"]["n"] > 0 and row["honour"]["p"] == 0.0


def test_war_spread_and_first_clash_count_belligerents_and_turns():
    results = mc.simulate(small(), 20, seed=0, weights={"casus_foederis": 60.0}).to_dict()
    # RUS attacks EST; the USA, Britain and France answer `full`, and Belarus comes to Russia
    # under the Union State: six belligerents, all on turn 1.
    assert results["war_spread"]["counts"] == {"6": 20}
    assert results["first_war"]["counts"] == {"1": 20} and results["first_war"]["none"] == 0


def test_no_attack_no_war():
    quiet = make_scenario(states="USA GBR", treaties=[treaty("t", "USA GBR")],
                          injects=[inject("talk", kind="statement", actor="USA")], turns=2)
    results = mc.simulate(quiet, 5, seed=0).to_dict()
    assert results["war_spread"]["counts"] == {"0": 5}
    assert results["first_war"]["none"] == 5 and results["first_war"]["war"]["count"] == 0
    assert results["decisions"] == [] and results["honour_rate"]["mean"] is None


def test_cohesion_is_read_from_the_indicators():
    results = mc.simulate(small(), 25, seed=2, weights={"casus_foederis": 60.0}).to_dict()
    nato = next(c for c in results["cohesion"] if c["treaty"] == "nato")
    assert nato["runs"] == 25 and nato["mean"] == 1.0 and nato["quantiles"]["p50"] == 1.0
    assert sum(cell[2] for cell in nato["histogram"]) == 25


@pytest.mark.parametrize("recorded, expected", [("full", 1.0), ("hostile", 0.0)])
def test_history_is_reproduced_when_every_recorded_answer_comes_back(recorded, expected):
    script = (ScriptEntry(turn=1, state="USA", inject="narva", response=Response(recorded)),
              ScriptEntry(turn=1, state="GBR", inject="narva", response=Response.FULL))
    results = mc.simulate(small(script=script), 15, seed=0, weights={"casus_foederis": 60.0}).to_dict()
    assert results["history"]["reproduced"]["p"] == expected
    assert [e["matched"]["p"] for e in results["history"]["entries"]] == [expected, 1.0]


def test_a_state_never_asked_does_not_reproduce_its_entry():
    script = (ScriptEntry(turn=2, state="USA", inject="never-fired", response=Response.FULL),)
    results = mc.simulate(small(script=script), 5, seed=0).to_dict()
    assert results["history"]["reproduced"]["count"] == 0


def test_without_a_script_there_is_no_history_section():
    assert mc.simulate(small(), 3, seed=0).to_dict()["history"] is None


def test_the_factor_that_decides_moves_the_outcome_most():
    # casus foederis decides everything here; obsolescence reads nothing (no signature dates).
    vary = ("casus_foederis=-4:4", "obsolescence=-4:4")
    results = mc.simulate(small(), 60, seed=1, vary=vary).to_dict()
    top, other = results["sensitivity"]["weights"]
    assert top["weight"] == "casus_foederis"
    assert top["honour_rate"]["r"] > 0.5 and top["honour_rate"]["beta"] > 0.5
    assert abs(other["honour_rate"]["beta"]) < abs(top["honour_rate"]["beta"]) / 2


def test_varied_weights_are_drawn_within_their_ranges_per_run():
    vary = (mc.parse_vary("threat=0.5:1.5"), mc.parse_vary("reputation=-1:0"))
    drawn = [mc.run_weights(9, i, vary) for i in range(200)]
    assert all(0.5 <= w["threat"] <= 1.5 and -1 <= w["reputation"] <= 0 for w in drawn)
    assert len({w["threat"] for w in drawn}) == 200
    assert mc.run_weights(9, 4, vary) == drawn[4]


@pytest.mark.parametrize("text", ["threat", "threat=1", "threat=a:b", "threat=2:1", "=1:2", "threat=nan:1"])
def test_malformed_ranges_are_refused_with_the_expected_form(text):
    with pytest.raises(ValueError, match="LOW"):
        mc.parse_vary(text)


def test_an_unknown_weight_is_refused_listing_the_known_ones():
    with pytest.raises(ValueError) as info:
        mc.parse_vary("reputaton=0:1")
    assert all(name in str(info.value) for name in FACTORS)


# --- branching from a game under way --------------------------------------------------------------

def test_runs_from_a_prefix_keep_what_happened_and_vary_what_follows():
    scenario = small(turns=3)
    played = Game.new(scenario, seed=42, stochastic=True, verbose=False)
    played.play(1)
    prefix = played.events
    turn1 = {(e.attack, e.state): e.response
             for e in prefix if e.kind is Kind.DECISION}
    results = mc.simulate(scenario, 30, seed=0, events_prefix=prefix)
    for (attack, state), response in turn1.items():
        row = results.decision(attack, state)
        assert row["asked"]["p"] == 1.0 and row["responses"][response]["p"] == 1.0
    later = [d for d in results.to_dict()["decisions"] if d["turn"] and d["turn"] > 1]
    assert later and any(max(r["p"] for r in d["responses"].values()) < 1.0 for d in later)
    assert results.to_dict()["branch"] == {"events": len(prefix)}


def test_a_prefix_is_reseeded_and_played_by_the_doctrine():
    game = Game.new(small(), seed=1)
    out = mc.reseed(game.events, 99)
    assert out[0].seed == 99 and out[0].mode == "play"
    assert game.events[0].seed == 1  # the original is left alone
    for wrong in ([], [TurnOpened(turn=1, date="2027-01-01")]):
        with pytest.raises(ValueError, match="game-started"):
            mc.reseed(wrong, 1)


def test_a_branch_from_an_open_turn_closes_it_first():
    scenario = small()
    game = Game.new(scenario, seed=3, stochastic=True, verbose=False)
    game.open_turn()
    results = mc.simulate(scenario, 4, seed=0, events_prefix=game.events)
    assert results.runs == 4 and results.decision("narva", "USA")["asked"]["p"] == 1.0


# --- interruption -----------------------------------------------------------------------------------

@pytest.mark.parametrize("workers", [1, 2])
def test_an_interrupt_keeps_the_finished_runs(workers):
    plan = mc.Plan(small(), 400, seed=0)
    seen = []

    def interrupt_after_two(n, done):
        seen.append(done)
        if len(seen) == 2:
            raise KeyboardInterrupt

    outcome = runner.run(plan, workers=workers, chunk_size=5, on_chunk=interrupt_after_two)
    assert outcome.interrupted
    assert 10 <= outcome.done < 400 and outcome.done % 5 == 0
    data = outcome.results().to_dict()
    assert data["interrupted"] and data["runs"] == outcome.done and data["requested"] == 400
    assert sum(data["war_spread"]["counts"].values()) == outcome.done


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used (Linux /proc; elsewhere assume it is under way)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("inf")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_ctrl_c_on_the_command_line_reports_the_finished_runs(scenario_file, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    said = tmp_path / "stderr"
    with said.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "casus", "run", str(scenario_file), "--runs", "1000000",
                                 "--workers", "1", "--chunk-size", "10", "--json"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        # Until the engine is ready (the kernel's tables built, its machine code compiled or loaded, in
        # seconds that depend on the machine and on numba's cache), then a second of CPU for runs.
        deadline = time.monotonic() + 120
        while "engine:" not in said.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        ready = _cpu_seconds(proc.pid)
        while _cpu_seconds(proc.pid) < ready + 1.0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    err = said.read_text()
    assert proc.returncode == 130, err
    data = json.loads(out)
    assert f"interrupted after {data['runs']} of 1000000 runs" in err
    assert data["interrupted"] and 0 < data["runs"] < 1000000


# --- the command line -------------------------------------------------------------------------------

def test_json_has_one_entry_per_attack_and_state(scenario_file):
    code, out, _ = cli("run", str(scenario_file), "--runs", "12", "--workers", "1", "--json", "--quiet")
    assert code == 0
    data = json.loads(out)
    assert data["runs"] == 12 and data["scenario"] == "small" and not data["interrupted"]
    keys = [(d["attack"], d["state"]) for d in data["decisions"]]
    assert len(keys) == len(set(keys)) and ("narva", "USA") in keys
    row = data["decisions"][keys.index(("narva", "USA"))]
    assert set(row["responses"]) == {"hostile", "neutral", "diplomatic", "limited", "full"}
    assert sum(r["count"] for r in row["responses"].values()) == row["asked"]["count"]
    assert {"cohesion", "war_spread", "first_war", "history", "sensitivity"} <= set(data)


def test_csv_has_one_row_per_attack_and_state_with_the_documented_columns(scenario_file, tmp_path):
    target = tmp_path / "out.csv"
    code, out, _ = cli("run", str(scenario_file), "--runs", "12", "--workers", "1", "--csv", str(target),
                       "--quiet")
    assert code == 0 and "Answers by attack and state" in out
    with target.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == mc.CSV_COLUMNS
    data = json.loads(cli("run", str(scenario_file), "--runs", "12", "--workers", "1", "--json")[1])
    assert [(r["attack"], r["state"]) for r in rows] == [(d["attack"], d["state"]) for d in data["decisions"]]
    usa = next(r for r in rows if (r["attack"], r["state"]) == ("narva", "USA"))
    assert float(usa["p_honour_low"]) <= float(usa["p_honour"]) <= float(usa["p_honour_high"])
    assert int(usa["runs"]) == 12


def test_html_report_has_charts(scenario_file, tmp_path):
    target = tmp_path / "report.html"
    code, _, _ = cli("run", str(scenario_file), "--runs", "20", "--workers", "1", "--html", str(target),
                     "--vary", "threat=0:2", "--vary", "tripwire=0:2", "--quiet")
    page = target.read_text(encoding="utf-8")
    assert code == 0 and page.startswith("<!doctype html>")
    assert page.count("<svg") >= 4 and 'class="interval"' in page
    assert "Which factor moves the outcome most" in page and "<script" not in page


@pytest.mark.parametrize("args, message", [
    (["--vary", "reputaton=0.5:1.5"], "known weights are: casus_foederis"),
    (["--vary", "reputation=1.5"], "NAME=LOW:HIGH"),
    (["--weight", "nope=1"], "known weights are"),
    (["--vary", "threat=0:1", "--vary", "threat=1:2"], "varied once"),
])
def test_bad_weights_exit_2_with_the_reason(scenario_file, args, message, capsys):
    code = main(["run", str(scenario_file), "--runs", "2", *args])
    assert code == 2
    assert message in capsys.readouterr().err


def test_the_terminal_table_names_what_it_shows(scenario_file):
    code, out, err = cli("run", str(scenario_file), "--runs", "10", "--workers", "1", "--vary",
                         "threat=0:2")
    assert code == 0
    for heading in ("Answers by attack and state", "Cohesion by treaty", "War spread",
                    "First armed clash", "Which factor moves the outcome most"):
        assert heading in out
    assert "narva" in out and "10 runs in" in err


# --- Dask ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_a_dask_cluster_gives_the_same_results_as_this_process(processes):
    distributed = pytest.importorskip("distributed", reason="Dask is not installed: pip install 'casus[dask]'")
    plan = mc.Plan(small(), 10, seed=6, vary=(mc.parse_vary("threat=0:2"),))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                                  host="127.0.0.1", protocol="tcp://", dashboard_address=":0") as cluster:
        outcome = runner.run(plan, scheduler=cluster.scheduler_address, chunk_size=3)
    assert not outcome.interrupted and outcome.done == 10 and outcome.backend.startswith("dask")
    assert as_json(outcome.results()) == as_json(runner.run(plan, workers=1).results())
