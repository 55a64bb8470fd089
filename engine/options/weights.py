"""The options' weights, read once from `engine/doctrine.json` ('options') and checked at import."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from ..model import InjectKind

SOURCE = "engine/doctrine.json"

# The factors of each kind of option, in the order the doctrine computes them (engine.options.doctrine);
# doctrine.json must list the same, so that a weight cannot be added or lost unseen.
FACTORS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "attack": ("resolve", "balance", "nuclear", "deniability", "probes"),
    "deployment": ("resolve", "abandonment", "threat", "dilemma"),
    "treaty-signed": ("resolve", "balancing", "bandwagoning", "tethering", "reputation"),
    "treaty-withdrawal": ("resolve", "entrapment", "threat", "reputation", "weight"),
    "ceasefire": ("resolve", "cost", "losing", "stayed_away"),
})


@dataclass(frozen=True, slots=True)
class KindWeights:
    """One kind's bias, its factors' weights (in FACTORS order) and its other settings."""
    bias: float
    weights: tuple[float, ...]
    settings: Mapping[str, float]

    def weight(self, name: str, kind: str) -> float:
        return self.weights[FACTORS[kind].index(name)]


def _load() -> Mapping[str, KindWeights]:
    text = resources.files("engine").joinpath("doctrine.json").read_text(encoding="utf-8")
    section: Mapping[str, Any] = json.loads(text)["options"]
    out: dict[str, KindWeights] = {}
    for kind, names in FACTORS.items():
        rows = section[kind]["factors"]
        if tuple(rows) != names:
            raise ValueError(f"{SOURCE} 'options.{kind}' lists the factors {tuple(rows)}; "
                             f"the doctrine computes {names}")
        settings = {k: float(v) for k, v in section[kind].items() if k not in ("factors", "bias")}
        out[kind] = KindWeights(float(section[kind]["bias"]), tuple(float(rows[n]["weight"]) for n in names),
                                MappingProxyType(settings))
    return MappingProxyType(out)


WEIGHTS: Mapping[str, KindWeights] = _load()


def family(kind: InjectKind) -> str | None:
    """Which doctrine weighs an option of this kind (None: the kind is no choice the doctrine weighs,
    and the option is taken when its actor's resolve is at least even)."""
    if kind.is_attack:
        return "attack"
    return kind.value if kind.value in FACTORS else None
