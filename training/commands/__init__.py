"""`modelcard train` and `modelcard evaluate` (`train.py`, `evaluate.py`: orchestration only), and
what the CLI runs before importing them (`requirements.py`: are the training packages installed;
`quiet_tensorflow.py`: TensorFlow's start-up lines dropped). Nothing is imported here, so the
CLI's checks stay free of TensorFlow."""
