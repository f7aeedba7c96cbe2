"""Per-operator profile of a microcontroller build: the firmware's tick count of every operator (`edgeq
profile` over the DUT protocol) joined with what the build chose for it (the kernel that ran and why any
faster variant declined, from the build manifest) and the operator's MACs.

`per_op_rows` is pure; `profile_build` is the IO edge (one profile on an open transport).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Mapping, Sequence

from edgeq.build.manifest import Build, BuildOp
from edgeq.transport.protocol import OpTicks


@dataclass(frozen=True)
class OpProfile:
    index: int
    opcode: str
    units: int                     # instructions (QEMU) or cycles (a real core), per the timer
    macs: int
    kernel: str                    # file name of the kernel that ran; "(no code)": an alias, or folded at parse time
    family: str                    # "variant" | "dsp" | "mve" | "portable" | "-" (kernel_family)
    declined: tuple[str, ...]      # why faster variants did not run it (or ran it with the exact fallback)

    @property
    def units_per_mac(self) -> float | None:
        return self.units / self.macs if self.macs else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["declined"] = list(self.declined)
        d["units_per_mac"] = round(self.units_per_mac, 3) if self.macs else None
        return d


def kernel_family(kernel_file: str) -> str:
    """The family of a compiled kernel file (`kernels/<dir>/<name>.c`, as the build manifest records it)."""
    directory = kernel_file.split("/")[1] if kernel_file.count("/") >= 2 else ""
    return {"variants": "variant", "dsp": "dsp", "reference": "portable", "mve": "mve"}.get(directory, "-")


def per_op_rows(build_ops: Sequence[BuildOp], ticks: Sequence[OpTicks], units_per_tick: int,
                macs: Mapping[int, int]) -> tuple[OpProfile, ...]:
    chosen = {op.index: op for op in build_ops}
    rows = []
    for row in ticks:
        op = chosen.get(row.index)
        kernel = op.kernels[0] if op is not None and op.kernels else ""
        rows.append(OpProfile(row.index, op.opcode if op is not None else row.name, row.ticks * units_per_tick,
                              int(macs.get(row.index, 0)), kernel.split("/")[-1] or "(no code)",
                              kernel_family(kernel), op.declined if op is not None else ()))
    return tuple(rows)


def profile_build(build: Build, transport) -> tuple[OpProfile, ...]:
    """Profile the input the device last ran (bench_mcu leaves one loaded) operator by operator."""
    from edgeq.ir import op_macs, parse
    from edgeq.transport.client import DutClient

    graph = parse(build.model)
    client = DutClient(transport, timeout=120.0)
    info = client.info()
    ticks = client.profile_ops(timeout=120.0)
    macs = {op.index: op_macs(graph, op) for op in graph.ops}
    return per_op_rows(build.ops, ticks, info.timer.units_per_tick, macs)
