"""Casus engine: a pure library for alliance-crisis wargames.

It loads and validates scenarios, finds the commitments an attack triggers,
decides for the states it plays, resolves turns and folds games from their
events. It knows nothing of HTTP, SQL or terminals: the CLI and the web
console are thin shells over it.
"""
