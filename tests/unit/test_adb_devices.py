"""`adb devices` parsing and device choice against real published adb output
(../shared/fixtures/android/adb, see SOURCES.md there)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from edgeq.errors import EdgeqError
from edgeq.transport.adb import AdbDevice, choose_device, explain_failure, parse_devices

FIX = Path(os.environ["EDGEQ_SHARED"]) / "fixtures" / "android" / "adb"


def devices(name: str) -> tuple[AdbDevice, ...]:
    return parse_devices((FIX / name).read_text())


def test_long_listing_with_padded_serial_and_properties():
    (d,) = devices("devices_l_huawei_goadb2.txt")  # the `$ adb devices -l` prompt line is not a device
    assert (d.serial, d.state) == ("UYT5T18414003349", "device")
    assert d.prop("model") == "ALP_AL00" and d.prop("usb") == "1114112X" and d.prop("transport_id") == "23"


def test_usb_and_tcp_devices_without_header():
    usb, tcp = devices("devices_l_usb_and_tcp_adbproxy31.txt")
    assert usb.prop("product") == "dm3qxxx" and tcp.serial == "127.0.0.1:34381"
    assert tcp.properties == (("transport_id", "33"),)
    with pytest.raises(EdgeqError, match="2 Android devices") as err:
        choose_device((usb, tcp), None)
    assert "--adb SERIAL" in err.value.hint
    assert choose_device((usb, tcp), "127.0.0.1:34381") is tcp


def test_single_device_chosen_and_unknown_serial_refused():
    (d,) = devices("devices_l_single_line_adbclient94.txt")
    assert choose_device((d,), None) is d
    with pytest.raises(EdgeqError, match="no Android device with serial 'nope'.*n311r05e"):
        choose_device((d,), "nope")


def test_tab_separated_two_devices_after_other_terminal_lines():
    found = devices("devices_two_devices_more_than_one_scrcpy623.txt")
    assert [(d.serial, d.state) for d in found] == [("xxxxxxxxxxxxx", "device"), ("10.43.82.66:5555", "device")]


@pytest.mark.parametrize("name, serial, state, hint_word", [
    ("devices_unauthorized_flutter358.txt", "8XV5000A20007972", "unauthorized", "Allow USB debugging"),
    ("devices_unauthorized_adbfilemanager26.txt", "4df798d76f98cf6d", "unauthorized", "Allow USB debugging"),
    ("devices_offline_adbroot19.txt", "cexxxxxxxxxxxxxx03", "offline", "replug"),
    ("devices_offline_emulator_with_adb_version_openautoglm155.txt", "emulator-5554", "offline", "replug"),
    ("devices_no_permissions_rayhunter162.txt", "eb9f484b", "no permissions", "udev"),
    ("devices_no_permissions_truncated_openpilot36516.txt", "863276c1", "no permissions", "plugdev"),
])
def test_unusable_states_say_what_to_do(name, serial, state, hint_word):
    found = devices(name)
    assert [(d.serial, d.state) for d in found] == [(serial, state)]
    with pytest.raises(EdgeqError) as err:
        choose_device(found, None)
    assert serial in err.value.message and state in err.value.message
    assert hint_word in err.value.hint


def test_no_permissions_keeps_the_explanation():
    (d,) = devices("devices_no_permissions_rayhunter162.txt")
    assert d.detail.startswith("(missing udev rules? user is in the plugdev group)")


def test_authorized_after_dialog():
    (d,) = devices("devices_device_after_auth_adbfilemanager26.txt")
    assert choose_device((d,), "4df798d76f98cf6d") is d


def test_none_attached():
    assert devices("error_no_devices_found_udev154.txt") == ()
    with pytest.raises(EdgeqError, match="no Android device attached") as err:
        choose_device((), None)
    assert "--host" in err.value.hint


@pytest.mark.parametrize("name, words", [
    ("error_no_devices_found_udev154.txt", "not attached"),
    ("error_more_than_one_device_old_style_scrcpy121.txt", "more than one"),
    ("devices_two_devices_more_than_one_scrcpy623.txt", "more than one"),
    ("error_device_offline_https_everywhere4116.txt", "offline"),
    ("push_failed_to_copy_fchown_ecmdroid7.txt", "remote fchown failed: Operation not permitted"),
    ("push_failed_to_copy_is_a_directory_phisap21.txt", "remote couldn't create file: Is a directory"),
    ("push_failed_to_copy_no_such_file_scrcpy4876.txt", "No such file or directory"),
    ("push_failed_to_copy_old_adb_mnn52.txt", "Read-only file system"),
])
def test_adb_error_messages_explained(name, words):
    err = explain_failure((FIX / name).read_text(), "adb")
    assert words in err.message and err.hint


def test_garbage_is_not_a_device():
    assert parse_devices("adb version\nAndroid Debug Bridge version 1.0.41\n\x00\nserial\n") == ()
