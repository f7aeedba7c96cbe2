"""Planning an operator's output over its input (edgeq.plan.overlap): when an overlap is granted, how the
greedy planner uses it, and that `find_overlaps` accepts exactly the sharing it allows."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from edgeq.ir import parse
from edgeq.plan import Placement, find_overlaps, plan_memory, render_chart
from edgeq.plan.greedy import lower_bound
from edgeq.plan.lifetimes import buffers_for
from edgeq.plan.overlap import grant_overlaps

MODELS = Path(os.environ["EDGEQ_SHARED"]) / "models"


@pytest.fixture(scope="module")
def micro_speech():
    return parse(MODELS / "micro_speech_quantized.tflite")


def _depthwise(graph) -> int:
    (index,) = [op.index for op in graph.ops if op.opcode == "DEPTHWISE_CONV_2D"]
    return index


def test_output_placed_gap_below_input(micro_speech):
    op = _depthwise(micro_speech)
    scratch = {op: 1204}
    plain = plan_memory(micro_speech, scratch)
    plan = plan_memory(micro_speech, scratch, output_overlaps={op: 1600})
    (overlap,) = plan.overlaps
    offsets = {p.buffer.key: p.offset for p in plan.placements}
    assert offsets[overlap.input] - offsets[overlap.output] == 1600
    assert find_overlaps(plan) == []
    assert plan.arena_bytes == 5216 < plain.arena_bytes == 7184  # output 4,000 holding the input, + scratch
    assert lower_bound(micro_speech, scratch, output_overlaps={op: 1600}) == 4000 + 1204
    assert plan.to_dict()["overlaps"] == [{"op": op, "input": overlap.input, "output": overlap.output, "gap": 1600}]
    assert "*" in render_chart(plan, [o.opcode for o in micro_speech.ops])


def test_negative_gap_lets_output_start_above_input(micro_speech):
    op = _depthwise(micro_speech)
    plan = plan_memory(micro_speech, output_overlaps={op: -32})
    (overlap,) = plan.overlaps
    offsets = {p.buffer.key: p.offset for p in plan.placements}
    assert offsets[overlap.input] + 32 >= offsets[overlap.output] > offsets[overlap.input] - 4000
    assert find_overlaps(plan) == []


def test_sharing_closer_than_the_gap_is_a_clash(micro_speech):
    op = _depthwise(micro_speech)
    plan = plan_memory(micro_speech, output_overlaps={op: 1600})
    (overlap,) = plan.overlaps
    moved = tuple(Placement(p.buffer, p.offset - 16) if p.buffer.key == overlap.input else p
                  for p in plan.placements)
    assert find_overlaps(dataclasses.replace(plan, placements=moved))
    assert find_overlaps(dataclasses.replace(plan, overlaps=())), \
        "without the granted overlap the same placement is a clash"


def test_overlap_not_granted_when_useless_or_unsafe(micro_speech):
    op = _depthwise(micro_speech)
    buffers = buffers_for(micro_speech)
    assert grant_overlaps(micro_speech, buffers, {op: 4000}) == ()  # gap >= output size: nothing to share
    fc = [o.index for o in micro_speech.ops if o.opcode == "FULLY_CONNECTED"][0]
    assert grant_overlaps(micro_speech, buffers, {fc: 0})[0].op == fc  # FC output: 4 bytes


def test_input_read_later_is_never_overlapped():
    """ResNet: a convolution whose input a later ADD still reads (the skip connection) gets no overlap."""
    graph = parse(MODELS / "pretrainedResnet_quant.tflite")
    buffers = buffers_for(graph)
    by_tensor = {t: b for b in buffers for t in b.tensors}
    convs = [op for op in graph.ops if op.opcode == "CONV_2D"]
    granted = {o.op for o in grant_overlaps(graph, buffers, {op.index: 16 for op in convs})}
    skipped = [op.index for op in convs if by_tensor[op.inputs[0]].last_op > op.index]
    assert skipped and not granted.intersection(skipped)
    assert granted == {op.index for op in convs} - set(skipped)
    plan = plan_memory(graph, output_overlaps={op.index: 16 for op in convs})
    assert find_overlaps(plan) == []
    assert plan.arena_bytes <= plan_memory(graph).arena_bytes


def test_variable_tensors_are_never_overlapped():
    from handmade_models import svdf_model

    graph = parse(svdf_model("INT8"))
    buffers = buffers_for(graph)
    declared = {op.index: -1000 for op in graph.ops}
    involved = [b for o in grant_overlaps(graph, buffers, declared) for b in buffers if b.key in (o.input, o.output)]
    assert not any(set(graph.variable_tensors) & set(b.tensors) for b in involved)


def test_restarts_reach_the_lower_bound_and_never_lose(monkeypatch):
    """person_detect with its kernels' overlaps: the size order leaves a stride-2 depthwise output outside
    its input (the next, larger output took the bytes first); the perturbed orders reach the lower bound.
    Without the restarts the arena is never smaller."""
    from edgeq.codegen.model import arena_plan
    from edgeq.plan import greedy

    graph = parse(MODELS / "person_detect.tflite")
    planned = arena_plan(graph)
    args = (graph, planned.scratch_bytes, planned.inplace_ops)
    bound = lower_bound(*args, output_overlaps=planned.output_overlaps)
    assert planned.plan.arena_bytes == (bound + 15) // 16 * 16
    assert find_overlaps(planned.plan) == []
    monkeypatch.setattr(greedy, "RESTARTS", 0)
    size_order = plan_memory(*args, output_overlaps=planned.output_overlaps)
    assert size_order.arena_bytes > planned.plan.arena_bytes
