"""The lab file is read as strictly as boards and phones: unknown keys and wrong types are refused, every error
naming the file and the dotted key."""
from __future__ import annotations

import pytest

from edgeq.errors import EdgeqError
from edgeq.targets.lab import load_lab

GOOD = ('[boards.nucleo-l4r5zi]\nport = "/dev/ttyACM0"\nprobe = "pyocd"\nprobe_id = "066C"\n'
        'gdb_remote = "localhost:3333"\n[boards.nucleo-l4r5zi.power]\nmonitor = "joulescope"\nserial = "JS1"\n'
        'voltage_v = 3\n')


def test_a_complete_entry_is_read_into_frozen_data(tmp_path):
    lab = tmp_path / "lab.toml"
    lab.write_text(GOOD)
    entry = load_lab(lab)["nucleo-l4r5zi"]
    assert (entry.port, entry.probe, entry.probe_id, entry.gdb_remote) == ("/dev/ttyACM0", "pyocd", "066C",
                                                                          "localhost:3333")
    assert (entry.power.monitor, entry.power.serial, entry.power.port, entry.power.voltage_v) == ("joulescope", "JS1",
                                                                                                  None, 3.0)


@pytest.mark.parametrize("text, key, problem", [
    ('[desk]\nname = "x"\n', "desk", "is not part of the schema"),
    ('[boards.b]\nport = "/dev/ttyACM0"\nbaud = 9600\n', "boards.b.baud", "is not part of the schema"),
    ('[boards.b.power]\nmonitor = "ppk2"\nchannel = 1\n', "boards.b.power.channel", "is not part of the schema"),
    ('[boards.b]\nport = 3\n', "boards.b.port", "must be a string"),
    ('[boards.b]\nprobe = "jlink"\n', "boards.b.probe", "is 'jlink'; expected one of"),
    ('[boards.b.power]\nmonitor = "ppk2"\nvoltage_v = "3.3"\n', "boards.b.power.voltage_v", "must be a number"),
    ('[boards.b.power]\nmonitor = "ppk2"\nvoltage_v = -1\n', "boards.b.power.voltage_v", "is -1; must be > 0"),
    ('[boards.b.power]\nport = "/dev/ttyACM1"\n', "boards.b.power.monitor", "is missing"),
    ('boards = 1\n', "boards", "must be a table"),
    ('[boards]\nb = "/dev/ttyACM0"\n', "boards.b", "must be a table"),
])
def test_unknown_keys_and_wrong_types_name_the_file_and_key(tmp_path, text, key, problem):
    lab = tmp_path / "lab.toml"
    lab.write_text(text)
    with pytest.raises(EdgeqError) as err:
        load_lab(lab)
    assert err.value.message.startswith(f"{lab}: key '{key}' {problem}"), err.value.message
    assert "lab" in err.value.hint


def test_invalid_toml_names_the_file(tmp_path):
    lab = tmp_path / "lab.toml"
    lab.write_text("[boards.b\n")
    with pytest.raises(EdgeqError, match=f"{lab}: not valid TOML"):
        load_lab(lab)
