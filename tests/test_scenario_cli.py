"""`casus validate`, `casus schema` and `casus show`: outputs and exit codes (0 ok, 1 invalid, 2 unreadable)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from casus.cli import main
from engine.scenario import schema
from tests.test_scenario_load import FULL, MINIMAL


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL, encoding="utf-8")
    full = tmp_path / "full.yaml"
    full.write_text(FULL, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("deployments:", "deploymints:").replace("regime: autocracy", "regime: monarchy"),
                   encoding="utf-8")
    return {"good": good, "full": full, "bad": bad, "missing": tmp_path / "missing.yaml", "dir": tmp_path}


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_says_ok_and_exits_0_for_valid_files(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", files["good"], files["full"])
    assert (code, out, err) == (0, f"{files['good']}: ok\n{files['full']}: ok\n", "")


def test_validate_prints_every_problem_and_exits_1(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", files["bad"], files["good"])
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{files['bad']}:8:43: states[1].regime: 'monarchy' is not one of democracy, hybrid, autocracy",
        f"{files['bad']}:10:1: deploymints: unknown key; did you mean deployments?",
        f"{files['good']}: ok",
    ]


@pytest.mark.parametrize("which, reason", [("missing", "no such file"), ("dir", "is a directory")])
def test_validate_exits_2_for_unreadable_paths(files: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                               which: str, reason: str) -> None:
    code, out, err = run(capsys, "validate", files[which], files["bad"])
    assert code == 2
    assert err == f"casus validate: {files[which]}: {reason}\n"
    assert "deploymints: unknown key" in out  # the readable files are still checked


def test_validate_without_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2
    assert "FILE" in capsys.readouterr().err


def test_schema_prints_the_schema_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert code == 0 and json.loads(out) == schema()


def test_show_summarises_states_treaties_deployments_and_injects(files: dict[str, Path],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", files["full"])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Every field (full-house, casus/1)"
    assert lines[1] == "20 turns of PT12H, from 1914-06-28 to 1914-07-07 12:00"
    assert "  id   name             power  regime     nuclear  region  burden  control" in lines
    assert "  NO   NO               2      democracy  no       europe  0.9     player" in lines
    assert "  pact: Secret Pact [SECRET TREATY] (signed 1882-05-20, executive-agreement, secret, " \
           "invocation: two-thirds, leader AUH)" in lines
    assert "      members: AUH, NO" in lines
    assert "      - art. 2 (defense), automatic, against SRB, in europe, balkans, owed by AUH, " \
           "when 2+ states attack, void if provoked, only if attacked, own territory only [SECRET]" in lines
    assert "      - consultation, discretionary, against any adversary" in lines
    assert "  AUH    NO    corps" in lines
    turns = [line.strip() for line in lines if line.startswith("  turn ") and line[7].isdigit()]
    assert turns == ["turn 2, 1914-06-28 12:00", "turn 3, 1914-06-29", "turn 4, 1914-06-29 12:00"]
    assert "      sarajevo: terrorist-attack (? -> AUH, manual)" in lines
    assert "      ultimatum: armed-attack (AUH+NO -> SRB)" in lines
    assert "      leak: disclosure (treaty pact)" in lines


def test_show_lists_problems_of_an_invalid_file(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", files["bad"])
    assert code == 1 and "deploymints: unknown key" in out


def test_show_exits_2_for_a_missing_file(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", files["missing"])
    assert (code, out) == (2, "")
    assert err == f"casus show: {files['missing']}: no such file\n"
