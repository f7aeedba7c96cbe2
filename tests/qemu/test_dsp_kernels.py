"""DSP kernels (Cortex-M4 in QEMU) against the reference kernels (host gcc) and TFLite Micro.

The firmware for `mps2-an386` is generated with the packed-weight variants and compiled with
-mcpu=cortex-m4, so every kernel edgeq has for that core runs its SIMD path: the GEMM row (FULLY_CONNECTED,
1x1 convolutions in place), im2col convolutions (stride 1 and 2, 1 and 3 input channels, 1x1 stride 2),
the depthwise ring kernel (in place) and the DSP ADD. The oracle is independent of that code: the same
model generated with base emitters only (`use_variants(False)`, portable reference kernels) built for
the host, and TFLite Micro itself. Outputs are compared byte for byte on random inputs.
"""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.codegen.ops import use_variants
from edgeq.reference.tflm import run_tflm
from shared_models import runnable_integer_models

SAMPLES = 12
MODELS = runnable_integer_models()  # every shared int8 model the runtime accepts


@pytest.fixture(scope="module")
def dsp_builds(tmp_path_factory):
    from edgeq.build.project import build_project

    built = {}

    def build(path):
        if path.stem not in built:
            out = tmp_path_factory.mktemp("dsp") / path.stem
            result = build_project(path, "cortex-m4", out)
            assert any(k.startswith("variants/") for k in result.kernel_sources), result.kernel_sources
            built[path.stem] = out
        return built[path.stem]

    return build


def _inputs(graph, count: int, seed: int) -> np.ndarray:
    """A batch (count, *input_shape) of random integer inputs over the input type's range."""
    tensor = graph.tensors[graph.inputs[0]]
    info = np.iinfo(tensor.dtype)
    return np.random.default_rng(seed).integers(info.min, info.max, size=(count, *tensor.shape), endpoint=True,
                                                dtype=tensor.dtype)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc", "gcc")
@pytest.mark.parametrize("model", MODELS)
def test_dsp_firmware_equals_reference_kernels_and_tflm(shared_models, dsp_builds, model):
    from edgeq.build import read_build
    from edgeq.host import compile_host
    from edgeq.targets.resolver import resolve_run
    from edgeq.ir import parse
    from edgeq.transport.client import DutClient

    path = shared_models / f"{model}.tflite"
    graph = parse(path.read_bytes())
    out_tensor = graph.tensors[graph.outputs[0]]
    assert graph.tensors[graph.inputs[0]].dtype in ("int8", "int16")
    inputs = _inputs(graph, SAMPLES, seed=5)

    with use_variants(False):
        reference = compile_host(path)
    with reference:
        expected_ref = np.asarray(reference.predict(inputs)).reshape(SAMPLES, -1)
    expected_tflm = np.asarray(run_tflm(path, [inputs]).outputs[0]).reshape(SAMPLES, -1)

    build = read_build(dsp_builds(path))
    transport = resolve_run(build, emulate=True).open(build)
    try:
        client = DutClient(transport, timeout=60.0)
        client.sync()
        got = []
        for x in inputs:
            client.command("edgeq reset")  # independent samples (recurrent state), as the TFLM reference
            got.append(np.frombuffer(client.run(x.tobytes()).raw[0], dtype=out_tensor.dtype))
    finally:
        transport.close()

    for i, (g, r, t) in enumerate(zip(got, expected_ref, expected_tflm)):
        assert g.size == out_tensor.num_elements
        assert np.array_equal(r, t), f"sample {i}: host reference kernels differ from TFLM"
        mismatched = int(np.count_nonzero(g != r))
        assert mismatched == 0, f"sample {i}: {mismatched} of {g.size} outputs of the DSP firmware differ"


@pytest.mark.tools("arm-none-eabi-gcc")
def test_kernel_files_linked_for_cortex_m4(shared_models, dsp_builds, tmp_path):
    """With variants, ResNet's ADD is the table variant and no reference kernel of a packed op is linked;
    with base emitters only, the build picks dsp/edgeq_add_s8.c over reference/ for a DSP core."""
    from edgeq.build.project import build_project

    def sources(build_dir):
        return {p.relative_to(build_dir / "src").as_posix() for p in (build_dir / "src" / "kernels").rglob("*.c")}

    model = shared_models / "pretrainedResnet_quant.tflite"
    packed = sources(dsp_builds(model))
    assert "kernels/variants/edgeq_add_lut_s8.c" in packed
    assert not {"kernels/dsp/edgeq_add_s8.c", "kernels/reference/edgeq_add_s8.c",
                "kernels/reference/edgeq_conv2d_s8.c"} & packed
    with use_variants(False):
        base = sources(build_project(model, "cortex-m4", tmp_path / "base").out_dir)
    assert "kernels/dsp/edgeq_add_s8.c" in base and "kernels/reference/edgeq_add_s8.c" not in base
