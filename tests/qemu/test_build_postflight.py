"""The fit check after linking runs on the temporary build: a firmware that does not fit never lands in -o."""
from __future__ import annotations

import dataclasses

import pytest

from edgeq.build import build_project, read_build
from edgeq.errors import EdgeqError
from edgeq.targets.board_target import ARENA_SYMBOL, EmulatedBoard
from edgeq.targets.registry import get_board
from edgeq.toolchain.size import memory_report


@pytest.mark.tools("arm-none-eabi-gcc", "make")
def test_linked_firmware_too_big_for_the_board_is_refused_before_the_move(shared_models, tmp_path):
    board = get_board("mps2-an386")
    # The same board with the RAM of a small part: the plan estimate is skipped (no preflight) so that only
    # the exact check on the linked ELF can refuse it.
    small = dataclasses.replace(board, ram_memory=dataclasses.replace(board.ram_memory, size=8 * 1024))
    seen = []

    def postflight(program):
        seen.append(program)
        return EmulatedBoard(small).check_linked(program)

    target = dataclasses.replace(EmulatedBoard(board).recipe(), preflight=None, postflight=postflight)
    out = tmp_path / "fw"
    with pytest.raises(EdgeqError) as err:
        build_project(shared_models / "kws_ref_model.tflite", target, out)
    assert "does not fit in the RAM of mps2-an386" in err.value.message
    assert "arena" in err.value.message and "8,192 B" in err.value.message
    assert seen and seen[0].name == "firmware.elf" and seen[0].parent != out
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.tools("arm-none-eabi-gcc", "make")
def test_the_build_carries_the_memory_its_fit_check_measured(model_build):
    # written into the manifest once by the postflight check, read back by `Build`: equal to the ELF's own figures
    build = read_build(model_build("ad01_int8"))
    board = get_board(build.target)
    assert build.memory is not None
    assert build.memory.report == memory_report(build.program, arena_symbol=ARENA_SYMBOL)
    assert (build.memory.flash_capacity, build.memory.ram_capacity) == (board.flash_memory.size, board.ram_memory.size)
    assert build.memory.report.arena == build.arena_bytes
