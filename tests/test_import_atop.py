"""`casus import atop`: the real alliance system on a date, from ATOP, COW and Polity IV.

The historical cases read the data sets from CASUS_DATA, or from `shared/data`
beside the repository; they are skipped, with the reason, when neither holds
them. The transformation itself is also specified on small hand-made tables.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casus.cli import main
from engine.importers import atop
from engine.importers.atop import AllianceRow, MemberRow, SystemMember, Tables
from engine.importers.atop_files import columns
from engine.scenario import from_data, loads


def _data_dir() -> Path:
    if os.environ.get("CASUS_DATA"):
        return Path(os.environ["CASUS_DATA"])
    return Path(__file__).resolve().parents[2] / "shared" / "data"


DATA = _data_dir()
PATHS = atop.DataPaths.under(DATA)
HAVE_DATA = all(PATHS.path(spec).is_file() for spec in atop.DATA_FILES)
needs_data = pytest.mark.skipif(
    not HAVE_DATA,
    reason=f"the ATOP, COW and Polity IV files are not under {DATA}: set CASUS_DATA to a directory "
           f"holding {', '.join(s.relative for s in atop.DATA_FILES)}")


def imported(day: dt.date, only=None) -> dict:
    return atop.import_atop(PATHS, day, only)


@pytest.fixture(scope="module")
def july_1914() -> dict:
    return imported(dt.date(1914, 7, 1))


@pytest.fixture(scope="module")
def july_1955() -> dict:
    return imported(dt.date(1955, 7, 1))


def treaties_with(scenario: dict, *members: str) -> list[dict]:
    return [t for t in scenario["treaties"] if set(members) <= set(t["members"])]


def binds(obligation: dict, member: str) -> bool:
    return member in obligation.get("asymmetric_to", [member])


def defense_binding(treaty: dict, members) -> bool:
    return any(o["type"] == "defense" and all(binds(o, m) for m in members)
               for o in treaty["obligations"])


# --- the historical alliance systems --------------------------------------------

@needs_data
def test_1914_has_the_triple_alliance_with_a_defense_obligation_on_all_three(july_1914):
    triple = [t for t in july_1914["treaties"] if set(t["members"]) == {"GMY", "AUH", "ITA"}]
    assert triple, "no treaty binds exactly Germany, Austria-Hungary and Italy"
    assert any(defense_binding(t, ("GMY", "AUH", "ITA")) for t in triple)
    assert all(t["id"].startswith("atop-") and t["name"].startswith("ATOP ") for t in triple)


@needs_data
def test_1914_has_the_franco_russian_alliance_with_a_defense_obligation(july_1914):
    pairs = [t for t in july_1914["treaties"] if set(t["members"]) == {"FRN", "RUS"}]
    assert any(defense_binding(t, ("FRN", "RUS")) for t in pairs)


@needs_data
def test_1914_obligation_types_come_from_the_atop_codes(july_1914):
    triple = next(t for t in july_1914["treaties"]
                  if set(t["members"]) == {"GMY", "AUH", "ITA"} and defense_binding(t, ("GMY",)))
    kinds = {o["type"] for o in triple["obligations"]}
    assert kinds <= {"defense", "offense", "neutrality", "nonaggression", "consultation"}
    assert "defense" in kinds
    for kind in kinds:
        assert kind in triple["name"]


@needs_data
def test_1955_has_nato_with_its_members_bound_to_defend(july_1955):
    nato = treaties_with(july_1955, "USA", "CAN", "UKG", "FRN", "ITA", "NOR", "TUR", "GFR")
    assert len(nato) == 1
    assert defense_binding(nato[0], nato[0]["members"])


@needs_data
def test_1955_has_the_warsaw_pact_with_its_members_bound_to_defend(july_1955):
    pact = treaties_with(july_1955, "RUS", "POL", "GDR", "CZE", "HUN", "ROM", "BUL", "ALB")
    assert len(pact) == 1
    assert not {"USA", "UKG", "FRN"} & set(pact[0]["members"])
    assert defense_binding(pact[0], pact[0]["members"])


@needs_data
def test_the_date_decides_which_alliances_are_in_force():
    # The Warsaw Pact was signed on 14 May 1955: not there the day before.
    before = imported(dt.date(1955, 5, 13))
    assert not treaties_with(before, "RUS", "POL", "GDR", "CZE", "HUN", "ROM", "BUL", "ALB")


@needs_data
def test_a_member_that_left_is_no_longer_bound(july_1914):
    # Italy left the Triple Alliance in May 1915; Germany and Austria-Hungary stayed.
    later = imported(dt.date(1915, 7, 1))
    ids_1914 = {t["id"] for t in july_1914["treaties"] if set(t["members"]) == {"GMY", "AUH", "ITA"}}
    remaining = [t for t in later["treaties"] if t["id"] in ids_1914]
    assert remaining and all("ITA" not in t["members"] for t in remaining)


@needs_data
def test_states_are_the_system_members_with_cow_ids_and_names(july_1914):
    by_id = {s["id"]: s for s in july_1914["states"]}
    assert {"GMY", "AUH", "RUS", "FRN", "UKG", "ITA", "USA"} <= set(by_id)
    assert by_id["AUH"]["name"] == "Austria-Hungary"
    assert "GFR" not in by_id and "USR" not in by_id
    assert all(s["control"] == "npc" and s["nuclear"] is False for s in july_1914["states"])
    assert by_id["FRN"]["region"] == "europe" and by_id["USA"]["region"] == "americas"


@needs_data
@pytest.mark.parametrize("year", [1816, 1914, 1980, 2016])
def test_the_strongest_state_in_the_world_has_power_100(year):
    scenario = imported(atop.default_date(year))
    powers = [s["power"] for s in scenario["states"]]
    assert max(powers) == 100.0
    assert all(0.0 <= p <= 100.0 for p in powers)


@needs_data
def test_power_is_scaled_to_the_world_not_to_the_filtered_states():
    scenario = imported(dt.date(1914, 7, 1), ["AUH", "ITA"])
    assert max(s["power"] for s in scenario["states"]) < 100.0


@needs_data
def test_a_state_without_polity_code_is_hybrid_and_says_so(july_1914):
    unknown = [s for s in july_1914["states"] if s["x-cow"]["polity2"] is None]
    assert unknown
    for state in unknown:
        assert state["regime"] == "hybrid"
        assert any("polity2" in note for note in state["x-notes"])


@needs_data
@pytest.mark.parametrize("day", [dt.date(1914, 7, 1), dt.date(1955, 7, 1), dt.date(1980, 7, 1)])
def test_the_output_is_a_valid_scenario_as_data_and_as_yaml(day):
    scenario = imported(day)
    model = from_data(scenario, f"atop-{day}")
    assert len(model.states) == len(scenario["states"])
    assert len(model.treaties) == len(scenario["treaties"])
    reloaded = loads(atop.to_yaml(scenario, "scenario.schema.json"), f"atop-{day}.yaml")
    assert reloaded.treaties == model.treaties and reloaded.states == model.states


@needs_data
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(min_value=dt.date(1816, 1, 1), max_value=dt.date(2016, 12, 31)))
def test_any_date_the_data_cover_gives_a_valid_scenario(day):
    scenario = imported(day)
    from_data(scenario, f"atop-{day}")
    for treaty in scenario["treaties"]:
        assert len(treaty["members"]) >= 2 and treaty["obligations"]


@needs_data
def test_the_states_filter_keeps_those_states_and_treaties_with_two_of_them():
    keep = ["GMY", "AUH", "ITA", "FRN", "RUS"]
    scenario = imported(dt.date(1914, 7, 1), keep)
    assert [s["id"] for s in scenario["states"]] == ["FRN", "GMY", "AUH", "ITA", "RUS"]  # COW order
    assert scenario["treaties"]
    for treaty in scenario["treaties"]:
        assert set(treaty["members"]) <= set(keep) and len(treaty["members"]) >= 2
    assert any(set(t["members"]) == {"FRN", "RUS"} for t in scenario["treaties"])
    full = {t["id"]: t for t in imported(dt.date(1914, 7, 1))["treaties"]}
    for treaty in scenario["treaties"]:
        dropped = set(full[treaty["id"]]["members"]) - set(keep)
        if dropped:
            assert any(all(d in note for d in dropped) for note in treaty["x-notes"])
    from_data(scenario, "filtered")


@needs_data
def test_the_import_is_deterministic():
    first = atop.to_yaml(imported(dt.date(1980, 7, 1)), "s.json")
    assert atop.to_yaml(imported(dt.date(1980, 7, 1)), "s.json") == first


# --- the command -------------------------------------------------------------------

@needs_data
def test_the_command_writes_yaml_with_a_schema_modeline_relative_to_the_file(tmp_path, capsys):
    out = tmp_path / "sub" / "1914.yaml"
    out.parent.mkdir()
    code = main(["import", "atop", "--year", "1914", "--data", str(DATA),
                 "--states", "GMY,AUH,ITA,FRN,RUS,UKG", "--out", str(out)])
    assert code == 0
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    reference = first.split("=", 1)[1]
    assert not Path(reference).is_absolute()
    assert (out.parent / reference).resolve().name == "scenario.schema.json"
    assert (out.parent / reference).resolve().is_file()
    scenario = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(scenario)[:6] == ["format", "id", "title", "description", "start", "turns"]
    assert scenario["start"] == "1914-07-01"
    assert "6 states" in capsys.readouterr().err


@needs_data
def test_the_command_on_standard_output_says_how_to_set_the_schema(capsys):
    assert main(["import", "atop", "--date", "1914-08-04", "--data", str(DATA)]) == 0
    text = capsys.readouterr().out
    assert not text.startswith("# yaml-language-server")
    assert "scenario.schema.json" in text.split("format:")[0]
    assert yaml.safe_load(text)["start"] == "1914-08-04"


@needs_data
def test_the_command_reads_the_data_directory_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("CASUS_DATA", str(DATA))
    assert main(["import", "atop", "--year", "1914", "--states", "FRN,RUS"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["states"][0]["id"] == "FRN"


@pytest.mark.parametrize("spec", atop.DATA_FILES, ids=lambda s: s.key)
def test_a_missing_data_file_exits_2_naming_it_and_where_to_obtain_it(spec, tmp_path, capsys):
    for other in atop.DATA_FILES:
        if other is not spec:
            (tmp_path / other.relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / other.relative).write_text("")
    code = main(["import", "atop", "--year", "1914", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(tmp_path / spec.relative) in err
    assert spec.obtain in err
    assert "Traceback" not in err


def test_no_data_directory_at_all_exits_2_saying_how_to_give_one(monkeypatch, capsys):
    monkeypatch.delenv("CASUS_DATA", raising=False)
    assert main(["import", "atop", "--year", "1914"]) == 2
    err = capsys.readouterr().err
    assert "--data" in err and "CASUS_DATA" in err and "atopdata.org" in err


def test_a_file_that_is_not_the_data_set_exits_2_naming_the_missing_columns(tmp_path, capsys):
    for spec in atop.DATA_FILES:
        (tmp_path / spec.relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / spec.relative).write_text("a,b\n1,2\n")
    assert main(["import", "atop", "--year", "1914", "--data", str(tmp_path)]) == 2
    assert "column" in capsys.readouterr().err


@needs_data
@pytest.mark.parametrize("argv, message", [
    (["--year", "1914", "--states", "GMY,XYZ"], "XYZ"),
    (["--year", "1914", "--states", "GMY"], "two"),
    (["--year", "1700"], "1816"),
    (["--year", "1914", "--date", "1915-01-01"], "disagree"),
    ([], "--year"),
])
def test_requests_the_data_cannot_meet_exit_2_with_a_reason(argv, message, capsys):
    assert main(["import", "atop", "--data", str(DATA), *argv]) == 2
    assert message in capsys.readouterr().err


# --- the mappings --------------------------------------------------------------------

@pytest.mark.parametrize("polity2, regime", [
    (10, "democracy"), (6, "democracy"), (5, "hybrid"), (0, "hybrid"), (-5, "hybrid"),
    (-6, "autocracy"), (-10, "autocracy"), (None, "hybrid"),
])
def test_polity2_maps_to_regime_at_the_conventional_cut_offs(polity2, regime):
    assert atop.regime_of(polity2) == regime


@pytest.mark.parametrize("ccode, region", [
    (2, "americas"), (165, "americas"), (200, "europe"), (399, "europe"), (400, "africa"),
    (626, "africa"), (630, "middle-east"), (698, "middle-east"), (700, "asia"), (899, "asia"),
    (900, "oceania"), (990, "oceania"), (1, None), (180, None),
])
def test_regions_follow_cow_code_ranges(ccode, region):
    assert atop.region_of(ccode) == region


@pytest.mark.parametrize("codes, level", [
    ({"milcon": 0, "intcom": 0, "base": 0, "organ1": 0}, 0.0),
    ({"milcon": 3, "intcom": 1, "base": 3, "organ1": 3}, 1.0),
    ({"milcon": 3, "intcom": 0, "base": 0, "organ1": 0}, 0.25),
    ({"milcon": 2, "intcom": None, "base": None, "organ1": None}, 0.67),
    ({"milcon": None, "intcom": None, "base": None, "organ1": None}, None),
])
def test_institutionalization_is_the_mean_of_the_scaled_indicators(codes, level):
    assert atop.institutionalization(codes) == level


@pytest.mark.parametrize("cinc, strongest, power", [
    (0.2, 0.2, 100.0), (0.1, 0.2, 50.0), (0.00001, 0.2, 0.01), (None, 0.2, 0.0), (0.1, None, 0.0),
])
def test_power_is_cinc_as_a_share_of_the_strongest(cinc, strongest, power):
    assert atop.scaled_power(cinc, strongest) == power


@pytest.mark.parametrize("cow, year, polity, expected", [
    (300, 1914, {305: 4}, 4),          # Austria-Hungary: Polity codes Austria
    (365, 1955, {364: -7}, -7),        # the USSR
    (626, 2012, {626: -4, 525: 0}, 0), # South Sudan, not Sudan-North
    (220, 1914, {220: 8}, 8),
])
def test_polity_codes_that_differ_from_cows_are_translated(cow, year, polity, expected):
    assert atop.polity2_of(cow, polity) == expected


# --- the transformation on hand-made tables ----------------------------------------------

DAY = dt.date(1900, 7, 1)
SYSTEM = (SystemMember(200, "UKG", "United Kingdom"), SystemMember(220, "FRN", "France"),
          SystemMember(255, "GMY", "Germany"), SystemMember(365, "RUS", "Russia"))
ZERO_CODES = dict.fromkeys(atop._MEMBER_CODES, 0)


def row(atopid: int, ccode: int, phase: int = 0, **codes) -> MemberRow:
    return MemberRow(atopid, ccode, phase, dt.date(1890, 1, 1), dt.date.max, {**ZERO_CODES, **codes})


def tables(*rows: MemberRow, alliances=None) -> Tables:
    return Tables(day=DAY, system=SYSTEM, cinc_year=1900,
                  cinc={200: 0.2, 220: 0.1, 255: 0.15, 365: 0.12}, polity_year=1900,
                  polity={200: 8, 220: 8, 255: 2, 365: -10}, members=rows,
                  alliances=alliances or {})


def only_treaty(*rows: MemberRow, **kw) -> dict:
    scenario = atop.build_scenario(tables(*rows, **kw))
    from_data(scenario, "hand-made")
    [treaty] = scenario["treaties"]
    return treaty


def test_obligations_owed_by_some_members_only_are_asymmetric_to_them():
    treaty = only_treaty(row(1, 220, defense=1, offense=1), row(1, 365, defense=1))
    by_type = {o["type"]: o for o in treaty["obligations"]}
    assert "asymmetric_to" not in by_type["defense"]
    assert by_type["offense"]["asymmetric_to"] == ["FRN"]


def test_non_provocation_and_only_if_attacked_are_mapped_exactly():
    treaty = only_treaty(row(1, 220, defense=1, defconpr=1, neutral=1, neucoatt=1),
                         row(1, 365, defense=1, defconpr=1, neutral=1, neucoatt=1))
    by_type = {o["type"]: o for o in treaty["obligations"]}
    assert by_type["defense"]["non_provocation"] is True
    assert by_type["neutrality"]["only_if_attacked"] is True


def test_a_condition_on_an_unnamed_adversary_leaves_the_obligation_unconditioned_with_a_note():
    alliance = AllianceRow(1, dt.date(1892, 8, 17), "1892-08-17", 0, (255,))
    treaty = only_treaty(row(1, 220, defense=1, defcoadv=1, defconum=1), row(1, 365, defense=1, defcoadv=1),
                         alliances={1: alliance})
    [defense] = treaty["obligations"]
    assert "adversaries" not in defense and "min_adversaries" not in defense
    coadv = next(n for n in defense["x-conditions"] if "defcoadv" in n)
    assert "FRN, RUS" in coadv and "GMY" in coadv  # who is bound, and the threat the treaty names
    assert any("defconum" in n and "FRN" in n and "RUS" not in n for n in defense["x-conditions"])
    assert treaty["signed"] == "1892-08-17"


@pytest.mark.parametrize("pubsecr, openness, noted", [
    (0, "open", False), (1, "partially-secret", True), (2, "secret", False), (None, "open", True),
])
def test_publicity_maps_to_openness(pubsecr, openness, noted):
    treaty = only_treaty(row(1, 220, consul=1, pubsecr=pubsecr), row(1, 365, consul=1, pubsecr=pubsecr))
    assert treaty["openness"] == openness
    assert ("x-notes" in treaty) is noted
    assert not any(o.get("secret") for o in treaty["obligations"])


def test_an_asymmetric_alliance_takes_its_strongest_member_as_leader_and_says_it_is_a_guess():
    treaty = only_treaty(row(1, 220, defense=1, asymm=1), row(1, 200, defense=1, asymm=1))
    assert treaty["leader"] == "UKG"
    assert any("leader" in n and "guess" in n for n in treaty["x-notes"])
    assert "leader" not in only_treaty(row(1, 220, defense=1), row(1, 200, defense=1))


def test_members_outside_the_state_system_are_left_out_and_named():
    scenario = atop.build_scenario(tables(row(1, 220, defense=1), row(1, 365, defense=1),
                                          row(1, 999, defense=1), row(2, 220, defense=1),
                                          row(2, 998, defense=1)))
    [treaty] = scenario["treaties"]
    assert treaty["members"] == ["FRN", "RUS"]
    assert any("999" in n for n in treaty["x-notes"])
    assert any("ATOP 2" in n for n in scenario["x-import"]["left_out"])


def test_treaties_are_named_by_members_and_obligation_types():
    treaty = only_treaty(row(7, 255, defense=1, consul=1), row(7, 220, defense=1, consul=1))
    assert treaty["id"] == "atop-7"
    assert treaty["name"] == "ATOP 7: France–Germany (defense, consultation)"


MEMBER_HEADER = ("atopid,member,phase,yrent,moent,dayent,yrexit,moexit,dayexit,"
                 + ",".join(atop._MEMBER_CODES))


@pytest.mark.parametrize("entry, leave, in_force", [
    ("1900,7,1", "0,0,0", True),          # entered that day; still in force at the data's end
    ("1900,7,2", "0,0,0", False),         # not yet
    ("1890,1,1", "1900,7,1", False),      # left that day: exit is exclusive
    ("1890,1,1", "1900,7,2", True),
    ("1890,1,1", "1900,7,", True),        # exit day not coded: bound through the month
    ("1890,1,1", "1900,6,", False),
    ("1900,,", "0,0,0", True),            # entry month not coded: from the year's start
])
def test_members_are_in_force_from_entry_up_to_exit(entry, leave, in_force, tmp_path):
    path = tmp_path / "m.csv"
    codes = ",".join("0" for _ in atop._MEMBER_CODES)
    path.write_text(f"{MEMBER_HEADER}\n5,220,1,{entry},{leave},{codes}\n")
    assert bool(atop.read_atop_members(path, DAY)) is in_force


def test_the_dates_default_to_1_july():
    assert atop.default_date(1914) == dt.date(1914, 7, 1)


@pytest.mark.parametrize("lines, expected", [
    (["2,1900,0.2", ",1900,0.9", "NA,1900,0.5"], (1900, {2: 0.2})),   # no state code: no state's value
    (["2,1898,0.1", "2,1899,0.2", ",1899,0.9"], (1899, {2: 0.2})),    # the file's last year before
    (["2,1901,0.3"], (None, {})),                                       # only later years
])
def test_capabilities_are_read_by_state_code_for_the_year(lines, expected, tmp_path):
    path = tmp_path / "nmc.csv"
    path.write_text("ccode,year,cinc\n" + "\n".join(lines) + "\n")
    assert atop.read_capabilities(path, 1900) == expected


def test_alliance_rows_without_an_atop_id_are_skipped(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("atopid,begyr,begmo,begday,secrart,statthr1,statthr2\n"
                    "1350,1882,5,20,1,220,\n,1890,1,1,0,,\n")
    assert list(atop.read_atop_alliances(path)) == [1350]
    assert atop.read_atop_alliances(path)[1350] == AllianceRow(1350, dt.date(1882, 5, 20), "1882-05-20", 1, (220,))


def test_a_single_column_is_read_as_one_cell_tuples(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("ccode,stateabb\n2,USA\n200,UKG\n")
    assert list(columns(atop.COW_STATES, path, ["stateabb"])) == [("USA",), ("UKG",)]
