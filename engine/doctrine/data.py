"""The doctrine's numbers, read once from `engine/doctrine.json` and checked at import.

Every weight, cut point and sub-weight lives in that file beside its source; this
module only reads it, so a mistake in the file stops the engine at import with a
message naming the file, never a wrong answer later.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from ..model import KIND_TRAITS, InjectKind

# The file sits in the engine package (where `casus calibrate --update-defaults` writes it).
SOURCE = "engine/doctrine.json"

# Documentation order: the order of DOCTRINE.md's table, of doctrine.json, and
# of every feature vector the model returns.
FACTORS: tuple[str, ...] = (
    "casus_foederis", "formality", "commitment", "institutionalization", "tripwire",
    "threat", "affinity", "leader", "burden_sharing", "regime", "reputation",
    "cost_of_war", "interdependence", "entrapment", "attribution", "obsolescence",
    "stakes", "ties_to_attacker", "bloc_leader", "invitation", "lesser_obligation",
    "leader_attacked",
)
# Factors that describe the commitment itself: nothing to say without one.
TREATY_FACTORS = frozenset({"formality", "commitment", "institutionalization", "leader",
                            "regime", "obsolescence", "lesser_obligation",
                            "leader_attacked"})


def _load() -> Mapping[str, Any]:
    text = resources.files("engine").joinpath("doctrine.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    names = tuple(f["name"] for f in data["factors"])
    if names != FACTORS:
        raise ValueError(f"{SOURCE} lists the factors {names}; the model computes {FACTORS}")
    return data


DATA: Mapping[str, Any] = _load()
FACTOR_DATA: Mapping[str, Mapping[str, Any]] = {f["name"]: f for f in DATA["factors"]}
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {name: float(FACTOR_DATA[name]["weight"]) for name in FACTORS})
DEFAULT_CUTS: tuple[float, ...] = tuple(float(c) for c in DATA["cuts"]["values"])
# The edges of the deterministic answer's bands on the latent score (fitted with the cuts).
DEFAULT_BANDS: tuple[float, ...] = tuple(float(c) for c in DATA["cuts"]["answer_bands"])
# The literature's values, before calibration: what a refit is pulled toward (engine/calibrate.py).
PRIOR_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {name: float(FACTOR_DATA[name].get("prior", FACTOR_DATA[name]["weight"])) for name in FACTORS})
PRIOR_CUTS: tuple[float, ...] = tuple(float(c) for c in DATA["cuts"].get("prior", DATA["cuts"]["values"]))


def parts(name: str) -> Mapping[str, Any]:
    """The fixed sub-weights of a factor that combines several inputs (doctrine.json 'parts')."""
    found: Mapping[str, Any] = FACTOR_DATA[name].get("parts", {})
    return found


LEADER = parts("leader")
COST = parts("cost_of_war")
ENTRAP = parts("entrapment")
ATTRIB = parts("attribution")
OBSOLETE = parts("obsolescence")
CREDIBILITY: Mapping[str, float] = DATA["credibility"]["parts"]
ABANDONMENT_FEAR: Mapping[str, float] = DATA["fears"]["abandonment"]
ENTRAPMENT_FEAR: Mapping[str, float] = DATA["fears"]["entrapment"]


def kind_clarity(table: Mapping[str, Any]) -> Mapping[InjectKind, float]:
    """How clearly each kind of attack reads as one: a value for exactly the attack kinds
    of engine.model.KIND_TRAITS, so a new kind of attack cannot go unweighed."""
    attacks = {str(kind) for kind, traits in KIND_TRAITS.items() if traits.attack}
    missing, extra = sorted(attacks - set(table)), sorted(set(table) - attacks)
    if missing or extra:
        problems = ([f"no value for the attack kind(s) {', '.join(missing)}"] if missing else []) + (
            [f"a value for {', '.join(extra)}, which is no kind of attack"] if extra else [])
        raise ValueError(f"{SOURCE}: factors[attribution].parts.kind_clarity has "
                         f"{' and '.join(problems)}; give one value in [0, 1] for each of: "
                         f"{', '.join(sorted(attacks))}")
    return MappingProxyType({InjectKind(k): float(v) for k, v in table.items()})


KIND_CLARITY: Mapping[InjectKind, float] = kind_clarity(ATTRIB["kind_clarity"])
