"""Long commands show a counter on a terminal and nothing when stderr is piped."""
from __future__ import annotations

import io

from edgeq.cli import progress as progress_mod


def test_counter_draws_on_a_terminal_and_clears_at_the_end(monkeypatch):
    clock = iter([0.0, 0.0, 0.05, 1.0, 2.0])
    monkeypatch.setattr(progress_mod.time, "monotonic", lambda: next(clock))
    out = io.StringIO()
    tick = progress_mod.counter("validate: samples in QEMU", out, tty=True)
    tick(1, 3)
    tick(2, 3)  # 50 ms later: not redrawn
    tick(2, 3)
    tick(3, 3)
    text = out.getvalue()
    assert "\rvalidate: samples in QEMU 1/3 (0 s)" in text and "2/3 (1 s)" in text and "3/3 (2 s)" in text
    assert text.count("2/3") == 1  # throttled
    assert text.endswith("\r")  # the line is blanked once everything is done


def test_no_counter_without_a_terminal():
    assert progress_mod.counter("x", io.StringIO()) is None
    assert progress_mod.counter("x", io.StringIO(), tty=False) is None


def test_validate_passes_a_counter(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import edgeq.validate
    from edgeq.cli.validate import command

    seen = {}

    def fake_validate_build(*args, progress=None, **kwargs):
        seen["progress"] = progress
        raise SystemExit(0)

    monkeypatch.setattr(edgeq.validate, "validate_build", fake_validate_build)
    monkeypatch.setattr(progress_mod, "counter", lambda label, stream=None, tty=None: ("counter", label))
    CliRunner().invoke(command, [str(tmp_path), "--emulate"])
    assert seen["progress"] == ("counter", "validate: samples in QEMU")
