"""Hostile and careless files: each is refused with a located message, fast, and no
failure of the loader ever reaches the user as a traceback.

The YAML files in tests/fixtures/hostile/ open with `# expect: LINE:COL: PATH: message`;
JSON files cannot carry comments, so theirs are below.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import time
from pathlib import Path
from typing import Any

import pytest

import engine.scenario as scenario_module
from casus.cli import main
from engine import scenario_schema
from engine.errors import ScenarioError, ScenarioInternalError
from engine.game import Game
from engine.model import TurnLength, add_months
from engine.scenario import from_data, load, loads
from engine.scenario_report import MAX_SUGGESTIONS
from engine.scenario_schema import MAX_EXPLAINED_ENTRIES
from tests.test_scenario_load import MINIMAL

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
HEADER = re.compile(r"# expect: (.*)\n")
JSON_EXPECT = {"deep-1000.json": "1:110: nested deeper than 64 levels"}


def fixtures() -> list[tuple[Path, str]]:
    cases = []
    for path in sorted(HOSTILE.iterdir()):
        if path.suffix == ".json":
            cases.append((path, JSON_EXPECT[path.name]))
        else:
            header = HEADER.match(path.read_text(encoding="utf-8"))
            assert header, f"{path.name} lacks its '# expect:' line"
            cases.append((path, header[1]))
    return cases


@pytest.mark.parametrize("path, expect", fixtures(), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_each_hostile_file_is_refused_with_its_located_message(path: Path, expect: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}:{expect}"]


@pytest.mark.parametrize("path, expect", fixtures(), ids=lambda v: v.name if isinstance(v, Path) else "")
def test_validate_reports_a_hostile_file_as_a_problem_not_a_traceback(
        path: Path, expect: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{path}:{expect}\n" and err == ""


# --- durations and dates ---------------------------------------------------------------

def with_time(start: str = "2025-01-01", length: str | None = None, turns: int = 5) -> str:
    text = MINIMAL.replace("start: 2025-01-01", f"start: {start}").replace("turns: 5", f"turns: {turns}")
    return text.replace("turns:", f"turn_length: {length}\nturns:") if length else text


@pytest.mark.parametrize("length", [
    "P1000000000D", "P999999999999W", "PT99999999999999999999H", "PT99999999999999999999999999S",
    "P" + "9" * 5000 + "D",                      # more digits than int() takes from a string
])
def test_durations_longer_than_the_calendar_are_refused_at_turn_length(length: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        loads(with_time(length=length), "s.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (5, "turn_length")
    assert "longer than the calendar" in problem.message or "after 9999-12-31" in problem.message


@pytest.mark.parametrize("start, length, turns", [
    ("9999-12-31", "P1D", 2), ("9999-12-01", "P1M", 2), ("2027-03-02", "P9999Y", 3),
    ("9999-12-31", "PT1H", 25), ("0001-01-01", "P999999999D", 2), ("2027-01-01", "P100Y", 1000),
])
def test_a_last_turn_past_9999_is_refused(start: str, length: str, turns: int) -> None:
    with pytest.raises(ScenarioError) as caught:
        loads(with_time(start, length, turns), "s.yaml")
    (problem,) = caught.value.problems
    assert problem.path == "turn_length" and "falls after 9999-12-31" in problem.message


@pytest.mark.parametrize("start, length, turns, last", [
    ("9999-12-30", "P1D", 2, "9999-12-31T00:00:00"),
    ("9999-12-31", "P1M", 1, "9999-12-31T00:00:00"),    # turn 1 is the start, even at the calendar's end
    ("9999-11-30", "P1M", 2, "9999-12-30T00:00:00"),
    ("9999-12-31", "PT1H", 24, "9999-12-31T23:00:00"),
    ("2024-01-31", "P1M", 2, "2024-02-29T00:00:00"),    # kept to the month's last day
])
def test_a_last_turn_on_or_before_9999_12_31_loads_and_shows(
        start: str, length: str, turns: int, last: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = loads(with_time(start, length, turns), "s.yaml")
    assert scenario.date_of(turns).isoformat() == last
    path = tmp_path / "edge.yaml"
    path.write_text(with_time(start, length, turns), encoding="utf-8")
    assert main(["show", str(path)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_game_at_the_calendars_end_plays_every_turn() -> None:
    scenario = loads(with_time("9999-12-27", "P1D", 5), "s.yaml")
    game = Game.new(scenario)
    game.play(5)
    assert game.state.turn == 5


@pytest.mark.parametrize("length", ["P0D", "PT0S", "P0Y0M0W0DT0H0M0S"])
def test_a_turn_in_which_no_time_passes_is_refused(length: str) -> None:
    with pytest.raises(ScenarioError, match=r"s\.yaml:5:14: turn_length: .* is no time at all"):
        loads(with_time(length=length), "s.yaml")


def test_duration_parsing_raises_value_errors_only() -> None:
    with pytest.raises(ValueError, match="longer than the calendar"):
        TurnLength.parse("P1000000000D")
    with pytest.raises(ValueError, match="past 9999-12-31"):
        add_months(dt.datetime(9999, 12, 1), 1)
    assert add_months(dt.datetime(9999, 12, 31), 0) == dt.datetime(9999, 12, 31)


# --- deep nesting ---------------------------------------------------------------------

@pytest.mark.parametrize("depth", [65, 1000, 100_000])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_deep_nesting_is_refused_in_json_as_in_yaml(depth: int, suffix: str) -> None:
    text = '{"x-deep": ' + "[" * depth + "]" * depth + "}"
    # libyaml stops at its own limit (1,000 flow levels) before the reader's, with its own words
    with pytest.raises(ScenarioError, match="nested deeper than 64 levels|maximum nesting depth"):
        loads(text, f"deep{suffix}")


def test_brackets_inside_json_strings_do_not_count_as_nesting() -> None:
    data = '{"format": "casus/1", "id": "x", "title": "' + "[" * 200 + '\\" {", "start": "2025-01-01"}'
    with pytest.raises(ScenarioError) as caught:
        loads(data, "s.json")
    assert all("nested" not in p.message for p in caught.value.problems)


# --- bounded costs on long lists ---------------------------------------------------------

def states(n: int, prefix: str = "S") -> str:
    return "".join(f"  - {{id: {prefix}{i}, name: N{i}, power: 1, regime: democracy}}\n" for i in range(n))


def elapsed(action: Any) -> float:
    """CPU seconds, which other work on a shared machine does not inflate as it does wall time."""
    began = time.process_time()
    with contextlib.suppress(ScenarioError):
        action()
    return time.process_time() - began


def test_a_repeat_in_a_long_member_list_costs_linear_time() -> None:
    n = 40_000
    members = ", ".join(["S0", "S0"] + [f"S{i}" for i in range(1, n)])
    text = (f"format: casus/1\nid: long\ntitle: Long\nstart: 2025-01-01\nturns: 2\nstates:\n{states(n)}"
            f"treaties:\n  - {{id: t, name: T, members: [{members}], obligations: [{{type: defense}}]}}\n")
    with pytest.raises(ScenarioError) as caught:
        loads(text, "s.yaml")
    assert [p.message for p in caught.value.problems] == ["'S0' is listed twice"]
    assert elapsed(lambda: loads(text, "s.yaml")) < 6.0   # 1.8 s; quadratic, it took 16 s


def test_a_repeated_id_in_a_long_list_is_reported_once_at_its_place() -> None:
    n = 20_000
    text = (f"format: casus/1\nid: long\ntitle: Long\nstart: 2025-01-01\nturns: 2\nstates:\n"
            f"{states(n)}{states(1)}")
    with pytest.raises(ScenarioError) as caught:
        loads(text, "s.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"s.yaml:{n + 7}:10: states[{n}].id: duplicate id 'S0' (first at line 7)"]
    assert elapsed(lambda: loads(text, "s.yaml")) < 5.0


def test_suggestions_are_bounded_per_file() -> None:
    n = 2000
    relations = "".join(f"  - {{from: S{i}, to: X{i}}}\n" for i in range(n))
    text = (f"format: casus/1\nid: many\ntitle: Many\nstart: 2025-01-01\nturns: 2\nstates:\n{states(n)}"
            f"relations:\n{relations}")
    with pytest.raises(ScenarioError) as caught:
        loads(text, "s.yaml")
    problems = caught.value.problems
    assert len(problems) == n and all(p.message.startswith(f"unknown state 'X{i}'") for i, p in enumerate(problems))
    hinted = [i for i, p in enumerate(problems) if "did you mean" in p.message]
    assert hinted and max(hinted) < MAX_SUGGESTIONS    # the first ones only: X10 is close to S10, X0 to nothing
    assert problems[10].message == "unknown state 'X10'; did you mean S10?"
    assert problems[-1].message == f"unknown state 'X{n - 1}' (no such id in states)"
    assert elapsed(lambda: loads(text, "s.yaml")) < 2.0   # 0.2 s; one search per reference took 5.4 s


def test_a_suggestion_is_still_the_closest_known_name() -> None:
    text = MINIMAL.replace("{from: A, to: B}", "{from: Alph, to: B}").replace(
        "- {id: A, name: Alpha", "- {id: Alpha, name: Alpha").replace("actor: B, target: A", "actor: B, target: Alpha")
    text = text.replace("members: [A, B]", "members: [Alpha, B]").replace("{state: A, host: B}", "{state: Alpha, host: B}")
    text = text.replace("state: A, response", "state: Alpha, response")
    with pytest.raises(ScenarioError) as caught:
        loads(text, "s.yaml")
    assert [p.message for p in caught.value.problems] == ["unknown state 'Alph'; did you mean Alpha?"]


# --- a failure of the loader itself -------------------------------------------------------

@pytest.fixture
def broken_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loader with a bug no file should reach: building the model fails."""
    def fail(data: dict[str, Any], origin: str) -> Any:
        raise OverflowError("a bug")
    monkeypatch.setattr(scenario_module, "build", fail)


