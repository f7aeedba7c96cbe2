"""BATCH_MATMUL: int8, int16 (zero points 0, int64 accumulator) and float32 (kernels: edgeq_kernels_math.h).

output[b] = lhs[b] @ rhs[b] over up to three batch dimensions, broadcast where one side has 1 (TFLM extends
both shapes to rank 5). The kernels read both operands with the accumulation index k contiguous, so:
a constant operand is transposed here, at generation time, when adj_x / adj_y leave k strided; an
activation operand in that case is transposed into the op's scratch buffer first (as TFLM does into its
own scratch). Requantization as TFLM's Prepare (GetQuantizedConvolutionMultipler): s_lhs * s_rhs in
float32, divided by s_out in double; both zero points enter as offsets inside the product, as in TFLM's
reference kernel (a constant right-hand side may be asymmetric).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, c_type, kernel, register
from edgeq.codegen.ops.common import scalar_quant, struct
from edgeq.codegen.quantize import f32, quantize_multiplier

_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32"}
_RANGE = {"int8": (-128, 127), "int16": (-32768, 32767)}
BATCH_DIMS = 3


def _batch(shape: tuple[int, ...]) -> list[int]:
    return [1] * (BATCH_DIMS - (len(shape) - 2)) + [int(d) for d in shape[:-2]]


def _strides(batch: list[int], matrix: int) -> list[int]:
    """TFLM's extent(): elements to the next matrix along each batch dim, 0 where the dim is broadcast."""
    return [0 if batch[t] == 1 else int(np.prod(batch[t + 1:], dtype=np.int64)) * matrix for t in range(BATCH_DIMS)]


def _operand(ctx: OpContext, k: int, transpose: bool, scratch, name: str):
    """(C pointer with k contiguous, const arrays, transpose statement or None, scratch bytes used);
    `scratch()` gives the C address to transpose an activation operand to."""
    tensor = ctx.input(k)
    shape = tuple(tensor.shape)
    matrices = int(np.prod(shape[:-2], dtype=np.int64))
    if tensor.is_constant:
        if not transpose:
            array = ctx.weights(k)
            return array.name, (array,), None, 0
        data = np.asarray(tensor.data).reshape(matrices, shape[-2], shape[-1]).swapaxes(1, 2)
        array = ctx.const_array(name, c_type(tensor.dtype), data)
        return array.name, (array,), None, 0
    if not transpose:
        return ctx.input_ptr(k), (), None, 0
    size = np.dtype(tensor.dtype).itemsize
    pointer = f"(({c_type(tensor.dtype)} *){scratch()})"
    statement = (f"edgeq_matrix_transpose({matrices}, {shape[-2]}, {shape[-1]}, {size}, {ctx.input_ptr(k)}, "
                 f"{pointer});")
    return pointer, (), statement, tensor.num_elements * size


