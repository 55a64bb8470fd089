"""The OpenAPI document matches the API: schemathesis sends it requests generated from the
document (bounded: a few examples per operation, in process, no network) and checks that
every answer has a documented status, the documented schema and content type, that no
request gives a server error, and that a 405 names the methods allowed."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from engine.store import MemoryStore
from tests.e2e.support import UMPIRE_TOKEN, make_app

schemathesis = pytest.importorskip("schemathesis", reason="pip install -e '.[test]' installs schemathesis")
hypothesis = pytest.importorskip("hypothesis")
checks = pytest.importorskip("schemathesis.specs.openapi.checks")

EXAMPLES = 12   # per operation: enough to reach each documented answer, small enough for CI

app = make_app(Path(tempfile.mkdtemp(prefix="casus-openapi-")), store=MemoryStore())
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(hypothesis.HealthCheck),
                     derandomize=True)
def test_the_api_answers_as_its_openapi_document_says(case):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {UMPIRE_TOKEN}"},
        # A request the schema allows may still be refused for what it means (a scenario with
        # problems, an exercise that does not exist): the document lists those answers, and
        # the checks below hold them to it.
        excluded_checks=[checks.positive_data_acceptance])
