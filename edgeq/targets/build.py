"""`resolve_target(name)`: `host`, a core (its default board) or a board id → the `BuildTarget` to build for.

Everything comes from the board's TOML: compiler flags from its core and FPU, the port sources from its
console kind, `edgeq_board.h` and `linker.ld` rendered from its data, a fit check before compiling (from the
plan) and one after linking (from the ELF).
"""
from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from edgeq.build.target import HOST, BuildTarget, PostLink
from edgeq.data import FIRMWARE
from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board
from edgeq.targets.cores import CORES
from edgeq.targets.registry import board_files, default_board, get_board
from edgeq.toolchain.fit import activation_dtypes, check_linked, check_plan
from edgeq.toolchain.flags import COMMON_CFLAGS, cpu_flags, link_flags
from edgeq.toolchain.port import DEFAULT_STACK_BYTES, board_header, linker_script, port_files
from edgeq.toolchain.size import memory_report

PROGRAM = "firmware.elf"
ARENA_SYMBOL = "edgeq_arena"  # the generated model's arena array (model.c.j2)


def board_build_target(board: Board, stack_bytes: int = DEFAULT_STACK_BYTES) -> BuildTarget:
    core = CORES[board.core]

    def preflight(generated, input_bytes: int) -> None:
        check_plan(board, int(generated.arena_bytes), int(generated.weights_bytes), input_bytes, stack_bytes,
                   activation_dtypes(tuple(generated.kernel_sources)))

    def postflight(program: Path) -> None:
        kernels = tuple(path.name for path in (program.parent / "src" / "kernels").rglob("*.c"))
        check_linked(board, memory_report(program, arena_symbol=ARENA_SYMBOL), activation_dtypes(kernels))

    cflags = tuple(f for f in COMMON_CFLAGS if f not in ("-std=c99", "-Wall", "-Wextra"))
    return BuildTarget(
        name=board.id,
        cc="arm-none-eabi-gcc",
        cflags=(*cpu_flags(board), *cflags),
        ldflags=link_flags(board, "linker.ld", "firmware.map"),
        port_sources=tuple(path.relative_to(FIRMWARE).as_posix() for path in port_files(board).sources),
        program=PROGRAM,
        post_link=(PostLink("firmware.bin", "$(OBJCOPY) -O binary $< $@"),
                   PostLink("firmware.hex", "$(OBJCOPY) -O ihex $< $@")),
        make_vars=MappingProxyType({"OBJCOPY": "arm-none-eabi-objcopy"}),
        kernel_variants=("dsp", "reference") if core.dsp else ("reference",),
        packed_variants=core.dsp,
        # MVE intrinsics need a hardware-float ABI (GCC refuses <arm_mve.h> with -mfloat-abi=soft).
        isa_features=frozenset({"mve"}) if core.mve and board.fpu != "none" else frozenset(),
        rendered_files=MappingProxyType({
            "src/edgeq_board.h": board_header(board),
            "linker.ld": linker_script(board, stack_bytes),
        }),
        tools=("arm-none-eabi-objcopy",),
        preflight=preflight,
        postflight=postflight,
        facts=MappingProxyType({
            "board": board.id, "core": board.core, "fpu": board.fpu, "clock_hz": board.clock_hz,
            "timing_source": board.timer.cycle_counter, "emulated": board.emulated,
            "machine": board.emulator.machine if board.emulator else None,
            "stack_bytes": stack_bytes,
        }),
    )


def resolve_target(name: str) -> BuildTarget:
    """`host`, a core name (its default board) or a board id; EdgeqError for anything else."""
    if name == HOST.name:
        return HOST
    if name in CORES:
        return board_build_target(default_board(name))
    if name in board_files():
        return board_build_target(get_board(name))
    raise EdgeqError(f"unknown build target {name!r}",
                     "use `--target host`, or a core/board listed by `edgeq targets`")
