"""`casus play`, `casus replay` and `casus backtest` as a user runs them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from casus.cli import main
from engine import events as ev
from storage.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
BALTIC = str(ROOT / "scenarios" / "baltic-2027.yaml")
POLAND = str(ROOT / "scenarios" / "history" / "1939-poland.yaml")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_play_tells_the_crisis_turn_by_turn(capsys):
    code, out, _ = run(capsys, "play", BALTIC, "--turns", "3")
    assert code == 0
    assert "Turn 1 — 2027-03-02" in out and "Turn 3 — 2027-03-04" in out and "Turn 4" not in out
    assert "Answers on narva-incursion:" in out
    assert "bound by North Atlantic Treaty art. 5 (defense)" in out


def test_play_json_is_the_event_log_and_the_same_seed_gives_the_same_bytes(capsys):
    _, one, _ = run(capsys, "play", BALTIC, "--seed", "7", "--stochastic", "--json", "--turns", "4")
    _, two, _ = run(capsys, "play", BALTIC, "--seed", "7", "--stochastic", "--json", "--turns", "4")
    _, other, _ = run(capsys, "play", BALTIC, "--seed", "8", "--stochastic", "--json", "--turns", "4")
    assert one == two and one != other
    assert ev.dumps(ev.loads(one)) == one


def test_explain_gives_every_states_reasons(capsys):
    _, out, _ = run(capsys, "play", BALTIC, "--turns", "3", "--explain")
    assert "Answer:" in out


def test_replay_follows_the_record_and_names_the_doctrines_prediction(capsys):
    code, out, _ = run(capsys, "replay", POLAND)
    assert code == 0
    assert "(history" in out and "War: United Kingdom and Germany are at war" in out


def test_play_can_keep_the_game_in_sqlite(capsys, tmp_path):
    db = tmp_path / "games.db"
    code, out, err = run(capsys, "play", BALTIC, "--turns", "2", "--db", str(db))
    assert code == 0 and "saved as" in err
    store = SQLiteStore(db)
    (game,) = store.games()
    assert game.seq > 0 and store.events(game.id)[0].kind == "game-started"


def test_backtest_json_has_decisions_and_a_summary_with_baselines(capsys):
    code, out, _ = run(capsys, "backtest", POLAND, "--json")
    assert code == 0
    data = json.loads(out)
    first = data["decisions"][0]
    assert set(first) >= {"scenario", "turn", "state", "treaty", "historical", "predicted", "probabilities"}
    assert abs(sum(first["probabilities"].values()) - 1) < 1e-3
    summary = data["summary"]
    for key in ("n", "exact", "within_one", "honour_agreement", "brier"):
        assert key in summary and key in summary["baseline_all_honour"] and key in summary["baseline_all_neutral"]
    assert summary["n"] == len(data["decisions"])


def test_backtest_prints_a_table_a_historian_can_read(capsys):
    code, out, _ = run(capsys, "backtest", POLAND)
    assert code == 0 and "history" in out and "doctrine" in out and "baseline_all_honour" in out


@pytest.mark.parametrize("command", ["play", "replay", "backtest"])
def test_a_missing_file_is_a_usage_error(capsys, command, tmp_path):
    code, _, err = run(capsys, command, str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err


def test_an_invalid_scenario_prints_its_problems_and_exits_1(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: casus/1\nid: x\ntitle: X\nstart: 2027-01-01\nturns: 2\nstates: []\n")
    with pytest.raises(SystemExit) as exc:
        main(["play", str(bad)])
    assert exc.value.code == 1
    assert "bad.yaml:6:" in capsys.readouterr().err
