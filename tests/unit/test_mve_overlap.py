"""The output/input gaps the Helium variants declare (mve_variants.row_stream_gap, gemm_output_gap) against a
replay of their kernels' actual read and write order: the ring kernels' slot and tag logic
(firmware/kernels/mve/edgeq_depthwise_mve_s8.c, edgeq_conv2d_mve_s8.c) decides which input row is read when,
so a geometry where a row would be read again after the output passed it (dilation in height shares slots)
must be declared never-overlapping. A declared gap must be safe, and tight (one byte less is unsafe)."""
from __future__ import annotations

import pytest

from edgeq.codegen.ops.mve_variants import gemm_output_gap, row_stream_gap, staged_output_gap


def _geom(in_hw, in_c, filt, out_hw, out_c, stride=(1, 1), dil=(1, 1), pad=(0, 0), batches=1) -> dict:
    return {"batches": batches, "input_h": in_hw[0], "input_w": in_hw[1], "input_c": in_c, "filter_h": filt[0],
            "filter_w": filt[1], "output_h": out_hw[0], "output_w": out_hw[1], "output_c": out_c,
            "stride_h": stride[0], "stride_w": stride[1], "dilation_h": dil[0], "dilation_w": dil[1],
            "pad_top": pad[0], "pad_left": pad[1], "depth_multiplier": 1}


def ring_events(g: dict, depthwise: bool) -> list[tuple[str, int, int]]:
    """("read" | "write", start, end) byte ranges relative to the input / output, in kernel order."""
    in_row, out_row = g["input_w"] * g["input_c"], g["output_w"] * g["output_c"]
    fh, dh, sh = g["filter_h"], g["dilation_h"], g["stride_h"]
    # the convolution keeps the rows of both output rows of a pair only where pairs straddle (odd width)
    span = fh if depthwise else (fh - 1) * dh + 1 + (g["output_w"] % 2) * sh
    events = []
    for b in range(g["batches"]):
        tags = [None] * span
        for oy in range(g["output_h"]):
            iy0 = oy * sh - g["pad_top"]
            for ky in range(fh):
                iy = iy0 + ky * dh
                if not 0 <= iy < g["input_h"]:
                    continue  # the padding slot: no input read
                # depthwise: slot floor(iy0 / dilation_h) + ky (mod filter_h); convolution: iy mod span
                slot = (iy0 // dh + ky) % fh if depthwise else iy % span
                if tags[slot] != iy:
                    tags[slot] = iy
                    start = (b * g["input_h"] + iy) * in_row
                    events.append(("read", start, start + in_row))
            start = (b * g["output_h"] + oy) * out_row
            events.append(("write", start, start + out_row))
    return events


def gemm_events(rows: int, depth: int, channels: int) -> list[tuple[str, int, int]]:
    events = []
    for r in range(0, rows, 2):
        end = min(r + 2, rows)
        for c in range(0, channels, 4):  # each block reads the rows again, then writes its outputs
            events.append(("read", r * depth, end * depth))
            for k in range(r, end):
                events.append(("write", k * channels + c, k * channels + min(c + 4, channels)))
    return events


def staged_events(rows: int, depth: int, channels: int) -> list[tuple[str, int, int]]:
    events = []
    for r in range(0, rows, 2):
        end = min(r + 2, rows)
        events.append(("read", r * depth, end * depth))  # the pair copied into scratch
        events.append(("write", r * channels, end * channels))
    return events


def safe(events: list[tuple[str, int, int]], gap: int) -> bool:
    """Output at input - gap: no written byte is an input byte read later."""
    for i, (kind, start, end) in enumerate(events):
        if kind != "write":
            continue
        for later, lo, hi in events[i + 1:]:
            if later == "read" and start - gap < hi and lo < end - gap:
                return False
    return True


RING_CASES = [
    ("dw 3x3 same", _geom((7, 6), 8, (3, 3), (7, 6), 8, pad=(1, 1)), True),
    ("dw 3x3 s2", _geom((9, 13), 12, (3, 3), (5, 7), 12, stride=(2, 2), pad=(1, 1)), True),
    ("dw 5x3 s3 batch", _geom((11, 6), 4, (5, 3), (4, 2), 4, stride=(3, 3), pad=(2, 1), batches=2), True),
    ("conv 3x3 same 16->16", _geom((8, 8), 16, (3, 3), (8, 8), 16, pad=(1, 1)), False),
    ("conv 10x8 s2 c1 m8", _geom((49, 40), 1, (10, 8), (25, 20), 8, stride=(2, 2), pad=(4, 3)), False),
    ("conv 3x3 valid 3->12 batch", _geom((9, 9), 3, (3, 3), (7, 7), 12, batches=2), False),
    ("conv 3x3 s2 even width", _geom((9, 12), 4, (3, 3), (5, 6), 8, stride=(2, 2), pad=(1, 1)), False),
]


@pytest.mark.parametrize("name, g, depthwise", RING_CASES, ids=[c[0] for c in RING_CASES])
def test_ring_gap_is_safe_and_tight(name, g, depthwise):
    events = ring_events(g, depthwise)
    gap = row_stream_gap(g)
    assert gap is not None
    assert safe(events, gap)
    if gap > -g["batches"] * g["input_h"] * g["input_w"] * g["input_c"]:  # some read comes after a write
        assert not safe(events, gap - 1), "gap not tight"


@pytest.mark.parametrize("depthwise", [True, False])
def test_height_dilation_reloads_rows_and_never_overlaps(depthwise):
    g = _geom((9, 6), 8, (3, 3), (9, 6), 8, dil=(2, 1), pad=(2, 1))
    reads = [start for kind, start, _ in ring_events(g, depthwise) if kind == "read"]
    assert reads != sorted(reads) or len(reads) != len(set(reads))  # out of order or again: no gap holds
    assert row_stream_gap(g) is None


@pytest.mark.parametrize("rows, depth, channels", [(25, 64, 64), (35, 20, 12), (1, 23, 11), (6, 20, 9), (9, 8, 16)])
def test_gemm_gap_is_safe_and_tight(rows, depth, channels):
    events = gemm_events(rows, depth, channels)
    gap = gemm_output_gap(rows, depth, channels)
    assert safe(events, gap)
    assert not safe(events, gap - 1)


@pytest.mark.parametrize("rows, depth, channels", [(25, 64, 64), (35, 20, 12), (6, 16, 16), (9, 16, 8)])
def test_staged_gemm_gap_is_safe_and_tight(rows, depth, channels):
    events = staged_events(rows, depth, channels)
    gap = staged_output_gap(rows, depth, channels)
    assert gap <= 0  # in place possible
    assert safe(events, gap)
    assert not safe(events, gap - 1)
