"""Writes the fixtures of the layers added for issue #31 (deliverable 7), saved by real Keras itself (model.save).

Run with the tests' Keras (.ci/run installs it), from the repository root:

    KERAS_BACKEND=jax target/keras-venv/bin/python src/test/keras/make_layer_fixtures.py

Needs real MNIST in data/mnist (or $MNIST_DIR). Seeded; JAX on the CPU gives the same weights every run. Each model
is trained briefly on 12,000 MNIST training images, compiled afresh (so no optimizer state makes the files big) and
saved as .keras and legacy .h5. As for make_keras_fixtures.py, its expected outputs on the 32 images of inputs.u8 and
its test accuracy come from the independent NumPy pass (kerasnp.py) over each saved file, added to expected.json; the
script stops unless those outputs equal Keras's own predict within 1e-5.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kerasnp  # noqa: E402

OUT = os.path.join(HERE, "..", "resources", "keras")
DATA = os.environ.get("MNIST_DIR", os.path.join(HERE, "..", "..", "..", "data", "mnist"))


def mnist(prefix):
    with open(os.path.join(DATA, prefix + "-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 28, 28, 1).astype("float32") / 255
    with open(os.path.join(DATA, prefix + "-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read()[8:], np.uint8)
    return x, y


def dense_no_bias():
    """Dense(use_bias=False), as a hidden layer and as the last one."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Flatten(),
        layers.Dense(24, activation="relu", use_bias=False),
        layers.Dense(10, activation="softmax", use_bias=False),
    ])


def crop_upsample():
    """Cropping2D with uneven crops, a strided convolution, UpSampling2D with unequal factors."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Cropping2D(((2, 3), (1, 4))),
        layers.Conv2D(4, 3, strides=2, activation="relu"),
        layers.UpSampling2D((2, 3)),
        layers.MaxPooling2D(3),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def merges():
    """Functional: Multiply of feature maps, then Subtract, Average (of three) and Maximum of dense branches."""
    x = keras.Input((28, 28, 1))
    a = layers.Conv2D(4, 3, strides=2, activation="relu")(x)
    b = layers.Conv2D(4, 3, strides=2, activation="sigmoid")(x)
    m = layers.Multiply()([a, b])
    f = layers.Flatten()(layers.MaxPooling2D(2)(m))
    d1 = layers.Dense(16, activation="tanh")(f)
    d2 = layers.Dense(16, activation="sigmoid")(f)
    d3 = layers.Dense(16, activation="relu")(f)
    s = layers.Subtract()([d1, d2])
    av = layers.Average()([s, d2, d3])
    mx = layers.Maximum()([av, d1])
    return keras.Model(x, layers.Dense(10, activation="softmax")(mx))


def augmentation():
    """Keras 3's augmentation and noise layers, with settings off their defaults; GaussianDropout after Flatten."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.RandomRotation(0.05, fill_mode="constant", seed=1),
        layers.RandomZoom(0.1, 0.05, fill_mode="nearest", seed=2),
        layers.RandomTranslation(0.1, (-0.05, 0.1), fill_mode="constant", interpolation="nearest", seed=3),
        layers.RandomFlip("horizontal", seed=4),
        layers.RandomContrast(0.1, value_range=(0, 1), seed=5),
        layers.GaussianNoise(0.05, seed=7),
        layers.Conv2D(4, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.GaussianDropout(0.1, seed=8),
        layers.Dense(10, activation="softmax"),
    ])


def brightness():
    """RandomBrightness, on its own: Keras 3.15.1 cannot save it as .h5 (model.save fails deep-copying its config,
    "TypeError: cannot pickle 'module' object"), so this one is a .keras only."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.RandomBrightness(0.1, value_range=(0, 1), seed=6),
        layers.Conv2D(4, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def convolutions():
    """Conv2D dilated (with 'same' padding), DepthwiseConv2D (multiplier 2, strided), SeparableConv2D."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(4, 3, dilation_rate=2, padding="same", activation="relu"),
        layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, activation="relu"),
        layers.SeparableConv2D(6, 3, depth_multiplier=2, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def real_convnet():
    """The book's convnet, small: Conv2D(32) -> pool -> Conv2D(64) -> pool -> Flatten -> Dense(10), next to the
    hand-written keras3-convnet.keras."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def real_functional():
    """Functional, two convolution branches joined by Add, then Concatenate with a Dense branch of the pixels."""
    x = keras.Input((28, 28, 1))
    stem = layers.Conv2D(8, 3, activation="relu")(x)
    a = layers.Conv2D(8, 3, padding="same", activation="relu")(stem)
    b = layers.Conv2D(8, 1, activation="tanh")(stem)
    maps = layers.Flatten()(layers.MaxPooling2D(2)(layers.Add()([a, b])))
    pixels = layers.Dense(16, activation="relu")(layers.Flatten()(x))
    joined = layers.Concatenate()([maps, pixels])
    return keras.Model(x, layers.Dense(10, activation="softmax")(joined))


def real_lstm():
    """Reshape to the image's 28 rows of 28 pixels -> LSTM(32) -> Dense(10), next to keras3-lstm.keras."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Reshape((28, 28)),
        layers.LSTM(32),
        layers.Dense(10, activation="softmax"),
    ])


