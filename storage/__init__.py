"""Where games are kept on disk, for the console and the command line alike.

`engine.store` defines the contract (and an in-memory store); this package
holds the implementations that need more than the standard engine: today one
SQLite file, write-ahead logged.
"""
from __future__ import annotations

from .sqlite import SQLiteStore

__all__ = ["SQLiteStore"]
