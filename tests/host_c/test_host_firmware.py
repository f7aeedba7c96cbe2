"""Protocol conformance of the real host firmware (firmware/main.c + protocol/dut.c + ports/host) built with
gcc under AddressSanitizer/UndefinedBehaviorSanitizer, around a hand-written model
(tests/host_c/fake_model/model.c) whose outputs numpy recomputes independently.

Reply strings checked against the MLPerf Tiny API (mlcommons/tiny benchmark/api): `m-init-done`, `m-ready`,
`m-name-dut-[…]`, `m-profile-[ULPMark for tinyML Firmware V0.0.1]`, `m-model-[…]`, `m-[Expecting N bytes]`,
`m-load-done`, `m-warmup-start-W`, `m-warmup-done`, `m-infer-start-N`, `m-lap-us-T`, `m-infer-done`,
`m-results-[…]`.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from edgeq.errors import EdgeqError
from edgeq.transport.client import DutClient
from edgeq.transport.host import HostTransport

REPO = Path(__file__).resolve().parents[2]
FW = REPO / "firmware"
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-g",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]

pytestmark = pytest.mark.tools("gcc")


@pytest.fixture(scope="module")
def firmware(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fake_fw") / "fw"
    subprocess.run(["gcc", *CFLAGS, "-DEDGEQ_INPUT_BYTES=10", f"-I{FW / 'include'}", f"-I{FW / 'protocol'}",
                    str(FW / "main.c"), str(FW / "protocol" / "dut.c"), str(FW / "ports" / "host" / "port.c"),
                    str(REPO / "tests" / "host_c" / "fake_model" / "model.c"), "-o", str(out)], check=True)
    return out


def run_raw(firmware: Path, data: bytes) -> list[str]:
    proc = subprocess.run([str(firmware)], input=data, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert proc.stderr == b""
    assert all(b == 0x0D or b == 0x0A or 0x20 <= b <= 0x7E for b in proc.stdout), "non-ASCII output"
    assert proc.stdout.endswith(b"\r\n")
    return proc.stdout.decode("ascii").split("\r\n")[:-1]


def replies(lines: list[str]) -> list[list[str]]:
    """Per-command replies after the boot banner (each closed by one m-ready)."""
    assert lines[:2] == ["m-init-done", "m-ready"]
    groups, current = [], []
    for line in lines[2:]:
        if line == "m-ready":
            groups.append(current)
            current = []
        else:
            current.append(line)
    assert current == [], f"lines after the last m-ready: {current}"
    return groups


def expected_outputs(x: np.ndarray) -> tuple[bytes, bytes, list[float]]:
    """The fake model's definition, recomputed: out0 = sat8(2x) (scale .25, zp 1), out1 = [sum, max] fp32."""
    out0 = np.clip(2 * x.astype(np.int32), -128, 127).astype(np.int8)
    out1 = np.array([x.astype(np.float32).sum(), x.max()], dtype=np.float32)
    deq = [0.25 * (int(v) - 1) for v in out0] + [float(v) for v in out1]
    return out0.tobytes(), out1.tobytes(), deq


X = np.array([1, 2, 3, 4, 5, 127, -128, -1, 0, -2], dtype=np.int8)


def load_commands(x: np.ndarray, chunk: int = 5) -> bytes:
    data = x.tobytes()
    cmds = [f"db load {len(data)}"] + [f"db {data[i:i + chunk].hex()}" for i in range(0, len(data), chunk)]
    return "".join(c + "%" for c in cmds).encode()


def test_official_commands_and_one_ready_each(firmware):
    cmds = ["name", "profile", "timestamp", "help"]
    groups = replies(run_raw(firmware, "".join(c + "%" for c in cmds).encode()))
    assert len(groups) == len(cmds)
    assert groups[0] == ["m-name-dut-[edgeq]"]
    assert groups[1] == ["m-profile-[ULPMark for tinyML Firmware V0.0.1]", "m-model-[fake_model]"]
    assert len(groups[2]) == 1 and re.fullmatch(r"m-lap-us-\d+", groups[2][0])
    assert groups[3] and all(line.startswith("m-") for line in groups[3])


def test_load_infer_results_match_independent_computation(firmware):
    raw0, raw1, deq = expected_outputs(X)
    data = load_commands(X) + b"infer 3 2%results%edgeq ticks%"
    groups = replies(run_raw(firmware, data))
    assert groups[0] == ["m-[Expecting 10 bytes]"]
    assert groups[1] == [] and groups[2] == ["m-load-done"]
    infer = groups[3]
    assert infer[:3] == ["m-warmup-start-2", "m-warmup-done", "m-infer-start-3"]
    laps = [int(line[len("m-lap-us-"):]) for line in infer[3:5]]
    assert all(line.startswith("m-lap-us-") for line in infer[3:5]) and laps[0] <= laps[1]
    assert infer[5] == "m-infer-done"
    assert infer[6] == "m-results-[" + ",".join(f"{v:.3f}" for v in deq) + "]"
    # 3 timed + 2 warm-up runs on one load: equal outputs prove the staged input is re-copied each run
    assert infer[7:] == [f"m-edgeq-raw-0-[{raw0.hex()}]", f"m-edgeq-raw-1-[{raw1.hex()}]"]
    assert groups[4] == infer[6:]
    ticks = re.fullmatch(r"m-edgeq-ticks-\[runs=3,total=(\d+),min=(\d+),max=(\d+)\]", groups[5][0])
    assert ticks and int(ticks[2]) <= int(ticks[3]) <= int(ticks[1])


