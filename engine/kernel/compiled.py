"""The engine's numeric functions compiled by numba, as they are.

`engine.numeric` is plain Python that the turn engine calls. numba compiles a
function by its code and resolves the names it calls in its globals; so each
function here is the very code object of `engine.numeric` (or of
`engine.kernel.blake2b`) bound to a copy of its module's globals in which every
sibling is the compiled one. There is no second copy of the arithmetic to drift.

numba's on-disk cache keeps the machine code between sessions: NUMBA_CACHE_DIR is
set to the user's cache folder (`casus/numba/<digest>` in it) unless it is set
already, so the second `casus run` of a session does not compile again. numba
checks a cached function against its own source file only, not against the files
of the functions it calls, so the folder is named by a digest of every source the
kernel compiles: a change to `engine.numeric` starts a fresh cache, never a stale
one. Fast-math is never asked for: the engine's order of operations and the C
library's `exp` stand.
"""
from __future__ import annotations

import hashlib
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "jit", "numeric_function", "NUMERIC"]


_COMPILED_SOURCES = ("../numeric.py", "blake2b.py", "compiled.py", "loop.py", "war_loop.py", "resolve_loop.py",
                     "options.py", "option_phase.py", "settle_loop.py", "open_loop.py",
                     "ceasefire.py", "run_arrays.py")


def _sources_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=8)
    for name in _COMPILED_SOURCES:
        digest.update((here / name).read_bytes())
    digest.update(f"{sys.version_info[:2]}".encode())
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where numba keeps the kernel's machine code: a folder named by the digest of its sources,
    in $NUMBA_CACHE_DIR when set, else in the platform's user cache folder."""
    digest = _sources_digest()
    found = os.environ.get("NUMBA_CACHE_DIR")
    if found:
        base = Path(found)
        return base if base.name == digest else base / digest
    if sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches"
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "casus" / "numba" / digest


# Set before numba is imported (it reads the variable once), and on its config should it be loaded.
CACHE_DIR = cache_dir()
os.environ["NUMBA_CACHE_DIR"] = str(CACHE_DIR)

import numba  # noqa: E402  (after the cache folder is chosen)

from .. import numeric  # noqa: E402
from . import blake2b  # noqa: E402

numba.config.CACHE_DIR = str(CACHE_DIR)  # type: ignore[attr-defined]


def jit(func: Callable[..., Any]) -> Any:
    """numba's compiler with the kernel's settings: nopython, cached on disk, no fast-math."""
    return numba.njit(cache=True, fastmath=False, nogil=True)(func)


def _compile_module(module: types.ModuleType, names: tuple[str, ...],
                    standing_in: dict[str, str] | None = None) -> dict[str, Any]:
    """Each named function of `module`, its code bound to globals in which its siblings are compiled;
    `standing_in`: a name compiled from another function of the module (its numba-ready twin)."""
    scope = dict(vars(module))
    out: dict[str, Any] = {}
    for name in names:
        original = getattr(module, (standing_in or {}).get(name, name))
        twin = types.FunctionType(original.__code__, scope, original.__name__, original.__defaults__,
                                  original.__closure__)
        twin.__qualname__ = original.__qualname__
        twin.__module__ = original.__module__
        out[name] = scope[name] = jit(twin)
    return out


NUMERIC = _compile_module(numeric, ("logistic", "score", "distribution", "cap_full", "draw_index", "unit_float",
                                    "round_to", "reputation_after", "cohesion", "share_of", "side_power", "mark_side",
                                    "cost_of_war", "clip01", "mean", "credibility", "abandonment", "divergence",
                                    "entrapment", "group_chances", "join_wars", "weigh_coalition", "centred",
                                    "probe_factor", "attack_factors", "greatest", "dilemma", "war_cost", "losing",
                                    "stayed_away", "option_chance", "same_pair", "among", "war_reasons", "over_ended",
                                    "wars_ended"),
                          standing_in={"round_to": "exact_round", "mean": "mean_loop", "score": "score_loop",
                                       "greatest": "greatest_loop", "credibility": "credibility_loop",
                                       "weigh_coalition": "weigh_coalition_loop"})
BLAKE2B = _compile_module(blake2b, ("_rotr", "_mix", "_compress", "blake2b_8"))


def numeric_function(name: str) -> Any:
    """The compiled twin of `engine.numeric.<name>` (or of the kernel's BLAKE2b)."""
    return NUMERIC[name] if name in NUMERIC else BLAKE2B[name]
