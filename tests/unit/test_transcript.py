"""One failure-transcript helper: a failed device command keeps the conversation in the build's logs/."""
from __future__ import annotations

from edgeq.errors import EdgeqError
from edgeq.transport.transcript import with_transcript


class _Transport:
    def save_transcript(self, path):
        path.write_text("> sync\n< m-ready\n")


def test_the_error_says_where_the_transcript_is(tmp_path):
    err = with_transcript(EdgeqError("no reply to infer", "check the UART"), _Transport(), tmp_path, "bench",
                          "; kept")
    log = tmp_path / "logs" / "bench-transcript.log"
    assert log.read_text() == "> sync\n< m-ready\n"
    assert err.message == f"no reply to infer\n(protocol transcript saved to {log}; kept)"
    assert err.hint == "check the UART"
