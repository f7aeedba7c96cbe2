"""int4 weights via ai-edge-quantizer: CONV_2D gets int4 (channel-wise) weights with int8 activations; every
other supported op, FULLY_CONNECTED included, gets int8 weights and activations, all statically calibrated.

The float model comes from the TFLite converter (fp32); ai-edge-quantizer rewrites it on the flatbuffer level.
FULLY_CONNECTED stays int8 so that every int4 model runs on a microcontroller: TFLite Micro, the reference edgeq
is bit-exact with, runs int4 weights only in CONV_2D, and a classifier's Dense layer would otherwise make the
runtime refuse the whole model.
"""
from __future__ import annotations

import numpy as np

from edgeq.errors import EdgeqError

# The ops given int4 weights: the ones TFLite Micro runs with int4 weights (ai-edge-quantizer 0.10 has no int4
# DEPTHWISE_CONV_2D either).
INT4_OPS = ("CONV_2D",)


def convert(float_tflite: bytes, calib: np.ndarray) -> bytes:
    from ai_edge_litert.interpreter import Interpreter
    from ai_edge_quantizer import qtyping, quantizer

    q = quantizer.Quantizer(float_tflite)
    # Later configs take precedence for the ops they name.
    q.add_static_config(".*", qtyping.TFLOperationName.ALL_SUPPORTED, activation_num_bits=8, weight_num_bits=8)
    for op in INT4_OPS:
        q.add_static_config(".*", getattr(qtyping.TFLOperationName, op), activation_num_bits=8, weight_num_bits=4)
    signatures = Interpreter(model_content=float_tflite).get_signature_list()
    if len(signatures) != 1:
        raise EdgeqError(f"int4 needs a model with one signature, this one has {list(signatures)}", "use --mode int8")
    (key, sig), = signatures.items()
    (input_name,) = sig["inputs"]
    calibration = q.calibrate({key: [{input_name: calib[i : i + 1]} for i in range(len(calib))]})
    result = q.quantize(calibration, enable_progress_report=False)
    return bytes(result.quantized_model)
