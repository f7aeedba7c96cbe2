"""tools/proxy_models.py refuses to overwrite a user's files without --force (before importing TensorFlow)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("proxy_models", REPO / "tools" / "proxy_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_existing_outputs_are_kept_without_force(tmp_path, capsys):
    mine = tmp_path / "resnet8_wide.tflite"
    mine.write_bytes(b"the user's model")
    assert _tool().main([str(tmp_path)]) == 2
    assert mine.read_bytes() == b"the user's model"
    assert not (tmp_path / "mobilenet_v1_025_96.tflite").exists()
    assert "use --force" in capsys.readouterr().err
