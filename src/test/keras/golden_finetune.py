"""Fine-tunes a Keras file in real Keras on given batches, and compares with DL4J's fine-tune of the same file.

    python golden_finetune.py ORIGINAL EXPORT PIXELS LABELS STEPS DL4J_OUTPUTS DIVISOR LOGITS [LEARNING_RATE]

ORIGINAL: the Keras file both sides start from. Keras trains it for STEPS steps, each on all the images of PIXELS
(uint8, 784 per image, raw 0..255) with LABELS (uint8), with a fresh optimizer built from the file's own compiled
config (DL4J's fine-tune starts from a fresh one: the optimizer state is not imported). EXPORT: DL4J's fine-tuned
model, exported by the project. DL4J_OUTPUTS: its probabilities on the same images (big-endian float32).
Prints one JSON object: Keras's loss at each step (before the step's update, as DL4J's score is), the largest
difference between each weight of the Keras-tuned model and of the export, and the largest difference between the
export's predictions in Keras and DL4J's outputs, and the largest difference between each optimizer variable
(iteration, learning rate, slots) as the export holds it and as Keras holds it after its own steps, relative to
the variable's largest value.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

original, export, pixels, labels, steps, dl4j_outputs, divisor, logits = sys.argv[1:9]
model = keras.saving.load_model(original)
config = model.optimizer.get_config()
if len(sys.argv) > 9:
    config["learning_rate"] = float(sys.argv[9])
model.compile(optimizer=model.optimizer.__class__.from_config(config), loss=model.loss)
x = np.fromfile(pixels, np.uint8).astype("float32") / np.float32(divisor)
x = x.reshape((-1,) + tuple(model.input_shape[1:]))
y = np.fromfile(labels, np.uint8).astype("int64")
if "sparse" not in str(model.loss):
    y = keras.utils.to_categorical(y, 10)
losses = [float(np.ravel(model.train_on_batch(x, y))[0]) for _ in range(int(steps))]

exported = keras.saving.load_model(export)
weights = {}
for a, b in zip(model.weights, exported.weights, strict=True):
    assert a.shape == b.shape, (a.path, a.shape, b.path, b.shape)
    weights[a.path] = float(np.abs(np.asarray(a) - np.asarray(b)).max())
# the optimizer's state, as the export wrote it and Keras loaded it, against Keras's own after the same steps. Keras
# 3.15.1 does not load a legacy .h5's optimizer_weights, not even its own (legacy_h5_format.load_model_from_hdf5
# builds the optimizer on model._trainable_variables, empty for a model, so set_weights fails and it starts afresh):
# there they are read from the file, in its weight_names order, as set_weights would take them.
state = {}
if export.endswith(".h5"):
    import h5py  # noqa: E402

    with h5py.File(export, "r") as f:
        group = f["optimizer_weights"]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        saved = [np.asarray(group[n]) for n in names]
    # named as Keras names them, but for the model's own name (Keras's is the original's)
    ours = [n.split("/", 1)[1].removeprefix("sequential_") for n in names]
    theirs = [v.path.split("/", 1)[1].removeprefix(model.name + "_") for v in model.optimizer.variables]
    assert ours == theirs, (ours, theirs)
else:
    saved = exported.optimizer.variables
if len(saved) == len(model.optimizer.variables):
    for a, b in zip(model.optimizer.variables, saved):
        a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
        # relative to the slot's largest value: squared gradients are far from 1 in size
        state[model.optimizer.variables[len(state)].path] = float(np.abs(a - b).max() / max(np.abs(a).max(), 1e-30))
else:
    state["count"] = f"{len(saved)} loaded, {len(model.optimizer.variables)} in Keras"
# the export takes what the original takes
predicted = np.asarray(exported.predict(x, verbose=0))
if logits == "1":
    e = np.exp(predicted - predicted.max(axis=1, keepdims=True))
    predicted = e / e.sum(axis=1, keepdims=True)
dl4j = np.fromfile(dl4j_outputs, ">f4").reshape(len(x), -1)
print(json.dumps({
    "losses": losses,
    "weights": weights,
    "max_weight_diff": max(weights.values()),
    "optimizer": state,
    "export_vs_dl4j": float(np.abs(predicted - dl4j).max()),
}))
