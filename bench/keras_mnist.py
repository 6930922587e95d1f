"""Keras reference for bench/run: the tutorial itself, Keras 3 on TensorFlow, trained on the same IDX files.

    network = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dense(10, activation='softmax')])
    network.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    network.fit(train_images / 255, to_categorical(train_labels), epochs=5, batch_size=128)

Keras's own defaults throughout (glorot-uniform weights, zero biases, RMSprop(lr=0.001, rho=0.9, epsilon=1e-7) with
Keras 3's epsilon inside the square root, reshuffled every epoch), seeded with keras.utils.set_random_seed. Only
model.fit is timed, the data already in memory. Then inference with the trained model, with the protocol of
TrainBenchmark.java and bench/pytorch_mnist.py. Prints one JSON line with the fields of bench/pytorch_mnist.py.
Run with KERAS_BACKEND=tensorflow (bench/run sets it) in a venv with keras 3.15.1 and tensorflow-cpu 2.21.
"""
import json
import os
import resource
import sys
import time

PROCESS_START = time.time()
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

# Threads as the other peers have them: bench/pytorch_*.py run each op on all cores (torch.set_num_threads(cpu_count)),
# one op at a time (eager PyTorch), and DL4J runs one op at a time on OpenMP's cpu_count threads. TensorFlow's default
# would add a second pool of cpu_count threads running independent ops side by side (inter-op), each op itself on all
# cores: more runnable threads than cores (on 2 cores, 7.8-9.7 s for the tutorial's fit against 5.2-6.7 s with one
# inter-op thread, alternating). So: intra-op = all cores, inter-op = 1. Set before TensorFlow starts.
tf.config.threading.set_intra_op_parallelism_threads(os.cpu_count())
tf.config.threading.set_inter_op_parallelism_threads(1)

import keras  # noqa: E402

# The warm-up and timed counts of TrainBenchmark.java (and InferenceBenchmark.java): 20,000 single images of warm-up,
# 2,000 timed (the median reported); 10 passes of batches of 1,000 of warm-up, 3 timed.
WARM_UP_IMAGES = 20000
TIMED_IMAGES = 2000
WARM_UP_PASSES = 10
TIMED_PASSES = 3


def idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def mnist(data_dir, shape):
    """Pixels / 255 as float32 in the given shape per image, labels one-hot, as the tutorial prepares them."""
    def images(name, n):
        return idx(f"{data_dir}/{name}", 16).reshape((n,) + shape).astype("float32") / 255

    def labels(name):
        return keras.utils.to_categorical(idx(f"{data_dir}/{name}", 8), 10).astype("float32")

    return (images("train-images-idx3-ubyte", 60000), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte", 10000), labels("t10k-labels-idx1-ubyte"))


class Clock(keras.callbacks.Callback):
    """Each epoch's wall time, and when the first batch ended."""

    def __init__(self):
        super().__init__()
        self.epochs = []
        self.first_batch = None
        self.start = None

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.first_batch is None:
            self.first_batch = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(time.time() - self.start)


def accuracy(model, x, y):
    return float(np.mean(np.argmax(model.predict(x, batch_size=1000, verbose=0), 1) == np.argmax(y, 1)))


def predict_timings(model, images):
    """The median milliseconds of one image and the images/s in batches of 1,000, after the warm-up.

    Each call is model.predict_on_batch: Keras's call for one batch without fit/predict's data pipeline, running the
    compiled (tf.function) predict step, probabilities out as from our DigitClassifier.predict. model.predict costs
    milliseconds per call in that pipeline, and the eager model(x) runs each layer op by op."""
    n = len(images)
    for i in range(WARM_UP_IMAGES):
        model.predict_on_batch(images[i % n:i % n + 1])
    lat = []
    for i in range(TIMED_IMAGES):
        t = time.perf_counter()
        model.predict_on_batch(images[i:i + 1])
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    for _ in range(WARM_UP_PASSES):
        for i in range(0, n, 1000):
            model.predict_on_batch(images[i:i + 1000])
    t = time.perf_counter()
    for _ in range(TIMED_PASSES):
        for i in range(0, n, 1000):
            model.predict_on_batch(images[i:i + 1000])
    return lat[len(lat) // 2], TIMED_PASSES * n / (time.perf_counter() - t)


def versions():
    return {"framework": "keras", "version": f"{keras.__version__} (TensorFlow {tf.__version__})",
            "keras": keras.__version__, "tensorflow": tf.__version__, "backend": keras.backend.backend(),
            "threads": [tf.config.threading.get_intra_op_parallelism_threads(),
                        tf.config.threading.get_inter_op_parallelism_threads()]}


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "data/mnist"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 123
    keras.utils.set_random_seed(seed)
    x_train, y_train, x_test, y_test = mnist(data_dir, (784,))

    network = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu"),
                                keras.layers.Dense(10, activation="softmax")])
    network.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    clock = Clock()
    fit_start = time.time()
    network.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0, callbacks=[clock])
    fit_s = time.time() - fit_start

    acc = accuracy(network, x_test, y_test)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    one_ms, batch_per_s = predict_timings(network, x_test)
    print(json.dumps({
        "impl": "keras", "seed": seed, "fit_s": round(fit_s, 3), "epoch_s": [round(e, 3) for e in clock.epochs],
        "test_acc": round(acc, 4), "peak_rss_mb": round(peak_rss, 1),
        "start_to_first_batch_s": round(clock.first_batch - PROCESS_START, 3), "predict_one_ms": round(one_ms, 4),
        "predict_batch_per_s": round(batch_per_s), **versions(),
    }))


if __name__ == "__main__":
    main()
