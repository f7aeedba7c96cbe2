"""What `edgeq build` needs to know about a target, as data: compiler, flags, which port sources to link,
files to render, and what to produce after linking.

This module is data only and imports nothing of edgeq's target layer: a `edgeq.targets.Target`'s `recipe()`
gives its `BuildTarget` (`HOST` here, or a board's, from its TOML; `edgeq.targets.resolve(name)` finds the
target), so adding a target never touches the build logic in `edgeq.build.project`, and there is no import
cycle between the two packages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

from edgeq.build.manifest import LinkedMemory

# Flags every edgeq C file builds with on every target (generated code must pass -Werror).
STRICT_CFLAGS = ("-std=c99", "-Wall", "-Wextra", "-Werror")


@dataclass(frozen=True)
class PostLink:
    """One file made from the linked program, e.g. `firmware.bin` by `$(OBJCOPY) -O binary $< $@`."""

    output: str
    recipe: str  # make recipe; `$<` is the linked program, `$@` the output


@dataclass(frozen=True)
class BuildTarget:
    name: str
    cc: str
    cflags: tuple[str, ...]  # after STRICT_CFLAGS: optimisation, -mcpu, FPU, …
    port_sources: tuple[str, ...]  # relative to firmware/: the port's .c/.S files (their directories' headers come along)
    ldflags: tuple[str, ...] = ()
    # Appended for the runtime around the model (main, protocol, port): off the inference path, so
    # built for size, and without loops turned into libc calls (memset/strlen would be linked for them
    # alone); kernels and the generated model keep `cflags`.
    size_cflags: tuple[str, ...] = ("-Os", "-fno-tree-loop-distribute-patterns")
    include_dirs: tuple[str, ...] = ()  # extra include directories, relative to the output's src/
    program: str = "firmware"  # the linked file, in the output directory
    post_link: tuple[PostLink, ...] = ()
    make_vars: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # e.g. OBJCOPY
    kernel_variants: tuple[str, ...] = ("reference",)  # firmware/kernels/ dirs searched first to last per file
    # Whether the generator may pick the packed-weight variants (edgeq.codegen.ops.use_variants). False for
    # cores without the DSP extension: there the variants' portable SIMD emulation is slower than the portable
    # kernels (tools/bench_mcu.py --board mps2-an385).
    packed_variants: bool = True
    # ISA extensions the generator may emit kernels for beyond DSP (edgeq.codegen.ops.use_isa), e.g. {"mve"}
    # for a Cortex-M55 board: its variants are tried before the packed ones. Empty for the host.
    isa_features: frozenset[str] = frozenset()
    rendered_files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # path in output → text
    tools: tuple[str, ...] = ()  # executables that must be on PATH (besides make and cc)
    # Checks the generated model and its input staging bytes against the target before compiling (e.g. arena
    # + input vs RAM); raises EdgeqError.
    preflight: Callable[[object, int], None] | None = field(default=None, compare=False)
    # Checks the linked program (its path in the temporary build) before the build is moved into place, so a
    # firmware that does not fit never lands in the user's -o directory; raises EdgeqError, else returns the
    # memory it measured (recorded in the manifest, carried by `Build.memory`).
    postflight: Callable[[Path], LinkedMemory] | None = field(default=None, compare=False)
    facts: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))  # for the build manifest


HOST = BuildTarget(
    name="host",
    cc="gcc",
    cflags=("-O2", "-g"),
    ldflags=("-lm",),
    port_sources=("ports/host/port.c",),
    facts=MappingProxyType({"timing_source": "wall"}),
)

