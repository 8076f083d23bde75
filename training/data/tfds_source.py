"""`--data tfds:NAME`: a TensorFlow Datasets download, written out once as an image folder.

Why materialise: the rest of the pipeline (hashing, leakage guard, split, card) then treats it
exactly like a user's folder. All of the catalogue's splits are pooled into class folders and
split by modelcard's own seeded stratified split, so every source follows the same rules.
Needs `pip install tensorflow-datasets` and internet; without them the error says so.
TensorFlow is imported only here, and only when a tfds source is asked for.
"""

from __future__ import annotations

import io
from pathlib import Path

from modelcard.atomic import ensure_writable_dir, write_bytes, write_text
from modelcard.errors import UserError

from .assemble import SourceInfo
from .dataset import Dataset
from .folder import load_folder

#: Supported names -> (description, licence as the TensorFlow Datasets catalogue states it).
TFDS_DATASETS: dict[str, tuple[str, str | None]] = {
    "tf_flowers": ("TensorFlow flowers: 3,670 Flickr photos of 5 flower types", "CC-BY-2.0"),
    "stanford_dogs": ("Stanford Dogs: 20,580 ImageNet photos of 120 dog breeds", "ImageNet terms of access (non-commercial research)"),
    "cifar10": ("CIFAR-10: 60,000 32x32 photos in 10 classes", None),
}
_DONE = ".complete"


def _needs_internet(name: str, why: str) -> UserError:
    return UserError(
        f"--data tfds:{name} {why}; it needs internet access and `pip install tensorflow-datasets`. "
        "Here, use --data demo or --data FOLDER (one subfolder of images per class)"
    )


def materialise(name: str, cache_dir: Path, progress: bool = True) -> Path:
    """Download `name` with tensorflow_datasets and write it as `<class>/<split>-<n>.png` files."""
    images = Path(cache_dir) / "tfds" / name / "images"
    if (images / _DONE).exists():
        return images
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise _needs_internet(name, "needs the tensorflow-datasets package, which is not installed") from None
    from PIL import Image
    from tqdm import tqdm

    try:
        builder = tfds.builder(name, data_dir=str(Path(cache_dir) / "tfds" / "downloads"))
        builder.download_and_prepare()
    except Exception as exc:  # noqa: BLE001 - any download failure gets the same fixable message
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise _needs_internet(name, f"could not be downloaded ({type(exc).__name__}: {first_line[:200]})") from None
    class_names = builder.info.features["label"].names
    for split in sorted(builder.info.splits):
        dataset = tfds.as_numpy(builder.as_dataset(split=split, as_supervised=True, shuffle_files=False))
        for index, (pixels, label) in enumerate(tqdm(dataset, desc=f"writing tfds:{name} {split}", disable=None if progress else True)):
            folder = ensure_writable_dir(images / class_names[int(label)])
            buffer = io.BytesIO()
            Image.fromarray(pixels.squeeze(-1) if pixels.shape[-1] == 1 else pixels).save(buffer, format="PNG")
            write_bytes(folder / f"{split}-{index:06d}.png", buffer.getvalue())
    write_text(images / _DONE, f"tfds:{name}\n")
    return images


def load_tfds(name: str, fractions: dict[str, float], seed: int, cache_dir: Path, progress: bool = True,
              near_duplicates: str = "group") -> Dataset:
    """A supported tfds dataset as a `Dataset` (download and conversion cached in `cache_dir`)."""
    if name not in TFDS_DATASETS:
        raise UserError(f"tfds:{name} is not supported; use one of {', '.join('tfds:' + n for n in sorted(TFDS_DATASETS))}, demo, or a folder")
    images = materialise(name, cache_dir, progress)
    description, licence = TFDS_DATASETS[name]
    info = SourceInfo(source=f"tfds:{name}", description=description, license=licence, root=images)
    return load_folder(images, fractions, seed, progress, info=info, near_duplicates=near_duplicates)
