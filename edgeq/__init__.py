"""edgeq: Keras model -> quantized model -> firmware -> measured numbers on the target.

The Python API mirrors the CLI and is loaded lazily (module `__getattr__`), so `import edgeq` stays light:
`edgeq.convert(model, output, mode, ...)`, `edgeq.evaluate(keras_model, tflite_model, data, ...)`,
`edgeq.inspect(tflite_model)` (a `ModelReport`, no TensorFlow),
`edgeq.compile_host(tflite_model, sanitize=False).predict(x)` (the generated C, run on this machine).
"""
from __future__ import annotations


def __getattr__(name: str):
    if name == "convert":
        import edgeq.convert as package  # a callable module: edgeq.convert(...) runs api.convert

        return package
    if name == "evaluate":
        from edgeq.convert.api import evaluate

        return evaluate
    if name == "inspect":
        from edgeq.inspection import inspect_model

        return inspect_model
    if name == "compile_host":
        from edgeq.host import compile_host

        return compile_host
    raise AttributeError(f"module 'edgeq' has no attribute {name!r}")
