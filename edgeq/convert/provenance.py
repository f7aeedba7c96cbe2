"""Provenance stored inside the .tflite: a JSON document in the model's metadata (pure; no TensorFlow).

TFLite models carry named metadata entries, each pointing at a buffer. edgeq adds one entry named
`edgeq_provenance` whose buffer holds UTF-8 JSON (mode, calibration source and kind, sample count, tool
versions). Rewriting goes through the flatbuffer object API of `ai_edge_litert.schema_py_generated`, so every
other table (operators, buffers, signatures, existing metadata) is carried over unchanged.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from edgeq.errors import EdgeqError

METADATA_KEY = "edgeq_provenance"
_FILE_IDENTIFIER = b"TFL3"


def _schema():
    from ai_edge_litert import schema_py_generated as schema

    return schema


def _unpack(model_bytes: bytes):
    schema = _schema()
    if len(model_bytes) < 8 or model_bytes[4:8] != _FILE_IDENTIFIER:
        raise EdgeqError("not a TFLite flatbuffer (missing TFL3 identifier)", "pass a .tflite file")
    return schema.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)


def embed(model_bytes: bytes, provenance: dict[str, Any]) -> bytes:
    """Return `model_bytes` with `provenance` as the `edgeq_provenance` metadata (replacing an older one)."""
    import flatbuffers

    schema = _schema()
    model = _unpack(model_bytes)
    payload = np.frombuffer(json.dumps(provenance, sort_keys=True).encode(), dtype=np.uint8)
    buffer = schema.BufferT()
    buffer.data = payload
    model.buffers = list(model.buffers or [])
    existing = [m for m in (model.metadata or []) if _name(m) == METADATA_KEY]
    if existing:
        model.buffers[existing[0].buffer] = buffer
    else:
        model.buffers.append(buffer)
        entry = schema.MetadataT()
        entry.name = METADATA_KEY
        entry.buffer = len(model.buffers) - 1
        model.metadata = list(model.metadata or []) + [entry]
    builder = flatbuffers.Builder(len(model_bytes) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=_FILE_IDENTIFIER)
    return bytes(builder.Output())


def _name(entry) -> str:
    name = entry.name
    return name.decode() if isinstance(name, bytes) else str(name)


def read(model_bytes: bytes) -> dict[str, Any] | None:
    """The provenance recorded by edgeq, or None for models converted elsewhere."""
    model = _unpack(model_bytes)
    for entry in model.metadata or []:
        if _name(entry) == METADATA_KEY:
            data = model.buffers[entry.buffer].data
            return json.loads(bytes(np.asarray(data, dtype=np.uint8)).decode())
    return None
