"""The Cortex-M port of a board: which C files, which generated header, which linker script.

Everything board-specific reaches the C code through `edgeq_board.h`, rendered here from the board's
TOML; the drivers in firmware/ports/ are chosen by `console.kind`, never by board name.
"""
from __future__ import annotations

import math

import jinja2

from edgeq.data import TEMPLATES
from edgeq.targets.boards import Board

DEFAULT_STACK_BYTES = 8 * 1024
GUARD_BYTES = 1024          # one MPU region; Armv7-M needs a power of two aligned to itself
FAULT_STACK_BYTES = 512


def port_sources(board: Board) -> tuple[str, ...]:
    """The port's C files, relative to firmware/: the Cortex-M startup and port, and the console's UART driver
    (their directories' headers come along with them into a build)."""
    return ("ports/cortex-m/startup.c", "ports/cortex-m/port.c", f"ports/{board.console.kind}/uart.c")


def icount_ratio(systick_hz: int) -> tuple[int, int]:
    """Instructions per SysTick count under -icount shift=0 (1 ns per instruction), as num/den."""
    g = math.gcd(1_000_000_000, systick_hz)
    return 1_000_000_000 // g, systick_hz // g


def _c_string(text: str) -> str:
    """`text` as a C string literal of printable ASCII (the console speaks ASCII); others become '?'."""
    safe = "".join(c if " " <= c <= "~" else "?" for c in text)
    return '"' + safe.replace("\\", "\\\\").replace('"', '\\"').replace("?", "\\?") + '"'


def board_header(board: Board) -> str:
    c = board.console
    lines = [
        f"/* edgeq_board.h: {board.id} ({board.name}), rendered by edgeq from devices/boards/{board.id}.toml. */",
        "#ifndef EDGEQ_BOARD_H",
        "#define EDGEQ_BOARD_H",
        "",
        f'#define EDGEQ_BOARD_ID "{board.id}"',
        f"#define EDGEQ_BOARD_CLOCK_HZ {board.clock_hz}u",
        f"#define EDGEQ_RAM_ORIGIN 0x{board.ram_memory.origin:08x}u",
        f"#define EDGEQ_RAM_SIZE 0x{board.ram_memory.size:08x}u",
        f"#define EDGEQ_CONSOLE_BASE 0x{c.base:08x}u",
        f"#define EDGEQ_CONSOLE_BAUD {c.baud}u",
        f"#define EDGEQ_CONSOLE_CLOCK_HZ {c.clock_hz}u",
    ]
    if c.registers == "isr-tdr":
        lines.append("#define EDGEQ_STM32_ISR_TDR 1")
    if c.lpuart:
        lines.append("#define EDGEQ_STM32_LPUART 1")
    if c.tx_pin is not None:
        lines += [f"#define EDGEQ_CONSOLE_TX_PIN {c.tx_pin}u", f"#define EDGEQ_CONSOLE_RX_PIN {c.rx_pin}u"]
    if not board.timer.counts_instructions:
        lines.append("#define EDGEQ_TIMER_DWT 1")
    else:
        num, den = icount_ratio(board.timer.systick_hz)
        lines += ["#define EDGEQ_TIMER_SYSTICK_ICOUNT 1",
                  f"#define EDGEQ_SYSTICK_HZ {board.timer.systick_hz}u",
                  f"#define EDGEQ_ICOUNT_NUM {num}u",
                  f"#define EDGEQ_ICOUNT_DEN {den}u"]
    if board.emulated:
        lines.append("#define EDGEQ_SEMIHOSTING 1   /* exit codes reach the emulator */")
    lines.append(f"#define EDGEQ_BOARD_INIT_COUNT {len(board.init)}u")
    if board.init:
        lines.append("/* {reg, clear, set, write, has_write, wait_mask, wait_value, wait_polls, what} */")
        lines.append("#define EDGEQ_BOARD_INIT_STEPS \\")
        rows = []
        for step in board.init:
            write = step.write if step.write is not None else 0
            rows.append(f"    {{0x{step.reg:08x}u, 0x{step.clear:08x}u, 0x{step.set:08x}u, 0x{write:08x}u, "
                        f"{1 if step.write is not None else 0}u, 0x{step.wait_mask:08x}u, 0x{step.wait_value:08x}u, "
                        f"{step.wait_polls}u, {_c_string(step.what)}}}")
        lines.append(", \\\n".join(rows))
    lines += ["", "#endif /* EDGEQ_BOARD_H */", ""]
    return "\n".join(lines)


def linker_script(board: Board, stack_bytes: int = DEFAULT_STACK_BYTES) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.get_template("linker.ld.j2").render(
        board=board, board_file=f"devices/boards/{board.id}.toml",
        flash=board.flash_memory, ram=board.ram_memory,
        stack_bytes=stack_bytes, guard_bytes=GUARD_BYTES, fault_stack_bytes=FAULT_STACK_BYTES,
    )


def ram_overhead_bytes(stack_bytes: int = DEFAULT_STACK_BYTES) -> int:
    """RAM the port itself takes besides .data/.bss: guard, main stack, fault stack (worst-case alignment)."""
    return 2 * GUARD_BYTES + stack_bytes + FAULT_STACK_BYTES + 8
