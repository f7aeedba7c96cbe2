"""Choosing a mode: the smallest, then fastest, model whose accuracy drop is within the budget (pure).

The budget is in accuracy points against a baseline: the float Keras model on the same validation set,
or — when that is unknown — the fp32 .tflite's accuracy. Size is what the target pays for: flash of the
linked firmware on a board, the .tflite file elsewhere. Ties in size (within 1 %) go to the lower latency,
then to the higher accuracy. `pareto_front` marks the non-dominated modes the report highlights.
"""
from __future__ import annotations

import functools
from typing import Iterable, Sequence

from edgeq.sweep.record import ModeResult, Recommendation, Target

_SIZE_TIE = 0.01


def size_bytes(mode: ModeResult, target: Target) -> int | None:
    return mode.flash_bytes if target.runs_firmware else mode.model_bytes


def baseline_accuracy(float_accuracy: float | None, modes: Sequence[ModeResult]) -> float | None:
    if float_accuracy is not None:
        return float_accuracy
    fp32 = next((m for m in modes if m.mode == "fp32" and m.ok and m.accuracy is not None), None)
    return fp32.accuracy if fp32 else None


def drop_points(accuracy: float, baseline: float) -> float:
    return (baseline - accuracy) * 100.0


def _kb(n: int | None) -> str:
    return "?" if n is None else f"{n / 1024:.1f} KiB"


def _rank_key(mode: ModeResult, target: Target) -> tuple:
    size = size_bytes(mode, target)
    latency = mode.latency_ms if mode.latency_ms is not None else float("inf")
    return (size if size is not None else float("inf"), latency, -(mode.accuracy or 0.0))


def _better(a: ModeResult, b: ModeResult, target: Target) -> bool:
    """a before b: clearly smaller wins; sizes within 1 % compare on latency, then accuracy."""
    sa, sb = size_bytes(a, target), size_bytes(b, target)
    if sa is not None and sb is not None and abs(sa - sb) > _SIZE_TIE * max(sa, sb):
        return sa < sb
    return _rank_key(a, target)[1:] < _rank_key(b, target)[1:]


def _order(modes: list[ModeResult], target: Target) -> list[ModeResult]:
    def compare(a: ModeResult, b: ModeResult) -> int:
        return -1 if _better(a, b, target) else (1 if _better(b, a, target) else 0)

    return sorted(modes, key=functools.cmp_to_key(compare))


def recommend(modes: Sequence[ModeResult], target: Target, max_drop: float,
              float_accuracy: float | None) -> Recommendation:
    base = baseline_accuracy(float_accuracy, modes)
    measured = [m for m in modes if m.ok and m.accuracy is not None]
    if base is None or not measured:
        return Recommendation(None, "no mode has a measured accuracy to compare" if base is not None
                              else "no baseline accuracy (float model or fp32 mode) to measure drops against",
                              max_drop, base)
    within = [m for m in measured if drop_points(m.accuracy, base) <= max_drop + 1e-9]
    if not within:
        closest = min(measured, key=lambda m: drop_points(m.accuracy, base))
        return Recommendation(
            None, f"no mode is within the {max_drop:g}-point budget; the closest is {closest.mode} at "
            f"{drop_points(closest.accuracy, base):.2f} points below the baseline {base:.2%}",
            max_drop, base)
    ordered = _order(within, target)
    best = ordered[0]
    size_name = "flash" if target.runs_firmware else "model size"
    parts = [f"{best.mode}: {_kb(size_bytes(best, target))} {size_name}"]
    if best.latency_ms is not None:
        parts.append(f"{best.latency_ms:.3g} ms latency ({best.latency_source or 'unknown source'})")
    parts.append(f"accuracy {best.accuracy:.2%} ({best.accuracy_source or 'unknown source'}), "
                 f"{drop_points(best.accuracy, base):.2f} points below the baseline {base:.2%}")
    reason = ", ".join(parts) + f"; the smallest then fastest of {len(within)} mode(s) within the " \
        f"{max_drop:g}-point budget"
    if len(ordered) > 1:
        runner = ordered[1]
        reason += f" (next: {runner.mode}, {_kb(size_bytes(runner, target))})"
    rejected = [m for m in measured if m not in within]
    if rejected:
        reason += "; over budget: " + ", ".join(
            f"{m.mode} ({drop_points(m.accuracy, base):.2f} points)" for m in rejected)
    return Recommendation(best.mode, reason, max_drop, base, tuple(m.mode for m in ordered))


def pareto_front(points: Iterable[tuple[str, float, float]]) -> frozenset[str]:
    """Names of the points no other point beats: lower-or-equal cost x and higher-or-equal accuracy y,
    strictly better in one."""
    pts = list(points)
    front = set()
    for name, x, y in pts:
        dominated = any((x2 <= x and y2 >= y) and (x2 < x or y2 > y) for _, x2, y2 in pts)
        if not dominated:
            front.add(name)
    return frozenset(front)
