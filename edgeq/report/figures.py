"""The report's plots as PNG bytes, drawn with matplotlib's object API (no pyplot global state).

Each `Figure` carries the source of every number it shows (measured / estimated / emulated / host), which
the HTML prints under the image, and the axis labels repeat it, so a copied image keeps its provenance.
A plot without data (e.g. no energy figures) is returned with `png=None` and a `note` saying why.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable, Sequence

from edgeq.errors import EdgeqError
from edgeq.sweep.recommend import baseline_accuracy, pareto_front, size_bytes
from edgeq.sweep.record import ModeResult, SweepResult

_OK, _FRONT, _BUDGET = "#1f77b4", "#d62728", "#2ca02c"


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    source: str  # the provenance line printed under the figure
    png: bytes | None
    note: str = ""  # why there is no image, or a remark on the data
    pareto: tuple[str, ...] = ()  # modes on the Pareto front of this plot


def _matplotlib():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure as MplFigure
    except ImportError as err:
        raise EdgeqError("the HTML report needs matplotlib, which is not installed",
                         "pip install 'edgeq[report]' (or 'edgeq[dev]')") from err
    return MplFigure, FigureCanvasAgg


def _png(fig) -> bytes:
    _, canvas_cls = _matplotlib()
    canvas_cls(fig)
    buf = io.BytesIO()
    # No Software/date metadata: the same results give the same bytes.
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _sources(modes: list[ModeResult], attr: str) -> str:
    found = sorted({getattr(m, attr) or "unknown" for m in modes})
    return "/".join(found) if found else "none"


def label_offsets(points: Sequence[tuple[str, float, float]], near: float = 0.06) -> dict[str, tuple[int, int]]:
    """Label offsets (typographic points) for (name, x, y) points: labels of points closer than `near` (a
    fraction of each axis' span) to ones already labelled are stacked 10 points higher, so they never overlap."""
    if not points:
        return {}
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    placed: list[tuple[float, float]] = []
    offsets = {}
    for name, x, y in sorted(points, key=lambda p: (p[1], p[2], p[0])):
        nx, ny = (x - min(xs)) / span_x, (y - min(ys)) / span_y
        crowd = sum(1 for px, py in placed if abs(px - nx) < near and abs(py - ny) < near)
        placed.append((nx, ny))
        offsets[name] = (5, 4 + 10 * crowd)
    return offsets


def _pareto_plot(result: SweepResult, fig_id: str, what: str, unit: str,
                 value: Callable[[ModeResult], float | None], source_attr: str | None,
                 fixed_source: str | None = None) -> Figure:
    modes = [m for m in result.modes if m.ok and m.accuracy is not None and value(m) is not None]
    title = f"Accuracy vs {what}"
    acc_src = _sources(modes, "accuracy_source")
    x_src = fixed_source or (_sources(modes, source_attr) if source_attr else "unknown")
    source = f"accuracy: {acc_src}; {what}: {x_src}"
    if not modes:
        return Figure(fig_id, title, source, None, note=f"no mode has both an accuracy and a {what} figure")
    points = [(m.mode, float(value(m)), m.accuracy * 100.0) for m in modes]
    front = pareto_front(points)
    mpl_figure, _ = _matplotlib()
    fig = mpl_figure(figsize=(5.0, 3.6))
    ax = fig.add_subplot()
    on = sorted((p for p in points if p[0] in front), key=lambda p: p[1])
    off = [p for p in points if p[0] not in front]
    if off:
        ax.scatter([p[1] for p in off], [p[2] for p in off], color=_OK, label="mode", zorder=3)
    ax.plot([p[1] for p in on], [p[2] for p in on], "o-", color=_FRONT, label="Pareto front", zorder=4)
    offsets = label_offsets(points)
    for name, x, y in points:
        ax.annotate(name, (x, y), textcoords="offset points", xytext=offsets[name], fontsize=8)
    base = baseline_accuracy(result.float_accuracy, result.modes)
    if base is not None:
        ax.axhline(base * 100.0, color="grey", linestyle=":", linewidth=1,
                   label="float Keras model (host)" if result.float_accuracy is not None else "fp32 .tflite")
        if result.recommendation is not None:
            ax.axhline(base * 100.0 - result.recommendation.max_drop, color=_BUDGET, linestyle="--",
                       linewidth=1, label=f"budget (−{result.recommendation.max_drop:g} points)")
    ax.set_xlabel(f"{what} ({unit}, {x_src})")
    ax.set_ylabel(f"top-1 accuracy (%, {acc_src})")
    ax.set_title(f"{title} — {result.target.id}", fontsize=10)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.get_major_formatter().set_useOffset(False)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    return Figure(fig_id, title, source, _png(fig), pareto=tuple(sorted(front)))


def pareto_figures(result: SweepResult) -> tuple[Figure, ...]:
    target = result.target
    size_what = "flash" if target.runs_firmware else "model size"

    def size_kib(m: ModeResult) -> float | None:
        size = size_bytes(m, target)
        return None if size is None else size / 1024.0

    size_source = None if target.runs_firmware else "measured"
    return (
        _pareto_plot(result, "pareto-size", size_what, "KiB", size_kib,
                     "memory_source" if target.runs_firmware else None, size_source),
        _pareto_plot(result, "pareto-latency", "latency", "ms", lambda m: m.latency_ms, "latency_source"),
        _pareto_plot(result, "pareto-energy", "energy per inference", "µJ", lambda m: m.energy_uj,
                     "energy_source"),
    )


def layer_figure(mode: ModeResult | None) -> Figure:
    title = "Per-layer error vs per-layer cost"
    if mode is None or not mode.layers:
        return Figure("layers", title, "none", None, note="no mode with per-layer figures")
    unit = mode.layer_cost_unit or "cost"
    source = (f"error: SQNR float Keras vs {mode.mode} .tflite (host); "
              f"cost: {unit} ({mode.layer_cost_source or 'unknown'})")
    layers = [layer for layer in mode.layers]
    costs = [(layer.ticks if layer.ticks is not None else layer.macs) for layer in layers]
    mpl_figure, _ = _matplotlib()
    fig = mpl_figure(figsize=(7.2, 5.0))
    ax_err, ax_cost = fig.subplots(2, 1, sharex=True)
    xs = list(range(len(layers)))
    labels = [f"{layer.index}:{layer.opcode}" for layer in layers]
    sqnr = [layer.sqnr_db if layer.sqnr_db is not None else 0.0 for layer in layers]
    bars = ax_err.bar(xs, sqnr, color=_OK)
    for bar, layer in zip(bars, layers):
        if layer.sqnr_db is None:
            bar.set_hatch("//")
            bar.set_alpha(0.3)
    ax_err.set_ylabel("SQNR (dB, host)\nhigher = less error", fontsize=8)
    ax_err.set_title(f"{title} — {mode.mode}", fontsize=10)
    ax_err.grid(True, axis="y", alpha=0.3)
    total = sum(costs) or 1
    ax_cost.bar(xs, costs, color=_FRONT)
    for x, c in zip(xs, costs):
        ax_cost.annotate(f"{100.0 * c / total:.0f}%", (x, c), textcoords="offset points", xytext=(0, 2),
                         ha="center", fontsize=6)
    ax_cost.set_ylabel(f"{unit} per inference\n({mode.layer_cost_source or 'unknown'})", fontsize=8)
    ax_cost.set_xticks(xs, labels, rotation=60, ha="right", fontsize=7)
    ax_cost.grid(True, axis="y", alpha=0.3)
    note = "" if all(layer.sqnr_db is not None for layer in layers) else \
        "hatched: no float counterpart for this op's output (no SQNR)"
    return Figure("layers", title, source, _png(fig), note=note)
