"""RESIZE_NEAREST_NEIGHBOR (int8, int16, float32) and RESIZE_BILINEAR (int8, float32).

Both resizes compute their coordinates at generation time with TFLite Micro's formulas, in the same
arithmetic: nearest rows/columns in float32 (GetNearestNeighbor: floor, or round half away from zero with
align_corners), bilinear taps in float32 for float models (ComputeInterpolationValues) and in 1/1024 fixed
point for int8 (ComputeInterpolationValuesInteger, C's truncating division). Nearest is then a plain
index-map copy (movement.copy_map); bilinear has its own kernels taking the taps as const tables.
TFLite Micro has no int16 RESIZE_BILINEAR (its kernel rejects int16 at invoke), so neither does edgeq.
The output size must be a constant tensor, as TFLite Micro requires.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import c_float
from edgeq.codegen.ops.movement import Axis, constant_ints, copy_map, row_major_strides
from edgeq.ir import Tensor

_F32 = np.float32


def _geometry(ctx: OpContext) -> tuple[Tensor, Tensor, tuple[int, int, int, int], int, int, bool, bool]:
    source, out = ctx.input(0), ctx.output()
    if source.dtype != out.dtype:
        raise ctx.fail(f"{ctx.op.opcode} from {source.dtype} to {out.dtype} is not supported")
    if len(source.shape) != 4 or len(out.shape) != 4:
        raise ctx.fail(f"{ctx.op.opcode} needs 4-D NHWC tensors, got {source.shape} -> {out.shape}")
    size = constant_ints(ctx, 1, "the output size")
    if size.size != 2 or tuple(int(v) for v in size) != tuple(out.shape[1:3]) or \
            out.shape[0] != source.shape[0] or out.shape[3] != source.shape[3]:
        raise ctx.fail(f"output size {size.tolist()} does not match the output tensor {out.shape}")
    align, half = bool(ctx.option("align_corners", False)), bool(ctx.option("half_pixel_centers", False))
    if align and half:
        raise ctx.fail("align_corners and half_pixel_centers together are invalid (TFLite Micro refuses them)")
    n, h, w, c = (int(v) for v in source.shape)
    return source, out, (n, h, w, c), int(size[0]), int(size[1]), align, half


def _round_half_away(value: np.float32) -> int:
    whole = float(np.trunc(value))
    return int(whole + np.sign(value)) if abs(float(value) - whole) >= 0.5 else int(whole)


def nearest_indices(in_size: int, out_size: int, align: bool, half: bool) -> np.ndarray:
    """TFLite's GetNearestNeighbor for every output index, in float32 like the C++."""
    if align and out_size > 1:
        scale = _F32(in_size - 1) / _F32(out_size - 1)
    else:
        scale = _F32(in_size) / _F32(out_size)
    offset = _F32(0.5 if half else 0.0)
    indices = []
    for i in range(out_size):
        scaled = (_F32(i) + offset) * scale
        value = _round_half_away(scaled) if align else int(np.floor(scaled))
        value = min(value, in_size - 1)
        indices.append(max(value, 0) if half else value)
    return np.asarray(indices, dtype=np.int64)


def _resize_nearest(ctx: OpContext) -> KernelCall:
    source, _, (n, h, w, c), out_h, out_w, align, half = _geometry(ctx)
    strides = row_major_strides(source.shape)
    axes = [Axis.strided(0, n, strides[0]), Axis(nearest_indices(h, out_h, align, half) * strides[1]),
            Axis(nearest_indices(w, out_w, align, half) * strides[2]), Axis.strided(0, c, 1)]
    statements, arrays, kind = copy_map(ctx, "map", axes, source, ctx.input_ptr(0), ctx.output_ptr())
    if source.is_constant:
        arrays.append(ctx.weights(0))
    return KernelCall(statements=tuple(statements), kernels=(kernel(f"edgeq_copy_map_{kind}"),),
                      arrays=tuple(arrays))


def _c_div(a: int, b: int) -> int:
    """C's integer division (truncates toward zero), b > 0."""
    return a // b if a >= 0 else -((-a) // b)


def integer_taps(in_size: int, out_size: int, align: bool, half: bool) -> list[tuple[int, int, int]]:
    """(lower, upper, weight of upper in 1/1024) per output index: ComputeInterpolationValuesInteger."""
    if align and out_size > 1:
        scale = ((1 << 10) * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    else:
        scale = ((1 << 10) * in_size + out_size // 2) // out_size
    taps = []
    for i in range(out_size):
        scaled = i * scale + scale // 2 - (1 << 9) if half else i * scale
        lower = max(_c_div(scaled, 1 << 10), 0)
        upper = min(_c_div(scaled + (1 << 10) - 1, 1 << 10), in_size - 1)
        taps.append((lower, upper, scaled - (1 << 10) * lower))
    return taps


def float_taps(in_size: int, out_size: int, align: bool, half: bool) -> list[tuple[int, int, np.float32]]:
    """(lower, upper, scaled - lower) per output index in float32: ComputeInterpolationValues."""
    scale = _F32(in_size) / _F32(out_size)
    if align and out_size > 1:
        scale = _F32(in_size - 1) / _F32(out_size - 1)
    taps = []
    for i in range(out_size):
        scaled = (_F32(i) + _F32(0.5)) * scale - _F32(0.5) if half else _F32(i) * scale
        lower = max(int(np.floor(scaled)), 0)
        upper = min(int(np.ceil(scaled)), in_size - 1)
        taps.append((lower, upper, _F32(scaled - _F32(lower))))
    return taps


def _resize_bilinear(ctx: OpContext) -> KernelCall:
    source, _, (n, h, w, c), out_h, out_w, align, half = _geometry(ctx)
    geom = (f"static const edgeq_resize_geom_t geom = {{.batches = {n}, .input_h = {h}, .input_w = {w}, "
            f".depth = {c}, .output_h = {out_h}, .output_w = {out_w}}};")
    if source.dtype == "float32":
        tap_type, name = "edgeq_resize_tap_f32_t", "edgeq_resize_bilinear_f32"
        render = lambda t: f"{{{t[0]}, {t[1]}, {c_float(t[2])}}}"  # noqa: E731
        rows, cols = float_taps(h, out_h, align, half), float_taps(w, out_w, align, half)
    else:
        tap_type, name = "edgeq_resize_tap_t", "edgeq_resize_bilinear_s8"
        render = lambda t: "{" + ", ".join(str(v) for v in t) + "}"  # noqa: E731
        rows, cols = integer_taps(h, out_h, align, half), integer_taps(w, out_w, align, half)
    tables = [f"static const {tap_type} {label}[{len(taps)}] = {{{', '.join(render(t) for t in taps)}}};"
              for label, taps in (("rows", rows), ("cols", cols))]
    return KernelCall(
        statements=(geom, *tables, f"{name}(&geom, rows, cols, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        arrays=(ctx.weights(0),) if source.is_constant else (),
    )


for _dtype in ("int8", "int16", "float32"):
    register("RESIZE_NEAREST_NEIGHBOR", _dtype)(_resize_nearest)
for _dtype in ("int8", "float32"):
    register("RESIZE_BILINEAR", _dtype)(_resize_bilinear)
