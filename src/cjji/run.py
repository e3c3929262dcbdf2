"""One run of cjji: the per-run memo tables (the run context) and the one loop that takes each
report's result from the cache or works it out, serially or in a process pool.

Memo tables. Work that a run repeats for many reports (hunspell's verdict on a word, a policy's
compiled schema, a signature already verified) is remembered in a table of the current run, not in
a module global: `with scope():` opens a run (every `cjji` command is one, see cjji.cli; so is
each pool worker), `memo(name)` is that run's table. Outside a run, `memo` hands out a fresh table
each call, so nothing outlives the call that filled it and a test never sees another test's
verdicts.

The loop. `each_report` is used by `cjji check` (cjji.checking) and `cjji build` (cjji.building):
cached results first, then the rest, in a pool of `jobs` worker processes (each loads the policy
once) when there is more than one to do; results come back in the order of the folders given,
whatever order the workers finish in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cjji.gates.base import Context

R = TypeVar("R")


class Memo:
    """The memo tables of one run, by name ("spelling.known", "schema.compiled", ...)."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, Any]] = {}

    def table(self, name: str) -> dict[Any, Any]:
        return self.tables.setdefault(name, {})


_CURRENT: ContextVar[Memo | None] = ContextVar("cjji_run", default=None)


@contextmanager
def scope() -> Iterator[Memo]:
    """A run: memo tables that live until the block ends (nested scopes share the outer run's)."""
    if _CURRENT.get() is not None:
        yield _CURRENT.get()  # type: ignore[misc]  # narrowed just above
        return
    memo_ = Memo()
    token = _CURRENT.set(memo_)
    try:
        yield memo_
    finally:
        _CURRENT.reset(token)


def memo(name: str) -> dict[Any, Any]:
    """The current run's table NAME; outside a run, a new empty table (nothing is kept)."""
    current = _CURRENT.get()
    return current.table(name) if current is not None else {}


_WORKER: Context | None = None  # the one run a worker process serves, set by _init_worker
_WORKER_RUN: AbstractContextManager[Memo] | None = None  # ... and that run, open until the process ends


def _init_worker(root: Path, for_publication: bool) -> None:
    """Load the policy once per worker process, not once per report (it is the slow part of a
    small check or build), and open the worker's run."""
    global _WORKER
    from cjji.gates.base import Context
    from cjji.policy import load_policy

    # a publication check judges by checks/ itself, never by the policy remembered in .cache/
    _WORKER = Context(load_policy(root, use_cache=not for_publication), for_publication)
    # the worker process is one run: its memo lives as long as the process. The context manager is
    # kept: a discarded one is finalised at once, which closes the run it had just opened.
    global _WORKER_RUN
    _WORKER_RUN = scope()
    _WORKER_RUN.__enter__()


def _in_worker(task: Callable[[Path, Context], R], folder: Path) -> R:
    assert _WORKER is not None, "each_report's pool initialises every worker"
    return task(folder, _WORKER)


def each_report(
    dirs: list[Path],
    task: Callable[[Path, Context], R],
    context: Context,
    *,
    jobs: int = 1,
    cached: Callable[[Path], R | None] = lambda _: None,
    on_done: Callable[[Path], None] = lambda _: None,
) -> tuple[list[R], list[Path]]:
    """TASK(folder, context) for every folder not answered by CACHED(folder): (the results in the
    order of DIRS, the folders that were worked out rather than cached). TASK must be a module-level
    function (or a functools.partial of one) for the pool to send it to its workers."""
    results: dict[Path, R] = {}
    for folder in dirs:
        hit = cached(folder)
        if hit is not None:
            results[folder] = hit
            on_done(folder)
    todo = [d for d in dirs if d not in results]
    if jobs > 1 and len(todo) > 1:
        import multiprocessing  # here, not at the top: a warm check never starts a pool
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # Workers come from a fork server, not a fork of this process: forking a process that has
        # threads running (progress bars, the builders' thread pool) can deadlock the child.
        pool_context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=pool_context,
                                 initializer=_init_worker,
                                 initargs=(context.policy.root, context.for_publication)) as pool:
            futures = {pool.submit(_in_worker, task, folder): folder for folder in todo}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                on_done(futures[future])
    else:
        with scope():
            for folder in todo:
                results[folder] = task(folder, context)
                on_done(folder)
    return [results[d] for d in dirs], todo
