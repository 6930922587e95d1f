"""Writes the fixtures that real Keras itself saves (model.save), in both formats.

Run with the tests' Keras (.ci/run installs it):  KERAS_BACKEND=jax target/keras-venv/bin/python src/test/keras/make_real_fixtures.py
Needs real MNIST in data/mnist (or $MNIST_DIR). Seeded; JAX on the CPU gives the same weights every run. Arguments:
the fixtures to write (main, frozen, frozen_graph); none: all.

keras3-adam-rescaling.{keras,h5}: Rescaling(1/255) -> Conv2D(8, 3, relu) -> MaxPooling2D(4) -> Flatten -> Dense(10)
-> Activation(softmax), trained for one epoch on 12,000 raw-pixel images with Adam. It has what fine-tuning must
keep (a Rescaling layer, a softmax that is a layer of its own, Adam), and its .h5 holds Adam's state after the
weights, so a copy cut at 50% still has every weight (they end at about a third) yet is not the file Keras wrote.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "keras")
DATA = os.environ.get("MNIST_DIR", os.path.join(HERE, "..", "..", "..", "data", "mnist"))


def mnist(prefix, n):
    with open(os.path.join(DATA, prefix + "-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 28, 28, 1)[:n].astype("float32")
    with open(os.path.join(DATA, prefix + "-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read()[8:], np.uint8)[:n]
    return x, y


def main():
    keras.utils.set_random_seed(7)
    x, y = mnist("train", 12000)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.MaxPooling2D(4),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
        keras.layers.Activation("softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    xt, yt = mnist("t10k", 10000)
    print("test accuracy", model.evaluate(xt, yt, verbose=0)[1])
    for ext in ("keras", "h5"):
        model.save(os.path.join(OUT, "keras3-adam-rescaling." + ext))
    with h5py.File(os.path.join(OUT, "keras3-adam-rescaling.h5"), "r") as f:
        ends = []
        f["model_weights"].visititems(lambda name, d: ends.append(d.id.get_offset() + d.id.get_storage_size())
                                      if isinstance(d, h5py.Dataset) else None)
        size = os.path.getsize(os.path.join(OUT, "keras3-adam-rescaling.h5"))
        print("h5: %d bytes, the model's weights end at byte %d (%.0f%%)" % (size, max(ends), 100 * max(ends) / size))


def frozen():
    """keras3-frozen.{keras,h5}: Conv2D(8, 3, relu) -> BatchNormalization -> MaxPooling2D(2) -> Flatten -> Dense(10,
    softmax) on pixels / 255, trained one epoch, then the Conv2D and the BatchNormalization set trainable=False (as
    one freezes a base for transfer learning), recompiled with Adam and trained half an epoch more: what fine-tuning
    must keep."""
    keras.utils.set_random_seed(11)
    x, y = mnist("train", 12000)
    x = x / 255.0
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(8, 3, activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    model.layers[0].trainable = False
    model.layers[1].trainable = False
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[:6000], y[:6000], batch_size=64, epochs=1, verbose=0)
    xt, yt = mnist("t10k", 10000)
    print("keras3-frozen test accuracy", model.evaluate(xt / 255.0, yt, verbose=0)[1])
    for ext in ("keras", "h5"):
        model.save(os.path.join(OUT, "keras3-frozen." + ext))


def frozen_graph():
    """keras3-frozen-graph.keras: a Functional graph, Conv2D(8, 3, relu) -> BatchNormalization, then a branch of
    Conv2D(8, 3, same) -> BatchNormalization added back to it, ReLU, MaxPooling2D(2), Flatten, Dense(10, softmax), on
    pixels / 255 (the branch's Conv2D without a bias, as before a BatchNormalization: its gradient would be 0 up to
    rounding, so Adam would move it by up to the learning rate a step in a direction rounding decides), trained one
    epoch; then the first Conv2D and BatchNormalization set trainable=False, recompiled with
    Adam and trained half an epoch more. Fine-tuning must keep the frozen pair (the BatchNormalization in inference
    mode) and train the branch's BatchNormalization in training mode, moving statistics included."""
    keras.utils.set_random_seed(13)
    x, y = mnist("train", 12000)
    x = x / 255.0
    inputs = keras.Input((28, 28, 1))
    base = keras.layers.BatchNormalization(name="base_bn")(
        keras.layers.Conv2D(8, 3, activation="relu", name="base")(inputs))
    branch = keras.layers.BatchNormalization(name="branch_bn")(
        keras.layers.Conv2D(8, 3, padding="same", use_bias=False, name="branch")(base))
    merged = keras.layers.MaxPooling2D(2)(keras.layers.ReLU()(keras.layers.Add()([base, branch])))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(merged))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    model.get_layer("base").trainable = False
    model.get_layer("base_bn").trainable = False
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[:6000], y[:6000], batch_size=64, epochs=1, verbose=0)
    xt, yt = mnist("t10k", 10000)
    print("keras3-frozen-graph test accuracy", model.evaluate(xt / 255.0, yt, verbose=0)[1])
    model.save(os.path.join(OUT, "keras3-frozen-graph.keras"))


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:] or ["main", "frozen", "frozen_graph"]:
        globals()[name]()
