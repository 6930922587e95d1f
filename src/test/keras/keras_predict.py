"""Real Keras's predictions for the Java tests (run by dev.kerasmnist.RealKeras with target/keras-venv's python).

Usage: keras_predict.py IMAGES.u8 OUT_DIR MODEL:SCALE...
IMAGES.u8 holds 28x28 uint8 images one after another. Each model is loaded with keras.saving.load_model and given
the images as pixels / 255 * SCALE (255 for a model that takes raw pixels), reshaped to its own input shape; its
outputs go to OUT_DIR/<model file name>.f32 as little-endian float32, one row of 10 per image.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402


def main():
    images, out_dir, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    pixels = np.fromfile(images, np.uint8).reshape(-1, 28 * 28).astype("float32") / 255
    for arg in models:
        path, scale = arg.rsplit(":", 1)
        model = keras.saving.load_model(path, compile=False)
        x = (pixels * np.float32(scale)).reshape((-1,) + tuple(model.input_shape[1:]))
        y = np.asarray(model.predict(x, batch_size=256, verbose=0), "<f4")
        y.tofile(os.path.join(out_dir, os.path.basename(path) + ".f32"))
        print(os.path.basename(path), y.shape, "keras", keras.__version__, keras.backend.backend())


if __name__ == "__main__":
    main()
