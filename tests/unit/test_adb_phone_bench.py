"""`edgeq bench MODEL --adb` end to end against the stand-in adb (tests/fake_adb/adb), which replays real
benchmark_model and battery outputs from ../shared/fixtures/android."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeq.bench.phone import run_on_phone
from edgeq.targets.phones import load_phone
from edgeq.cli.bench import command
from edgeq.errors import EdgeqError

FAKE = Path(__file__).resolve().parents[1] / "fake_adb"


@pytest.fixture
def phone(tmp_path, monkeypatch, shared_models):
    home = tmp_path / "adb-home"
    monkeypatch.setenv("PATH", f"{FAKE}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_ADB_HOME", str(home))
    monkeypatch.setenv("FAKE_ADB_BENCH_SECONDS", "0.8")
    binary = tmp_path / "benchmark_model"
    binary.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(64))  # a 64-bit ELF header, as the real binary starts
    binary.chmod(0o755)
    return {"home": home, "binary": binary, "model": shared_models / "kws_ref_model.tflite"}


def bench(phone, **kw):
    args = dict(serial=None, phone_id=None, benchmark_binary=phone["binary"], threads=4, delegate="cpu",
                runs=50, warmups=1, allow_charging=False, idle_seconds=0.5)
    args.update(kw)
    return run_on_phone(phone["model"], **args)


def device_files(phone):
    return sorted(p.relative_to(phone["home"]) for p in phone["home"].rglob("*") if p.is_file()
                  and "fs" in p.parts)


def test_cpu_run_with_energy_and_cleanup(phone):
    r = bench(phone)
    # tf2.3 fixture: Inference (avg) 33209.4 us, std 450 us over 50 runs, init 855 us, peak 12.8672 MB.
    assert r.target == "adb:n311r05e" and r.latency_ms == pytest.approx(33.2094)
    assert r.latency_std_ms == pytest.approx(0.450) and r.runs == 50 and r.init_ms == pytest.approx(0.855)
    assert r.memory_kind == "peak" and r.memory_overall_mb == pytest.approx(12.8672)
    # Fake phone: 60 mA idle, 200 mA while running, 3.815175 V. Sampling edges blur the active window, so
    # the excess power lies between 0 and (200-60) mA x 3.815175 V = 534 mW; most samples are inside.
    assert (r.latency_source, r.timing_source) == ("measured", "benchmark_model")
    assert r.energy_source == "measured" and "battery gauge" in r.energy_note and "current_now" in r.energy_note
    full = 0.140 * 3.815175 * 33.2094e-3 * 1e6
    assert 0.6 * full < r.energy_uj <= full * 1.001
    assert any("every" in c and "ms" in c for c in r.energy_caveats)
    assert device_files(phone) == []  # model, binary and work dir removed


def test_kernel_sign_and_milliamp_phones_give_the_same_energy(phone, monkeypatch):
    full = 0.140 * 3.815175 * 33.2094e-3 * 1e6
    for scenario in ("discharging-kernel-sign", "milliamps"):
        monkeypatch.setenv("FAKE_ADB_BATTERY", scenario)
        r = bench(phone)
        assert 0.6 * full < r.energy_uj <= full * 1.001, scenario


def test_energy_refused_while_charging_unless_allowed(phone, monkeypatch):
    monkeypatch.setenv("FAKE_ADB_BATTERY", "charging-usb")
    r = bench(phone)
    assert r.energy_uj is None and "refused" in r.energy_note and "USB" in r.energy_note
    assert r.latency_ms == pytest.approx(33.2094)
    r = bench(phone, allow_charging=True)
    assert any("external power" in c for c in r.energy_caveats)


@pytest.mark.parametrize("delegate, applied, latency", [
    ("gpu", True, 119.375),      # OpenCL GPU delegate fully applied
    ("xnnpack", True, 40.1173),  # "completely executed by the delegate"
    ("nnapi", True, 53.9745),    # partial: 11 delegate kernels
])
def test_delegates(phone, delegate, applied, latency):
    r = bench(phone, delegate=delegate)
    assert r.delegate_applied is applied and r.latency_ms == pytest.approx(latency)


def test_silent_fallback_detected(phone, monkeypatch):
    monkeypatch.setenv("FAKE_ADB_BENCH", "tf1x_2019_old_format_nnapi_unavailable_tail.txt")
    r = bench(phone, delegate="nnapi")
    assert r.delegate_applied is False and "libneuralnetworks.so" in r.delegate_detail


def test_delegate_failure_and_cleanup(phone, monkeypatch):
    monkeypatch.setenv("FAKE_ADB_BENCH", "tf2.4_nnapi_delegate_failed.txt")
    with pytest.raises(EdgeqError, match="Failed to apply NNAPI delegate") as err:
        bench(phone, delegate="nnapi")
    assert "--use_nnapi=true" in err.value.message
    assert device_files(phone) == []


def test_wrong_architecture_binary(phone, monkeypatch):
    monkeypatch.setenv("FAKE_ADB_ABI", "armeabi-v7a")
    with pytest.raises(EdgeqError, match="not executable: 64-bit ELF file") as err:
        bench(phone)
    assert "architecture" in err.value.hint
    assert device_files(phone) == []


def test_no_binary_anywhere(phone):
    with pytest.raises(EdgeqError, match="no benchmark_model binary") as err:
        bench(phone, benchmark_binary=None)
    assert "--benchmark-binary" in err.value.hint


def test_cleanup_failure_does_not_hide_the_real_error(phone, monkeypatch):
    """The phone vanishes before the work dir is removed: the user still learns why the benchmark failed."""
    monkeypatch.setenv("FAKE_ADB_UNPLUG_BEFORE_RM", "1")
    with pytest.raises(EdgeqError, match="no benchmark_model binary") as err:
        bench(phone, benchmark_binary=None)
    assert "could not remove" in err.value.message and "not attached" in err.value.message


def test_binary_already_on_device_is_kept(phone):
    device_binary = phone["home"] / "n311r05e" / "fs" / "data" / "local" / "tmp" / "benchmark_model"
    device_binary.parent.mkdir(parents=True)
    device_binary.write_bytes(phone["binary"].read_bytes())
    device_binary.chmod(0o755)
    r = bench(phone, benchmark_binary=None, phone_id="pixel-7")
    assert r.latency_ms == pytest.approx(33.2094)
    assert device_files(phone) == [Path("n311r05e/fs/data/local/tmp/benchmark_model")]


@pytest.mark.parametrize("scenario, words", [("none", "no Android device"), ("unauthorized", "unauthorized")])
def test_cli_device_problems(phone, monkeypatch, scenario, words):
    monkeypatch.setenv("FAKE_ADB_SCENARIO", scenario)
    result = CliRunner().invoke(command, [str(phone["model"]), "--adb"])
    assert isinstance(result.exception, EdgeqError) and words in result.exception.message


def test_cli_json(phone, monkeypatch):
    result = CliRunner().invoke(command, [str(phone["model"]), "--adb", "n311r05e", "--delegate", "gpu",
                                          "--benchmark-binary", str(phone["binary"]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["target"] == "adb:n311r05e" and data["delegate_applied"] is True
    assert data["energy_source"] == "measured" and data["energy_uj"] > 0
    assert data["latency_source"] == "measured" and data["timing_source"] == "benchmark_model"
    assert data["first_inference_ms"] == pytest.approx(130.565) and data["warmups"] == 4


@pytest.mark.parametrize("text, words", [
    ('name = "P"\n[benchmark]\nbinary = 5\n', "key 'benchmark.binary' must be a string"),
    ('name = 1\n', "key 'name' must be a string"),
    ('name = "P"\nbattery = 3\n', "key 'battery' must be a table"),
    ('name = "P"\n[battery]\ncurrent_unit = "A"\n', "key 'battery.current_unit' is 'A'; expected one of: auto, uA, mA"),
    ('name = "P"\n[battery]\nvoltage = "/sys/x"\n', "key 'battery.voltage' is not part of the schema"),
    ('abi = "arm64-v8a"\n', "key 'name' is missing"),
])
def test_phone_toml_is_read_as_strictly_as_a_board(tmp_path, text, words):
    (tmp_path / "p.toml").write_text(text)
    with pytest.raises(EdgeqError, match=re.escape(words)) as info:
        load_phone("p", tmp_path)
    assert "devices/phones/README.md" in info.value.hint


def test_the_bundled_phones_load():
    from edgeq.data import PHONES_DIR

    for path in sorted(PHONES_DIR.glob("*.toml")):
        assert load_phone(path.stem).name


def test_phone_relative_binary_is_next_to_its_toml(tmp_path, monkeypatch):
    (tmp_path / "phones").mkdir()
    (tmp_path / "phones" / "p.toml").write_text('name = "P"\n[benchmark]\nbinary = "bin/benchmark_model"\n')
    monkeypatch.chdir(tmp_path)  # the cwd is not where the TOML is
    assert load_phone("p", tmp_path / "phones").benchmark_binary == tmp_path / "phones" / "bin" / "benchmark_model"
