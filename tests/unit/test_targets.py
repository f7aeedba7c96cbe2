"""Boards as data: every board file loads, core defaults resolve, bad files name their file and key."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edgeq.errors import EdgeqError
from edgeq.targets import all_boards, default_board, get_board, load_board, resolve_board
from edgeq.targets.lab import load_lab, lab_board
from edgeq.targets.registry import BOARDS_DIR

REQUIRED_BOARDS = {"mps2-an386", "mps2-an500", "mps2-an505", "mps3-an547", "stm32f4-discovery",
                   "nucleo-l4r5zi", "nrf52840dk"}


def test_every_required_board_is_present_and_valid():
    boards = {b.id: b for b in all_boards()}
    assert REQUIRED_BOARDS <= set(boards)
    for board in boards.values():
        assert board.path.name == f"{board.id}.toml"
        assert board.power.ua_per_mhz > 0 and board.power.supply_v > 0 and board.power.source
        assert board.ram_memory.size > 0 and board.flash_memory.size > 0


@pytest.mark.parametrize("core, board_id", [("cortex-m4", "mps2-an386"), ("cortex-m7", "mps2-an500"),
                                            ("cortex-m33", "mps2-an505"), ("cortex-m55", "mps3-an547")])
def test_core_resolves_to_its_emulated_default(core, board_id):
    board = default_board(core)
    assert board.id == board_id and board.core == core and board.emulated
    assert board.timer.cycle_counter == "systick-icount"


def test_real_boards_use_the_cycle_counter_and_their_datasheet_clock():
    assert get_board("nucleo-l4r5zi").clock_hz == 120_000_000
    assert get_board("nrf52840dk").clock_hz == 64_000_000
    assert get_board("stm32f4-discovery").clock_hz == 168_000_000
    for board_id in ("nucleo-l4r5zi", "nrf52840dk", "stm32f4-discovery"):
        board = get_board(board_id)
        assert not board.emulated and board.timer.cycle_counter == "dwt"


def test_board_and_target_must_agree():
    assert resolve_board(board="nrf52840dk").id == "nrf52840dk"
    assert resolve_board(target="cortex-m4", board="nucleo-l4r5zi").id == "nucleo-l4r5zi"
    with pytest.raises(EdgeqError, match="core cortex-m4, not --target cortex-m7"):
        resolve_board(target="cortex-m7", board="nucleo-l4r5zi")
    with pytest.raises(EdgeqError, match="unknown board 'nope'"):
        get_board("nope")
    with pytest.raises(EdgeqError, match="no default board for target 'cortex-m3'"):
        default_board("cortex-m3")


def _variant(tmp_path: Path, source: str, edit) -> Path:
    text = (BOARDS_DIR / f"{source}.toml").read_text()
    path = tmp_path / f"{source}.toml"
    path.write_text(edit(text))
    return path


@pytest.mark.parametrize("edit, key, problem", [
    (lambda t: t.replace('core = "cortex-m4"', 'core = "cortex-m9"'), "core", "expected one of"),
    (lambda t: t.replace("clock_hz = 25_000_000 ", "clock_hz = \"fast\" "), "clock_hz", "must be an integer"),
    (lambda t: t.replace("baud = 115200", "baud = 115200\nparity = \"none\""), "console.parity", "not part of the schema"),
    (lambda t: re.sub(r"\[power\]\n", "[power]\nbogus = 1\n", t), "power.bogus", "not part of the schema"),
    (lambda t: t.replace("ua_per_mhz = 110.0", ""), "power.ua_per_mhz", "is missing"),
    (lambda t: t.replace("ua_per_mhz = 110.0", "ua_per_mhz = -1.0"), "power.ua_per_mhz", "must be > 0"),
    (lambda t: t.replace('fpu = "fpv4-sp-d16"', 'fpu = "fpv5-d16"'), "fpu", "expected one of"),
    (lambda t: t.replace('id = "mps2-an386"', 'id = "other"'), "id", "file is named"),
    (lambda t: t.replace("[emulator]", "[unused]"), "timer.cycle_counter", "no [emulator] table"),
])
def test_bad_board_files_name_file_and_key(tmp_path, edit, key, problem):
    path = _variant(tmp_path, "mps2-an386", edit)
    with pytest.raises(EdgeqError) as info:
        load_board(path)
    assert str(path) in info.value.message
    assert f"'{key}'" in info.value.message
    assert problem in info.value.message


def test_init_step_without_an_operation_is_rejected(tmp_path):
    path = _variant(tmp_path, "nrf52840dk", lambda t: t.replace("write = 0x00000001\n", ""))
    with pytest.raises(EdgeqError, match=r"'init\[0\]\.reg' names a register but no operation"):
        load_board(path)


def test_not_toml_is_reported_with_the_file(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("id = [")
    with pytest.raises(EdgeqError, match="not valid TOML"):
        load_board(path)


def test_lab_file_maps_boards_to_ports_probes_and_monitors(tmp_path, monkeypatch):
    lab = tmp_path / "lab.toml"
    lab.write_text('[boards.nucleo-l4r5zi]\nport = "/dev/ttyACM0"\nprobe = "openocd"\n'
                   '[boards.nucleo-l4r5zi.power]\nmonitor = "ppk2"\nport = "/dev/ttyACM1"\nvoltage_v = 3.3\n')
    monkeypatch.setenv("EDGEQ_LAB", str(lab))
    entry = lab_board("nucleo-l4r5zi")
    assert (entry.port, entry.probe, entry.power.monitor, entry.power.voltage_v) == ("/dev/ttyACM0", "openocd", "ppk2", 3.3)
    with pytest.raises(EdgeqError, match="not in the lab file"):
        lab_board("nrf52840dk")
    lab.write_text('[boards.x]\nport = "/dev/ttyACM0"\n[boards.x.power]\nmonitor = "multimeter"\n')
    with pytest.raises(EdgeqError, match=r"boards\.x\.power\.monitor' is 'multimeter'"):
        load_lab()


def test_absent_lab_file_means_nothing_attached(tmp_path, monkeypatch):
    monkeypatch.setenv("EDGEQ_LAB", str(tmp_path / "missing.toml"))
    assert load_lab() == {}
