"""Events encoded once for every reader, and JSON answers built from those texts.

Thirty cells that poll read each new event thirty times, and right after a turn closes
they all read the same hundred-odd events within a second: encoding them again for each
reader was most of a read's time. An event's common fields are encoded once; what a reader
may see of its payload is still cut per reader by the engine (`engine.view.public_fields`).
An event's text is shared only between readers who see the whole of it: the umpire's (with
its visibility), and the cells' with nothing withheld (without). A payload cut for a reader
is encoded for that reader alone and never kept, so no reader is sent another's cut.

Entries are keyed by the event object and hold it: events never change, and while an entry
lives no other object can take its id. A new event, or the new objects an undo puts in the
log, are new keys.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app

from engine.events import Event
from engine.view import Viewer, public_fields

KEPT = 20_000          # events; past this the cache starts again (a few megabytes)
SEPARATORS = (",", ":")  # as Flask's jsonify writes outside debug mode


@dataclass(slots=True)
class _Entry:
    event: Event
    envelope: dict[str, Any]
    payload: dict[str, Any]
    texts: dict[bool, str] = field(default_factory=dict)   # umpire? -> the whole event as text


_ENCODED: dict[int, _Entry] = {}


def _entry(e: Event) -> _Entry:
    found = _ENCODED.get(id(e))
    if found is not None and found.event is e:
        return found
    d = e.to_dict()
    payload = d.pop("payload")
    if len(_ENCODED) >= KEPT:
        _ENCODED.clear()
    entry = _ENCODED[id(e)] = _Entry(e, d, payload)
    return entry


def _assemble(entry: _Entry, payload: dict[str, Any], viewer: Viewer) -> dict[str, Any]:
    d = dict(entry.envelope)
    d["payload"] = payload
    if viewer is not None:
        d.pop("visibility", None)     # a cell is not told who else may see an event
    return d


def event_dict(e: Event, viewer: Viewer) -> dict[str, Any]:
    """The event as `viewer` may read it (None: the umpire), as a mapping."""
    entry = _entry(e)
    return _assemble(entry, public_fields(e, viewer, entry.payload), viewer)


def event_text(e: Event, viewer: Viewer) -> str:
    """`event_dict(e, viewer)` as JSON text, shared by the readers who see the whole event."""
    entry = _entry(e)
    seen = public_fields(e, viewer, entry.payload)
    if viewer is not None and seen != entry.payload:     # something withheld: this reader's own
        return dumps(_assemble(entry, seen, viewer))
    umpire = viewer is None
    text = entry.texts.get(umpire)
    if text is None:
        text = entry.texts[umpire] = dumps(_assemble(entry, seen, viewer))
    return text


def dumps(value: Any) -> str:
    return str(current_app.json.dumps(value, separators=SEPARATORS))


def json_response(head: Mapping[str, Any], key: str, texts: Sequence[str]) -> Response:
    """What `jsonify(head | {key: [the values of texts]})` sends, with `texts` spliced in as
    they are rather than decoded and encoded again."""
    rest = dumps(dict(head))
    items = f'"{key}":[{",".join(texts)}]'
    body = "{" + items + ("}" if rest == "{}" else "," + rest[1:])
    response: Response = current_app.response_class(body + "\n", mimetype="application/json")
    return response
