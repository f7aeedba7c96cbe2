"""`Target`: the one interface to a place a model runs — the host, an emulated board (QEMU), a real board (the lab
file: serial port and probe) or a phone (adb). `edgeq.targets.resolver` makes one from a name, a build or a phone.

Lifecycle of a Target (after pyOCD's):
  1. Make it with `resolve(name)`, `resolve_run(build, ...)` or `resolve_phone(...)`: pure data, nothing is
     opened and no device is touched; unknown names and contradicting options are refused here.
  2. `recipe()` (BUILD) gives the `BuildTarget` that `edgeq.build.build_project` compiles with. Its preflight and
     postflight are this target's fit checks: `check_plan(generated, input_bytes)` before compiling (raises when
     the plan cannot fit), `check_linked(program)` after linking (raises, else returns the measured
     `LinkedMemory`, which the build records in its manifest; None on the host). No device is involved.
  3. `flash(build)` (FLASH) expects the device attached and powered, with no other debugger on its probe; it
     loads and verifies the build's ELF and leaves the core running the new firmware from reset.
  4. `open(build)` (RUN) expects the build's firmware where it runs (flashed, or loaded by the emulator or the
     host); it starts or opens the device and returns a connected `Transport`, which the caller owns and
     closes (closing ends an emulator or host program; a board stays powered, running its firmware).
  5. `timing(reported)` turns the counter the firmware reports into a `Timing` (unit, labelled latency);
     it refuses a counter this target cannot have.
A method outside the target's `capabilities` raises `EdgeqError` saying what the target does instead.
"""
from __future__ import annotations

from enum import Flag, auto
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from edgeq.errors import EdgeqError

if TYPE_CHECKING:
    from edgeq.build.manifest import Build, LinkedMemory
    from edgeq.build.target import BuildTarget
    from edgeq.flash import FlashResult
    from edgeq.targets.timing import Timing
    from edgeq.transport.base import Transport


class Capability(Flag):
    BUILD = auto()   # recipe() and the fit checks: edgeq compiles a program for it
    RUN = auto()     # open(build): an edgeq build runs there behind a Transport
    FLASH = auto()   # flash(build): a build is put on the device before it runs
    TFLITE = auto()  # runs a .tflite itself (a phone's benchmark_model), not an edgeq build


@runtime_checkable
class Target(Protocol):
    name: str  # "host", a board id, or "adb:<serial>"
    kind: str  # "host" | "emulated" | "board" | "phone"
    capabilities: Capability

    def recipe(self) -> BuildTarget: ...

    def check_plan(self, generated, input_bytes: int) -> None: ...

    def check_linked(self, program: Path) -> LinkedMemory | None: ...

    def flash(self, build: Build, probe: str | None = None, probe_id: str | None = None,
              gdb_remote: str | None = None) -> FlashResult: ...

    def open(self, build: Build) -> Transport: ...

    def timing(self, reported: str) -> Timing: ...


class Unsupported:
    """Refusals for the methods outside a target's capabilities; a target kind inherits this and overrides
    what it can do. `instead` says, in the error's hint, how this kind of target is used."""

    name: str
    instead: str = ""

    def _refuse(self, what: str) -> EdgeqError:
        return EdgeqError(f"target {self.name} cannot {what}", self.instead)

    def recipe(self) -> BuildTarget:
        raise self._refuse("build firmware")

    def check_plan(self, generated, input_bytes: int) -> None:
        raise self._refuse("check a memory plan")

    def check_linked(self, program: Path) -> LinkedMemory:
        raise self._refuse("check a linked program")

    def flash(self, build: Build, probe: str | None = None, probe_id: str | None = None,
              gdb_remote: str | None = None) -> FlashResult:
        raise self._refuse("be flashed")

    def open(self, build: Build) -> Transport:
        raise self._refuse("run an edgeq build")
