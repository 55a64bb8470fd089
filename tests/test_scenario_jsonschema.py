"""An independent validator (check-jsonschema) agrees with the schema and the loader.

The schema is valid draft 2020-12; every shipped scenario passes it; every
schema-level mistake of the broken corpus fails it, and every semantic one
passes it (those are the loader's second pass, beyond any schema).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmarks.generate import generate_scenario
from tests.test_scenario_broken import CASES

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "scenario.schema.json"


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("check-jsonschema") is None:
        try:
            import check_jsonschema  # noqa: F401
        except ImportError:
            pytest.skip("check-jsonschema is not installed (pip install check-jsonschema)")
    return subprocess.run([sys.executable, "-m", "check_jsonschema", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def verdicts(files: list[Path]) -> dict[str, str]:
    """check-jsonschema's verdict per file: 'ok', 'invalid' or 'unparsable'."""
    done = check_jsonschema("--schemafile", str(SCHEMA), "--output-format", "json", *map(str, files))
    report = json.loads(done.stdout)
    result = {str(f): "ok" for f in files}
    for error in report.get("errors", []):
        result[error["filename"]] = "invalid"
    for error in report.get("parse_errors", []):
        result[error["filename"]] = "unparsable"
    return result


def test_the_schema_is_valid_draft_2020_12() -> None:
    done = check_jsonschema("--check-metaschema", str(SCHEMA))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_shipped_scenario_passes_the_schema() -> None:
    shipped = sorted((ROOT / "scenarios").glob("**/*.yaml"))
    if not shipped:
        pytest.skip("no scenarios shipped yet under scenarios/")
    assert verdicts(shipped) == {str(p): "ok" for p in shipped}


def test_schema_level_mistakes_fail_the_schema() -> None:
    files = [path for path, level, _ in CASES if level == "schema"]
    assert verdicts(files) == {str(p): "invalid" for p in files}


def test_semantic_mistakes_pass_the_schema() -> None:
    files = [path for path, level, _ in CASES if level == "semantic"]
    assert verdicts(files) == {str(p): "ok" for p in files}


def test_a_large_generated_scenario_passes_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "generated.yaml"
    path.write_text(yaml.safe_dump(generate_scenario(30, 60, 200, seed=7), sort_keys=False), encoding="utf-8")
    assert verdicts([path]) == {str(path): "ok"}
