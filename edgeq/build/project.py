"""`build_project`: one .tflite → a standalone build directory (sources, Makefile, program) for a target.

Steps:
1. Parse the model and refuse unsupported operators/dtypes (`require_mcu_support`) — nothing written yet.
2. Generate model.c/model.h (`edgeq.codegen.generate_model`, which plans the arena with kernel scratch)
   and run the target's preflight check (e.g. arena against the board's RAM).
3. Assemble the source tree (`assemble_sources`, pure): main.c, protocol and the port's sources (built
   with the target's `size_cflags`), only the kernels the model calls, the generated model, rendered
   target files, a copy of the .tflite, the Makefile and a manifest (`edgeq-build.json`). `src/`
   mirrors `firmware/`, so include paths are the same in every build.
4. Write it into a temporary directory beside the destination, run `make` there, and run the target's
   postflight check on the linked program (e.g. flash and RAM from the ELF against the board); the memory it
   measured is recorded in the manifest.
5. Move the finished directory into place (replacing an earlier edgeq build only with `force`) and read it
   back as a `Build`.
A failure at any step leaves the destination untouched. `build_program` runs steps 3-5 for a program without
a model (e.g. a firmware that tests a port), so there is one compile path.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Mapping, Sequence

import jinja2

from edgeq.build.manifest import MANIFEST, Build, read_build, record_memory
from edgeq.build.target import STRICT_CFLAGS, BuildTarget
from edgeq.data import FIRMWARE, TEMPLATES
from edgeq.errors import EdgeqError
from edgeq.process_group import run_in_group
from edgeq.umask import as_created

MODEL_COPY = "model.tflite"
# Directories of headers every build carries, relative to firmware/ (and to the output's src/).
HEADER_DIRS = ("include", "protocol", "kernels/include")
CORE_SOURCES = ("main.c", "protocol/dut.c")
MAKE_TIMEOUT_S = 900


def _version() -> str:
    try:
        return metadata.version("edgeq")
    except metadata.PackageNotFoundError:
        return "dev"


def _kernel_file(rel: str, variants: tuple[str, ...]) -> str:
    """The kernel source to use for `rel` (e.g. "reference/edgeq_add_s8.c"): the first variant having it."""
    name = Path(rel).name
    for variant in variants:
        candidate = f"kernels/{variant}/{name}"
        if (FIRMWARE / candidate).is_file():
            return candidate
    if (FIRMWARE / "kernels" / rel).is_file():
        return f"kernels/{rel}"
    raise EdgeqError(f"kernel source {rel} is missing from {FIRMWARE / 'kernels'}",
                     "edgeq's package data is incomplete; reinstall edgeq")


def _firmware_tree(target: BuildTarget, sources: Sequence[str]) -> dict[str, bytes]:
    """`src/` copies of firmware/: every common header, `sources` (relative to firmware/), and the headers of
    the port's directories."""
    files: dict[str, bytes] = {}

    def copy(rel: str) -> None:
        path = FIRMWARE / rel
        if not path.is_file():
            raise EdgeqError(f"firmware source {rel} is missing from {FIRMWARE}",
                             "edgeq's package data is incomplete; reinstall edgeq")
        files[f"src/{rel}"] = path.read_bytes()

    for header_dir in HEADER_DIRS:
        for header in sorted((FIRMWARE / header_dir).glob("*.h")):
            copy(f"{header_dir}/{header.name}")
    for rel in sources:
        copy(rel)
    for port_dir in _port_dirs(target):
        for header in sorted((FIRMWARE / port_dir).glob("*.h")):
            copy(f"{port_dir}/{header.name}")
    return files


def _port_dirs(target: BuildTarget) -> list[str]:
    return sorted({str(Path(rel).parent) for rel in target.port_sources})


