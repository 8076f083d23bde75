"""ImageNet-C corruptions in TF: reference parameters, value ranges, seeded determinism, severity
effects on a real photo, and the blur kernel against scipy.ndimage."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.tf

SIZE = 64


@pytest.fixture(scope="module")
def photo():
    from PIL import Image
    from skimage import data

    return np.asarray(Image.fromarray(data.chelsea()).resize((SIZE, SIZE), Image.BILINEAR), dtype=np.float32)


def _run(image, name, severity, seed=(0, 1)):
    import tensorflow as tf

    from training.robustness import corrupt

    return corrupt(tf.constant(image), name, severity, tf.constant(seed, tf.int64), SIZE).numpy()


def test_parameters_are_the_reference_values():
    from training.robustness import PARAMETERS, SUITES, documented_parameters, passes

    assert PARAMETERS["gaussian_noise"] == [0.08, 0.12, 0.18, 0.26, 0.38]
    assert PARAMETERS["shot_noise"] == [60, 25, 12, 5, 3]
    assert PARAMETERS["impulse_noise"] == [0.03, 0.06, 0.09, 0.17, 0.27]
    assert PARAMETERS["gaussian_blur"] == [1, 2, 3, 4, 6]
    assert PARAMETERS["contrast"] == [0.4, 0.3, 0.2, 0.1, 0.05]
    assert PARAMETERS["brightness"] == [0.1, 0.2, 0.3, 0.4, 0.5]
    assert PARAMETERS["jpeg_compression"] == [25, 18, 15, 10, 7]
    assert PARAMETERS["zoom_blur"][4] == pytest.approx(list(np.arange(1, 1.31, 0.03)))
    assert len(passes("quick")) == 18 and len(SUITES["full"][0]) >= 12 and len(passes("full")) == 5 * len(PARAMETERS)
    assert documented_parameters("quick")["contrast"] == {"1": 0.4, "3": 0.2, "5": 0.05}


@pytest.mark.parametrize("name", ["gaussian_noise", "shot_noise", "impulse_noise", "speckle_noise", "gaussian_blur",
                                  "defocus_blur", "motion_blur", "zoom_blur", "brightness", "contrast", "saturate",
                                  "jpeg_compression", "pixelate"])
def test_range_shape_and_seeded_determinism(photo, name):
    outs = [_run(photo, name, s) for s in range(1, 6)]
    for out in outs:
        assert out.shape == photo.shape and out.dtype == np.float32
        assert out.min() >= 0 and out.max() <= 255 and np.array_equal(out, np.round(out))
    # (a severity-1 blur of sigma 1 px at 224 is below one grey level at 64 px, so start at 2)
    assert all(not np.array_equal(out, photo) for out in outs[1:])
    assert np.array_equal(_run(photo, name, 3), outs[2])  # same seed, same image


@pytest.mark.parametrize("name", ["gaussian_noise", "shot_noise", "impulse_noise", "speckle_noise", "motion_blur"])
def test_random_corruptions_follow_the_seed(photo, name):
    assert not np.array_equal(_run(photo, name, 3, (0, 1)), _run(photo, name, 3, (0, 2)))


@pytest.mark.parametrize("name", ["gaussian_noise", "shot_noise", "impulse_noise", "speckle_noise", "gaussian_blur",
                                  "defocus_blur", "motion_blur", "zoom_blur", "brightness", "contrast",
                                  "jpeg_compression", "pixelate"])
def test_higher_severity_changes_the_photo_more(photo, name):
    """Mean absolute change from the clean photo grows with severity (saturate is not monotone
    by design: severities 1-2 desaturate, 3-5 oversaturate)."""
    changes = [np.abs(_run(photo, name, s) - photo).mean() for s in range(1, 6)]
    assert all(b >= a * 0.98 for a, b in zip(changes, changes[1:])), changes
    assert changes[-1] > changes[0]


def test_noise_and_colour_corruptions_do_what_the_reference_says():
    grey = np.full((SIZE, SIZE, 3), 128.0, dtype=np.float32)
    residual = _run(grey, "gaussian_noise", 1) - grey
    assert residual.std() == pytest.approx(0.08 * 255, rel=0.05) and abs(residual.mean()) < 1.0
    ramp = np.tile(np.linspace(0, 255, SIZE, dtype=np.float32)[None, :, None], (SIZE, 1, 3))
    contrast = _run(ramp, "contrast", 5)
    assert contrast.std() == pytest.approx(0.05 * ramp.std(), abs=1.0)
    assert contrast.mean() == pytest.approx(ramp.mean(), abs=1.0)
    assert _run(ramp, "brightness", 3) == pytest.approx(np.minimum(ramp + 0.3 * 255, 255), abs=1.0)  # grey: V += c
    salt = _run(grey, "impulse_noise", 5)
    changed = salt != grey
    assert changed.mean() == pytest.approx(0.27, abs=0.02) and set(np.unique(salt[changed])) <= {0.0, 255.0}


def test_blur_kernel_matches_scipy_gaussian_filter():
    import tensorflow as tf
    from scipy.ndimage import gaussian_filter

    from training.robustness.corruptions import _filter, blur_matrix, gaussian_kernel_1d

    rng = np.random.default_rng(0)
    image = rng.uniform(0, 1, (SIZE, SIZE, 3)).astype(np.float32)
    k = gaussian_kernel_1d(2.0)
    ours = _filter(_filter(tf.constant(image), k[:, None]), k[None, :]).numpy()
    reference = gaussian_filter(image, sigma=(2.0, 2.0, 0), mode="reflect", truncate=4.0)
    assert np.abs(ours - reference).max() < 1e-5
    matrix = blur_matrix(k, SIZE)  # the matmul form gaussian_blur uses
    as_matmul = np.einsum("ij,jkc,lk->ilc", matrix, image, matrix)
    assert np.abs(as_matmul - reference).max() < 1e-5
    # a kernel wider than the image reflects more than once and still matches scipy
    wide = gaussian_kernel_1d(6.0)
    tiny = image[:8, :8]
    m8 = blur_matrix(wide, 8)
    assert np.abs(np.einsum("ij,jkc,lk->ilc", m8, tiny, m8)
                  - gaussian_filter(tiny, sigma=(6.0, 6.0, 0), mode="reflect", truncate=4.0)).max() < 1e-5


def test_severity_outside_1_to_5_is_refused(photo):
    with pytest.raises(ValueError):
        _run(photo, "contrast", 6)


@pytest.mark.parametrize("severity", [1, 3, 5])
def test_shot_noise_draws_poisson_counts(severity):
    """Counts behind shot noise follow scipy's Poisson(v / 255 * c) (mean, variance, frequencies)."""
    from scipy.stats import poisson

    from training.robustness import PARAMETERS

    c = PARAMETERS["shot_noise"][severity - 1]
    size = 128
    grey = np.full((size, size, 3), 100.0, dtype=np.float32)
    import tensorflow as tf

    from training.robustness.corruptions import shot_noise

    out = shot_noise(tf.constant(grey), severity, tf.constant([3, 4], tf.int64)).numpy()
    counts = np.round(out / 255.0 * c)  # the reference clips x to 1, so counts stop at c
    rate = 100 / 255 * c
    support = np.arange(c + 1)
    pmf = poisson.pmf(support, rate)
    pmf[-1] = poisson.sf(c - 1, rate)  # all the mass at >= c lands on c
    mean = (support * pmf).sum()
    assert counts.mean() == pytest.approx(mean, rel=0.03)
    assert counts.var() == pytest.approx(((support - mean) ** 2 * pmf).sum(), rel=0.06)
    observed = np.bincount(counts.astype(int).ravel(), minlength=c + 1) / counts.size
    assert observed == pytest.approx(pmf, abs=0.01)
