"""`.tflite` flatbuffer → `Graph`, using LiteRT's generated schema (the newest; the `tflite` PyPI package
misreads newer ops). Only the first subgraph is the model; others (control flow bodies) are rejected by
`mcu_support`, not here.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.ir.fold import fold_shape_arithmetic
from edgeq.ir.graph import Graph, Op, QuantParams, Tensor
from edgeq.ir.verify import verify_flatbuffer, verify_graph

_TFLITE_IDENTIFIER = b"TFL3"


def _schema():
    from ai_edge_litert import schema_py_generated as schema

    return schema


def _enum_names(enum_cls: type) -> dict[int, str]:
    return {v: k for k, v in vars(enum_cls).items() if not k.startswith("_") and isinstance(v, int)}


def parse(source: str | Path | bytes, label: str | None = None) -> Graph:
    """Parse a .tflite file (path) or its bytes. Raises EdgeqError for anything that is not a valid model
    (`edgeq.ir.verify` checks indices, buffers, quantization, dataflow and operator shapes first);
    its message names the file, or `label` (e.g. the path the bytes were read from) for bytes."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise EdgeqError(f"model file not found: {path}", "check the path; edgeq reads .tflite files here")
        raw = path.read_bytes()
        label = str(path)
        name = path.stem
    else:
        raw = bytes(source)
        label = label or "<bytes>"
        name = "model"
    if len(raw) < 8 or raw[4:8] != _TFLITE_IDENTIFIER:
        raise EdgeqError(
            f"{label} is not a TFLite flatbuffer (missing the 'TFL3' identifier)",
            "pass a .tflite file produced by the TFLite converter (e.g. `edgeq convert`)",
        )
    schema = _schema()
    try:
        model = schema.ModelT.InitFromPackedBuf(raw, 0)
        verify_flatbuffer(model, len(raw), label, _enum_names(schema.BuiltinOperator),
                          _enum_names(schema.TensorType))
        graph = _build_graph(schema, model, raw, name, label)
        verify_graph(graph, label)
        graph = fold_shape_arithmetic(graph)
    except EdgeqError:
        raise
    except Exception as exc:  # flatbuffers raises assorted errors on truncated/garbage data
        raise EdgeqError(
            f"{label} is a damaged TFLite file ({type(exc).__name__}: {exc})",
            "re-export the model; the file may be truncated",
        ) from None
    return graph


def _build_graph(schema: Any, model: Any, raw: bytes, name: str, label: str, subgraph: int = 0) -> Graph:
    if not model.subgraphs:
        raise EdgeqError(f"{label} has no subgraph: not a usable TFLite model", "re-export the model")
    tensor_type = _enum_names(schema.TensorType)
    builtin = _enum_names(schema.BuiltinOperator)
    sub = model.subgraphs[subgraph]
    buffers = model.buffers or []

    tensors = []
    for index, t in enumerate(sub.tensors or []):
        dtype = tensor_type.get(t.type, f"type{t.type}").lower()
        shape = tuple(int(d) for d in (t.shape if t.shape is not None else ()))
        data = _buffer_data(buffers, t.buffer, raw, dtype, shape)
        tensors.append(Tensor(
            index=index,
            name=(t.name or b"").decode("utf-8", "replace") if isinstance(t.name, bytes) else (t.name or ""),
            shape=shape,
            dtype=dtype,
            quant=_quant(t.quantization),
            data=data,
            is_variable=bool(t.isVariable),
        ))

    ops = []
    for index, o in enumerate(sub.operators or []):
        code = model.operatorCodes[o.opcodeIndex]
        value = max(int(code.builtinCode), int(code.deprecatedBuiltinCode))
        opcode = builtin.get(value, f"BUILTIN_{value}")
        if opcode == "CUSTOM":
            custom = code.customCode.decode() if isinstance(code.customCode, bytes) else str(code.customCode)
            opcode = f"CUSTOM:{custom}"
        ops.append(Op(
            index=index,
            opcode=opcode,
            inputs=tuple(int(i) for i in (o.inputs if o.inputs is not None else ())),
            outputs=tuple(int(i) for i in (o.outputs if o.outputs is not None else ())),
            options=MappingProxyType(_options(schema, o.builtinOptions)),
        ))

    metadata = {}
    for m in model.metadata or []:
        key = m.name.decode() if isinstance(m.name, bytes) else str(m.name)
        buf = buffers[m.buffer] if m.buffer < len(buffers) else None
        metadata[key] = _raw_buffer(buf, raw)

    return Graph(
        tensors=tuple(tensors),
        ops=tuple(ops),
        inputs=tuple(int(i) for i in sub.inputs),
        outputs=tuple(int(i) for i in sub.outputs),
        name=name,
        metadata=MappingProxyType(metadata),
        sha256=hashlib.sha256(raw).hexdigest(),
        source_bytes=len(raw),
        subgraphs=MappingProxyType({
            k: _build_graph(schema, model, raw, f"{name}#{k}", label, k) for k in range(1, len(model.subgraphs))
        }) if subgraph == 0 else MappingProxyType({}),
    )


