"""Summarises bench/run's JSON lines: median (min-max) per implementation, and ours/PyTorch from the same run."""
import json
import os
import statistics
import sys


def spread(values, fmt="{:.2f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main():
    every = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    runs = [r for r in every if r.get("model", "mlp") == "mlp" and "impl" in r]
    convnet = {impl: [r for r in every if r.get("model") == "convnet" and r.get("impl") == impl]
               for impl in ("dl4j", "pytorch")}
    by = {impl: [r for r in runs if r["impl"] == impl] for impl in ("dl4j", "pytorch")}
    print(f"machine: {os.cpu_count()} cores, {len(by['dl4j'])} runs each, seed {runs[0]['seed']}, 5 epochs, batch 128")
    print("| | DL4J (ours) | PyTorch |")
    print("|---|---|---|")
    rows = [
        ("5-epoch fit, s", "fit_s", "{:.2f}"),
        ("epoch, s (epochs 2-5)", None, "{:.2f}"),
        ("test accuracy", "test_acc", "{:.4f}"),
        ("samples/s", None, "{:.0f}"),
        ("peak RSS, MB", "peak_rss_mb", "{:.0f}"),
        ("process start to first batch, s", "start_to_first_batch_s", "{:.2f}"),
        ("predict one image, ms (median)", "predict_one_ms", "{:.3f}"),
        ("predict batches of 1000, images/s", "predict_batch_per_s", "{:.0f}"),
    ]
    for label, key, fmt in rows:
        cells = []
        for impl in ("dl4j", "pytorch"):
            rs = by[impl]
            if label.startswith("epoch"):
                values = [e for r in rs for e in r["epoch_s"][1:]]
            elif label == "samples/s":
                values = [300000 / r["fit_s"] for r in rs]
            else:
                values = [r[key] for r in rs]
            cells.append(spread(values, fmt))
        print(f"| {label} | {cells[0]} | {cells[1]} |")
    if convnet["dl4j"]:
        print("\nThe convnet recipe, one epoch of 938 batches of 64:")
        print("| | DL4J (ours) | PyTorch |")
        print("|---|---|---|")
        print(f"| epoch, s | {spread([r['epoch_s'] for r in convnet['dl4j']])} | "
              f"{spread([r['epoch_s'] for r in convnet['pytorch']])} |")
        print(f"| test accuracy after 1 epoch | {spread([r['test_acc'] for r in convnet['dl4j']], '{:.4f}')} | "
              f"{spread([r['test_acc'] for r in convnet['pytorch']], '{:.4f}')} |")
    pairs = list(zip(by["dl4j"], by["pytorch"]))
    print("\nours/PyTorch, same round (targets: fit <= 1.5, convnet epoch <= 2.0, predict one <= 1, batch >= 1):")
    print(f"  5-epoch fit time:            {spread([d['fit_s'] / p['fit_s'] for d, p in pairs])}")
    if convnet["dl4j"]:
        conv_pairs = list(zip(convnet["dl4j"], convnet["pytorch"]))
        print(f"  convnet epoch time:           {spread([d['epoch_s'] / p['epoch_s'] for d, p in conv_pairs])}")
    print(f"  predict one image, time:     {spread([d['predict_one_ms'] / p['predict_one_ms'] for d, p in pairs])}")
    print(f"  batch-1000 throughput:       "
          f"{spread([d['predict_batch_per_s'] / p['predict_batch_per_s'] for d, p in pairs])}")
    inference = [r for r in every if r.get("bench") == "inference"]
    if inference:
        print("\nInference from the saved models, per engine (ONNX Runtime: the model converted in memory, as "
              "`serve --engine onnxruntime` runs it):")
        print("| model | engine | predict one image, ms | batches of 1000, images/s |")
        print("|---|---|---|---|")
        for model in ("tutorial", "convnet"):
            for engine in ("dl4j", "onnxruntime"):
                rs = [r for r in inference if r["model"] == model and r["engine"] == engine]
                if rs:
                    print(f"| {model} | {rs[0]['engine_version']} | {spread([r['predict_one_ms'] for r in rs], '{:.4f}')} | "
                          f"{spread([r['predict_batch_per_s'] for r in rs], '{:.0f}')} |")
        for model in ("tutorial", "convnet"):
            d = [r for r in inference if r["model"] == model and r["engine"] == "dl4j"]
            o = [r for r in inference if r["model"] == model and r["engine"] == "onnxruntime"]
            if d and o:
                pairs = list(zip(d, o))
                print(f"  {model}: DL4J/ONNX Runtime one-image time {spread([a['predict_one_ms'] / b['predict_one_ms'] for a, b in pairs])}, "
                      f"batch throughput {spread([a['predict_batch_per_s'] / b['predict_batch_per_s'] for a, b in pairs])}")
    resnet = [r for r in every if str(r.get("model", "")).startswith("keras3-resnet")]
    if resnet:
        print("\nThe imported Functional ResNet (keras3-resnet.keras: 5 convolutions at 28x28x32, BatchNormalization, "
              "Add), `evaluate` on 10,000 images (targets: <= 20 s, peak RSS <= 1.5 GB):")
        print(f"  evaluate, s: {spread([r['evaluate_s'] for r in resnet])}; peak RSS, MB: "
              f"{spread([r['peak_rss_mb'] for r in resnet], '{:.0f}')}; predict one image, ms: "
              f"{spread([r['predict_one_ms'] for r in resnet])}; accuracy {resnet[0]['accuracy']:.4f}")
    blas = by["pytorch"][0].get("blas")
    print(f"PyTorch {by['pytorch'][0].get('torch')} BLAS loaded: {blas}")


if __name__ == "__main__":
    main()
