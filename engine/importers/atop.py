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

Choices the data force on us, also written into the scenario's `x-` notes so
the author sees them where they apply:

* The date defaults to 1 July of the year: mid-year, so that a state that
  joined or left in the year is counted for the half it was in, and, for 1914,
  the system of the July crisis. ATOP phases and member entry and exit dates
  make the date matter: a member is bound when entry <= date < exit.
* Regions come from COW code ranges (see `REGIONS`); COW itself puts Oceania
  with Asia, we split it at 900 so treaty scopes can tell them apart.
* ATOP codes whether a condition exists, not its content: only
  non-provocation and "neutral only if attacked" map onto the format; every
  other condition leaves the obligation unconditioned and is named in an
  `x-conditions` note for the author to fill in.
* Institutionalization is the mean of ATOP's indicators scaled to 0..1:
  milcon/3, intcom/1, base/3, organ1/3 (see `institutionalization`).

Reading is tuned for speed: the csv module, only the needed columns, and rows
of other years dropped before any conversion.
"""
from __future__ import annotations

import csv
import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.errors import CasusError

FORMAT = "casus/1"
DEFAULT_TURNS = 10
_OPEN_END = dt.date.max  # ATOP codes "still in force" as exit year 0


def default_date(year: int) -> dt.date:
    """The day a year's alliance system is read on when no date is given: 1 July."""
    return dt.date(year, 7, 1)


# --- the data files ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DataFile:
    """One of the data sets the importer reads, and where a user obtains it."""
    key: str
    label: str
    relative: str  # its place under a data directory laid out like the distributions
    obtain: str


ATOP_ALLIANCES = DataFile(
    "atop_alliances", "ATOP v4.01 alliance-level file", "atop/atop4_01a.csv",
    "http://www.atopdata.org")
ATOP_MEMBERS = DataFile(
    "atop_members", "ATOP v4.01 member-level file", "atop/atop4_01m.csv",
    "http://www.atopdata.org")
COW_STATES = DataFile(
    "states", "COW State System Membership v2016", "cow/states2016.csv",
    "https://correlatesofwar.org/data-sets/state-system-membership/")
COW_NMC = DataFile(
    "nmc", "COW National Material Capabilities v6.0", "cow/NMC-60-abridged.csv",
    "https://correlatesofwar.org/data-sets/national-material-capabilities/")
POLITY = DataFile(
    "polity", "Polity IV annual time series (polity2)", "polity/polity4v2015.csv",
    "https://www.systemicpeace.org/inscrdata.html")
DATA_FILES: tuple[DataFile, ...] = (ATOP_ALLIANCES, ATOP_MEMBERS, COW_STATES, COW_NMC, POLITY)


@dataclass(frozen=True, slots=True)
class DataPaths:
    atop_alliances: Path
    atop_members: Path
    states: Path
    nmc: Path
    polity: Path

    @classmethod
    def under(cls, root: Path | str, **overrides: Path | str | None) -> DataPaths:
        """The files laid out under `root` as in the distributions; `overrides` by DataFile.key."""
        paths = {}
        for spec in DATA_FILES:
            given = overrides.get(spec.key)
            paths[spec.key] = Path(given) if given else Path(root) / spec.relative
        return cls(**paths)

    def path(self, spec: DataFile) -> Path:
        return getattr(self, spec.key)


class DataError(CasusError):
    """A data file that is missing, unreadable or not the file it should be."""

    def __init__(self, spec: DataFile, path: Path, problem: str):
        self.spec = spec
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem} ({spec.label}; obtain it from {spec.obtain})")


class MissingDataError(DataError):
    def __init__(self, spec: DataFile, path: Path):
        super().__init__(spec, path, "no such file")


class ImportProblem(CasusError):
    """The request cannot be met from the data (a date outside it, an unknown state)."""


def check_files(paths: DataPaths) -> None:
    """Raise MissingDataError for the first data file that is not there."""
    for spec in DATA_FILES:
        if not paths.path(spec).is_file():
            raise MissingDataError(spec, paths.path(spec))


