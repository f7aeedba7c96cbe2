"""Operator emitters: one function per (builtin opcode, activation dtype) that turns an `Op` into C.

Contract
--------
An emitter is a pure function `emit(ctx: OpContext) -> KernelCall`, registered with
`@register("CONV_2D", "int8")`. The activation dtype is the dtype of the op's first non-constant input
(for QUANTIZE/DEQUANTIZE: the input side), the same rule `edgeq.ir.support` uses.

* `ctx` gives the graph, the op, and C expressions for tensors: `ctx.input_ptr(k)` / `ctx.output_ptr(k)`
  (e.g. `(int8_t *)(edgeq_arena + 1024)` for an activation, `edgeq_t5` for a constant tensor),
  `ctx.scratch_ptr()` for the op's planned scratch buffer, `ctx.weights(k)` (a `ConstArray` holding
  constant input k as stored in the .tflite), and `ctx.const_array(suffix, ctype, values)` for arrays
  computed at generation time (folded biases, per-channel multipliers, re-laid-out weights).
* The emitter returns `KernelCall(statements, kernels, arrays, scratch_bytes)`: the C statements forming
  the body of the operator's static function (no braces around them, no trailing return), the kernel
  sources they call (paths relative to `firmware/kernels/`, e.g. `reference/edgeq_conv2d_s8.c`), every
  `ConstArray` the statements name, and the bytes of arena scratch the kernels need (0 for none).
  An emitter whose loop bounds do not come from the output tensor's shape (e.g. batches x units of a
  FULLY_CONNECTED, taken from the input and weights) declares the bytes it writes as `output_bytes`.
* Emitters run twice: once without a memory plan (to learn `scratch_bytes`; pointer expressions are then
  placeholders), once with the plan. They must therefore be deterministic and must not depend on pointer
  text. Every shape and requantization constant is a literal in the statements or a const array.
* Emitters raise `EdgeqError` for an op variant they cannot run; the generator calls them all before
  anything is rendered, so nothing is half-written.

Operators the generator handles itself: RESHAPE, SQUEEZE and EXPAND_DIMS alias their input (the planner
gives input and output the same offset), so they have no emitter and no code.

In place: for element-wise operators without broadcasting (ADD, SUB, MUL, RELU, RELU6, LEAKY_RELU,
HARD_SWISH, LOGISTIC, TANH, same-size QUANTIZE; see `edgeq.codegen.model`) the planner may give the output
the bytes of an input it is the last reader of, so those kernels must work with output == input.

Variants: `@register_variant(opcode, dtype)` adds an emitter that is tried before the base emitter (in
registration order) and returns `Declined(variant, reason)` when the op does not suit it (None when the
variant is simply about other shapes, e.g. the pointwise GEMM for a 3x3 convolution), e.g. a 1x1
convolution as a GEMM with weights re-laid out at generation time (`dsp_variants.py`). The reasons of
the variants that declined travel on the chosen `KernelCall.declined`, so `--per-op` can say why a
faster kernel did not run. A variant must be bit-exact
with the base emitter's kernel and decide from the graph alone (both emitter passes must agree).
`use_variants(False)` generates with base emitters only (tests compare the two). A variant needing an ISA
extension beyond DSP (`mve_variants.py`: Helium) checks `isa_enabled("mve")`, which the build sets from the
core (`use_isa`); its module registers before the packed ones (sorted module order puts `mve_*` after
`dsp_*`, so it inserts itself first: `register_variant(..., first=True)`). A variant whose
kernel tolerates output == input returns `KernelCall(..., inplace=True)`; the generator then lets the
planner run the op in place when the op is its input's last reader.

Registration: every module of this package is imported on first lookup (a new operator is a new
module, no list to edit), which runs its `@register` / `@register_variant` decorators. The registry is
the only list of supported operators and dtypes: `edgeq.ir.support` and `edgeq ops` derive from it.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.ir import Graph, Op, Tensor
from edgeq.ir.graph import ALIAS_OPS  # noqa: F401 - re-exported: aliases have no emitter and no code
from edgeq.ir.support import activation_dtype  # noqa: F401 - re-exported: the registry's key

#: C element types a const array may have, with the numpy dtype its values are stored as.
CTYPES = {"int8_t": np.int8, "uint8_t": np.uint8, "int16_t": np.int16, "int32_t": np.int32,
          "int64_t": np.int64, "float": np.float32}

#: Helper modules of this package that register no emitter (imported by the emitter modules as needed).
_NOT_EMITTERS = frozenset({"common"})


@dataclass(frozen=True)
class ConstArray:
    """A `static const` C array: `name` is a valid C identifier, `values` a read-only 1-D numpy array."""

    name: str
    ctype: str
    values: np.ndarray = field(compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.ctype not in CTYPES:
            raise ValueError(f"unsupported const array type {self.ctype}")
        values = np.ascontiguousarray(np.asarray(self.values).reshape(-1).astype(CTYPES[self.ctype],
                                                                                casting="unsafe"))
        values.setflags(write=False)
        object.__setattr__(self, "values", values)

    @property
    def nbytes(self) -> int:
        return int(self.values.nbytes)

    def same_content(self, other: "ConstArray") -> bool:
        return self.ctype == other.ctype and np.array_equal(self.values, other.values)


@dataclass(frozen=True)
class KernelCall:
    statements: tuple[str, ...]
    kernels: tuple[str, ...] = ()
    arrays: tuple[ConstArray, ...] = ()
    scratch_bytes: int = 0
    inplace: bool = False  # the kernel may run with output == input 0 (same size); see "Variants"
    # The kernel stays exact when its output overlaps input 0 starting at least this many bytes below it
    # (from the geometry and the kernel's read/write order; None: never). See edgeq.plan.overlap.
    output_below_input: int | None = None
    declined: tuple[str, ...] = ()  # one line per faster variant that declined (Declined.describe) or fell back
    # Bytes the kernel writes through output 0, from its own loop bounds and element type (None: the bounds
    # are the output tensor's shape). The generator refuses the op unless it equals the tensor's size, so
    # every write stays inside the tensor's planned arena bytes.
    output_bytes: int | None = None


@dataclass(frozen=True)
class Declined:
    """A variant's answer when it cannot run an op: `reason` is one line naming the cause (the channel,
    the bound, the shape), e.g. `Declined("im2col", "int16 weights")`."""

    variant: str
    reason: str

    def describe(self) -> str:
        return f"{self.variant} declined: {self.reason}"


@dataclass(frozen=True)
class OpContext:
    """What an emitter may know: the graph, its op, and where tensors live (`plan` None in the sizing pass)."""

    graph: Graph
    op: Op
    plan: object | None = None  # edgeq.plan.MemoryPlan

    # -- tensors -------------------------------------------------------------------------------------
    def input(self, k: int) -> Tensor | None:
        index = self.op.inputs[k] if k < len(self.op.inputs) else -1
        return None if index < 0 else self.graph.tensors[index]

    def output(self, k: int = 0) -> Tensor:
        return self.graph.tensors[self.op.outputs[k]]

    def option(self, name: str, default=None):
        return self.op.options.get(name, default)

    # -- C expressions -------------------------------------------------------------------------------
    def tensor_ptr(self, tensor_index: int) -> str:
        """A C expression pointing at the tensor's first element, typed by its dtype."""
        tensor = self.graph.tensors[tensor_index]
        if tensor.is_constant:
            return const_tensor_name(tensor_index)
        ctype = c_type(tensor.dtype)
        offset = 0 if self.plan is None else self.plan.offset_of(tensor_index)
        return f"(({ctype} *)(edgeq_arena + {offset}))"

    def input_ptr(self, k: int) -> str:
        index = self.op.inputs[k] if k < len(self.op.inputs) else -1
        return "NULL" if index < 0 else self.tensor_ptr(index)

    def output_ptr(self, k: int = 0) -> str:
        return self.tensor_ptr(self.op.outputs[k])

    def scratch_ptr(self) -> str:
        offset = 0 if self.plan is None else self.plan.scratch_offset(self.op.index)
        return f"((void *)(edgeq_arena + {offset}))"

    # -- constant data -------------------------------------------------------------------------------
    def weights(self, k: int) -> ConstArray:
        """Constant input k as stored in the model (shared by every op that reads the same tensor)."""
        tensor = self.input(k)
        if tensor is None or not tensor.is_constant:
            raise EdgeqError(f"operator {self.op.index} ({self.op.opcode}): input {k} must be a constant tensor",
                             "this variant is not supported by edgeq's MCU runtime")
        # int4 weights arrive unpacked to one int8 per element (edgeq.ir), so they are int8 arrays here.
        ctype = "int8_t" if tensor.dtype == "int4" else c_type(tensor.dtype)
        return ConstArray(const_tensor_name(tensor.index), ctype, tensor.data)

    def const_array(self, suffix: str, ctype: str, values: Iterable) -> ConstArray:
        """An array computed at generation time for this op, named `edgeq_op<index>_<suffix>`."""
        array = values if isinstance(values, np.ndarray) else np.asarray(list(values))
        return ConstArray(f"edgeq_op{self.op.index}_{suffix}", ctype, array)

    def fail(self, reason: str, hint: str = "") -> EdgeqError:
        return EdgeqError(f"operator {self.op.index} ({self.op.opcode}): {reason}",
                          hint or "re-convert the model with standard TFLite int8 or float32 settings")


