"""Helium (MVE) variants for Cortex-M55-class cores (firmware/kernels/mve/, layouts in edgeq_kernels_mve.h), int8:

* FULLY_CONNECTED and 1x1 CONV_2D as GEMM rows of VMLADAVA.S8 dot products (1x1 convolutions stage row pairs
  in scratch so they may run in place); other CONV_2D as im2col from a ring of padded input rows + GEMM;
* DEPTHWISE_CONV_2D with depth multiplier 1 four channels per int32 vector over channel-block-major row
  buffers (3x3 in assembly); with one input channel (any multiplier) as the im2col convolution;
* same-shape ADD / SUB through per-input rescale tables (VLDRW gathers); AVERAGE_POOL_2D four channels per
  vector; MAX_POOL_2D sixteen channels per vector (VMAX). int16x8 variants: mve_variants_s16.py.

Each declares where its output may overlap its input (`output_below_input`, edgeq.plan.overlap) from its
kernel's read/write order (`row_stream_gap`, `gemm_output_gap`, `staged_output_gap`).

They apply only when the build says the core has MVE (`isa_enabled("mve")`, from `BuildTarget.isa_features`);
elsewhere they return None and the packed DSP variants / reference kernels run. Registered `first=True`, so on
an MVE core they are tried before the packed variants.

Quantization is folded exactly as for the packed variants (`dsp_variants.packed_quant`: input zero point into
the bias modulo 2^32, per-channel fast triples only where the SMMULR form is exact, the full-range form
elsewhere); here the triples are transposed per block of four channels so the kernel requantizes four
channels with vector instructions (VQRDMULH equals SMMULR(2 * acc, m) under the same conditions), and the
fast form's shift is stored negated so its sign tells the two forms apart per lane.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, isa_enabled, register_variant
from edgeq.codegen.ops import conv as conv_ops
from edgeq.codegen.ops import fully_connected as fc_ops
from edgeq.codegen.ops import elementwise, pool
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import RQ_EXACT, PackedQuant, exact_notes, packed_quant
from edgeq.codegen.ops.elementwise_variants import _output_triple, _table

_ROW = "mve/edgeq_gemm_row_mve_s8.c"


def round_up(n: int, multiple: int) -> int:
    return (n + multiple - 1) // multiple * multiple


def pack_mve_gemm(w: np.ndarray) -> np.ndarray:
    """[N][K] int8 → blocks of 4 channels, chunks of 16 depths, 4 x 16 bytes per chunk (edgeq_kernels_mve.h)."""
    n, k = w.shape
    padded = np.zeros((round_up(n, 4), round_up(k, 16)), dtype=np.int64)
    padded[:n, :k] = w
    blocks = padded.reshape(padded.shape[0] // 4, 4, padded.shape[1] // 16, 16).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(blocks).reshape(-1).astype(np.int8)


def mve_requant(quant: PackedQuant) -> np.ndarray:
    """The packed triples (m, r | RQ_EXACT + shift, offset) → per block of 4: 4 m, 4 shift words, 4 offsets,
    with the fast form's r negated (shift word < 0) and the full-range form's kept (> 0)."""
    triples = quant.requant.reshape(-1, 3).copy()
    fast = triples[:, 1] < RQ_EXACT - 31
    triples[fast, 1] = -triples[fast, 1]
    return np.ascontiguousarray(triples.reshape(-1, 4, 3).transpose(0, 2, 1)).reshape(-1)


def gemm_struct(ctx: OpContext, w2d: np.ndarray, quant: PackedQuant) -> tuple[str, tuple]:
    arrays = (ctx.const_array("mve_w", "int8_t", pack_mve_gemm(w2d)),
              ctx.const_array("mve_bias", "int32_t", quant.bias),
              ctx.const_array("mve_requant", "int32_t", mve_requant(quant)))
    text = struct("edgeq_mve_gemm_s8_t", "gemm", {
        "channels": w2d.shape[0], "depth": w2d.shape[1], "act_min": quant.act_min, "act_max": quant.act_max,
        "exact_channels": int(bool(quant.exact_channels)),
        "weights": arrays[0].name, "bias": arrays[1].name, "requant": arrays[2].name})
    return text, arrays


def gemm_output_gap(rows: int, depth: int, channels: int) -> int:
    """Bytes edgeq_gemm_mve_s8's output must start below its input to overlap it (edgeq.plan.overlap;
    negative: it may start that far above). Rows go two at a time (the last one alone); each block of four
    channels reads the pair's rows again and then writes its outputs. So every block but the last must write
    before the pair's first input row (its outputs end at row end - 1, byte `last_block`), and the last block
    before the next pair's rows."""
    last_block = (channels - 1) // 4 * 4
    needs = []
    for r in range(0, rows, 2):
        end = min(r + 2, rows)
        if last_block:
            needs.append((end - 1) * channels + last_block - r * depth)
        if end < rows:
            needs.append(end * channels - end * depth)
    return max(needs, default=-rows * depth)


