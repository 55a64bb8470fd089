"""Loading a scenario: the file's fields become the frozen model, exactly and with defaults."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

import engine.scenario_schema as scenario_schema
import engine.schemacheck as schemacheck_module
from benchmarks.generate import KINDS, OBLIGATIONS, generate_scenario
from engine.errors import ScenarioError
from engine.model import (
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
from engine.scenario import MAX_BYTES, format_path, from_data, load, loads, schema

ROOT = Path(__file__).resolve().parents[1]

# Every field of the format, each set away from its default.
FULL = """\
format: casus/1
id: full-house
title: Every field
description: A scenario that sets every field.
start: 1914-06-28
turn_length: PT12H
turns: 20
sources:
  - {cite: "Clark, The Sleepwalkers, 2012", url: "https://example.org/clark"}
states:
  - {id: NO, name: NO, power: 2, regime: democracy, nuclear: false, region: europe,
     burden_sharing: 0.9, control: player}
  - {id: AUH, name: Austria-Hungary, power: 12.5, regime: autocracy, nuclear: true, region: europe}
  - {id: SRB, name: Serbia, power: 1, regime: hybrid}
relations:
  - {from: AUH, to: SRB, threat: 0.6, affinity: -0.8, trade: 0.1}
deployments:
  - {state: AUH, host: NO, size: corps}
treaties:
  - id: pact
    name: Secret Pact
    signed: "1882-05-20"
    members: [AUH, NO]
    formality: executive-agreement
    openness: secret
    governance: coercive
    leader: AUH
    institutionalization: 0.4
    beneficiaries: [SRB]
    invocation: two-thirds
    obligations:
      - type: defense
        article: 2
        commitment: automatic
        adversaries: [SRB]
        regions: [europe, balkans]
        non_provocation: true
        secret: true
        asymmetric_to: [AUH]
        min_adversaries: 2
        only_if_attacked: true
        own_territory_only: true
      - {type: consultation, adversaries: any, x-note: kept and ignored}
injects:
  - id: sarajevo
    turn: 2
    kind: terrorist-attack
    target: AUH
    severity: 0.9
    attribution: 0.4
    region: balkans
    territory: SRB
    provoked: true
    visibility: [AUH, SRB]
    text: "Shots in Sarajevo."
    manual: true
    effects:
      - {set: relations.AUH.SRB.threat, value: 1}
      - {set: states.SRB.regime, value: autocracy}
  - {id: ultimatum, turn: 3, kind: armed-attack, actor: [AUH, NO], target: SRB, requires: [sarajevo]}
  - {id: leak, turn: 4, kind: disclosure, treaty: pact, visibility: umpire}
script:
  - {turn: 3, state: NO, inject: ultimatum, treaty: pact, response: neutral, note: "Stayed out.", source: "Archive"}
doctrine:
  weights: {reputation: 0.7, threat: 2}
x-editor: {theme: dark}
"""

EXPECTED = Scenario(
    id="full-house", title="Every field", description="A scenario that sets every field.",
    start=dt.date(1914, 6, 28), turn_length=TurnLength.parse("PT12H"), turns=20,
    sources=(Source("Clark, The Sleepwalkers, 2012", "https://example.org/clark"),),
    states=(
        State("NO", "NO", 2.0, Regime.DEMOCRACY, False, "europe", 0.9, Control.PLAYER),
        State("AUH", "Austria-Hungary", 12.5, Regime.AUTOCRACY, True, "europe"),
        State("SRB", "Serbia", 1.0, Regime.HYBRID),
    ),
    relations=(Relation("AUH", "SRB", 0.6, -0.8, 0.1),),
    deployments=(Deployment("AUH", "NO", ForceSize.CORPS),),
    treaties=(Treaty(
        id="pact", name="Secret Pact", members=("AUH", "NO"), signed=dt.date(1882, 5, 20),
        formality=Formality.EXECUTIVE_AGREEMENT, openness=Openness.SECRET,
        governance=Governance.COERCIVE, leader="AUH", institutionalization=0.4,
        beneficiaries=("SRB",), invocation=Invocation.TWO_THIRDS,
        obligations=(
            Obligation(ObligationType.DEFENSE, "2", Commitment.AUTOMATIC, ("SRB",), ("europe", "balkans"),
                       True, True, ("AUH",), 2, True, True),
            Obligation(ObligationType.CONSULTATION),
        )),),
    injects=(
        Inject("sarajevo", 2, InjectKind.TERRORIST_ATTACK, (), "AUH", 0.9, 0.4, "balkans", "SRB", True,
               ("AUH", "SRB"), "Shots in Sarajevo.", (), True, None,
               (Effect("relations.AUH.SRB.threat", 1.0), Effect("states.SRB.regime", "autocracy"))),
        Inject("ultimatum", 3, InjectKind.ARMED_ATTACK, ("AUH", "NO"), "SRB", requires=("sarajevo",)),
        Inject("leak", 4, InjectKind.DISCLOSURE, treaty="pact", visibility="umpire"),
    ),
    script=(ScriptEntry(3, "NO", Response.NEUTRAL, "ultimatum", "pact", "Stayed out.", "Archive"),),
    doctrine_weights={"reputation": 0.7, "threat": 2.0},
    extensions={"x-editor": {"theme": "dark"}},
    origin="full.yaml",
)

MINIMAL = """\
format: casus/1
id: minimal
title: Defaults
start: 2025-01-01
turns: 5
states:
  - {id: A, name: Alpha, power: 1, regime: democracy}
  - {id: B, name: Beta, power: 1, regime: autocracy}
