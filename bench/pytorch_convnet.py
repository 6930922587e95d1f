"""PyTorch reference for bench/run: one epoch of the book's convnet, the convnet recipe, on the same IDX files.

Conv2d(1, 32, 3) -> ReLU -> MaxPool2d(2) -> Conv2d(32, 64, 3) -> ReLU -> MaxPool2d(2) -> Conv2d(64, 64, 3) -> ReLU
-> Flatten -> Linear(576, 64) -> ReLU -> Linear(64, 10), cross-entropy on logits, glorot-uniform weights (PyTorch's
xavier_uniform_ takes Keras's convolution fans: in*k*k and out*k*k) and zero biases, RMSprop(lr=0.001, alpha=0.9,
eps=1e-7, epsilon outside the square root as Keras 2 and DL4J) with its accumulator at 0, batch 64 reshuffled.
Then inference with the trained model, with the protocol of InferenceBenchmark.java (as bench/pytorch_mnist.py's).
Prints one JSON line with the fields of ConvnetEpochBenchmark.java and InferenceBenchmark.java's timings.
"""
import json
import os
import sys
import time

import torch

from pytorch_mnist import idx, time_inference, versions


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "data/mnist"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 123
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(seed)
    x_train = torch.from_numpy(idx(f"{data_dir}/train-images-idx3-ubyte", 16).reshape(60000, 1, 28, 28)
                               .astype("float32") / 255)
    y_train = torch.from_numpy(idx(f"{data_dir}/train-labels-idx1-ubyte", 8).astype("int64"))
    x_test = torch.from_numpy(idx(f"{data_dir}/t10k-images-idx3-ubyte", 16).reshape(10000, 1, 28, 28)
                              .astype("float32") / 255)
    y_test = torch.from_numpy(idx(f"{data_dir}/t10k-labels-idx1-ubyte", 8).astype("int64"))
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(), nn.Linear(576, 64),
                          nn.ReLU(), nn.Linear(64, 10))
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    start = time.time()
    order = torch.randperm(60000)
    for i in range(0, 60000, 64):
        batch = order[i:i + 64]
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x_train[batch]), y_train[batch]).backward()
        optimizer.step()
    epoch = time.time() - start
    with torch.no_grad():
        acc = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
                  for i in range(0, 10000, 1000)) / 10000
        predict_one_ms, batch_per_s = time_inference(model, x_test)
    print(json.dumps({"impl": "pytorch", "model": "convnet", "seed": seed, "epoch_s": round(epoch, 3),
                      "test_acc": round(acc, 4), "predict_one_ms": round(predict_one_ms, 4),
                      "predict_batch_per_s": round(batch_per_s), "torch": torch.__version__, **versions()}))


if __name__ == "__main__":
    main()
