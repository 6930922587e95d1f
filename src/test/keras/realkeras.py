"""Loads exported models in real Keras 3, as a user would, and reports what it sees.

    python realkeras.py CASES.json

CASES.json lists {"file", "pixels" (uint8, 784 per image), "dl4j" (float32 outputs, 10 per image),
"scale" (1: pixels / 255, 255: raw pixels), "logits" (the model gives logits: softmax them),
"original" (optional: the Keras file it was imported from)}. For each it calls keras.saving.load_model(file) with its default
compile=True, predicts the images, compares with DL4J's outputs, checks the compiled optimizer and loss, and
takes one fit step on the same images with one-hot labels. Prints one JSON object per case, one per line.
"""
import importlib.util
import json
import os
import sys
import traceback

if "KERAS_BACKEND" not in os.environ:
    for backend in ("tensorflow", "jax", "torch"):
        if importlib.util.find_spec(backend) is not None:
            os.environ["KERAS_BACKEND"] = backend
            break
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def check(case):
    out = {"file": case["file"]}
    model = keras.saving.load_model(case["file"])  # compile=True, as Keras's default
    pixels = np.fromfile(case["pixels"], dtype=np.uint8).reshape(-1, 784).astype("float32")
    x = pixels / 255.0 * case["scale"]
    x = x.reshape((-1,) + tuple(model.input_shape[1:])).astype("float32")
    dl4j = np.fromfile(case["dl4j"], dtype=">f4").reshape(len(x), -1)
    y = np.asarray(model.predict(x, verbose=0))
    probabilities = softmax(y) if case["logits"] else y
    out["max_diff"] = float(np.abs(probabilities - dl4j).max())
    if case.get("original"):
        # the file the export came from, in the same Keras: the export must compute what it computes
        try:  # Keras 3 cannot load some Keras 2 files: then there is nothing to compare with
            original = keras.saving.load_model(case["original"], compile=False)
            z = np.asarray(original.predict(x, verbose=0))
            out["original_diff"] = float(np.abs(z - y).max())
        except Exception as e:
            out["original_error"] = type(e).__name__
    out["compiled"] = bool(model.compiled)
    out["optimizer"] = type(model.optimizer).__name__ if model.optimizer is not None else None
    out["optimizer_config"] = {k: v for k, v in model.optimizer.get_config().items()
                               if k in ("learning_rate", "rho", "beta_1", "beta_2", "epsilon", "momentum",
                                        "nesterov")} if model.optimizer is not None else None
    loss = model.loss
    out["loss"] = loss if isinstance(loss, str) else keras.saving.serialize_keras_object(loss)
    out["iterations_before"] = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    labels = keras.utils.to_categorical(dl4j.argmax(axis=1), dl4j.shape[1])
    history = model.fit(x, labels, batch_size=len(x), epochs=1, verbose=0)
    out["fit_loss"] = float(history.history["loss"][0])
    out["iterations_after"] = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    out["keras"] = keras.__version__
    out["backend"] = keras.backend.backend()
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    for case in cases:
        try:
            result = check(case)
        except Exception as e:  # report and go on: the test names every file that fails
            result = {"file": case["file"], "error": type(e).__name__ + ": " + str(e).splitlines()[0]
                      if str(e) else type(e).__name__, "trace": traceback.format_exc()[-1500:]}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
