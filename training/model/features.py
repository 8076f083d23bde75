"""Pooled backbone features, extracted once per split and cached on disk.

Why: in head mode the frozen backbone is by far the most expensive part, and it gives the same
features for every optimizer, batch size and learning rate. Extracting once (streaming through
a parallel `tf.data` pipeline, features only in memory) and caching the result keyed by
everything that determines it makes a sweep cost little more than its head fits.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from modelcard import atomic
from modelcard.errors import UserError

from ..progress import counter, log

CACHE_ENV = "MODELCARD_CACHE"
CACHE_FORMAT = 1  # bump when the cached arrays or the pipeline change meaning


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """`--cache-dir`, then $MODELCARD_CACHE, then ~/.cache/modelcard."""
    if cache_dir:
        return Path(cache_dir)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path.home() / ".cache" / "modelcard"


@dataclass(frozen=True)
class FeatureKey:
    """Everything the features of one split depend on; its digest names the cache file."""

    content_hash: str | None
    split: str
    samples_digest: str  # sha256 over the split's ordered file hashes
    backbone: str
    alpha: float
    weights_id: str  # weights sha256, or e.g. "none:seed=0" for a random backbone
    input_size: int
    preprocessing: str

    def digest(self) -> str:
        payload = json.dumps({"format": CACHE_FORMAT, **asdict(self)}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def samples_digest(file_hashes: Sequence[str]) -> str:
    """Order-sensitive digest of a split's file hashes (the features are stored in this order)."""
    return hashlib.sha256("\n".join(file_hashes).encode()).hexdigest()


def weights_id(weights_sha256: str | None, source: str, seed: int) -> str:
    """What identifies the backbone's weights: their hash, or how random weights were drawn."""
    if weights_sha256:
        return f"sha256:{weights_sha256}"
    return f"{source}:seed={seed}" if source == "none" else source


def decode_and_resize(path, input_size: int):
    """Read one image file and resize it to `input_size` (float32 pixels 0..255), exactly as the
    saved model's Resizing layer would (bilinear, no antialias, no crop).

    Decoded by `tf_decode.decode_rgb`, so a JPEG gives the pixels Pillow (`load_rgb`, and the
    card's get-started snippet) gives, not libjpeg's fast-DCT approximation. `path` must come
    from `Dataset.tf_inputs` (a JPEG or an 8-bit PNG; other files are flattened to PNG there)."""
    import tensorflow as tf

    from ..data.tf_decode import decode_rgb

    image = decode_rgb(tf.io.read_file(path))
    image.set_shape([None, None, 3])
    return tf.image.resize(image, (input_size, input_size), method="bilinear", antialias=False)


def image_dataset(paths: Sequence[str], input_size: int, batch_size: int, labels: Sequence[int] | None = None,
                  augment: Callable | None = None, shuffle_seed: int | None = None):
    """A batched, prefetched `tf.data.Dataset` decoding `paths` in parallel.

    `augment` (train only) is applied per batch; `shuffle_seed` shuffles file order each epoch.
    """
    import tensorflow as tf

    autotune = tf.data.AUTOTUNE
    ds = tf.data.Dataset.from_tensor_slices(list(paths))
    if labels is not None:
        ds = tf.data.Dataset.zip((ds, tf.data.Dataset.from_tensor_slices(np.asarray(labels, dtype=np.int64))))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(paths), seed=shuffle_seed, reshuffle_each_iteration=True)
    if labels is None:
        ds = ds.map(lambda p: decode_and_resize(p, input_size), num_parallel_calls=autotune, deterministic=True)
    else:
        ds = ds.map(lambda p, y: (decode_and_resize(p, input_size), y), num_parallel_calls=autotune, deterministic=True)
    ds = ds.batch(batch_size)
    if augment is not None:
        ds = ds.map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=autotune)
    return ds.prefetch(autotune)


def extract(extractor, paths: Sequence[str], input_size: int, batch_size: int = 32, desc: str = "features") -> np.ndarray:
    """Run `extractor` (pixels 0..255 at `input_size` -> pooled features) over image files.

    Streams: only the (n, d) feature matrix is kept, never the decoded images, so peak memory
    does not grow with the number of files.
    """
    n = len(paths)
    out = np.empty((n, int(extractor.output_shape[-1])), dtype=np.float32)
    done = 0
    if n == 0:  # e.g. a worker's empty share of a tiny split
        return out
    with counter(n, desc) as progress:
        for batch in image_dataset(paths, input_size, batch_size):
            feats = np.asarray(extractor.predict_on_batch(batch), dtype=np.float32)
            if len(feats) != len(batch) or done + len(feats) > n:  # e.g. a model built in a strategy's scope
                raise RuntimeError(f"{desc}: the model returned {len(feats)} rows for a batch of {len(batch)} "
                                   "images; predict with a copy built outside the strategy's scope")
            out[done:done + len(feats)] = feats
            done += len(feats)
            progress.update(len(feats))
    if done != n:
        raise RuntimeError(f"feature extraction produced {done} rows for {n} files")
    return out


def cache_path(root: Path, key: FeatureKey) -> Path:
    return Path(root) / "features" / f"{key.digest()}.npz"


def load_cached(path: Path, n_expected: int) -> np.ndarray | None:
    """Cached features, or None when absent or unusable (a damaged cache is recomputed, not fatal)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            features = npz["features"]
    except (FileNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile, EOFError):
        return None
    if features.ndim != 2 or len(features) != n_expected:
        return None
    return features.astype(np.float32, copy=False)


def store_cached(path: Path, features: np.ndarray, key: FeatureKey) -> None:
    """Write features (and the key, for humans) atomically; unwritable caches only warn."""
    buf = io.BytesIO()
    np.savez(buf, features=features.astype(np.float32), key=np.asarray(json.dumps(asdict(key), sort_keys=True)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, buf.getvalue())
    except (OSError, UserError) as exc:
        log(f"warning: could not write the feature cache {path}: {exc}")


def split_features(key: FeatureKey, compute: Callable[[], np.ndarray], n: int, root: Path | None,
                   all_agree: Callable[[bool], bool] | None = None) -> tuple[np.ndarray, bool]:
    """(features, from_cache) for one split: read the cache at `root`, else `compute()` and store.
    `root=None` disables the cache. `all_agree(found)` (a cluster) says whether every worker
    found the cache: if one did not, all compute, since computing is a collective step."""
    if root is None:
        return compute(), False
    path = cache_path(root, key)
    cached = load_cached(path, n)
    if all_agree is not None and not all_agree(cached is not None):
        cached = None
    if cached is not None:
        log(f"features for split {key.split!r}: loaded from cache {path.name[:12]}")
        return cached, True
    features = compute()
    store_cached(path, features, key)
    return features, False
