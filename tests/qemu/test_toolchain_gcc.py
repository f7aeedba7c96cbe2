"""Compiler flags from the core, judged by arm-none-eabi-gcc itself."""
from __future__ import annotations

import subprocess

import pytest

from edgeq.targets import get_board
from edgeq.toolchain.flags import cpu_flags


def _predefined(flags) -> set[str]:
    out = subprocess.run(["arm-none-eabi-gcc", *flags, "-dM", "-E", "-x", "c", "/dev/null"],
                         capture_output=True, text=True, check=True).stdout
    return {line.split()[1] for line in out.splitlines() if line.startswith("#define")}


@pytest.mark.tools("arm-none-eabi-gcc")
@pytest.mark.parametrize("board_id, fp, dsp, mve", [
    ("mps2-an386", True, True, False), ("mps2-an500", True, True, False),
    ("mps2-an505", True, True, False), ("mps3-an547", True, True, True), ("nrf52840dk", True, True, False),
])
def test_flags_give_the_cores_features_to_the_compiler(board_id, fp, dsp, mve):
    # The compiler itself is the oracle: what the flags switch on is what kernels and startup see.
    macros = _predefined(cpu_flags(get_board(board_id)))
    assert ("__ARM_FP" in macros) == fp
    assert ("__ARM_FEATURE_DSP" in macros) == dsp
    assert ("__ARM_FEATURE_MVE" in macros) == mve
    assert "__ARM_PCS_VFP" in macros   # hard-float ABI
