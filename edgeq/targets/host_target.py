"""The host as a target: edgeq's generated C compiled with the host's gcc, run as a program behind pipes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from edgeq.build.manifest import Build
from edgeq.build.target import HOST, BuildTarget
from edgeq.errors import EdgeqError
from edgeq.targets.target import Capability, Unsupported
from edgeq.targets.timing import Timing, timing_for
from edgeq.transport.base import Transport


@dataclass(frozen=True)
class HostTarget(Unsupported):
    """Builds with `HOST` (no memory limit to check) and runs the program in place: nothing to flash."""

    name: str = HOST.name
    kind: str = "host"
    capabilities: Capability = Capability.BUILD | Capability.RUN
    instead = "a host build runs in place: `edgeq validate DIR` or `edgeq bench DIR --host`"

    def recipe(self) -> BuildTarget:
        return HOST

    def check_plan(self, generated, input_bytes: int) -> None:
        """Nothing to check: the host's memory is not a budget edgeq plans against."""

    def check_linked(self, program: Path) -> None:
        """Nothing to measure against (returns None: no memory is recorded for a host build)."""

    def open(self, build: Build) -> Transport:
        """Expects a host build; starts its program (stopped again when the Transport closes)."""
        from edgeq.transport.host import HostTransport

        if not build.is_host:
            raise EdgeqError(f"{build.out_dir} is built for {build.target!r}, not the host",
                             "run it with --emulate, --port DEV or --board ID, or build with --target host")
        return HostTransport(build.program)

    def timing(self, reported: str) -> Timing:
        """The host program's clock; a microcontroller counter is refused (it needs a board)."""
        return timing_for(reported, None)
