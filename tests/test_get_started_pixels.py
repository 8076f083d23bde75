"""Training, evaluation and the card's get-started snippet feed the model the same pixels.

The feature pipeline (`training.model.features.image_dataset`, used by extraction, fine-tuning,
evaluation, robustness and the timing batch) decodes JPEG with the accurate integer DCT, as
Pillow does; the snippet decodes with Pillow and resizes with the pipeline's resize. Checked on
a real photo (scikit-image's astronaut) saved as JPEG, through the functions training calls."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.tf


@pytest.fixture
def jpeg(tmp_path) -> Path:
    skimage_data = pytest.importorskip("skimage.data")
    path = tmp_path / "photo.jpg"
    Image.fromarray(skimage_data.astronaut()[100:161, 150:197]).save(path, quality=85)  # 47 x 61, not square
    return path


def _pipeline(path: Path, size: int) -> np.ndarray:
    from training.model.features import image_dataset

    (batch,) = list(image_dataset([str(path)], size, batch_size=1))
    return batch.numpy()[0]


def test_pipeline_decodes_a_jpeg_to_the_pillow_pixels(jpeg, tmp_path):
    from training.data import load_rgb

    square = tmp_path / "square.jpg"
    Image.open(jpeg).crop((0, 0, 47, 47)).save(square, quality=85)
    pillow = load_rgb(square)
    pipeline = _pipeline(square, 47)  # at the image's own size the resize changes nothing
    np.testing.assert_array_equal(pipeline, pillow.astype(np.float32))
    # the fast DCT tf.io.decode_image uses differs from Pillow on this photo: the check has teeth
    import tensorflow as tf

    fast = tf.io.decode_image(tf.io.read_file(str(square)), channels=3).numpy()
    assert (fast != pillow).any()


def test_card_snippet_feeds_the_model_the_pixels_training_used(jpeg, tmp_path):
    import keras

    from modelcard.card.sections.get_started import get_started

    size, classes = 32, ["a", "b"]
    run = Path("runs") / "20260101T000000Z-abcdef"
    (tmp_path / run).mkdir(parents=True)
    inputs = keras.Input((None, None, 3), name="image")
    x = keras.layers.Resizing(size, size, interpolation="bilinear", name="resize")(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x)).save(tmp_path / run / "model.keras")
    import card_fixtures as cf
    from modelcard.record.model import RunRecord

    raw = cf.base_record(slices=False, extra_set=False)
    raw["artifacts"]["model"], raw["model"]["input_size"], raw["data"]["class_names"] = "model.keras", size, classes
    raw["sweep"], raw["created_by"] = None, "train"
    record = RunRecord.of(raw)
    (tmp_path / "my_image.png").write_bytes(jpeg.read_bytes())  # the snippet's file name; Pillow reads the content
    namespace: dict = {}
    here = os.getcwd()
    os.chdir(tmp_path)  # the run's folder is relative to where the run was made
    try:
        snippet = get_started(record, run).code
        assert "load_model('runs/20260101T000000Z-abcdef/model.keras')" in snippet
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            exec(compile(snippet, "get_started", "exec"), namespace)  # noqa: S102 - our own generated code
    finally:
        os.chdir(here)
    assert printed.getvalue().split()[0] in classes
    fed = np.asarray(keras.ops.convert_to_numpy(namespace["batch"]))[0]
    np.testing.assert_allclose(fed, _pipeline(jpeg, size), rtol=0, atol=1e-4)
