"""Keras reference for bench/run: the Functional ResNet fixture (keras3-resnet.keras) loaded by Keras 3 itself, on
TensorFlow, and evaluated on MNIST's 10,000 test images: GraphBenchmark.java's measurements, the same way.

keras.saving.load_model, one evaluate of a batch first (GraphBenchmark's first pass: the graph traced, as the JVM's
natives load), then model.evaluate on the 10,000 images in batches of 128 (Networks.GRAPH_BATCH, as ours) timed; one
image through predict_on_batch 20 times, then 100 timed (the median). Threads as in bench/keras_mnist.py. Prints one
JSON line with the fields of GraphBenchmark.java.
"""
import json
import resource
import sys
import time

import numpy as np

from keras_mnist import idx, keras, versions


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "data/mnist"
    file = sys.argv[2] if len(sys.argv) > 2 else "src/test/resources/keras/keras3-resnet.keras"
    model = keras.saving.load_model(file)
    x = idx(f"{data_dir}/t10k-images-idx3-ubyte", 16).reshape(10000, 28, 28, 1).astype("float32") / 255
    y = idx(f"{data_dir}/t10k-labels-idx1-ubyte", 8).astype("int64")  # the fixture's loss is the sparse one
    model.evaluate(x[:128], y[:128], batch_size=128, verbose=0)
    start = time.time()
    model.evaluate(x, y, batch_size=128, verbose=0)
    evaluate_s = time.time() - start
    accuracy = float(np.mean(np.argmax(model.predict(x, batch_size=128, verbose=0), 1) == y))
    ms = []
    for i in range(-20, 100):
        t = time.perf_counter()
        model.predict_on_batch(x[:1])
        if i >= 0:
            ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    print(json.dumps({"impl": "keras", "model": file.rsplit("/", 1)[-1], "images": len(x),
                      "evaluate_s": round(evaluate_s, 2), "accuracy": round(accuracy, 4),
                      "predict_one_ms": round(ms[len(ms) // 2], 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **versions()}))


if __name__ == "__main__":
    main()
