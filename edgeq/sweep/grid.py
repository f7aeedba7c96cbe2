"""`edgeq sweep` over a grid: several models × several targets × the modes, each cell a chain of steps.

Models are Keras models or .tflite files, mixed freely. A .tflite is already converted: its one cell is the
mode its file is (`edgeq.sweep.tflite_model`), measured without a convert step; the other asked modes are
refused with the reason, per cell.

Pure parts: `expand_models` (paths or globs), `grid_requests` (one `SweepRequest` per model × target, model
major), `model_labels` (names unique in the grid), `step_needs` (what a target's bench step needs from a
cluster node), `results_document` (what results.json holds at any moment). `run_grid` drives an executor
(`edgeq.sweep.executors`):
  1. per model, a `prepare` chain (Keras: fp32 reference conversion, float accuracy; .tflite: its own mode);
  2. per cell (model, target, mode), a chain convert → measure (.tflite: measure); cells the plan refuses fail
     without a task; a grid's logs go to OUT/logs/<model label>@<target id>/<mode>-*.txt;
  3. as each cell finishes, results.json is rewritten atomically with every finished cell, so nothing
     finished is lost to a crash, a hang or Ctrl-C; each (model, target) gets its recommendation once all
     its modes are in.
One model on one target writes results.json as a `SweepResult` (schema edgeq.sweep/1) and its logs as
OUT/logs/<mode>-*.txt, exactly as a single sweep always did; a larger grid writes `edgeq.grid/1`:
{"sweeps": [SweepResult...], "pending": [...]}.
"""
from __future__ import annotations

import dataclasses
import datetime
import glob
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from edgeq.errors import EdgeqError
from edgeq.sweep.executors import Chain, Events, LocalExecutor, Outcome, Step
from edgeq.sweep.plan import ModeDecision, plan_modes
from edgeq.sweep.recommend import recommend
from edgeq.sweep.record import LayerCost, ModeResult, SweepResult, Target, to_dict
from edgeq.sweep.tflite_model import is_tflite, plan_tflite_modes

GRID_SCHEMA = "edgeq.grid/1"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class GridResult:
    sweeps: tuple[SweepResult, ...]  # model-major, targets in command-line order


def expand_models(patterns: Sequence[str]) -> tuple[Path, ...]:
    """Each pattern an existing path (kept as given) or a glob (its matches, sorted); duplicates dropped."""
    models: list[Path] = []
    for pattern in patterns:
        matches = [pattern] if Path(pattern).exists() or not glob.has_magic(pattern) else sorted(glob.glob(pattern))
        if not matches:
            raise EdgeqError(f"no model matches {pattern!r}", "quote the glob so the shell passes it, e.g. 'models/*.keras'")
        for match in matches:
            if Path(match) not in models:
                models.append(Path(match))
    if not models:
        raise EdgeqError("no model given", "pass one or more Keras or .tflite models (paths or globs)")
    return tuple(models)


def grid_requests(template, models: Sequence[Path], targets: Sequence[Target]) -> tuple:
    """One request per (model, target), model major; the template carries every other setting."""
    if not targets:
        raise EdgeqError("no target given", "e.g. --target cortex-m4, --board ID, --host (each repeatable)")
    return tuple(dataclasses.replace(template, model=m, target=t) for m in models for t in targets)


def model_labels(models: Sequence[Path]) -> dict[Path, str]:
    """Each model's file name, or — where names repeat — its last path parts joined by '_', as few as make
    every label unique (a/model.keras, b/model.keras → a_model.keras, b_model.keras)."""
    for depth in range(1, max(len(m.parts) for m in models) + 1):
        labels = {m: "_".join(m.parts[-depth:]).lstrip("/") for m in models}
        if len(set(labels.values())) == len(labels):
            return labels
    return {m: f"{i}_{m.name}" for i, m in enumerate(models, 1)}  # paths differing only in where '/' falls


