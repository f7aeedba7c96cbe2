"""The overlap the row-streaming convolutions (edgeq_conv2d_im2col_s8, edgeq_conv2d_ring_direct_s8,
edgeq_depthwise_ring_s8, edgeq_pointwise_s8) declare (KernelCall.output_below_input, edgeq.plan.overlap) is
tested, not trusted: for random geometries (kernel sizes, strides, dilations, SAME/VALID padding, channel
counts, depth multipliers, batch 2) a one-operator int8 model is generated with its input placed exactly
`gap` bytes above its output start (the tightest the claim allows, not rounded to the plan's alignment),
run on the host under ASan/UBSan and compared with TFLite Micro. Controls place the input closer than
claimed and must then differ (so the comparison can fail), and micro_speech's plan must use the overlap.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema

from edgeq.codegen.model import arena_plan, generate_model
from edgeq.ir import parse
from edgeq.plan import MemoryPlan, Placement, find_overlaps
from edgeq.reference import run_tflm
from handmade_models import T, one_op_model
from harness import CFLAGS, KERNELS, REPO, RUNNER, HostModel, random_inputs

OVERLAP_KERNELS = ("variants/edgeq_conv2d_im2col_s8.c", "variants/edgeq_conv2d_ring_direct_s8.c",
                   "variants/edgeq_depthwise_ring_s8.c", "variants/edgeq_pointwise_s8.c")
SHARED = Path(os.environ.get("EDGEQ_SHARED", REPO.parent / "shared")) / "models"


def _conv_model(rng: np.random.Generator, depthwise: bool, batches: int, size: tuple[int, int], in_c: int,
                out_c: int, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int],
                same: bool) -> bytes:
    (h, w), (kh, kw), (sh, sw), (dh, dw) = size, kernel, stride, dilation
    if same:
        oh, ow = -(-h // sh), -(-w // sw)
    else:
        oh, ow = (h - (kh - 1) * dh - 1) // sh + 1, (w - (kw - 1) * dw - 1) // sw + 1
    filter_shape = (1, kh, kw, out_c) if depthwise else (out_c, kh, kw, in_c)
    weights = rng.integers(-127, 128, size=filter_shape)
    tensors = [
        T((batches, h, w, in_c), "INT8", scale=0.05, zero_point=int(rng.integers(-20, 21))),
        T(filter_shape, "INT8", scale=0.01, data=weights),
        T((out_c,), "INT32", scale=0.0005, data=rng.integers(-2000, 2001, size=out_c)),
        T((batches, oh, ow, out_c), "INT8", scale=0.3, zero_point=int(rng.integers(-10, 11))),
    ]
    padding = schema.Padding.SAME if same else schema.Padding.VALID
    if depthwise:
        options = schema.DepthwiseConv2DOptionsT()
        options.depthMultiplier = out_c // in_c
        kind, opcode = "DepthwiseConv2DOptions", "DEPTHWISE_CONV_2D"
    else:
        options = schema.Conv2DOptionsT()
        kind, opcode = "Conv2DOptions", "CONV_2D"
    options.padding, options.strideH, options.strideW = padding, sh, sw
    options.dilationHFactor, options.dilationWFactor = dh, dw
    return one_op_model(tensors, opcode, [0, 1, 2], [3], kind, options)


def _geometries(count: int, seed: int):
    """Random convolutions for every kernel declaring an overlap, in turn: the direct ring kernel (at most 8
    channels, no width dilation), the im2col GEMM (CONV_2D, or DEPTHWISE_CONV_2D with one input channel),
    the depthwise ring (several input channels, depth multipliers 1-3), the pointwise GEMM (1x1 stride 1)."""
    rng = np.random.default_rng(seed)
    made = 0
    while made < count:
        kind = made % 4
        kh, kw = (int(k) for k in rng.integers(1, 6, size=2))
        sh, sw = (int(s) for s in rng.choice([1, 1, 2, 3], size=2))
        dh, dw = (int(d) for d in rng.choice([1, 1, 2], size=2))
        h, w = (int(x) for x in rng.integers(2, 14, size=2))
        same = bool(rng.integers(0, 3))
        depthwise = kind == 2 or (kind < 2 and bool(rng.integers(0, 2)))
        in_c = 1 if kind < 2 and depthwise else int(rng.choice([1, 2, 3, 4, 8]))
        out_c = int(rng.integers(1, 9) if kind == 0 else rng.integers(9, 13))
        if kind == 2:
            in_c = int(rng.integers(2, 7))
            out_c = in_c * int(rng.integers(1, 4))
        elif kind == 3:
            kh = kw = sh = sw = dh = dw = 1
            in_c, out_c = (int(c) for c in rng.integers(1, 21, size=2))
        if not same and ((kh - 1) * dh >= h or (kw - 1) * dw >= w):
            continue
        if kind != 3 and not depthwise and kh == kw == sh == sw == 1:
            continue  # the pointwise GEMM
        batches = 2 if made % 5 == 4 else 1
        geometry = (depthwise, batches, (h, w), in_c, out_c, (kh, kw), (sh, sw), (dh, dw), same)
        yield f"{('direct', 'im2col', 'dwring', 'pointwise')[kind]}{made}", _conv_model(rng, *geometry)
        made += 1


def _tight_plan(graph, shift: int = 0) -> MemoryPlan:
    """The planner's overlap made as tight as the kernel claims: output at 0, input exactly `gap` (+ shift)
    bytes above it (or the output -gap above the input), the scratch after both."""
    planned = arena_plan(graph).plan
    (overlap,) = planned.overlaps
    offsets = {overlap.output: max(0, -overlap.gap - shift), overlap.input: max(0, overlap.gap + shift)}
    buffers = {p.buffer.key: p.buffer for p in planned.placements}
    top = max(offsets[k] + buffers[k].size for k in offsets)
    placements = []
    for key, buffer in buffers.items():
        if key not in offsets:  # the scratch (4-byte aligned for its word accesses)
            offsets[key] = (top + 15) // 16 * 16
            top = offsets[key] + buffer.size
        placements.append(Placement(buffer, offsets[key]))
    return MemoryPlan(tuple(placements), (top + 15) // 16 * 16, 1, "tight", planned.overlaps)


def _build(graph, plan, workdir: Path) -> HostModel:
    generated = generate_model(graph, plan=plan)
    workdir.mkdir(parents=True, exist_ok=True)
    for name, text in generated.files.items():
        (workdir / name).write_text(text)
    executable = workdir / "model_runner"
    sources = [str(workdir / "model.c"), str(RUNNER)] + [str(KERNELS / k) for k in generated.kernel_sources]
    subprocess.run(["gcc", *CFLAGS, f"-I{workdir}", f"-I{REPO / 'firmware' / 'include'}", f"-I{KERNELS / 'include'}",
                    *sources, "-o", str(executable), "-lm"], check=True, capture_output=True, text=True)
    return HostModel(graph, generated, executable)


def _mismatches(data: bytes, plan_shift: int, workdir: Path, seed: int) -> tuple[int, int]:
    graph = parse(data)
    plan = _tight_plan(graph, plan_shift)
    if plan_shift == 0:
        assert find_overlaps(plan) == []
    compiled = _build(graph, plan, workdir)
    (op,) = compiled.generated.ops
    assert set(OVERLAP_KERNELS) & set(op.kernels), (op.kernels, op.declined)
    inputs = random_inputs(graph, 3, seed=seed)
    (expected,) = run_tflm(data, inputs).outputs
    (actual,) = compiled.run(inputs)
    return int(np.count_nonzero(actual != expected)), expected.size


# + two with the output larger than the input (a positive gap) for the depthwise ring and a pointwise tail row
GEOMETRIES = list(_geometries(10, seed=2026)) + [
    ("dwring_m2_same", _conv_model(np.random.default_rng(3), True, 1, (9, 7), 3, 6, (3, 3), (1, 1), (1, 1), True)),
    ("pointwise_tail", _conv_model(np.random.default_rng(4), False, 1, (7, 3), 3, 16, (1, 1), (1, 1), (1, 1), True)),
]


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("name,data", GEOMETRIES, ids=[name for name, _ in GEOMETRIES])
def test_overlapped_output_bit_exact_with_tflm(name, data, tmp_path):
    mismatched, total = _mismatches(data, 0, tmp_path, seed=len(name))
    assert mismatched == 0, f"{name}: {mismatched} of {total} elements differ from TFLM with the output overlapped"


MICRO_SPEECH_LIKE = _conv_model(np.random.default_rng(7), True, 1, (49, 40), 1, 8, (10, 8), (2, 2), (1, 1), True)


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("name,data,shift", [
    ("micro_speech_like", MICRO_SPEECH_LIKE, -160), *[(n, d, -1) for n, d in GEOMETRIES[-2:]]])
def test_overlap_closer_than_claimed_is_caught(name, data, shift, tmp_path):
    """Input `-shift` bytes lower than the claimed gap: the kernel overwrites input it has not read yet.
    micro_speech's geometry (49x40x1, 10x8 filter, stride 2, depth multiplier 8, gap 1,600) one output row
    (160 bytes) too low; the depthwise ring and the pointwise GEMM are exact to the byte."""
    mismatched, _ = _mismatches(data, shift, tmp_path, seed=1)
    assert mismatched > 0, f"{name}: placing the input {-shift} B closer than claimed went unnoticed"


def test_micro_speech_like_gap():
    assert arena_plan(parse(MICRO_SPEECH_LIKE)).plan.overlaps[0].gap == 1600


def test_micro_speech_plan_overlaps_the_depthwise_output():
    graph = parse(SHARED / "micro_speech_quantized.tflite")
    plan = arena_plan(graph).plan
    (overlap,) = plan.overlaps
    assert graph.ops[overlap.op].opcode == "DEPTHWISE_CONV_2D"
    offsets = {p.buffer.key: p.offset for p in plan.placements}
    assert 0 <= offsets[overlap.input] - offsets[overlap.output] - overlap.gap < plan.alignment
    assert find_overlaps(plan) == []
