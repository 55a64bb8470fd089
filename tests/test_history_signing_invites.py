"""The history files' invitations and situations at signing are sourced and reproducible.

Every `invites` carries an `x-invites` note saying who asked whom, and where that is
recorded. Every `at_signing` is recomputed from the data sets it cites (COW NMC v6.0 CINC
and Polity IV polity2 of the signing year, or of the year a member joined: ATOP's entry
date, or the year the `x-at-signing` note gives for a treaty ATOP does not code; power on
the file's own scale); those checks
read the data from CASUS_DATA, or from `shared/data` beside the repository, and are
skipped, with the reason, when neither holds them.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import statistics
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.importers.atop_states import polity2_of, regime_of

HISTORY = sorted((Path(__file__).resolve().parents[1] / "scenarios" / "history").glob("*.yaml"))


def _data_dir() -> Path:
    if os.environ.get("CASUS_DATA"):
        return Path(os.environ["CASUS_DATA"])
    return Path(__file__).resolve().parents[2] / "shared" / "data"


@cache
def _raw(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _items(key: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(file, its data, each inject or treaty having `key`)."""
    section = "injects" if key == "invites" else "treaties"
    return [(p.stem, _raw(p), item) for p in HISTORY for item in _raw(p).get(section, ())
            if key in item]


INVITES = _items("invites")
AT_SIGNING = _items("at_signing")


def test_the_history_files_code_invitations_and_situations_at_signing():
    assert len({f for f, _, _ in INVITES}) >= 10
    assert len(AT_SIGNING) >= 50


@pytest.mark.parametrize("crisis, data, inject", INVITES, ids=[f"{f}:{i['id']}" for f, _, i in INVITES])
def test_each_invitation_names_its_source(crisis, data, inject):
    note = inject.get("x-invites", "")
    assert "(" in note and any(ch.isdigit() for ch in note), "cite where the request is recorded"
    states = {s["id"] for s in data["states"]}
    assert set(inject["invites"]) <= states


@cache
def _cow() -> tuple[dict[tuple[str, int], float], dict[str, int]]:
    path = _data_dir() / "cow" / "NMC-60-abridged.csv"
    if not path.exists():
        pytest.skip(f"no COW NMC data at {path} (set CASUS_DATA)")
    cinc, codes = {}, {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            codes[row["stateabb"]] = int(row["ccode"])
            try:
                cinc[(row["stateabb"], int(row["year"]))] = float(row["cinc"])
            except ValueError:
                continue
    return cinc, codes


@cache
def _polity(year: int) -> dict[int, int | None]:
    path = _data_dir() / "polity" / "polity4v2015.csv"
    if not path.exists():
        pytest.skip(f"no Polity IV data at {path} (set CASUS_DATA)")
    found: dict[int, int | None] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            if int(row["year"]) == year and row["polity2"].strip() not in ("", "NA"):
                found[int(row["ccode"])] = int(float(row["polity2"]))
    return found


@cache
def _atop_entry() -> dict[tuple[int, int], int]:
    path = _data_dir() / "atop" / "atop4_01m.csv"
    if not path.exists():
        pytest.skip(f"no ATOP member data at {path} (set CASUS_DATA)")
    entry: dict[tuple[int, int], int] = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            key = (int(row["atopid"]), int(row["member"]))
            entry[key] = min(entry.get(key, 9999), int(row["yrent"]))
    return entry


def _member_years(treaty: dict[str, Any], codes: dict[str, int], states: dict[str, Any]) -> dict[str, int]:
    """The year each listed member is measured at: the signing year, or the year it joined."""
    signed = dt.date.fromisoformat(str(treaty["signed"])).year
    noted = {m: int(y) for m, y in re.findall(r"([A-Z]{3}) ([0-9]{4})", treaty.get("x-at-signing", ""))}
    atop = treaty.get("x-atop")
    years = {}
    for member in treaty["at_signing"].get("power", {}):
        if isinstance(atop, int):
            joined = _atop_entry().get((atop, codes[states[member]["x-cow"]]), signed)
            years[member] = max(signed, joined)
            assert noted.get(member, signed) == years[member], "the note names the year ATOP gives"
        else:
            years[member] = noted.get(member, signed)
    return years


@pytest.mark.parametrize("crisis, data, treaty", AT_SIGNING,
                         ids=[f"{f}:{t['id']}" for f, _, t in AT_SIGNING])
def test_each_situation_at_signing_is_the_data_sets_at_the_signing_year(crisis, data, treaty):
    cinc, codes = _cow()
    states = {s["id"]: s for s in data["states"]}
    years = _member_years(treaty, codes, states)
    # The file's scale: its power per unit of CINC (the strongest state at the start is 100).
    scale = statistics.median(s["power"] / s["x-cinc"] for s in states.values()
                              if isinstance(s.get("x-cinc"), (int, float)) and s["x-cinc"] > 0
                              and s["power"] > 1)
    at = treaty["at_signing"]
    for member, power in at.get("power", {}).items():
        abb = states[member]["x-cow"]
        assert power == pytest.approx(min(100.0, round(cinc[(abb, years[member])] * scale, 2)), abs=0.011)
    for member, regime in at.get("regime", {}).items():
        abb = states[member]["x-cow"]
        assert regime == regime_of(polity2_of(codes[abb], _polity(years[member])))
