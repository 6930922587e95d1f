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

import kerasnp

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "keras")
rng = np.random.RandomState(7)


HIDDEN = 32


def mnist(kind="train"):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "data", "mnist")
    prefix = "train" if kind == "train" else "t10k"
    with open(os.path.join(root, prefix + "-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 784).astype("float32") / 255
    with open(os.path.join(root, prefix + "-labels-idx1-ubyte"), "rb") as f:
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


def write_keras3_zip(path, config, variables_by_path, drop_config=False, keras_version="3.3.3",
                     saved=(2024, 5, 2, 10, 0, 0)):
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5:
        for layer_path, values in variables_by_path:
            group = h5.require_group(layer_path).require_group("vars")
            for i, v in enumerate(values):
                group.create_dataset(str(i), data=v, track_times=False)
    def entry(name):  # a fixed date, so that the same content gives the same bytes
        return zipfile.ZipInfo(name, date_time=saved)
    date = "%04d-%02d-%02d@%02d:%02d:%02d" % saved
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(entry("metadata.json"), json.dumps({"keras_version": keras_version, "date_saved": date}))
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




# ---------------------------------------------------------------------------------------------------------------
# Convnets, channels-first, LSTM, Rescaling and the other layers of the vocabulary. Their feature layers (convolution,
# LSTM) keep seeded random weights and BatchNormalization real batch statistics; the Dense layer that reads them is
# trained here with NumPy (softmax regression), so each model scores well above chance. Every fixture's expected
# outputs on INPUTS (the first 32 MNIST test images) and its accuracy on the 10,000 test images come from kerasnp's
# forward pass over the written file, recorded in expected.json.

def cfg2(kind, name, **config):
    """A Keras 2 (2.13) layer config, with the initializer, regularizer and constraint fields Keras 2 writes."""
    config = {"name": name, "trainable": True, "dtype": "float32", **config}
    weights = {"Dense": ["kernel", "bias"], "Conv2D": ["kernel", "bias"],
               "LSTM": ["kernel", "recurrent", "bias"]}.get(kind, [])
    for w in weights:
        config[w + "_initializer"] = {"kernel": {"class_name": "GlorotUniform", "config": {"seed": None}},
                                      "recurrent": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
                                      "bias": {"class_name": "Zeros", "config": {}}}[w]
        config[w + "_regularizer"] = None
        config[w + "_constraint"] = None
    if weights:
        config["activity_regularizer"] = None
    return {"class_name": kind, "config": config}


def cfg3(kind, name, build_shape=None, **config):
    """A Keras 3 layer config, with the module/registered_name wrapper and a DTypePolicy."""
    return k3(kind, {"name": name, "trainable": True, "dtype": DTYPE3, **config}, build_shape)


def glorot(r, shape, fan_in, fan_out):
    return (r.uniform(-1, 1, shape) * np.sqrt(6 / (fan_in + fan_out))).astype("float32")


def conv_weights(r, k, c_in, c_out, bias=True):
    w = [glorot(r, (k, k, c_in, c_out), k * k * c_in, k * k * c_out)]
    return w + [r.uniform(-0.05, 0.05, c_out).astype("float32")] if bias else w


def readout(features, y, epochs=30, lr=0.5, seed=3):
    """Softmax regression on fixed features: the trained Dense(10) of every fixture."""
    r = np.random.RandomState(seed)
    mu, sd = features.mean(0), features.std(0) + 1e-6
    f = (features - mu) / sd
    w = np.zeros((f.shape[1], 10))
    b = np.zeros(10)
    onehot = np.eye(10)[y]
    for _ in range(epochs):
        for i in range(0, len(f), 256):
            idx = r.permutation(len(f))[:256]
            z = f[idx] @ w + b
            p = np.exp(z - z.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            g = (p - onehot[idx]) / len(idx)
            w -= lr * f[idx].T @ g
            b -= lr * g.sum(0)
    # fold the standardisation into the layer: (f - mu) / sd @ w + b
    w_folded = (w / sd[:, None]).astype("float32")
    return [w_folded, (b - (mu / sd) @ w).astype("float32")]


def features_of(layers, x, major):
    """kerasnp's forward pass over a list of (config, weights), up to their end."""
    first = {"config": {"batch_shape": layers[0][0]["config"].get("batch_shape")}}
    return kerasnp.forward(None, x, ({}, major, layers))


def sequential2(layers):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers},
            "keras_version": "2.13.1", "backend": "tensorflow"}


def h5_layers(named, prefix):
    """[(name, arrays, variable names)] for write_legacy_h5 from (config, arrays)."""
    return [(layer["config"]["name"], w, kerasnp.variable_names(layer)) for layer, w in named]


def more_fixtures():
    x, y = mnist()
    tx, ty = mnist("test")
    relu = train(x, y, "relu")
    x, y = x[:12000], y[:12000]
    r = np.random.RandomState(11)
    expected = {}
    inputs = (tx[:32] * 255).round().astype(np.uint8)
    inputs.tofile(os.path.join(OUT, "inputs.u8"))

    def record(name, scale=1.0):
        path = os.path.join(OUT, name)
        out = kerasnp.forward(path, tx[:32].astype(np.float64) * scale)
        preds = np.concatenate([kerasnp.forward(path, tx[i:i + 2000].astype(np.float64) * scale).argmax(1)
                                for i in range(0, len(tx), 2000)])
        expected[name] = {"scale": scale, "accuracy": float((preds == ty).mean()), "outputs": out.tolist()}
        print("%-32s test accuracy %.4f" % (name, expected[name]["accuracy"]))

    # A. The convnet, channels-last: Conv2D(8, 3) -> MaxPooling2D -> Conv2D(16, 3) -> MaxPooling2D -> Flatten ->
    # Dropout -> Dense(10, softmax). Keras 2 writes it without an InputLayer (batch_input_shape on the first layer).
    c1, c2 = conv_weights(r, 3, 1, 8), conv_weights(r, 3, 8, 16)
    k2 = [cfg2("Conv2D", "conv2d", batch_input_shape=[None, 28, 28, 1], filters=8, kernel_size=[3, 3],
               strides=[1, 1], padding="valid", data_format="channels_last", dilation_rate=[1, 1], groups=1,
               activation="relu", use_bias=True),
          cfg2("MaxPooling2D", "max_pooling2d", pool_size=[2, 2], padding="valid", strides=[2, 2],
               data_format="channels_last"),
          cfg2("Conv2D", "conv2d_1", filters=16, kernel_size=[3, 3], strides=[1, 1], padding="valid",
               data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="relu", use_bias=True),
          cfg2("MaxPooling2D", "max_pooling2d_1", pool_size=[2, 2], padding="valid", strides=[2, 2],
               data_format="channels_last"),
          cfg2("Flatten", "flatten", data_format="channels_last"),
          cfg2("Dropout", "dropout", rate=0.5, noise_shape=None, seed=None)]
    feats = [(k2[0], c1), (k2[1], []), (k2[2], c2), (k2[3], []), (k2[4], []), (k2[5], [])]
    head = readout(features_of(feats, x, 2), y)
    k2.append(cfg2("Dense", "dense", units=10, activation="softmax", use_bias=True))
    convnet = feats + [(k2[6], head)]
    write_legacy_h5(os.path.join(OUT, "keras2-convnet.h5"), "2.13.1", sequential2(k2), h5_layers(convnet, ""),
                    lambda layer, var: f"{layer}/{var}:0")
    record("keras2-convnet.h5")

    # the same model in Keras 3: legacy .h5 (variable paths) and .keras, whose config names the layers
    # differently from their weight groups (features, features_1, ..., classifier)
    def conv3(name, filters, shape, **more):
        return cfg3("Conv2D", name, shape, filters=filters, kernel_size=[3, 3], strides=[1, 1], padding="valid",
                    data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="relu", use_bias=True,
                    kernel_initializer=INIT3, bias_initializer=ZEROS3, kernel_regularizer=None,
                    bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                    **more)

    def pool3(name, shape, kind="MaxPooling2D", size=2, padding="valid"):
        return cfg3(kind, name, shape, pool_size=[size, size], padding=padding, strides=[size, size],
                    data_format="channels_last")
    l3 = [input3([None, 28, 28, 1]), conv3("features", 8, [None, 28, 28, 1]), pool3("pool", [None, 26, 26, 8]),
          conv3("features_2", 16, [None, 13, 13, 8]), pool3("pool_2", [None, 11, 11, 16]),
          cfg3("Flatten", "to_vector", [None, 5, 5, 16], data_format="channels_last"),
          cfg3("Dropout", "drop", [None, 400], rate=0.5, seed=None, noise_shape=None),
          dense3("classifier", 10, "softmax", 400)]
    seq = sequential3(l3, [None, 28, 28, 1])
    write_keras3_zip(os.path.join(OUT, "keras3-convnet.keras"), seq,
                     [("layers/conv2d", c1), ("layers/conv2d_1", c2), ("layers/dense", head)])
    record("keras3-convnet.keras")
    write_legacy_h5(os.path.join(OUT, "keras3-convnet-legacy.h5"), "3.3.3", seq,
                    [(layer["config"]["name"], w, kerasnp.variable_names(layer))
                     for layer, w in zip(l3[1:], [c1, [], c2, [], [], [], head])],
                    lambda layer, var: f"sequential/{layer}/{var}")
    record("keras3-convnet-legacy.h5")

    # B. Channels-first (Keras 2, as on GPUs): Input (1, 28, 28) -> Conv2D(8, 3) -> MaxPooling2D -> Flatten
    # (data_format channels_first: Keras moves the channels last before flattening) -> Dense(10, softmax)
    cf1 = conv_weights(r, 3, 1, 8)
    kcf = [cfg2("InputLayer", "input_1", batch_input_shape=[None, 1, 28, 28], sparse=False, ragged=False),
           cfg2("Conv2D", "conv2d", filters=8, kernel_size=[3, 3], strides=[1, 1], padding="valid",
                data_format="channels_first", dilation_rate=[1, 1], groups=1, activation="relu", use_bias=True),
           cfg2("MaxPooling2D", "max_pooling2d", pool_size=[2, 2], padding="valid", strides=[2, 2],
                data_format="channels_first"),
           cfg2("Flatten", "flatten", data_format="channels_first")]
    feats = [(kcf[0], []), (kcf[1], cf1), (kcf[2], []), (kcf[3], [])]
    head = readout(features_of(feats, x, 2), y)
    kcf.append(cfg2("Dense", "dense", units=10, activation="softmax", use_bias=True))
    write_legacy_h5(os.path.join(OUT, "keras2-channels-first.h5"), "2.13.1", sequential2(kcf),
                    h5_layers(feats[1:] + [(kcf[4], head)], ""), lambda layer, var: f"{layer}/{var}:0")
    record("keras2-channels-first.h5")

    # C. LSTM over the image's 28 rows (Keras 2.13, weights at lstm/lstm/lstm_cell/kernel:0: DL4J's
    # KerasModelImport, which the importer used before, crashes the JVM on this file, SIGSEGV in
    # sd::NDArray::getOffset): Input (28, 28) -> LSTM(32) -> Dense(10, softmax); and in Keras 3, .keras (the
    # weights under layers/lstm/cell/vars), stacked: LSTM(16, return_sequences) -> LSTM(32)
    def lstm_weights(n_in, units):
        return [glorot(r, (n_in, 4 * units), n_in, 4 * units), glorot(r, (units, 4 * units), units, 4 * units),
                np.concatenate([np.zeros(units), np.ones(units), np.zeros(2 * units)]).astype("float32")]
    lw = lstm_weights(28, 32)
    lk = [cfg2("LSTM", "lstm", batch_input_shape=[None, 28, 28], return_sequences=False, return_state=False,
               go_backwards=False, stateful=False, unroll=False, time_major=False, units=32, activation="tanh",
               recurrent_activation="sigmoid", use_bias=True, unit_forget_bias=True, dropout=0.0,
               recurrent_dropout=0.0, implementation=2)]
    feats = [(lk[0], lw)]
    head = readout(features_of(feats, x, 2), y)
    lk.append(cfg2("Dense", "dense", units=10, activation="softmax", use_bias=True))
    write_legacy_h5(os.path.join(OUT, "keras2-lstm.h5"), "2.13.1", sequential2(lk),
                    [("lstm", lw, ["kernel", "recurrent_kernel", "bias"]), ("dense", head, ["kernel", "bias"])],
                    lambda layer, var: f"{layer}/lstm_cell/{var}:0" if layer == "lstm" else f"{layer}/{var}:0")
    record("keras2-lstm.h5")

    la, lb = lstm_weights(28, 16), lstm_weights(16, 32)
    def lstm3(name, units, shape, sequences):
        return cfg3("LSTM", name, shape, return_sequences=sequences, return_state=False, go_backwards=False,
                    stateful=False, unroll=False, zero_output_for_mask=False, units=units, activation="tanh",
                    recurrent_activation="sigmoid", use_bias=True, unit_forget_bias=True, seed=None, dropout=0.0,
                    recurrent_dropout=0.0)
    l3 = [input3([None, 28, 28]), lstm3("rows", 16, [None, 28, 28], True), lstm3("summary", 32, [None, 28, 16], False)]
    feats = [(l3[1], la), (l3[2], lb)]
    l3[0]["config"]["batch_shape"] = [None, 28, 28]
    head = readout(features_of([(l3[0], [])] + feats, x, 3), y)
    l3.append(dense3("digits", 10, "softmax", 32))
    write_keras3_zip(os.path.join(OUT, "keras3-lstm.keras"), sequential3(l3, [None, 28, 28]),
                     [("layers/lstm/cell", la), ("layers/lstm_1/cell", lb), ("layers/dense", head)])
    record("keras3-lstm.keras")

    # SimpleRNN over rows (Keras 3 .keras, its cell's variables under layers/simple_rnn/cell/vars):
    # Input (28, 28) -> SimpleRNN(64) -> Dense(10, softmax)
    rs = np.random.RandomState(23)  # its own stream: the fixtures after it keep their weights
    sw = [glorot(rs, (28, 64), 28, 64), (np.linalg.qr(rs.normal(size=(64, 64)))[0] * 0.9).astype("float32"),
          np.zeros(64, "float32")]
    s3 = [input3([None, 28, 28]), cfg3("SimpleRNN", "simple_rnn", [None, 28, 28], units=64, activation="tanh",
                                       use_bias=True, return_sequences=False, return_state=False,
                                       go_backwards=False, stateful=False, unroll=False, dropout=0.0,
                                       recurrent_dropout=0.0)]
    head = readout(features_of([(s3[0], []), (s3[1], sw)], x, 3), y)
    s3.append(dense3("dense", 10, "softmax", 64))
    write_keras3_zip(os.path.join(OUT, "keras3-simple-rnn.keras"), sequential3(s3, [None, 28, 28]),
                     [("layers/simple_rnn/cell", sw), ("layers/dense", head)])
    record("keras3-simple-rnn.keras")

    # D. Rescaling: raw 0..255 pixels in. Input (28, 28, 1) -> Rescaling(1/255) -> Conv2D(8, 3, strides 2, same) ->
    # BatchNormalization -> MaxPooling2D -> Flatten -> Dense(10) -> Softmax
    rc = conv_weights(r, 3, 1, 8)
    l3 = [input3([None, 28, 28, 1]), cfg3("Rescaling", "rescaling", [None, 28, 28, 1], scale=1 / 255, offset=0.0),
          cfg3("Conv2D", "conv2d", [None, 28, 28, 1], filters=8, kernel_size=[3, 3], strides=[2, 2], padding="same",
               data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="relu", use_bias=True)]
    pre = features_of([(l3[0], []), (l3[1], []), (l3[2], rc)], x[:2000] * 255, 3)
    mean, var = pre.mean((0, 1, 2)).astype("float32"), pre.var((0, 1, 2)).astype("float32")
    bn = [r.uniform(0.5, 1.5, 8).astype("float32"), r.uniform(-0.2, 0.2, 8).astype("float32"), mean, var]
    l3 += [cfg3("BatchNormalization", "batch_normalization", [None, 14, 14, 8], axis=-1, momentum=0.99,
                epsilon=0.001, center=True, scale=True),
           pool3("max_pooling2d", [None, 14, 14, 8]), cfg3("Flatten", "flatten", [None, 7, 7, 8])]
    feats = [(l3[0], []), (l3[1], []), (l3[2], rc), (l3[3], bn), (l3[4], []), (l3[5], [])]
    head = readout(features_of(feats, x * 255, 3), y)
    l3 += [dense3("dense", 10, "linear", 392), cfg3("Softmax", "softmax", [None, 10], axis=-1)]
    write_keras3_zip(os.path.join(OUT, "keras3-rescaling.keras"), sequential3(l3, [None, 28, 28, 1]),
                     [("layers/conv2d", rc), ("layers/batch_normalization", bn), ("layers/dense", head)])
    record("keras3-rescaling.keras", 255.0)

    # E. An all-convolutional Keras 3 model: Conv2D(16, 3, same, no bias) -> BatchNormalization -> ReLU ->
    # AveragePooling2D(2, same) -> Conv2D(32, 3, strides 2, elu) -> LeakyReLU -> GlobalAveragePooling2D ->
    # Dense(10) -> Activation(softmax)
    e1 = conv_weights(r, 3, 1, 16, bias=False)
    e2 = conv_weights(r, 3, 16, 32)
    l3 = [input3([None, 28, 28, 1]),
          cfg3("Conv2D", "conv2d", [None, 28, 28, 1], filters=16, kernel_size=[3, 3], strides=[1, 1],
               padding="same", data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="linear",
               use_bias=False)]
    pre = features_of([(l3[0], []), (l3[1], e1)], x[:2000], 3)
    ebn = [np.ones(16, "float32"), np.zeros(16, "float32"), pre.mean((0, 1, 2)).astype("float32"),
           pre.var((0, 1, 2)).astype("float32")]
    l3 += [cfg3("BatchNormalization", "batch_normalization", [None, 28, 28, 16], axis=-1, momentum=0.99,
                epsilon=0.001, center=True, scale=True),
           cfg3("ReLU", "re_lu", [None, 28, 28, 16], max_value=None, negative_slope=0.0, threshold=0.0),
           pool3("average_pooling2d", [None, 28, 28, 16], "AveragePooling2D", 3, "same"),
           cfg3("Conv2D", "conv2d_1", [None, 10, 10, 16], filters=32, kernel_size=[3, 3], strides=[2, 2],
                padding="valid", data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="elu",
                use_bias=True),
           cfg3("LeakyReLU", "leaky_re_lu", [None, 4, 4, 32], negative_slope=0.1),
           cfg3("GlobalAveragePooling2D", "global_average_pooling2d", [None, 4, 4, 32],
                data_format="channels_last", keepdims=False)]
    feats = [(l3[0], []), (l3[1], e1), (l3[2], ebn), (l3[3], []), (l3[4], []), (l3[5], e2), (l3[6], []),
             (l3[7], [])]
    head = readout(features_of(feats, x, 3), y)
    l3 += [dense3("dense", 10, "linear", 32), cfg3("Activation", "activation", [None, 10], activation="softmax")]
    write_keras3_zip(os.path.join(OUT, "keras3-allconv.keras"), sequential3(l3, [None, 28, 28, 1]),
                     [("layers/conv2d", e1), ("layers/batch_normalization", ebn), ("layers/conv2d_1", e2),
                      ("layers/dense", head)])
    record("keras3-allconv.keras")

    # F. Trained on raw 0..255 pixels with no Rescaling layer (nothing in the file says so: --input-scale 255)
    rw = [glorot(r, (784, 64), 784, 64) / 255, np.zeros(64, "float32")]
    l3 = [input3([None, 784]), dense3("dense", 64, "relu", 784)]
    head = readout(features_of([(l3[0], []), (l3[1], rw)], x * 255, 3), y)
    l3.append(dense3("dense_1", 10, "softmax", 64))
    write_keras3_zip(os.path.join(OUT, "keras3-raw-pixels.keras"), sequential3(l3, [None, 784]),
                     [("layers/dense", rw), ("layers/dense_1", head)])
    record("keras3-raw-pixels.keras", 255.0)

    # G. Keras 2.15 on Windows: a .keras whose weight groups are named with backslashes, Keras 2 fields
    seq = sequential3([input3([None, 28, 28, 1])] + l3_convnet_layers(), [None, 28, 28, 1])
    config = json.loads(json.dumps(seq).replace('"batch_shape"', '"batch_input_shape"'))
    weights = [("conv2d", c1), ("conv2d_1", c2), ("dense", convnet[-1][1])]
    write_keras3_zip(os.path.join(OUT, "keras2-windows.keras"), config,
                     [("layers\\" + name, v) for name, v in weights], keras_version="2.15.0",
                     saved=(2024, 1, 9, 12, 0, 0))
    record("keras2-windows.keras")

    # Keras 2.13's .keras: the same convnet, its weight groups under _layer_checkpoint_dependencies/
    write_keras3_zip(os.path.join(OUT, "keras213-convnet.keras"), config,
                     [("_layer_checkpoint_dependencies/" + name, v) for name, v in weights], keras_version="2.13.1",
                     saved=(2023, 8, 1, 12, 0, 0))
    record("keras213-convnet.keras")

    # H. A residual Functional graph: Input (28, 28, 1) -> Conv2D(8, 3, same, relu) -> Conv2D(8, 3, same) ->
    # Add([first, second]) -> ReLU -> MaxPooling2D -> Flatten -> Dense(10, softmax), in Keras 3 (.keras) and Keras 2
    # (.h5, nodes as [[["conv2d", 0, 0, {}], ...]])
    def tensor(source, shape):
        return {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32",
                                                            "keras_history": [source, 0, 0]}}

    def node3(layer, *sources):
        shapes = {"input_layer": [None, 28, 28, 1]}
        args = [tensor(src, shapes.get(src, [None, 28, 28, 8])) for src in sources]
        layer["name"] = layer["config"]["name"]
        layer["inbound_nodes"] = [{"args": [args] if len(args) > 1 else args, "kwargs": {}}]
        return layer
    g1, g2 = conv_weights(r, 3, 1, 8), conv_weights(r, 3, 8, 8)
    inp = input3([None, 28, 28, 1])
    inp.update({"name": "input_layer", "inbound_nodes": []})
    same = dict(kernel_size=[3, 3], strides=[1, 1], padding="same", data_format="channels_last",
                dilation_rate=[1, 1], groups=1, use_bias=True)
    gl = [inp,
          node3(cfg3("Conv2D", "conv2d", [None, 28, 28, 1], filters=8, activation="relu", **same), "input_layer"),
          node3(cfg3("Conv2D", "conv2d_1", [None, 28, 28, 8], filters=8, activation="linear", **same), "conv2d"),
          node3(cfg3("Add", "add", [[None, 28, 28, 8], [None, 28, 28, 8]]), "conv2d", "conv2d_1"),
          node3(cfg3("ReLU", "re_lu", [None, 28, 28, 8], max_value=None, negative_slope=0.0, threshold=0.0), "add"),
          node3(pool3("max_pooling2d", [None, 28, 28, 8]), "re_lu"),
          node3(cfg3("Flatten", "flatten", [None, 14, 14, 8], data_format="channels_last"), "max_pooling2d")]
    feats = [(gl[0], []), (gl[1], g1), (gl[2], g2), (gl[3], []), (gl[4], []), (gl[5], []), (gl[6], [])]
    head = readout(features_of(feats, x, 3), y)
    gl.append(node3(dense3("dense", 10, "softmax", 1568), "flatten"))
    graph3 = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "functional", "trainable": True, "layers": gl,
                         "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense", 0, 0]]},
              "registered_name": "Functional", "build_config": {"input_shape": None}, "compile_config": compile3()}
    write_keras3_zip(os.path.join(OUT, "keras3-residual.keras"), graph3,
                     [("layers/conv2d", g1), ("layers/conv2d_1", g2), ("layers/dense", head)])
    record("keras3-residual.keras")

    def layer2(kind, name, sources, **config):
        return {"class_name": kind, "name": name, "config": {"name": name, "trainable": True, "dtype": "float32",
                                                               **config},
                "inbound_nodes": [[[src, 0, 0, {}] for src in sources]] if sources else []}
    g2l = [layer2("InputLayer", "input_1", [], batch_input_shape=[None, 28, 28, 1], sparse=False, ragged=False),
           layer2("Conv2D", "conv2d", ["input_1"], filters=8, activation="relu", **same),
           layer2("Conv2D", "conv2d_1", ["conv2d"], filters=8, activation="linear", **same),
           layer2("Add", "add", ["conv2d", "conv2d_1"]),
           layer2("Activation", "activation", ["add"], activation="relu"),
           layer2("MaxPooling2D", "max_pooling2d", ["activation"], pool_size=[2, 2], padding="valid", strides=[2, 2],
                  data_format="channels_last"),
           layer2("Flatten", "flatten", ["max_pooling2d"], data_format="channels_last"),
           layer2("Dense", "dense", ["flatten"], units=10, activation="softmax", use_bias=True)]
    graph2 = {"class_name": "Functional", "config": {"name": "model", "layers": g2l,
                                                     "input_layers": [["input_1", 0, 0]],
                                                     "output_layers": [["dense", 0, 0]]},
              "keras_version": "2.13.1", "backend": "tensorflow"}
    write_legacy_h5(os.path.join(OUT, "keras2-residual.h5"), "2.13.1", graph2,
                    [("input_1", [], []), ("conv2d", g1, ["kernel", "bias"]), ("conv2d_1", g2, ["kernel", "bias"]),
                     ("add", [], []), ("activation", [], []), ("max_pooling2d", [], []), ("flatten", [], []),
                     ("dense", head, ["kernel", "bias"])], lambda layer, var: f"{layer}/{var}:0")
    record("keras2-residual.h5")

    # I. A Functional model around a nested Sequential (Keras 3): Input (784,) -> Sequential[Dense(32, relu),
    # Dense(10, softmax)], its weights under layers/sequential/layers/dense*/vars
    nd1, nd2 = relu[:2], relu[2:]
    inner = sequential3([dense3("dense", HIDDEN, "relu", 784), dense3("dense_1", 10, "softmax", HIDDEN)], [None, 784])
    inner["config"]["name"] = "classifier"
    del inner["compile_config"]
    inp = input3([None, 784])
    inp.update({"name": "input_layer", "inbound_nodes": []})
    inner.update({"name": "classifier", "inbound_nodes": [{"args": [tensor("input_layer", [None, 784])],
                                                             "kwargs": {}}]})
    nested = {"module": "keras.src.models.functional", "class_name": "Functional",
              "config": {"name": "functional", "trainable": True, "layers": [inp, inner],
                         "input_layers": [["input_layer", 0, 0]], "output_layers": [["classifier", 0, 0]]},
              "registered_name": "Functional", "build_config": {"input_shape": None}, "compile_config": compile3()}
    write_keras3_zip(os.path.join(OUT, "keras3-nested.keras"), nested,
                     [("layers/sequential/layers/dense", nd1), ("layers/sequential/layers/dense_1", nd2)])
    record("keras3-nested.keras")

    # the Dense models written by main()
    for name in ["keras2-sequential.h5", "keras2-functional.h5", "keras3-sequential-legacy.h5",
                 "keras3-sequential.keras", "keras3-functional.keras"]:
        record(name)

    # Hostile files, each refused before anything is allocated
    huge = sequential3([input3([None, 784]), dense3("dense", 10 ** 9, "relu", 784), dense3("dense_1", 10, "softmax",
                                                                                       10 ** 9)], [None, 784])
    write_keras3_zip(os.path.join(OUT, "bad-huge-dense.keras"), huge, [])
    small = sequential3([input3([None, 784]), dense3("dense", 10, "softmax", 784)], [None, 784])
    with h5py.File(os.path.join(OUT, "bad-dataset-past-eof.h5"), "w") as f:
        f.attrs["keras_version"] = b"3.3.3"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(small).encode()
        g = f.create_group("model_weights").create_group("dense")
        g.attrs["weight_names"] = np.array([b"sequential/dense/kernel", b"sequential/dense/bias"])
        g.create_dataset("sequential/dense/kernel", shape=(784, 10), dtype="f4", track_times=False)  # never written
        g.create_dataset("sequential/dense/bias", data=np.zeros(10, "f4"), track_times=False)
    with zipfile.ZipFile(os.path.join(OUT, "bad-escaping-entry.keras"), "w") as z:
        z.writestr(zipfile.ZipInfo("config.json", date_time=(2024, 5, 2, 10, 0, 0)), json.dumps(small))
        z.writestr(zipfile.ZipInfo("../../model.weights.h5", date_time=(2024, 5, 2, 10, 0, 0)), b"x")

    path = os.path.join(OUT, "expected.json")
    if os.path.exists(path):  # keep the entries of make_keras_fixtures.py, whose files need real Keras
        with open(path) as f:
            expected = {**expected, **{k: v for k, v in json.load(f).items() if k not in expected}}
    with open(path, "w") as f:
        json.dump(expected, f, indent=1)


def l3_convnet_layers():
    """The convnet's layers after its input, Keras 3 config (for the Windows fixture)."""
    def conv(name, filters):
        return cfg3("Conv2D", name, None, filters=filters, kernel_size=[3, 3], strides=[1, 1], padding="valid",
                    data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="relu", use_bias=True)
    def pool(name):
        return cfg3("MaxPooling2D", name, None, pool_size=[2, 2], padding="valid", strides=[2, 2],
                    data_format="channels_last")
    return [conv("conv2d", 8), pool("max_pooling2d"), conv("conv2d_1", 16), pool("max_pooling2d_1"),
            cfg3("Flatten", "flatten", None), cfg3("Dropout", "dropout", None, rate=0.5),
            dense3("dense", 10, "softmax", 400)]


if __name__ == "__main__":
    main()
    more_fixtures()
