"""The rows of the data sets in force on a date, and the ATOP codes they carry.

ATOP phases and member entry and exit dates make the date matter: a member is
bound when entry <= date < exit. An uncoded entry month or day is read as the
earliest (the member counts from the start), an uncoded exit month or day as
the latest (the member counts to the end of the coded month or year).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .atop_files import (
    ATOP_ALLIANCES,
    ATOP_MEMBERS,
    COW_NMC,
    COW_STATES,
    POLITY,
    DataFile,
    DataPaths,
    check_files,
    columns,
    to_float,
    to_int,
)

_OPEN_END = dt.date.max  # ATOP codes "still in force" as exit year 0
_Value = TypeVar("_Value")


@dataclass(frozen=True, slots=True)
class SystemMember:
    ccode: int
    abb: str
    name: str


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One ATOP member-level row (a member in one phase of an alliance)."""
    atopid: int
    ccode: int
    phase: int
    entry: dt.date
    exit: dt.date
    codes: Mapping[str, int | None]  # obligation, condition, secrecy and institution codes


@dataclass(frozen=True, slots=True)
class AllianceRow:
    atopid: int
    signed: dt.date | None
    signed_text: str  # as coded, for notes when the date is incomplete
    secret_articles: int | None
    threats: tuple[int, ...]  # COW codes of the states the treaty names as a threat


OBLIGATION_COLUMNS = {  # ATOP column -> obligation type of the format
    "defense": "defense", "offense": "offense", "neutral": "neutrality",
    "nonagg": "nonaggression", "consul": "consultation",
}
CONDITION_COLUMNS = {  # member-level condition codes of each ATOP obligation column
    "defense": ("defcoadv", "defcoloc", "defcocon", "defconum", "defcodem", "defconpr"),
    "offense": ("offcoadv", "offcoloc", "offcocon", "offconum", "offcodem"),
    "neutral": ("neucoadv", "neucoloc", "neucocon", "neuconum", "neucodem", "neuconpr", "neucoatt"),
    "nonagg": (),
    "consul": ("concoadv", "concoloc", "concocon", "concoreq"),
}
INSTITUTION_SCALE = {"milcon": 3, "intcom": 1, "base": 3, "organ1": 3}
MEMBER_CODES = (("pubsecr", "asymm") + tuple(OBLIGATION_COLUMNS)
                + tuple(c for cs in CONDITION_COLUMNS.values() for c in cs)
                + tuple(INSTITUTION_SCALE))


def _date(year: int, month: int, day: int) -> dt.date:
    """A date, with impossible days (a coded 31 April) moved to the month's last day."""
    month = min(max(month, 1), 12)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(dt.date(year, month, 1) + dt.timedelta(days=max(day, 1) - 1),
               following - dt.timedelta(days=1))


def _entry_date(year: int, month: int | None, day: int | None) -> dt.date:
    return _date(year, month or 1, day or 1)


def _exit_date(year: int | None, month: int | None, day: int | None) -> dt.date:
    """The first day no longer bound."""
    if not year:
        return _OPEN_END
    if not month:
        return dt.date(year + 1, 1, 1)
    if not day:
        return _date(year, month, 31) + dt.timedelta(days=1)
    return _date(year, month, day)


def read_system(path: Path, day: dt.date) -> tuple[SystemMember, ...]:
    """The COW system members on `day` (membership end dates are inclusive), by COW code."""
    names = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday",
             "endyear", "endmonth", "endday")
    found = {}
    for abb, code, name, sy, sm, sd, ey, em, ed in columns(COW_STATES, path, names):
        start_year, end_year = to_int(sy), to_int(ey)
        if start_year is None or end_year is None or not start_year <= day.year <= end_year:
            continue
        start = _entry_date(start_year, to_int(sm), to_int(sd))
        end_month, end_day = to_int(em), to_int(ed)
        end = _exit_date(end_year, end_month, end_day)
        if end_month and end_day:
            end += dt.timedelta(days=1)  # COW's end date is the last day in the system
        ccode = to_int(code)
        if ccode is not None and start <= day < end:
            found[ccode] = SystemMember(ccode, abb.strip(), name.strip())
    return tuple(found[c] for c in sorted(found))