def _columns(spec: DataFile, path: Path, names: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """The named columns of every row, as strings, in the order of `names`."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig", errors="replace")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise MissingDataError(spec, path) from None
    except OSError as exc:
        raise DataError(spec, path, f"cannot be read: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [n for n in names if n not in header]
        if missing:
            raise DataError(spec, path, f"lacks the column(s) {', '.join(missing)}: not the expected file")
        pick = operator.itemgetter(*(header.index(n) for n in names))
        width = len(header)
        for row in reader:
            if len(row) >= width:
                yield pick(row)


def _int(text: str) -> int | None:
    """An integer cell; blanks and the data sets' missing codes (NA, .) are None."""
    text = text.strip()
    if not text or text in ("NA", "."):
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# --- rows ----------------------------------------------------------------------

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
# Conditions the format can state exactly; the rest are notes.
MAPPED_CONDITIONS = {"conpr": "non_provocation", "coatt": "only_if_attacked"}
CONDITION_MEANING = {
    "coadv": "only against specific adversaries; the data do not name them: set `adversaries`",
    "coloc": "only in a specific location: set `regions` or `own_territory_only`",
    "cocon": "only in a specific conflict or circumstance",
    "conum": "depends on the number of adversaries: set `min_adversaries` if it takes several",
    "codem": "only if the adversary refuses a demand",
    "coreq": "only at a partner's request",
}
INSTITUTION_SCALE = {"milcon": 3, "intcom": 1, "base": 3, "organ1": 3}
_MEMBER_CODES = (("pubsecr", "asymm") + tuple(OBLIGATION_COLUMNS)
                 + tuple(c for cs in CONDITION_COLUMNS.values() for c in cs)
                 + tuple(INSTITUTION_SCALE))


def _date(year: int, month: int, day: int) -> dt.date:
    """A date, with impossible days (a coded 31 April) moved to the month's last day."""
    month = min(max(month, 1), 12)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(dt.date(year, month, 1) + dt.timedelta(days=max(day, 1) - 1),
               following - dt.timedelta(days=1))


def _entry_date(year: int, month: int | None, day: int | None) -> dt.date:
    # An uncoded month or day is read as the earliest: the member counts from the start.
    return _date(year, month or 1, day or 1)


def _exit_date(year: int | None, month: int | None, day: int | None) -> dt.date:
    """The first day no longer bound. An uncoded month or day is read as the latest:
    the member counts to the end of the coded month or year."""
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
    for abb, code, name, sy, sm, sd, ey, em, ed in _columns(COW_STATES, path, names):
        start_year, end_year = _int(sy), _int(ey)
        if start_year is None or end_year is None or not start_year <= day.year <= end_year:
            continue
        start = _entry_date(start_year, _int(sm), _int(sd))
        end_month, end_day = _int(em), _int(ed)
        end = _exit_date(end_year, end_month, end_day)
        if end_month and end_day:
            end += dt.timedelta(days=1)  # COW's end date is the last day in the system
        ccode = _int(code)
        if ccode is not None and start <= day < end:
            found[ccode] = SystemMember(ccode, abb.strip(), name.strip())
    return tuple(found[c] for c in sorted(found))


def _by_year(spec: DataFile, path: Path, value_column: str, year: int,
             convert) -> tuple[int | None, dict[int, Any]]:
    """The values of `year` by COW code; when the file ends before `year`, those of its
    last year. Returns (the year used, values), or (None, {}) when the file has neither."""
    wanted = str(year)
    values: dict[int, Any] = {}
    last_year, last_values = -1, {}
    for code, yr, value in _columns(spec, path, ("ccode", "year", value_column)):
        if yr == wanted:
            values[_int(code)] = convert(value)
            continue
        row_year = _int(yr)
        if row_year is None or row_year < year:
            if row_year is not None and row_year > last_year:
                last_year, last_values = row_year, {}
            if row_year == last_year:
                last_values[_int(code)] = convert(value)
    if values:
        return year, values
    if last_values and last_year < year:
        return last_year, last_values
    return None, {}


def read_capabilities(path: Path, year: int) -> tuple[int | None, dict[int, float | None]]:
    """CINC by COW code for `year` (or the file's last year before it)."""
    def cinc(text: str) -> float | None:
        value = _float(text)
        return value if value is not None and value >= 0 else None
    return _by_year(COW_NMC, path, "cinc", year, cinc)


def read_polity(path: Path, year: int) -> tuple[int | None, dict[int, int | None]]:
    """polity2 by Polity's own country code for `year` (or the file's last year before it)."""
    def polity2(text: str) -> int | None:
        value = _int(text)
        return value if value is not None and -10 <= value <= 10 else None
    return _by_year(POLITY, path, "polity2", year, polity2)


def read_atop_members(path: Path, day: dt.date) -> tuple[MemberRow, ...]:
    """The ATOP member-level rows in force on `day`: entry <= day < exit."""
    dates = ("atopid", "member", "phase", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit")
    names = dates + _MEMBER_CODES
    rows = []
    for values in _columns(ATOP_MEMBERS, path, names):
        entry_year, exit_year = _int(values[3]), _int(values[6])
        # Cheap year test first: most rows are of other years.
        if entry_year is None or entry_year > day.year or (exit_year and exit_year < day.year):
            continue
        entry = _entry_date(entry_year, _int(values[4]), _int(values[5]))
        leave = _exit_date(exit_year, _int(values[7]), _int(values[8]))
        atopid, member = _int(values[0]), _int(values[1])
        if entry <= day < leave and atopid is not None and member is not None:
            codes = dict(zip(_MEMBER_CODES, map(_int, values[len(dates):])))
            rows.append(MemberRow(atopid, member, _int(values[2]) or 0, entry, leave, codes))
    return tuple(rows)


def read_atop_alliances(path: Path, ids: Iterable[int] | None = None) -> dict[int, AllianceRow]:
    """Alliance-level facts by ATOP id (only `ids`, when given)."""
    wanted = None if ids is None else {str(i) for i in ids}
    names = ("atopid", "begyr", "begmo", "begday", "secrart", "statthr1", "statthr2")
    found = {}
    for atopid, year, month, day, secrart, threat1, threat2 in _columns(ATOP_ALLIANCES, path, names):
        if wanted is not None and atopid.strip() not in wanted:
            continue
        y, m, d = _int(year), _int(month), _int(day)
        signed = dt.date(y, m, d) if y and m and d else None
        text = "-".join(f"{v:02d}" if i else str(v) for i, v in enumerate((y, m, d)) if v)
        threats = tuple(t for t in (_int(threat1), _int(threat2)) if t)
        found[_int(atopid)] = AllianceRow(_int(atopid), signed, text, _int(secrart), threats)
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


# --- states --------------------------------------------------------------------

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


def _state(member: SystemMember, tables: Tables, strongest: float | None) -> dict[str, Any]:
    notes = []
    cinc = tables.cinc.get(member.ccode)
    if cinc is None:
        notes.append(f"power: no CINC for {tables.cinc_year} in NMC v6.0; set it")
    polity2 = polity2_of(member.ccode, tables.polity)
    if polity2 is None:
        notes.append(f"regime: no Polity IV polity2 for {tables.polity_year}; hybrid is a placeholder")
    region = region_of(member.ccode)
    state: dict[str, Any] = {
        "id": member.abb,
        "name": member.name,
        "power": scaled_power(cinc, strongest),
        "regime": regime_of(polity2),
        "nuclear": False,
    }
    if region:
        state["region"] = region
    state["control"] = "npc"
    state["x-cow"] = {"ccode": member.ccode, "cinc": cinc, "polity2": polity2}
    if notes:
        state["x-notes"] = notes
    return state


# --- treaties ------------------------------------------------------------------

def institutionalization(codes: Mapping[str, int | None]) -> float | None:
    """Mean of ATOP's institution indicators, each scaled to 0..1: military contact
    (milcon 0-3), integrated command (intcom 0/1), bases (base 0-3), organization
    (organ1 0-3). None when none is coded."""
    parts = [min(1.0, max(0.0, codes[c] / top)) for c, top in INSTITUTION_SCALE.items()
             if codes.get(c) is not None]
    return round(sum(parts) / len(parts), 2) if parts else None


def _highest(rows: Sequence[MemberRow], code: str) -> int | None:
    values = [r.codes[code] for r in rows if r.codes.get(code) is not None]
    return max(values) if values else None


@dataclass(frozen=True)
class _Context:
    day: dt.date
    ids: Mapping[int, str]          # COW code -> state id, for the states imported
    system: Mapping[int, SystemMember]
    power: Mapping[str, float]
    filtered: bool


def _names(ccodes: Iterable[int], ctx: _Context) -> str:
    return ", ".join(ctx.ids.get(c) or (ctx.system[c].abb if c in ctx.system else str(c))
                     for c in ccodes)


def _obligations(rows: Sequence[MemberRow], members: Sequence[str],
                 alliance: AllianceRow | None, ctx: _Context) -> list[dict[str, Any]]:
    obligations = []
    for column, kind in OBLIGATION_COLUMNS.items():
        holders = [r for r in rows if r.codes.get(column) == 1]
        groups: dict[tuple[bool, ...], list[MemberRow]] = {}
        for row in holders:
            signature = tuple(
                any(row.codes.get(c) == 1 for c in CONDITION_COLUMNS[column] if c.endswith(suffix))
                for suffix in MAPPED_CONDITIONS)
            groups.setdefault(signature, []).append(row)
        for signature, group in groups.items():
            obligation: dict[str, Any] = {"type": kind}
            for flag, name in zip(signature, MAPPED_CONDITIONS.values()):
                if flag:
                    obligation[name] = True
            bound = [ctx.ids[r.ccode] for r in group]
            if len(bound) < len(members):
                obligation["asymmetric_to"] = bound
            notes = _condition_notes(column, group, alliance, ctx)
            if notes:
                obligation["x-conditions"] = notes
            obligations.append(obligation)
    return obligations


def _condition_notes(column: str, group: Sequence[MemberRow], alliance: AllianceRow | None,
                     ctx: _Context) -> list[str]:
    notes = []
    for code in CONDITION_COLUMNS[column]:
        suffix = code[3:]
        if suffix in MAPPED_CONDITIONS:
            continue
        having = [r.ccode for r in group if r.codes.get(code) == 1]
        if not having:
            continue
        note = f"ATOP {code}=1 ({_names(having, ctx)}): {CONDITION_MEANING[suffix]}"
        if suffix == "coadv" and alliance and alliance.threats:
            note += f"; the treaty names as a threat: {_names(alliance.threats, ctx)}"
        notes.append(note)
    return notes


def _treaty_name(atopid: int, members: Sequence[str], names: Mapping[str, str],
                 obligations: Sequence[Mapping[str, Any]], power: Mapping[str, float]) -> str:
    """ATOP has no names: "ATOP 1350: Germany–Austria-Hungary–Italy (defense, ...)";
    a large alliance is named by its three strongest members."""
    kinds = ", ".join(dict.fromkeys(o["type"] for o in obligations))
    if len(members) <= 4:
        who = "–".join(names[m] for m in members)
    else:
        strongest = sorted(members, key=lambda m: (-power.get(m, 0.0), members.index(m)))[:3]
        who = f"{', '.join(names[m] for m in strongest)} and {len(members) - 3} others"
    return f"ATOP {atopid}: {who} ({kinds})"


def _openness(rows: Sequence[MemberRow], alliance: AllianceRow | None) -> tuple[str, list[str]]:
    pubsecr = _highest(rows, "pubsecr")
    if pubsecr == 2:
        return "secret", []
    if pubsecr == 1:
        count = alliance.secret_articles if alliance else None
        coded = f" (secrart={count})" if count is not None else ""
        return "partially-secret", [
            f"ATOP pubsecr=1: the treaty has secret articles{coded}, but the data do not say "
            "which obligations they hold: set `secret: true` on those"]
    if pubsecr is None:
        return "open", ["ATOP does not code whether this treaty was public: open is a placeholder"]
    return "open", []


def _membership(rows: Sequence[MemberRow], ctx: _Context) -> tuple[list[MemberRow], list[str]]:
    """The rows of the states imported, and notes naming the members left out."""
    notes = []
    strangers = sorted({r.ccode for r in rows if r.ccode not in ctx.system})
    if strangers:
        notes.append(f"ATOP members that are not COW system members on {ctx.day} left out: "
                     f"{', '.join(map(str, strangers))}")
    outside = sorted({r.ccode for r in rows if r.ccode in ctx.system and r.ccode not in ctx.ids})
    if outside:
        notes.append(f"members left out by the state filter: {_names(outside, ctx)}")
    return [r for r in rows if r.ccode in ctx.ids], notes


def _leader(kept: Sequence[MemberRow], members: Sequence[str], obligations: Sequence[Mapping[str, Any]],
            ctx: _Context) -> tuple[str | None, list[str]]:
    """For an asymmetric alliance (ATOP asymm), the strongest member; ATOP codes no leader."""
    if _highest(kept, "asymm") != 1:
        return None, []
    leader = max(members, key=lambda m: (ctx.power.get(m, 0.0), -members.index(m)))
    how = ("`asymmetric_to` follows the member-level codes"
           if any("asymmetric_to" in o for o in obligations) else
           "the member-level codes do not say how: set `asymmetric_to` on the one-sided obligations")
    return leader, [f"ATOP asymm=1: the members' obligations differ; {how}. leader: the member with "
                    f"the highest CINC ({leader}), a guess: ATOP does not code leadership"]


def _institutionalization(kept: Sequence[MemberRow]) -> tuple[float, list[str]]:
    level = institutionalization({c: _highest(kept, c) for c in INSTITUTION_SCALE})
    if level is None:
        return 0.0, ["ATOP codes none of milcon, intcom, base, organ1: "
                     "institutionalization 0 is a placeholder"]
    return level, []


def _signed(alliance: AllianceRow | None) -> tuple[str | None, list[str]]:
    if alliance and alliance.signed:
        return alliance.signed.isoformat(), []
    if alliance and alliance.signed_text:
        return None, [f"signed {alliance.signed_text}: ATOP does not code the full date"]
    return None, []


def _treaty(atopid: int, rows: Sequence[MemberRow], alliance: AllianceRow | None,
            ctx: _Context, left_out: list[str]) -> dict[str, Any] | None:
    """One ATOP alliance as a treaty of the format, or None (with the reason in
    `left_out` when the data, not the filter, leave it out)."""
    kept, notes = _membership(rows, ctx)
    members = [ctx.ids[r.ccode] for r in kept]
    if len(members) < 2:
        if len(kept) < len(rows) and not ctx.filtered:
            left_out.append(f"ATOP {atopid}: fewer than two members are system members on {ctx.day}")
        return None
    obligations = _obligations(kept, members, alliance, ctx)
    if not obligations:
        left_out.append(f"ATOP {atopid}: no obligation coded for the members in force")
        return None
    names = {ctx.ids[r.ccode]: ctx.system[r.ccode].name for r in kept}
    treaty: dict[str, Any] = {"id": f"atop-{atopid}",
                              "name": _treaty_name(atopid, members, names, obligations, ctx.power)}
    signed, signed_notes = _signed(alliance)
    if signed:
        treaty["signed"] = signed
    treaty["members"] = members
    treaty["formality"] = "treaty"
    treaty["openness"], secrecy_notes = _openness(kept, alliance)
    leader, leader_notes = _leader(kept, members, obligations, ctx)
    if leader:
        treaty["leader"] = leader
    treaty["institutionalization"], institution_notes = _institutionalization(kept)
    treaty["invocation"] = "member"
    treaty["obligations"] = obligations
    treaty["x-atop"] = {"atopid": atopid, "phase": max(r.phase for r in rows),
                        "phase_from": min(r.entry for r in rows).isoformat()}
    notes += signed_notes + secrecy_notes + leader_notes + institution_notes
    if notes:
        treaty["x-notes"] = notes
    return treaty


def _in_force(members: Sequence[MemberRow]) -> dict[int, list[MemberRow]]:
    """Rows by alliance, one per member (the latest phase if the data overlap), by COW code."""
    by_alliance: dict[int, dict[int, MemberRow]] = defaultdict(dict)
    for row in members:
        seen = by_alliance[row.atopid].get(row.ccode)
        if seen is None or (row.phase, row.entry) > (seen.phase, seen.entry):
            by_alliance[row.atopid][row.ccode] = row
    return {a: [rows[c] for c in sorted(rows)] for a, rows in sorted(by_alliance.items())}


# --- the scenario --------------------------------------------------------------

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
    chosen = _chosen(tables.system, only, day)
    coded = [v for v in tables.cinc.values() if v is not None]
    strongest = max(coded) if coded else None
    strongest_id = next((s.abb for s in tables.system if tables.cinc.get(s.ccode) == strongest), None)
    states = [_state(s, tables, strongest) for s in chosen]
    ctx = _Context(day=day, ids={s.ccode: s.abb for s in chosen},
                   system={s.ccode: s for s in tables.system},
                   power={s["id"]: s["power"] for s in states}, filtered=only is not None)
    left_out: list[str] = []
    treaties = []
    for atopid, rows in _in_force(tables.members).items():
        treaty = _treaty(atopid, rows, tables.alliances.get(atopid), ctx, left_out)
        if treaty:
            treaties.append(treaty)
    when = f"{day.day} {day:%B} {day.year}"
    scenario: dict[str, Any] = {
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
        "states": states,
        "treaties": treaties,
    }
    extension: dict[str, Any] = {"date": day.isoformat(), "notes": _general_notes(tables, strongest_id)}
    if only is not None:
        extension["states_filter"] = [s.abb for s in chosen]
    if left_out:
        extension["left_out"] = left_out
    scenario["x-import"] = extension
    return scenario


def _chosen(system: Sequence[SystemMember], only: Sequence[str] | None,
            day: dt.date) -> list[SystemMember]:
    if only is None:
        return list(system)
    wanted = {a.strip().upper() for a in only if a.strip()}
    known = {s.abb for s in system}
    unknown = sorted(wanted - known)
    if unknown:
        raise ImportProblem(f"not a COW system member on {day}: {', '.join(unknown)} "
                            "(use COW state abbreviations, e.g. GMY, AUH, UKG, RUS)")
    chosen = [s for s in system if s.abb in wanted]
    if len(chosen) < 2:
        raise ImportProblem("a scenario needs at least two states: name two or more with the filter")
    return chosen


def import_atop(paths: DataPaths, day: dt.date, only: Sequence[str] | None = None) -> dict[str, Any]:
    """Read the data files and build the scenario skeleton for `day`."""
    return build_scenario(read_tables(paths, day), only)


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
