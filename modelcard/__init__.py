"""modelcard: model cards and responsible-AI reports written from measured run records.

This package never imports TensorFlow (directly or indirectly) so that `modelcard build`
stays fast and works on machines without it. Training lives in the `training` package.
"""

__version__ = "0.1.0"
