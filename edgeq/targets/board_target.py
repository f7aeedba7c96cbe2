"""Boards as targets: the build recipe and fit checks from a board's TOML, flashing through its probe, and its
firmware reached in QEMU (`EmulatedBoard`) or over a serial port, from the lab file or `--port` (`SerialBoard`).

`Board` stays pure data (`edgeq.targets.boards`); these objects add what can be done with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from edgeq.build.manifest import Build, LinkedMemory
from edgeq.build.target import BuildTarget, PostLink
from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board
from edgeq.targets.cores import CORES
from edgeq.targets.lab import LabBoard, PowerMonitorConfig, lab_board, load_lab
from edgeq.targets.target import Capability, Unsupported
from edgeq.targets.timing import Timing, timing_for
from edgeq.toolchain import fit
from edgeq.toolchain.flags import COMMON_CFLAGS, cpu_flags, link_flags
from edgeq.toolchain.port import DEFAULT_STACK_BYTES, board_header, linker_script, port_sources
from edgeq.transport.base import Transport

if TYPE_CHECKING:
    from edgeq.flash import FlashResult

PROGRAM = "firmware.elf"
ARENA_SYMBOL = "edgeq_arena"  # the generated model's arena array (model.c.j2)


@dataclass(frozen=True)
class BoardTarget(Unsupported):
    """What every board can do whatever reaches it: build for it, check the fit, flash it, read its counter."""

    board: Board
    stack_bytes: int = DEFAULT_STACK_BYTES

    @property
    def name(self) -> str:
        return self.board.id

    def recipe(self) -> BuildTarget:
        """Compiler flags from the board's core and FPU, the port sources from its console kind, `edgeq_board.h`
        and `linker.ld` rendered from its data; preflight/postflight are `check_plan`/`check_linked`."""
        board, core = self.board, CORES[self.board.core]
        cflags = tuple(f for f in COMMON_CFLAGS if f not in ("-std=c99", "-Wall", "-Wextra"))
        return BuildTarget(
            name=board.id,
            cc="arm-none-eabi-gcc",
            cflags=(*cpu_flags(board), *cflags),
            ldflags=link_flags(board, "linker.ld", "firmware.map"),
            port_sources=port_sources(board),
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
                "linker.ld": linker_script(board, self.stack_bytes),
            }),
            tools=("arm-none-eabi-objcopy",),
            preflight=self.check_plan,
            postflight=self.check_linked,
            facts=MappingProxyType({
                "board": board.id, "core": board.core, "fpu": board.fpu, "clock_hz": board.clock_hz,
                "timing_source": board.timer.cycle_counter, "emulated": board.emulated,
                "machine": board.emulator.machine if board.emulator else None,
                "stack_bytes": self.stack_bytes,
            }),
        )

    def check_plan(self, generated, input_bytes: int) -> None:
        """The plan (arena, weights, input staging, stacks) against the board's RAM and flash, before compiling."""
        fit.check_plan(self.board, int(generated.arena_bytes), int(generated.weights_bytes), input_bytes,
                       self.stack_bytes, fit.activation_dtypes(tuple(generated.kernel_sources)))

    def check_linked(self, program: Path) -> LinkedMemory:
        """The linked ELF's flash and RAM against the board; returns what was measured."""
        from edgeq.toolchain.size import memory_report

        kernels = tuple(path.name for path in (program.parent / "src" / "kernels").rglob("*.c"))
        report = memory_report(program, arena_symbol=ARENA_SYMBOL)
        fit.check_linked(self.board, report, fit.activation_dtypes(kernels))
        return LinkedMemory(report, self.board.flash_memory.size, self.board.ram_memory.size)

    def flash(self, build: Build, probe: str | None = None, probe_id: str | None = None,
              gdb_remote: str | None = None) -> FlashResult:
        """Load, verify and reset (`edgeq.flash`). Expects the board (or QEMU started with `-S -gdb`) reachable
        through the probe: the argument, else the lab file's, else the board's `flash.method`; leaves the
        core running the build from reset."""
        from edgeq.flash import flash

        self._require_own(build)
        entry = self._lab_entry()
        method = probe or (entry.probe if entry else None) or self.board.flash.method
        remote = gdb_remote or (entry.gdb_remote if entry else None)
        return flash(self.board, build.program, method, probe_id or (entry.probe_id if entry else None), remote)

    def timing(self, reported: str) -> Timing:
        """The board's counter (instructions under QEMU, DWT cycles on a real core); the host's clock is refused."""
        timing = timing_for(reported, self.board)
        if not timing.on_target:
            raise EdgeqError(f"the firmware's timer is {timing.source!r}, not a microcontroller counter",
                             "rebuild for a board")
        return timing

    @property
    def power_monitor(self) -> PowerMonitorConfig | None:
        """The power monitor the lab file puts on this board's supply (None: energy is estimated)."""
        return None

    def _lab_entry(self) -> LabBoard | None:
        return load_lab().get(self.board.id)

    def _require_own(self, build: Build) -> None:
        if build.target_facts.get("board") != self.board.id:
            raise EdgeqError(f"{build.out_dir} is built for {build.target!r}, not for {self.board.id}",
                             f"rebuild with `edgeq build MODEL --board {self.board.id}`")


@dataclass(frozen=True)
class EmulatedBoard(BoardTarget):
    """A board QEMU emulates (its TOML has [emulator]): `open` starts QEMU with the build's ELF."""

    kind: str = "emulated"
    capabilities: Capability = Capability.BUILD | Capability.RUN | Capability.FLASH
    instead = "run it in QEMU: --emulate"

    def open(self, build: Build) -> Transport:
        """Starts QEMU on the build's ELF (UART log in the build's logs/) and waits until the firmware has said
        something; closing the Transport ends QEMU."""
        from edgeq.transport.qemu import QemuTransport

        self._require_own(build)
        # edgeq's firmware prints `m-init-done` once its UART works: wait for it, as an STM32 USART drops
        # what arrives before it is enabled
        return QemuTransport(self.board, build.program, build.out_dir / "logs", boot_output_timeout=10.0)


@dataclass(frozen=True)
class SerialBoard(BoardTarget):
    """A flashed board on a serial port: `port` given (`--port DEV`), else the lab file's entry (`lab`, read
    from the lab file when not given)."""

    port: str | None = None
    lab: LabBoard | None = None
    kind: str = "board"
    capabilities: Capability = Capability.BUILD | Capability.RUN | Capability.FLASH
    instead = "flash it (`edgeq flash DIR`), then use --port DEV or --board ID"

    def open(self, build: Build) -> Transport:
        """Expects the build flashed and the board powered; opens its console UART at the board's baud rate.
        Closing the Transport closes the port; the board keeps running."""
        from edgeq.transport.serial import SerialTransport

        self._require_own(build)
        port = self.port or self._lab_port()
        return SerialTransport(port, self.board.console.baud, what=f"{self.board.id} on {port}")

    @property
    def power_monitor(self) -> PowerMonitorConfig | None:
        entry = self._lab_entry()
        return entry.power if entry is not None else None

    def _lab_entry(self) -> LabBoard | None:
        return self.lab if self.lab is not None else load_lab().get(self.board.id)

    def _lab_port(self) -> str:
        entry = self.lab if self.lab is not None else lab_board(self.board.id)
        if not entry.port:
            raise EdgeqError(f"the lab file entry for {self.board.id} has no port", "add port = \"/dev/ttyACM0\"")
        return entry.port
