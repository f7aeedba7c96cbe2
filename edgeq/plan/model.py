"""The result of planning: where each buffer sits in the arena."""
from __future__ import annotations

from dataclasses import dataclass

from edgeq.errors import EdgeqError
from edgeq.plan.lifetimes import Buffer
from edgeq.plan.overlap import Overlap, overlap_between


@dataclass(frozen=True)
class Placement:
    buffer: Buffer
    offset: int

    @property
    def end(self) -> int:
        return self.offset + self.buffer.size


@dataclass(frozen=True)
class MemoryPlan:
    placements: tuple[Placement, ...]
    arena_bytes: int
    alignment: int
    algorithm: str  # "greedy" | "linear"
    overlaps: tuple[Overlap, ...] = ()  # output-over-input sharing the plan may use (edgeq.plan.overlap)

    def offset_of(self, tensor: int) -> int:
        """Arena offset of a non-constant tensor (aliased tensors share their root's offset)."""
        for p in self.placements:
            if tensor in p.buffer.tensors:
                return p.offset
        raise KeyError(f"tensor {tensor} is not planned in the arena (constant or unused)")

    def scratch_offset(self, op_index: int) -> int:
        for p in self.placements:
            if p.buffer.key == f"s{op_index}":
                return p.offset
        raise KeyError(f"operator {op_index} has no scratch buffer")

    def to_dict(self) -> dict:
        return {
            "algorithm": self.algorithm,
            "arena_bytes": self.arena_bytes,
            "alignment": self.alignment,
            "buffers": [
                {"key": p.buffer.key, "tensors": list(p.buffer.tensors), "size": p.buffer.size,
                 "offset": p.offset, "first_op": p.buffer.first_op, "last_op": p.buffer.last_op}
                for p in self.placements
            ],
            "overlaps": [o.to_dict() for o in self.overlaps],
        }


def find_overlaps(plan: MemoryPlan) -> list[tuple[str, str]]:
    """Pairs of buffers that are alive together and share bytes (a correct plan has none), except an
    operator's output over its input placed as a granted `Overlap` allows."""
    clashes = []
    placed = list(plan.placements)
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            if a.buffer.lives_with(b.buffer) and a.offset < b.end and b.offset < a.end:
                allowed = overlap_between(plan.overlaps, a.buffer.key, b.buffer.key)
                if allowed is not None:
                    source, target = (a, b) if allowed.input == a.buffer.key else (b, a)
                    if allowed.permits(source.offset, target.offset):
                        continue
                clashes.append((a.buffer.key, b.buffer.key))
    return clashes


def check_plan(plan: MemoryPlan) -> None:
    clashes = find_overlaps(plan)
    if clashes:
        raise EdgeqError(f"internal error: memory plan overlaps live buffers {clashes[:3]}",
                         "please report this model; use the linear plan meanwhile")
