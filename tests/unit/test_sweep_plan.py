"""Mode planning: which modes a sweep attempts, and why a board refuses a converted model."""
from __future__ import annotations

import pytest

from edgeq.errors import EdgeqError
from edgeq.ir import parse
from edgeq.sweep.plan import ALL_MODES, device_issue, parse_modes, plan_modes
from edgeq.sweep.record import Target

BOARD = Target("board", "mps2-an386", core="cortex-m4", emulated=True)
HOST = Target("host", "host")


def test_all_modes_match_the_converter():
    from edgeq.convert.modes import MODES

    assert ALL_MODES == tuple(MODES)


def test_parse_modes_keeps_canonical_order():
    assert parse_modes(None) == ALL_MODES
    assert parse_modes("all") == ALL_MODES
    assert parse_modes("int8, fp32") == ("fp32", "int8")


@pytest.mark.parametrize("text, fragment", [
    ("int8,int3", "int3"), ("int8,int8", "more than once"), (" , ", "empty"),
])
def test_parse_modes_rejects_bad_lists(text, fragment):
    with pytest.raises(EdgeqError) as err:
        parse_modes(text)
    assert fragment in err.value.message
    assert err.value.hint


def test_plan_modes_names_the_missing_input():
    decisions = {d.mode: d for d in plan_modes(ALL_MODES, has_calib=False, has_train=False)}
    assert decisions["fp32"].runnable and decisions["fp16"].runnable and decisions["dynamic"].runnable
    for mode in ("int8", "int16x8", "mixed", "int4"):
        assert not decisions[mode].runnable
        assert "--calib" in decisions[mode].hint
    assert not decisions["qat"].runnable and "--train-data" in decisions["qat"].hint
    assert all(d.runnable for d in plan_modes(ALL_MODES, has_calib=True, has_train=True))


def test_device_issue_refuses_a_hybrid_model_on_a_board_only(shared_models):
    hybrid = parse(shared_models / "kws_ref_model_float32.tflite")
    issue = device_issue(hybrid, BOARD)
    assert issue is not None and not issue.runnable
    assert "hybrid" in issue.reason and "operator" in issue.reason
    assert device_issue(hybrid, HOST) is None


def test_device_issue_accepts_a_full_integer_model(shared_models):
    assert device_issue(parse(shared_models / "ad01_int8.tflite"), BOARD) is None
