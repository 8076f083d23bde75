"""Training wing: the only package that imports TensorFlow/Keras; writes run records under runs/."""