def _raw_buffer(buf: Any, raw: bytes) -> bytes:
    if buf is None:
        return b""
    if buf.data is not None and len(buf.data):
        return bytes(np.asarray(buf.data, dtype=np.uint8))
    if getattr(buf, "offset", 0) > 1 and getattr(buf, "size", 0):  # data stored after the flatbuffer
        return raw[buf.offset: buf.offset + buf.size]
    return b""


_NUMPY_DTYPES = {"float32": "<f4", "float16": "<f2", "int32": "<i4", "uint32": "<u4", "int64": "<i8",
                 "uint64": "<u8", "int16": "<i2", "uint16": "<u2", "int8": "i1", "uint8": "u1", "bool": "?",
                 "float64": "<f8"}


def _buffer_data(buffers: list, index: int, raw: bytes, dtype: str, shape: tuple[int, ...]) -> np.ndarray | None:
    if index <= 0 or index >= len(buffers):
        return None
    data = _raw_buffer(buffers[index], raw)
    if not data:
        return None
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if dtype == "int4":
        packed = np.frombuffer(data, dtype=np.uint8)
        low = (packed & 0x0F).astype(np.int8)
        high = (packed >> 4).astype(np.int8)
        values = np.stack([low, high], axis=1).reshape(-1)[:count]
        values = np.where(values > 7, values - 16, values).astype(np.int8)
    elif dtype in _NUMPY_DTYPES:
        values = np.frombuffer(data, dtype=_NUMPY_DTYPES[dtype])[:count].astype(_NUMPY_DTYPES[dtype].lstrip("<"))
    else:
        values = np.frombuffer(data, dtype=np.uint8)
        values.setflags(write=False)
        return values
    if values.size != count:
        raise EdgeqError(f"constant tensor data holds {values.size} elements, its shape {shape} needs {count}",
                         "the .tflite file is damaged; re-export it")
    values = values.reshape(shape)
    values.setflags(write=False)
    return values


def _quant(q: Any) -> QuantParams | None:
    if q is None or q.scale is None or len(q.scale) == 0:
        return None
    zero = tuple(int(z) for z in q.zeroPoint) if q.zeroPoint is not None else (0,) * len(q.scale)
    return QuantParams(
        scale=tuple(float(s) for s in q.scale),
        zero_point=zero if len(zero) == len(q.scale) else (zero[0],) * len(q.scale),
        axis=int(q.quantizedDimension),
    )


_ENUM_FIELDS = {"padding": "Padding", "fusedActivationFunction": "ActivationFunctionType"}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _options(schema: Any, options: Any) -> dict[str, Any]:
    """Builtin options as a plain dict with snake_case keys; enum fields as their names ("SAME", "RELU")."""
    if options is None:
        return {}
    result: dict[str, Any] = {}
    for key, value in vars(options).items():
        if key in _ENUM_FIELDS:
            value = _enum_names(getattr(schema, _ENUM_FIELDS[key])).get(value, value)
        elif isinstance(value, (list, np.ndarray)):
            value = tuple(int(v) if isinstance(v, (int, np.integer)) else v for v in value)
        elif isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif not isinstance(value, (int, float, str, bool)) and value is not None:
            continue
        result[_snake(key)] = value
    return result
