"""The memory planner: never overlaps live buffers, never worse than the linear baseline, beats TFLM."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from edgeq.ir import parse
from edgeq.plan import find_overlaps, linear_plan, plan_memory, render_chart
from edgeq.plan.greedy import lower_bound
from edgeq.plan.model import MemoryPlan, Placement

MODELS = ["kws_ref_model.tflite", "pretrainedResnet_quant.tflite", "ad01_int8.tflite"]
# TFLM's arena_used_bytes() for the same models (measured by the peer, ../shared/models/README.md).
TFLM_ARENA = {"kws_ref_model.tflite": 22_820, "pretrainedResnet_quant.tflite": 54_996, "ad01_int8.tflite": 2_580}


@pytest.mark.parametrize("name", MODELS)
def test_greedy_plan_is_valid_and_small(shared_models, name):
    graph = parse(shared_models / name)
    scratch = {op.index: 100 + 7 * op.index for op in graph.ops}  # odd sizes exercise alignment
    plan = plan_memory(graph, scratch)
    assert find_overlaps(plan) == []
    assert lower_bound(graph, scratch) <= plan.arena_bytes <= linear_plan(graph, scratch).arena_bytes
    assert all(p.offset % plan.alignment == 0 for p in plan.placements)
    assert plan_memory(graph).arena_bytes < TFLM_ARENA[name]


@pytest.mark.parametrize("name", MODELS)
def test_every_activation_has_a_place(shared_models, name):
    graph = parse(shared_models / name)
    plan = plan_memory(graph)
    for op in graph.ops:
        for t in op.inputs + op.outputs:
            if t >= 0 and not graph.tensors[t].is_constant:
                assert 0 <= plan.offset_of(t) < plan.arena_bytes


def test_reshape_aliases_its_input(shared_models):
    graph = parse(shared_models / "kws_ref_model.tflite")
    plan = plan_memory(graph)
    reshape = next(op for op in graph.ops if op.opcode == "RESHAPE")
    assert plan.offset_of(reshape.inputs[0]) == plan.offset_of(reshape.outputs[0])


def test_inplace_add_shares_a_dying_input_but_never_a_graph_input(shared_models):
    graph = parse(shared_models / "pretrainedResnet_quant.tflite")
    adds = {op.index for op in graph.ops if op.opcode == "ADD"}
    plan = plan_memory(graph, inplace_ops=adds)
    assert find_overlaps(plan) == []
    shared = 0
    for index in adds:
        op = graph.ops[index]
        out = plan.offset_of(op.outputs[0])
        shared += any(plan.offset_of(i) == out for i in op.inputs if not graph.tensors[i].is_constant)
    assert shared == len(adds)
    assert all(plan.offset_of(i) != plan.offset_of(o) for i in graph.inputs for o in graph.outputs)


def test_overlap_checker_catches_a_clash(shared_models):
    graph = parse(shared_models / "ad01_int8.tflite")
    plan = linear_plan(graph)
    squashed = MemoryPlan(tuple(Placement(p.buffer, 0) for p in plan.placements), plan.arena_bytes, 16, "broken")
    assert find_overlaps(squashed)


def test_chart_and_cli(shared_models):
    graph = parse(shared_models / "ad01_int8.tflite")
    chart = render_chart(plan_memory(graph), [op.opcode for op in graph.ops])
    assert chart.count("FULLY_CONNECTED") == 10
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "plan", str(shared_models / "ad01_int8.tflite"),
                           "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["arena_bytes"] <= data["linear_bytes"]
