"""A grid's .tflite models and log paths (pure, no conversion): the mode a .tflite already is, which of its
cells run and why the others are refused, model labels, and one log directory per (model, target)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from edgeq.ir import parse
from edgeq.ir.graph import Graph, Op, QuantParams, Tensor
from edgeq.sweep.executors import Events, Outcome
from edgeq.sweep.grid import model_labels, plan_cells, run_grid
from edgeq.sweep.record import Target
from edgeq.sweep.run import SweepRequest
from edgeq.sweep.tflite_model import own_mode, plan_tflite_modes

Q = QuantParams((0.1,), (0,))


def _t(index: int, dtype: str, const: bool = False) -> Tensor:
    return Tensor(index, f"t{index}", (1, 4), dtype, None if dtype.startswith("float") else Q,
                  np.zeros((1, 4)) if const else None)


def _graph(*ops: tuple[str, list[Tensor], Tensor], metadata=None) -> Graph:
    tensors = {t.index: t for _, ins, out in ops for t in (*ins, out)}
    graph_ops = tuple(Op(k, code, tuple(t.index for t in ins), (out.index,)) for k, (code, ins, out) in enumerate(ops))
    return Graph(tuple(tensors[i] for i in sorted(tensors)), graph_ops, (ops[0][1][0].index,), (ops[-1][2].index,),
                 metadata=metadata or {})


def test_the_mode_a_tflite_already_is():
    fc = "FULLY_CONNECTED"
    assert own_mode(_graph((fc, [_t(0, "float32"), _t(1, "float32", True)], _t(2, "float32")))) == "fp32"
    assert own_mode(_graph(("DEQUANTIZE", [_t(1, "float16", True)], _t(3, "float32")),
                           (fc, [_t(0, "float32"), _t(3, "float32")], _t(2, "float32")))) == "fp16"
    assert own_mode(_graph((fc, [_t(0, "float32"), _t(1, "int8", True)], _t(2, "float32")))) == "dynamic"
    # a float interface around an int8 body; an int8 SOFTMAX's int16 output is still int8 arithmetic
    assert own_mode(_graph(("QUANTIZE", [_t(0, "float32")], _t(1, "int8")),
                           (fc, [_t(1, "int8"), _t(2, "int8", True)], _t(3, "int8")),
                           ("SOFTMAX", [_t(3, "int8")], _t(4, "int16")),
                           ("DEQUANTIZE", [_t(4, "int16")], _t(5, "float32")))) == "int8"
    assert own_mode(_graph((fc, [_t(0, "int16"), _t(1, "int8", True)], _t(2, "int16")))) == "int16x8"
    assert own_mode(_graph((fc, [_t(0, "int8"), _t(1, "int8", True)], _t(2, "int8")),
                           ("QUANTIZE", [_t(2, "int8")], _t(3, "int16")),
                           (fc, [_t(3, "int16"), _t(4, "int8", True)], _t(5, "int16")))) == "mixed"
    assert own_mode(_graph((fc, [_t(0, "int8"), _t(1, "int4", True)], _t(2, "int8")))) == "int4"
    # what edgeq recorded when it converted the model wins: a QAT model looks like any int8 model
    recorded = {"edgeq_provenance": json.dumps({"mode": "qat"}).encode()}
    assert own_mode(_graph((fc, [_t(0, "int8"), _t(1, "int8", True)], _t(2, "int8")), metadata=recorded)) == "qat"


def test_shared_models_are_what_their_names_say(shared_models):
    for name, mode in (("ad01_fp32.tflite", "fp32"), ("ad01_int8.tflite", "int8"),
                       ("kws_ref_model_float32.tflite", "dynamic"), ("keyword_scrambled_8bit.tflite", "int8")):
        assert own_mode(parse((shared_models / name).read_bytes())) == mode, name


def test_a_tflite_runs_its_own_mode_and_refuses_the_others_per_cell():
    decisions = plan_tflite_modes(("fp32", "int8", "fp16"), "int8", "m.tflite")
    assert [(d.mode, d.runnable) for d in decisions] == [("fp32", False), ("int8", True), ("fp16", False)]
    assert all("m.tflite is already converted (int8)" in d.reason for d in decisions if not d.runnable)
    left_out = plan_tflite_modes(("fp32", "fp16"), "int16x8", "m.tflite")
    assert not any(d.runnable for d in left_out)
    assert all("--modes leaves int16x8 out" in d.reason and "add int16x8" in d.hint for d in left_out)


def test_cells_of_keras_and_tflite_models(tmp_path):
    req = SweepRequest(model=Path("m.tflite"), target=Target("host", "host"), val_data=tmp_path / "v.npz",
                       out_dir=tmp_path / "o", modes=("fp32", "int8"))
    assert [d.runnable for d in plan_cells(req, {"own_mode": "fp32"})] == [True, False]
    # no calibration data: the .tflite needs none, a Keras model's int8 does
    assert [d.runnable for d in plan_cells(req, None)] == [True, True]  # prepare failed: its error fails both
    keras = SweepRequest(model=Path("m.keras"), target=req.target, val_data=req.val_data, out_dir=req.out_dir,
                         modes=("fp32", "int8"))
    assert [d.runnable for d in plan_cells(keras, {"own_mode": None})] == [True, False]


def test_model_labels_are_file_names_unless_they_repeat():
    assert model_labels([Path("a/m.keras"), Path("b/n.tflite")]) == {Path("a/m.keras"): "m.keras",
                                                                      Path("b/n.tflite"): "n.tflite"}
    assert model_labels([Path("/x/a/m.keras"), Path("/x/b/m.keras")]) == {Path("/x/a/m.keras"): "a_m.keras",
                                                                          Path("/x/b/m.keras"): "b_m.keras"}


class _Recording:
    """An executor that runs nothing: prepare succeeds, every cell fails at once; it keeps the cells."""

    name = "recording"

    def __init__(self):
        self.cells = []

    def run(self, chains, events: Events) -> None:
        for chain in chains:
            if chain.id.startswith("prepare"):
                events.finished(Outcome(chain, value={"own_mode": "int8", "val_samples": 1}))
            else:
                self.cells.append(chain)
                events.finished(Outcome(chain, error="not run", step="measure"))


@pytest.mark.parametrize("models, targets", [(2, 1), (1, 2)])
def test_each_model_and_target_logs_apart(tmp_path, models, targets):
    paths = []
    for i in range(models):
        paths.append(tmp_path / f"m{i}.tflite")
        paths[-1].write_bytes(b"")
    (tmp_path / "v.npz").write_bytes(b"")
    chosen = [Target("board", "mps2-an386", emulated=True), Target("board", "mps2-an385", emulated=True)][:targets]
    requests = [SweepRequest(model=m, target=t, val_data=tmp_path / "v.npz", out_dir=tmp_path / "o", modes=("int8",))
                for m in paths for t in chosen]
    executor = _Recording()
    run_grid(requests, executor, progress=lambda _: None)
    log_dirs = [chain.steps[-1].args[0].log_dir for chain in executor.cells]
    assert [chain.steps[-1].name for chain in executor.cells] == ["measure"] * len(requests)  # no convert step
    assert sorted(log_dirs) == sorted(tmp_path / "o" / "logs" / f"{m.name}@{t.id}" for m in paths for t in chosen)


def test_one_model_on_one_target_logs_as_before(tmp_path):
    (tmp_path / "m.tflite").write_bytes(b"")
    (tmp_path / "v.npz").write_bytes(b"")
    req = SweepRequest(model=tmp_path / "m.tflite", target=Target("host", "host"), val_data=tmp_path / "v.npz",
                       out_dir=tmp_path / "o", modes=("int8",))
    executor = _Recording()
    run_grid([req], executor, progress=lambda _: None)
    assert executor.cells[0].steps[-1].args[0].log_dir is None  # OUT/logs/<mode>-*.txt
