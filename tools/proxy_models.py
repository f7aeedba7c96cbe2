#!/usr/bin/env python3
"""Write stand-ins for the models issue 10's speed goals are checked on and that shared/models lacks:

* `mobilenet_v1_025_96.tflite`: Keras' MobileNet (alpha 0.25) on 96x96x3 with 2 classes — the MLPerf Tiny
  visual-wake-words architecture (7.49 M MACs);
* `resnet8_wide.tflite`: MLPerf Tiny's ResNet-8 for 32x32x3 with 40/80/160 filters instead of 16/32/64
  (76.5 M MACs).

Each is trained for a few epochs on a synthetic task (noise images, a label from a sum of pixels), so its
weights and biases move as training moves them (ReLU-dead channels, uneven per-channel scales), then
converted full-integer int8 the way users do: `TFLiteConverter.from_keras_model` with the batch dimension
left open (so Flatten/Reshape keep their SHAPE/STRIDED_SLICE/PACK arithmetic). Not the real trained models:
the architectures and the conversion are; benchmark them with `tools/bench_mcu.py --per-op`.

    tools/proxy_models.py /tmp/proxies
    tools/bench_mcu.py /tmp/proxies/*.tflite --runs 1 --per-op
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EPOCHS = 3
SAMPLES = 256


def _resnet8(keras, filters: tuple[int, int, int]):
    layers = keras.layers
    inputs = keras.Input((32, 32, 3))
    x = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters[0], 3, padding="same")(inputs)))

    def block(x, width: int, stride: int):
        y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(width, 3, strides=stride, padding="same")(x)))
        y = layers.BatchNormalization()(layers.Conv2D(width, 3, padding="same")(y))
        if stride != 1 or x.shape[-1] != width:
            x = layers.Conv2D(width, 1, strides=stride)(x)
        return layers.ReLU()(layers.Add()([x, y]))

    x = block(x, filters[0], 1)
    x = block(x, filters[1], 2)
    x = block(x, filters[2], 2)
    x = layers.Flatten()(layers.AveragePooling2D(8)(x))
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


def _trained_int8(tf, model, classes: int) -> bytes:
    import numpy as np

    shape = model.input_shape[1:]
    x = np.random.default_rng(0).normal(size=(SAMPLES, *shape)).astype(np.float32)
    y = (x.reshape(SAMPLES, -1)[:, :50].sum(axis=1) > 0).astype(np.int64) % classes
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=EPOCHS, batch_size=32, verbose=0)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([x[i:i + 1]] for i in range(64))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    args = parser.parse_args(argv)
    names = ("mobilenet_v1_025_96.tflite", "resnet8_wide.tflite")
    existing = [name for name in names if (args.out_dir / name).exists()]
    if existing and not args.force:
        print(f"error: {', '.join(str(args.out_dir / n) for n in existing)} exist (use --force to overwrite)",
              file=sys.stderr)
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    args.out_dir.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(1)
    builders = {names[0]: lambda: (keras.applications.MobileNet(input_shape=(96, 96, 3), alpha=0.25, weights=None,
                                                                  classes=2), 2),
                names[1]: lambda: (_resnet8(keras, (40, 80, 160)), 10)}
    for name, build in builders.items():
        model, classes = build()
        data = _trained_int8(tf, model, classes)
        partial = args.out_dir / f".{name}.partial"
        partial.write_bytes(data)
        partial.replace(args.out_dir / name)  # never a half-written model under the final name
        print(f"{args.out_dir / name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
