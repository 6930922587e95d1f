#!/usr/bin/python3
"""Writes the small Keras model files the tests import, in the exact layouts Keras writes them (no Keras needed).

Run with Debian's python3-h5py and python3-numpy:  /usr/bin/python3 src/test/keras/make_fixtures.py
Layouts, from Keras's own saving code:
- Keras 2 HDF5 (keras/saving/legacy/hdf5_format.py): root attrs keras_version, backend, model_config (JSON),
  training_config; group model_weights with attr layer_names; per layer a group with attr weight_names
  ("dense/kernel:0", ...) and the datasets at those paths inside it.
- Keras 3 legacy HDF5 (keras/src/legacy/saving/legacy_h5_format.py): the same groups, but weight_names are
  variable paths ("sequential/dense/kernel"), the config is Keras 3's (module/registered_name, DTypePolicy
  objects, batch_shape) and version 3.x.
- Keras 3 .keras (keras/src/saving/saving_lib.py): a zip of metadata.json, config.json and model.weights.h5, whose
  variables sit at layers/<snake_case class name, numbered per class>/vars/<i> (trainable then non-trainable).
The good models' weights are trained here with NumPy on MNIST (data/mnist, as `keras-mnist fetch-data` leaves it),
seeded, so the same weights come out every run; evaluating an imported model then means something. The
BatchNormalization model carries the first layer's real batch statistics with gamma and beta set to undo them, so it
computes the same function as the plain one while every one of its numbers is exercised.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "keras")
rng = np.random.RandomState(7)


HIDDEN = 32


def mnist():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "data", "mnist")
    with open(os.path.join(root, "train-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 784).astype("float32") / 255
    with open(os.path.join(root, "train-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read()[8:], np.uint8)
    return x, y


def train(x, y, activation, epochs=3, seed=1):
    """Plain mini-batch SGD with momentum on Dense(32, activation) -> Dense(10, softmax), cross-entropy."""
    r = np.random.RandomState(seed)
    w1 = r.uniform(-1, 1, (784, HIDDEN)).astype("float32") * np.sqrt(6 / (784 + HIDDEN))
    b1 = np.zeros(HIDDEN, "float32")
    w2 = r.uniform(-1, 1, (HIDDEN, 10)).astype("float32") * np.sqrt(6 / (HIDDEN + 10))
    b2 = np.zeros(10, "float32")
    params = [w1, b1, w2, b2]
    velocity = [np.zeros_like(p) for p in params]
    onehot = np.eye(10, dtype="float32")[y]
    act = (lambda z: np.maximum(z, 0), lambda a: (a > 0)) if activation == "relu" else \
        (np.tanh, lambda a: 1 - a * a)
    for _ in range(epochs):
        order = r.permutation(len(x))
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            xb, yb = x[idx], onehot[idx]
            h = act[0](xb @ w1 + b1)
            z = h @ w2 + b2
            p = np.exp(z - z.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            dz = (p - yb) / len(idx)
            dh = (dz @ w2.T) * act[1](h)
            grads = [xb.T @ dh, dh.sum(0), h.T @ dz, dz.sum(0)]
            for k in range(4):
                velocity[k] = 0.9 * velocity[k] - 0.05 * grads[k]
                params[k] += velocity[k]
    return [p.astype("float32") for p in params]


def dense(n_in, n_out):
    return [rng.uniform(-0.2, 0.2, (n_in, n_out)).astype("float32"), rng.uniform(-0.1, 0.1, n_out).astype("float32")]


def k3(class_name, config, build_shape=None, module="keras.layers"):
    layer = {"module": module, "class_name": class_name, "config": config, "registered_name": None}
    if build_shape is not None:
        layer["build_config"] = {"input_shape": build_shape}
    return layer


DTYPE3 = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
INIT3 = {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None}, "registered_name": None}
ZEROS3 = {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": None}


def dense3(name, units, activation, n_in):
    return k3("Dense", {"name": name, "trainable": True, "dtype": DTYPE3, "units": units, "activation": activation,
                        "use_bias": True, "kernel_initializer": INIT3, "bias_initializer": ZEROS3,
                        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
                        "bias_constraint": None}, [None, n_in])


def compile3():
    return {"optimizer": {"module": "keras.optimizers", "class_name": "RMSprop",
                          "config": {"name": "rmsprop", "learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-07},
                          "registered_name": None},
            "loss": "categorical_crossentropy", "metrics": ["accuracy"]}


def sequential3(layers, input_shape):
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": "sequential", "trainable": True, "dtype": DTYPE3, "layers": layers},
            "registered_name": None, "build_config": {"input_shape": input_shape}, "compile_config": compile3()}


def input3(shape, name="input_layer"):
    return k3("InputLayer", {"batch_shape": shape, "dtype": "float32", "sparse": False, "name": name})


def write_keras3_zip(path, config, variables_by_path, drop_config=False):
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5:
        for layer_path, values in variables_by_path:
            group = h5.require_group(layer_path).require_group("vars")
            for i, v in enumerate(values):
                group.create_dataset(str(i), data=v, track_times=False)
    def entry(name):  # a fixed date, so that the same content gives the same bytes
        return zipfile.ZipInfo(name, date_time=(2024, 5, 2, 10, 0, 0))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(entry("metadata.json"), json.dumps({"keras_version": "3.3.3", "date_saved": "2024-05-02@10:00:00"}))
        if not drop_config:
            z.writestr(entry("config.json"), json.dumps(config))
        z.writestr(entry("model.weights.h5"), weights.getvalue())


def write_legacy_h5(path, keras_version, config, layers, weight_name):
    """layers: (layer name, [arrays], [variable names]) in model.layers order."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = keras_version.encode()
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        f.attrs["training_config"] = json.dumps({"loss": "categorical_crossentropy",
                                                 "optimizer_config": {"class_name": "RMSprop",
                                                                      "config": {"learning_rate": 0.001}}}).encode()
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([name.encode() for name, _, _ in layers])  # fixed-length, as Keras
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = keras_version.encode()
        for name, values, var_names in sorted(layers, key=lambda l: l[0]):
            lg = g.create_group(name)
            names = [weight_name(name, v).encode() for v in var_names]
            lg.attrs["weight_names"] = np.array(names, dtype="S") if names else np.array([], dtype="S1")
            for n, v in zip(names, values):
                lg.create_dataset(n.decode(), data=v, track_times=False)


