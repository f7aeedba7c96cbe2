"""The grid's one progress display: cells done, running and failed, overall and per board.

On a terminal the status is one line at the bottom, redrawn in place, with the sweep's own lines printed
above it; elsewhere (a CI log, a pipe) only the lines are printed, and the status once per finished cell is
left out so a log stays readable. `GridStatus` is the pure part (counts and the text).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, TextIO

from edgeq.sweep.executors import Chain, Events, Outcome


@dataclass
class BoardCount:
    total: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0


@dataclass
class GridStatus:
    boards: dict[str, BoardCount] = field(default_factory=dict)
    _running: set = field(default_factory=set)

    def expect(self, chains) -> None:
        for chain in chains:
            self.boards.setdefault(chain.board, BoardCount()).total += 1

    def started(self, chain: Chain) -> None:
        if chain.id not in self._running:
            self._running.add(chain.id)
            self.boards[chain.board].running += 1

    def finished(self, outcome: Outcome, ok: bool | None = None) -> None:
        count = self.boards[outcome.chain.board]
        if outcome.chain.id in self._running:
            self._running.discard(outcome.chain.id)
            count.running -= 1
        count.done += 1
        failed = not outcome.ok if ok is None else not ok
        count.failed += failed

    def text(self) -> str:
        total = sum(c.total for c in self.boards.values())
        done = sum(c.done for c in self.boards.values())
        running = sum(c.running for c in self.boards.values())
        failed = sum(c.failed for c in self.boards.values())
        parts = [f"cells {done}/{total} done, {running} running, {failed} failed"]
        for board, c in self.boards.items():
            parts.append(f"{board} {c.done}/{c.total}" + (f" ({c.failed} failed)" if c.failed else "")
                         + (f" [{c.running} running]" if c.running else ""))
        return " | ".join(parts)


class GridDisplay:
    def __init__(self, stream: TextIO, tty: bool | None = None):
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.status = GridStatus()

    def _redraw(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K" + self.status.text()[:400])
            self.stream.flush()

    def print(self, line: str) -> None:
        self.stream.write(("\r\033[K" if self.tty else "") + line + "\n")
        self._redraw()

    def expect(self, chains) -> None:
        self.status.expect(chains)
        self._redraw()

    def finished(self, outcome: Outcome) -> None:
        value = outcome.value
        ok = outcome.ok and (not isinstance(value, dict) or value.get("status", "ok") == "ok")
        self.status.finished(outcome, ok)
        self._redraw()

    def events(self, progress: Callable[[str], None]) -> Events:
        def started(chain: Chain) -> None:
            self.status.started(chain)
            self._redraw()

        return Events(started=started, line=progress)

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K" + self.status.text() + "\n")
            self.stream.flush()
