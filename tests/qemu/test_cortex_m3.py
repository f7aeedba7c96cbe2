"""A core without the DSP extension: the emulated Cortex-M3 (mps2-an385) runs the portable kernels only
(the build generates without packed variants for a core whose `Core.dsp` is False, and links no dsp/
kernel), and its outputs through the DUT protocol equal TFLite Micro's on every integer model of
shared/models the runtime supports, and on three of them rewritten with hostile quantization
(tests/zoo/hostile.py on their first conv / depthwise (multiplier 8) / FC: dead channels with bias
±(2^31 − 1), a live channel whose folded bias wraps, real multipliers of 0.75, 1.7 and 2^-40)."""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pytest

from shared_models import runnable_integer_models

pytestmark = pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")

BOARD = "mps2-an385"
SAMPLES = 2


def _equals_tflm_on_m3(model: Path, out_dir: Path, seed: int) -> None:
    from edgeq.build.project import build_project
    from edgeq.targets.resolver import resolve_run
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm
    from edgeq.transport.client import DutClient

    build = build_project(model, BOARD, out_dir)
    manifest = json.loads((build.out_dir / "edgeq-build.json").read_text())
    assert manifest["target_facts"]["core"] == "cortex-m3"
    # Chosen from the core's data (no DSP): only portable kernels are generated and compiled.
    compiled = {k for op in manifest["ops"] for k in op["kernels"]}
    assert all(k.startswith("kernels/reference/") for k in compiled), sorted(compiled)

    graph = parse(model.read_bytes())
    rng = np.random.default_rng(seed)
    inputs = [rng.integers(np.iinfo(t.dtype).min, np.iinfo(t.dtype).max, size=(SAMPLES, *t.shape), endpoint=True)
              .astype(t.dtype) for t in (graph.tensors[i] for i in graph.inputs)]
    expected = run_tflm(model, inputs).outputs  # TFLM starts every sample from the initial state
    transport = resolve_run(build, emulate=True).open(build)
    try:
        client = DutClient(transport, timeout=60.0)
        client.sync()
        raw = []
        for i in range(SAMPLES):
            if graph.variable_tensors:
                client.command("edgeq reset")
            raw.append(client.run(b"".join(x[i].tobytes() for x in inputs)).raw)
    finally:
        transport.close()
    for k, want in enumerate(expected):
        got = np.stack([np.frombuffer(sample[k], dtype=want.dtype) for sample in raw])
        mismatched = int(np.count_nonzero(got != want.reshape(SAMPLES, -1)))
        assert mismatched == 0, f"output {k}: {mismatched} of {want.size} elements differ from TFLM"


@pytest.mark.parametrize("model", runnable_integer_models())
def test_shared_model_on_cortex_m3_equals_tflm(shared_models, tmp_path, model):
    _equals_tflm_on_m3(shared_models / f"{model}.tflite", tmp_path / "fw", zlib.crc32(model.encode()))


@pytest.mark.parametrize("model", ["kws_ref_model", "micro_speech_quantized", "ad01_int8"])
def test_hostile_quantization_on_cortex_m3_equals_tflm(shared_models, tmp_path, model):
    from zoo.hostile import hostile_channels

    hostile = tmp_path / f"{model}_hostile.tflite"
    hostile.write_bytes(hostile_channels((shared_models / f"{model}.tflite").read_bytes()))
    _equals_tflm_on_m3(hostile, tmp_path / "fw", zlib.crc32(hostile.name.encode()))
