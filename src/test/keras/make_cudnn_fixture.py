"""Writes keras2-cudnn-lstm.h5: Keras 2's CuDNNLSTM in its legacy .h5 layout, which no Keras here can save (Keras 3
has no CuDNNLSTM, and Keras 2 with TensorFlow cannot be installed), built by hand with h5py from the real Keras 3
LSTM of keras3-real-lstm.keras: Reshape((28, 28)) -> CuDNNLSTM(32) -> Dense(10).

    KERAS_BACKEND=jax target/keras-venv/bin/python src/test/keras/make_cudnn_fixture.py

The layout is Keras 2's own (keras/layers/cudnn_recurrent.py and hdf5_format._convert_rnn_weights): kernel
(features, 4 units) and recurrent_kernel (units, 4 units) with the gates i, f, c, o as LSTM's, but each gate's block
handed to cuDNN flattened in C order and read there as the (units, features) matrix W of W x; bias (8 units), cuDNN's
input bias then its recurrent one, which add. So LSTM's kernel block K is stored as K.T's values in a (features,
units) block, the recurrent block transposed, and the bias split in two unequal halves (only their sum counts).

Its expected outputs come from kerasnp's CuDNNLSTM pass over this file (cuDNN's formula read off the stored layout,
not the conversion above); the script stops unless they equal real Keras 3's predict of the LSTM within 1e-5.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kerasnp  # noqa: E402
from make_fixtures import cfg2, write_legacy_h5  # noqa: E402

OUT = os.path.join(HERE, "..", "resources", "keras")
SOURCE = os.path.join(OUT, "keras3-real-lstm.keras")
NAME = "keras2-cudnn-lstm.h5"


def to_cudnn(kernel, recurrent, bias):
    """LSTM's (kernel, recurrent_kernel, bias) in CuDNNLSTM's stored layout: the inverse of Keras 2's conversion."""
    features, units = kernel.shape[0], recurrent.shape[0]
    k = np.hstack([kernel[:, g * units:(g + 1) * units].T.reshape(features, units) for g in range(4)])
    r = np.hstack([recurrent[:, g * units:(g + 1) * units].T for g in range(4)])
    recurrent_bias = np.linspace(-0.5, 0.5, 4 * units).astype(np.float32)  # any split: cuDNN adds the two
    return [k.astype(np.float32), r.astype(np.float32),
            np.concatenate([bias - recurrent_bias, recurrent_bias]).astype(np.float32)]


def main():
    _, _, layers = kerasnp.load(SOURCE)
    (_, lstm), (_, dense) = [(c, w) for c, w in layers if c["class_name"] in ("LSTM", "Dense")]
    units = lstm[1].shape[0]
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "Reshape", "config": {"name": "reshape", "trainable": True, "dtype": "float32",
                                             "batch_input_shape": [None, 28, 28, 1], "target_shape": [28, 28]}},
        cfg2("CuDNNLSTM", "cu_dnnlstm", units=units, unit_forget_bias=True, return_sequences=False,
             return_state=False, go_backwards=False, stateful=False),
        cfg2("Dense", "dense", units=10, activation="softmax", use_bias=True),
    ]}, "keras_version": "2.3.1", "backend": "tensorflow"}
    # cfg2 names LSTM's initializers; CuDNNLSTM's are the same three (kernel, recurrent, bias)
    cell = config["config"]["layers"][1]["config"]
    for w in ("kernel", "recurrent", "bias"):
        cell[w + "_initializer"] = {"kernel": {"class_name": "GlorotUniform", "config": {"seed": None}},
                                    "recurrent": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
                                    "bias": {"class_name": "Zeros", "config": {}}}[w]
        cell[w + "_regularizer"] = None
        cell[w + "_constraint"] = None
    cell["activity_regularizer"] = None
    path = os.path.join(OUT, NAME)
    write_legacy_h5(path, "2.3.1", config,
                    [("reshape", [], []), ("cu_dnnlstm", to_cudnn(*lstm), ["kernel", "recurrent_kernel", "bias"]),
                     ("dense", dense, ["kernel", "bias"])],
                    lambda layer, var: f"{layer}/{var}:0")
    inputs = np.fromfile(os.path.join(OUT, "inputs.u8"), np.uint8).reshape(-1, 784).astype(np.float64) / 255
    out = kerasnp.forward(path, inputs)
    keras_out = np.asarray(keras.saving.load_model(SOURCE).predict(inputs.reshape(-1, 28, 28, 1), verbose=0))
    diff = float(np.abs(out - keras_out).max())
    assert diff <= 1e-5, "%s: the CuDNNLSTM pass differs from Keras's LSTM by %.1e" % (NAME, diff)
    expected_path = os.path.join(OUT, "expected.json")
    with open(expected_path) as f:
        expected = json.load(f)
    tx = np.fromfile(os.path.join(HERE, "..", "..", "..", "data", "mnist", "t10k-images-idx3-ubyte"),
                     np.uint8)[16:].reshape(-1, 784).astype(np.float64) / 255
    with open(os.path.join(HERE, "..", "..", "..", "data", "mnist", "t10k-labels-idx1-ubyte"), "rb") as f:
        ty = np.frombuffer(f.read()[8:], np.uint8)
    preds = np.concatenate([kerasnp.forward(path, tx[i:i + 2000]).argmax(1) for i in range(0, len(tx), 2000)])
    expected[NAME] = {"scale": 1.0, "accuracy": float((preds == ty).mean()), "outputs": out.tolist()}
    with open(expected_path, "w") as f:
        json.dump(expected, f, indent=1)
    print("%s test accuracy %.4f (the LSTM's: %.4f), max |CuDNNLSTM pass - Keras %s LSTM| %.1e, %d bytes"
          % (NAME, expected[NAME]["accuracy"], expected["keras3-real-lstm.keras"]["accuracy"], keras.__version__,
             diff, os.path.getsize(path)))


if __name__ == "__main__":
    main()