def plan_cells(req, prepared: dict | None) -> tuple[ModeDecision, ...]:
    """The request's modes, each runnable or refused with the reason. A .tflite's modes are known once its
    `prepare` step has read the file; when that failed, every cell fails with its error."""
    if not is_tflite(req.model):
        return plan_modes(req.modes, has_calib=req.calib is not None, has_train=req.train_data is not None)
    own = (prepared or {}).get("own_mode")
    if own is None:
        return tuple(ModeDecision(mode, True) for mode in req.modes)
    return plan_tflite_modes(req.modes, own, req.model.name)


def step_needs(target: Target) -> str:
    """The host needs a CPU, an emulated board a node with QEMU, a real board or phone the node it hangs off."""
    if target.kind == "host":
        return "cpu"
    if target.kind == "board" and target.emulated:
        return "qemu"
    return f"board:{target.id}"


def board_label(target: Target) -> str:
    return target.id + (" (QEMU)" if target.kind == "board" and target.emulated else "")


def mode_result(record: dict) -> ModeResult:
    data = dict(record)
    data["layers"] = tuple(LayerCost(**layer) for layer in data.get("layers", ()))
    return ModeResult(**data)


def results_document(sweeps: Sequence[SweepResult], pending: Sequence[str]) -> dict:
    """results.json: the SweepResult itself for one (model, target), else the grid document."""
    if len(sweeps) == 1:
        return to_dict(sweeps[0])
    return {"schema": GRID_SCHEMA, "sweeps": [to_dict(s) for s in sweeps], "pending": list(pending)}


class _Slot:
    """One (model, target): its modes in plan order, filled as cells finish."""

    def __init__(self, req, decisions):
        self.req = req
        self.decisions = decisions
        self.results: dict[str, ModeResult] = {}
        self.prepared: dict | None = None

    @property
    def complete(self) -> bool:
        return len(self.results) == len(self.decisions)

    def sweep_result(self, version: str) -> SweepResult:
        req, prep = self.req, self.prepared or {}
        modes = tuple(self.results[d.mode] for d in self.decisions if d.mode in self.results)
        float_acc = prep.get("float_accuracy")
        rec = recommend(modes, req.target, req.max_drop, float_acc) \
            if req.max_drop is not None and self.complete and prep else None
        return SweepResult(
            edgeq_version=prep.get("version", version), model_path=str(req.model),
            model_sha256=prep.get("model_sha256", ""), target=req.target, val_path=str(req.val_data),
            val_samples=prep.get("val_samples", 0), float_accuracy=float_acc, modes=modes, recommendation=rec,
            created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            settings={"calib": req.calib, "calib_count": req.calib_count, "train_data": str(req.train_data)
                      if req.train_data else None, "qat_epochs": req.epochs, "runs": req.runs,
                      "warmups": req.warmups, "layer_samples": req.layer_samples,
                      "mixed_max_drop": prep.get("mixed_budget", req.max_drop if req.max_drop is not None else 1.0)})


