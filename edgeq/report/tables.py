"""The per-mode table as rows of formatted cells, shared by the HTML page and the markdown summary (pure)."""
from __future__ import annotations

from dataclasses import dataclass

from edgeq.sweep.recommend import baseline_accuracy, drop_points
from edgeq.sweep.record import ModeResult, SweepResult

COLUMNS = ("mode", "status", "accuracy", "drop (points)", "host LiteRT", "host TFLM", "device = TFLM",
           "model", "flash", "RAM", "arena", "latency", "energy", "note")


@dataclass(frozen=True)
class Row:
    mode: str
    ok: bool
    cells: tuple[str, ...]


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.2f}%"


def _bytes(n: int | None) -> str:
    if n is None:
        return "–"
    return f"{n:,} B" if n < 10 * 1024 else f"{n / 1024:,.1f} KiB"


def _with_source(text: str, source: str | None) -> str:
    return text if text == "–" or not source else f"{text} ({source})"


def mode_row(m: ModeResult, base: float | None, full_reason: bool = True) -> Row:
    """One table row; without `full_reason` a failure's note names only the stage (the page lists reasons)."""
    drop = "–" if m.accuracy is None or base is None else f"{drop_points(m.accuracy, base):+.2f}"
    exact = "–" if m.exact_match_rate is None else f"{m.exact_match_rate * 100:.2f}% of elements"
    latency = "–" if m.latency_ms is None else f"{m.latency_ms:.4g} ms"
    energy = "–" if m.energy_uj is None else f"{m.energy_uj:.4g} µJ"
    if m.ok:
        note = "cached" if m.cached else ""
    else:
        note = f"failed at {m.stage}: {m.reason}" + (f" — {m.hint}" if m.hint else "") if full_reason \
            else f"failed at {m.stage} (reason below)"
    cells = (
        m.mode, m.status,
        _with_source(_pct(m.accuracy), m.accuracy_source), drop,
        _pct(m.host_accuracy), _pct(m.reference_accuracy), exact,
        _bytes(m.model_bytes),
        _with_source(_bytes(m.flash_bytes), m.memory_source),
        _with_source(_bytes(m.ram_bytes), m.memory_source),
        _bytes(m.arena_bytes),
        _with_source(latency, m.latency_source),
        _with_source(energy, m.energy_source),
        note,
    )
    return Row(m.mode, m.ok, cells)


def mode_rows(result: SweepResult, full_reason: bool = True) -> tuple[Row, ...]:
    base = baseline_accuracy(result.float_accuracy, result.modes)
    return tuple(mode_row(m, base, full_reason) for m in result.modes)


def chosen_mode(result: SweepResult) -> ModeResult | None:
    """The model whose layers the report details: the recommended one, else int8, else any with layers."""
    with_layers = [m for m in result.modes if m.ok and m.layers]
    preferred = [result.recommendation.mode if result.recommendation else None, "int8"]
    for name in preferred:
        match = next((m for m in with_layers if m.mode == name), None)
        if match is not None:
            return match
    return with_layers[0] if with_layers else None


LAYER_COLUMNS = ("op", "operator", "SQNR (dB)", "MACs", "cost", "share of cost")


def layer_rows(mode: ModeResult) -> tuple[tuple[str, ...], ...]:
    costs = [layer.ticks if layer.ticks is not None else layer.macs for layer in mode.layers]
    total = sum(costs) or 1
    return tuple(
        (str(layer.index), layer.opcode, "–" if layer.sqnr_db is None else f"{layer.sqnr_db:.1f}",
         f"{layer.macs:,}", f"{cost:,} {mode.layer_cost_unit or ''}".strip(), f"{100.0 * cost / total:.1f}%")
        for layer, cost in zip(mode.layers, costs)
    )
