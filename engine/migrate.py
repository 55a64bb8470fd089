"""Older event logs, read as events of the current format.

Format 0 (before typed events) wrote the same JSON lines with an untyped payload and
recorded only the seed, the mode, the controls and `stochastic` in its first event.
A log is migrated when it is read, never rewritten in place: an exercise stored by
an older version still opens, and its file or database keeps what was written.

What format 0 left unsaid is filled in as that version played: explanations on
(every stored game was explained; batch runs were never stored) and no doctrine
weights, which `engine.game` reads as "the scenario's", as format 0 did. A cascade
stopped at its bound was an umpire's note with `truncated`; it is its own kind now.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .events import FORMAT_VERSION, Event, EventFormatError, from_dict

# The bound on cascade rounds when format 0 was written (engine.turn.MAX_CASCADE_ROUNDS).
_FORMAT0_MAX_ROUNDS = 12


def format_of(first: Mapping[str, Any]) -> int:
    """The format a log was written in, from its first event."""
    if first.get("kind") != "game-started":
        raise EventFormatError("a log begins with its game-started event")
    version = int((first.get("payload") or {}).get("format", 0))
    if version > FORMAT_VERSION:
        raise EventFormatError(f"this log was written in event format {version}, newer than this "
                               f"version of Casus reads ({FORMAT_VERSION}): upgrade Casus to open it")
    return version


def migrate(records: Sequence[Mapping[str, Any]], version: int | None = None) -> list[Event]:
    """Events of the current format from the JSON records of a log (or of the part of it from
    some event on, with `version` read off its first event: `format_of`).

    A game begun in an older format and played on by this version holds records of both:
    upgrading leaves a record already in the current form as it is."""
    if version is None:
        version = format_of(records[0]) if records else FORMAT_VERSION
    if version == 0:
        records = [_from_format0(r) for r in records]
    return [from_dict(r) for r in records]


def _from_format0(record: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(record)
    payload = dict(record.get("payload") or {})
    kind = record.get("kind")
    if kind == "game-started" and "format" not in payload:
        payload.update(verbose=True, format=FORMAT_VERSION)
    elif kind == "inject-fired" and "inject_kind" not in payload:
        payload["inject_kind"] = payload.pop("kind")
    elif kind == "note" and payload.get("truncated"):
        out["kind"], payload = "cascade-truncated", {"rounds": _FORMAT0_MAX_ROUNDS}
    out["payload"] = payload
    return out
