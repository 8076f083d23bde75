"""`--strategy`: TensorFlow's distribution engine (`strategy.py`), the multi-worker cluster of
TF_CONFIG (`cluster.py`) and Keras 3's multi-worker work-arounds (`keras_multiworker.py`), below
the models that fit inside them. The steps of `train` that differ on a cluster use the feature
extraction too, so they live above both: `training.stages.worker_steps`. Nothing is imported here."""