relations: [{from: A, to: B}]
deployments: [{state: A, host: B}]
treaties:
  - {id: t, name: T, members: [A, B], obligations: [{type: defense}]}
injects:
  - {id: i, turn: 1, kind: armed-attack, actor: B, target: A}
script:
  - {turn: 1, state: A, response: full}
"""


def problems(text: str | bytes, name: str = "s.yaml") -> list[str]:
    """The messages loading `text` gives (none if it loads)."""
    try:
        loads(text, name)
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_every_field_maps_to_the_model() -> None:
    assert loads(FULL, "full.yaml") == EXPECTED


def test_numbers_are_floats_where_the_model_wants_floats() -> None:
    s = loads(FULL)
    assert type(s.states[0].power) is float and type(s.injects[0].effects[0].value) is float
    assert type(s.doctrine_weights["threat"]) is float and type(s.turns) is int


def test_defaults_are_those_of_the_format() -> None:
    s = loads(MINIMAL)
    assert s.states[0] == State("A", "Alpha", 1.0, Regime.DEMOCRACY, nuclear=False, region=None,
                                burden_sharing=0.5, control=Control.NPC)
    assert s.relations == (Relation("A", "B", 0.0, 0.0, 0.0),)
    assert s.deployments == (Deployment("A", "B", ForceSize.BATTALION),)
    assert s.treaties[0] == Treaty("t", "T", ("A", "B"), (Obligation(ObligationType.DEFENSE),), None,
                                   Formality.TREATY, Openness.OPEN, Governance.LIBERAL, None, 0.0, (),
                                   Invocation.MEMBER)
    ob = s.treaties[0].obligations[0]
    assert (ob.commitment, ob.adversaries, ob.regions, ob.asymmetric_to, ob.min_adversaries) == (
        Commitment.DISCRETIONARY, None, None, None, 1)
    assert s.injects[0] == Inject("i", 1, InjectKind.ARMED_ATTACK, ("B",), "A", severity=0.5,
                                  attribution=1.0, provoked=False, visibility="all", requires=(),
                                  manual=False, territory=None)
    assert s.injects[0].territory_of == "A"
    assert s.script[0] == ScriptEntry(1, "A", Response.FULL, inject=None, treaty=None)
    assert (s.turn_length, s.description, s.sources, s.doctrine_weights, s.extensions) == (
        TurnLength.parse("P1D"), "", (), {}, {})


def test_schema_defaults_agree_with_the_model_defaults() -> None:
    defs = schema()["$defs"]
    pairs = [(State, "state"), (Relation, "relation"), (Deployment, "deployment"), (Treaty, "treaty"),
             (Obligation, "obligation"), (Inject, "inject")]
    renamed = {"from": "source", "to": "target", "actor": "actors"}
    checked = 0
    for cls, name in pairs:
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key, prop in defs[name]["properties"].items():
            if "default" not in prop:
                continue
            model_default = fields[renamed.get(key, key)].default
            want = prop["default"]
            if isinstance(want, list):
                want = tuple(want)
            if want == "any":
                want = None
            assert model_default == want, f"{name}.{key}"
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("line, value", [
    ("name: NO", "NO"), ("name: yes", "yes"), ("name: off", "off"), ("name: 1984", "1984"),
    ("name: true", "true"), ("name: 0.30", "0.30"), ("name: '007'", "007"), ("name: null", None),
])
def test_string_fields_keep_the_text_as_written(line: str, value: str | None) -> None:
    text = MINIMAL.replace("{id: A, name: Alpha,", "{id: A, " + line + ",")
    if value is None:
        assert problems(text) == ["s.yaml:7:19: states[0].name: expected a string, got null"]
    else:
        assert loads(text).states[0].name == value


def test_norway_is_a_state_not_a_boolean() -> None:
    s = loads(MINIMAL.replace("A", "NO"))
    assert s.states[0].id == "NO" and s.treaties[0].members == ("NO", "B")


def test_article_numbers_are_strings() -> None:
    assert loads(FULL).treaties[0].obligations[0].article == "2"


@pytest.mark.parametrize("start", ["2025-01-01", "'2025-01-01'", '"2025-01-01"'])
def test_dates_are_the_same_quoted_or_not(start: str) -> None:
    assert loads(MINIMAL.replace("start: 2025-01-01", f"start: {start}")).start == dt.date(2025, 1, 1)


def test_yaml_1_1_booleans_are_refused_where_booleans_are_wanted() -> None:
    text = MINIMAL.replace("power: 1, regime: democracy}", "power: 1, regime: democracy, nuclear: no}")
    assert problems(text) == ["s.yaml:7:64: states[0].nuclear: expected true or false, got 'no'"]


def test_json_gives_the_same_scenario_as_yaml() -> None:
    data = yaml.safe_load(MINIMAL)
    data["start"] = "2025-01-01"
    assert loads(json.dumps(data, indent=2), "s.json") == dataclasses.replace(loads(MINIMAL), origin="s.json")


def test_json_problems_are_located() -> None:
    data = yaml.safe_load(MINIMAL)
    data["start"] = "2025-01-01"
    data["states"][1]["regime"] = "monarchy"
    assert problems(json.dumps(data, indent=1), "s.json") == [
        "s.json:18:14: states[1].regime: 'monarchy' is not one of democracy, hybrid, autocracy"]


def test_text_bytes_bom_and_crlf_all_load() -> None:
    want = loads(MINIMAL)
    assert loads(MINIMAL.encode()) == want
    assert loads(b"\xef\xbb\xbf" + MINIMAL.encode()) == want
    assert loads(MINIMAL.replace("\n", "\r\n")) == want


def test_extensions_are_kept_at_top_level_and_ignored_inside() -> None:
    s = loads(FULL)
    assert s.extensions == {"x-editor": {"theme": "dark"}}
    assert s.treaties[0].obligations[1] == Obligation(ObligationType.CONSULTATION)


def test_load_records_the_file_as_origin(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load(path).origin == str(path)
    assert load(str(path)) == load(path)


def test_every_problem_of_a_file_is_reported_at_once_sorted_by_line() -> None:
    text = (MINIMAL.replace("turns: 5", "turns: 0").replace("regime: autocracy", "regime: tsar")
            .replace("members: [A, B]", "members: [A, C]").replace("turn: 1, kind", "turn: 1, knd"))
    assert problems(text) == [
        "s.yaml:5:8: turns: 0 is out of range 1..1000",
        "s.yaml:8:43: states[1].regime: 'tsar' is not one of democracy, hybrid, autocracy",
        "s.yaml:12:35: treaties[0].members[1]: unknown state 'C' (no such id in states)",
        "s.yaml:14:5: injects[0]: missing required key 'kind'",
        "s.yaml:14:22: injects[0].knd: unknown key; did you mean kind?",
    ]


def test_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    text = MINIMAL.replace("relations: [{from: A, to: B}]", "relations: [{from: A, to: B, zzz: 1}]")
    assert problems(text) == ["s.yaml:9:30: relations[0].zzz: unknown key (expected one of from, to, "
                              "threat, affinity, trade, or an x- extension)"]


def test_from_data_checks_the_same_rules_without_places() -> None:
    data = yaml.safe_load(MINIMAL)            # PyYAML gives a date object here
    data["states"][1]["regime"] = "monarchy"
    with pytest.raises(ScenarioError) as caught:
        from_data(data)
    assert [str(p) for p in caught.value.problems] == [
        "<data>: states[1].regime: 'monarchy' is not one of democracy, hybrid, autocracy"]
    assert caught.value.problems[0].line == 0


def test_from_data_builds_and_leaves_its_argument_alone() -> None:
    data = yaml.safe_load(MINIMAL)
    before = json.dumps(data, default=str, sort_keys=True)
    s = from_data(data, name="atop")
    assert s == dataclasses.replace(loads(MINIMAL), origin="atop")
    assert json.dumps(data, default=str, sort_keys=True) == before


def test_a_file_over_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)       # sparse: NUL bytes a parser would choke on
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: file is 5,242,881 bytes; a scenario file may have at most 5,242,880 bytes (5 MB)"]
    assert problems("#" * (MAX_BYTES + 1)) == [
        "s.yaml: file is 5,242,881 bytes; a scenario file may have at most 5,242,880 bytes (5 MB)"]


def test_an_alias_bomb_is_refused_at_its_first_anchor() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(12))
    assert problems(bomb) == ["s.yaml:1:4: a: aliases and anchors are not allowed in scenario files"]


def test_deep_nesting_is_refused_with_a_place() -> None:
    assert problems("a: " + "[" * 100 + "]" * 100) == [
        "s.yaml:1:67: a" + "[0]" * 63 + ": nested deeper than 64 levels"]


@pytest.mark.parametrize("text, message", [
    ("", "s.yaml:1:1: empty file: expected a scenario mapping (format: casus/1, id, title, start, turns, states)"),
    ("---\n", "s.yaml:1:1: empty file: expected a scenario mapping (format: casus/1, id, title, start, turns, states)"),
    ("[1, 2]", "s.yaml:1:1: the top level must be a mapping of keys (format: casus/1, id, title, start, "
               "turns, states), not a list"),
    ("? [a]\n: b\n", "s.yaml:1:3: a key must be a plain string, not a list or mapping"),
])
def test_unusable_documents_give_one_located_message(text: str, message: str) -> None:
    assert problems(text) == [message]


def test_schema_is_draft_2020_12_and_a_fresh_copy() -> None:
    first = schema()
    assert first["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    first["properties"].clear()
    assert schema()["properties"]


def test_schema_describes_every_property() -> None:
    def walk(node: object, where: str) -> list[str]:
        missing = []
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                if "description" not in prop:
                    missing.append(f"{where}.{key}")
            for key, value in node.items():
                if key not in ("if", "then"):  # conditions restate properties; hover shows the originals
                    missing += walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                missing += walk(value, f"{where}[{index}]")
        return missing
    assert walk(schema(), "$") == []


def test_every_pattern_of_the_schema_has_words_for_its_message() -> None:
    patterns = set(re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', json.dumps(schema())))
    for pattern in {json.loads(f'"{p}"') for p in patterns}:
        words = scenario_schema._ALTERNATIVES.get(pattern) or scenario_schema.pattern_name(pattern)
        assert not words.startswith("a string matching"), pattern


def test_schema_is_found_in_the_installed_data_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "share" / "casus" / "schemas"
    installed.mkdir(parents=True)
    (installed / "scenario.schema.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(schemacheck_module, "__file__", str(tmp_path / "site" / "engine" / "schemacheck.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert schemacheck_module.schema_file() == installed / "scenario.schema.json"


@pytest.mark.parametrize("path, text", [((), ""), (("states", 4, "regime"), "states[4].regime"),
                                        (("a", "b", 0, 1), "a.b[0][1]")])
def test_paths_read_as_in_messages(path: tuple, text: str) -> None:
    assert format_path(path) == text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_scenarios_are_valid_and_cover_the_vocabulary(seed: int) -> None:
    data = generate_scenario(12, 15, 40, seed=seed)
    s = from_data(data)
    assert {o.type.value for t in s.treaties for o in t.obligations} == set(OBLIGATIONS)
    assert {i.kind.value for i in s.injects} == set(KINDS)
    assert any(i.kind is InjectKind.ARMED_ATTACK and i.actors and i.target for i in s.injects)
    assert generate_scenario(12, 15, 40, seed=seed) == data


def shipped() -> list[Path]:
    return sorted((ROOT / "scenarios").glob("**/*.yaml"))


@pytest.mark.parametrize("path", shipped() or [None], ids=lambda p: p.name if p else "none")
def test_shipped_scenarios_load_and_carry_the_schema_modeline(path: Path | None) -> None:
    if path is None:
        pytest.skip("no scenarios shipped yet under scenarios/")
    depth = len(path.relative_to(ROOT / "scenarios").parts)
    modeline = f"# yaml-language-server: $schema={'../' * depth}schemas/scenario.schema.json"
    assert path.read_text(encoding="utf-8").splitlines()[0] == modeline
    assert load(path).origin == str(path)
    assert os.path.exists(path.parent / modeline.split("=", 1)[1])
