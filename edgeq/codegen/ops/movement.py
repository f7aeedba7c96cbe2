"""Data movement as index maps: STRIDED_SLICE, SLICE, SPLIT, SPLIT_V, UNPACK, TRANSPOSE, BROADCAST_TO,
DEPTH_TO_SPACE, SPACE_TO_DEPTH (one copy kernel per element width), plus PACK (the CONCATENATION kernels)
and GATHER (its own kernel: coordinates may arrive at runtime).

Each copy operator is described at generation time as `output[i0..in] = input[sum_d offsets_d[i_d]]`,
one offset array per output dimension (`Axis`), which `copy_map` then simplifies: size-1 dimensions fold
into the base offset, arithmetic progressions become strides, neighbours that are contiguous merge, and
what remains irregular (a resize's nearest rows) stays a table. The kernel sees at most six dimensions and
copies whole rows when the last one is contiguous. Shapes and indices come from constant tensors only;
TFLite Micro, like these kernels, never requantizes: quantization parameters pass through unchanged.
Semantics follow TFLite Micro's reference kernels (strided_slice_logic.h, gather.cc, ...), which the zoo
checks element for element.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import ConstArray, KernelCall, OpContext, c_type, kernel, register
from edgeq.ir import Tensor
from edgeq.ir.fold import strided_indices

MAX_DIMS = 6
#: Copy kernels by element width: bit patterns, so float32 and int32 share one.
_WIDTH = {"int8": "x8", "uint8": "x8", "int16": "x16", "int32": "x32", "float32": "x32"}
_WIDTH_CTYPE = {"x8": "int8_t", "x16": "int16_t", "x32": "void"}


@dataclass(frozen=True)
class Axis:
    """One output dimension: the input element offset contributed by each of its indices."""

    offsets: np.ndarray

    @classmethod
    def strided(cls, start: int, count: int, step: int) -> "Axis":
        return cls(start + step * np.arange(count, dtype=np.int64))


def row_major_strides(shape) -> list[int]:
    strides, acc = [], 1
    for size in reversed(list(shape)):
        strides.append(acc)
        acc *= int(size)
    return strides[::-1]


def constant_ints(ctx: OpContext, k: int, what: str) -> np.ndarray:
    """Constant input k as int64 values; refuses a runtime tensor (shapes and indices are compile-time)."""
    tensor = ctx.input(k)
    if tensor is None or not tensor.is_constant:
        raise ctx.fail(f"{what} must be a constant tensor (edgeq fixes shapes and indices at generation time)",
                       "re-convert the model with static shapes")
    if tensor.dtype not in ("int32", "int64", "int16", "int8"):
        raise ctx.fail(f"{what} of type {tensor.dtype} is not supported (int32 expected)")
    return np.asarray(tensor.data, dtype=np.int64).reshape(-1)


def width(ctx: OpContext, tensor: Tensor) -> str:
    if tensor.dtype not in _WIDTH:
        raise ctx.fail(f"{tensor.dtype} tensors are not supported by {ctx.op.opcode}")
    return _WIDTH[tensor.dtype]


def _simplify(axes: list[Axis]) -> tuple[int, list[tuple[int, int, np.ndarray | None]]]:
    """(base offset, [(size, stride, table or None)]) with unit dims folded and contiguous neighbours merged."""
    base = 0
    dims: list[tuple[int, int, np.ndarray | None]] = []
    for axis in axes:
        offsets = axis.offsets
        if offsets.size == 1:
            base += int(offsets[0])
            continue
        steps = np.diff(offsets)
        if np.all(steps == steps[0]):
            base += int(offsets[0])
            dims.append((int(offsets.size), int(steps[0]), None))
        else:
            dims.append((int(offsets.size), 0, offsets))
    merged: list[tuple[int, int, np.ndarray | None]] = []
    for size, stride, table in dims:
        if merged and table is None and merged[-1][2] is None and merged[-1][1] == stride * size:
            outer_size = merged[-1][0]
            merged[-1] = (outer_size * size, stride, None)
        else:
            merged.append((size, stride, table))
    return base, merged


def copy_map(ctx: OpContext, name: str, axes: list[Axis], source: Tensor, input_ptr: str, output_ptr: str,
             ) -> tuple[list[str], list[ConstArray], str]:
    """Statements (and tables) copying `source` through the index map `axes` into the output pointer."""
    kind = width(ctx, source)
    sizes = [int(a.offsets.size) for a in axes]
    if any(s == 0 for s in sizes):
        return [f"/* {name}: empty output, nothing to copy */"], [], kind
    base, dims = _simplify(axes)
    if len(dims) > MAX_DIMS:
        raise ctx.fail(f"the copy needs {len(dims)} irreducible dimensions (at most {MAX_DIMS} are supported)")
    low, high = base, base
    for size, stride, table in dims:
        ends = (int(table.min()), int(table.max())) if table is not None else sorted((0, (size - 1) * stride))
        low, high = low + ends[0], high + ends[1]
    if low < 0 or high >= max(source.num_elements, 1) or high >= 2**31:
        raise ctx.fail(f"internal error: index map reads elements {low}..{high} of {source.num_elements}",
                       "please report this model")
    dims = [(1, 0, None)] * (MAX_DIMS - len(dims)) + dims
    arrays, tables = [], []
    for d, (_, _, table) in enumerate(dims):
        if table is None:
            tables.append("NULL")
        else:
            array = ctx.const_array(f"{name}_dim{d}", "int32_t", table)
            arrays.append(array)
            tables.append(array.name)
    braced = lambda values: "{" + ", ".join(str(v) for v in values) + "}"  # noqa: E731
    ctype = _WIDTH_CTYPE[kind]
    if ctype != c_type(source.dtype) and ctype != "void":  # uint8 through the int8 kernel
        input_ptr, output_ptr = f"(const {ctype} *){input_ptr}", f"({ctype} *){output_ptr}"
    statements = [
        f"static const edgeq_copy_map_t {name} = {{{braced(d[0] for d in dims)}, {braced(d[1] for d in dims)}, "
        f"{braced(tables)}, {base}}};",
        f"edgeq_copy_map_{kind}(&{name}, {input_ptr}, {output_ptr});",
    ]
    return statements, arrays, kind


def _single_copy(ctx: OpContext, axes: list[Axis], data_input: int = 0) -> KernelCall:
    source = ctx.input(data_input)
    out = ctx.output()
    _check_output(ctx, axes, out)
    statements, arrays, kind = copy_map(ctx, "map", axes, source, ctx.input_ptr(data_input), ctx.output_ptr())
    if source.is_constant:
        arrays.append(ctx.weights(data_input))
    return KernelCall(statements=tuple(statements), kernels=(kernel(f"edgeq_copy_map_{kind}"),),
                      arrays=tuple(arrays))


def _check_output(ctx: OpContext, axes: list[Axis], out: Tensor) -> None:
    count = int(np.prod([a.offsets.size for a in axes], dtype=np.int64))
    if count != out.num_elements:
        raise ctx.fail(f"the operator selects {count} elements but its output {out.shape} holds "
                       f"{out.num_elements}", "the model's shapes are inconsistent; re-convert it")


def _same_dtype(ctx: OpContext, source: Tensor, outputs) -> None:
    if any(t.dtype != source.dtype for t in outputs):
        raise ctx.fail(f"{ctx.op.opcode} from {source.dtype} to another type is not supported")


# -- STRIDED_SLICE, SLICE -----------------------------------------------------------------------------------

def _strided_slice(ctx: OpContext) -> KernelCall:
    source = ctx.input(0)
    _same_dtype(ctx, source, [ctx.output()])
    if ctx.option("ellipsis_mask", 0) or ctx.option("new_axis_mask", 0):
        raise ctx.fail("STRIDED_SLICE with an ellipsis or new-axis mask is not supported (TFLite Micro ignores "
                       "these masks)", "re-convert the model: the TFLite converter folds them into the indices")
    rank = len(source.shape)
    begin, end, strides = (constant_ints(ctx, k, name) for k, name in ((1, "begin"), (2, "end"), (3, "strides")))
    if not (begin.size == end.size == strides.size == rank):
        raise ctx.fail(f"begin/end/strides hold {begin.size}/{end.size}/{strides.size} values for a rank-{rank} "
                       "input")
    if np.any(strides == 0):
        raise ctx.fail("a stride of 0 is invalid")
    in_strides = row_major_strides(source.shape)
    axes, kept = [], []
    for d in range(rank):
        bit = 1 << d
        shrink = bool(ctx.option("shrink_axis_mask", 0) & bit)
        indices = strided_indices(int(begin[d]), int(end[d]), int(strides[d]), int(source.shape[d]),
                                  bool(ctx.option("begin_mask", 0) & bit), bool(ctx.option("end_mask", 0) & bit),
                                  shrink, bool(ctx.option("offset", False)))
        axes.append(Axis(np.asarray(indices, dtype=np.int64) * in_strides[d]))
        if not shrink:
            kept.append(len(indices))
    if tuple(kept) != tuple(ctx.output().shape):
        raise ctx.fail(f"the slice has shape {tuple(kept)} but the output tensor {ctx.output().shape}")
    return _single_copy(ctx, axes)


def _slice(ctx: OpContext) -> KernelCall:
    source = ctx.input(0)
    _same_dtype(ctx, source, [ctx.output()])
    begin, size = constant_ints(ctx, 1, "begin"), constant_ints(ctx, 2, "size")
    rank = len(source.shape)
    if begin.size != rank or size.size != rank:
        raise ctx.fail(f"begin/size hold {begin.size}/{size.size} values for a rank-{rank} input")
    in_strides = row_major_strides(source.shape)
    axes = []
    for d in range(rank):
        dim, b = int(source.shape[d]), int(begin[d])
        n = dim - b if int(size[d]) == -1 else int(size[d])
        if b < 0 or b > dim or n < 0 or b + n > dim:
            raise ctx.fail(f"slice [{b}, {b + n}) is outside axis {d} of size {dim} (TFLite Micro fails it)")
        axes.append(Axis.strided(b * in_strides[d], n, in_strides[d]))
    return _single_copy(ctx, axes)


# -- SPLIT, SPLIT_V, UNPACK: one copy per output --------------------------------------------------------------

def _pieces(ctx: OpContext, source: Tensor, axis: int, sizes: list[int], keep_axis: bool) -> KernelCall:
    outputs = [ctx.output(k) for k in range(len(ctx.op.outputs))]
    _same_dtype(ctx, source, outputs)
    if len(sizes) != len(outputs) or sum(sizes) != source.shape[axis]:
        raise ctx.fail(f"pieces {sizes} along axis {axis} do not cover {source.shape} with {len(outputs)} outputs")
    in_strides = row_major_strides(source.shape)
    statements, arrays, kinds, start = [], [], set(), 0
    for k, (out, size) in enumerate(zip(outputs, sizes)):
        axes = [Axis.strided(0, int(n), in_strides[d]) for d, n in enumerate(source.shape)]
        axes[axis] = Axis.strided(start * in_strides[axis], size, in_strides[axis])
        _check_output(ctx, axes, out)
        expected = list(source.shape[:axis]) + ([size] if keep_axis else []) + list(source.shape[axis + 1:])
        if list(out.shape) != expected:
            raise ctx.fail(f"output {k} has shape {out.shape}, expected {tuple(expected)}")
        lines, tables, kind = copy_map(ctx, f"map{k}", axes, source, ctx.input_ptr(ctx.op.inputs.index(source.index)),
                                       ctx.output_ptr(k))
        statements += lines
        arrays += tables
        kinds.add(kind)
        start += size
    if source.is_constant:
        arrays.append(ctx.weights(ctx.op.inputs.index(source.index)))
    return KernelCall(statements=tuple(statements), kernels=tuple(kernel(f"edgeq_copy_map_{k}") for k in sorted(kinds)),
                      arrays=tuple(arrays))


def _axis(ctx: OpContext, value: int, rank: int) -> int:
    if not -rank <= value < rank:
        raise ctx.fail(f"axis {value} is out of range for rank {rank}")
    return value % rank


def _split(ctx: OpContext) -> KernelCall:
    source = ctx.input(1)
    axis_values = constant_ints(ctx, 0, "the split axis")
    axis = _axis(ctx, int(axis_values[0]), len(source.shape))
    count = len(ctx.op.outputs)
    if source.shape[axis] % count:
        raise ctx.fail(f"axis {axis} of size {source.shape[axis]} does not split into {count} equal pieces")
    return _pieces(ctx, source, axis, [source.shape[axis] // count] * count, keep_axis=True)


def _split_v(ctx: OpContext) -> KernelCall:
    source = ctx.input(0)
    sizes = [int(v) for v in constant_ints(ctx, 1, "size_splits")]
    axis = _axis(ctx, int(constant_ints(ctx, 2, "the split axis")[0]), len(source.shape))
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = source.shape[axis] - (sum(sizes) + 1)
    return _pieces(ctx, source, axis, sizes, keep_axis=True)


def _unpack(ctx: OpContext) -> KernelCall:
    source = ctx.input(0)
    axis = _axis(ctx, int(ctx.option("axis", 0)), len(source.shape))
    return _pieces(ctx, source, axis, [1] * source.shape[axis], keep_axis=False)


# -- TRANSPOSE, BROADCAST_TO, DEPTH_TO_SPACE, SPACE_TO_DEPTH -------------------------------------------------

def _transpose(ctx: OpContext) -> KernelCall:
    source = ctx.input(0)
    _same_dtype(ctx, source, [ctx.output()])
    rank = len(source.shape)
    perm = [int(p) % rank if rank else 0 for p in constant_ints(ctx, 1, "the permutation")]
    if sorted(perm) != list(range(rank)):
        raise ctx.fail(f"{perm} is not a permutation of {rank} dimensions")
    in_strides = row_major_strides(source.shape)
    axes = [Axis.strided(0, int(source.shape[p]), in_strides[p]) for p in perm]
    if [int(source.shape[p]) for p in perm] != list(ctx.output().shape):
        raise ctx.fail(f"the permuted shape does not match the output {ctx.output().shape}")
    return _single_copy(ctx, axes)


def _broadcast_to(ctx: OpContext) -> KernelCall:
    source, out = ctx.input(0), ctx.output()
    _same_dtype(ctx, source, [out])
    shape = list(out.shape)
    padded = [1] * (len(shape) - len(source.shape)) + list(source.shape)
    if len(padded) != len(shape) or any(s not in (1, o) for s, o in zip(padded, shape)):
        raise ctx.fail(f"cannot broadcast {source.shape} to {out.shape}")
    in_strides = row_major_strides(padded)
    axes = [Axis.strided(0, o, in_strides[d] if s == o else 0) for d, (s, o) in enumerate(zip(padded, shape))]
    return _single_copy(ctx, axes)


def _nhwc(ctx: OpContext, tensor: Tensor) -> tuple[int, int, int, int]:
    if len(tensor.shape) != 4:
        raise ctx.fail(f"{ctx.op.opcode} needs a 4-D NHWC tensor, got shape {tensor.shape}")
    return tuple(int(v) for v in tensor.shape)  # type: ignore[return-value]


def _depth_to_space(ctx: OpContext) -> KernelCall:
    source, out = ctx.input(0), ctx.output()
    _same_dtype(ctx, source, [out])
    n, h, w, c = _nhwc(ctx, source)
    b = int(ctx.option("block_size", 0))
    if b < 1 or c % (b * b) or tuple(out.shape) != (n, h * b, w * b, c // (b * b)):
        raise ctx.fail(f"block size {b} does not map {source.shape} to {out.shape}")
    oc = c // (b * b)
    # Output viewed as [n][h][by][w][bx][oc]: element (by, bx, oc) of input pixel (h, w).
    axes = [Axis.strided(0, n, h * w * c), Axis.strided(0, h, w * c), Axis.strided(0, b, b * oc),
            Axis.strided(0, w, c), Axis.strided(0, b, oc), Axis.strided(0, oc, 1)]
    return _single_copy(ctx, axes)


def _space_to_depth(ctx: OpContext) -> KernelCall:
    source, out = ctx.input(0), ctx.output()
    _same_dtype(ctx, source, [out])
    n, h, w, c = _nhwc(ctx, source)
    b = int(ctx.option("block_size", 0))
    if b < 1 or h % b or w % b or tuple(out.shape) != (n, h // b, w // b, c * b * b):
        raise ctx.fail(f"block size {b} does not map {source.shape} to {out.shape}")
    # Output viewed as [n][h/b][w/b][by][bx][c]: input pixel (y * b + by, x * b + bx).
    axes = [Axis.strided(0, n, h * w * c), Axis.strided(0, h // b, b * w * c), Axis.strided(0, w // b, b * c),
            Axis.strided(0, b, w * c), Axis.strided(0, b, c), Axis.strided(0, c, 1)]
    return _single_copy(ctx, axes)


# -- PACK (CONCATENATION kernels), GATHER ------------------------------------------------------------------------

_CONCAT = {"int8": ("edgeq_concat_s8", "int8_t"), "int16": ("edgeq_concat_s16", "int16_t"),
           "float32": ("edgeq_concat_f32", "float")}


def _pack(ctx: OpContext) -> KernelCall:
    out = ctx.output()
    inputs = [ctx.input(k) for k in range(len(ctx.op.inputs))]
    _same_dtype(ctx, out, inputs)
    if out.dtype not in _CONCAT or any(t.shape != inputs[0].shape for t in inputs):
        raise ctx.fail(f"PACK of {out.dtype} inputs with shapes {[t.shape for t in inputs]} is not supported")
    axis = _axis(ctx, int(ctx.option("axis", 0)), len(out.shape))
    outer = int(np.prod(out.shape[:axis], dtype=np.int64))
    size = int(np.prod(inputs[0].shape[axis:], dtype=np.int64))
    name, ctype = _CONCAT[out.dtype]
    pointers = ", ".join(ctx.input_ptr(k) for k in range(len(inputs)))
    return KernelCall(
        statements=(f"static const {ctype} *const inputs[{len(inputs)}] = {{{pointers}}};",
                    f"static const int32_t sizes[{len(inputs)}] = {{{', '.join([str(size)] * len(inputs))}}};",
                    f"{name}({outer}, {len(inputs)}, inputs, sizes, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        arrays=tuple(ctx.weights(k) for k, t in enumerate(inputs) if t.is_constant),
    )


def _gather(ctx: OpContext) -> KernelCall:
    params, coords, out = ctx.input(0), ctx.input(1), ctx.output()
    _same_dtype(ctx, params, [out])
    if params.dtype not in ("int8", "float32"):
        raise ctx.fail(f"GATHER of {params.dtype} values is not supported (TFLite Micro gathers int8 and float32)")
    if coords.dtype != "int32":
        raise ctx.fail(f"GATHER with {coords.dtype} positions is not supported (TFLite Micro takes int32 only)")
    rank = len(params.shape)
    axis = _axis(ctx, int(ctx.option("axis", 0)), rank)
    batch_dims = int(ctx.option("batch_dims", 0))
    batch_dims = batch_dims + len(coords.shape) if batch_dims < 0 else batch_dims
    if not (0 <= batch_dims <= axis and batch_dims <= len(coords.shape)) or \
            tuple(params.shape[:batch_dims]) != tuple(coords.shape[:batch_dims]):
        raise ctx.fail(f"batch_dims {batch_dims} does not suit params {params.shape} and positions {coords.shape}")
    prod = lambda dims: int(np.prod(dims, dtype=np.int64))  # noqa: E731
    geom = {"batches": prod(params.shape[:batch_dims]), "outer": prod(params.shape[batch_dims:axis]),
            "axis_size": int(params.shape[axis]), "coords": prod(coords.shape[batch_dims:]),
            "inner": prod(params.shape[axis + 1:])}
    expected = list(params.shape[:axis]) + list(coords.shape[batch_dims:]) + list(params.shape[axis + 1:])
    if list(out.shape) != expected:
        raise ctx.fail(f"output shape {out.shape} differs from the gathered shape {tuple(expected)}")
    arrays = [ctx.weights(k) for k, t in enumerate((params, coords)) if t.is_constant]
    if coords.is_constant and np.any((coords.data < 0) | (coords.data >= params.shape[axis])):
        raise ctx.fail(f"a constant position lies outside axis {axis} of size {params.shape[axis]} "
                       "(TFLite Micro fails such an invoke)")
    kind = _WIDTH[params.dtype]
    fields = ", ".join(f".{k} = {v}" for k, v in geom.items())
    return KernelCall(
        statements=(f"static const edgeq_gather_geom_t geom = {{{fields}}};",
                    f"edgeq_gather_{kind}(&geom, {ctx.input_ptr(0)}, {ctx.input_ptr(1)}, {ctx.output_ptr()});"),
        kernels=(kernel(f"edgeq_gather_{kind}"),),
        arrays=tuple(arrays),
    )


def _gather_constant_params(ctx: OpContext) -> KernelCall:
    """The int32 key: a constant table (int8 or float32) read at runtime int32 positions (embeddings)."""
    if not ctx.input(0).is_constant:
        raise ctx.fail("GATHER of int32 values is not supported (TFLite Micro gathers int8 and float32)")
    return _gather(ctx)


_EMITTERS = {
    "STRIDED_SLICE": (_strided_slice, ("int8", "int16", "int32", "float32")),
    "SLICE": (_slice, ("int8", "int16", "float32")),
    "SPLIT": (_split, ("int8", "int16", "float32")),
    "SPLIT_V": (_split_v, ("int8", "int16", "float32")),
    "UNPACK": (_unpack, ("int8", "int16", "float32")),
    "TRANSPOSE": (_transpose, ("int8", "int16", "float32")),
    "BROADCAST_TO": (_broadcast_to, ("int8", "int16", "float32")),
    "DEPTH_TO_SPACE": (_depth_to_space, ("int8", "float32")),
    "SPACE_TO_DEPTH": (_space_to_depth, ("int8", "float32")),
    "PACK": (_pack, ("int8", "int16", "float32")),
    "GATHER": (_gather, ("int8", "float32")),
}

for _opcode, (_emit, _dtypes) in _EMITTERS.items():
    for _dtype in _dtypes:
        register(_opcode, _dtype)(_emit)
register("GATHER", "int32")(_gather_constant_params)

__all__ = ["MAX_DIMS", "Axis", "constant_ints", "copy_map", "row_major_strides"]
