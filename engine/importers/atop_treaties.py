"""ATOP alliances in force as treaties of the format, with notes on what the data leave open.

* ATOP codes whether a condition exists, not its content: only
  non-provocation and "neutral only if attacked" map onto the format; every
  other condition leaves the obligation unconditioned and is named in an
  `x-conditions` note for the author to fill in.
* Institutionalization is the mean of ATOP's indicators scaled to 0..1:
  milcon/3, intcom/1, base/3, organ1/3 (see `institutionalization`).
* ATOP codes no leader and no treaty name: both are derived, and the notes
  say how.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..floats import total
from .atop_rows import CONDITION_COLUMNS, INSTITUTION_SCALE, OBLIGATION_COLUMNS, AllianceRow, MemberRow, SystemMember

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


def institutionalization(codes: Mapping[str, int | None]) -> float | None:
    """Mean of ATOP's institution indicators, each scaled to 0..1: military contact
    (milcon 0-3), integrated command (intcom 0/1), bases (base 0-3), organization
    (organ1 0-3). None when none is coded."""
    parts = [min(1.0, max(0.0, value / top)) for c, top in INSTITUTION_SCALE.items()
             if (value := codes.get(c)) is not None]
    return round(total(parts) / len(parts), 2) if parts else None


def _highest(rows: Sequence[MemberRow], code: str) -> int | None:
    values = [value for r in rows if (value := r.codes.get(code)) is not None]
    return max(values) if values else None


@dataclass(frozen=True)
class TreatyContext:
    """What turning alliances into treaties needs to know of the states imported."""
    day: dt.date
    ids: Mapping[int, str]          # COW code -> state id, for the states imported
    system: Mapping[int, SystemMember]
    power: Mapping[str, float]
    filtered: bool                  # the user named the states to keep


def _names(ccodes: Iterable[int], ctx: TreatyContext) -> str:
    return ", ".join(ctx.ids.get(c) or (ctx.system[c].abb if c in ctx.system else str(c))
                     for c in ccodes)


# --- obligations ---------------------------------------------------------------

def _obligations(rows: Sequence[MemberRow], members: Sequence[str],
                 alliance: AllianceRow | None, ctx: TreatyContext) -> list[dict[str, Any]]:
    """One obligation per ATOP obligation column and set of mapped conditions."""
    obligations = []
    for column, kind in OBLIGATION_COLUMNS.items():
        for signature, group in _condition_groups(column, rows).items():
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


def _condition_groups(column: str, rows: Sequence[MemberRow]) -> dict[tuple[bool, ...], list[MemberRow]]:
    """The members bound by `column`, grouped by which mapped conditions they attach
    (one flag per MAPPED_CONDITIONS entry), in the order of their first member."""
    groups: dict[tuple[bool, ...], list[MemberRow]] = {}
    for row in rows:
        if row.codes.get(column) != 1:
            continue
        signature = tuple(
            any(row.codes.get(c) == 1 for c in CONDITION_COLUMNS[column] if c.endswith(suffix))
            for suffix in MAPPED_CONDITIONS)
        groups.setdefault(signature, []).append(row)
    return groups


def _condition_notes(column: str, group: Sequence[MemberRow], alliance: AllianceRow | None,
                     ctx: TreatyContext) -> list[str]:
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


# --- the treaty's other fields, each with its notes -----------------------------

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


def _membership(rows: Sequence[MemberRow], ctx: TreatyContext) -> tuple[list[MemberRow], list[str]]:
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
            ctx: TreatyContext) -> tuple[str | None, list[str]]:
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


# --- treaties ------------------------------------------------------------------

def treaties(members: Sequence[MemberRow], alliances: Mapping[int, AllianceRow],
             ctx: TreatyContext) -> tuple[list[dict[str, Any]], list[str]]:
    """The alliances of the member rows in force as treaties, by ATOP id, and notes
    on the alliances the data (not the state filter) leave out."""
    left_out: list[str] = []
    found = []
    for atopid, rows in _in_force(members).items():
        treaty = _treaty(atopid, rows, alliances.get(atopid), ctx, left_out)
        if treaty:
            found.append(treaty)
    return found, left_out


def _in_force(members: Sequence[MemberRow]) -> dict[int, list[MemberRow]]:
    """Rows by alliance, one per member (the latest phase if the data overlap), by COW code."""
    by_alliance: dict[int, dict[int, MemberRow]] = defaultdict(dict)
    for row in members:
        seen = by_alliance[row.atopid].get(row.ccode)
        if seen is None or (row.phase, row.entry) > (seen.phase, seen.entry):
            by_alliance[row.atopid][row.ccode] = row
    return {a: [rows[c] for c in sorted(rows)] for a, rows in sorted(by_alliance.items())}


def _treaty(atopid: int, rows: Sequence[MemberRow], alliance: AllianceRow | None,
            ctx: TreatyContext, left_out: list[str]) -> dict[str, Any] | None:
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
    return _treaty_fields(atopid, rows, kept, obligations, alliance, ctx, notes)


def _treaty_fields(atopid: int, rows: Sequence[MemberRow], kept: Sequence[MemberRow],
                   obligations: list[dict[str, Any]], alliance: AllianceRow | None,
                   ctx: TreatyContext, notes: list[str]) -> dict[str, Any]:
    """The treaty's fields in the format's key order; `rows` are all its members in
    force, `kept` those imported."""
    members = [ctx.ids[r.ccode] for r in kept]
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
    notes = notes + signed_notes + secrecy_notes + leader_notes + institution_notes
    if notes:
        treaty["x-notes"] = notes
    return treaty
