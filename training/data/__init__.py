"""Image data for training runs: load a source, check it, split it without leakage, describe it.

Public API (no TensorFlow is imported here; only `tfds:` sources import it, lazily):

- `resolve_source(spec, ...) -> Dataset`: "demo", "tfds:NAME" or a folder path.
- `load_eval_set(name, directory, class_names, ...) -> Dataset`: an extra labelled set.
- `parse_eval_set_option("NAME=DIR") -> (name, Path)`.
- `Dataset.summary()`: the run record's `data` section.
- `Dataset.tf_inputs(split, cache_dir)`: (paths, labels) that `tf_decode.decode_rgb` (imports
  TensorFlow; use it inside tf.data) decodes to exactly the pixels of `load_rgb`.
- `load_rgb(path) -> np.ndarray`: one image as RGB uint8, alpha composited onto white.
"""

from .dataset import Dataset, DuplicateReport, NearDuplicatePair, Sample
from .images import load_rgb
from .sources import DEFAULT_FRACTIONS, DEFAULT_SEED, DataSpec, load_eval_set, parse_data_spec, parse_eval_set_option, resolve_source

__all__ = [
    "DEFAULT_FRACTIONS",
    "DEFAULT_SEED",
    "DataSpec",
    "Dataset",
    "DuplicateReport",
    "NearDuplicatePair",
    "Sample",
    "load_eval_set",
    "load_rgb",
    "parse_data_spec",
    "parse_eval_set_option",
    "resolve_source",
]