Emitter = Callable[[OpContext], KernelCall]
_REGISTRY: dict[tuple[str, str], Emitter] = {}
_loaded = False


def register(opcode: str, dtype: str) -> Callable[[Emitter], Emitter]:
    """Decorator: `emit` handles `opcode` when the op computes in `dtype`."""

    def decorate(emit: Emitter) -> Emitter:
        key = (opcode, dtype)
        if key in _REGISTRY and _REGISTRY[key] is not emit:
            raise ValueError(f"two emitters registered for {key}")
        _REGISTRY[key] = emit
        return emit

    return decorate


_VARIANTS: dict[tuple[str, str], list[Callable[[OpContext], KernelCall | None]]] = {}
_USE_VARIANTS = contextvars.ContextVar("edgeq_use_variants", default=True)


def register_variant(opcode: str, dtype: str, first: bool = False):
    """Decorator: `emit` may handle `opcode`/`dtype` (returning None when it does not apply); `first` puts
    it before the variants registered so far (the ISA-specific ones, which decline off their core)."""

    def decorate(emit):
        variants = _VARIANTS.setdefault((opcode, dtype), [])
        if emit not in variants:
            if first:
                variants.insert(0, emit)
            else:
                variants.append(emit)
        return emit

    return decorate


#: ISA extensions of the target core the generator may use (set by the build: BuildTarget.isa_features).
_ISA = contextvars.ContextVar("edgeq_isa_features", default=frozenset())


