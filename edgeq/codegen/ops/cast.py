"""CAST between int8, int16, int32 and float32, element by element as TFLite Micro's static_cast: integer
to float rounds to nearest, float to integer truncates toward zero, narrowing wraps. (TFLite Micro has no
uint8 or bool CAST: its kernel fails the invoke, so edgeq refuses them.)
The kernels (edgeq_cast_<source>.c) take the destination type as an enum, one loop per destination."""
from __future__ import annotations

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register

_CAST_SOURCE = {"int8": "s8", "int16": "s16", "int32": "s32", "float32": "f32"}
_CAST_TARGET = {"int8": "EDGEQ_CAST_TO_INT8", "int16": "EDGEQ_CAST_TO_INT16", "int32": "EDGEQ_CAST_TO_INT32",
                "float32": "EDGEQ_CAST_TO_FLOAT32"}


def _cast(ctx: OpContext) -> KernelCall:
    source, out = ctx.input(0), ctx.output()
    if out.dtype not in _CAST_TARGET or source.num_elements != out.num_elements:
        raise ctx.fail(f"CAST {source.dtype} -> {out.dtype} is not supported "
                       f"(targets: {', '.join(sorted(_CAST_TARGET))})")
    name = f"edgeq_cast_{_CAST_SOURCE[source.dtype]}"
    return KernelCall(
        statements=(f"{name}({ctx.input_ptr(0)}, {source.num_elements}, {_CAST_TARGET[out.dtype]}, "
                    f"{ctx.output_ptr()});",),
        kernels=(kernel(name),),
        arrays=(ctx.weights(0),) if source.is_constant else (),
    )


for _dtype in _CAST_SOURCE:
    register("CAST", _dtype)(_cast)
