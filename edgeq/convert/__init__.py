"""Keras model -> quantized .tflite in every mode; calibration data; QAT; mixed precision; evaluation.

The only package of edgeq that imports TensorFlow, and only inside functions or in the converter child
(`worker.py`), so importing `edgeq.convert` itself stays light.

`edgeq.convert(...)` is the public conversion function, but `edgeq.convert` is also this package, and Python
binds a package to its parent's attribute when it is imported. So the package module itself is made callable
(forwarding to `edgeq.convert.api.convert`): `edgeq.convert(...)` works however the package was reached.
"""
from __future__ import annotations

import sys
import types


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from edgeq.convert.api import convert

        return convert(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
