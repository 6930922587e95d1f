"""PyTorch reference for bench/run: the tutorial's model, trained the Keras way on the same IDX files.

Dense(512, relu) -> Dense(10, softmax) as Linear+ReLU+Linear with cross-entropy on logits (the same
categorical crossentropy), glorot-uniform weights and zero biases, RMSprop(lr=0.001, alpha=0.9, eps=1e-7)
whose accumulator starts at 0 like Keras's, batch 128 reshuffled every epoch, 5 epochs.
Prints one JSON line with the fields of TrainBenchmark.java, and which PyTorch ran ("framework", "version", "python":
bench/run's venv with PyTorch 2.13, or Debian's 1.13 where the venv cannot be made).
"""
import json
import os
import re
import resource
import sys
import time

import numpy as np
import torch

PROCESS_START = time.time()


def idx(path, header):
    with open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=header)


def time_inference(model, x_test):
    """InferenceBenchmark.java's protocol, probabilities out as DigitClassifier.predict gives them: 20,000 single
    images of warm-up, the median of 2,000 timed (ms); 10 passes of batches of 1000 of warm-up, 3 timed (images/s)."""
    for i in range(20000):
        model(x_test[i % 10000].unsqueeze(0)).softmax(1)
    lat = []
    for i in range(2000):
        t = time.perf_counter()
        model(x_test[i].unsqueeze(0)).softmax(1)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    for _ in range(10):
        for i in range(0, 10000, 1000):
            model(x_test[i:i + 1000]).softmax(1)
    t = time.perf_counter()
    for _ in range(3):
        for i in range(0, 10000, 1000):
            model(x_test[i:i + 1000]).softmax(1)
    return lat[len(lat) // 2], 30000 / (time.perf_counter() - t)


def loaded_blas():
    """The BLAS library really mapped into this process (Debian's alternatives decide which), or, where none is (the
    wheels link MKL statically), the BLAS PyTorch was built with. NumPy's own OpenBLAS (numpy.libs) is not PyTorch's."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps
                if "blas" in line.lower() and "/" in line and "numpy.libs" not in line}
    if not libs:
        libs = {f"built in: {blas}" for blas in re.findall(r"BLAS_INFO=(\w+)", torch.__config__.show())}
    return sorted(libs)


def versions():
    return {"framework": "pytorch", "version": torch.__version__, "python": sys.executable}


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "data/mnist"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 123
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(seed)
    x_train = torch.from_numpy(idx(f"{data_dir}/train-images-idx3-ubyte", 16).reshape(60000, 784).astype("float32") / 255)
    y_train = torch.from_numpy(idx(f"{data_dir}/train-labels-idx1-ubyte", 8).astype("int64"))
    x_test = torch.from_numpy(idx(f"{data_dir}/t10k-images-idx3-ubyte", 16).reshape(10000, 784).astype("float32") / 255)
    y_test = torch.from_numpy(idx(f"{data_dir}/t10k-labels-idx1-ubyte", 8).astype("int64"))

    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    for layer in (model[0], model[2]):
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    first_batch = None
    epochs = []
    fit_start = time.time()
    for _ in range(5):
        start = time.time()
        order = torch.randperm(60000)
        for i in range(0, 60000, 128):
            idx_batch = order[i:i + 128]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[idx_batch]), y_train[idx_batch])
            loss.backward()
            optimizer.step()
            if first_batch is None:
                first_batch = time.time()
        epochs.append(time.time() - start)
    fit_s = time.time() - fit_start

    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
        predict_one_ms, batch_per_s = time_inference(model, x_test)
    print(json.dumps({
        "impl": "pytorch", "seed": seed, "fit_s": round(fit_s, 3), "epoch_s": [round(e, 3) for e in epochs],
        "test_acc": round(acc, 4), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "start_to_first_batch_s": round(first_batch - PROCESS_START, 3), "predict_one_ms": round(predict_one_ms, 4),
        "predict_batch_per_s": round(batch_per_s), "torch": torch.__version__,
        "blas": loaded_blas(), **versions(),
    }))


if __name__ == "__main__":
    main()
