"""tools/dead_channels.py: one hostile channel per layer of a shared model — dead (weights 0, bias
+-(2^31 - 1)) or live (weights kept, accumulator past 2^30). The copy must still run in TFLite Micro, keep
every other weight, and reach edgeq's packed kernels (the layer is not sent to a slower kernel) with the dead
channel computed at generation time, the live one on the exact requantization."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("dead_channels", REPO / "tools" / "dead_channels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _weights(graph, op) -> tuple[np.ndarray, np.ndarray]:
    return graph.tensors[op.inputs[1]].data, graph.tensors[op.inputs[2]].data


@pytest.mark.parametrize("live", [False, True], ids=["dead", "live"])
def test_one_hostile_channel_per_depthwise_layer_keeps_the_packed_kernel(tmp_path, live):
    from edgeq.codegen.model import generate_model
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    tool = _tool()
    source = (Path(os.environ["EDGEQ_SHARED"]) / "models" / "kws_ref_model.tflite").read_bytes()
    data, layers = tool.with_dead_channels(source, frozenset({"DEPTHWISE_CONV_2D"}), live)
    assert layers == 4
    before, after = parse(source), parse(data)
    depthwise = [k for k, op in enumerate(after.ops) if op.opcode == "DEPTHWISE_CONV_2D"]
    for n, k in enumerate(depthwise):
        w0, b0 = _weights(before, before.ops[k])
        w1, b1 = _weights(after, after.ops[k])
        if live:
            assert np.array_equal(w0[..., n], w1[..., n]) and b1[n] == tool.LIVE_BIAS
        else:
            assert not w1[..., n].any() and b1[n] == (1 if n % 2 == 0 else -1) * tool.INT32_MAX
        keep = np.arange(w0.shape[-1]) != n
        assert np.array_equal(w0[..., keep], w1[..., keep]) and np.array_equal(b0[keep], b1[keep])
    generated = {op.index: op for op in generate_model(after).ops}
    for n, k in enumerate(depthwise):
        assert any(name.startswith("variants/") for name in generated[k].kernels), generated[k].kernels
        constant = f"1 channel(s) give the same output for every input (not computed): {n} = "
        exact = f"exact requantization for 1 channel(s): channel {n}:"
        assert any(line.startswith(exact if live else constant) for line in generated[k].declined), \
            generated[k].declined
    model = tmp_path / "kws_dead.tflite"
    model.write_bytes(data)
    x = np.random.default_rng(3).integers(-128, 128, (1, *after.tensors[after.inputs[0]].shape), dtype=np.int8)
    (out,) = run_tflm(model, [x]).outputs
    assert out.size == 12
