"""Does a model fit a board? Checked twice: from the plan before compiling, from the ELF after linking.

Both return nothing or raise EdgeqError with the numbers (need, have, by how much) and what to try.
Before compiling, code size is not known yet: the estimate adds a fixed allowance for runtime code and
the port's RAM (stacks, guard, protocol buffers); the linked check is exact.
"""
from __future__ import annotations

from dataclasses import dataclass

from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board
from edgeq.toolchain.port import DEFAULT_STACK_BYTES, ram_overhead_bytes
from edgeq.toolchain.size import MemoryReport

# Allowance before linking: startup + protocol + a typical set of kernels at -O2 is 10-25 KiB.
CODE_ALLOWANCE_BYTES = 32 * 1024
RUNTIME_RAM_ALLOWANCE_BYTES = 1024   # protocol command/output buffers and small statics


@dataclass(frozen=True)
class FitEstimate:
    flash_bytes: int
    ram_bytes: int


def estimate(arena_bytes: int, weights_bytes: int, input_bytes: int,
             stack_bytes: int = DEFAULT_STACK_BYTES) -> FitEstimate:
    """Flash and RAM a model will need, from its plan (arena, weights) and input size (the staging buffer)."""
    return FitEstimate(
        flash_bytes=weights_bytes + CODE_ALLOWANCE_BYTES,
        ram_bytes=arena_bytes + input_bytes + ram_overhead_bytes(stack_bytes) + RUNTIME_RAM_ALLOWANCE_BYTES,
    )


def _kib(n: int) -> str:
    return f"{n:,} B ({n / 1024:.1f} KiB)"


# Kernel file suffix (edgeq_<op>_<dtype>.c) -> the activation dtype it computes in.
_KERNEL_DTYPES = {"s8": "int8", "s16": "int16", "f32": "float32"}


def activation_dtypes(kernel_sources: tuple[str, ...]) -> frozenset[str]:
    """The activation dtypes a model computes in, from its kernel files (`reference/edgeq_conv2d_s16.c`)."""
    suffixes = (source.rsplit(".", 1)[0].rsplit("_", 1)[-1] for source in kernel_sources)
    return frozenset(_KERNEL_DTYPES[s] for s in suffixes if s in _KERNEL_DTYPES)


def _smaller_dtype(dtypes: frozenset[str]) -> str:
    """Advice on the activation dtype, only for a model that is not int8 throughout already."""
    if "float32" in dtypes:
        return ", or an integer mode (`--mode int8`) instead of float32 activations"
    if "int16" in dtypes:
        return ", or int8 instead of int16 activations (`--mode int8`, or `--mode mixed` with a looser --max-drop)"
    return ""


def _hint(kind: str, dtypes: frozenset[str] = frozenset()) -> str:
    if kind == "RAM":
        return (f"try a board with more RAM (`edgeq targets` lists RAM per board), a smaller model or input"
                f"{_smaller_dtype(dtypes)}; the arena is planned already (see `edgeq plan MODEL`)")
    return ("try a board with more flash (`edgeq targets`), fewer or smaller weights (int8 or int4 weights, "
            "pruning), or a smaller model")


def check_plan(board: Board, arena_bytes: int, weights_bytes: int, input_bytes: int,
               stack_bytes: int = DEFAULT_STACK_BYTES, dtypes: frozenset[str] = frozenset()) -> FitEstimate:
    """`dtypes`: the model's activation dtypes (`activation_dtypes`), so the hint never suggests int8 for a
    model that already is int8."""
    need = estimate(arena_bytes, weights_bytes, input_bytes, stack_bytes)
    if need.ram_bytes > board.ram_memory.size:
        raise EdgeqError(
            f"the model does not fit in the RAM of {board.id}: it needs about {_kib(need.ram_bytes)} "
            f"(arena {_kib(arena_bytes)} + input staging {_kib(input_bytes)} + stacks and runtime "
            f"{_kib(need.ram_bytes - arena_bytes - input_bytes)}) but the board has {_kib(board.ram_memory.size)}, "
            f"{_kib(need.ram_bytes - board.ram_memory.size)} short",
            _hint("RAM", dtypes))
    if need.flash_bytes > board.flash_memory.size:
        raise EdgeqError(
            f"the model does not fit in the flash of {board.id}: it needs about {_kib(need.flash_bytes)} "
            f"(weights {_kib(weights_bytes)} + code allowance {_kib(CODE_ALLOWANCE_BYTES)}) but the board has "
            f"{_kib(board.flash_memory.size)}, {_kib(need.flash_bytes - board.flash_memory.size)} short",
            _hint("flash"))
    return need


def check_linked(board: Board, report: MemoryReport, dtypes: frozenset[str] = frozenset()) -> None:
    """Exact check of a linked firmware (the linker also refuses overflowing regions; this names the parts)."""
    if report.ram_bytes > board.ram_memory.size:
        raise EdgeqError(
            f"the firmware does not fit in the RAM of {board.id}: {_kib(report.ram_bytes)} used (data "
            f"{_kib(report.data)}, bss {_kib(report.bss)} of which arena {_kib(report.arena)}, stacks "
            f"{_kib(report.stack)}) of {_kib(board.ram_memory.size)}",
            _hint("RAM", dtypes))
    if report.flash_bytes > board.flash_memory.size:
        raise EdgeqError(
            f"the firmware does not fit in the flash of {board.id}: {_kib(report.flash_bytes)} used (code "
            f"{_kib(report.text)}, constants {_kib(report.rodata)}, data {_kib(report.data)}) of "
            f"{_kib(board.flash_memory.size)}",
            _hint("flash"))
