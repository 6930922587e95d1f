"""Keras reference for bench/run: one epoch of the book's convnet (the convnet recipe), Keras 3 on TensorFlow.

    Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)) -> MaxPooling2D((2, 2))
    -> Conv2D(64, (3, 3), activation='relu') -> MaxPooling2D((2, 2)) -> Conv2D(64, (3, 3), activation='relu')
    -> Flatten() -> Dense(64, activation='relu') -> Dense(10, activation='softmax')
    compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy']); fit(epochs=1, batch_size=64)

on the same IDX files, Keras's defaults as in bench/keras_mnist.py (its threads too); only model.fit is timed. Then
inference with the trained model with the protocol of InferenceBenchmark.java. Prints one JSON line with the fields
of bench/pytorch_convnet.py.
"""
import json
import sys
import time

from keras_mnist import accuracy, keras, mnist, predict_timings, versions


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "data/mnist"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 123
    keras.utils.set_random_seed(seed)
    x_train, y_train, x_test, y_test = mnist(data_dir, (28, 28, 1))
    layers = keras.layers
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    start = time.time()
    model.fit(x_train, y_train, epochs=1, batch_size=64, verbose=0)
    epoch = time.time() - start
    acc = accuracy(model, x_test, y_test)
    one_ms, batch_per_s = predict_timings(model, x_test)
    print(json.dumps({"impl": "keras", "model": "convnet", "seed": seed, "epoch_s": round(epoch, 3),
                      "test_acc": round(acc, 4), "predict_one_ms": round(one_ms, 4),
                      "predict_batch_per_s": round(batch_per_s), **versions()}))


if __name__ == "__main__":
    main()
