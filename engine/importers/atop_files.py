"""The data files the ATOP import reads: where they lie, and reading their columns.

The files are the user's (the data sets' licences keep them out of the
distribution), so every problem with one is a DataError naming the file, what
is wrong with it and where to obtain a good copy.

Reading is tuned for speed: the csv module and only the needed columns, as
strings; the callers drop rows of other years before any conversion.
"""
from __future__ import annotations

import csv
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.errors import CasusError


@dataclass(frozen=True, slots=True)
class DataFile:
    """One of the data sets the importer reads, and where a user obtains it."""
    key: str
    label: str
    relative: str  # its place under a data directory laid out like the distributions
    obtain: str


ATOP_ALLIANCES = DataFile(
    "atop_alliances", "ATOP v4.01 alliance-level file", "atop/atop4_01a.csv",
    "http://www.atopdata.org")
ATOP_MEMBERS = DataFile(
    "atop_members", "ATOP v4.01 member-level file", "atop/atop4_01m.csv",
    "http://www.atopdata.org")
COW_STATES = DataFile(
    "states", "COW State System Membership v2016", "cow/states2016.csv",
    "https://correlatesofwar.org/data-sets/state-system-membership/")
COW_NMC = DataFile(
    "nmc", "COW National Material Capabilities v6.0", "cow/NMC-60-abridged.csv",
    "https://correlatesofwar.org/data-sets/national-material-capabilities/")
POLITY = DataFile(
    "polity", "Polity IV annual time series (polity2)", "polity/polity4v2015.csv",
    "https://www.systemicpeace.org/inscrdata.html")
DATA_FILES: tuple[DataFile, ...] = (ATOP_ALLIANCES, ATOP_MEMBERS, COW_STATES, COW_NMC, POLITY)


@dataclass(frozen=True, slots=True)
class DataPaths:
    atop_alliances: Path
    atop_members: Path
    states: Path
    nmc: Path
    polity: Path

    @classmethod
    def under(cls, root: Path | str, **overrides: Path | str | None) -> DataPaths:
        """The files laid out under `root` as in the distributions; `overrides` by DataFile.key."""
        paths = {}
        for spec in DATA_FILES:
            given = overrides.get(spec.key)
            paths[spec.key] = Path(given) if given else Path(root) / spec.relative
        return cls(**paths)

    def path(self, spec: DataFile) -> Path:
        # The fields are named by DataFile.key, so the key alone finds the file.
        found: Path = getattr(self, spec.key)
        return found


class DataError(CasusError):
    """A data file that is missing, unreadable or not the file it should be."""

    def __init__(self, spec: DataFile, path: Path, problem: str):
        self.spec = spec
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem} ({spec.label}; obtain it from {spec.obtain})")


class MissingDataError(DataError):
    def __init__(self, spec: DataFile, path: Path):
        super().__init__(spec, path, "no such file")


class ImportProblem(CasusError):
    """The request cannot be met from the data (a date outside it, an unknown state)."""


def check_files(paths: DataPaths) -> None:
    """Raise MissingDataError for the first data file that is not there."""
    for spec in DATA_FILES:
        if not paths.path(spec).is_file():
            raise MissingDataError(spec, paths.path(spec))


def columns(spec: DataFile, path: Path, names: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """The named columns of every row, as strings, in the order of `names`."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig", errors="replace")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise MissingDataError(spec, path) from None
    except OSError as exc:
        raise DataError(spec, path, f"cannot be read: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [n for n in names if n not in header]
        if missing:
            raise DataError(spec, path, f"lacks the column(s) {', '.join(missing)}: not the expected file")
        pick = _picker([header.index(n) for n in names])
        width = len(header)
        for row in reader:
            if len(row) >= width:
                yield pick(row)


def _picker(indices: Sequence[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells at `indices`, as a tuple even for one index (itemgetter of one
    index returns the bare cell)."""
    if len(indices) == 1:
        only = indices[0]
        return lambda row: (row[only],)
    pick: Callable[[list[str]], tuple[str, ...]] = operator.itemgetter(*indices)
    return pick


def to_int(text: str) -> int | None:
    """An integer cell; blanks and the data sets' missing codes (NA, .) are None."""
    text = text.strip()
    if not text or text in ("NA", "."):
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return None


def to_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
