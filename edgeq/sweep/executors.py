"""Where a grid's cells run: one interface, two executors.

A cell is a `Chain` of `Step`s (convert → build/validate/bench), each a top-level function called as
`fn(*args, previous)` with the previous step's value. A step never raises across the executor: an
`EdgeqError` (or any other exception) becomes a failed `Outcome` with its reason, and the chain stops there.

What a step needs (`Step.needs`):
  cpu            any worker (conversion, host benchmarks);
  qemu           a node that can emulate (qemu-system-arm installed);
  board:<id>     the node the board is attached to — exclusive: one step holds a board at a time.

Executors:
  local  (`LocalExecutor`) a process pool sized to this machine's cores; a board step holds a file lock
         on the board, so two cells never talk to one board at once. Ray is never imported.
  ray    (`RayExecutor`) the same chains as Ray tasks on an existing cluster: `needs` becomes a Ray
         custom resource, so a board step lands on the node `edgeq lab serve` advertised it from. A node
         that dies mid-step fails the task with a system error, which Ray retries on another node with the
         resource (`retries` times); after that the cell fails with the reason. What the lost step had started
         (QEMU, make, the converter) dies with its worker process (`edgeq.process_group.group_options`).
Ctrl-C (or SIGTERM/SIGHUP, which `edgeq.cli.main` turns into KeyboardInterrupt) cancels what is queued and
interrupts what runs, so each step's own cleanup ends its child process groups and discards its unsealed
cache work (the cache only ever holds sealed entries, see `edgeq.sweep.cache`).
"""
from __future__ import annotations

import os
import queue
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from edgeq.errors import EdgeqError
from edgeq.process_group import die_with_parent

Progress = Callable[[str], None]
EXECUTORS = ("local", "ray")
RAY_RETRIES = 3  # system failures (a worker or node dying) a step survives


@dataclass(frozen=True)
class Step:
    name: str
    fn: Callable[..., Any]
    args: tuple = ()
    needs: str = "cpu"  # cpu | qemu | board:<id>


@dataclass(frozen=True)
class Chain:
    id: str
    steps: tuple[Step, ...]
    board: str  # what the progress display groups it under


@dataclass(frozen=True)
class Outcome:
    chain: Chain
    value: Any = None
    error: str | None = None  # None when every step succeeded
    hint: str = ""
    step: str = ""  # the step that failed

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Events:
    """What an executor reports: a chain started (when known), a chain finished, a progress line."""

    started: Callable[[Chain], None] = lambda chain: None
    finished: Callable[[Outcome], None] = lambda outcome: None
    line: Progress = lambda text: None


# -- one step, wherever it runs ------------------------------------------------------------------------------

_line_sink: Callable[[str], None] | None = None  # set in a local worker: progress lines to the driver


def step_progress(text: str) -> None:
    """Steps report progress here: to the driver under the local executor, nowhere on a cluster."""
    if _line_sink is not None:
        _line_sink(text)


def call_step(fn: Callable[..., Any], args: tuple, previous: Any) -> tuple:
    """("ok", value) or ("error", message, hint, step): a step's failure travels as a value, so only a dead
    process (a system failure) makes Ray retry it. A failed previous step is passed through."""
    if isinstance(previous, tuple) and previous and previous[0] == "error":
        return previous
    value = previous[1] if isinstance(previous, tuple) and previous and previous[0] == "ok" else None
    try:
        return ("ok", fn(*args, value))
    except EdgeqError as err:
        return ("error", err.message, err.hint)
    except KeyboardInterrupt:
        raise
    except Exception as err:  # a bug in a step fails its cell, not the grid
        return ("error", f"{type(err).__name__}: {err}", "a bug in edgeq: please report it with the cell's inputs")


def _outcome(chain: Chain, result: tuple, step: str) -> Outcome:
    if result[0] == "ok":
        return Outcome(chain, value=result[1])
    return Outcome(chain, error=result[1], hint=result[2], step=step)


# -- local: a process pool -----------------------------------------------------------------------------------

def _init_local_worker(lines, driver: int) -> None:
    global _line_sink
    _line_sink = lines.put
    die_with_parent(driver)  # a driver killed with SIGKILL takes its workers (and so their QEMUs) with it

    def interrupt(signum, _frame):  # the driver ends its pool with SIGTERM: clean up like Ctrl-C
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupt)


def _run_chain_locally(chain: Chain, lock_dir: str) -> tuple:
    """Every step of `chain` in this worker; a board step holds the board's lock file."""
    import fcntl

    _line_sink(("start", chain.id))
    result: tuple = ("ok", None)
    failed = ""
    for step in chain.steps:
        lock = None
        if step.needs.startswith("board:"):
            Path(lock_dir).mkdir(parents=True, exist_ok=True)
            lock = open(Path(lock_dir) / f"{step.needs.replace(':', '-')}.lock", "w")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            result = call_step(step.fn, step.args, result)
        finally:
            if lock is not None:
                lock.close()
        if result[0] == "error":
            failed = step.name
            break
    return (*result, failed) if result[0] == "error" else result