def test_wrong_sizes_and_bad_hex_rejected_without_overflow(firmware):
    cmds = ["db load 11", "db 00", "db load 9", "db load 0", "db load x", "db load 10", "db 0g", "db 123",
            "db 000102030405060708090a", "db 0001", "infer 1 0", "db load 10", "db 00010203040506070809",
            "infer 0", "infer 1 -1", "infer a", "results"]
    groups = replies(run_raw(firmware, "".join(c + "%" for c in cmds).encode()))
    assert len(groups) == len(cmds)
    errors = {cmd: g for cmd, g in zip(cmds, groups)}
    assert groups[0] == ["e-[db load expects exactly 10 bytes (the model input), not 11]"]
    assert groups[1] == ["e-[No load in progress: send 'db load N' first]"]
    for i in (2, 3, 4, 6, 7, 8, 13, 14, 15, 16):
        assert len(groups[i]) == 1 and groups[i][0].startswith("e-["), (cmds[i], groups[i])
    assert groups[5] == ["m-[Expecting 10 bytes]"]
    assert "Too many bytes" in groups[8][0]  # 11 bytes into a 10-byte load: refused whole, load aborted
    assert groups[9] == ["e-[No load in progress: send 'db load N' first]"]
    assert groups[10] == ["e-[No input loaded: send 'db load N' and 'db HEX' first]"]
    assert groups[12] == ["m-load-done"]
    assert errors["results"] == ["e-[No results: run 'infer' on a loaded input first]"]


def test_garbage_and_overlong_commands(firmware):
    rng = random.Random(1234)
    junk = bytes(rng.randrange(256) for _ in range(20000))
    long_cmd = b"db " + b"00" * 400 + b"%"
    data = junk + b"%" + long_cmd + b"\r\nname\r\n%" + b"%"
    lines = run_raw(firmware, data)
    groups = replies(lines)
    assert len(groups) == data.count(b"%")  # one m-ready per terminator, whatever came before it
    assert groups[-3] == ["e-[Command longer than 128 characters]"]
    assert groups[-2] == ["m-name-dut-[edgeq]"]
    assert groups[-1] == ["e-[Empty command]"]
    assert all(len(g) == 1 and g[0].startswith("e-[") for g in groups[:-3])


def test_edgeq_info_and_profile_through_client(firmware):
    with HostTransport(firmware) as transport:
        client = DutClient(transport, timeout=20)
        assert client.sync() == ("dut", "edgeq")
        info = client.info()
        assert (info.model, info.arena_bytes, info.op_count, info.input_bytes) == ("fake_model", 30, 2, 10)
        assert info.timer.source == "wall" and info.timer.unit == "ns"
        assert [(t.dtype, t.scale, t.zero_point) for t in info.inputs] == [("int8", 0.5, -3)]
        assert [(t.dtype, t.count) for t in info.outputs] == [("int8", 10), ("float32", 2)]
        with pytest.raises(EdgeqError, match="No input loaded"):
            client.profile_ops()
        raw0, raw1, deq = expected_outputs(X)
        results = client.run(X.tobytes())
        assert results.raw == (raw0, raw1)
        assert results.values == pytest.approx(deq, abs=5e-4)
        ops = client.profile_ops()
        assert [o.name for o in ops] == ["MUL", "SUM"] and client.results().raw == (raw0, raw1)
        run = client.infer(runs=4, warmups=1)
        assert (run.runs, run.warmups, run.results.raw) == (4, 1, (raw0, raw1))
        assert client.ticks().runs == 4
        with pytest.raises(EdgeqError, match="expects 10"):
            client.load(b"\x00" * 11)
        assert transport.transcript[0] == "> name%"
    assert transport.returncode == 0


def test_client_times_out_on_a_silent_device():
    cat = shutil.which("cat")
    with HostTransport(Path(cat)) as transport:  # echoes `name%` without a newline: never answers
        client = DutClient(transport, timeout=0.5)
        with pytest.raises(EdgeqError, match="no reply from the device within 0.5 s") as err:
            client.sync()
        assert "> name%" in err.value.message


def test_client_reports_a_device_that_exits():
    with HostTransport(Path(shutil.which("false"))) as transport:
        with pytest.raises(EdgeqError, match="exited with code 1"):
            DutClient(transport, timeout=5).sync()
