"""The console's downloads: safe to open in a spreadsheet or a Markdown viewer, with one charset."""
from __future__ import annotations

import csv
import io

import pytest

from tests.e2e.support import NARVA, bearer, cell_client, csrf, make_app, new_exercise, umpire_client

EXPORTS = [("/x/{eid}/report.md", "text/markdown; charset=utf-8"),
           ("/x/{eid}/events.jsonl", "application/x-ndjson; charset=utf-8"),
           ("/x/{eid}/decisions.csv", "text/csv; charset=utf-8")]
API_EXPORTS = [("md", "text/markdown; charset=utf-8"), ("jsonl", "application/x-ndjson; charset=utf-8"),
               ("csv", "text/csv; charset=utf-8")]
# What a spreadsheet would run as a formula, and what it must show as text instead.
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tindent", "\rreturn"]


def _drill(tmp_path, scenario: str = NARVA):
    (tmp_path / "scenarios").mkdir(parents=True, exist_ok=True)
    app = make_app(tmp_path)
    umpire = umpire_client(app)
    r = umpire.post("/exercises", data={"csrf_token": csrf(umpire), "file": (io.BytesIO(scenario.encode()),
                                                                                "drill.yaml")},
                    content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)
    eid = r.headers["Location"].rstrip("/").split("/")[-2]
    umpire.post(f"/x/{eid}/setup", data={"csrf_token": csrf(umpire), "cell-USA": "Washington", "start": "1"})
    return app, umpire, eid


@pytest.mark.parametrize("path,content_type", EXPORTS)
def test_each_export_names_its_charset_once(tmp_path, path, content_type):
    app, umpire, eid = _drill(tmp_path)
    r = umpire.get(path.format(eid=eid))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == content_type
    assert "attachment" in r.headers["Content-Disposition"]


@pytest.mark.parametrize("fmt,content_type", API_EXPORTS)
def test_each_api_export_names_its_charset_once(tmp_path, fmt, content_type):
    app = make_app(tmp_path)
    ex = new_exercise(app, "narva-drill.yaml")
    r = app.test_client().get(f"/api/v1/exercises/{ex['id']}/export?format={fmt}",
                              headers=bearer("umpire-token-for-tests"))
    assert r.status_code == 200 and r.headers["Content-Type"] == content_type


def _decide(app, umpire, eid, rationale: str, statement: str) -> None:
    for step in ("open-turn", "close-turn", "open-turn"):
        assert umpire.post(f"/x/{eid}/{step}", data={"csrf_token": csrf(umpire)}).status_code == 303
    page = umpire.get(f"/x/{eid}/setup").get_data(as_text=True)
    link = page.split('/join?token=')[1].split('"')[0].split("<")[0]
    cell = cell_client(app, f"http://h/x/{eid}/join?token={link}")
    r = cell.post(f"/x/{eid}/cell/decide", data={"csrf_token": csrf(cell), "state": "USA", "attack": "narva",
                                                 "response": "full", "rationale": rationale,
                                                 "statement": statement})
    assert r.status_code == 303, r.get_data(as_text=True)


@pytest.mark.parametrize("formula", FORMULAS)
def test_decisions_csv_never_hands_a_spreadsheet_a_formula(tmp_path, formula):
    app, umpire, eid = _drill(tmp_path)
    _decide(app, umpire, eid, rationale=formula, statement=formula)
    for text in (umpire.get(f"/x/{eid}/decisions.csv").get_data(as_text=True),
                 app.test_client().get(f"/api/v1/exercises/{eid}/export?format=csv",
                                       headers=bearer("umpire-token-for-tests")).get_data(as_text=True)):
        rows = list(csv.DictReader(io.StringIO(text)))
        usa = next(r for r in rows if r["state"] == "USA" and r["attack"] == "narva")
        assert usa["rationale"].startswith("'") and usa["rationale"][1:] in (formula, formula.replace("\r", "\n"))
        assert usa["statement"].startswith("'")
        for row in rows:
            for value in row.values():
                assert (value or " ")[0] not in "=+@\t\r" and not _negative_text(value), row


def _negative_text(value: str) -> bool:
    if not value.startswith("-"):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False   # a negative number is a number, not a formula


def test_the_markdown_report_carries_no_raw_html(tmp_path):
    evil = NARVA.replace("title: Narva drill", "title: \"Narva <script>alert(1)</script> drill\"") \
                .replace("Moscow warns Tallinn.", "<img src=x onerror=alert(2)> & more") \
                .replace("name: Poland", 'name: "Poland <b onmouseover=x>"')
    app, umpire, eid = _drill(tmp_path, evil)
    umpire.post(f"/x/{eid}/open-turn", data={"csrf_token": csrf(umpire)})
    for text in (umpire.get(f"/x/{eid}/report.md").get_data(as_text=True),
                 app.test_client().get(f"/api/v1/exercises/{eid}/export?format=md",
                                       headers=bearer("umpire-token-for-tests")).get_data(as_text=True)):
        assert "<" not in text and ">" not in text.replace("\n>", "")
        assert "&lt;script&gt;" in text and "&lt;img src=x onerror=alert(2)&gt; &amp; more" in text
        assert "# After-action report: Narva &lt;script&gt;" in text       # the Markdown itself still works