def row_stream_gap(geom: dict[str, int]) -> int | None:
    """The same for the ring kernels (edgeq_depthwise_mve_s8, edgeq_conv2d_mve_s8) with dilation_h 1: input rows
    are loaded in order, each once, and output row oy of batch b is written after the rows up to
    oy * stride_h - pad_top + filter_h - 1 are, so its end must not pass the first input row still to load.
    With dilation_h > 1 a row can be loaded again (its slot shared): None, never overlapped."""
    if geom["dilation_h"] != 1:
        return None
    in_row, out_row = geom["input_w"] * geom["input_c"], geom["output_w"] * geom["output_c"]
    batches, in_h, out_h = geom["batches"], geom["input_h"], geom["output_h"]
    gap = None
    for b in range(batches):
        for oy in range(out_h):
            loaded = max(0, min(oy * geom["stride_h"] - geom["pad_top"] + geom["filter_h"], in_h))
            if b == batches - 1 and loaded == in_h:
                break  # nothing left to read
            need = (b * out_h + oy + 1) * out_row - (b * in_h + loaded) * in_row
            gap = need if gap is None else max(gap, need)
    return -batches * in_h * in_row if gap is None else gap


def overlap_fields(ctx: OpContext, gap: int | None) -> dict:
    """KernelCall's inplace / output_below_input for a kernel whose output may start `gap` bytes below its
    input (in place when the shapes match and it may start at the input)."""
    same = tuple(ctx.input(0).shape) == tuple(ctx.output().shape)
    return {"inplace": same and gap is not None and gap <= 0, "output_below_input": gap}


def staged_output_gap(rows: int, depth: int, channels: int) -> int:
    """The gap for edgeq_gemm_staged_mve_s8: a pair's rows are in scratch before its outputs are written, so
    output rows up to `end` must end before the next pair's input rows."""
    return max(min(r + 2, rows) * (channels - depth) for r in range(0, rows, 2))


def gemm_rows(ctx: OpContext, w2d: np.ndarray, rows: int) -> KernelCall | Declined:
    """Rows straight from the input, or (several rows, output rows no longer than the input's: a 1x1
    convolution that may run in place) staged pairwise in scratch."""
    quant = packed_quant(ctx, w2d)
    if isinstance(quant, Declined):
        return Declined("mve", quant.reason)
    text, arrays = gemm_struct(ctx, w2d, quant)
    channels, depth = w2d.shape
    if rows >= 2 and channels <= depth:
        return KernelCall(
            statements=(text, f"edgeq_gemm_staged_mve_s8(&gemm, {rows}, {ctx.input_ptr(0)}, {ctx.output_ptr()}, "
                              f"{ctx.scratch_ptr()});"),
            kernels=("mve/edgeq_gemm_staged_mve_s8.c", _ROW),
            arrays=arrays,
            scratch_bytes=round_up(2 * depth, 16),  # edgeq_gemm_staged_mve_s8_scratch_size
            declined=exact_notes(quant),
            **overlap_fields(ctx, staged_output_gap(rows, depth, channels)),
        )
    return KernelCall(
        statements=(text, f"edgeq_gemm_mve_s8(&gemm, {rows}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=("mve/edgeq_gemm_mve_s8.c", _ROW),
        arrays=arrays,
        declined=exact_notes(quant),
        **overlap_fields(ctx, gemm_output_gap(rows, depth, channels)),
    )


@register_variant("FULLY_CONNECTED", "int8", first=True)
def fully_connected_mve(ctx: OpContext) -> KernelCall | Declined | None:
    if not isa_enabled("mve"):
        return None
    geom = fc_ops._geometry(ctx)
    w2d = ctx.input(1).data.astype(np.int64).reshape(geom["output_c"], geom["depth"])
    return gemm_rows(ctx, w2d, geom["batches"])


@register_variant("CONV_2D", "int8", first=True)
def conv_mve(ctx: OpContext) -> KernelCall | Declined | None:
    """1x1 stride-1 same-size convolutions as a GEMM over the pixels, every other one as im2col + GEMM."""
    if not isa_enabled("mve"):
        return None
    geom = conv_ops._geometry(ctx, depthwise=False)
    data = ctx.input(1).data.astype(np.int64)
    w2d = data.reshape(data.shape[0], -1)
    if (geom["filter_h"], geom["filter_w"], geom["stride_h"], geom["stride_w"]) == (1, 1, 1, 1) and \
            (geom["output_h"], geom["output_w"]) == (geom["input_h"], geom["input_w"]):
        return gemm_rows(ctx, w2d, geom["batches"] * geom["input_h"] * geom["input_w"])
    return im2col_call(ctx, geom, w2d)


def im2col_call(ctx: OpContext, geom: dict[str, int], w2d: np.ndarray) -> KernelCall | Declined:
    """edgeq_conv2d_mve_s8 for weights [output channels][filter_h * filter_w * input_c] (the window order)."""
    quant = packed_quant(ctx, w2d)
    if isinstance(quant, Declined):
        return Declined("mve", quant.reason)
    text, arrays = gemm_struct(ctx, w2d, quant)
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            text,
            f"edgeq_conv2d_mve_s8(&geom, &gemm, {quant.input_zero_point}, {ctx.input_ptr(0)}, "
            f"{ctx.output_ptr()}, {ctx.scratch_ptr()});",
        ),
        kernels=("mve/edgeq_conv2d_mve_s8.c", _ROW),
        arrays=arrays,
        scratch_bytes=conv_scratch_bytes(geom),
        declined=exact_notes(quant),
        **overlap_fields(ctx, row_stream_gap(geom)),
    )


