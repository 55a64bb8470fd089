"""The broken-file corpus: one mistake per file, one exact located message per mistake.

Each YAML file in tests/broken/ opens with two comments:
    # expect: LINE:COL: PATH: message     (what `casus validate` must say, after FILE:)
    # level: schema | semantic | read
`schema` mistakes are visible to any JSON Schema validator, `semantic` ones only
to the loader's second pass, `read` ones stop the reading itself (syntax,
encoding, aliases). JSON files cannot carry comments; their expectations are below.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from engine.errors import ScenarioError
from engine.scenario import load

CORPUS = Path(__file__).parent / "broken"
HEADER = re.compile(rb"# expect: (?P<expect>.*)\n# level: (?P<level>\w+)\n")
JSON_FILES = {
    "json-syntax.json": ("read", "5:1: JSON syntax error: Expecting property name enclosed in double quotes"),
    "json-regime.json": ("schema", "18:17: states[1].regime: 'monarchy' is not one of democracy, hybrid, autocracy"),
}
LEVELS = ("schema", "semantic", "read")


def corpus() -> list[tuple[Path, str, str]]:
    """(file, level, expected message without the file name) for every corpus file."""
    cases = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".json":
            level, expect = JSON_FILES[path.name]
        else:
            header = HEADER.match(path.read_bytes())
            assert header, f"{path.name} lacks its '# expect:' and '# level:' lines"
            expect, level = header["expect"].decode(), header["level"].decode()
        assert level in LEVELS, f"{path.name}: unknown level {level}"
        cases.append((path, level, expect))
    return cases


CASES = corpus()


def test_the_corpus_is_large_enough_and_covers_every_level() -> None:
    assert len(CASES) >= 25
    assert {level for _, level, _ in CASES} == set(LEVELS)


@pytest.mark.parametrize("path, level, expect", CASES, ids=[p.name for p, _, _ in CASES])
def test_each_broken_file_gives_exactly_its_located_message(path: Path, level: str, expect: str) -> None:
    if "YAML syntax error" in expect and not yaml.__with_libyaml__:
        pytest.skip("syntax errors are worded by libyaml, which this PyYAML lacks")
    with pytest.raises(ScenarioError) as caught:
        load(str(path))
    assert [str(p) for p in caught.value.problems] == [f"{path}:{expect}"]


@pytest.mark.parametrize("path, level, expect", CASES, ids=[p.name for p, _, _ in CASES])
def test_each_problem_carries_file_line_column_and_path(path: Path, level: str, expect: str) -> None:
    if "YAML syntax error" in expect and not yaml.__with_libyaml__:
        pytest.skip("syntax errors are placed by libyaml, which this PyYAML lacks")
    with pytest.raises(ScenarioError) as caught:
        load(path)
    (problem,) = caught.value.problems
    line, column, rest = expect.split(":", 2)
    assert (problem.file, problem.line, problem.column) == (str(path), int(line), int(column))
    assert f"{problem.path}: {problem.message}".lstrip(": ") == rest.strip()
