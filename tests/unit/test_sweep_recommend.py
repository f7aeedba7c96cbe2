"""Recommendation within an accuracy budget, and the Pareto front."""
from __future__ import annotations

from edgeq.sweep.recommend import drop_points, pareto_front, recommend
from edgeq.sweep.record import ModeResult, Target

BOARD = Target("board", "mps2-an386", emulated=True)
HOST = Target("host", "host")


def ok(mode, acc, flash, latency=None, model=None):
    return ModeResult(mode, "ok", "done", accuracy=acc, accuracy_source="emulated", flash_bytes=flash,
                      model_bytes=model if model is not None else flash, latency_ms=latency,
                      latency_source="estimated")


def test_smallest_within_budget_wins_and_reason_says_why():
    modes = [ok("fp32", 0.980, 100_000, 5.0), ok("int8", 0.975, 30_000, 2.0), ok("int4", 0.950, 20_000, 2.5),
             ModeResult("fp16", "failed", "check", reason="float16 weights")]
    rec = recommend(modes, BOARD, max_drop=1.0, float_accuracy=0.98)
    assert rec.mode == "int8"
    assert rec.candidates == ("int8", "fp32")
    assert "int4 (3.00 points)" in rec.reason and "flash" in rec.reason
    assert rec.baseline_accuracy == 0.98


def test_a_looser_budget_admits_the_smaller_model():
    modes = [ok("int8", 0.975, 30_000), ok("int4", 0.950, 20_000)]
    assert recommend(modes, BOARD, max_drop=3.0, float_accuracy=0.98).mode == "int4"


def test_equal_sizes_go_to_the_faster_mode():
    modes = [ok("int8", 0.97, 30_000, latency=3.0), ok("qat", 0.97, 30_100, latency=2.0)]
    assert recommend(modes, BOARD, 1.0, 0.975).mode == "qat"


def test_host_targets_rank_by_model_size_not_flash():
    modes = [ok("fp32", 0.98, None, model=80_000), ok("int8", 0.978, None, model=20_000)]
    assert recommend(modes, HOST, 1.0, 0.98).mode == "int8"


def test_no_mode_within_budget_names_the_closest():
    rec = recommend([ok("int8", 0.90, 30_000), ok("int4", 0.85, 20_000)], BOARD, 1.0, 0.98)
    assert rec.mode is None
    assert "closest is int8" in rec.reason and "8.00 points" in rec.reason


def test_fp32_is_the_baseline_without_a_float_accuracy():
    rec = recommend([ok("fp32", 0.98, 90_000), ok("int8", 0.96, 30_000)], BOARD, 1.0, None)
    assert rec.mode == "fp32" and rec.baseline_accuracy == 0.98


def test_drop_points():
    assert abs(drop_points(0.95, 0.97) - 2.0) < 1e-9


def test_pareto_front():
    pts = [("a", 10, 90), ("b", 20, 95), ("c", 20, 91), ("d", 5, 80), ("e", 30, 95)]
    assert pareto_front(pts) == {"a", "b", "d"}


def test_latency_and_energy_outweigh_a_little_flash_and_the_trade_is_named():
    """The new user's sweep: int16x8 had 1.3 KiB less flash but 7.4x the latency and energy, 1.7x the RAM."""
    def mode(name, acc, flash, latency, energy, ram):
        return ModeResult(name, "ok", "done", accuracy=acc, accuracy_source="emulated", flash_bytes=flash,
                          latency_ms=latency, latency_source="estimated", energy_uj=energy,
                          energy_source="estimated", ram_bytes=ram)

    modes = [mode("int8", 0.900, 41_000, 2.0, 10.0, 6_000), mode("int16x8", 0.905, 39_700, 14.8, 74.0, 10_200)]
    rec = recommend(modes, BOARD, max_drop=1.0, float_accuracy=0.90)
    assert rec.mode == "int8"
    assert "flash, latency, energy, RAM weighed" in rec.reason
    assert "traded: 1.3 KiB more flash than int16x8 for 7.4x lower latency, 7.4x less energy, 4.1 KiB less RAM" \
        in rec.reason, rec.reason


def test_an_accuracy_above_the_baseline_is_said_to_be_above():
    rec = recommend([ok("int8", 0.905, 30_000)], BOARD, max_drop=1.0, float_accuracy=0.90)
    assert "0.50 points above the baseline 90.00%" in rec.reason and "below" not in rec.reason
    rec = recommend([ok("int8", 0.895, 30_000)], BOARD, max_drop=1.0, float_accuracy=0.90)
    assert "0.50 points below the baseline" in rec.reason
