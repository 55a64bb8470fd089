"""A candidate factor measured through the shipped procedure before any engine change.

The factor's column is added to the observations of design.csv (written by ceiling.py) and
the engine's own fit (engine.calibrate.fit: ridge toward the priors, the sign held, crisis
weights, answer bands) runs leave-one-crisis-out on them, exactly as `casus calibrate` does.
The factor list is extended for this process only, so that the engine's fit and Doctrine
take the extra weight; nothing is written.

    python analysis/candidate.py un_era_unbound 0.5
    python analysis/candidate.py un_era 0.5

Candidates (each reading a column of design.csv):
  un_era          1 for a crisis begun after the UN Charter came into force (1945), any decider
  un_era_unbound  the same, only for a decider no obligation in play binds
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ceiling_data import Row, read_csv  # noqa: E402

import engine.calibrate as cal  # noqa: E402
import engine.doctrine.core as core  # noqa: E402
from engine.backtest import summarise  # noqa: E402

UN_CHARTER = 1945

CANDIDATES: dict[str, Callable[[Row], float]] = {
    "un_era": lambda r: 1.0 if r.year >= UN_CHARTER else 0.0,
    "un_era_unbound": lambda r: 1.0 if r.year >= UN_CHARTER and not r.bound else 0.0,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", choices=sorted(CANDIDATES))
    ap.add_argument("prior", type=float, help="the prior weight, set before the score is seen")
    ap.add_argument("--design", type=Path, default=Path(__file__).resolve().parent / "out" / "design.csv")
    args = ap.parse_args()
    rows = read_csv(args.design)
    factors = (*cal.FACTORS, args.name)
    cal.FACTORS = factors
    cal.PRIOR_WEIGHTS = {**cal.PRIOR_WEIGHTS, args.name: args.prior}
    core.FACTORS = factors
    core.DEFAULT_WEIGHTS = {**core.DEFAULT_WEIGHTS, args.name: args.prior}
    value = CANDIDATES[args.name]
    obs = [replace(r.observation(), features=(*r.features, value(r))) for r in rows]
    held = []
    for crisis in dict.fromkeys(o.scenario for o in obs):
        held += cal.predict(cal.fit([o for o in obs if o.scenario != crisis]), [o for o in obs if o.scenario == crisis])
    fitted = cal.fit(obs)
    out = {k: summarise(held)["doctrine"][k] for k in ("exact", "within_one", "honour_agreement", "brier")}
    print(json.dumps({"candidate": args.name, "prior": args.prior, "fitted": fitted.weights[args.name],
                      "held_out": out, "in_sample_exact": summarise(cal.predict(fitted, obs))["doctrine"]["exact"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
