#!/usr/bin/python3
"""An independent forward pass over a Keras model file, in NumPy (no Keras, no DL4J), for the tests.

It reads the file as Keras's own loaders do (keras/src/saving/saving_lib.py for .keras, legacy_h5_format.py for .h5)
and computes the layers with Keras's formulas. The fixtures' expected outputs come from here, and so does the check
of every file `export-keras` writes.

    /usr/bin/python3 src/test/keras/kerasnp.py MODEL_FILE PIXELS_FILE [SCALE]

PIXELS_FILE holds raw uint8 pixels, 784 per image; the model is fed pixels / 255 (SCALE 255: raw pixels). Prints
one JSON object: {"outputs": [[10 floats] per image]}.
"""
import io
import json
import math
import re
import sys
import zipfile

import h5py
import numpy as np


def snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def text(value):
    return value.decode("utf-8") if hasattr(value, "decode") else str(value)


def load(path):
    """(model config, keras major version, [(layer config, [arrays])] in order, nested models inlined)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            config = json.loads(z.read("config.json"))
            meta = json.loads(z.read("metadata.json")) if "metadata.json" in z.namelist() else {}
            h5 = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        major = int(str(meta.get("keras_version", "3")).split(".")[0])
        groups = {}
        h5.visititems(lambda name, obj: groups.__setitem__(name.replace("\\", "/"), obj)
                      if isinstance(obj, h5py.Group) else None)

        def variables(prefix):
            legacy = prefix.replace("layers", "_layer_checkpoint_dependencies")  # Keras 2.13's group names
            for p in (prefix + "/vars", prefix + "/cell/vars", legacy + "/vars", legacy + "/cell/vars"):
                g = groups.get(p)
                if g is not None and len(g):
                    return [np.array(g[str(i)]) for i in range(len(g))]
            if prefix + "/forward_layer" in groups:  # Bidirectional: the forward layer's, then the backward one's
                return variables(prefix + "/forward_layer") + variables(prefix + "/backward_layer")
            return []

        layers = []

        def walk(model, prefix):
            counts = {}
            for layer in model["config"]["layers"]:
                s = snake(layer["class_name"])
                n = counts.get(s, 0)
                counts[s] = n + 1
                p = prefix + "layers/" + (s if n == 0 else "%s_%d" % (s, n))
                if layer["class_name"] in ("Sequential", "Functional"):
                    walk(layer, p + "/")
                else:
                    layers.append((layer, variables(p)))
        walk(config, "")
        return config, major, layers
    f = h5py.File(path, "r")
    config = json.loads(text(f.attrs["model_config"]))
    major = int(text(f.attrs.get("keras_version", "2")).split(".")[0])
    weights = f["model_weights"]
    layers = []

    def walk(model, top):
        for layer in model["config"]["layers"]:
            name = layer["config"]["name"]
            if layer["class_name"] in ("Sequential", "Functional"):
                walk(layer, top or name)
                continue
            layers.append((layer, top or name))

    walk(config, None)
    taken = {}
    out = []
    for layer, top in layers:
        g = weights[top] if top in weights else None
        names = [text(n) for n in g.attrs.get("weight_names", [])] if g is not None else []
        count = len(variable_names(layer))
        start = taken.get(top, 0)
        taken[top] = start + count
        out.append((layer, [np.array(g[n]) for n in names[start:start + count]]))
    return config, major, out


def variable_names(layer):
    kind, c = layer["class_name"], layer["config"]
    if kind == "Dense":
        return ["kernel", "bias"] if c.get("use_bias", True) else ["kernel"]
    if kind in ("Conv2D", "Conv1D"):
        return ["kernel", "bias"] if c.get("use_bias", True) else ["kernel"]
    if kind == "DepthwiseConv2D":
        return ["depthwise_kernel", "bias"] if c.get("use_bias", True) else ["depthwise_kernel"]
    if kind == "SeparableConv2D":
        return ["depthwise_kernel", "pointwise_kernel"] + (["bias"] if c.get("use_bias", True) else [])
    if kind == "BatchNormalization":
        return (["gamma"] if c.get("scale", True) else []) + (["beta"] if c.get("center", True) else []) + [
            "moving_mean", "moving_variance"]
    if kind in ("LSTM", "SimpleRNN", "CuDNNLSTM"):
        return ["kernel", "recurrent_kernel", "bias"]
    if kind == "Bidirectional":
        return [d + n for d in ("forward_", "backward_") for n in variable_names(c["layer"])]
    return []


def activation(name, x, major):
    if isinstance(name, dict):
        name = name.get("config", name.get("class_name"))
    if name in (None, "linear"):
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "softmax":
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "tanh":
        return np.tanh(x)
    if name == "elu":
        return np.where(x > 0, x, np.exp(x) - 1)
    if name == "selu":
        return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))
    if name == "softplus":
        return np.log1p(np.exp(x))
    if name == "softsign":
        return x / (1 + np.abs(x))
    if name in ("silu", "swish"):
        return x / (1 + np.exp(-x))
    if name == "gelu":
        return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    if name == "relu6":
        return np.clip(x, 0, 6)
    if name == "leaky_relu":
        return np.where(x > 0, x, 0.2 * x)
    if name == "hard_sigmoid":
        return np.clip(0.2 * x + 0.5, 0, 1) if major < 3 else np.clip(x / 6 + 0.5, 0, 1)
    raise ValueError("activation " + str(name))


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def pad_same(x, k, s, d=(1, 1)):
    """TF's 'same' padding of (N, H, W, C): the odd row or column at the bottom and right."""
    pads = []
    for axis, (kk, ss, dd) in zip((1, 2), zip(k, s, d)):
        n = x.shape[axis]
        out = -(-n // ss)
        total = max((out - 1) * ss + (kk - 1) * dd + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def windows(x, k, s, padding, fill, d=(1, 1)):
    """(N, H', W', kh, kw, C) windows of channels-last x; a kernel dilated by d reads every d-th pixel."""
    if padding == "same":
        (t, b), (l, r) = pad_same(x, k, s, d)
        x = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    n, h, w, c = x.shape
    span = ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1)
    oh, ow = (h - span[0]) // s[0] + 1, (w - span[1]) // s[1] + 1
    out = np.empty((n, oh, ow, k[0], k[1], c), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            out[:, :, :, i, j, :] = x[:, i * d[0]:i * d[0] + s[0] * oh:s[0], j * d[1]:j * d[1] + s[1] * ow:s[1], :]
    return out


def sources(layer):
    """The layers a Functional layer takes (Keras 3 keras_history, Keras 2 [[["name", 0, 0, {}]]])."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "keras_history" in node:
                found.append(node["keras_history"][0])
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            if len(node) >= 3 and isinstance(node[0], str) and isinstance(node[1], int):
                found.append(node[0])
            else:
                for v in node:
                    walk(v)
    walk(layer.get("inbound_nodes", []))
    return found


def forward(path, x, layers=None):
    """Outputs for x of shape (N, 784) in the model's own input scale."""
    config, major, layers = load(path) if layers is None else layers
    first = layers[0][0]["config"]
    shape = first.get("batch_shape") or first.get("batch_input_shape")
    if shape is None:
        shape = config.get("build_config", {}).get("input_shape")
    a = x.reshape((len(x),) + tuple(shape[1:])).astype(np.float64)
    values = {}
    previous = None
    for layer, w in layers:
        name = layer.get("name", layer["config"].get("name"))
        srcs = sources(layer)
        if layer["class_name"] == "InputLayer":
            values[name] = a
        elif layer["class_name"] == "Add":
            values[name] = sum(values[s] for s in srcs)
        elif layer["class_name"] == "Multiply":
            values[name] = np.prod([values[s] for s in srcs], axis=0)
        elif layer["class_name"] == "Subtract":
            values[name] = values[srcs[0]] - values[srcs[1]]
        elif layer["class_name"] == "Average":
            values[name] = sum(values[s] for s in srcs) / len(srcs)
        elif layer["class_name"] == "Maximum":
            values[name] = np.max([values[s] for s in srcs], axis=0)
        elif layer["class_name"] == "Concatenate":  # the axis counts the batch axis, as NumPy's does here
            values[name] = np.concatenate([values[s] for s in srcs], axis=layer["config"].get("axis", -1))
        else:
            values[name] = apply(layer, w, values[srcs[0]] if srcs else (a if previous is None else values[previous]),
                                 major)
        previous = name
    return values[previous]


def apply(layer, w, a, major):
    """One layer, Keras's formula."""
    kind, c = layer["class_name"], layer["config"]
    cf = c.get("data_format") == "channels_first"
    if kind in ("Dropout", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                "RandomBrightness", "GaussianNoise", "GaussianDropout"):
        return a  # they change values only while Keras trains
    if kind == "Dense":
        return activation(c.get("activation"), a @ w[0] + (w[1] if len(w) > 1 else 0), major)
    if kind == "Conv2D":
        t = a.transpose(0, 2, 3, 1) if cf else a
        k, s = pair(c["kernel_size"]), pair(c.get("strides", 1))
        win = windows(t, k, s, c.get("padding", "valid"), 0.0, pair(c.get("dilation_rate", 1)))
        z = np.tensordot(win, w[0], axes=([3, 4, 5], [0, 1, 2])) + (w[1] if len(w) > 1 else 0)
        z = activation(c.get("activation"), z, major)
        return z.transpose(0, 3, 1, 2) if cf else z
    if kind == "Conv1D":  # a (N, T, 1, C) image under a (k, 1) kernel; causal: (k - 1) d zeros before only
        assert c.get("data_format", "channels_last") == "channels_last" and c.get("groups", 1) == 1
        k, s, d = pair(c["kernel_size"])[0], pair(c.get("strides", 1))[0], pair(c.get("dilation_rate", 1))[0]
        padding = c.get("padding", "valid")
        if padding == "causal":
            a = np.pad(a, ((0, 0), ((k - 1) * d, 0), (0, 0)))
            padding = "valid"
        win = windows(a[:, :, None, :], (k, 1), (s, 1), padding, 0.0, (d, 1))[:, :, 0, :, 0, :]
        z = np.tensordot(win, w[0], axes=([2, 3], [0, 1])) + (w[1] if len(w) > 1 else 0)
        return activation(c.get("activation"), z, major)
    if kind in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        assert c.get("data_format", "channels_last") == "channels_last"
        return a.mean(axis=1) if "Average" in kind else a.max(axis=1)
    if kind in ("DepthwiseConv2D", "SeparableConv2D"):
        t = a.transpose(0, 2, 3, 1) if cf else a
        k, s = pair(c["kernel_size"]), pair(c.get("strides", 1))
        win = windows(t, k, s, c.get("padding", "valid"), 0.0, pair(c.get("dilation_rate", 1)))
        z = np.einsum("nhwijc,ijcm->nhwcm", win, w[0]).reshape(win.shape[:3] + (-1,))  # channel c m + j
        if kind == "SeparableConv2D":
            z = z @ w[1][0, 0]
        z = z + (w[-1] if len(w) > (2 if kind == "SeparableConv2D" else 1) else 0)
        z = activation(c.get("activation"), z, major)
        return z.transpose(0, 3, 1, 2) if cf else z
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        t = a.transpose(0, 2, 3, 1) if cf else a
        k = pair(c.get("pool_size", 2))
        s = pair(c["strides"]) if c.get("strides") is not None else k
        if kind == "MaxPooling2D":
            z = windows(t, k, s, c.get("padding", "valid"), -np.inf).max(axis=(3, 4))
        else:
            total = windows(t, k, s, c.get("padding", "valid"), 0.0).sum(axis=(3, 4))
            count = windows(np.ones_like(t[:1, :, :, :1]), k, s, c.get("padding", "valid"), 0.0).sum(axis=(3, 4))
            z = total / count
        return z.transpose(0, 3, 1, 2) if cf else z
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        axes = (2, 3) if cf else (1, 2)
        return a.mean(axis=axes) if "Average" in kind else a.max(axis=axes)
    if kind == "ZeroPadding2D":
        p = c.get("padding", 1)
        rows, cols = (p, p) if isinstance(p, int) else p
        rows, cols = pair(rows), pair(cols)
        pads = ((0, 0), (0, 0), rows, cols) if cf else ((0, 0), rows, cols, (0, 0))
        return np.pad(a, pads)
    if kind == "Cropping2D":
        p = c.get("cropping", 0)
        rows, cols = (p, p) if isinstance(p, int) else p
        (t, b), (l, r) = pair(rows), pair(cols)
        if cf:
            return a[:, :, t:a.shape[2] - b, l:a.shape[3] - r]
        return a[:, t:a.shape[1] - b, l:a.shape[2] - r, :]
    if kind == "UpSampling2D":
        assert c.get("interpolation", "nearest") == "nearest"
        rows, cols = pair(c.get("size", 2))
        axes = (2, 3) if cf else (1, 2)
        return np.repeat(np.repeat(a, rows, axis=axes[0]), cols, axis=axes[1])
    if kind == "Flatten":
        if cf and a.ndim > 2:
            a = np.moveaxis(a, 1, -1)
        return a.reshape(len(a), -1)
    if kind == "Reshape":
        return a.reshape((len(a),) + tuple(c["target_shape"]))
    if kind == "Rescaling":
        return a * c["scale"] + c.get("offset", 0.0)
    if kind == "BatchNormalization":
        axis = c.get("axis", -1)
        axis = axis[0] if isinstance(axis, list) else axis
        i = 0
        gamma = w[i] if c.get("scale", True) else 1.0
        i += 1 if c.get("scale", True) else 0
        beta = w[i] if c.get("center", True) else 0.0
        i += 1 if c.get("center", True) else 0
        mean, var = w[i], w[i + 1]
        view = [1] * a.ndim
        view[axis] = -1
        r = lambda v: np.reshape(v, view) if np.ndim(v) else v
        return (a - r(mean)) / np.sqrt(r(var) + c.get("epsilon", 1e-3)) * r(gamma) + r(beta)
    if kind == "Activation":
        return activation(c["activation"], a, major)
    if kind == "ReLU":
        return np.maximum(a, 0) if c.get("max_value") is None else np.clip(a, 0, c["max_value"])
    if kind == "LeakyReLU":
        slope = c.get("negative_slope", c.get("alpha", 0.3))
        return np.where(a > 0, a, slope * a)
    if kind == "Softmax":
        return activation("softmax", a, major)
    if kind == "LSTM":
        kernel, recurrent, bias = w
        u = recurrent.shape[0]
        h = np.zeros((len(a), u))
        cell = np.zeros((len(a), u))
        outputs = []
        act = lambda v: activation(c.get("activation", "tanh"), v, major)
        rec = lambda v: activation(c.get("recurrent_activation", "sigmoid"), v, major)
        for t in range(a.shape[1]):
            z = a[:, t, :] @ kernel + h @ recurrent + bias
            i, f, g, o = z[:, :u], z[:, u:2 * u], z[:, 2 * u:3 * u], z[:, 3 * u:]
            cell = rec(f) * cell + rec(i) * act(g)
            h = rec(o) * act(cell)
            outputs.append(h)
        return np.stack(outputs, 1) if c.get("return_sequences") else h
    if kind == "CuDNNLSTM":  # Keras 2's: cuDNN reads each gate's kernel block, flattened, as W (units, features) of W x
        kernel, recurrent, bias = w
        u, n = recurrent.shape[0], kernel.shape[0]
        wx = [kernel[:, g * u:(g + 1) * u].reshape(u, n) for g in range(4)]
        wh = [recurrent[:, g * u:(g + 1) * u].reshape(u, u) for g in range(4)]
        b = [bias[g * u:(g + 1) * u] + bias[(4 + g) * u:(5 + g) * u] for g in range(4)]  # input + recurrent bias
        h = np.zeros((len(a), u))
        cell = np.zeros((len(a), u))
        outputs = []
        for t in range(a.shape[1]):
            i, f, g, o = (a[:, t, :] @ wx[j].T + h @ wh[j].T + b[j] for j in range(4))
            cell = activation("sigmoid", f, major) * cell + activation("sigmoid", i, major) * np.tanh(g)
            h = activation("sigmoid", o, major) * np.tanh(cell)
            outputs.append(h)
        return np.stack(outputs, 1) if c.get("return_sequences") else h
    if kind == "Bidirectional":  # the backward layer reads the sequence reversed; its sequence is turned back
        n = len(w) // 2
        sequences = c["layer"]["config"].get("return_sequences")
        forward = apply(c["layer"], w[:n], a, major)
        backward = apply(c.get("backward_layer", c["layer"]), w[n:], a[:, ::-1], major)
        backward = backward[:, ::-1] if sequences else backward
        mode = c.get("merge_mode", "concat")
        if mode == "concat":
            return np.concatenate([forward, backward], -1)
        return {"sum": forward + backward, "mul": forward * backward, "ave": (forward + backward) / 2}[mode]
    if kind == "SimpleRNN":
        kernel, recurrent, bias = w
        h = np.zeros((len(a), recurrent.shape[0]))
        outputs = []
        for t in range(a.shape[1]):
            h = activation(c.get("activation", "tanh"), a[:, t, :] @ kernel + h @ recurrent + bias, major)
            outputs.append(h)
        return np.stack(outputs, 1) if c.get("return_sequences") else h
    raise ValueError("layer " + kind)


def main():
    model, pixels = sys.argv[1], sys.argv[2]
    scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    x = np.fromfile(pixels, np.uint8).reshape(-1, 784).astype(np.float64) / 255 * scale
    loaded = load(model)
    out = np.concatenate([forward(None, x[i:i + 250], loaded) for i in range(0, len(x), 250)])
    print(json.dumps({"outputs": out.tolist()}))


if __name__ == "__main__":
    main()