def run_grid(requests: Sequence, executor=None, progress: Progress = print, display=None) -> GridResult:
    """Run every cell of `requests` (all with the same out_dir) on `executor` (local by default)."""
    from edgeq.sweep import steps
    from edgeq.sweep.run import RESULTS_FILE, _one_line, check_request, clean_partial, edgeq_version, \
        prepare_out_dir, write_json_atomic

    out = requests[0].out_dir
    for req in requests:
        check_request(req)
    prepare_out_dir(out, requests[0].force)
    created = not out.exists()
    clean_partial(out)
    if requests[0].redo:
        shutil.rmtree(out / "cache", ignore_errors=True)
    executor = executor or LocalExecutor(lock_dir=out / "cache" / ".locks")
    events = display.events(progress) if display is not None else Events(line=progress)
    single = len(requests) == 1
    models = list(dict.fromkeys(req.model for req in requests))
    if not single:  # several (model, target) pairs: one log directory each
        labels = model_labels(models)
        requests = [dataclasses.replace(req, log_dir=out / "logs" / f"{labels[req.model]}@{req.target.id}")
                    for req in requests]
    first = requests[0]
    targets = list(dict.fromkeys(req.target for req in requests))
    if single:
        progress(f"sweep of {first.model.name} on {first.target.id}: modes {', '.join(first.modes)}")
    else:
        progress(f"sweep of {len(models)} models on {len(targets)} targets ({executor.name} executor): "
                 f"modes {', '.join(first.modes)}")

    # 1. per model: the fp32 reference and the float accuracy
    by_model = {model: next(req for req in requests if req.model == model) for model in models}
    prepared: dict[Path, Outcome] = {}

    def prepared_one(outcome: Outcome) -> None:
        prepared[models[int(outcome.chain.id.split(":")[1])]] = outcome
        if display is not None:
            display.finished(outcome)

    chains = [Chain(f"prepare:{i}", (Step("prepare", steps.prepare, (by_model[m],)),), "models")
              for i, m in enumerate(models)]
    if display is not None:
        display.expect(chains)
    try:
        executor.run(chains, dataclasses.replace(events, finished=prepared_one))
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    if single and not prepared[first.model].ok:
        # the model or the validation data is unusable: a directory this run created holds nothing of value
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise EdgeqError(prepared[first.model].error, prepared[first.model].hint)

    # 2. the cells
    version = edgeq_version()
    slots = []
    cells: list[Chain] = []
    where: dict[str, tuple[_Slot, str, str]] = {}
    for s, req in enumerate(requests):
        outcome = prepared[req.model]
        decisions = plan_cells(req, outcome.value if outcome.ok else None)
        slot = _Slot(req, decisions)
        slots.append(slot)
        if outcome.ok:
            slot.prepared = outcome.value
        for i, decision in enumerate(decisions, 1):
            tag = f"[{i}/{len(decisions)}]" if single else f"[{req.model.name} {req.target.id}]"
            if not decision.runnable:
                slot.results[decision.mode] = ModeResult(decision.mode, "failed", "plan", reason=decision.reason,
                                                         hint=decision.hint)
                progress(f"{tag} {_one_line(slot.results[decision.mode])}")
            elif not outcome.ok:
                slot.results[decision.mode] = ModeResult(decision.mode, "failed", "convert",
                                                         reason=f"the model could not be prepared: {outcome.error}",
                                                         hint=outcome.hint)
            else:
                cell_id = f"cell:{s}:{decision.mode}"
                where[cell_id] = (slot, decision.mode, tag)
                convert = () if is_tflite(req.model) else (Step("convert", steps.convert, (req, decision.mode)),)
                cells.append(Chain(cell_id, (
                    *convert,
                    Step("measure", steps.measure, (req, decision.mode, tag), needs=step_needs(req.target)),
                ), board_label(req.target)))

    def write() -> None:
        pending = [f"{slot.req.model}|{slot.req.target.id}|{mode}" for slot, mode, _ in where.values()
                   if mode not in slot.results]
        out.mkdir(exist_ok=True)
        write_json_atomic(out / RESULTS_FILE, results_document([slot.sweep_result(version) for slot in slots], pending))

    def finished(outcome: Outcome) -> None:
        slot, mode, tag = where[outcome.chain.id]
        if outcome.ok:
            result = mode_result(outcome.value)
        else:  # the chain itself failed (a step's bug, or a node lost after every retry)
            result = ModeResult(mode, "failed", "convert" if outcome.step == "convert" else "bench",
                                reason=outcome.error, hint=outcome.hint)
        slot.results[mode] = result
        progress(f"{tag} {_one_line(result)}")
        if display is not None:
            display.finished(outcome)
        write()

    if display is not None:
        display.expect(cells)
    if not single:
        write()  # the grid's shape before its first cell: every cell pending
    executor.run(cells, dataclasses.replace(events, finished=finished))
    write()
    return GridResult(tuple(slot.sweep_result(version) for slot in slots))