@contextlib.contextmanager
def use_isa(features: Iterable[str]):
    """Within the block, variants may emit kernels needing these ISA extensions (e.g. {"mve"} on a
    Cortex-M55); outside any block none (the host build and the cores without them)."""
    token = _ISA.set(frozenset(features))
    try:
        yield
    finally:
        _ISA.reset(token)


def isa_enabled(feature: str) -> bool:
    """Whether the target core has `feature` (variants needing it return None otherwise)."""
    return feature in _ISA.get()


@contextlib.contextmanager
def use_variants(enabled: bool):
    """Within the block, lookups return base emitters only (enabled=False) or variants first (True)."""
    token = _USE_VARIANTS.set(enabled)
    try:
        yield
    finally:
        _USE_VARIANTS.reset(token)


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name not in _NOT_EMITTERS:
            importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True


def lookup(graph: Graph, op: Op) -> Emitter:
    _load()
    key = (op.opcode, activation_dtype(graph, op))
    emit = _REGISTRY.get(key)
    if emit is None:
        supported = ", ".join(f"{o}/{d}" for o, d in sorted(_REGISTRY))
        raise EdgeqError(f"operator {op.index} ({op.opcode}) with {key[1]} activations has no C kernel",
                         f"supported operator/dtype pairs: {supported}")
    variants = tuple(_VARIANTS.get(key, ())) if _USE_VARIANTS.get() else ()
    if not variants:
        return emit

    def emit_first_fitting(ctx: OpContext) -> KernelCall:
        declined = []
        for variant in variants:
            call = variant(ctx)
            if isinstance(call, Declined):
                declined.append(call.describe())
            elif call is not None:
                return dataclasses.replace(call, declined=tuple(declined)) if declined else call
        call = emit(ctx)
        return dataclasses.replace(call, declined=tuple(declined)) if declined else call

    return emit_first_fitting


def registered() -> tuple[tuple[str, str], ...]:
    _load()
    return tuple(sorted(_REGISTRY))


_C_TYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int32_t",
            "float32": "float"}


def c_type(dtype: str) -> str:
    try:
        return _C_TYPES[dtype]
    except KeyError:
        raise EdgeqError(f"tensors of type {dtype} have no C representation in edgeq",
                         "convert with `--mode int8` or `--mode fp32`") from None


def const_tensor_name(tensor_index: int) -> str:
    return f"edgeq_t{tensor_index}"


def kernel(name: str) -> str:
    """Path (relative to firmware/kernels/) of the reference source defining `name`."""
    return f"reference/{name}.c"
