"""The judged end to end: `edgeq sweep` of the digits CNN over every mode on the emulated Cortex-M4.

Oracles are independent of the code under test: TFLite Micro (`tflite_micro` package, used directly here)
and LiteRT's reference kernels score the same .tflite files on the host with inputs quantized here; the
device's accuracy must equal TFLM's exactly wherever the device was bit-exact with it. The report is opened
in headless Chromium. Budget: ~4 minutes (200 validation samples, 1 QAT epoch, 2 timed runs).
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from convert_fixtures import digits, litert_accuracy  # noqa: F401  (session fixture: trained CNN + data)
from report_probe import chromium_probe

SAMPLES = 200
MODES = ("fp32", "fp16", "dynamic", "int8", "int16x8", "qat", "mixed", "int4")
FLOAT_MODES = ("fp32",)


def tflm_accuracy(model_bytes: bytes, x: np.ndarray, y: np.ndarray) -> float:
    """Top-1 in percent from TFLite Micro's Python interpreter, inputs quantized here."""
    from tflite_micro.python.tflite_micro import runtime

    interp = runtime.Interpreter.from_bytes(model_bytes)
    detail = interp.get_input_details(0)
    correct = 0
    for i in range(len(x)):
        sample = x[i : i + 1]
        if detail["dtype"] != np.float32:
            scale, zero = detail["quantization_parameters"]["scales"][0], \
                detail["quantization_parameters"]["zero_points"][0]
            info = np.iinfo(detail["dtype"])
            sample = np.clip(np.round(sample.astype(np.float64) / scale) + zero, info.min, info.max)
            sample = sample.astype(detail["dtype"])
        interp.reset()
        interp.set_input(sample, 0)
        interp.invoke()
        correct += int(interp.get_output(0).argmax() == y[i])
    return correct * 100.0 / len(x)


@pytest.fixture(scope="module")
def sweep(digits, tmp_path_factory):  # noqa: F811
    from edgeq.cli.main import cli

    out = tmp_path_factory.mktemp("sweep") / "digits-m4"
    args = ["sweep", str(digits.model), "--target", "cortex-m4", "--val-data", str(digits.files["val"]),
            "--val-samples", str(SAMPLES), "--calib", str(digits.files["calib"]),
            "--train-data", str(digits.files["train"]), "--epochs", "1", "--runs", "2", "--warmups", "1",
            "--max-drop", "1.0", "-o", str(out)]
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return out, args, res.output


@pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm", "chromium")
@pytest.mark.slow
def test_sweep_measures_every_mode_on_the_emulated_m4(sweep, digits, tmp_path):  # noqa: F811
    out, _, output = sweep
    data = json.loads((out / "results.json").read_text())
    assert data["target"]["id"] == "mps2-an386" and data["target"]["emulated"]
    modes = {m["mode"]: m for m in data["modes"]}
    assert tuple(modes) == MODES  # every mode is listed, none silently dropped
    x, y = digits.split.x_val[:SAMPLES], digits.split.y_val[:SAMPLES]

    on_device = [m for m in modes.values() if m["status"] == "ok"]
    assert {"fp32", "int8", "int16x8", "qat", "mixed"} <= {m["mode"] for m in on_device}
    for m in on_device:
        model_bytes = (out / m["tflite"]).read_bytes()
        assert m["accuracy_source"] == "emulated" and m["samples"] == SAMPLES
        assert m["latency_source"] == "estimated" and m["timing_source"] == "systick-icount"
        assert m["instructions_per_inference"] > 0 and m["flash_bytes"] > m["weights_bytes"] > 0
        assert m["energy_source"] == "estimated"
        tflm = tflm_accuracy(model_bytes, x, y)
        litert = litert_accuracy(model_bytes, x, y)
        if m["mode"] in FLOAT_MODES:
            # float32 end to end: newlib's expf (softmax) on the device and glibc's on the host may differ in
            # the last bit, so outputs are close rather than identical; every prediction must still agree.
            assert m["top1_agreement"] == 1.0 and m["exact_match_rate"] > 0.5, m["mode"]
        else:
            assert m["exact_match_rate"] == 1.0, f"{m['mode']}: device differs from TFLM"
        # Bit-exact (or, for float, the same predictions), so the device's accuracy is TFLM's exactly ...
        assert m["accuracy"] * 100 == pytest.approx(tflm, abs=1e-9), m["mode"]
        # ... and LiteRT's reference kernels (FULLY_CONNECTED rounds differently) agree within one sample.
        assert abs(m["accuracy"] * 100 - litert) <= 100.0 / SAMPLES + 1e-9, m["mode"]
        assert m["host_accuracy"] * 100 == pytest.approx(litert, abs=1e-9)
        assert m["layer_cost_unit"] == "instructions" and m["layer_cost_source"] == "emulated"
        assert sum(layer["ticks"] for layer in m["layers"]) > 0
    for m in on_device:
        assert abs(m["accuracy"] - data["float_accuracy"]) * 100 <= 3.0  # quantization costs little here

    # Modes the MCU runtime cannot run are listed with the runtime's reason.
    assert modes["fp16"]["status"] == "failed" and modes["fp16"]["stage"] == "check"
    assert "float16" in modes["fp16"]["reason"]
    assert modes["dynamic"]["status"] == "failed" and "hybrid" in modes["dynamic"]["reason"]
    # int16x8 runs on the device (int16 kernels) and is bit-exact with TFLM (checked in the loop above)
    assert modes["int16x8"]["status"] == "ok" and modes["int16x8"]["exact_match_rate"] == 1.0
    failed = [m for m in modes.values() if m["status"] == "failed"]
    assert all(m["reason"] and m["stage"] for m in failed)

    rec = data["recommendation"]
    assert rec["mode"] in {m["mode"] for m in on_device}
    assert "within the 1-point budget" in rec["reason"]
    assert f"recommended: {rec['mode']}" in output

    verdict, dom = chromium_probe(out / "report.html", tmp_path)
    assert verdict["errors"] == []
    assert verdict["images"] == 4 and verdict["decoded"] == 4
    assert "modes-table" in verdict["tables"] and verdict["mode_rows"] == len(MODES)
    for m in failed:
        assert m["reason"][:40].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in dom
    assert "accuracy: emulated" in dom and "latency: estimated" in dom
    report = json.loads((out / "report.json").read_text())
    assert report["chosen_model"] is not None


@pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")
@pytest.mark.slow
def test_rerun_reuses_every_finished_mode(sweep, tmp_path):
    """A rerun (into a copy: the module's sweep directory stays as the other tests read it) converts, builds
    and runs nothing that finished: every reusable mode is marked cached and no conversion, build or device
    run is started (its progress lines are absent), with the same figures as the first run."""
    import shutil

    from edgeq.cli.main import cli

    first, args, _ = sweep
    out = tmp_path / first.name
    shutil.copytree(first, out)
    args = [*args[:args.index("-o")], "-o", str(out), *args[args.index("-o") + 2:]]
    before = json.loads((out / "results.json").read_text())
    res = CliRunner().invoke(cli, [*args, "--no-report"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    after = json.loads((out / "results.json").read_text())
    reusable = [m for m in after["modes"] if m["status"] == "ok" or m["stage"] in ("convert", "check")]
    assert reusable and all(m["cached"] for m in reusable)
    for b, a in zip(before["modes"], after["modes"]):
        assert (a["status"], a["stage"]) == (b["status"], b["stage"])
        if a["status"] == "ok":
            assert a["accuracy"] == b["accuracy"] and a["instructions_per_inference"] == b["instructions_per_inference"]
    redone = [m["mode"] for m in after["modes"] if m not in reusable]  # failures worth a retry (build/device)
    for line in res.output.splitlines():
        if "converting to" in line or "building firmware" in line or "validation samples on" in line:
            assert any(f" {mode}" in line for mode in redone), f"redid finished work: {line}"


@pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")
@pytest.mark.slow
def test_mode_too_big_for_the_board_is_reported_and_the_sweep_finishes(digits, tmp_path, monkeypatch):  # noqa: F811
    """A user's board with 64 KiB of flash (the emulated Cortex-M4 with the flash of a small part): the fp32
    model cannot fit, int8 can. The fp32 mode fails with the numbers; the sweep still measures int8."""
    from edgeq.cli.main import cli
    from edgeq.targets.registry import BOARDS_DIR

    boards = tmp_path / "boards"
    boards.mkdir()
    text = (BOARDS_DIR / "mps2-an386.toml").read_text()
    text = text.replace('id = "mps2-an386"', 'id = "small-m4"').replace('default_for = "cortex-m4"', "")
    text = text.replace("size = 0x00400000", "size = 0x00010000", 1)  # the first region is [memory.flash]
    (boards / "small-m4.toml").write_text(text)
    monkeypatch.setenv("EDGEQ_BOARDS_DIR", str(boards))

    out = tmp_path / "sweep"
    res = CliRunner().invoke(cli, [
        "sweep", str(digits.model), "--board", "small-m4", "--modes", "fp32,int8", "--val-data",
        str(digits.files["val"]), "--val-samples", "20", "--calib", str(digits.files["calib"]),
        "--runs", "1", "--warmups", "0", "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    modes = {m["mode"]: m for m in json.loads((out / "results.json").read_text())["modes"]}
    assert modes["int8"]["status"] == "ok" and modes["int8"]["flash_bytes"] <= 0x10000
    fp32 = modes["fp32"]
    assert fp32["status"] == "failed" and "does not fit in the flash of small-m4" in fp32["reason"]
    assert "64.0 KiB" in fp32["reason"] or "65,536" in fp32["reason"]
    assert "does not fit in the flash of small-m4" in (out / "report.html").read_text()