def test_a_loader_failure_is_its_own_error_naming_the_file(broken_loader: None) -> None:
    with pytest.raises(ScenarioInternalError) as caught:
        loads(MINIMAL, "mine.yaml")
    assert caught.value.file == "mine.yaml" and isinstance(caught.value.__cause__, OverflowError)
    with pytest.raises(ScenarioInternalError):
        from_data({"format": "casus/1"} | __import__("yaml").safe_load(MINIMAL.replace("2025-01-01", "'2025-01-01'")))


@pytest.mark.parametrize("command", ["validate", "show", "play"])
def test_commands_apologise_in_one_line_and_exit_3_on_a_loader_failure(
        command: str, broken_loader: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    try:
        code = main([command, str(path)])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 3 and code not in (1, 2)
    assert err.count("\n") == 1 and str(path) in err and "bug" in err and "Traceback" not in err + out


def test_the_console_answers_a_loader_failure_with_json_on_the_api_and_a_page_elsewhere(
        broken_loader: None, tmp_path: Path) -> None:
    from tests.e2e.support import UMPIRE_TOKEN, bearer, csrf, make_app, umpire_client
    app = make_app(tmp_path)
    api = app.test_client().post("/api/v1/exercises", headers=bearer(UMPIRE_TOKEN),
                                 json={"yaml": MINIMAL, "name": "mine.yaml"})
    assert api.status_code == 500 and api.is_json
    assert "mine.yaml" in api.get_json()["error"] and "bug" in api.get_json()["error"]
    umpire = umpire_client(app)
    page = umpire.post("/exercises", data={"csrf_token": csrf(umpire),
                                           "file": (io.BytesIO(MINIMAL.encode()), "mine.yaml")},
                       content_type="multipart/form-data")
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "mine.yaml" in page.get_data(as_text=True)


# --- the format's limits ---------------------------------------------------------------------

@pytest.mark.slow
def test_a_scenario_at_the_formats_limits_validates_and_plays_a_turn(tmp_path: Path) -> None:
    """1,000 states, 5,000 treaties, 10,000 injects over 1,000 turns (benchmarks/bench_scale.py
    times it): valid, within the 5 MB limit, and its first turn plays."""
    import yaml

    from benchmarks.generate import generate_scenario
    data = generate_scenario(1000, 5000, 10_000, seed=0)
    path = tmp_path / "scale.yaml"
    path.write_text(yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False),
                    encoding="utf-8")
    assert path.stat().st_size < scenario_module.MAX_BYTES
    scenario = load(path)
    assert (len(scenario.states), len(scenario.treaties), scenario.turns) == (1000, 5000, 1000)
    assert scenario.date_of(1000).date() == dt.date(2032, 9, 26)
    game = Game.new(scenario)
    game.play(1)
    assert game.state.turn == 1


