"""Facts about the Arm cores edgeq builds for: compiler flags and architecture family.

A board names its core and FPU; everything the compiler needs follows from these two strings, so no
board is special-cased anywhere else. `fpu = "auto"` means the `-mcpu` implies its FPU (Cortex-M55:
FP + MVE); `"none"` builds soft-float.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Core:
    name: str                 # the -mcpu value
    arch: str                 # "v7m" | "v7em" | "v8m.main" | "v8.1m.main": selects the MPU programming model
    fpus: tuple[str, ...]     # FPU names a board may pick ("none" always allowed)
    dsp: bool                 # __ARM_FEATURE_DSP: the dsp kernels apply
    mve: bool = False         # __ARM_FEATURE_MVE (Helium integer) with a hardware-float ABI: the mve variants apply


CORES: dict[str, Core] = {
    core.name: core
    for core in (
        Core("cortex-m3", "v7m", (), False),
        Core("cortex-m4", "v7em", ("fpv4-sp-d16",), True),
        Core("cortex-m7", "v7em", ("fpv5-sp-d16", "fpv5-d16"), True),
        Core("cortex-m33", "v8m.main", ("fpv5-sp-d16",), True),
        Core("cortex-m55", "v8.1m.main", ("auto",), True, mve=True),
    )
}


def allowed_fpus(core: str) -> tuple[str, ...]:
    return CORES[core].fpus + ("none",)
