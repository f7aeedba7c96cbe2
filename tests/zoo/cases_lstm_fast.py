"""Hostile shapes for the fast int8 LSTMs (edgeq/codegen/ops/lstm_variants.py). The packed kernel computes each
unit's four gates as one block of two channel pairs over x_t and h_{t-1} expanded to whole words, the Helium one
four units of a gate per block over 16-byte chunks, so these cases put the edges where the packing has them: an
odd unit count (7) with an input size that leaves a partial word (13), rows longer than the Helium kernel holds
in registers (input 50: four chunks; 37 units: three), and inputs far beyond the gates' Q3.12 range (data scale
8: the FC sums and their sum saturate int16 and the gates sit at 0 and 1, so the cell integrates to its bounds).
The converter gives these models left-shifting gate rescales (real multipliers >= 0.5), the packed kernel's
second SMMULR form. Batches and time-major layouts come from no Keras layer (batch 1): tests/qemu/test_lstm_fast.py
edits converted models for those, and for int32-extreme biases and a saturating cell scale.
"""
from __future__ import annotations

from zoo.cases import L, _case


def _lstm(name: str, steps: int, size: int, units: int, **kwargs) -> dict:
    spec = _case(name, [[steps, size]], [L("LSTM", units=units, return_sequences=True)],
                 ("UNIDIRECTIONAL_SEQUENCE_LSTM",), variants=("int8",), **kwargs)
    return {**spec, "keras2": True}  # tf_keras: the converter fuses its LSTM (cases_recurrent.py)


CASES = (
    _lstm("lstm_fast_odd_units", 9, 13, 7),
    _lstm("lstm_fast_saturating", 12, 6, 5, data_range=8.0),
    _lstm("lstm_fast_wide", 3, 50, 37),
)