def main():
    os.makedirs(OUT, exist_ok=True)

    x, y = mnist()
    relu = train(x, y, "relu")
    tanh = train(x, y, "tanh")

    # Keras 2 (2.13) Sequential: (28, 28) -> Flatten -> Dense(32, relu) -> Dropout -> Dense(10, softmax)
    d1, d2 = relu[:2], relu[2:]
    dtype2 = "float32"
    config2 = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 28, 28], "dtype": dtype2,
                                                "sparse": False, "ragged": False, "name": "flatten_input"}},
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True, "dtype": dtype2,
                                             "batch_input_shape": [None, 28, 28], "data_format": "channels_last"}},
        {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": dtype2, "units": HIDDEN,
                                           "activation": "relu", "use_bias": True,
                                           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                                           "bias_initializer": {"class_name": "Zeros", "config": {}},
                                           "kernel_regularizer": None, "bias_regularizer": None,
                                           "activity_regularizer": None, "kernel_constraint": None,
                                           "bias_constraint": None}},
        {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True, "dtype": dtype2, "rate": 0.2,
                                             "noise_shape": None, "seed": None}},
        {"class_name": "Dense", "config": {"name": "dense_1", "trainable": True, "dtype": dtype2, "units": 10,
                                           "activation": "softmax", "use_bias": True,
                                           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                                           "bias_initializer": {"class_name": "Zeros", "config": {}},
                                           "kernel_regularizer": None, "bias_regularizer": None,
                                           "activity_regularizer": None, "kernel_constraint": None,
                                           "bias_constraint": None}}]},
               "keras_version": "2.13.1", "backend": "tensorflow"}
    write_legacy_h5(os.path.join(OUT, "keras2-sequential.h5"), "2.13.1", config2,
                    [("flatten", [], []), ("dense", d1, ["kernel", "bias"]), ("dropout", [], []),
                     ("dense_1", d2, ["kernel", "bias"])],
                    lambda layer, var: f"{layer}/{var}:0")

    # Keras 3 Sequential with BatchNormalization: (28, 28) -> Flatten -> Dense(32) -> BN -> relu -> Dropout -> Dense(10)
    e1, e2 = relu[:2], relu[2:]
    pre = x @ e1[0] + e1[1]
    mean, var = pre.mean(0).astype("float32"), pre.var(0).astype("float32")
    gamma = np.sqrt(var + 0.001).astype("float32")
    bn = [gamma, mean, mean, var]  # gamma * (z - mean) / sqrt(var + eps) + beta == z
    layers3 = [input3([None, 28, 28]),
               k3("Flatten", {"name": "flatten", "trainable": True, "dtype": DTYPE3, "data_format": "channels_last"},
                  [None, 28, 28]),
               dense3("dense", HIDDEN, "linear", 784),
               k3("BatchNormalization", {"name": "batch_normalization", "trainable": True, "dtype": DTYPE3,
                                         "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True,
                                         "scale": True, "beta_initializer": ZEROS3,
                                         "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones",
                                                               "config": {}, "registered_name": None},
                                         "moving_mean_initializer": ZEROS3,
                                         "moving_variance_initializer": {"module": "keras.initializers",
                                                                         "class_name": "Ones", "config": {},
                                                                         "registered_name": None},
                                         "beta_regularizer": None, "gamma_regularizer": None,
                                         "beta_constraint": None, "gamma_constraint": None, "synchronized": False},
                  [None, HIDDEN]),
               k3("Activation", {"name": "activation", "trainable": True, "dtype": DTYPE3, "activation": "relu"},
                  [None, HIDDEN]),
               k3("Dropout", {"name": "dropout", "trainable": True, "dtype": DTYPE3, "rate": 0.2, "seed": None,
                              "noise_shape": None}, [None, HIDDEN]),
               dense3("dense_1", 10, "softmax", HIDDEN)]
    seq3 = sequential3(layers3, [None, 28, 28])
    write_keras3_zip(os.path.join(OUT, "keras3-sequential.keras"), seq3,
                     [("layers/dense", e1), ("layers/batch_normalization", bn), ("layers/dense_1", e2)])
    write_legacy_h5(os.path.join(OUT, "keras3-sequential-legacy.h5"), "3.3.3", seq3,
                    [("flatten", [], []), ("dense", e1, ["kernel", "bias"]),
                     ("batch_normalization", bn, ["gamma", "beta", "moving_mean", "moving_variance"]),
                     ("activation", [], []), ("dropout", [], []), ("dense_1", e2, ["kernel", "bias"])],
                    lambda layer, var: f"sequential/{layer}/{var}")

    # Keras 3 Functional, a single chain: Input(784) -> Dense(32, tanh) -> Dense(10, softmax)
    f1, f2 = tanh[:2], tanh[2:]

    def node(source, shape):
        return [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32",
                                                                        "keras_history": [source, 0, 0]}}],
                 "kwargs": {}}]
    inp = input3([None, 784])
    inp.update({"name": "input_layer", "inbound_nodes": []})
    fd1 = dense3("dense", HIDDEN, "tanh", 784)
    fd1.update({"name": "dense", "inbound_nodes": node("input_layer", [None, 784])})
    fd2 = dense3("dense_1", 10, "softmax", HIDDEN)
    fd2.update({"name": "dense_1", "inbound_nodes": node("dense", [None, HIDDEN])})
    functional = {"module": "keras.src.models.functional", "class_name": "Functional",
                  "config": {"name": "functional", "trainable": True, "layers": [inp, fd1, fd2],
                             "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense_1", 0, 0]]},
                  "registered_name": "Functional", "build_config": {"input_shape": None},
                  "compile_config": compile3()}
    write_keras3_zip(os.path.join(OUT, "keras3-functional.keras"), functional,
                     [("layers/input_layer", []), ("layers/dense", f1), ("layers/dense_1", f2)])

    # Keras 2 Functional, a single chain (DL4J's importer would make a ComputationGraph of it): Input(784) ->
    # Dense(32, tanh) -> Dense(10, softmax); Keras 2 nodes are [[[source, node, tensor, kwargs]]]
    def dense2(name, units, activation, source):
        return {"class_name": "Dense", "name": name, "inbound_nodes": [[[source, 0, 0, {}]]],
                "config": {"name": name, "trainable": True, "dtype": "float32", "units": units,
                           "activation": activation, "use_bias": True,
                           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                           "bias_initializer": {"class_name": "Zeros", "config": {}}}}
    functional2 = {"class_name": "Functional", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 784], "dtype": "float32", "sparse": False, "ragged": False,
                    "name": "input_1"}},
        dense2("dense", HIDDEN, "tanh", "input_1"), dense2("dense_1", 10, "softmax", "dense")],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]},
        "keras_version": "2.13.1", "backend": "tensorflow"}
    write_legacy_h5(os.path.join(OUT, "keras2-functional.h5"), "2.13.1", functional2,
                    [("input_1", [], []), ("dense", f1, ["kernel", "bias"]), ("dense_1", f2, ["kernel", "bias"])],
                    lambda layer, var: f"{layer}/{var}:0")

    # Bad inputs, each a well-formed file of a kind we refuse.
    conv = sequential3([input3([None, 28, 28, 1]),
                        k3("Conv2D", {"name": "conv2d", "filters": 4, "kernel_size": [3, 3], "activation": "relu"}),
                        k3("Flatten", {"name": "flatten"}), dense3("dense", 10, "softmax", 2704)], [None, 28, 28, 1])
    write_keras3_zip(os.path.join(OUT, "bad-conv2d.keras"), conv,
                     [("layers/conv2d", [np.zeros((3, 3, 1, 4), "float32"), np.zeros(4, "float32")])])
    lam = sequential3([input3([None, 784]), k3("Lambda", {"name": "lambda", "function": {"class_name": "__lambda__"}}),
                       dense3("dense", 10, "softmax", 784)], [None, 784])
    write_keras3_zip(os.path.join(OUT, "bad-lambda.keras"), lam, [])
    write_keras3_zip(os.path.join(OUT, "bad-no-config.keras"), seq3, [("layers/dense", dense(784, 4))],
                     drop_config=True)
    mismatch = sequential3([input3([None, 784]), dense3("dense", 16, "relu", 784), dense3("dense_1", 10, "softmax", 16)],
                           [None, 784])
    write_keras3_zip(os.path.join(OUT, "bad-weight-shapes.keras"), mismatch,
                     [("layers/dense", dense(784, 8)), ("layers/dense_1", dense(8, 10))])
    five = sequential3([input3([None, 784]), dense3("dense", 5, "softmax", 784)], [None, 784])
    write_keras3_zip(os.path.join(OUT, "bad-five-classes.keras"), five, [("layers/dense", dense(784, 5))])
    wide = sequential3([input3([None, 100]), dense3("dense", 10, "softmax", 100)], [None, 100])
    write_keras3_zip(os.path.join(OUT, "bad-100-inputs.keras"), wide, [("layers/dense", dense(100, 10))])
    # (bad-lambda's and bad-keras1's weights are small on purpose: only the refusal matters)
    # A Keras 1 file with a layer DL4J's importer cannot read
    k1 = {"class_name": "Sequential", "config": [
        {"class_name": "TimeDistributedDense", "config": {"name": "tdd_1", "output_dim": 10,
                                                          "batch_input_shape": [None, 784]}}]}
    write_legacy_h5(os.path.join(OUT, "bad-keras1.h5"), "1.2.2", k1,
                    [("tdd_1", dense(4, 10), ["W", "b"])], lambda layer, var: f"{layer}_{var}")


if __name__ == "__main__":
    main()
