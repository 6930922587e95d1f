"""Writes keras3-resnet.keras, a small Functional ResNet that real Keras trains and saves (model.save).

Run with the tests' Keras (.ci/run installs it):  KERAS_BACKEND=jax target/keras-venv/bin/python src/test/keras/make_resnet_fixture.py
Needs real MNIST in data/mnist (or $MNIST_DIR). Seeded; JAX on the CPU gives the same weights every run.

Input(28, 28, 1) -> Conv2D(32, 3, same) -> BatchNormalization -> ReLU -> two residual blocks
(Conv2D-BN-ReLU-Conv2D-BN, Add with the block's input, ReLU) -> GlobalAveragePooling2D -> Dense(10, softmax).
Five convolutions at 28x28, four of them 32 -> 32 channels: about 60 MFLOP an image, the cost of the graphs the
import serves (issue #32), in a file of a few hundred KB. Trained for three epochs on the 60,000 training images (pixels / 255)
with Adam and a cosine learning rate, so its test accuracy is real (above 97%: five 3x3 convolutions see 11x11
pixels, and the average over the image has to tell digits apart from that). BatchNormalization's momentum is 0.9,
not Keras's 0.99, so that the moving statistics are those of the last steps' weights.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "keras")
DATA = os.environ.get("MNIST_DIR", os.path.join(HERE, "..", "..", "..", "data", "mnist"))
WIDTH = 32
EPOCHS = 3
BATCH = 128


def mnist(prefix, n):
    with open(os.path.join(DATA, prefix + "-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 28, 28, 1)[:n].astype("float32") / 255
    with open(os.path.join(DATA, prefix + "-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read()[8:], np.uint8)[:n]
    return x, y


def conv_bn(x, name):
    x = keras.layers.Conv2D(WIDTH, 3, padding="same", name=name)(x)
    return keras.layers.BatchNormalization(momentum=0.9, name=name + "_bn")(x)


def block(x, name):
    y = keras.layers.ReLU(name=name + "_relu1")(conv_bn(x, name + "_conv1"))
    y = conv_bn(y, name + "_conv2")
    return keras.layers.ReLU(name=name + "_relu2")(keras.layers.Add(name=name + "_add")([x, y]))


def main():
    keras.utils.set_random_seed(7)
    x, y = mnist("train", 60000)
    inputs = keras.Input((28, 28, 1), name="pixels")
    h = keras.layers.ReLU(name="stem_relu")(conv_bn(inputs, "stem"))
    h = block(h, "block1")
    h = block(h, "block2")
    h = keras.layers.GlobalAveragePooling2D(name="pool")(h)
    outputs = keras.layers.Dense(10, activation="softmax", name="digits")(h)
    model = keras.Model(inputs, outputs, name="resnet")
    # the learning rate decays to zero so that the last steps, whose batches the moving statistics come from,
    # barely move the weights: the saved statistics then fit the saved weights
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, EPOCHS * len(x) // BATCH)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, verbose=0)
    print("training accuracy by epoch", history.history["accuracy"])
    xt, yt = mnist("t10k", 10000)
    print("test accuracy", model.evaluate(xt, yt, verbose=0)[1])
    path = os.path.join(OUT, "keras3-resnet.keras")
    model.save(path)
    print("%s: %d bytes, %d parameters" % (path, os.path.getsize(path), model.count_params()))


if __name__ == "__main__":
    main()