def _makefile(target: BuildTarget, c_sources: Sequence[str], size_sources: Sequence[str],
              defines: Sequence[str], origin_file: str, origin_sha256: str) -> bytes:
    """The standalone Makefile: `c_sources` (paths in the output) compiled with the target's flags, the
    `size_sources` among them for size; `origin_*` name what the program was generated from."""
    include_dirs = ["src", *(f"src/{d}" for d in HEADER_DIRS), *(f"src/{d}" for d in _port_dirs(target)),
                    *target.include_dirs]
    cflags = [*STRICT_CFLAGS, *target.cflags, *defines, *(f"-I{d}" for d in dict.fromkeys(include_dirs))]
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True, autoescape=False)
    return env.from_string((TEMPLATES / "Makefile.j2").read_text(encoding="utf-8")).render(
        edgeq_version=_version(), target=target.name, model_file=origin_file, model_sha256=origin_sha256,
        cc=target.cc, make_vars=sorted(target.make_vars.items()), cflags=shlex.join(cflags),
        size_sources=sorted(size_sources), size_cflags=shlex.join(target.size_cflags),
        ldflags=shlex.join(target.ldflags), sources=sorted(c_sources), program=target.program,
        post_link=target.post_link, outputs=_outputs(target)).encode()


def _outputs(target: BuildTarget) -> list[str]:
    return [target.program, *(rule.output for rule in target.post_link)]


def assemble_sources(generated, target: BuildTarget, model_bytes: bytes, model_name: str,
                     model_sha256: str, input_bytes: int) -> dict[str, bytes]:
    """Every file of the build directory except build products, as relative path → content."""
    runtime_sources = [*CORE_SOURCES, *target.port_sources]
    sources = [*runtime_sources, *(_kernel_file(k, target.kernel_variants) for k in generated.kernel_sources)]
    files = _firmware_tree(target, sources)
    for name, text in generated.files.items():
        files[f"src/{name}"] = text.encode()
    for rel, text in target.rendered_files.items():
        files[rel] = text.encode()
    c_sources = [*(f"src/{rel}" for rel in sources), *(f"src/{name}" for name in generated.files if name.endswith(".c"))]
    files["Makefile"] = _makefile(target, c_sources, [f"src/{rel}" for rel in runtime_sources],
                                  [f"-DEDGEQ_INPUT_BYTES={input_bytes}"], MODEL_COPY, model_sha256)
    files[MODEL_COPY] = model_bytes
    manifest = {
        "edgeq_version": _version(),
        "target": target.name,
        "target_facts": dict(target.facts),
        "model": {"name": model_name, "sha256": model_sha256, "file": MODEL_COPY},
        "program": target.program,
        "outputs": _outputs(target),
        "arena_bytes": int(generated.arena_bytes),
        "weights_bytes": int(generated.weights_bytes),
        "input_bytes": input_bytes,
        "kernel_sources": list(generated.kernel_sources),
        # per operator: the kernel files it compiled (after dsp/ shadowing) and why faster variants declined
        "ops": [{"index": op.index, "opcode": op.opcode,
                 "kernels": [_kernel_file(k, target.kernel_variants) for k in op.kernels],
                 "declined": list(op.declined)} for op in generated.ops],
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    return files


def assemble_program(target: BuildTarget, sources: Mapping[str, bytes]) -> dict[str, bytes]:
    """A program without a model, e.g. a firmware that exercises a port: `sources` (file name → C text, put in
    src/) with the target's port sources, rendered files and edgeq's headers, under the same Makefile."""
    files = _firmware_tree(target, target.port_sources)
    for name, text in sources.items():
        files[f"src/{name}"] = text
    for rel, text in target.rendered_files.items():
        files[rel] = text.encode()
    port = [f"src/{rel}" for rel in target.port_sources]
    origin = ", ".join(sorted(sources))
    digest = hashlib.sha256(b"".join(sources[name] for name in sorted(sources))).hexdigest()
    files["Makefile"] = _makefile(target, [*port, *(f"src/{n}" for n in sources if n.endswith(".c"))], port, (),
                                  origin, digest)
    return files


def _check_destination(out_dir: Path, force: bool) -> None:
    if out_dir.exists() or out_dir.is_symlink():
        if not force:
            raise EdgeqError(f"{out_dir} already exists", "choose another -o directory or pass --force to replace it")
        if not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MANIFEST).is_file()):
            raise EdgeqError(f"{out_dir} exists and is not an edgeq build directory; refusing to replace it",
                             "choose another -o directory (with --force only earlier edgeq builds are replaced)")


