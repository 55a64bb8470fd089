"""How far the doctrine's factors can go: flexible learners on the same decisions, held out by crisis.

Install (a separate environment; scikit-learn is no dependency of the engine):
    python3 -m venv ../casus-analysis && . ../casus-analysis/bin/activate && pip install -e '.[analysis]'
Run from the repository root:
    python analysis/ceiling.py --observe scenarios/history/*.yaml   # replays the crises (a few seconds)
    python analysis/ceiling.py            # again, from the CSV the first run wrote (about half an hour)
    python analysis/ceiling.py --report   # the tables of the last run, as Markdown
It writes, under analysis/out/: design.csv (one row per scored decision: crisis, era, decider,
attacker, victim, obligation, each factor's value, the recorded level), held_out.csv (every
learner's held-out answer per decision) and ceiling.json (the figures), and prints the tables.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ceiling_data import Row, observe_files, read_csv, write_csv  # noqa: E402

from engine.backtest import Prediction, summarise  # noqa: E402
from engine.calibrate import fit, predict  # noqa: E402
from engine.calibrate_interval import crisis_intervals  # noqa: E402
from engine.doctrine.logit import banded  # noqa: E402
from engine.model import RESPONSES, Response  # noqa: E402

SHIPPED = "ordered logit (shipped, banded answer)"
SHIPPED_MODE = "ordered logit (shipped fit, most probable level)"
# Max-norm distances on the factors (each in [-1, 1] or [0, 1]) at which two decisions count as
# near-identical for the irreducible part.
RADII = (0.0, 0.05, 0.1, 0.2)


def shipped_held_out(rows: Sequence[Row]) -> tuple[list[Prediction], list[Prediction], list[Prediction]]:
    """The shipped procedure (engine.calibrate.fit) leave-one-crisis-out on these rows: the banded
    answer, the same fits answered with the most probable level, and the in-sample fit."""
    obs = [r.observation() for r in rows]
    banded: list[Prediction] = []
    for crisis in dict.fromkeys(r.crisis for r in rows):
        banded += predict(fit([o for o in obs if o.scenario != crisis]), [o for o in obs if o.scenario == crisis])
    mode = [_most_probable(p) for p in banded]
    return banded, mode, predict(fit(obs), obs)


def crisis_shift(rows: Sequence[Row]) -> dict[str, float]:
    """What one number per crisis would add: each held-out crisis's scores (under the doctrine
    fitted on the others) moved by the one shift, chosen on that crisis's own record, that
    answers it best through the same bands. An upper bound on what a crisis-level variable
    (how the crisis as a whole leaned) could give, since the shift is fitted on the answers."""
    obs = [r.observation() for r in rows]
    hits = base = 0
    for crisis in dict.fromkeys(r.crisis for r in rows):
        d = fit([o for o in obs if o.scenario != crisis])
        mine = [o for o in obs if o.scenario == crisis]
        scores = [d.score(o.features) for o in mine]

        def exact(shift: float, scores: list[float] = scores, mine: list[Any] = mine, d: Any = d) -> int:
            return sum(banded(d.bands, s + shift, o.capped) is o.historical for s, o in zip(scores, mine))
        base += exact(0.0)
        hits += max(exact(k / 10) for k in range(-40, 41))
    return {"held_out_exact": round(base / len(obs), 4), "with_best_crisis_shift": round(hits / len(obs), 4)}


def _most_probable(p: Prediction) -> Prediction:
    k = max(range(len(RESPONSES)), key=lambda i: p.probabilities[i])
    return Prediction(p.scenario, p.turn, p.state, p.treaty, p.inject, p.historical, RESPONSES[k],
                      p.probabilities, p.obligation)


def scores(preds: Sequence[Prediction]) -> dict[str, float]:
    s = summarise(preds)["doctrine"]
    return {k: s[k] for k in ("n", "exact", "within_one", "honour_agreement", "brier")}


def paired_difference(a: Sequence[Prediction], b: Sequence[Prediction], draws: int = 2000) -> dict[str, float]:
    """The 95% interval of exact(a) - exact(b) over the same decisions, whole crises resampled
    with a fixed seed (the cluster bootstrap of engine.calibrate_interval, paired)."""
    by_crisis: dict[str, list[int]] = {}
    for p, q in zip(a, b):
        tally = by_crisis.setdefault(p.scenario, [0, 0])
        tally[0] += (p.predicted is p.historical) - (q.predicted is q.historical)
        tally[1] += 1
    cells = list(by_crisis.values())
    rng = np.random.default_rng(0)
    diffs = []
    for _ in range(draws):
        drawn = [cells[i] for i in rng.integers(0, len(cells), len(cells))]
        diffs.append(sum(d for d, _ in drawn) / sum(n for _, n in drawn))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return {"difference": round(sum(d for d, _ in cells) / len(a), 4), "low": round(float(low), 4),
            "high": round(float(high), 4)}


def robustness(preds: Sequence[Prediction]) -> dict[str, float]:
    """The held-out exact level with each crisis weighing the same, and without the crisis of
    most decisions (the Falklands' 45), whose one-sided record can carry a whole table."""
    by_crisis: dict[str, list[bool]] = {}
    for p in preds:
        by_crisis.setdefault(p.scenario, []).append(p.predicted is p.historical)
    largest = max(by_crisis, key=lambda c: len(by_crisis[c]))
    rest = [hit for c, hits in by_crisis.items() if c != largest for hit in hits]
    return {"crisis_mean_exact": round(sum(sum(h) / len(h) for h in by_crisis.values()) / len(by_crisis), 4),
            "largest": largest, "exact_without_largest": round(sum(rest) / len(rest), 4)}


def irreducible(rows: Sequence[Row]) -> dict[str, Any]:
    """How much of the record no function of the factors can get right.

    For each radius: the decisions with a near-identical factor vector (max-norm distance at
    most the radius) whose recorded level differs; for radius 0, the most any function of the
    factors could get right in sample (the commonest level of each identical vector). Then the
    nearest-neighbour estimate (Cover & Hart 1967): the leave-one-out error R of one nearest
    neighbour bounds the error of the best rule, R* >= (K-1)/K (1 - sqrt(1 - K R/(K-1))) for
    K levels, as the sample grows; taken over every decision, and over neighbours from other
    crises only (what a held-out crisis can borrow)."""
    x = np.array([r.features for r in rows])
    y = np.array([r.level.rank for r in rows])
    crisis = np.array([r.crisis for r in rows])
    dist = np.abs(x[:, None, :] - x[None, :, :]).max(axis=2)
    differ = y[:, None] != y[None, :]
    out: dict[str, Any] = {"near": []}
    for radius in RADII:
        clash = (differ & (dist <= radius + 1e-9)).any(axis=1)
        out["near"].append({"radius": radius, "clashing": int(clash.sum()), "share": round(float(clash.mean()), 4),
                            "crises": len(set(crisis[clash].tolist()))})
    groups: dict[tuple[float, ...], Counter[int]] = {}
    for r in rows:
        groups.setdefault(tuple(round(v, 9) for v in r.features), Counter())[r.level.rank] += 1
    out["identical"] = {"vectors": len(groups),
                        "best_exact": round(sum(c.most_common(1)[0][1] for c in groups.values()) / len(rows), 4)}
    k = len(RESPONSES)
    for name, mask in (("nearest_neighbour", np.eye(len(rows), dtype=bool)),
                       ("nearest_neighbour_other_crises", crisis[:, None] == crisis[None, :])):
        d = np.where(mask, np.inf, dist)
        err = float((y[d.argmin(axis=1)] != y).mean())
        bound = (k - 1) / k * (1 - math.sqrt(max(0.0, 1 - k * err / (k - 1))))
        out[name] = {"error": round(err, 4), "bayes_error_at_least": round(bound, 4),
                     "exact_at_most": round(1 - bound, 4)}
    return out


# --- where the errors are -----------------------------------------------------------------

def _turn_band(r: Row) -> str:
    return "the decider's first answer" if r.first_answer else "a later answer"


def _kind(r: Row) -> str:
    return f"{'bound' if r.bound else 'unbound'}, {'great power' if r.great_power else 'lesser power'}"


BREAKDOWNS: dict[str, Callable[[Row], str]] = {
    "era": lambda r: r.era,
    "decider": _kind,
    "obligation": lambda r: r.obligation,
    "turn": _turn_band,
    "recorded level": lambda r: str(r.level),
}


def breakdown(rows: Sequence[Row], preds: Sequence[Prediction], key: Callable[[Row], str]) -> dict[str, Any]:
    cells: dict[str, list[Prediction]] = {}
    for r, p in zip(rows, preds):
        cells.setdefault(key(r), []).append(p)
    return {k: scores(v) | {"answered_up": sum(p.predicted.rank > p.historical.rank for p in v),
                            "answered_down": sum(p.predicted.rank < p.historical.rank for p in v)}
            for k, v in sorted(cells.items(), key=lambda kv: -len(kv[1]))}


def confusions(rows: Sequence[Row], preds: Sequence[Prediction]) -> dict[str, dict[str, int]]:
    """The two big confusions, by decider kind and era: neutral<->diplomatic, diplomatic<->limited."""
    pairs = {"neutral/diplomatic": {Response.NEUTRAL, Response.DIPLOMATIC},
             "diplomatic/limited": {Response.DIPLOMATIC, Response.LIMITED}}
    out: dict[str, dict[str, int]] = {}
    for name, pair in pairs.items():
        tally: Counter[str] = Counter()
        for r, p in zip(rows, preds):
            if p.predicted is not p.historical and {p.predicted, p.historical} == pair:
                tally[f"recorded {p.historical}"] += 1
                tally[_kind(r)] += 1
                tally[r.era] += 1
                tally[r.obligation] += 1
        out[name] = dict(sorted(tally.items(), key=lambda kv: -kv[1]))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--observe", nargs="+", metavar="SCENARIO", help="replay these crises and write design.csv")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    ap.add_argument("--report", action="store_true", help="print the tables of the last run's ceiling.json")
    ap.add_argument("--crisis-shift", action="store_true",
                    help="only: what one fitted number per crisis would add to the shipped doctrine")
    ap.add_argument("--only", nargs="*", help="run only the learners whose names contain one of these words")
    args = ap.parse_args(argv)
    design = args.out / "design.csv"
    if args.report:
        print(report(json.loads((args.out / "ceiling.json").read_text(encoding="utf-8"))))
        return 0
    if args.observe:
        write_csv(observe_files(args.observe), design)
    if not design.exists():
        ap.error(f"{design}: no design matrix yet; run with --observe scenarios/history/*.yaml first")
    rows = read_csv(design)
    if args.crisis_shift:
        print(json.dumps(crisis_shift(rows)))
        return 0
    print(f"{len(rows)} decisions in {len({r.crisis for r in rows})} crises")
    try:
        import ceiling_learn as cl
    except ImportError as exc:
        raise SystemExit(f"{exc}: install the analysis tools with pip install -e '.[analysis]'") from None
    held: dict[str, list[Prediction]] = {}
    results: dict[str, Any] = {"learners": {}}
    banded, mode, fitted = shipped_held_out(rows)
    held[SHIPPED], held[SHIPPED_MODE] = banded, mode
    results["learners"][SHIPPED] = {"held_out": scores(banded), "in_sample": scores(fitted)}
    results["learners"][SHIPPED_MODE] = {"held_out": scores(mode), "in_sample": scores(
        [_most_probable(p) for p in fitted])}
    _show(SHIPPED, results["learners"][SHIPPED])
    for learner in cl.learners():
        if args.only and not any(w in learner.name for w in args.only):
            continue
        preds, in_bands, chosen = cl.held_out(learner, rows)
        value = chosen.most_common(1)[0][0]
        fitted_all = cl.in_sample(learner, rows, value)
        for name, p in ((learner.name, preds), (f"{learner.name}, banded", in_bands)):
            held[name] = p
            results["learners"][name] = {"held_out": scores(p), "in_sample": scores(fitted_all),
                                         "chosen": {str(k): n for k, n in chosen.items()}}
            _show(name, results["learners"][name])
    results["intervals"] = {name: {k: v.to_dict() for k, v in crisis_intervals(p).items()}
                            for name, p in held.items()}
    results["against_shipped"] = {name: paired_difference(p, banded) for name, p in held.items()}
    results["robustness"] = {name: robustness(p) for name, p in held.items()}
    results["answered"] = {name: {str(r): round(sum(p.predicted is r for p in ps) / len(ps), 4) for r in RESPONSES}
                           for name, ps in held.items()} | {"record": {
                               str(r): round(sum(x.level is r for x in rows) / len(rows), 4) for r in RESPONSES}}
    results["irreducible"] = irreducible(rows)
    results["errors"] = {name: {b: breakdown(rows, held[name], f) for b, f in BREAKDOWNS.items()}
                         | {"crisis": breakdown(rows, held[name], lambda r: r.crisis),
                            "confusions": confusions(rows, held[name])}
                         for name in held}
    (args.out / "ceiling.json").write_text(json.dumps(results, indent=1, sort_keys=True), encoding="utf-8")
    _write_held_out(args.out / "held_out.csv", rows, held)
    print(json.dumps(results["irreducible"]))
    return 0


def report(results: dict[str, Any]) -> str:
    """The tables of docs/DOCTRINE.md, "How far these factors can go", as Markdown."""
    out = ["| learner | held out: exact | within one | honour agreement | Brier | 95% interval, exact |"
           " in sample: exact | honour agreement | Brier |", "|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    for name, r in results["learners"].items():
        h, i, iv = r["held_out"], r["in_sample"], results["intervals"][name]["exact"]
        out.append(f"| {name} | {h['exact']:.1%} | {h['within_one']:.1%} | {h['honour_agreement']:.1%} | "
                   f"{h['brier']:.3f} | {iv['low']:.1%}-{iv['high']:.1%} | {i['exact']:.1%} | "
                   f"{i['honour_agreement']:.1%} | {i['brier']:.3f} |")
    names = list(results["learners"])
    for b in (*BREAKDOWNS, "crisis"):
        out += ["", f"| {b} | decisions | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
        cells = results["errors"][names[0]][b]
        for cell, first in list(cells.items())[: 70 if b == "crisis" else None]:
            out.append(f"| {cell} | {first['n']} | " + " | ".join(
                f"{results['errors'][n][b][cell]['exact']:.0%}" for n in names) + " |")
    for name in names[:1]:
        out += ["", f"confusions of {name}: {json.dumps(results['errors'][name]['confusions'])}"]
    return "\n".join(out)


def _show(name: str, r: dict[str, Any]) -> None:
    h, i = r["held_out"], r["in_sample"]
    print(f"{name:<48} held out {h['exact']:.3f} {h['within_one']:.3f} {h['honour_agreement']:.3f} "
          f"{h['brier']:.3f} | in sample {i['exact']:.3f} {i['honour_agreement']:.3f} {i['brier']:.3f}"
          f" {r.get('chosen', '')}", flush=True)


def _write_held_out(path: Path, rows: Sequence[Row], held: dict[str, list[Prediction]]) -> None:
    names = list(held)
    lines = [",".join(["crisis", "turn", "decider", "obligation", "recorded", *(f'"{n}"' for n in names)])]
    for i, r in enumerate(rows):
        lines.append(",".join([r.crisis, str(r.turn), r.decider, r.obligation, str(r.level),
                               *(str(held[n][i].predicted) for n in names)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
