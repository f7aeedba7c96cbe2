"""Generated sources: deterministic, strict-C99 clean, and refused up front for unsupported models."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys

import pytest

from edgeq.codegen.ops import use_variants
from edgeq.codegen import model as codegen_model
from edgeq.codegen.model import generate_model
from edgeq.errors import EdgeqError
from edgeq.ir import parse
from harness import KERNELS, REPO

MODELS = ["ad01_int8", "kws_ref_model", "pretrainedResnet_quant"]

_DIGEST = """
import hashlib, sys
from edgeq.codegen.model import generate_model
from edgeq.ir import parse
files = generate_model(parse(sys.argv[1])).files
print(hashlib.sha256(b"".join(k.encode() + b"\\0" + files[k].encode() for k in sorted(files))).hexdigest())
"""


@pytest.mark.parametrize("model", MODELS)
def test_generation_is_byte_identical_across_runs(shared_models, model):
    """Two fresh interpreters with different hash seeds must produce the same bytes."""
    path = str(shared_models / f"{model}.tflite")
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", _DIGEST, path], capture_output=True, text=True, env=env,
                              cwd=REPO, check=True)
        digests.add(done.stdout.strip())
    files = generate_model(parse(path)).files
    local = hashlib.sha256(b"".join(k.encode() + b"\0" + files[k].encode() for k in sorted(files))).hexdigest()
    assert digests == {local}


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("model", MODELS)
def test_generated_code_compiles_with_strict_warnings(shared_models, tmp_path, model):
    generated = generate_model(parse(shared_models / f"{model}.tflite"))
    for name, text in generated.files.items():
        (tmp_path / name).write_text(text)
    sources = [tmp_path / "model.c"] + [KERNELS / k for k in generated.kernel_sources]
    for source in sources:
        done = subprocess.run(
            ["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-c", str(source),
             f"-I{tmp_path}", f"-I{REPO / 'firmware' / 'include'}", f"-I{KERNELS / 'include'}",
             "-o", str(tmp_path / (source.stem + ".o"))],
            capture_output=True, text=True)
        assert done.returncode == 0, f"{source.name}:\n{done.stderr}"


def test_generated_model_links_only_the_kernels_it_uses(shared_models):
    generated = generate_model(parse(shared_models / "ad01_int8.tflite"))
    # ad01 is ten single-row FULLY_CONNECTED layers: only the direct GEMM row variant is linked.
    assert set(generated.kernel_sources) == {"variants/edgeq_gemm_rows_direct_s8.c"}
    with use_variants(False):
        assert generate_model(parse(shared_models / "ad01_int8.tflite")).kernel_sources == (
            "reference/edgeq_fully_connected_s8.c",)
    assert all((KERNELS / k).is_file() for k in generated.kernel_sources)
    assert generated.arena_bytes == generated.plan.arena_bytes
    assert "FULLY_CONNECTED" in generated.files["model.c"]


def test_hybrid_model_is_refused_before_any_emitter_runs(shared_models, monkeypatch):
    def no_emitters(*_args):
        raise AssertionError("an emitter ran for a model that must be refused first")

    monkeypatch.setattr(codegen_model, "lookup", no_emitters)
    with pytest.raises(EdgeqError) as info:
        generate_model(parse(shared_models / "kws_ref_model_float32.tflite"))
    assert "hybrid" in info.value.message and "operator" in info.value.message


def test_unsupported_operator_error_names_it_and_the_supported_set(shared_models, monkeypatch):
    graph = parse(shared_models / "ad01_int8.tflite")
    bad = dataclasses.replace(graph.ops[3], opcode="EMBEDDING_LOOKUP")
    graph = dataclasses.replace(graph, ops=graph.ops[:3] + (bad,) + graph.ops[4:])
    monkeypatch.setattr(codegen_model, "lookup", lambda *_: pytest.fail("emitter ran before the support check"))
    with pytest.raises(EdgeqError) as info:
        generate_model(graph)
    assert "operator 3 (EMBEDDING_LOOKUP)" in info.value.message
    assert "FULLY_CONNECTED" in info.value.hint and "CONV_2D" in info.value.hint
