"""Choosing a mode: the cheapest model whose accuracy drop is within the budget (pure).

The budget is in accuracy points against a baseline: the float Keras model on the same validation set,
or — when that is unknown — the fp32 .tflite's accuracy. Cost weighs every figure the target pays for and
that every candidate has: size (flash of the linked firmware on a board, the .tflite file elsewhere),
latency, energy and RAM. Each figure is divided by the best candidate's, and a mode's cost is the geometric
mean of those ratios, so 1.3 KiB less flash never outweighs 7.4x the latency and energy. Costs within 1 %
go to the higher accuracy, then the smaller size. The reason names what the choice traded against the
runner-up. `pareto_front` marks the non-dominated modes the report highlights.
"""
from __future__ import annotations

import functools
import math
from typing import Callable, Iterable, Sequence

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


def versus_baseline(accuracy: float, baseline: float) -> str:
    """'0.50 points below the baseline 97.00%' (or 'above' when the mode beats it)."""
    drop = drop_points(accuracy, baseline)
    side = "below" if drop >= 0 else "above"
    return f"{abs(drop):.2f} points {side} the baseline {baseline:.2%}"


def _kb(n: int | None) -> str:
    return "?" if n is None else f"{n / 1024:.1f} KiB"


def _axes(target: Target) -> tuple[tuple[str, Callable[[ModeResult], float | None]], ...]:
    """(name, figure) for every cost the target pays, lower is better."""
    size_name = "flash" if target.runs_firmware else "model size"
    return ((size_name, lambda m: size_bytes(m, target)), ("latency", lambda m: m.latency_ms),
            ("energy", lambda m: m.energy_uj), ("RAM", lambda m: m.ram_bytes))


def _costs(modes: Sequence[ModeResult], target: Target) -> tuple[list[str], dict[str, float]]:
    """(axes compared, mode -> geometric mean of its figures relative to the best of each axis). An axis
    counts only when every mode has a positive figure for it."""
    used, logs = [], {m.mode: 0.0 for m in modes}
    for name, figure in _axes(target):
        values = [figure(m) for m in modes]
        if any(v is None or v <= 0 for v in values):
            continue
        used.append(name)
        best = min(values)
        for mode, value in zip(modes, values):
            logs[mode.mode] += math.log(value / best)
    return used, {mode: math.exp(total / max(1, len(used))) for mode, total in logs.items()}


def _order(modes: list[ModeResult], target: Target) -> tuple[list[str], list[ModeResult]]:
    used, cost = _costs(modes, target)

    def better(a: ModeResult, b: ModeResult) -> bool:
        ca, cb = cost[a.mode], cost[b.mode]
        if abs(ca - cb) > _SIZE_TIE * max(ca, cb):
            return ca < cb
        sa, sb = size_bytes(a, target), size_bytes(b, target)
        return ((-(a.accuracy or 0.0), sa if sa is not None else math.inf)
                < (-(b.accuracy or 0.0), sb if sb is not None else math.inf))

    def compare(a: ModeResult, b: ModeResult) -> int:
        return -1 if better(a, b) else (1 if better(b, a) else 0)

    return used, sorted(modes, key=functools.cmp_to_key(compare))


def _traded(best: ModeResult, runner: ModeResult, target: Target) -> str:
    """'1.3 KiB more flash than int16x8 for 7.4x lower latency, 7.4x less energy' — best against runner."""
    gained, gave = [], []
    for name, figure in _axes(target):
        a, b = figure(best), figure(runner)
        if a is None or b is None or a <= 0 or b <= 0 or abs(a - b) <= _SIZE_TIE * max(a, b):
            continue
        amount = (_kb(int(abs(a - b))) if name in ("flash", "model size", "RAM")
                  else f"{max(a, b) / min(a, b):.1f}x")
        more, less = ("more", "less") if name != "latency" else ("higher", "lower")
        (gave if a > b else gained).append(f"{amount} {more if a > b else less} {name}")
    if not gained and not gave:
        return f"{runner.mode} costs the same; {best.mode} is more accurate or smaller"
    if not gave:
        return f"{', '.join(gained)} than {runner.mode}"
    if not gained:
        return f"{', '.join(gave)} than {runner.mode} for higher accuracy"
    return f"{', '.join(gave)} than {runner.mode} for {', '.join(gained)}"


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
            f"{versus_baseline(closest.accuracy, base)}",
            max_drop, base)
    used, ordered = _order(within, target)
    best = ordered[0]
    size_name = "flash" if target.runs_firmware else "model size"
    parts = [f"{best.mode}: {_kb(size_bytes(best, target))} {size_name}"]
    if best.latency_ms is not None:
        parts.append(f"{best.latency_ms:.3g} ms latency ({best.latency_source or 'unknown source'})")
    if best.energy_uj is not None:
        parts.append(f"{best.energy_uj:.3g} uJ ({best.energy_source or 'unknown source'})")
    parts.append(f"accuracy {best.accuracy:.2%} ({best.accuracy_source or 'unknown source'}), "
                 f"{versus_baseline(best.accuracy, base)}")
    reason = ", ".join(parts) + f"; the lowest cost ({', '.join(used) or 'no figure'} weighed) of " \
        f"{len(within)} mode(s) within the {max_drop:g}-point budget"
    if len(ordered) > 1:
        reason += f"; traded: {_traded(best, ordered[1], target)}"
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
