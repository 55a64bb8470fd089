"""`casus calibrate`: fit the doctrine on past crises and report how well it predicts."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import load_or_exit

if TYPE_CHECKING:
    from engine.calibrate import Calibration


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "calibrate", help="fit the doctrine's weights on past crises (leave-one-crisis-out scores)",
        description="Fit the doctrine's weights and cut points on historical scenarios (their "
                    "scripts), pulled toward the literature's priors and keeping their signs, and "
                    "report leave-one-crisis-out scores beside the naive baselines and the "
                    "published rates. See engine/calibrate.py for the procedure.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    p.add_argument("--ridge", type=float, default=None,
                   help="pull toward the priors (default: RIDGE in engine/calibrate.py)")
    p.add_argument("--out", metavar="FILE", help="write the fitted weights as a YAML `doctrine:` block")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--update-defaults", action="store_true",
                   help="write the fitted weights and cuts into engine/doctrine.json (maintainers)")
    p.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    import yaml

    from engine import calibrate as cal_mod
    from engine.doctrine import FACTORS, PRIOR_WEIGHTS

    scenarios = [load_or_exit(path) for path in args.scenarios]
    ridge = cal_mod.RIDGE if args.ridge is None else args.ridge
    cal = cal_mod.calibrate(scenarios, ridge=ridge)
    doc = cal_mod.weights_document(cal, [s.id for s in scenarios], ridge)
    if args.out:
        Path(args.out).write_text("# Doctrine weights fitted by `casus calibrate`; paste the `doctrine:` block "
                                  "into a scenario to use them.\n" + yaml.safe_dump(doc, sort_keys=False),
                                  encoding="utf-8")
    if args.update_defaults:
        _update_defaults(cal)
    if args.json:
        print(json.dumps({"weights": dict(cal.doctrine.weights), "cuts": list(cal.doctrine.cuts),
                          "answer_bands": list(cal.doctrine.bands),
                          "prior": cal.prior, "in_sample": cal.in_sample, "leave_one_out": cal.leave_one_out,
                          "per_crisis": cal.per_crisis, "per_era": cal.per_era,
                          "intervals": {k: v.to_dict() for k, v in cal.intervals.items()},
                          "observations": cal.n_observations,
                          "skipped": [k.to_dict() for k in cal.skipped],
                          "published": [{"source": s, "rate": r} for s, r in cal_mod.PUBLISHED_RATES]},
                         indent=2, sort_keys=True))
        return 0
    print(f"{cal.n_observations} recorded decisions in {len(scenarios)} crises, one per script entry "
          f"({len(cal.skipped)} entries not scored, listed below); ridge {ridge}\n")
    print(f"{'factor':<22}{'prior':>8}{'fitted':>8}")
    for name in FACTORS:
        print(f"{name:<22}{PRIOR_WEIGHTS[name]:>8.2f}{cal.doctrine.weights[name]:>8.2f}")
    print(f"{'cuts':<22}{'':>8}  {', '.join(f'{c:.2f}' for c in cal.doctrine.cuts)}")
    print(f"{'answer bands':<22}{'':>8}  {', '.join(f'{c:.2f}' for c in cal.doctrine.bands)}\n")
    rows = [("doctrine, left-out crisis", cal.leave_one_out["doctrine"]),
            ("doctrine, priors (not fitted)", cal.prior["doctrine"]),
            ("doctrine, in sample", cal.in_sample["doctrine"]),
            ("every bound ally honours", cal.leave_one_out["baseline_all_honour"]),
            ("every ally stays out", cal.leave_one_out["baseline_all_neutral"])]
    print(f"{'':<32}{'exact':>8}{'within 1':>10}{'honour':>8}{'Brier':>8}")
    for label, s in rows:
        print(f"{label:<32}{s['exact']:>8.0%}{s['within_one']:>10.0%}{s['honour_agreement']:>8.0%}{s['brier']:>8.3f}")
    if cal.intervals:
        print("\nleft-out crisis, 95% intervals with whole crises resampled:")
        for name, iv in cal.intervals.items():
            print(f"  {name.replace('_', ' '):<28} {_shown(name, iv.low)} to {_shown(name, iv.high)}")
    print(f"\nhonoured in these crises: {cal.leave_one_out['historical_honour_rate']:.0%}; published rates:")
    for source, rate in cal_mod.PUBLISHED_RATES:
        print(f"  {rate:.1%}  {source}")
    print("\nleft-out crisis, by era (obligations in play honoured: in the record, in the doctrine's answers):")
    print(f"  {'era':<22}{'n':>5}{'exact':>8}{'honour':>8}{'Brier':>8}{'record':>8}{'doctrine':>10}")
    for name, s in cal.per_era.items():
        d = s["doctrine"]
        print(f"  {name:<22}{d['n']:>5}{d['exact']:>8.0%}{d['honour_agreement']:>8.0%}{d['brier']:>8.3f}"
              f"{s['historical_honour_rate']:>8.0%}{s['predicted_honour_rate']:>10.0%}")
    print("\nleft-out crisis, each level: mean predicted probability against observed frequency:")
    for row in cal.leave_one_out["calibration"]:
        print(f"  {row['level']:<11} predicted {row['predicted']:>4.0%}  answered {row['answered']:>4.0%}  "
              f"observed {row['observed']:>4.0%}  ({row['count']} decisions)")
    print("\nleft-out crisis by crisis:")
    for crisis, s in cal.per_crisis.items():
        print(f"  {crisis:<24} n={s['n']:<3} exact {s['exact']:.0%}, honour agreement {s['honour_agreement']:.0%}, "
              f"Brier {s['brier']:.3f}")
    if cal.skipped:
        print("\nscript entries not scored:")
    for k in cal.skipped:
        print(f"  {k.scenario} turn {k.turn} {k.state} on {k.inject}: {k.reason}")
    return 0


def _shown(name: str, value: float) -> str:
    """A figure as the table above shows it: Brier as a number, a lead signed, the rest as shares."""
    if name == "brier":
        return f"{value:.3f}"
    return f"{value:+.0%}" if name.endswith("baseline") else f"{value:.0%}"


def _update_defaults(cal: Calibration) -> None:
    from importlib import resources
    target = Path(str(resources.files("engine").joinpath("doctrine.json")))
    data = json.loads(target.read_text(encoding="utf-8"))
    for factor in data["factors"]:
        factor["weight"] = cal.doctrine.weights[factor["name"]]
    data["cuts"]["values"] = list(cal.doctrine.cuts)
    data["cuts"]["answer_bands"] = list(cal.doctrine.bands)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote the fitted weights into {target}", file=sys.stderr)
