"""Run a Monte Carlo plan here, on a pool of processes, or on a Dask cluster.

The engine plays runs and tallies chunks of them (`engine.montecarlo`); this
module only decides where chunks run, merges their tallies as they come back,
shows progress and stops cleanly on Ctrl-C. Tallies merge exactly in any order,
so the results do not depend on the back-end, the number of workers or the
chunk size, only on which runs finished.

Ctrl-C: in this process the run under way finishes and the rest are skipped;
with a process pool, chunks not yet started are cancelled and those under way
finish (they are short) and are kept, a second Ctrl-C drops them; on Dask
every unfinished chunk is cancelled. Either way the results of every finished
run are returned, marked interrupted.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import math
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from engine import kernel
from engine.montecarlo import Plan, Results, Tally, chunks, play_run, run_chunk

try:
    import resource
except ImportError:  # not on Windows: memory is then not reported
    resource = None  # type: ignore[assignment]

__all__ = ["Outcome", "Engine", "choose_engine", "run", "lean_gc", "default_chunk_size", "progress_wanted"]

# A chunk should take a second or two: long enough that sending its tally back
# costs little, short enough for a live progress bar and a prompt Ctrl-C.
MAX_CHUNK = 25
KERNEL_MAX_CHUNK = 2000  # the compiled kernel plays a chunk of this size in about a second
CHUNKS_PER_WORKER = 8
POLL_SECONDS = 0.1  # how often the loops look for a Ctrl-C while chunks run
CONNECT_TIMEOUT = "10s"


@dataclass
class Outcome:
    """What a run of the plan gave: the merged tally and how far it got."""
    plan: Plan
    tally: Tally
    interrupted: bool
    elapsed: float
    workers: int
    backend: str
    engine: Engine | None = None

    @property
    def replayed(self) -> int:
        """Runs the kernel handed to the reference engine (an answer began a war, an option was open)."""
        return self.tally.replayed

    @property
    def done(self) -> int:
        return self.tally.runs

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def peak_rss_bytes(self) -> int:
        """Sum over this process and every worker process of its peak resident memory."""
        return 1024 * sum(self.tally.peak_rss.values())

    def results(self) -> Results:
        return self.tally.results(self.plan, interrupted=self.interrupted)


OnChunk = Callable[[int, int], None]  # (runs in the chunk just merged, runs done so far)


def default_chunk_size(runs: int, workers: int, compiled: bool = False) -> int:
    most = KERNEL_MAX_CHUNK if compiled else MAX_CHUNK
    return max(1, min(most, math.ceil(runs / (max(1, workers) * CHUNKS_PER_WORKER))))


@dataclass(frozen=True)
class Engine:
    """Which engine plays the runs, and why: "kernel" (compiled) or "reference"."""
    name: str
    reason: str
    prepare_seconds: float = 0.0   # tables built and the kernel compiled (or loaded from its cache)

    @property
    def compiled(self) -> bool:
        return self.name == "kernel"


def choose_engine(plan: Plan, reference: bool = False) -> Engine:
    """The compiled kernel when the plan is within its scope (its tables built here, before any
    worker is forked), else the reference engine, with the reason."""
    if reference:
        return Engine("reference", "--reference asks for it")
    began = time.perf_counter()
    prepared = kernel.prepare(plan)
    if prepared.tables is None:
        return Engine("reference", prepared.reason or "outside the kernel's scope")
    return Engine("kernel", "the scenario and options are within its scope", time.perf_counter() - began)


def run(plan: Plan, *, workers: int = 1, chunk_size: int | None = None,
        scheduler: object | None = None, progress: bool = False,
        on_chunk: OnChunk | None = None, engine: Engine | None = None) -> Outcome:
    """Play every run of the plan and merge the tallies.

    `workers` > 1 uses a local process pool; `scheduler` (an address such as
    tcp://host:8786, or a dask.distributed Client) sends chunks to a Dask
    cluster instead. `on_chunk` is called after each merged chunk, in the
    caller's thread; a KeyboardInterrupt it raises counts as a Ctrl-C. The
    outcome of an interrupted run is marked so and holds the finished runs.
    `engine` (from `choose_engine`): the reference engine when not given.
    """
    engine = engine or Engine("reference", "the default of this function")
    compiled = engine.compiled
    bar = _progress_bar(plan.runs, progress)
    start = time.perf_counter()
    try:
        with _Stop.installed() as stop:
            notify = _chain(bar, on_chunk, stop)
            if scheduler is not None:
                tally, n, backend = _run_dask(plan, scheduler, chunk_size, notify, stop, compiled)
            elif workers > 1:
                size = chunk_size or default_chunk_size(plan.runs, workers, compiled)
                tally = _run_pool(plan, workers, chunks(plan.runs, size), notify, stop, compiled)
                n, backend = workers, "processes"
            else:
                size = chunk_size or default_chunk_size(plan.runs, 1, compiled)
                tally = _run_here(plan, size, notify, stop, compiled)
                n, backend = 1, "this process"
    finally:
        if bar is not None:
            bar.close()
    tally.peak_rss[_me()] = max(tally.peak_rss.get(_me(), 0), _peak_rss_kib())
    interrupted = tally.runs < plan.runs
    return Outcome(plan, tally, interrupted, time.perf_counter() - start, n, backend, engine)


class _Stop:
    """Ctrl-C as a flag the loops read between chunks, never an exception mid-merge."""

    def __init__(self) -> None:
        self.presses = 0

    def __call__(self, signum: int | None = None, frame: object = None) -> None:
        self.presses += 1

    @property
    def requested(self) -> bool:
        return self.presses > 0

    @classmethod
    @contextlib.contextmanager
    def installed(cls) -> Iterator[_Stop]:
        stop = cls()
        # Only the main thread may set handlers; elsewhere Ctrl-C is not ours to catch.
        if threading.current_thread() is not threading.main_thread():
            yield stop
            return
        previous = signal.signal(signal.SIGINT, stop)
        try:
            yield stop
        finally:
            signal.signal(signal.SIGINT, previous)


# --- the garbage collector -------------------------------------------------------------------

# A run allocates some 10^5 short-lived containers, nearly all freed by reference counting
# alone; with the default thresholds the cyclic collector runs hundreds of times per run and
# its full passes rescan the loaded engine and scenario. Freezing what is loaded and
# collecting less often saves about a tenth of the time per run. Collection never changes
# what the engine computes, so results are the same.
LEAN_THRESHOLDS = (50_000, 20, 100)


def _lean_gc_forever() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*LEAN_THRESHOLDS)


@contextlib.contextmanager
def lean_gc() -> Iterator[None]:
    """The lean collector for a while, then the process's own settings back."""
    before = gc.get_threshold()
    _lean_gc_forever()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


# --- back-ends ---------------------------------------------------------------------------

def _run_here(plan: Plan, size: int, notify: OnChunk, stop: _Stop, compiled: bool = False) -> Tally:
    """In this process, one run at a time (the kernel: a chunk at a time): Ctrl-C stops after
    the run (the chunk) under way."""
    total = Tally.empty(plan)
    if compiled:
        with lean_gc():  # the runs the kernel hands back are played here as on the reference path
            for a, b in chunks(plan.runs, size):
                if stop.requested:
                    break
                total.merge(kernel.run_chunk(plan, a, b))
                notify(b - a, total.runs)
        return total
    since = 0
    with lean_gc():
        for index in range(plan.runs):
            if stop.requested:
                break
            total.add(play_run(plan, index))
            since += 1
            if since == size or index == plan.runs - 1:
                notify(since, total.runs)
                since = 0
    return total


_WORKER_PLAN: Plan | None = None
_WORKER_COMPILED = False


def _init_worker(plan: Plan, compiled: bool = False) -> None:
    """Each worker process holds the plan (scenario included) once, not once per chunk."""
    global _WORKER_PLAN, _WORKER_COMPILED
    _WORKER_PLAN, _WORKER_COMPILED = plan, compiled
    # Ctrl-C is the parent's to handle: a worker killed mid-chunk would break the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lean_gc_forever()  # a worker lives only to play runs


def _pool_chunk(a: int, b: int) -> Tally:
    assert _WORKER_PLAN is not None, "worker started without its plan"
    return _tagged(_chunk(_WORKER_PLAN, a, b, _WORKER_COMPILED))


def _chunk(plan: Plan, a: int, b: int, compiled: bool) -> Tally:
    return kernel.run_chunk(plan, a, b) if compiled else run_chunk(plan, a, b)


def _run_pool(plan: Plan, workers: int, plan_chunks: Sequence[tuple[int, int]],
              notify: OnChunk, stop: _Stop, compiled: bool = False) -> Tally:
    import multiprocessing as mp
    # fork shares the loaded engine with the workers; elsewhere the plan is pickled once each.
    context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    total = Tally.empty(plan)
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                  initializer=_init_worker, initargs=(plan, compiled))
    try:
        sizes = {pool.submit(_pool_chunk, a, b): b - a for a, b in plan_chunks}
        pending, cancelled = set(sizes), False
        while pending and stop.presses < 2:
            done, pending = cf.wait(pending, timeout=POLL_SECONDS, return_when=cf.FIRST_COMPLETED)
            for future in done:
                n = sizes.pop(future)  # drop the future, and with it the chunk's tally
                if not future.cancelled():
                    total.merge(future.result())
                    notify(n, total.runs)
            if stop.requested and not cancelled:
                # Chunks not yet started are dropped; those under way finish and are kept.
                for future in pending:
                    future.cancel()
                cancelled = True
    finally:
        pool.shutdown(wait=stop.presses < 2, cancel_futures=True)
    return total


