"""`casus serve` says that requests queue for a thread, without a line per request."""
from __future__ import annotations

import logging

import pytest

from casus.commands import serve


def _record() -> logging.LogRecord:
    return logging.LogRecord("waitress.queue", logging.WARNING, __file__, 1, "Task queue depth is %d", (3,), None)


@pytest.mark.parametrize(("times", "shown"), [
    ([0.0], 1),
    ([0.0, 0.1, 0.2, 9.9], 1),           # a burst: one line
    ([0.0, 5.0, 10.0, 10.1, 25.0], 3),   # one line per ten seconds at most
])
def test_queue_warnings_come_at_most_once_per_period(monkeypatch, times, shown):
    clock = iter(times)
    monkeypatch.setattr(serve.time, "monotonic", lambda: next(clock))
    once = serve.OncePer(10.0)
    assert sum(once.filter(_record()) for _ in times) == shown


def test_the_line_let_through_counts_those_held_back(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 12.0])
    monkeypatch.setattr(serve.time, "monotonic", lambda: next(clock))
    once = serve.OncePer(10.0)
    records = [_record() for _ in range(4)]
    passed = [r for r in records if once.filter(r)]
    assert [r.getMessage() for r in passed] == [
        "Task queue depth is 3", "Task queue depth is 3 (and 2 such warnings in the 10 s before)"]
