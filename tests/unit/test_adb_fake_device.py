"""The adb wrapper against the stand-in `adb` (tests/fake_adb/adb) and against the real Debian adb."""
from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from edgeq.errors import EdgeqError
from edgeq.transport import adb

FAKE = Path(__file__).resolve().parents[1] / "fake_adb"


@pytest.fixture
def fake_adb(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{FAKE}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_ADB_HOME", str(tmp_path / "adb-home"))
    monkeypatch.setenv("FAKE_ADB_BENCH_SECONDS", "0")
    return tmp_path


@pytest.mark.parametrize("scenario, words", [
    ("none", "no Android device attached"),
    ("two", "2 Android devices"),
    ("offline", "emulator-5554 is offline"),
    ("unauthorized", "4df798d76f98cf6d is unauthorized"),
    ("no-permissions", "eb9f484b is no permissions"),
])
def test_connect_refuses_with_reason(fake_adb, monkeypatch, scenario, words):
    monkeypatch.setenv("FAKE_ADB_SCENARIO", scenario)
    with pytest.raises(EdgeqError, match=words):
        adb.connect(None)


def test_push_shell_and_remove(fake_adb, tmp_path):
    device = adb.connect(None)
    assert device.serial == "n311r05e"
    local = tmp_path / "m.tflite"
    local.write_bytes(b"TFL3" * 10)
    device.shell(["mkdir", "-p", "/data/local/tmp/edgeq-t"])
    device.push(local, "/data/local/tmp/edgeq-t/")
    assert device.exists("/data/local/tmp/edgeq-t/m.tflite")
    assert device.check_shell(["getprop", "ro.product.cpu.abi"]).strip() == "arm64-v8a"
    device.remove("/data/local/tmp/edgeq-t")
    assert not device.exists("/data/local/tmp/edgeq-t/m.tflite")
    missing = device.shell(["/data/local/tmp/nothing"])
    assert missing.returncode == 127 and "inaccessible or not found" in missing.output
    with pytest.raises(EdgeqError, match="exit 1"):
        device.check_shell(["cat", "/data/local/tmp/none"])


def test_push_errors_become_edgeq_errors(fake_adb, tmp_path):
    device = adb.connect("n311r05e")
    local = tmp_path / "m.tflite"
    local.write_bytes(b"x")
    with pytest.raises(EdgeqError, match="Read-only file system") as err:
        device.push(local, "/system/m.tflite")
    assert "/data/local/tmp" in err.value.hint


def test_serial_that_went_away(fake_adb, monkeypatch):
    device = adb.Adb("gone-serial")
    with pytest.raises(EdgeqError, match="not attached"):
        device.shell(["ls", "/"])


def test_missing_adb(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EdgeqError, match="adb not found") as err:
        adb.connect(None)
    assert "setup" in err.value.hint


@pytest.mark.tools("adb")
def test_real_adb_lists_no_device_here():
    """Debian's adb on a private server port: its real `devices -l` output parses to no device."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ANDROID_ADB_SERVER_PORT": str(port)}
    try:
        out = subprocess.run(["adb", "devices", "-l"], env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "List of devices attached" in out.stdout
        assert adb.parse_devices(out.stdout) == ()
    finally:
        subprocess.run(["adb", "kill-server"], env=env, capture_output=True, timeout=30)
