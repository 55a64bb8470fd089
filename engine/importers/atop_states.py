"""The states of the imported scenario: which, and each one's power, regime and region.

* Power is CINC of the year scaled so the strongest state in the world that
  year has 100.
* Regime is Polity IV's polity2 under the conventional cut-offs; Polity's
  country codes differ from COW's for a few states (see `POLITY_CODES`).
* Regions come from COW code ranges (see `REGIONS`); COW itself puts Oceania
  with Asia, we split it at 900 so treaty scopes can tell them apart.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from .atop_files import ImportProblem
from .atop_rows import SystemMember, Tables

REGIONS: tuple[tuple[int, int, str], ...] = (  # COW code ranges, inclusive
    (2, 165, "americas"),
    (200, 399, "europe"),
    (400, 626, "africa"),
    (630, 698, "middle-east"),
    (700, 899, "asia"),
    (900, 990, "oceania"),
)

# Where Polity's country codes differ from COW's: COW code -> Polity codes to try,
# in order (the first with a value for the year wins).
POLITY_CODES: Mapping[int, tuple[int, ...]] = {
    300: (305,),            # Austria-Hungary: Polity codes Austria throughout
    345: (345, 342, 347),   # Serbia / Yugoslavia / Serbia and Montenegro
    365: (365, 364),        # Russia; Polity codes the USSR 1922-1991 as 364
    341: (348,),            # Montenegro (Polity's 341 is Kosovo)
    347: (341,),            # Kosovo
    530: (530, 529),        # Ethiopia after Eritrea's independence
    625: (625, 626),        # Sudan after 2011 (Polity: Sudan-North)
    626: (525,),            # South Sudan (Polity's 626 is Sudan-North)
    770: (770, 769),        # Pakistan before 1972
    816: (816, 818),        # Vietnam after 1976
}


def region_of(ccode: int) -> str | None:
    for low, high, region in REGIONS:
        if low <= ccode <= high:
            return region
    return None


def regime_of(polity2: int | None) -> str:
    """Polity's conventional cut-offs: >= 6 democracy, <= -6 autocracy, otherwise hybrid."""
    if polity2 is None:
        return "hybrid"
    if polity2 >= 6:
        return "democracy"
    if polity2 <= -6:
        return "autocracy"
    return "hybrid"


def polity2_of(ccode: int, polity: Mapping[int, int | None]) -> int | None:
    for code in POLITY_CODES.get(ccode, (ccode,)):
        if polity.get(code) is not None:
            return polity[code]
    return None


def scaled_power(cinc: float | None, strongest: float | None) -> float:
    """CINC as a share of the strongest state's, 0..100, to 2 decimals."""
    if cinc is None or not strongest:
        return 0.0
    return round(min(100.0, 100.0 * cinc / strongest), 2)


def strongest_state(tables: Tables) -> tuple[float | None, str | None]:
    """The highest CINC of the year, and the id of the state that has it."""
    coded = [v for v in tables.cinc.values() if v is not None]
    top = max(coded) if coded else None
    return top, next((s.abb for s in tables.system if tables.cinc.get(s.ccode) == top), None)


def state(member: SystemMember, tables: Tables, strongest: float | None) -> dict[str, Any]:
    """One system member as a state of the format (its keys in the format's order)."""
    notes = []
    cinc = tables.cinc.get(member.ccode)
    if cinc is None:
        notes.append(f"power: no CINC for {tables.cinc_year} in NMC v6.0; set it")
    polity2 = polity2_of(member.ccode, tables.polity)
    if polity2 is None:
        notes.append(f"regime: no Polity IV polity2 for {tables.polity_year}; hybrid is a placeholder")
    region = region_of(member.ccode)
    entry: dict[str, Any] = {
        "id": member.abb,
        "name": member.name,
        "power": scaled_power(cinc, strongest),
        "regime": regime_of(polity2),
        "nuclear": False,
    }
    if region:
        entry["region"] = region
    entry["control"] = "npc"
    entry["x-cow"] = {"ccode": member.ccode, "cinc": cinc, "polity2": polity2}
    if notes:
        entry["x-notes"] = notes
    return entry


def chosen(system: Sequence[SystemMember], only: Sequence[str] | None,
           day: dt.date) -> list[SystemMember]:
    """The system members to import: all, or those `only` names by COW abbreviation."""
    if only is None:
        return list(system)
    wanted = {a.strip().upper() for a in only if a.strip()}
    known = {s.abb for s in system}
    unknown = sorted(wanted - known)
    if unknown:
        raise ImportProblem(f"not a COW system member on {day}: {', '.join(unknown)} "
                            "(use COW state abbreviations, e.g. GMY, AUH, UKG, RUS)")
    found = [s for s in system if s.abb in wanted]
    if len(found) < 2:
        raise ImportProblem("a scenario needs at least two states: name two or more with the filter")
    return found
