"""The OpenAPI 3.1 description of `/api/v1`."""
from __future__ import annotations

from typing import Any

from engine.model import RESPONSES


def _op(summary: str, roles: str, *, body: dict[str, Any] | None = None, ok: str = "200",
        params: list[dict[str, Any]] | None = None, errors: tuple[str, ...] = ("401", "403", "404"),
        answer: dict[str, Any] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "description": f"Roles: {roles}.",
                          "responses": {ok: {"description": "success", "content": {"application/json": {
                              "schema": answer or {"type": "object"}}}}}}
    for code in errors:
        op["responses"][code] = {"$ref": f"#/components/responses/E{code}"}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    return op


_EID = {"name": "eid", "in": "path", "required": True, "schema": {"type": "string"}}
_SEQ = {"expected_seq": {"type": "integer", "description": "refuse (409) if the log is no longer at this event count"}}


def spec(server: str) -> dict[str, Any]:
    responses = [str(r) for r in RESPONSES]
    errors = {
        "E400": "the request is malformed", "E401": "no or unknown bearer token",
        "E403": "the token's role may not do this", "E404": "no such exercise or scenario",
        "E409": "the action is not allowed now, or the log moved on (reload and retry)",
        "E422": "the scenario file has problems (each with file, line, column, path, message)",
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Casus console API", "version": "1",
                 "description": "Exercises of alliance-crisis wargames: the umpire's and the cells' actions. "
                                "Authenticate with the umpire's token or a cell's join token as a bearer token."},
        "servers": [{"url": server}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Response": {"type": "string", "enum": responses,
                             "description": "the response scale, in order: "
                                            "hostile < neutral < diplomatic < limited < full"},
                "Error": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                          "required": ["error"]},
            },
            "responses": {k: {"description": v, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}} for k, v in errors.items()},
        },
        "paths": {
            "/openapi.json": {"get": {**_op("this document", "anyone", errors=()), "security": []}},
            "/scenarios": {"get": _op("the scenarios the server offers", "umpire", errors=("401", "403"),
                                      answer={"type": "array", "items": {"type": "object"}})},
            "/exercises": {
                "get": _op("the exercises the caller may see (a cell, an observer: its own)", "umpire, cell, observer",
                           errors=("401",), answer={"type": "array", "items": {"type": "object"}}),
                "post": _op("create an exercise from a shipped scenario or scenario text, and start it", "umpire",
                            ok="201", errors=("400", "401", "403", "404", "422"), body={
                                "type": "object", "properties": {
                                    "scenario": {"type": "string", "description": "key of a shipped scenario"},
                                    "yaml": {"type": "string", "description": "scenario text (at most 5 MB)"},
                                    "name": {"type": "string"}, "title": {"type": "string"},
                                    "cells": {"type": "object", "additionalProperties": {
                                        "type": "array", "items": {"type": "string"}},
                                              "description": "cell name -> the state ids it plays"},
                                    "cell_advice": {"type": "boolean"},
                                    "replay": {"type": "boolean", "description": "replay mode: after each "
                                               "turn, what history did and what the doctrine predicted (a "
                                               "scenario with a script only)"},
                                    "observers": {"type": "array", "items": {"type": "string"},
                                                  "description": "names of read-only observers: the answer "
                                                                 "gives each a token and a join link"},
                                    "start": {"type": "boolean", "default": True}}}),
            },
            "/exercises/{eid}": {"get": _op("the exercise as the caller may see it (fog of war for cells)",
                                            "umpire, cell, observer", params=[_EID, {
                                                "name": "since", "in": "query", "required": False,
                                                "schema": {"type": "integer", "minimum": 0, "default": 0},
                                                "description": "only the events, and the answers made "
                                                               "public, from this place in the log on (the "
                                                               "`seq` a poll last read)"}])},
            "/exercises/{eid}/decisions": {"post": _op(
                "a cell's decision (it may revise it until the deadline or the close)", "cell", ok="201",
                params=[_EID], errors=("400", "401", "403", "404", "409"), body={
                    "type": "object", "required": ["state", "attack", "response"], "properties": {
                        "state": {"type": "string"}, "attack": {"type": "string"},
                        "response": {"$ref": "#/components/schemas/Response"},
                        "rationale": {"type": "string", "description": "private: the umpire's only"},
                        "statement": {"type": "string", "description": "public once the turn closes"},
                        "turn": {"type": "integer", "description": "refuse (409) if this turn is over"}}})},
            "/exercises/{eid}/override": {"post": _op(
                "the umpire overrides a decision, with a logged reason", "umpire", ok="201", params=[_EID],
                errors=("400", "401", "403", "404", "409"), body={
                    "type": "object", "required": ["state", "attack", "response", "reason"], "properties": {
                        "state": {"type": "string"}, "attack": {"type": "string"},
                        "response": {"$ref": "#/components/schemas/Response"},
                        "reason": {"type": "string", "minLength": 1}, **_SEQ}})},
            "/exercises/{eid}/open-turn": {"post": _op("open the next turn", "umpire", params=[_EID],
                                                       errors=("400", "401", "403", "404", "409"),
                                                       body={"type": "object", "properties": _SEQ})},
            "/exercises/{eid}/close-turn": {"post": _op(
                "close the turn; `waiting` lists the cells' decisions still missing", "umpire", params=[_EID],
                errors=("400", "401", "403", "404", "409"), body={"type": "object", "properties": {
                    "doctrine_answers_missing": {
                        "type": "boolean", "default": False,
                        "description": "at the deadline: the doctrine answers for the cells that did not "
                                       "(each answer logged as such), then the turn closes"},
                    **_SEQ}})},
            "/exercises/{eid}/undo": {"post": _op("undo the last turn (its events are set aside)", "umpire",
                                                  params=[_EID], errors=("400", "401", "403", "404", "409"),
                                                  body={"type": "object", "properties": _SEQ})},
            "/exercises/{eid}/messages": {
                "get": _op("the messages the caller may read (a cell: those to or from it, and to all)",
                           "umpire, cell, observer", params=[_EID]),
                "post": _op("a message: the umpire to cells or all; a cell to the umpire, or to cells once "
                            "the umpire has opened the channel", "umpire, cell", ok="201", params=[_EID],
                            errors=("400", "401", "403", "404", "409"), body={
                                "type": "object", "required": ["to", "text"], "properties": {
                                    "to": {"oneOf": [
                                        {"type": "array", "items": {"type": "string"}, "minItems": 1,
                                         "description": "cell names"},
                                        {"type": "string", "enum": ["all", "umpire"]}]},
                                    "text": {"type": "string", "minLength": 1, "maxLength": 4000}}})},
            "/exercises/{eid}/channel": {"post": _op(
                "open or close the channel between cells", "umpire", ok="201", params=[_EID],
                errors=("400", "401", "403", "404", "409"), body={
                    "type": "object", "required": ["open"], "properties": {"open": {"type": "boolean"}}})},
            "/exercises/{eid}/cells": {"post": _op(
                "add a cell after the start: it plays the states named from now on (its token and join link)",
                "umpire", ok="201", params=[_EID], errors=("400", "401", "403", "404", "409"), body={
                    "type": "object", "required": ["name", "states"], "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "states": {"type": "array", "items": {"type": "string"}, "minItems": 1}}})},
            "/exercises/{eid}/injects": {"post": _op(
                "fire an ad-hoc inject, to every cell or to the cells named", "umpire", ok="201", params=[_EID],
                errors=("400", "401", "403", "404", "409"), body={
                    "type": "object", "required": ["kind", "text"], "properties": {
                        "kind": {"type": "string"}, "text": {"type": "string"},
                        "actor": {"type": "string", "description": "state id"},
                        "target": {"type": "string", "description": "state id (an attack needs one)"},
                        "severity": {"type": "number", "minimum": 0, "maximum": 1},
                        "attribution": {"type": "number", "minimum": 0, "maximum": 1},
                        "cells": {"type": "array", "items": {"type": "string"},
                                  "description": "only these cells see it (default: everyone)"}, **_SEQ}})},
            "/exercises/{eid}/export": {"get": _op(
                "the event log (jsonl), the decisions (csv) or the after-action report (md)", "umpire",
                params=[_EID, {"name": "format", "in": "query", "schema": {"enum": ["jsonl", "csv", "md"]}}])},
        },
    }
