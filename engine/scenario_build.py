"""The frozen model from data both passes have found without problems.

Everything here may assume the schema's shapes and the semantic pass's
references: a file reaches `build` only when neither found anything wrong.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from .model import (
    Commitment,
    Control,
    Deployment,
    Effect,
    ForceSize,
    Formality,
    Governance,
    Inject,
    InjectKind,
    Invocation,
    Obligation,
    ObligationTrigger,
    ObligationType,
    Openness,
    Regime,
    Relation,
    Response,
    Scenario,
    ScriptEntry,
    Source,
    State,
    Treaty,
    TurnLength,
)

__all__ = ["build"]

def _ids(value: Any) -> tuple[str, ...] | None:
    """A list of ids as a tuple; None for 'any', null or absent."""
    return tuple(value) if isinstance(value, list) else None


def build(data: dict[str, Any], origin: str) -> Scenario:
    turn_length = data.get("turn_length", "P1D")
    return Scenario(
        id=data["id"],
        title=data["title"],
        start=dt.date.fromisoformat(data["start"]),
        turns=int(data["turns"]),
        states=tuple(_state(s) for s in data["states"]),
        format=data["format"],
        description=data.get("description", ""),
        turn_length=TurnLength.parse(turn_length),
        sources=tuple(Source(s["cite"], s.get("url")) for s in data.get("sources", ())),
        relations=tuple(_relation(r) for r in data.get("relations", ())),
        deployments=tuple(Deployment(d["state"], d["host"], ForceSize(d.get("size", "battalion")))
                          for d in data.get("deployments", ())),
        treaties=tuple(_treaty(t) for t in data.get("treaties", ())),
        injects=tuple(_inject(i) for i in data.get("injects", ())),
        script=tuple(_script(e) for e in data.get("script", ())),
        doctrine_weights={k: float(v) for k, v in data.get("doctrine", {}).get("weights", {}).items()},
        briefing=data.get("briefing", ""), objectives=tuple(data.get("objectives", ())),
        extensions={k: v for k, v in data.items() if k.startswith("x-")},
        origin=origin,
    )


def _state(s: dict[str, Any]) -> State:
    return State(
        id=s["id"], name=s["name"], power=float(s["power"]), regime=Regime(s["regime"]),
        nuclear=s.get("nuclear", False), region=s.get("region"),
        burden_sharing=float(s.get("burden_sharing", 0.5)), control=Control(s.get("control", "npc")),
        briefing=s.get("briefing", ""))


def _relation(r: dict[str, Any]) -> Relation:
    return Relation(r["from"], r["to"], float(r.get("threat", 0)), float(r.get("affinity", 0)),
                    float(r.get("trade", 0)))


def _obligation(o: dict[str, Any]) -> Obligation:
    return Obligation(
        type=ObligationType(o["type"]), article=o.get("article"),
        commitment=Commitment(o.get("commitment", "discretionary")),
        adversaries=_ids(o.get("adversaries")), regions=_ids(o.get("regions")),
        non_provocation=o.get("non_provocation", False), secret=o.get("secret", False),
        asymmetric_to=_ids(o.get("asymmetric_to")), min_adversaries=int(o.get("min_adversaries", 1)),
        only_if_attacked=o.get("only_if_attacked", False),
        own_territory_only=o.get("own_territory_only", False),
        conditional_on=tuple(o.get("conditional_on", ())), owed_to=_ids(o.get("owed_to")),
        trigger=ObligationTrigger(o["trigger"]) if o.get("trigger") else None)


def _treaty(t: dict[str, Any]) -> Treaty:
    signed = t.get("signed")
    at_signing = t.get("at_signing", {})
    return Treaty(
        id=t["id"], name=t["name"], members=tuple(t["members"]),
        obligations=tuple(_obligation(o) for o in t["obligations"]),
        signed=dt.date.fromisoformat(signed) if signed else None,
        formality=Formality(t.get("formality", "treaty")), openness=Openness(t.get("openness", "open")),
        governance=Governance(t.get("governance", "liberal")), leader=t.get("leader"),
        institutionalization=float(t.get("institutionalization", 0)),
        beneficiaries=tuple(t.get("beneficiaries", ())),
        invocation=Invocation(t.get("invocation", "member")),
        power_at_signing=tuple((m, float(p)) for m, p in sorted(at_signing.get("power", {}).items())),
        regime_at_signing=tuple((m, Regime(r)) for m, r in sorted(at_signing.get("regime", {}).items())))


def _inject(i: dict[str, Any]) -> Inject:
    actor = i.get("actor")
    visibility = i.get("visibility", "all")
    return Inject(
        id=i["id"], turn=int(i["turn"]), kind=InjectKind(i["kind"]),
        actors=tuple(actor) if isinstance(actor, list) else ((actor,) if actor else ()),
        target=i.get("target"), severity=float(i.get("severity", 0.5)),
        attribution=float(i.get("attribution", 1.0)), region=i.get("region"),
        territory=i.get("territory"), provoked=i.get("provoked", False),
        visibility=tuple(visibility) if isinstance(visibility, list) else visibility,
        text=i.get("text", ""), requires=tuple(i.get("requires", ())), manual=i.get("manual", False),
        treaty=i.get("treaty"), effects=tuple(_effect(e) for e in i.get("effects", ())),
        resisted=i.get("resisted", True), option=i.get("option", False), until=i.get("until"),
        resolve=i.get("resolve", 0.5), invites=tuple(i.get("invites", ())))


def _effect(e: dict[str, Any]) -> Effect:
    value = e["value"]
    return Effect(e["set"], value if isinstance(value, str) else float(value))


def _script(e: dict[str, Any]) -> ScriptEntry:
    return ScriptEntry(turn=int(e["turn"]), state=e["state"], response=Response(e["response"]),
                       inject=e.get("inject"), treaty=e.get("treaty"), note=e.get("note"),
                       source=e.get("source"), side=e.get("side"))
