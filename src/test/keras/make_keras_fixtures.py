"""Writes the fixtures that real Keras makes itself (model.save), for layers added on the one-layer-one-place design.

Run with Keras 3 and a backend in a virtual environment (never committed), after make_fixtures.py, from the
repository root:

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install keras tensorflow-cpu
    /tmp/kvenv/bin/python src/test/keras/make_keras_fixtures.py

Each model is trained briefly (seeded) on MNIST in data/mnist, saved as .keras and legacy .h5, and its expected
outputs and test accuracy come from the independent NumPy pass (kerasnp.py) over the saved file, added to
expected.json. The script also checks that NumPy's outputs equal Keras's own predict.
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

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "keras")
MNIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "data", "mnist")


def mnist(prefix):
    with open(os.path.join(MNIST, prefix + "-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 28, 28, 1).astype("float32") / 255
    with open(os.path.join(MNIST, prefix + "-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read()[8:], np.uint8)
    return x, y


def zero_padding():
    """Sequential: ZeroPadding2D with uneven padding before a convolution."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.ZeroPadding2D(((1, 2), (0, 1))),
        layers.Conv2D(2, 3, activation="relu"),
        layers.MaxPooling2D(3),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def concatenate():
    """Functional: two convolutions joined along the channels, then flat features joined with pooled ones."""
    x = keras.Input((28, 28, 1))
    p = layers.ZeroPadding2D(1)(x)
    a = layers.Conv2D(3, 3, strides=2, padding="same", activation="relu")(p)
    b = layers.Conv2D(2, 1, strides=2, padding="same", activation="tanh")(p)
    c = layers.Concatenate()([a, b])
    f = layers.Flatten()(layers.MaxPooling2D(3)(c))
    g = layers.GlobalAveragePooling2D()(c)
    j = layers.Concatenate()([f, g])
    return keras.Model(x, layers.Dense(10, activation="softmax")(j))


def main():
    x, y = mnist("train")
    tx, ty = mnist("t10k")
    path = os.path.join(OUT, "expected.json")
    with open(path) as f:
        expected = json.load(f)
    for stem, make in (("keras3-zero-padding", zero_padding), ("keras3-concatenate", concatenate)):
        keras.utils.set_random_seed(1)
        model = make()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x[:12000], y[:12000], epochs=2, batch_size=64, verbose=0)
        keras_out = model.predict(tx[:32], verbose=0)
        # compiled afresh, the optimizer has no state to save: the files stay small
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        for ext in ("keras", "h5"):
            name = stem + "." + ext
            file = os.path.join(OUT, name)
            model.save(file)
            out = kerasnp.forward(file, tx[:32].reshape(-1, 784).astype(np.float64))
            preds = np.concatenate([kerasnp.forward(file, tx[i:i + 2000].reshape(-1, 784).astype(np.float64))
                                    .argmax(1) for i in range(0, len(tx), 2000)])
            expected[name] = {"scale": 1.0, "accuracy": float((preds == ty).mean()), "outputs": out.tolist()}
            print("%-28s test accuracy %.4f, max |NumPy - Keras| %.1e, %d bytes"
                  % (name, expected[name]["accuracy"], np.abs(out - keras_out).max(), os.path.getsize(file)))
    with open(path, "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
