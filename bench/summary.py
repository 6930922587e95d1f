"""Summarises bench/run's JSON lines in one table: median (min-max) per implementation, and ours/the best peer.

Ours is DL4J. The peers: PyTorch (bench/pytorch_*.py: 2.13 from bench/run's venv, or Debian's 1.13), Keras on
TensorFlow (bench/keras_*.py), and, for inference from the saved models, ONNX Runtime (InferenceBenchmark.java with
`--engine onnxruntime`: the model converted in memory, as `serve --engine onnxruntime` runs it). The best peer of a row
is the one with the best median; the ratio is ours over it in the same round, median (min-max) over the rounds.
"""
import json
import os
import statistics
import sys

PEERS = ("pytorch", "keras", "onnxruntime")
SHORT = {"pytorch": "PyTorch", "keras": "Keras", "onnxruntime": "ONNX Runtime"}


def spread(values, fmt="{:.2f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


class Row:
    """One line of the table: per column, one value per round (cells may also show more, e.g. every epoch)."""

    def __init__(self, label, fmt, lower_is_better, ours, peers, cells=None):
        self.label, self.fmt, self.lower = label, fmt, lower_is_better
        self.ours = ours
        self.peers = {k: v for k, v in peers.items() if v}
        self.cells = cells or {}  # column -> the values its cell shows, where not the per-round ones

    def render(self):
        def cell(column, values):
            values = self.cells.get(column, values)
            return spread(values, self.fmt) if values else "-"

        cells = [cell("dl4j", self.ours)] + [cell(p, self.peers.get(p, [])) for p in PEERS]
        if self.ours and self.peers:
            pick = min if self.lower else max
            best = pick(self.peers, key=lambda p: statistics.median(self.peers[p]))
            ratios = [o / b for o, b in zip(self.ours, self.peers[best])]
            cells += [SHORT[best], spread(ratios)]
        else:
            cells += ["-", "-"]
        return f"| {self.label} | " + " | ".join(cells) + " |"


def main():
    every = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]

    def select(**fields):
        return [r for r in every if all(r.get(k, "mlp" if k == "model" else None) == v for k, v in fields.items())]

    mlp = {impl: select(impl=impl, model="mlp") for impl in ("dl4j", "pytorch", "keras")}
    convnet = {impl: select(impl=impl, model="convnet") for impl in ("dl4j", "pytorch", "keras")}
    inference = {(model, engine): [r for r in every if r.get("bench") == "inference" and r["model"] == model
                                   and r["engine"] == engine]
                 for model in ("tutorial", "convnet") for engine in ("dl4j", "onnxruntime")}
    resnet = [r for r in every if str(r.get("model", "")).startswith("keras3-resnet")]
    resnet_dl4j = [r for r in resnet if "impl" not in r]  # GraphBenchmark.java's
    resnet_keras = [r for r in resnet if r.get("impl") == "keras"]

    def version(rows, key="version"):
        return ", ".join(sorted({str(r.get(key) or r.get("torch")) for r in rows})) if rows else ""

    torch_rows = mlp["pytorch"] + convnet["pytorch"]
    keras_rows = mlp["keras"] + convnet["keras"] + resnet_keras
    onnx_rows = inference["tutorial", "onnxruntime"] + inference["convnet", "onnxruntime"]
    names = {"pytorch": f"PyTorch {version(torch_rows)}".strip(), "keras": f"Keras {version(keras_rows)}".strip(),
             "onnxruntime": version(onnx_rows, "engine_version") or "ONNX Runtime"}

    def values(rows, key):
        return [r[key] for r in rows if key in r]

    def epochs_2_to_5(rows):
        return [statistics.median(r["epoch_s"][1:]) for r in rows]

    def every_epoch_2_to_5(rows):
        return [e for r in rows for e in r["epoch_s"][1:]]

    def ours_inference(model, key):
        """Ours from the saved model in InferenceBenchmark's JVM (as for ONNX Runtime); TrainBenchmark's otherwise."""
        rows = inference[model, "dl4j"] or (mlp["dl4j"] if model == "tutorial" else [])
        return values(rows, key)

    rows = [
        Row("tutorial: 5-epoch fit, s", "{:.2f}", True, values(mlp["dl4j"], "fit_s"),
            {p: values(mlp[p], "fit_s") for p in ("pytorch", "keras")}),
        Row("tutorial: epoch, s (epochs 2-5)", "{:.2f}", True, epochs_2_to_5(mlp["dl4j"]),
            {p: epochs_2_to_5(mlp[p]) for p in ("pytorch", "keras")},
            {p: every_epoch_2_to_5(mlp[p]) for p in ("dl4j", "pytorch", "keras")}),
        Row("tutorial: samples/s", "{:.0f}", False, [300000 / r["fit_s"] for r in mlp["dl4j"]],
            {p: [300000 / r["fit_s"] for r in mlp[p]] for p in ("pytorch", "keras")}),
        Row("tutorial: test accuracy", "{:.4f}", False, values(mlp["dl4j"], "test_acc"),
            {p: values(mlp[p], "test_acc") for p in ("pytorch", "keras")}),
        Row("tutorial: peak RSS, MB", "{:.0f}", True, values(mlp["dl4j"], "peak_rss_mb"),
            {p: values(mlp[p], "peak_rss_mb") for p in ("pytorch", "keras")}),
        Row("tutorial: process start to first batch, s", "{:.2f}", True, values(mlp["dl4j"], "start_to_first_batch_s"),
            {p: values(mlp[p], "start_to_first_batch_s") for p in ("pytorch", "keras")}),
        Row("tutorial: predict one image, ms (median)", "{:.4f}", True, ours_inference("tutorial", "predict_one_ms"),
            {"pytorch": values(mlp["pytorch"], "predict_one_ms"), "keras": values(mlp["keras"], "predict_one_ms"),
             "onnxruntime": values(inference["tutorial", "onnxruntime"], "predict_one_ms")}),
        Row("tutorial: predict batches of 1000, images/s", "{:.0f}", False,
            ours_inference("tutorial", "predict_batch_per_s"),
            {"pytorch": values(mlp["pytorch"], "predict_batch_per_s"),
             "keras": values(mlp["keras"], "predict_batch_per_s"),
             "onnxruntime": values(inference["tutorial", "onnxruntime"], "predict_batch_per_s")}),
        Row("convnet: one epoch (938 batches of 64), s", "{:.2f}", True, values(convnet["dl4j"], "epoch_s"),
            {p: values(convnet[p], "epoch_s") for p in ("pytorch", "keras")}),
        Row("convnet: test accuracy after 1 epoch", "{:.4f}", False, values(convnet["dl4j"], "test_acc"),
            {p: values(convnet[p], "test_acc") for p in ("pytorch", "keras")}),
        Row("convnet: predict one image, ms (median)", "{:.4f}", True, ours_inference("convnet", "predict_one_ms"),
            {"pytorch": values(convnet["pytorch"], "predict_one_ms"),
             "keras": values(convnet["keras"], "predict_one_ms"),
             "onnxruntime": values(inference["convnet", "onnxruntime"], "predict_one_ms")}),
        Row("convnet: predict batches of 1000, images/s", "{:.0f}", False,
            ours_inference("convnet", "predict_batch_per_s"),
            {"pytorch": values(convnet["pytorch"], "predict_batch_per_s"),
             "keras": values(convnet["keras"], "predict_batch_per_s"),
             "onnxruntime": values(inference["convnet", "onnxruntime"], "predict_batch_per_s")}),
        Row("ResNet: evaluate 10,000 images, s", "{:.2f}", True, values(resnet_dl4j, "evaluate_s"),
            {"keras": values(resnet_keras, "evaluate_s")}),
        Row("ResNet: accuracy", "{:.4f}", False, values(resnet_dl4j, "accuracy"),
            {"keras": values(resnet_keras, "accuracy")}),
        Row("ResNet: predict one image, ms (median)", "{:.2f}", True, values(resnet_dl4j, "predict_one_ms"),
            {"keras": values(resnet_keras, "predict_one_ms")}),
        Row("ResNet: peak RSS, MB", "{:.0f}", True, values(resnet_dl4j, "peak_rss_mb"),
            {"keras": values(resnet_keras, "peak_rss_mb")}),
    ]

    seed = mlp["dl4j"][0]["seed"] if mlp["dl4j"] else "?"
    print(f"machine: {os.cpu_count()} cores, {len(mlp['dl4j'])} rounds, seed {seed}; tutorial: 5 epochs of batches "
          f"of 128; convnet: 1 epoch; inference: the protocol of InferenceBenchmark (ours from the saved model, the "
          f"peers right after training); ResNet: keras3-resnet.keras, as `evaluate` runs it")
    print(f"| | DL4J (ours) | {names['pytorch']} | {names['keras']} | {names['onnxruntime']} | best peer "
          f"| ours/best peer |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        if row.ours or row.peers:
            print(row.render())
    print("ours/best peer, same round: over 1 is ours slower or bigger (s, ms, MB), under 1 ours lower (images/s, "
          "accuracy). Peak RSS: ours and Keras's after training and evaluation, PyTorch's at its end. Targets, set "
          "against PyTorch: fit <= 1.5, convnet epoch <= 2.0, predict one <= 1, batches >= 1; ResNet evaluate <= 20 s, "
          "peak RSS <= 1.5 GB.")
    if inference["tutorial", "dl4j"] and mlp["dl4j"] and "predict_one_ms" in mlp["dl4j"][0]:
        print(f"DL4J's tutorial inference in TrainBenchmark's second JVM (the same saved model): one image "
              f"{spread(values(mlp['dl4j'], 'predict_one_ms'), '{:.4f}')} ms, batches of 1000 "
              f"{spread(values(mlp['dl4j'], 'predict_batch_per_s'), '{:.0f}')} images/s")
    if torch_rows:
        first = mlp["pytorch"][0] if mlp["pytorch"] else torch_rows[0]
        where = first.get("python", "/usr/bin/python3")
        source = ("Debian's python3-torch, bench/run's fallback" if where.startswith("/usr/")
                  else os.path.relpath(where))
        print(f"PyTorch {version(torch_rows)} ({source}); BLAS: {first.get('blas', '?')}")
    if keras_rows:
        print(f"Keras {version(keras_rows)}, backend {keras_rows[0].get('backend')}, TensorFlow threads "
              f"(intra-op, inter-op): {keras_rows[0].get('threads')}")


if __name__ == "__main__":
    main()