@pytest.mark.parametrize("fixture", ["duration-billion-days.yaml", "start-9999-12-31.yaml", "duration-zero.yaml"])
def test_the_console_refuses_a_hostile_upload_with_its_problems(fixture: str, tmp_path: Path) -> None:
    from tests.e2e.support import UMPIRE_TOKEN, bearer, make_app
    app = make_app(tmp_path)
    text = (HOSTILE / fixture).read_text(encoding="utf-8")
    made = app.test_client().post("/api/v1/exercises", headers=bearer(UMPIRE_TOKEN),
                                  json={"yaml": text, "name": fixture})
    assert made.status_code == 422 and made.is_json
    assert [p["path"] for p in made.get_json()["problems"]] == ["turn_length"]


def test_tens_of_thousands_of_faulty_entries_are_counted_past_the_first_thousand(
        monkeypatch: pytest.MonkeyPatch) -> None:
    n = 30_000
    entries = "".join(f"  - {{id: S{i}, name: N{i}, power: 1, regime: monarchy}}\n" for i in range(n))
    text = f"format: casus/1\nid: many\ntitle: Many\nstart: 2025-01-01\nturns: 2\nstates:\n{entries}"
    with pytest.raises(ScenarioError) as caught:
        loads(text, "s.yaml")
    problems = caught.value.problems
    assert len(problems) == MAX_EXPLAINED_ENTRIES + 1
    assert all(p.message.startswith("'monarchy' is not one of") for p in problems[:MAX_EXPLAINED_ENTRIES])
    assert str(problems[-1]) == (
        f"s.yaml:{MAX_EXPLAINED_ENTRIES + 7}:5: states[{MAX_EXPLAINED_ENTRIES}]: this entry and "
        f"{n - MAX_EXPLAINED_ENTRIES - 1:,} more after it have problems not listed here: only the first "
        f"{MAX_EXPLAINED_ENTRIES:,} faulty entries are explained; fix those first")
    # Explaining an entry is what cost the time (every entry: 2.8 s; the first thousand: 1.0 s): past
    # the thousandth, an entry is counted, and jsonschema is not asked about it at all.
    top, items = scenario_schema._parts()
    asked: list[object] = []

    class Counting:
        def __init__(self, validator: Any) -> None:
            self.validator = validator

        def iter_errors(self, entry: object) -> Any:
            asked.append(entry)
            return self.validator.iter_errors(entry)

    monkeypatch.setattr(scenario_schema, "_parts", lambda: (
        top, {key: (fast, Counting(validator)) for key, (fast, validator) in items.items()}))
    with pytest.raises(ScenarioError):
        loads(text, "s.yaml")
    assert len(asked) == MAX_EXPLAINED_ENTRIES