def _run_make(work: Path, target: BuildTarget, extra_cflags: str = "") -> None:
    for tool in ("make", target.cc, *target.tools):
        if shutil.which(tool) is None:
            raise EdgeqError(f"{tool} is not on PATH; it is needed to build for target {target.name!r}",
                             "install the toolchain (tools/setup.sh installs gcc, make and arm-none-eabi-gcc)")
    jobs = str(max(1, min(2, os.cpu_count() or 1)))
    cmd = ["make", "-j", jobs]
    if extra_cflags:
        cmd.append(f"EXTRA_CFLAGS={extra_cflags}")
    try:
        # make, gcc and cc1 in one process group, ended together on an error, Ctrl-C or SIGTERM: a cc1 left
        # running would write into `work` while it is being removed
        proc = run_in_group(cmd, cwd=work, timeout=MAKE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise EdgeqError(f"compiling took longer than {MAKE_TIMEOUT_S} s", "the model may be too large for this "
                         "machine; try a smaller model") from None
    (work / "build.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        raise EdgeqError(f"compiling for target {target.name!r} failed:\n{(proc.stdout + proc.stderr)[-4000:]}",
                         "this is a bug in edgeq's generated code or firmware if the toolchain is installed "
                         "correctly; please report it with the model")


def _move_into_place(work: Path, out_dir: Path) -> None:
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rename(out_dir, old / "previous")
    os.rename(work, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _compile_into_place(files: Mapping[str, bytes], target: BuildTarget, out_dir: Path, force: bool,
                        extra_cflags: str) -> None:
    """Steps 4-5: write `files` into a temporary directory beside `out_dir`, make, run the postflight check
    (its memory figures go into the manifest, when there is one) and move the result into place."""
    _check_destination(out_dir, force)
    if not out_dir.parent.is_dir():
        raise EdgeqError(f"parent directory of {out_dir} does not exist", "create it first or choose another -o")
    work = None
    try:
        try:
            work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
        except OSError as err:
            raise EdgeqError(f"cannot write in {out_dir.parent}: {err.strerror}",
                             "choose an -o directory in a writable location") from None
        as_created(work)  # mkdtemp makes it 0700; the build directory gets the user's umask
        for rel, content in files.items():
            path = work / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        _run_make(work, target, extra_cflags)
        if target.postflight is not None:
            memory = target.postflight(work / target.program)
            if MANIFEST in files:
                record_memory(work, memory)
        _check_destination(out_dir, force)  # re-check: something may have appeared while compiling
        _move_into_place(work, out_dir)
    except BaseException:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        raise


def _recipe(target: str | BuildTarget) -> BuildTarget:
    from edgeq.targets.resolver import resolve

    return resolve(target).recipe() if isinstance(target, str) else target


def build_project(model_path: Path, target: str | BuildTarget, out_dir: Path, force: bool = False,
                  extra_cflags: str = "") -> Build:
    """Build `model_path` for `target` (a name `edgeq.targets.resolve` knows, or a recipe) into `out_dir`;
    returns the `Build` read back from the finished directory."""
    from edgeq.codegen.model import generate_model
    from edgeq.codegen.ops import use_isa, use_variants
    from edgeq.ir import parse, require_mcu_support

    model_path, out_dir = Path(model_path), Path(out_dir).absolute()
    build_target = _recipe(target)
    if not model_path.is_file():
        raise EdgeqError(f"model file not found: {model_path}", "pass the path of a .tflite file")
    _check_destination(out_dir, force)
    if not out_dir.parent.is_dir():
        raise EdgeqError(f"parent directory of {out_dir} does not exist", "create it first or choose another -o")

    model_bytes = model_path.read_bytes()
    graph = parse(model_bytes, label=str(model_path))
    require_mcu_support(graph)
    model_name = model_path.stem
    with contextlib.nullcontext() if build_target.packed_variants else use_variants(False), \
            use_isa(build_target.isa_features):
        generated = generate_model(graph, name=model_name)
    input_bytes = sum(graph.tensors[i].nbytes for i in graph.inputs)
    if build_target.preflight is not None:
        build_target.preflight(generated, input_bytes)
    files = assemble_sources(generated, build_target, model_bytes, model_name, graph.sha256, input_bytes)
    _compile_into_place(files, build_target, out_dir, force, extra_cflags)
    return read_build(out_dir)


def build_program(target: str | BuildTarget, sources: Mapping[str, bytes], out_dir: Path) -> Path:
    """Build a program without a model (`assemble_program`) into the new directory `out_dir`, through the same
    Makefile and checks as a model; returns the linked program's path."""
    out_dir = Path(out_dir).absolute()
    build_target = _recipe(target)
    _compile_into_place(assemble_program(build_target, sources), build_target, out_dir, False, "")
    return out_dir / build_target.program
