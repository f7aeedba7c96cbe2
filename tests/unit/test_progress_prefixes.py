"""Each progress fact is said once: `edgeq convert` does not repeat the calibration source after the
conversion said it, and a sweep does not prefix a mode's own `qat:`/`mixed:` lines with the mode again."""
from __future__ import annotations

import inspect

from click.testing import CliRunner

import edgeq.convert.api as api
from edgeq.cli.convert import command


def test_convert_says_the_calibration_source_once(monkeypatch, tmp_path):
    def fake_convert(model, output, mode, progress, **_):
        progress("calibration: random:8 (seeded)")
        return api.ConvertResult(tmp_path / "m.tflite", mode, 123,
                                 {"calibration": {"kind": "random", "source": "random:8 (seeded)"}}, None)

    monkeypatch.setattr(api, "convert", fake_convert)
    result = CliRunner().invoke(command, ["model.keras", "-o", str(tmp_path / "m.tflite"), "--mode", "int8"])
    assert result.exit_code == 0, result.output
    assert result.output.count("calibration:") == 1, result.output


def test_sweep_strips_the_modes_own_prefix():
    from edgeq.sweep import run

    source = inspect.getsource(run)
    assert "line.removeprefix(f'{mode}: ')" in source
    line = "qat: epoch 1/3: loss 0.1"
    assert f"    qat: {line.removeprefix('qat: ')}" == "    qat: epoch 1/3: loss 0.1"
