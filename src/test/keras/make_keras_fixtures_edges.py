"""Writes the fixtures for logits outputs and BatchNormalization over a non-channel axis, with real Keras 3.

Run as make_keras_fixtures.py (Keras 3 and a backend in a venv, never committed), from the repository root:

    /tmp/kvenv/bin/python src/test/keras/make_keras_fixtures_edges.py

- keras3-logits: the TensorFlow beginner tutorial's style: a last Dense without activation (logits), compiled with
  SparseCategoricalCrossentropy(from_logits=True). Its expected outputs are softmax(logits): what the project serves.
- keras3-bn-width: channels-first, all-convolutional, with BatchNormalization(axis=3), which normalises over the
  width axis (as some Keras 2 code wrote it for channels-last models and kept after switching).

Each is trained briefly (seeded) on data/mnist and saved as .keras and .h5; its expected outputs and test accuracy
come from the independent NumPy pass (kerasnp.py), added to expected.json.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kerasnp  # noqa: E402
from make_keras_fixtures import OUT, mnist  # noqa: E402


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def logits():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 3, activation="relu"),
                             layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10)])


def bn_width():
    cf = "channels_first"
    return keras.Sequential([keras.Input((1, 28, 28)), layers.Conv2D(8, 3, data_format=cf, activation="relu"),
                             layers.BatchNormalization(axis=3),
                             layers.Conv2D(10, 3, strides=2, data_format=cf),
                             layers.GlobalAveragePooling2D(data_format=cf), layers.Activation("softmax")])


def main():
    x, y = mnist("train")
    tx, ty = mnist("t10k")
    path = os.path.join(OUT, "expected.json")
    with open(path) as f:
        expected = json.load(f)
    for stem, make, from_logits, first in (("keras3-logits", logits, True, False),
                                           ("keras3-bn-width", bn_width, False, True)):
        keras.utils.set_random_seed(1)
        model = make()
        shape = (lambda a: np.moveaxis(a, 3, 1)) if first else (lambda a: a)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
        model.fit(shape(x[:12000]), y[:12000], epochs=2, batch_size=64, verbose=0)
        keras_out = model.predict(shape(tx[:32]), verbose=0)
        keras_out = softmax(keras_out) if from_logits else keras_out
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])  # no optimizer state: small files
        for ext in ("keras", "h5"):
            name = stem + "." + ext
            file = os.path.join(OUT, name)
            model.save(file)
            out = kerasnp.forward(file, tx[:32].reshape(-1, 784).astype(np.float64))
            out = softmax(out) if from_logits else out
            preds = np.concatenate([kerasnp.forward(file, tx[i:i + 2000].reshape(-1, 784).astype(np.float64))
                                    .argmax(1) for i in range(0, len(tx), 2000)])
            expected[name] = {"scale": 1.0, "accuracy": float((preds == ty).mean()), "outputs": out.tolist()}
            print("%-28s test accuracy %.4f, max |NumPy - Keras| %.1e, %d bytes"
                  % (name, expected[name]["accuracy"], np.abs(out - keras_out).max(), os.path.getsize(file)))
    with open(path, "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