def conv_scratch_bytes(geom: dict[str, int]) -> int:
    """edgeq_conv2d_mve_s8_scratch_size: two windows, span + 1 padded input rows (span: the rows the output rows
    of one pixel pair read, two output rows where the output width is odd), a tag per image row slot and a
    table of filter_h row pointers per output row of a pair."""
    window = round_up(geom["filter_h"] * geom["filter_w"] * geom["input_c"], 16)
    cols = (geom["output_w"] - 1) * geom["stride_w"] + (geom["filter_w"] - 1) * geom["dilation_w"] + 1
    tables = 1 + geom["output_w"] % 2
    span = (geom["filter_h"] - 1) * geom["dilation_h"] + 1 + (tables - 1) * geom["stride_h"]
    return 2 * window + (span + 1) * round_up(cols * geom["input_c"], 4) + 4 * span + 4 * tables * geom["filter_h"]


def depthwise_scratch_bytes(geom: dict[str, int]) -> int:
    """edgeq_depthwise_mve_s8_scratch_size: filter_h slots of one input row each, in channel-block-major order
    (the columns one output row reads, channels rounded up to 4), then one int32 tag per slot."""
    cols = (geom["output_w"] - 1) * geom["stride_w"] + (geom["filter_w"] - 1) * geom["dilation_w"] + 1
    return round_up(geom["filter_h"] * (cols * round_up(geom["input_c"], 4) + 4), 16)


@register_variant("DEPTHWISE_CONV_2D", "int8", first=True)
def depthwise_mve(ctx: OpContext) -> KernelCall | Declined | None:
    if not isa_enabled("mve"):
        return None
    geom = conv_ops._geometry(ctx, depthwise=True)
    if geom["input_c"] == 1:
        # One input channel: the depth multiplier m is m filters over a one-channel window, a convolution.
        data = ctx.input(1).data.astype(np.int64)
        return im2col_call(ctx, geom, data.reshape(-1, geom["output_c"]).T)
    if geom["depth_multiplier"] != 1:
        return Declined("mve", f"depth multiplier {geom['depth_multiplier']}")
    channels = geom["output_c"]
    taps = ctx.input(1).data.astype(np.int64).reshape(-1, channels)  # [filter_h * filter_w][channels]
    quant = packed_quant(ctx, taps.T)
    if isinstance(quant, Declined):
        return Declined("mve", quant.reason)
    padded = np.zeros((taps.shape[0], round_up(channels, 4)), dtype=np.int64)
    padded[:, :channels] = taps
    blocks = padded.reshape(taps.shape[0], -1, 4).transpose(1, 0, 2)  # [channel block][tap][4]
    # per block of 4 channels: its 12 requantization words, then its 4 biases (one pointer for the kernel)
    words = np.concatenate([mve_requant(quant).reshape(-1, 12), quant.bias.reshape(-1, 4)], axis=1)
    arrays = (ctx.const_array("mve_w", "int8_t", np.ascontiguousarray(blocks).reshape(-1)),
              ctx.const_array("mve_requant", "int32_t", words.reshape(-1)))
    text = struct("edgeq_mve_gemm_s8_t", "dw", {
        "channels": channels, "depth": taps.shape[0], "act_min": quant.act_min, "act_max": quant.act_max,
        "exact_channels": int(bool(quant.exact_channels)),
        "weights": arrays[0].name, "bias": "0", "requant": arrays[1].name})
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            text,
            f"edgeq_depthwise_mve_s8(&geom, &dw, {quant.input_zero_point}, {ctx.input_ptr(0)}, {ctx.output_ptr()}, "
            f"{ctx.scratch_ptr()});",
        ),
        kernels=("mve/edgeq_depthwise_mve_s8.c",),
        arrays=arrays,
        scratch_bytes=depthwise_scratch_bytes(geom),
        declined=exact_notes(quant),
        **overlap_fields(ctx, row_stream_gap(geom)),
    )


