"""Options: the injects their actor decides, and the wars a ceasefire ends (SCENARIO_FORMAT.md, "Options").

    weights.py   the options' weights, doctrine.json 'options'
    doctrine.py  how a state the engine plays weighs an option, per kind, with its reasons
    coalition.py an attacker's expected coalition, its balance and nuclear weight, kept by version
    attacks.py   an attack option read in a batch run, from one record per option
    rules.py     which options are open, the record's choice, the wars a ceasefire ends
    probes.py    an attacker's probes: the answers to its earlier attacks, kept per game
    wars.py      the wars and the forces in play, read once per list of them or version of the wars

The phase that asks each actor is engine.turn's (`options_phase`, `choose_option`,
`override_option`); who may choose is engine.view's (`may_choose`).
"""
from __future__ import annotations

from .coalition import expected_coalition
from .doctrine import OptionAdvice, OptionCase, advise
from .rules import (
    actor_of,
    advice,
    by_record,
    case,
    ceasefire,
    is_open,
    lapsing,
    last_turn,
    may_open,
    open_options,
    options_of,
    orphaned,
    played_by_cell,
    probability,
    recorded,
    waiting,
    war_reasons,
)
from .weights import FACTORS, WEIGHTS, family

__all__ = ["FACTORS", "WEIGHTS", "OptionAdvice", "OptionCase", "actor_of", "advice", "advise", "by_record",
           "case", "ceasefire", "expected_coalition", "family", "is_open", "lapsing", "last_turn",
           "may_open", "open_options", "options_of", "orphaned", "played_by_cell", "probability", "recorded", "waiting",
           "war_reasons"]
