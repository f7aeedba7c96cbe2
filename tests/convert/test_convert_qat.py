"""QAT's Keras 3 -> tf-keras rebuild: same architecture and weights, so the same outputs (MLPerf models)."""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.convert import calibration

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name,shape,rng", [("pretrainedResnet.h5", (32, 32, 3), (0.0, 255.0)), ("ad01.h5", (640,), (-85.0, 15.0))])
def test_tf_keras_rebuild_matches_keras3(shared_models, name, shape, rng):
    import keras

    from edgeq.convert.qat import to_tf_keras

    model = keras.models.load_model(shared_models / name, compile=False)
    rebuilt = to_tf_keras(model, shape)
    assert type(rebuilt).__module__.startswith("tf_keras")
    assert [type(layer).__name__ for layer in rebuilt.layers[1:]] == [type(layer).__name__ for layer in model.layers[1:]]
    x = calibration.synthetic(shape, 4, rng, seed=2)
    expected = model.predict(x, verbose=0)
    got = np.concatenate([rebuilt(x[i : i + 1], training=False).numpy() for i in range(len(x))])
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * float(np.abs(expected).max()))
