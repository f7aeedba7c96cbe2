"""arm-none-eabi-gcc flags from a board's core and FPU: pure functions, no IO.

`-mcpu` selects the instruction set (and with it __ARM_FEATURE_DSP, which picks the dsp kernels);
a board with an FPU builds hard-float (`-mfloat-abi=hard`), which every object of the firmware shares.
"""
from __future__ import annotations

from edgeq.targets.boards import Board

# Optimisation and warnings shared by every firmware object; -ffunction/data-sections + --gc-sections
# keep only the kernels a model calls.
COMMON_CFLAGS = (
    "-std=c99", "-O2", "-g",
    "-Wall", "-Wextra",
    "-ffunction-sections", "-fdata-sections",
    "-fno-common",
)


def cpu_flags(board: Board) -> tuple[str, ...]:
    flags = [f"-mcpu={board.core}", "-mthumb"]
    if board.fpu == "none":
        flags.append("-mfloat-abi=soft")
    elif board.fpu == "auto":
        flags.append("-mfloat-abi=hard")
    else:
        flags += [f"-mfpu={board.fpu}", "-mfloat-abi=hard"]
    return tuple(flags)


def compile_flags(board: Board) -> tuple[str, ...]:
    return cpu_flags(board) + COMMON_CFLAGS


def link_flags(board: Board, linker_script: str, map_file: str | None = None) -> tuple[str, ...]:
    flags = [
        *cpu_flags(board),
        "-nostartfiles",            # startup.c provides the reset handler and the vector table
        "--specs=nano.specs",       # newlib-nano for memcpy/memset and friends
        "--specs=nosys.specs",
        f"-T{linker_script}",
        "-Wl,--gc-sections",
        "-Wl,--no-warn-rwx-segments",
    ]
    if map_file:
        flags.append(f"-Wl,-Map={map_file}")
    flags.append("-lm")  # float kernels (softmax, logistic, tanh) call expf/tanhf; after the objects
    return tuple(flags)
