"""Recurrent state in the memory plan: variable tensors and resource variables keep bytes no other buffer
shares (alive during every operator), so the state one inference leaves is what the next one reads."""
from __future__ import annotations

import numpy as np

from edgeq.codegen.model import generate_model
from edgeq.ir import parse
from edgeq.ir.resources import resource_variables
from edgeq.plan import plan_memory
from handmade_models import accumulator_model


def _persistent(plan, graph, tensors):
    last = len(graph.ops) - 1
    found = [p for p in plan.placements if set(p.buffer.tensors) & set(tensors)]
    assert len(found) == len(tensors)
    for p in found:
        assert (p.buffer.first_op, p.buffer.last_op) == (0, last)
        others = [q for q in plan.placements if q is not p and q.offset < p.end and p.offset < q.end]
        assert not others, f"{p.buffer.key} shares bytes with {[q.buffer.key for q in others]}"
    return found


def test_lstm_and_svdf_state_is_never_shared(shared_models):
    for name in ("trained_lstm_int8", "keyword_scrambled_8bit"):
        graph = parse(shared_models / f"{name}.tflite")
        assert graph.variable_tensors  # LSTM hidden/cell state, SVDF memories
        generated = generate_model(graph)
        _persistent(generated.plan, graph, graph.variable_tensors)
        for t in graph.variable_tensors:  # reset in model.c with TFLM's initial value
            tensor = graph.tensors[t]
            fill = tensor.quant.zero_point[0] if tensor.dtype == "int8" else 0
            assert f"memset(edgeq_arena + {generated.plan.offset_of(t)}, {fill}, {tensor.nbytes}u);" \
                in generated.files["model.c"]


def test_resource_variable_has_its_own_persistent_bytes():
    graph = parse(accumulator_model(np.zeros((1, 5), np.float32)))
    (variable,) = resource_variables(graph)
    assert variable.nbytes == 20 and variable.key == "/accumulator"
    plan = plan_memory(graph)
    (placement,) = _persistent(plan, graph, variable.handles)
    assert placement.buffer.size == 20