def add_lut_mve(ctx: OpContext, subtract: bool) -> KernelCall | None:
    """Same-shape int8 ADD / SUB: elementwise_variants' per-input tables, rotated so the unsigned input byte
    indexes them, and its output triple replicated into the four-lane requantization words. Broadcasting
    operands are left to the LUT variant."""
    if not isa_enabled("mve"):
        return None
    shape = tuple(ctx.output().shape)
    if not tuple(ctx.input(0).shape) == tuple(ctx.input(1).shape) == shape:
        return None
    params = elementwise.add_sub_constants(ctx, single_precision=subtract)
    tables = [_table(params[f"input{k}_offset"], params["left_shift"], params[f"input{k}_multiplier"],
                     params[f"input{k}_shift"], negate=subtract and k == 2) for k in (1, 2)]
    triple = np.array(_output_triple(params["output_multiplier"], params["output_shift"],
                                     params["output_zero_point"], *tables), dtype=np.int64)
    words = mve_requant(PackedQuant(np.zeros(4, dtype=np.int64), np.tile(triple, 4), (), (), (), 0, 0, 0))
    arrays = (ctx.const_array("table1", "int32_t", np.roll(tables[0], 128)),  # [u] = table[(int8)u + 128]
              ctx.const_array("table2", "int32_t", np.roll(tables[1], 128)),
              ctx.const_array("requant", "int32_t", words))
    text = struct("edgeq_add_lut_mve_s8_t", "lut", {
        "elements": ctx.output().num_elements, "act_min": params["act_min"], "act_max": params["act_max"],
        "exact": int(triple[1] >= RQ_EXACT - 31),
        "table1": arrays[0].name, "table2": arrays[1].name, "requant": arrays[2].name})
    a, arrays_a = elementwise._operand(ctx, 0)
    b, arrays_b = elementwise._operand(ctx, 1)
    return KernelCall(
        statements=(text, f"edgeq_add_lut_mve_s8(&lut, {a}, {b}, {ctx.output_ptr()});"),
        kernels=("mve/edgeq_add_lut_mve_s8.c",),
        arrays=arrays + arrays_a + arrays_b,
        output_bytes=ctx.output().num_elements,
    )


@register_variant("ADD", "int8", first=True)
def add_mve(ctx: OpContext) -> KernelCall | None:
    return add_lut_mve(ctx, subtract=False)


@register_variant("SUB", "int8", first=True)
def sub_mve(ctx: OpContext) -> KernelCall | None:
    return add_lut_mve(ctx, subtract=True)


@register_variant("AVERAGE_POOL_2D", "int8", first=True)
def avgpool_mve(ctx: OpContext) -> KernelCall | None:
    """pool.py's call on the Helium kernel (same contract; pool.py refuses what neither kernel runs)."""
    if not isa_enabled("mve"):
        return None
    call = pool._emit_s8(ctx, "edgeq_avgpool_mve_s8")
    return dataclasses.replace(call, kernels=("mve/edgeq_avgpool_mve_s8.c",))


@register_variant("MAX_POOL_2D", "int8", first=True)
def maxpool_mve(ctx: OpContext) -> KernelCall | None:
    """pool.py's call on the Helium kernel (edgeq_maxpool_s8's contract, sixteen channels per vector)."""
    if not isa_enabled("mve"):
        return None
    call = pool._emit_s8(ctx, "edgeq_maxpool_mve_s8")
    return dataclasses.replace(call, kernels=("mve/edgeq_maxpool_mve_s8.c",))
