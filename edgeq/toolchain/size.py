"""Memory use of a linked firmware: parse `arm-none-eabi-size -A` and `nm -S` output (pure), then sum.

Flash holds what is loaded: vector table, code, constants (weights) and the initial values of .data.
RAM holds .data, .bss (the arena is a .bss array) and the port's stacks (guard, main stack, fault stack).
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError

# The Arm GNU binutils that read a linked ELF (`size`, `nm`).
BINUTILS_PREFIX = "arm-none-eabi-"
CODE_SECTIONS = (".isr_vector", ".text", ".ARM.exidx")
STACK_SECTIONS = (".guard", ".stack", ".fault_stack")


@dataclass(frozen=True)
class Section:
    name: str
    size: int
    addr: int


@dataclass(frozen=True)
class MemoryReport:
    text: int          # code: vector table, .text, unwind index
    rodata: int        # constants: weights, quantisation tables, strings
    data: int
    bss: int
    stack: int         # guard + main stack + fault stack
    arena: int         # the model's activation arena (inside .bss)
    weights: int       # constant model arrays (inside .rodata)

    @property
    def flash_bytes(self) -> int:
        return self.text + self.rodata + self.data

    @property
    def ram_bytes(self) -> int:
        return self.data + self.bss + self.stack


def parse_size_sysv(output: str) -> list[Section]:
    """Rows of `size -A -d ELF`: `name size addr`; header and Total lines are skipped."""
    sections = []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[0].startswith("."):
            continue
        try:
            sections.append(Section(parts[0], int(parts[1]), int(parts[2])))
        except ValueError:
            continue
    if not sections:
        raise EdgeqError("could not read any section from `size -A` output", "is the file an ELF?")
    return sections


def parse_nm_sizes(output: str) -> dict[str, int]:
    """`nm -S -C ELF` rows `addr size type name` → {name: size} (symbols without a size are skipped)."""
    sizes = {}
    for line in output.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4:
            try:
                sizes[parts[3]] = int(parts[1], 16)
            except ValueError:
                continue
    return sizes


def summarize(sections: list[Section], symbols: dict[str, int], arena_symbol: str = "",
              weight_prefixes: tuple[str, ...] = ()) -> MemoryReport:
    by_name = {s.name: s.size for s in sections}

    def total(names: tuple[str, ...]) -> int:
        return sum(by_name.get(n, 0) for n in names)

    return MemoryReport(
        text=total(CODE_SECTIONS),
        rodata=by_name.get(".rodata", 0),
        data=by_name.get(".data", 0),
        bss=by_name.get(".bss", 0),
        stack=total(STACK_SECTIONS),
        arena=symbols.get(arena_symbol, 0) if arena_symbol else 0,
        weights=sum(size for name, size in symbols.items() if weight_prefixes and name.startswith(weight_prefixes)),
    )


def tool(name: str) -> str:
    """The path of the Arm binutils program `name` (e.g. "size"), or EdgeqError saying how to install it."""
    path = shutil.which(BINUTILS_PREFIX + name)
    if path is None:
        raise EdgeqError(f"{BINUTILS_PREFIX}{name} is not on PATH",
                         "install the Arm GNU toolchain (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi; "
                         "or run tools/setup.sh)")
    return path


def memory_report(elf: Path, arena_symbol: str = "", weight_prefixes: tuple[str, ...] = ()) -> MemoryReport:
    size_out = subprocess.run([tool("size"), "-A", "-d", str(elf)], capture_output=True, text=True)
    if size_out.returncode != 0:
        raise EdgeqError(f"arm-none-eabi-size could not read {elf}: {size_out.stderr.strip()}",
                         "rebuild the firmware")
    nm_out = subprocess.run([tool("nm"), "-S", str(elf)], capture_output=True, text=True)
    return summarize(parse_size_sysv(size_out.stdout), parse_nm_sizes(nm_out.stdout), arena_symbol, weight_prefixes)
