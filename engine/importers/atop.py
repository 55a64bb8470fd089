"""A scenario skeleton of the real alliance system in force on a date.

The facts come from the field's data sets, read from files the user names:

* ATOP v4.01 (Leeds et al. 2002): the member-level file says who was bound by
  which alliance, in which phase, with which obligations and conditions; the
  alliance-level file gives the signature date, the secret articles and the
  states a treaty names as a threat.
* COW State System Membership v2016: which states exist on the date (ids are
  COW's `stateabb`, names its `statenme`).
* COW National Material Capabilities v6.0: CINC of the year, scaled so the
  strongest state in the world that year has power 100.
* Polity IV: `polity2` of the year gives the regime.

The date defaults to 1 July of the year: mid-year, so that a state that joined
or left in the year is counted for the half it was in, and, for 1914, the
system of the July crisis. Other choices the data force on us are written
into the scenario's `x-` notes so the author sees them where they apply, and
explained where they are made:

* `atop_files`: locating and reading the data files;
* `atop_rows`: the rows in force on the date and the ATOP codes they carry;
* `atop_states`: the states, their power, regime and region;
* `atop_treaties`: the alliances as treaties, obligations and their notes.

This module assembles the scenario and is the importer's public face: every
name of the parts a caller needs is importable from here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from .atop_files import (
    ATOP_ALLIANCES,
    ATOP_MEMBERS,
    COW_NMC,
    COW_STATES,
    DATA_FILES,
    POLITY,
    DataError,
    DataFile,
    DataPaths,
    ImportProblem,
    MissingDataError,
    check_files,
)
from .atop_rows import (
    CONDITION_COLUMNS,
    INSTITUTION_SCALE,
    MEMBER_CODES,
    OBLIGATION_COLUMNS,
    AllianceRow,
    MemberRow,
    SystemMember,
    Tables,
    read_atop_alliances,
    read_atop_members,
    read_capabilities,
    read_polity,
    read_system,
    read_tables,
)
from .atop_states import POLITY_CODES, REGIONS, chosen, polity2_of, regime_of, region_of, scaled_power, state
from .atop_states import strongest_state as _strongest_state
from .atop_treaties import CONDITION_MEANING, MAPPED_CONDITIONS, TreatyContext, institutionalization, treaties

__all__ = [
    "ATOP_ALLIANCES", "ATOP_MEMBERS", "CONDITION_COLUMNS", "CONDITION_MEANING", "COW_NMC", "COW_STATES",
    "DATA_FILES", "DEFAULT_TURNS", "FORMAT", "INSTITUTION_SCALE", "MAPPED_CONDITIONS", "MEMBER_CODES",
    "OBLIGATION_COLUMNS", "POLITY", "POLITY_CODES", "REGIONS", "SOURCES",
    "AllianceRow", "DataError", "DataFile", "DataPaths", "ImportProblem", "MemberRow", "MissingDataError",
    "SystemMember", "Tables",
    "build_scenario", "check_files", "default_date", "import_atop", "institutionalization", "polity2_of",
    "read_atop_alliances", "read_atop_members", "read_capabilities", "read_polity", "read_system",
    "read_tables", "regime_of", "region_of", "scaled_power", "to_yaml",
]

FORMAT = "casus/1"
DEFAULT_TURNS = 10
_MEMBER_CODES = MEMBER_CODES  # the name the member-level columns went by when private

SOURCES = (
    {"cite": "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. "
             "2002. \"Alliance Treaty Obligations and Provisions, 1815-1944.\" International "
             "Interactions 28: 237-260. Data: ATOP v4.01.",
     "url": "http://www.atopdata.org"},
    {"cite": "Correlates of War Project. 2017. \"State System Membership List, v2016.\"",
     "url": "https://correlatesofwar.org/data-sets/state-system-membership/"},
    {"cite": "Singer, J. David, Stuart Bremer, and John Stuckey. 1972. \"Capability Distribution, "
             "Uncertainty, and Major Power War, 1820-1965.\" In Bruce Russett (ed.), Peace, War, and "
             "Numbers. Beverly Hills: Sage, 19-48. Data: National Material Capabilities v6.0 (2021).",
     "url": "https://correlatesofwar.org/data-sets/national-material-capabilities/"},
    {"cite": "Marshall, Monty G., Ted Robert Gurr, and Keith Jaggers. 2016. \"Polity IV Project: "
             "Political Regime Characteristics and Transitions, 1800-2015.\" Center for Systemic Peace.",
     "url": "https://www.systemicpeace.org/inscrdata.html"},
)


def default_date(year: int) -> dt.date:
    """The day a year's alliance system is read on when no date is given: 1 July."""
    return dt.date(year, 7, 1)


def import_atop(paths: DataPaths, day: dt.date, only: Sequence[str] | None = None) -> dict[str, Any]:
    """Read the data files and build the scenario skeleton for `day`."""
    return build_scenario(read_tables(paths, day), only)


