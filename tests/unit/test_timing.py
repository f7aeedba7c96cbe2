"""`edgeq.targets.timing`: the one place a timing-source name becomes a unit and a labelled latency."""
from __future__ import annotations

import pytest

from edgeq.errors import EdgeqError
from edgeq.targets import get_board
from edgeq.targets.timing import timing_for


def test_emulated_instructions_are_an_estimate_from_the_boards_cpi_and_clock():
    board = get_board("mps2-an386")
    timing = timing_for("systick-icount", board)
    assert timing.unit == "instructions" and timing.on_target
    latency = timing.latency(1_000_000)
    assert latency.ms == pytest.approx(1_000_000 * board.emulator.cpi / board.clock_hz * 1e3)
    assert latency.source == "estimated" and latency.note.startswith("ESTIMATED: 1,000,000 instructions")


def test_dwt_cycles_are_measured_and_wall_nanoseconds_are_the_hosts():
    board = get_board("nucleo-l4r5zi")
    dwt = timing_for("dwt", board)
    assert dwt.unit == "cycles" and dwt.latency(board.clock_hz).ms == pytest.approx(1000.0)
    assert dwt.latency(120).source == "measured" and "120 DWT cycles" in dwt.latency(120).note
    wall = timing_for("wall", None)
    assert (wall.unit, wall.on_target, wall.latency(2_500_000).ms, wall.latency(1).source) == ("ns", False, 2.5, "host")


def test_unknown_or_boardless_sources_are_refused():
    with pytest.raises(EdgeqError, match="unknown timing source"):
        timing_for("rdtsc", get_board("mps2-an386"))
    with pytest.raises(EdgeqError, match="needs the board"):
        timing_for("dwt", None)