def bidirectional():
    """Bidirectional(LSTM(return_sequences=True)) in each merge mode (concat, mul, sum, ave), then LSTM(16)."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Reshape((28, 28)),
        layers.Bidirectional(layers.LSTM(12, return_sequences=True)),
        layers.Bidirectional(layers.LSTM(8, return_sequences=True), merge_mode="mul"),
        layers.Bidirectional(layers.LSTM(8, return_sequences=True), merge_mode="sum"),
        layers.Bidirectional(layers.LSTM(8, return_sequences=True), merge_mode="ave"),
        layers.LSTM(16),
        layers.Dense(10, activation="softmax"),
    ])


def conv1d():
    """Reshape to the image's 28 rows of 28 pixels -> Conv1D(16, 3) -> Flatten -> Dense(10)."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Reshape((28, 28)),
        layers.Conv1D(16, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def conv1d_options():
    """Conv1D strided with 'same' padding, then causal and dilated without bias, GlobalAveragePooling1D."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Reshape((28, 28)),
        layers.Conv1D(16, 5, strides=2, padding="same", activation="relu"),
        layers.Conv1D(8, 3, padding="causal", dilation_rate=2, activation="tanh", use_bias=False),
        layers.GlobalAveragePooling1D(),
        layers.Dense(10, activation="softmax"),
    ])


def conv1d_lstm():
    """Conv1D into an LSTM that returns its sequence, GlobalMaxPooling1D over it."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Reshape((28, 28)),
        layers.Conv1D(8, 3, activation="relu"),
        layers.LSTM(16, return_sequences=True),
        layers.GlobalMaxPooling1D(),
        layers.Dense(10, activation="softmax"),
    ])


def gru():
    """GRU with Keras 3's defaults (reset_after=True), which the import refuses: saved untrained, with no outputs."""
    return keras.Sequential([
        keras.Input((28, 28)),
        layers.GRU(4),
        layers.Dense(10, activation="softmax"),
    ])


BOTH = ("keras", "h5")
MODELS = (
    ("keras3-dense-no-bias", dense_no_bias, BOTH),
    ("keras3-crop-upsample", crop_upsample, BOTH),
    ("keras3-merges", merges, BOTH),
    ("keras3-augmentation", augmentation, BOTH),
    ("keras3-random-brightness", brightness, ("keras",)),
    ("keras3-dilated-separable", convolutions, BOTH),
    ("keras3-real-convnet", real_convnet, BOTH),
    ("keras3-real-functional", real_functional, BOTH),
    ("keras3-real-lstm", real_lstm, BOTH),
    ("keras3-bidirectional", bidirectional, BOTH),
    ("keras3-conv1d", conv1d, BOTH),
    ("keras3-conv1d-options", conv1d_options, BOTH),
    ("keras3-conv1d-lstm", conv1d_lstm, BOTH),
)

# refused by the import: saved as Keras saves them, untrained, not in expected.json
REFUSED = (
    ("bad-gru.keras", gru),
)


def main():
    only = set(sys.argv[1:])
    x, y = mnist("train")
    tx, ty = mnist("t10k")
    inputs = np.fromfile(os.path.join(OUT, "inputs.u8"), np.uint8).reshape(-1, 28, 28, 1).astype("float32") / 255
    assert np.array_equal(inputs, tx[:len(inputs)]), "inputs.u8 holds the first MNIST test images"
    path = os.path.join(OUT, "expected.json")
    with open(path) as f:
        expected = json.load(f)
    for stem, make, formats in MODELS:
        if only and stem not in only:
            continue
        keras.utils.set_random_seed(1)
        model = make()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x[:12000], y[:12000], epochs=2, batch_size=64, verbose=0)
        # compiled afresh, the optimizer has no state to save: the files stay small
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        for ext in formats:
            name = stem + "." + ext
            file = os.path.join(OUT, name)
            model.save(file)
            saved = keras.saving.load_model(file)
            keras_out = np.asarray(saved.predict(inputs, verbose=0))
            out = kerasnp.forward(file, inputs.reshape(-1, 784).astype(np.float64))
            diff = float(np.abs(out - keras_out).max())
            assert diff <= 1e-5, "%s: NumPy's pass differs from Keras's predict by %.1e" % (name, diff)
            preds = np.concatenate([kerasnp.forward(file, tx[i:i + 2000].reshape(-1, 784).astype(np.float64))
                                    .argmax(1) for i in range(0, len(tx), 2000)])
            expected[name] = {"scale": 1.0, "accuracy": float((preds == ty).mean()), "outputs": out.tolist()}
            print("%-28s test accuracy %.4f, max |NumPy - Keras %s| %.1e, %d bytes"
                  % (name, expected[name]["accuracy"], keras.__version__, diff, os.path.getsize(file)), flush=True)
    with open(path, "w") as f:
        json.dump(expected, f, indent=1)
    for name, make in REFUSED:
        if only and name not in only:
            continue
        keras.utils.set_random_seed(1)
        model = make()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.save(os.path.join(OUT, name))
        print("%-28s %d bytes" % (name, os.path.getsize(os.path.join(OUT, name))), flush=True)


if __name__ == "__main__":
    main()
