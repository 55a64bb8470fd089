"""The comparison of syndicates shows outcomes (wars, commitments honoured and abandoned,
indicators), not only decisions."""
from __future__ import annotations

import re

import pytest

from engine.events import Breach, Honoured
from engine.outcome import outcome
from engine.store import MemoryStore
from tests.e2e.support import csrf, make_app, narva_under_way, umpire_client


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("outcomes"), store=MemoryStore())


def syndicate(app, answer: str) -> str:
    """The Narva drill played to the end of turn 2 with both cells giving `answer`."""
    ex, umpire = narva_under_way(app)
    eid = ex["id"]
    for state in ("USA", "POL"):
        umpire.post(f"/x/{eid}/override", data={"csrf_token": csrf(umpire), "state": state, "attack": "narva",
                                                "response": answer, "reason": "the syndicate's answer"})
    assert umpire.post(f"/x/{eid}/close-turn", data={"csrf_token": csrf(umpire)}).status_code == 303
    return eid


def test_outcomes_count_what_the_log_holds(app):
    eid = syndicate(app, "full")
    snap = app.extensions["casus"].get(eid)
    found = outcome(snap.live.state, snap.live.events)
    assert found.honoured == sum(isinstance(e, Honoured) for e in snap.live.events) > 0
    assert found.abandoned == sum(isinstance(e, Breach) for e in snap.live.events)
    assert len(found.wars) == len(snap.live.state.wars) > 0
    assert [t.treaty for t in found.treaties] == ["nato"]


def test_two_syndicates_that_answered_apart_show_apart_in_outcomes(app):
    firm, soft = syndicate(app, "full"), syndicate(app, "neutral")
    page = umpire_client(app).get(f"/compare?x={firm}&x={soft}").get_data(as_text=True)
    assert "Outcomes" in page

    def row(label: str) -> list[str]:
        found = re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", page, re.S)
        assert found, label
        return re.findall(r"<td>(.*?)</td>", found.group(1), re.S)

    honoured, abandoned = row("Commitments honoured"), row("Commitments abandoned")
    assert int(honoured[0]) > int(honoured[1]) and int(abandoned[0]) < int(abandoned[1])
    assert len(row("North Atlantic Treaty: cohesion, credibility")) == 2
