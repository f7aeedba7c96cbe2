"""Keep a device conversation when a command fails: the one helper `bench` and `validate` use."""
from __future__ import annotations

from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.transport.base import Transport


def with_transcript(err: EdgeqError, transport: Transport, build_dir: Path, command: str,
                    note: str = "") -> EdgeqError:
    """`err` with where the protocol transcript went: `build_dir/logs/<command>-transcript.log` (plus `note`,
    e.g. that a temporary build was kept). Raise the result `from None`: the transcript is the context."""
    log = Path(build_dir) / "logs" / f"{command}-transcript.log"
    log.parent.mkdir(exist_ok=True)
    transport.save_transcript(log)
    return EdgeqError(f"{err.message}\n(protocol transcript saved to {log}{note})", err.hint)
