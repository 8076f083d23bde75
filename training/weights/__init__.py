"""Pretrained weights for the backbones: the offline torchvision MobileNetV2 checkpoint.

Importing this package does not import TensorFlow: `torch_legacy`, `source` and `convert` are
plain numpy, so the checkpoint can be read and checked without it. Only `offline` and
`keras_io` touch Keras.
"""