class LocalExecutor:
    name = "local"

    def __init__(self, workers: int | None = None, lock_dir: Path | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.lock_dir = lock_dir or Path.home() / ".cache" / "edgeq" / "board-locks"

    def run(self, chains: Sequence[Chain], events: Events) -> None:
        import concurrent.futures as cf
        import multiprocessing

        if not chains:
            return
        ctx = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited threads or locks
        lines = ctx.Queue()
        by_id = {chain.id: chain for chain in chains}
        pool = cf.ProcessPoolExecutor(max_workers=min(self.workers, len(chains)), mp_context=ctx,
                                      initializer=_init_local_worker, initargs=(lines, os.getpid()))
        stop = threading.Event()
        pending_lines: queue.SimpleQueue = queue.SimpleQueue()

        def pump() -> None:  # worker lines → this thread's queue; events run on the driver's thread
            while not stop.is_set():
                try:
                    pending_lines.put(lines.get(timeout=0.1))
                except queue.Empty:
                    continue
                except (EOFError, OSError, ValueError):
                    return

        def drain() -> None:
            while True:
                try:
                    item = pending_lines.get_nowait()
                except queue.Empty:
                    return
                if isinstance(item, tuple) and item[0] == "start":
                    events.started(by_id[item[1]])
                else:
                    events.line(item)

        pumper = threading.Thread(target=pump, daemon=True)
        pumper.start()
        futures = {pool.submit(_run_chain_locally, chain, str(self.lock_dir)): chain for chain in chains}
        try:
            not_done = set(futures)
            while not_done:
                done, not_done = cf.wait(not_done, timeout=0.2, return_when=cf.FIRST_COMPLETED)
                drain()
                for future in done:
                    chain = futures[future]
                    try:
                        result = future.result()
                    except cf.process.BrokenProcessPool as err:
                        result = ("error", f"the worker process died: {err}", "rerun the sweep: finished cells are cached", "")
                    drain()
                    events.finished(_outcome(chain, result[:3], result[3] if len(result) > 3 else ""))
        except BaseException:
            processes = list((pool._processes or {}).values())  # shutdown() forgets them
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:  # running steps clean up as on Ctrl-C (SIGTERM → KeyboardInterrupt)
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(timeout=10)
            raise
        finally:
            pool.shutdown(wait=True)
            stop.set()
            pumper.join(timeout=1)
            drain()
            lines.close()


# -- ray: the same chains as tasks on a cluster ----------------------------------------------------------------

def ray_resources(needs: str) -> dict[str, float]:
    """A step's Ray custom resources (`cpu` needs none beyond its CPU)."""
    return {} if needs == "cpu" else {needs: 1.0}


def _import_ray():
    try:
        import ray
    except ImportError:
        raise EdgeqError("--cluster ray needs Ray, which is not installed",
                         "pip install 'edgeq[cluster]' (on this machine and every lab computer)") from None
    return ray


class RayExecutor:
    name = "ray"

    def __init__(self, address: str | None = None, retries: int = RAY_RETRIES):
        self.address = address or "auto"
        self.retries = retries

    def _connect(self, ray) -> None:
        if ray.is_initialized():
            return
        try:
            ray.init(address=self.address, log_to_driver=False, logging_level="ERROR",
                     runtime_env={"env_vars": {"TF_CPP_MIN_LOG_LEVEL": "2"}})
        except (ConnectionError, RuntimeError, ValueError) as err:
            raise EdgeqError(f"cannot reach a Ray cluster at {self.address}: {str(err).splitlines()[0]}",
                             "start one with `edgeq lab serve --head` (then `edgeq lab serve --address HEAD:6379` "
                             "on each lab computer), or pass --ray-address HOST:PORT") from None

    def run(self, chains: Sequence[Chain], events: Events) -> None:
        if not chains:
            return
        ray = _import_ray()
        self._connect(ray)
        remote = ray.remote(call_step)
        last: dict[Any, tuple[Chain, list]] = {}  # the chain's final ref → (chain, every ref of the chain)
        for chain in chains:
            refs: list = []
            previous: Any = ("ok", None)
            for step in chain.steps:
                previous = remote.options(num_cpus=1, resources=ray_resources(step.needs),
                                          max_retries=self.retries, retry_exceptions=False,
                                          name=f"{chain.id}:{step.name}").remote(step.fn, step.args, previous)
                refs.append(previous)
            last[previous] = (chain, refs)
            events.started(chain)  # queued or running: Ray does not say which
        try:
            waiting = list(last)
            while waiting:
                done, waiting = ray.wait(waiting, num_returns=1, timeout=0.5)
                for ref in done:
                    chain, refs = last.pop(ref)
                    events.finished(self._collect(ray, chain, refs))
        except BaseException:
            for chain, refs in last.values():
                for ref in refs:
                    try:
                        ray.cancel(ref, force=False, recursive=True)  # KeyboardInterrupt in the step: it cleans up
                    except Exception:  # already finished or lost
                        pass
            raise

    def _collect(self, ray, chain: Chain, refs: list) -> Outcome:
        """The chain's outcome; a step Ray gave up on (retries spent) names the step and the cause."""
        for step, ref in zip(chain.steps, refs):
            try:
                result = ray.get(ref)
            except ray.exceptions.RayError as err:
                cause = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                return Outcome(chain, error=f"{type(err).__name__} after {self.retries} retries: {cause}",
                               hint="a node died or lost its resource; rerun the sweep (finished cells are cached)",
                               step=step.name)
            if result[0] == "error":
                return _outcome(chain, result, step.name)
        return _outcome(chain, result, "")


def make_executor(cluster: str | None, ray_address: str | None, workers: int | None = None,
                  lock_dir: Path | None = None):
    """`local` unless --cluster ray or --ray-address asks for the cluster."""
    cluster = cluster or ("ray" if ray_address else "local")
    if cluster not in EXECUTORS:
        raise EdgeqError(f"--cluster {cluster!r} is not an executor", f"choose one of: {', '.join(EXECUTORS)}")
    if cluster == "local":
        if ray_address:
            raise EdgeqError("--ray-address needs --cluster ray", "drop --cluster local, or drop --ray-address")
        return LocalExecutor(workers, lock_dir)
    return RayExecutor(ray_address)