def _run_dask(plan: Plan, scheduler: object, chunk_size: int | None, notify: OnChunk,
              stop: _Stop, compiled: bool = False) -> tuple[Tally, int, str]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("--scheduler needs Dask: pip install 'casus[dask]'") from None
    own = not isinstance(scheduler, Client)
    try:
        client: Any = (Client(scheduler, set_as_default=False, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
                       if own else scheduler)
    except (OSError, TimeoutError, ValueError) as exc:
        raise RuntimeError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    total = Tally.empty(plan)
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        size = chunk_size or default_chunk_size(plan.runs, n, compiled)
        [plan_future] = client.scatter([plan], broadcast=True, hash=False)
        sizes = {client.submit(_dask_chunk, plan_future, a, b, compiled, pure=False): b - a
                 for a, b in chunks(plan.runs, size)}
        queue: Any = as_completed(list(sizes), loop=client.loop)  # type: ignore[no-untyped-call]
        while not queue.is_empty() and not stop.requested:
            batch = queue.next_batch(block=False)
            if not batch:
                time.sleep(POLL_SECONDS)
            for future in batch:
                total.merge(future.result())
                notify(sizes.pop(future), total.runs)
                future.release()  # the cluster may forget the chunk's tally now
        if stop.requested:
            queue.clear()
            client.cancel(list(sizes))
        return total, n, f"dask ({client.scheduler.address})"
    finally:
        if own:
            client.close()


def _dask_chunk(plan: Plan, a: int, b: int, compiled: bool = False) -> Tally:
    return _tagged(_chunk(plan, a, b, compiled))


# --- helpers -------------------------------------------------------------------------------

def _tagged(tally: Tally) -> Tally:
    """Note this worker's peak memory on the tally it sends back."""
    tally.peak_rss[_me()] = _peak_rss_kib()
    return tally


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _peak_rss_kib() -> int:
    if resource is None:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes


def _progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="run", file=sys.stderr, dynamic_ncols=True, smoothing=0.1,
                desc="runs")


def _chain(bar: Any, on_chunk: OnChunk | None, stop: _Stop) -> OnChunk:
    def notify(n: int, done: int) -> None:
        if bar is not None:
            bar.update(n)
        if on_chunk is not None:
            try:
                on_chunk(n, done)
            except KeyboardInterrupt:
                stop()
    return notify


def progress_wanted(quiet: bool, stream: IO[str] | None = None) -> bool:
    """A bar only on a terminal: a log file or a pipe gets no carriage returns."""
    stream = stream or sys.stderr
    return not quiet and hasattr(stream, "isatty") and stream.isatty()

