"""Decode the paths from `Dataset.tf_inputs` inside tf.data, pixel-identical to `load_rgb`.

Why not plain `tf.io.decode_image`: for JPEG it uses libjpeg's fast integer DCT, which differs
from Pillow by a few grey levels; `dct_method="INTEGER_ACCURATE"` matches Pillow exactly (checked
by tests/test_data_pixels.py). Every path `tf_inputs` hands out is a JPEG or an 8-bit PNG.
Imports TensorFlow, so only the training pipeline should import this module.
"""

from __future__ import annotations


def decode_rgb(contents):
    """(H, W, 3) uint8 tensor from the bytes of a JPEG or PNG (a scalar string tensor)."""
    import tensorflow as tf

    return tf.cond(
        tf.io.is_jpeg(contents),
        lambda: tf.io.decode_jpeg(contents, channels=3, dct_method="INTEGER_ACCURATE"),
        lambda: tf.io.decode_png(contents, channels=3, dtype=tf.uint8),
    )
