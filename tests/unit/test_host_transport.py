"""The host transport never blocks forever on a program that stopped reading its input."""
from __future__ import annotations

import time

import pytest

from edgeq.errors import EdgeqError
from edgeq.transport.host import HostTransport


@pytest.mark.timeout(30)  # without the write timeout this test would block forever
def test_write_to_a_program_that_stops_reading_times_out(tmp_path):
    program = tmp_path / "hung"
    program.write_text("#!/bin/sh\nexec sleep 60\n")  # like a firmware stuck in a kernel: never reads stdin
    program.chmod(0o755)
    transport = HostTransport(program, write_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(EdgeqError, match="stopped reading its input") as err:
        transport.write(b"x" * (4 << 20))  # far more than a pipe holds
    assert time.monotonic() - started < 10
    assert "killed" in err.value.message
    assert transport.returncode is not None  # the program is gone, not left running
    transport.close()


def test_write_to_an_exited_program_says_it_is_gone(tmp_path):
    program = tmp_path / "quits"
    program.write_text("#!/bin/sh\nexit 3\n")
    program.chmod(0o755)
    with HostTransport(program) as transport:
        transport._proc.wait(timeout=10)
        with pytest.raises(EdgeqError, match="exited with code 3"):
            transport.write(b"x" * (1 << 20))
