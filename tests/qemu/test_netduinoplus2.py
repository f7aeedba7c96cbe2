"""The STM32 port executing in CI: QEMU's netduinoplus2 (STM32F405) runs the stm32-usart console and the
board's TOML init sequence. QEMU has no RCC model, so the clock-ready waits must time out (bounded) and be
reported by step, the DUT protocol must answer over the emulated USART1, and outputs must be bit-exact with
TFLite Micro."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")


def test_validate_on_the_emulated_stm32f405_is_bit_exact_and_reports_the_clock_waits(model_build):
    build = model_build("ad01_int8", "netduinoplus2")
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(build), "--emulate",
                           "--data", "random:10", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["samples"] == 10 and report["mismatched_elements"] == 0
    (log,) = sorted((build / "logs").glob("uart-*.log"))[-1:]
    text = log.read_text(errors="replace")
    timed_out = [line for line in text.splitlines() if line.startswith("m-edgeq-init-timeout-")]
    assert timed_out == ["m-edgeq-init-timeout-[step=1,what=RCC_CR.HSEON, wait HSERDY]",
                         "m-edgeq-init-timeout-[step=5,what=RCC_CR.PLLON, wait PLLRDY]",
                         "m-edgeq-init-timeout-[step=6,what=RCC_CFGR.SW = PLL, wait SWS = PLL]"]
    assert "m-name-" in text   # the DUT answered over USART1
    manifest = json.loads((build / "edgeq-build.json").read_text())
    assert manifest["target_facts"]["machine"] == "netduinoplus2"
    assert manifest["target_facts"]["timing_source"] == "systick-icount"


@pytest.mark.tools("gdb-multiarch")
def test_flash_through_the_gdbstub_into_read_only_flash_then_the_usart_answers(model_build, tmp_path):
    import socket
    import time

    from edgeq.targets import get_board
    from edgeq.transport.client import DutClient
    from edgeq.transport.qemu import QemuProcess
    from edgeq.transport.serial import SerialTransport

    build = model_build("ad01_int8", "netduinoplus2")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with QemuProcess(get_board("netduinoplus2"), None, tmp_path, gdb_port=port, halted=True) as qemu:
        with SerialTransport(qemu.pty) as uart:
            proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "flash", str(build), "--probe", "gdb",
                                   "--gdb-remote", f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, proc.stderr
            assert "verified, reset" in proc.stdout
            deadline = time.monotonic() + 10   # the USART drops input until the firmware has enabled it
            while b"m-init-done" not in qemu.uart_log.read_bytes() and time.monotonic() < deadline:
                time.sleep(0.01)
            client = DutClient(uart, timeout=5)
            client.sync()
            assert client.info().model == "ad01_int8"
