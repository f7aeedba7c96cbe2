"""The grid's pure parts: model globs, grid expansion, what a cell needs, executor selection, results.json
streaming, the progress display, the grid report and the lab node's resources (no conversion, no Ray)."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from edgeq.errors import EdgeqError
from edgeq.sweep import executors
from edgeq.sweep.display import GridStatus
from edgeq.sweep.executors import Chain, Events, LocalExecutor, Outcome, RayExecutor, Step, make_executor
from edgeq.sweep.grid import expand_models, grid_requests, results_document, step_needs
from edgeq.sweep.record import ModeResult, SweepResult, Target, from_dict, to_dict
from edgeq.sweep.run import SweepRequest

HOST = Target("host", "host")
QEMU = Target("board", "mps2-an386", emulated=True)
REAL = Target("board", "nucleo-l4r5zi")


def test_models_from_paths_and_globs(tmp_path):
    for name in ("b.keras", "a.keras", "c.h5"):
        (tmp_path / name).write_bytes(b"x")
    models = expand_models([str(tmp_path / "*.keras"), str(tmp_path / "c.h5"), str(tmp_path / "a.keras")])
    assert [m.name for m in models] == ["a.keras", "b.keras", "c.h5"]  # sorted glob, duplicates dropped
    with pytest.raises(EdgeqError) as err:
        expand_models([str(tmp_path / "*.tflite")])
    assert "no model matches" in err.value.message
    # a plain path that does not exist is kept: the sweep's own check names it
    assert expand_models([str(tmp_path / "missing.keras")]) == (tmp_path / "missing.keras",)


def test_grid_is_model_major_and_keeps_every_setting(tmp_path):
    template = SweepRequest(model=Path(), target=HOST, val_data=tmp_path / "v.npz", out_dir=tmp_path / "o", runs=7)
    requests = grid_requests(template, [Path("a"), Path("b")], [HOST, QEMU, REAL])
    assert [(r.model.name, r.target.id) for r in requests] == [
        ("a", "host"), ("a", "mps2-an386"), ("a", "nucleo-l4r5zi"),
        ("b", "host"), ("b", "mps2-an386"), ("b", "nucleo-l4r5zi")]
    assert {r.runs for r in requests} == {7}
    with pytest.raises(EdgeqError):
        grid_requests(template, [Path("a")], [])


def test_what_a_cell_needs_from_a_node():
    assert step_needs(HOST) == "cpu"
    assert step_needs(QEMU) == "qemu"
    assert step_needs(REAL) == "board:nucleo-l4r5zi"
    assert step_needs(Target("adb", "R58M")) == "board:R58M"
    assert executors.ray_resources("cpu") == {} and executors.ray_resources("board:x") == {"board:x": 1.0}


def test_executor_selection():
    assert isinstance(make_executor(None, None), LocalExecutor)
    assert make_executor("local", None, workers=3).workers == 3
    ray = make_executor(None, "10.0.0.2:6379")
    assert isinstance(ray, RayExecutor) and ray.address == "10.0.0.2:6379"
    assert make_executor("ray", None).address == "auto"
    with pytest.raises(EdgeqError):
        make_executor("local", "10.0.0.2:6379")
    with pytest.raises(EdgeqError):
        make_executor("slurm", None)


def test_local_executor_never_imports_ray():
    import subprocess

    code = ("import sys; from edgeq.sweep.executors import make_executor; from edgeq.sweep import grid; "
            "make_executor(None, None); assert 'ray' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _square(n, previous):
    return n * n + (previous or 0)


def _fail(_previous):
    raise EdgeqError("the board did not answer", "check its cable")


def _bug(_previous):
    raise ZeroDivisionError("oops")


def test_local_executor_runs_chains_and_turns_failures_into_outcomes(tmp_path):
    chains = [Chain("a", (Step("one", _square, (2,)), Step("two", _square, (3,))), "host"),
              Chain("b", (Step("one", _fail, ()), Step("two", _square, (3,))), "board-x"),
              Chain("c", (Step("one", _bug, (), needs="board:x"),), "board-x")]
    done: list[Outcome] = []
    started: list[str] = []
    LocalExecutor(workers=2, lock_dir=tmp_path).run(chains, Events(started=lambda c: started.append(c.id),
                                                                  finished=done.append))
    by_id = {o.chain.id: o for o in done}
    assert by_id["a"].ok and by_id["a"].value == 9 + 4  # the second step got the first one's value
    assert (by_id["b"].error, by_id["b"].hint, by_id["b"].step) == ("the board did not answer", "check its cable", "one")
    assert "ZeroDivisionError" in by_id["c"].error and by_id["c"].step == "one"
    assert sorted(started) == ["a", "b", "c"]


def _mode(name, ok=True):
    return ModeResult(name, "ok" if ok else "failed", "done" if ok else "build", reason="" if ok else "no",
                      model_bytes=100, accuracy=0.5 if ok else None, accuracy_source="host" if ok else None)


def _sweep(model, target, modes):
    return SweepResult("dev", model, "0" * 64, target, "v.npz", 10, 0.5, tuple(modes))


def test_results_document_single_is_the_sweep_result_and_a_grid_lists_pending():
    one = _sweep("a.keras", HOST, [_mode("int8")])
    assert results_document([one], []) == to_dict(one)
    assert from_dict(json.loads(json.dumps(results_document([one], [])))) == one
    grid = results_document([one, _sweep("a.keras", QEMU, [])], ["a.keras|mps2-an386|int8"])
    assert grid["schema"] == "edgeq.grid/1" and grid["pending"] == ["a.keras|mps2-an386|int8"]
    assert [from_dict(s) for s in grid["sweeps"]][0] == one


def test_progress_counts_cells_per_board():
    status = GridStatus()
    chains = [Chain("1", (), "host"), Chain("2", (), "mps2-an386 (QEMU)"), Chain("3", (), "mps2-an386 (QEMU)")]
    status.expect(chains)
    status.started(chains[1])
    assert status.text() == ("cells 0/3 done, 1 running, 0 failed | host 0/1 | mps2-an386 (QEMU) 0/2 [1 running]")
    status.finished(Outcome(chains[1], error="x"))
    status.finished(Outcome(chains[0], value={}))
    assert status.text() == "cells 2/3 done, 0 running, 1 failed | host 1/1 | mps2-an386 (QEMU) 1/2 (1 failed)"


def test_grid_report_has_per_model_and_per_board_views_and_the_best_mode(tmp_path):
    from edgeq.report import write_report

    sweeps = [_sweep("a.keras", HOST, [_mode("fp32"), _mode("int8")]),
              _sweep("b.keras", HOST, [_mode("fp32", ok=False)])]
    (tmp_path / "results.json").write_text(json.dumps(results_document(sweeps, [])))
    files = write_report(tmp_path)
    summary = files.markdown.read_text()
    assert "## per-model view" in summary and "## per-board view" in summary
    assert "### a.keras" in summary and "### host" in summary
    assert "b.keras on host, fp32 (failed at build): no" in summary
    best = json.loads(files.json.read_text())["best"]
    assert [b["model"] for b in best] == ["a.keras", "b.keras"] and best[1]["best_mode"] is None
    assert best[0]["best_mode"] in ("fp32", "int8")


def test_lab_node_resources_and_ray_command():
    from edgeq.cli.lab import node_resources, ray_start_command

    assert node_resources(["nucleo-l4r5zi"], has_qemu=True, cpus=4) == {"board:nucleo-l4r5zi": 1.0, "qemu": 4.0}
    assert node_resources([], has_qemu=False, cpus=4) == {}
    head = ray_start_command("ray", {"qemu": 1.0}, address=None, port=6380, cpus=2, loopback=True, temp_dir=None)
    assert "--head" in head and "--port=6380" in head and '--resources={"qemu": 1.0}' in head
    node = ray_start_command("ray", {}, address="10.0.0.2:6379", port=6379, cpus=2, loopback=False, temp_dir="/t")
    assert "--address=10.0.0.2:6379" in node and "--head" not in node and "--temp-dir=/t" in node


def _sleepy(marks: str, _previous):
    Path(marks, "started").write_text("")
    try:
        time.sleep(60)
    finally:  # runs on Ctrl-C/SIGTERM: this is where a real step ends its QEMU and discards its cache work
        Path(marks, "cleaned").write_text("")


@pytest.fixture
def python_sigint():
    """Ctrl-C as Python delivers it, even when pytest inherited SIGINT ignored (a job started with `&`
    ignores it, and then `_thread.interrupt_main` does nothing)."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_stops_the_local_pool_and_running_steps_clean_up(tmp_path, python_sigint):
    import _thread
    import threading

    def interrupt_once_started():
        deadline = time.monotonic() + 60
        while not (tmp_path / "started").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        _thread.interrupt_main()

    threading.Thread(target=interrupt_once_started, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        LocalExecutor(workers=1, lock_dir=tmp_path).run([Chain("s", (Step("sleep", _sleepy, (str(tmp_path),)),), "host")],
                                                        Events())
    assert time.monotonic() - started < 30
    assert (tmp_path / "cleaned").exists()
