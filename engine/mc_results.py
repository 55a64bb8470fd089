"""The results of a batch as plain data: the JSON layout, and the CSV rows drawn from it.

`results_data` turns a tally into the nested mapping that `casus run --json`
prints, the web's what-if shows and the HTML page draws (see the definitions
in `engine.montecarlo`). Every figure is rounded here, once.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .mc_stats import bins, mean, quantiles, round6, wilson
from .mc_tally import ASKED, BOUND, FIRST_RESPONSE, FIRST_TURN, HONOURED, NO_TURN, TESTED, Tally
from .model import RESPONSES

if TYPE_CHECKING:
    from .montecarlo import Plan

__all__ = ["Results", "results_data", "CSV_COLUMNS", "LEVELS", "proportion", "first_number"]

LEVELS = tuple(str(r) for r in RESPONSES)

Data = dict[str, Any]


def proportion(successes: int, n: int) -> Data:
    """A proportion with its 95% Wilson interval, as reported."""
    low, high = wilson(successes, n)
    return {"n": n, "count": successes, "p": round6(successes / n if n else None),
            "low": round6(low), "high": round6(high)}


def results_data(t: Tally, plan: Plan, interrupted: bool) -> Data:
    """The whole results mapping, section by section."""
    return {**_header(t, plan, interrupted),
            "honour_rate": {"runs": t.honour_runs, "mean": round6(t.honour_rates.value / t.honour_runs)
                            if t.honour_runs else None},
            "decisions": _decisions(t, plan),
            "cohesion": _cohesion(t, plan),
            "injects": _injects(t, plan),
            **_wars(t),
            "history": _history(t, plan),
            "sensitivity": _sensitivity(plan, t)}


def _header(t: Tally, plan: Plan, interrupted: bool) -> Data:
    sc = plan.scenario
    return {"scenario": sc.id, "title": sc.title,
            "runs": t.runs, "requested": plan.runs, "interrupted": interrupted, "seed": plan.seed,
            "weights": dict(sorted(plan.weights.items())),
            "vary": [v.to_dict() for v in plan.vary],
            "branch": {"events": len(plan.prefix)} if plan.prefix else None}


def _decisions(t: Tally, plan: Plan) -> list[Data]:
    """Per (attack, state), by first turn, attack and the states' order in the file."""
    sc = plan.scenario
    order = sc.state_order
    rows = sorted(t.pairs.items(), key=lambda kv: (kv[1][FIRST_TURN], kv[0][0], order.get(kv[0][1], 10**6)))
    out = []
    for (attack, state), row in rows:
        asked = row[ASKED]
        out.append({
            "attack": attack, "state": state, "turn": row[FIRST_TURN] if row[FIRST_TURN] < NO_TURN else None,
            "scenario_attack": attack in sc.inject_by_id,
            "asked": proportion(asked, t.runs),
            "bound": proportion(row[BOUND], asked),
            "responses": {lvl: proportion(row[FIRST_RESPONSE + k], asked) for k, lvl in enumerate(LEVELS)},
            "honour": proportion(row[HONOURED], row[TESTED]),
        })
    return out


def _cohesion(t: Tally, plan: Plan) -> list[Data]:
    out = []
    for treaty in plan.scenario.treaties:
        counts = t.cohesion.get(treaty.id, Counter())
        n = sum(counts.values())
        total = t.cohesion_sum.get(treaty.id)
        out.append({
            "treaty": treaty.id, "name": treaty.name, "runs": n,
            "mean": round6(total.value / n) if n and total else None,
            "quantiles": quantiles(counts), "histogram": bins(counts)})
    return out


def _injects(t: Tally, plan: Plan) -> Data:
    """Per inject of the scenario, in its order: the share of runs in which it fired, and the
    share in which it fired on each turn (of all runs, so the turns add up to `fired`)."""
    runs = t.runs
    out: Data = {}
    for inject in plan.scenario.injects:
        turns = t.injects.get(inject.id, Counter())
        out[inject.id] = {
            "fired": round6(sum(turns.values()) / runs if runs else None),
            "turn": {str(turn): round6(n / runs) for turn, n in sorted(turns.items())}}
    return out


def _wars(t: Tally) -> Data:
    spread = {str(k): v for k, v in sorted(t.spread.items())}
    wars = {k: v for k, v in sorted(t.first_war.items()) if k}
    return {
        "war_spread": {"counts": spread, "mean": mean(t.spread), "quantiles": quantiles(t.spread)},
        "first_war": {"counts": {str(k): v for k, v in wars.items()},
                      "none": t.first_war.get(0, 0), "war": proportion(sum(wars.values()), t.runs),
                      "mean": mean(wars), "quantiles": quantiles(wars)},
    }


def _history(t: Tally, plan: Plan) -> Data | None:
    script = plan.scenario.script
    if not script:
        return None
    return {
        "reproduced": proportion(t.reproduced, t.runs),
        "entries": [{"turn": e.turn, "state": e.state, "inject": e.inject,
                     "response": str(e.response), "matched": proportion(m, t.runs)}
                    for e, m in zip(script, t.entries)],
    }


def _sensitivity(plan: Plan, t: Tally) -> Data | None:
    if not (plan.vary and t.moments):
        return None
    honour, spread = t.moments[0].analyse(), t.moments[1].analyse()
    rows: list[Data] = [{"weight": v.name, "low": v.low, "high": v.high, "honour_rate": h, "war_spread": s}
                        for v, h, s in zip(plan.vary, honour, spread)]
    rows.sort(key=lambda r: (-abs(first_number(r["honour_rate"])), r["weight"]))
    return {"runs": t.moments[0].n, "weights": rows}


def first_number(stats: Mapping[str, float | None]) -> float:
    """The beta of a weight, else its r, else 0: what ranks the weights."""
    for key in ("beta", "r"):
        value = stats.get(key)
        if value is not None:
            return float(value)
    return 0.0


@dataclass(frozen=True)
class Results:
    """Aggregated results, as plain data (`data`) with readers for the usual questions."""
    data: Mapping[str, Any]

    @property
    def runs(self) -> int:
        return int(self.data["runs"])

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    def decision(self, attack: str, state: str) -> Mapping[str, Any] | None:
        return next((d for d in self.data["decisions"]
                     if d["attack"] == attack and d["state"] == state), None)

    def csv_rows(self) -> list[dict[str, Any]]:
        """One row per (attack, state): response and honour probabilities with intervals."""
        return [_csv_row(d, self.runs) for d in self.data["decisions"]]


def _csv_row(d: Mapping[str, Any], runs: int) -> dict[str, Any]:
    row: dict[str, Any] = {"attack": d["attack"], "state": d["state"], "turn": d["turn"],
                           "runs": runs, "asked": d["asked"]["count"],
                           "p_asked": d["asked"]["p"], "bound": d["bound"]["count"]}
    for lvl in LEVELS:
        r = d["responses"][lvl]
        row |= {f"p_{lvl}": r["p"], f"p_{lvl}_low": r["low"], f"p_{lvl}_high": r["high"]}
    h = d["honour"]
    row |= {"tested": h["n"], "honoured": h["count"], "p_honour": h["p"],
            "p_honour_low": h["low"], "p_honour_high": h["high"]}
    return row


CSV_COLUMNS: tuple[str, ...] = (
    "attack", "state", "turn", "runs", "asked", "p_asked", "bound",
    *(f"p_{lvl}{suffix}" for lvl in LEVELS for suffix in ("", "_low", "_high")),
    "tested", "honoured", "p_honour", "p_honour_low", "p_honour_high",
)