def _call(ctx: OpContext, dtype: str) -> KernelCall:
    lhs, rhs, out = ctx.input(0), ctx.input(1), ctx.output()
    for tensor in (lhs, rhs, out):
        if tensor.dtype != dtype:
            raise ctx.fail(f"BATCH_MATMUL mixes {tensor.dtype} with {dtype} tensors (one type expected)")
    if not 2 <= len(lhs.shape) <= 5 or not 2 <= len(rhs.shape) <= 5:
        raise ctx.fail("BATCH_MATMUL operands need 2 to 5 dimensions (TFLite Micro's limit)")
    adj_x, adj_y = bool(ctx.option("adj_x", False)), bool(ctx.option("adj_y", False))
    rows, depth = (lhs.shape[-1], lhs.shape[-2]) if adj_x else (lhs.shape[-2], lhs.shape[-1])
    rhs_depth, cols = (rhs.shape[-1], rhs.shape[-2]) if adj_y else (rhs.shape[-2], rhs.shape[-1])
    if depth != rhs_depth:
        raise ctx.fail(f"operands {lhs.shape} and {rhs.shape} do not multiply (adj_x={adj_x}, adj_y={adj_y})")
    lhs_batch, rhs_batch = _batch(lhs.shape), _batch(rhs.shape)
    batch = []
    for a, b in zip(lhs_batch, rhs_batch):
        if a != b and 1 not in (a, b):
            raise ctx.fail(f"batch dimensions of {lhs.shape} and {rhs.shape} do not broadcast")
        batch.append(max(a, b))
    if int(np.prod(batch, dtype=np.int64)) * rows * cols != out.num_elements:
        raise ctx.fail(f"output {out.shape} does not match the product's shape")

    # The op's scratch (asked for only when an activation operand needs transposing): LHS first, RHS after it.
    lhs_ptr, lhs_arrays, lhs_move, lhs_bytes = _operand(ctx, 0, adj_x, ctx.scratch_ptr, "lhs_t")
    rhs_offset = (lhs_bytes + 15) // 16 * 16
    rhs_ptr, rhs_arrays, rhs_move, rhs_bytes = _operand(
        ctx, 1, not adj_y, lambda: f"((void *)((uint8_t *){ctx.scratch_ptr()} + {rhs_offset}))", "rhs_t")
    geom = struct("edgeq_bmm_geom_t", "geom", {
        "batch_dims": _c_array(batch),
        "lhs_batch_strides": _c_array(_strides(lhs_batch, rows * depth)),
        "rhs_batch_strides": _c_array(_strides(rhs_batch, cols * depth)),
        "rows": rows, "cols": cols, "depth": depth})
    name = f"edgeq_batch_matmul_{_SUFFIX[dtype]}"
    statements = [geom] + [s for s in (lhs_move, rhs_move) if s]
    if dtype == "float32":
        statements.append(f"{name}(&geom, {lhs_ptr}, {rhs_ptr}, {ctx.output_ptr()});")
    else:
        statements += [_quant(ctx, dtype), f"{name}(&geom, &quant, {lhs_ptr}, {rhs_ptr}, {ctx.output_ptr()});"]
    moves = (kernel("edgeq_matrix_transpose"),) if lhs_move or rhs_move else ()
    return KernelCall(statements=tuple(statements), kernels=(kernel(name),) + moves,
                      arrays=lhs_arrays + rhs_arrays,
                      scratch_bytes=rhs_offset + rhs_bytes if rhs_bytes else lhs_bytes)


def _c_array(values: list[int]) -> str:
    return "{" + ", ".join(str(int(v)) for v in values) + "}"


def _quant(ctx: OpContext, dtype: str) -> str:
    (ls, lz), (rs, rz), (os_, oz) = (scalar_quant(ctx, t) for t in (ctx.input(0), ctx.input(1), ctx.output()))
    if dtype == "int16" and (lz or rz or oz):
        raise ctx.fail("int16 BATCH_MATMUL with a non-zero zero point (TFLite's int16 activations are symmetric)",
                       "re-convert with `edgeq convert --mode int16x8`")
    multiplier, shift = quantize_multiplier(float(f32(ls) * f32(rs)) / float(os_))
    if dtype == "int16" and shift > 7:
        raise ctx.fail("requantization factor above 2^7 (TFLite's int16 kernels shift left by at most 7)")
    low, high = _RANGE[dtype]
    return struct("edgeq_bmm_quant_t", "quant", {
        "lhs_offset": -lz, "rhs_offset": -rz, "output_zero_point": oz, "multiplier": multiplier, "shift": shift,
        "act_min": low, "act_max": high})


@register("BATCH_MATMUL", "int8")
def emit_s8(ctx: OpContext) -> KernelCall:
    return _call(ctx, "int8")


@register("BATCH_MATMUL", "int16")
def emit_s16(ctx: OpContext) -> KernelCall:
    return _call(ctx, "int16")


@register("BATCH_MATMUL", "float32")
def emit_f32(ctx: OpContext) -> KernelCall:
    return _call(ctx, "float32")