def build_scenario(tables: Tables, only: Sequence[str] | None = None,
                   turns: int = DEFAULT_TURNS) -> dict[str, Any]:
    """The scenario skeleton (plain data, the format's key order) for `tables.day`.

    `only`: COW state abbreviations to keep; treaties then keep only those
    members and are dropped when fewer than two remain.
    """
    day = tables.day
    if not tables.system:
        raise ImportProblem(f"no state is a member of the COW state system on {day} "
                            "(State System Membership v2016 covers 1816-01-01 to 2016-12-31)")
    kept = chosen(tables.system, only, day)
    strongest, strongest_id = _strongest_state(tables)
    states = [state(s, tables, strongest) for s in kept]
    ctx = TreatyContext(day=day, ids={s.ccode: s.abb for s in kept},
                        system={s.ccode: s for s in tables.system},
                        power={s["id"]: s["power"] for s in states}, filtered=only is not None)
    found, left_out = treaties(tables.members, tables.alliances, ctx)
    scenario = _heading(day, turns)
    scenario["states"] = states
    scenario["treaties"] = found
    scenario["x-import"] = _extension(tables, strongest_id, kept if only is not None else None, left_out)
    return scenario


def _extension(tables: Tables, strongest_id: str | None, kept: Sequence[SystemMember] | None,
               left_out: list[str]) -> dict[str, Any]:
    """The `x-import` notes: how the data were read; `kept` when the user named the states."""
    extension: dict[str, Any] = {"date": tables.day.isoformat(), "notes": _general_notes(tables, strongest_id)}
    if kept is not None:
        extension["states_filter"] = [s.abb for s in kept]
    if left_out:
        extension["left_out"] = left_out
    return extension


def _heading(day: dt.date, turns: int) -> dict[str, Any]:
    """The scenario's fields before its states, in the format's key order."""
    when = f"{day.day} {day:%B} {day.year}"
    return {
        "format": FORMAT,
        "id": f"atop-{day.year}" if day == default_date(day.year) else f"atop-{day.isoformat()}",
        "title": f"Alliance system on {when}",
        "description": (
            f"The states of the system and the alliances in force on {when}, from ATOP v4.01, "
            "COW State System Membership v2016, COW NMC v6.0 and Polity IV. A skeleton to edit: "
            "relations, deployments and injects are for the author to add; the x- notes say "
            "what the data do not code."),
        "start": day.isoformat(),
        "turns": turns,
        "sources": [dict(s) for s in SOURCES],
    }


def _general_notes(tables: Tables, strongest_id: str | None) -> list[str]:
    year = tables.day.year
    notes = [
        f"treaties: ATOP member-level rows in force on {tables.day} (entry <= date < exit); "
        "x-atop gives the ATOP id and phase",
        f"power: CINC of {tables.cinc_year} (NMC v6.0) scaled so the strongest state in the "
        f"world ({strongest_id}) is 100",
        f"regime: Polity IV polity2 of {tables.polity_year}: >= 6 democracy, <= -6 autocracy, "
        "else hybrid (also when not coded)",
        "region: COW code ranges: 2-165 americas, 200-399 europe, 400-626 africa, "
        "630-698 middle-east, 700-899 asia, 900-990 oceania",
        "nuclear: the data sets do not code it; every state is false: set it for the nuclear powers",
        "burden_sharing, governance: not coded; the format's defaults apply",
        "commitment: ATOP does not distinguish automatic from discretionary; discretionary applies",
        "invocation: not coded by ATOP; member (the attacked member alone) is a placeholder",
        "institutionalization: mean of milcon/3, intcom, base/3, organ1/3 (ATOP), 0..1",
        "relations, deployments and injects: none; the author adds them",
        f"turns: {DEFAULT_TURNS} of one day each, a placeholder for the author's game",
    ]
    if tables.cinc_year != year:
        notes.append(f"power: NMC has no {year}; the capabilities are those of {tables.cinc_year}")
    if tables.polity_year != year:
        notes.append(f"regime: Polity IV has no {year}; the regimes are those of {tables.polity_year}")
    return notes


def to_yaml(scenario: Mapping[str, Any], schema: str | None = None) -> str:
    """YAML text of a scenario, keys in the format's order, under a schema modeline
    (or, without a schema path, a comment saying how to add one)."""
    if schema:
        head = f"# yaml-language-server: $schema={schema}\n"
    else:
        head = ("# For completion and checks in an editor, start this file with a modeline naming\n"
                "# the scenario schema of casus (schemas/scenario.schema.json), for example:\n"
                "#   # yaml-language-server: $schema=../schemas/scenario.schema.json\n")
    head += ("# Generated by `casus import atop` from ATOP v4.01, COW and Polity IV; "
             "review the x- notes.\n")
    body = yaml.safe_dump(dict(scenario), sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=100)
    return head + body
