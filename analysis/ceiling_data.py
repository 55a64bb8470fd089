"""The design matrix of the doctrine's fit: one row per scored decision of the historical crises.

Each row holds what the engine reads (every factor's value, as `engine.calibrate.observe`
puts it to the fit) and what a reader needs to break the errors down (crisis, era, decider,
attacker, victim, obligation type, turn, the decider's standing as a power), with the
recorded level. The rows round-trip through a CSV, so that the learners (ceiling_learn.py)
and the shipped procedure (engine.calibrate) read the very same observations.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.backtest import scored_entries
from engine.calibrate import Observation, crisis_shares, era, prior_doctrine
from engine.doctrine import FACTORS
from engine.doctrine.readings import scratch, standing
from engine.model import Response
from engine.scenario import load

# A decider is called a great power when its power is at least this share of the strongest
# state's in its scenario (the `standing` the stakes factor reads). A reading for the error
# breakdown only; no factor uses it.
GREAT_POWER_STANDING = 0.25

_META = ("crisis", "year", "era", "turn", "first_answer", "decider", "attackers", "victim", "treaty",
         "obligation", "bound", "standing", "great_power", "capped", "weight")


@dataclass(frozen=True)
class Row:
    crisis: str
    year: int
    era: str
    turn: int
    first_answer: bool        # the decider's first scored answer in this crisis
    decider: str
    attackers: str            # joined by '+'
    victim: str               # the state the answer is read toward (the victim, or the partner owed)
    treaty: str               # '' for none
    obligation: str           # the obligation type in play, 'none' where none binds
    standing: float           # the decider's power against the strongest state's
    capped: bool              # short of an armed attack: `full` is no answer
    weight: float             # the crisis weight the shipped fit gives the decision
    features: tuple[float, ...]
    level: Response

    @property
    def bound(self) -> bool:
        return self.obligation != "none"

    @property
    def great_power(self) -> bool:
        return self.standing >= GREAT_POWER_STANDING

    def observation(self) -> Observation:
        """The row as engine.calibrate fits it."""
        return Observation(self.crisis, self.turn, self.decider, self.treaty or None, "",
                           None if self.obligation == "none" else self.obligation, self.level,
                           self.features, self.capped)


def observe_files(paths: Iterable[str | Path]) -> list[Row]:
    """Replay each historical scenario and put every scored script entry to the prior doctrine
    (the factor values do not depend on the weights), as engine.calibrate.observe does."""
    doctrine = prior_doctrine()
    rows: list[Row] = []
    for path in paths:
        scenario = load(path)
        scored, _ = scored_entries(scenario, doctrine)
        seen: set[str] = set()
        for s in scored:
            sit = s.situation
            rows.append(Row(
                crisis=scenario.id, year=scenario.start.year, era=era(scenario), turn=s.entry.turn,
                first_answer=s.entry.state not in seen, decider=s.entry.state,
                attackers="+".join(sit.attack.attackers), victim=sit.partner, treaty=s.entry.treaty or "",
                obligation=s.obligation or "none",
                standing=round(standing(sit.world, scratch(sit.world), s.entry.state), 4),
                capped=sit.attack.short_of_armed_attack, weight=0.0,
                features=tuple(doctrine.features(sit).values()), level=s.historical))
            seen.add(s.entry.state)
    return _weighted(rows)


def _weighted(rows: Sequence[Row]) -> list[Row]:
    """Each row with the crisis weight of the shipped fit (engine.calibrate.crisis_shares)."""
    shares = crisis_shares([r.observation() for r in rows])
    return [Row(**{**r.__dict__, "weight": round(w, 6)}) for r, w in zip(rows, shares)]


def write_csv(rows: Sequence[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([*_META, *FACTORS, "level"])
        for r in rows:
            out.writerow([r.crisis, r.year, r.era, r.turn, int(r.first_answer), r.decider, r.attackers, r.victim,
                          r.treaty, r.obligation, int(r.bound), r.standing, int(r.great_power), int(r.capped),
                          r.weight, *(repr(x) for x in r.features), str(r.level)])


def read_csv(path: Path) -> list[Row]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in (*_META, *FACTORS, "level") if c not in (reader.fieldnames or ())]
        if missing:
            raise SystemExit(f"{path}: lacks the columns {', '.join(missing)}; write it again with --observe")
        return [Row(crisis=d["crisis"], year=int(d["year"]), era=d["era"], turn=int(d["turn"]),
                    first_answer=d["first_answer"] == "1", decider=d["decider"], attackers=d["attackers"],
                    victim=d["victim"], treaty=d["treaty"], obligation=d["obligation"],
                    standing=float(d["standing"]), capped=d["capped"] == "1", weight=float(d["weight"]),
                    features=tuple(float(d[f]) for f in FACTORS), level=Response(d["level"]))
                for d in reader]
