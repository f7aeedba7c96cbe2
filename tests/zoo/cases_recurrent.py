"""Recurrent layers: Keras LSTMs the TFLite converter fuses into UNIDIRECTIONAL_SEQUENCE_LSTM.

Built with tf_keras (`keras2`): the converter fuses its LSTM layer (Keras 3's becomes a WHILE loop) and
quantizes it to int8 (it refuses int16x8 for this op, and a sigmoid cell activation crashes it). The hidden
and cell state are variable tensors; the zoo runner and the TFLM reference both reset them before every
sample. SVDF, int16 LSTMs, sigmoid cell gates and QUANTIZE to or from int32 come from no Keras layer:
tests/host_c/test_recurrent_models.py builds those models by hand.
"""
from __future__ import annotations

from zoo.cases import L, _case


def _keras2(spec: dict) -> dict:
    return {**spec, "keras2": True}


CASES = (
    _keras2(_case("lstm_sequences", [[6, 5]], [L("LSTM", units=4, return_sequences=True)],
                  ("UNIDIRECTIONAL_SEQUENCE_LSTM",))),
    _keras2(_case("lstm_last_step", [[7, 3]], [L("LSTM", units=5)],
                  ("UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE"))),
)
