"""Training wing: the only package that may import TensorFlow/Keras (imported lazily, per module)."""