def _by_year(spec: DataFile, path: Path, value_column: str, year: int,
             convert: Callable[[str], _Value]) -> tuple[int | None, dict[int, _Value]]:
    """The values of `year` by COW code; when the file ends before `year`, those of its
    last year. Returns (the year used, values), or (None, {}) when the file has neither.
    Rows without a COW code are skipped: their value belongs to no state."""
    wanted = str(year)
    values: dict[int, _Value] = {}
    last_year, last_values = -1, values.copy()
    for code, yr, value in columns(spec, path, ("ccode", "year", value_column)):
        row_year = year if yr == wanted else to_int(yr)  # the string test spares most conversions
        if row_year is None or row_year > year or (ccode := to_int(code)) is None:
            continue
        if row_year == year:
            values[ccode] = convert(value)
            continue
        if row_year > last_year:
            last_year, last_values = row_year, {}
        if row_year == last_year:
            last_values[ccode] = convert(value)
    if values:
        return year, values
    if last_values:
        return last_year, last_values
    return None, {}


def read_capabilities(path: Path, year: int) -> tuple[int | None, dict[int, float | None]]:
    """CINC by COW code for `year` (or the file's last year before it)."""
    def cinc(text: str) -> float | None:
        value = to_float(text)
        return value if value is not None and value >= 0 else None
    return _by_year(COW_NMC, path, "cinc", year, cinc)


def read_polity(path: Path, year: int) -> tuple[int | None, dict[int, int | None]]:
    """polity2 by Polity's own country code for `year` (or the file's last year before it)."""
    def polity2(text: str) -> int | None:
        value = to_int(text)
        return value if value is not None and -10 <= value <= 10 else None
    return _by_year(POLITY, path, "polity2", year, polity2)


_MEMBER_DATES = ("atopid", "member", "phase", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit")


def read_atop_members(path: Path, day: dt.date) -> tuple[MemberRow, ...]:
    """The ATOP member-level rows in force on `day`: entry <= day < exit."""
    rows = []
    for values in columns(ATOP_MEMBERS, path, _MEMBER_DATES + MEMBER_CODES):
        entry_year, exit_year = to_int(values[3]), to_int(values[6])
        # Cheap year test first: most rows are of other years.
        if entry_year is None or entry_year > day.year or (exit_year and exit_year < day.year):
            continue
        entry = _entry_date(entry_year, to_int(values[4]), to_int(values[5]))
        leave = _exit_date(exit_year, to_int(values[7]), to_int(values[8]))
        atopid, member = to_int(values[0]), to_int(values[1])
        if entry <= day < leave and atopid is not None and member is not None:
            codes = dict(zip(MEMBER_CODES, map(to_int, values[len(_MEMBER_DATES):])))
            rows.append(MemberRow(atopid, member, to_int(values[2]) or 0, entry, leave, codes))
    return tuple(rows)


def read_atop_alliances(path: Path, ids: Iterable[int] | None = None) -> dict[int, AllianceRow]:
    """Alliance-level facts by ATOP id (only `ids`, when given)."""
    wanted = None if ids is None else {str(i) for i in ids}
    names = ("atopid", "begyr", "begmo", "begday", "secrart", "statthr1", "statthr2")
    found = {}
    for code, year, month, day, secrart, threat1, threat2 in columns(ATOP_ALLIANCES, path, names):
        if wanted is not None and code.strip() not in wanted:
            continue
        atopid = to_int(code)
        if atopid is None:
            continue
        y, m, d = to_int(year), to_int(month), to_int(day)
        signed = dt.date(y, m, d) if y and m and d else None
        text = "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate((y, m, d)) if v)
        threats = tuple(t for t in (to_int(threat1), to_int(threat2)) if t)
        found[atopid] = AllianceRow(atopid, signed, text, to_int(secrart), threats)
    return found


@dataclass(frozen=True)
class Tables:
    """Everything the transformation needs, read for one date."""
    day: dt.date
    system: tuple[SystemMember, ...]
    cinc_year: int | None
    cinc: Mapping[int, float | None]
    polity_year: int | None
    polity: Mapping[int, int | None]
    members: tuple[MemberRow, ...]
    alliances: Mapping[int, AllianceRow] = field(default_factory=dict)


def read_tables(paths: DataPaths, day: dt.date) -> Tables:
    check_files(paths)
    members = read_atop_members(paths.atop_members, day)
    cinc_year, cinc = read_capabilities(paths.nmc, day.year)
    polity_year, polity = read_polity(paths.polity, day.year)
    return Tables(
        day=day, system=read_system(paths.states, day), cinc_year=cinc_year, cinc=cinc,
        polity_year=polity_year, polity=polity, members=members,
        alliances=read_atop_alliances(paths.atop_alliances, {m.atopid for m in members}))
