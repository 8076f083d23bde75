"""ImageNet-C corruptions (Hendrycks & Dietterich, ICLR 2019) as TensorFlow ops for tf.data.

Severity parameters are copied from the reference implementation,
https://github.com/hendrycks/robustness, file `ImageNet-C/create_c/make_imagenet_c.py`
(commit e0377d46411fa30c01a9559017bdb6a5f78d4abf); `PARAMETERS` holds them, index 0 is
severity 1. Not the `imagecorruptions` package (unmaintained, crashes with numpy 2).

Where this differs from the reference, and why:
* Resolution. The reference corrupts 224x224 crops. Here images are corrupted at the model's
  evaluation resolution (the pixels the model is fed, after the same bilinear resize the
  saved model applies), so the corruption is exactly what the model sees. Spatial parameters
  given in pixels at 224 px (blur sigmas and radii) are scaled by `size / 224`, so a
  corruption covers the same share of the image at any input size; noise, colour, JPEG and
  pixelate parameters do not depend on size.
* Randomness. Every random draw uses stateless TF ops seeded by (run seed, pass, image index),
  so results do not depend on tf.data's parallelism or on batch size.
* Libraries. skimage/OpenCV/ImageMagick calls are restated with TF ops: Gaussian blur with
  skimage's kernel (truncate 4 sigma) and symmetric borders; defocus with the reference's
  anti-aliased disk kernel; motion blur as ImageMagick's one-sided Gaussian line kernel
  (width 2*radius+1) at a random angle in [-45, 45) degrees; pixelate as area downsampling
  then nearest upsampling (PIL BOX); JPEG through `tf.image.adjust_jpeg_quality`.
* Output is rounded to 8-bit values, as the reference's saved images are (it also re-saves
  every image as JPEG quality 85; that second compression is not applied here).

Each function maps a float32 (H, W, 3) image with values 0..255, a severity 1..5 and a
stateless seed (shape (2,) int) to a corrupted image of the same shape and range.
"""

from __future__ import annotations

import math

import numpy as np

REFERENCE = ("hendrycks/robustness ImageNet-C/create_c/make_imagenet_c.py "
             "(commit e0377d46411fa30c01a9559017bdb6a5f78d4abf)")
REFERENCE_SIZE = 224

# name -> one parameter (or tuple) per severity 1..5, exactly as in the reference.
PARAMETERS: dict[str, list] = {
    "gaussian_noise": [0.08, 0.12, 0.18, 0.26, 0.38],                  # std of N(0, c) on [0, 1] pixels
    "shot_noise": [60, 25, 12, 5, 3],                                   # Poisson(x * c) / c
    "impulse_noise": [0.03, 0.06, 0.09, 0.17, 0.27],                    # salt-and-pepper amount
    "speckle_noise": [0.15, 0.2, 0.35, 0.45, 0.6],                      # x + x * N(0, c)
    "gaussian_blur": [1, 2, 3, 4, 6],                                   # sigma (px at 224)
    "defocus_blur": [(3, 0.1), (4, 0.5), (6, 0.5), (8, 0.5), (10, 0.5)],  # (disk radius px at 224, alias blur)
    "motion_blur": [(10, 3), (15, 5), (15, 8), (15, 12), (20, 15)],     # (radius, sigma) px at 224
    "zoom_blur": [[round(1 + 0.01 * i, 2) for i in range(11)], [round(1 + 0.01 * i, 2) for i in range(16)],
                  [round(1 + 0.02 * i, 2) for i in range(11)], [round(1 + 0.02 * i, 2) for i in range(13)],
                  [round(1 + 0.03 * i, 2) for i in range(11)]],         # zoom factors averaged
    "brightness": [0.1, 0.2, 0.3, 0.4, 0.5],                            # added to HSV value
    "contrast": [0.4, 0.3, 0.2, 0.1, 0.05],                             # (x - mean) * c + mean
    "saturate": [(0.3, 0), (0.1, 0), (2, 0), (5, 0.1), (20, 0.2)],      # HSV saturation * c0 + c1
    "jpeg_compression": [25, 18, 15, 10, 7],                            # JPEG quality
    "pixelate": [0.6, 0.5, 0.4, 0.3, 0.25],                             # downscale factor
}

SUITES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "quick": (("gaussian_noise", "shot_noise", "gaussian_blur", "brightness", "contrast", "jpeg_compression"),
              (1, 3, 5)),
    "full": (tuple(PARAMETERS), (1, 2, 3, 4, 5)),
}
SUITE_CHOICES = ("quick", "full", "none")


def passes(suite: str) -> list[tuple[str, int]]:
    """The (corruption, severity) pairs of a suite, in record order."""
    names, severities = SUITES[suite]
    return [(name, severity) for name in names for severity in severities]


def documented_parameters(suite: str) -> dict:
    """The record's `robustness.parameters`: the reference values of the corruptions run."""
    names, severities = SUITES[suite]
    return {name: {str(s): PARAMETERS[name][s - 1] for s in severities} for name in names}


def _scale(px: float, size: int) -> float:
    return px * size / REFERENCE_SIZE


def _unit(image):
    return image / 255.0


def _pixels(unit):
    import tensorflow as tf

    return tf.round(tf.clip_by_value(unit, 0.0, 1.0) * 255.0)


def gaussian_noise(image, severity: int, seed):
    import tensorflow as tf

    c = PARAMETERS["gaussian_noise"][severity - 1]
    x = _unit(image)
    return _pixels(x + tf.random.stateless_normal(tf.shape(x), seed, stddev=c))


def poisson_cdf_table(c: float) -> np.ndarray:
    """CDF of Poisson(v / 255 * c) at k = 0..K-1 for each 8-bit value v: a (256, K) table whose
    last column is 1, with K past every mean by over 10 standard deviations."""
    from scipy.stats import poisson

    k_max = int(math.ceil(c + 10 * math.sqrt(c) + 10))
    rates = np.arange(256) / 255.0 * c
    table = poisson.cdf(np.arange(k_max)[None, :], rates[:, None])
    table[:, -1] = 1.0
    return table.astype(np.float32)


QUANTILE_BUCKETS = 8192


def poisson_quantile_tables(cdf: np.ndarray, buckets: int = QUANTILE_BUCKETS) -> tuple[np.ndarray, np.ndarray]:
    """Inverse CDF at each bucket's lower and upper edge, per 8-bit value: (256, buckets) uint8
    tables. A uniform draw in bucket j has its exact Poisson count between the two."""
    edges = np.arange(buckets + 1) / buckets
    inverse = np.stack([np.searchsorted(row.astype(np.float64), edges, side="left") for row in cdf])
    inverse = np.minimum(inverse, cdf.shape[1] - 1).astype(np.uint8)
    return inverse[:, :-1], inverse[:, 1:]


def shot_noise(image, severity: int, seed):
    """Poisson(x * c) / c by exact inverse-CDF sampling: a quantile-table lookup gives the count
    for almost every pixel, and only the pixels whose uniform draw falls in a bucket that
    straddles a CDF step (about 0.3%) are resolved by binary search on the CDF. Exact for the
    8-bit values the images hold, and far faster on CPU than `tf.random.stateless_poisson`."""
    import tensorflow as tf

    c = float(PARAMETERS["shot_noise"][severity - 1])
    cdf = poisson_cdf_table(c)
    lower, upper = poisson_quantile_tables(cdf)
    k = cdf.shape[1]
    values = tf.cast(tf.clip_by_value(tf.round(image), 0, 255), tf.int32)
    u = tf.random.stateless_uniform(tf.shape(image), seed)
    bucket = tf.minimum(tf.cast(u * QUANTILE_BUCKETS, tf.int32), QUANTILE_BUCKETS - 1)
    at = values * QUANTILE_BUCKETS + bucket
    low = tf.cast(tf.gather(tf.constant(lower.reshape(-1)), at), tf.int32)
    high = tf.cast(tf.gather(tf.constant(upper.reshape(-1)), at), tf.int32)
    where = tf.where(low != high)
    u_s, v_s = tf.gather_nd(u, where), tf.gather_nd(values, where) * k
    lo, hi = tf.gather_nd(low, where), tf.gather_nd(high, where)
    flat = tf.constant(cdf.reshape(-1))
    for _ in range(int(math.ceil(math.log2(k)))):  # smallest count whose CDF reaches u
        mid = (lo + hi) // 2
        reached = tf.gather(flat, v_s + mid) >= u_s
        hi = tf.where(reached, mid, hi)
        lo = tf.where(reached, lo, mid + 1)
    counts = tf.tensor_scatter_nd_update(low, where, lo)
    return _pixels(tf.cast(counts, tf.float32) / c)


def impulse_noise(image, severity: int, seed):
    """skimage `random_noise(mode='s&p', amount=c)`: each value replaced with probability c,
    by 0 or 1 with equal odds."""
    import tensorflow as tf

    c = PARAMETERS["impulse_noise"][severity - 1]
    x = _unit(image)
    u = tf.random.stateless_uniform(tf.shape(x), seed)
    salt = tf.random.stateless_uniform(tf.shape(x), seed + 1) < 0.5
    noisy = tf.where(u < c, tf.where(salt, 1.0, 0.0), x)
    return _pixels(noisy)


def speckle_noise(image, severity: int, seed):
    import tensorflow as tf

    c = PARAMETERS["speckle_noise"][severity - 1]
    x = _unit(image)
    return _pixels(x + x * tf.random.stateless_normal(tf.shape(x), seed, stddev=c))


def _filter(image, kernel: np.ndarray | object, mode: str = "SYMMETRIC"):
    """Convolve each channel of (H, W, 3) with a 2-D kernel (numpy or tensor), padded by `mode`."""
    import tensorflow as tf

    kernel = tf.cast(kernel, tf.float32)
    kh, kw = int(kernel.shape[0]), int(kernel.shape[1])
    padded = tf.pad(image[None], [[0, 0], [kh // 2, kh - 1 - kh // 2], [kw // 2, kw - 1 - kw // 2], [0, 0]], mode=mode)
    depthwise = tf.tile(kernel[:, :, None, None], [1, 1, 3, 1])
    return tf.nn.depthwise_conv2d(padded, depthwise, strides=[1, 1, 1, 1], padding="VALID")[0]


def gaussian_kernel_1d(sigma: float, truncate: float = 4.0) -> np.ndarray:
    """skimage/scipy's Gaussian: radius int(truncate * sigma + 0.5), normalised to sum 1."""
    radius = max(1, int(truncate * sigma + 0.5))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    k = np.exp(-0.5 * (x / sigma) ** 2)
    return (k / k.sum()).astype(np.float32)


def blur_matrix(kernel: np.ndarray, size: int) -> np.ndarray:
    """The (size, size) matrix M with M @ x == 1-D correlation of x with `kernel` under
    symmetric borders (scipy's mode 'reflect'): a separable blur becomes two matmuls, much
    faster on CPU than a depthwise convolution with a long kernel."""
    radius = len(kernel) // 2
    matrix = np.zeros((size, size), dtype=np.float64)
    for offset, weight in zip(range(-radius, radius + 1), kernel):
        for row in range(size):
            col = row + offset
            while not 0 <= col < size:  # reflect about the edges, repeating the edge pixel
                col = -col - 1 if col < 0 else 2 * size - col - 1
            matrix[row, col] += weight
    return matrix.astype(np.float32)


def gaussian_blur(image, severity: int, seed, size: int):
    import tensorflow as tf

    sigma = _scale(PARAMETERS["gaussian_blur"][severity - 1], size)
    matrix = tf.constant(blur_matrix(gaussian_kernel_1d(sigma), size))
    x = tf.transpose(_unit(image), [2, 0, 1])  # (3, H, W)
    x = tf.matmul(tf.matmul(matrix[None], x), matrix[None], transpose_b=True)
    return _pixels(tf.transpose(x, [1, 2, 0]))


def disk_kernel(radius: float, alias_blur: float) -> np.ndarray:
    """The reference's `disk`: an aliased disk on a grid of at least 17x17, normalised, then
    blurred by a 3x3 (5x5 for radius > 8) Gaussian of sigma `alias_blur` (OpenCV, reflect-101)."""
    half = 8 if radius <= 8 else int(math.ceil(radius))
    grid = np.arange(-half, half + 1)
    xx, yy = np.meshgrid(grid, grid)
    disk = ((xx ** 2 + yy ** 2) <= radius ** 2).astype(np.float64)
    disk /= disk.sum()
    ksize = 3 if radius <= 8 else 5
    g = np.exp(-0.5 * (np.arange(ksize) - ksize // 2) ** 2 / alias_blur ** 2)
    g /= g.sum()
    padded = np.pad(disk, ksize // 2, mode="reflect")
    out = np.zeros_like(disk)
    for i in range(ksize):
        for j in range(ksize):
            out += g[i] * g[j] * padded[i:i + disk.shape[0], j:j + disk.shape[1]]
    return out.astype(np.float32)


def defocus_blur(image, severity: int, seed, size: int):
    radius, alias = PARAMETERS["defocus_blur"][severity - 1]
    return _pixels(_filter(_unit(image), disk_kernel(_scale(radius, size), alias), mode="REFLECT"))


def motion_offsets(radius: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """ImageMagick's motion-blur kernel: steps i = 0..width-1 along the angle (one-sided),
    width = 2*ceil(radius)+1, weights exp(-i^2 / 2 sigma^2) normalised to sum 1."""
    width = 2 * int(math.ceil(radius)) + 1
    steps = np.arange(width, dtype=np.float32)
    weights = np.exp(-(steps ** 2) / (2.0 * sigma ** 2))
    return steps, (weights / weights.sum()).astype(np.float32)


def motion_blur(image, severity: int, seed, size: int):
    """Weighted sum of the image shifted by each kernel step (cheaper than a sparse 2-D kernel)."""
    import tensorflow as tf

    radius, sigma = PARAMETERS["motion_blur"][severity - 1]
    steps, weights = motion_offsets(_scale(radius, size), _scale(sigma, size))
    half = int(steps[-1])
    angle = tf.random.stateless_uniform([], seed, minval=-45.0, maxval=45.0) * (math.pi / 180.0)
    dx = tf.cast(tf.round(steps * tf.cos(angle)), tf.int32)
    dy = tf.cast(tf.round(steps * tf.sin(angle)), tf.int32)
    x = _unit(image)
    padded = tf.pad(x, [[half, half], [half, half], [0, 0]], mode="SYMMETRIC")
    total = tf.zeros_like(x)
    for i, w in enumerate(weights):
        total += float(w) * tf.slice(padded, tf.stack([half + dy[i], half + dx[i], 0]), tf.shape(x))
    return _pixels(total)


def zoom_blur(image, severity: int, seed, size: int):
    """Mean of the image and its centre crops zoomed back to full size (bilinear)."""
    import tensorflow as tf

    x = _unit(image)
    total = x
    factors = PARAMETERS["zoom_blur"][severity - 1]
    for factor in factors:
        crop = int(math.ceil(size / factor))
        top = (size - crop) // 2
        total += tf.image.resize(x[top:top + crop, top:top + crop], (size, size), method="bilinear")
    return _pixels(total / (len(factors) + 1))


def brightness(image, severity: int, seed):
    import tensorflow as tf

    hsv = tf.image.rgb_to_hsv(_unit(image))
    c = PARAMETERS["brightness"][severity - 1]
    hsv = tf.stack([hsv[..., 0], hsv[..., 1], tf.clip_by_value(hsv[..., 2] + c, 0.0, 1.0)], axis=-1)
    return _pixels(tf.image.hsv_to_rgb(hsv))


def contrast(image, severity: int, seed):
    import tensorflow as tf

    c = PARAMETERS["contrast"][severity - 1]
    x = _unit(image)
    means = tf.reduce_mean(x, axis=[0, 1], keepdims=True)
    return _pixels((x - means) * c + means)


def saturate(image, severity: int, seed):
    import tensorflow as tf

    scale, shift = PARAMETERS["saturate"][severity - 1]
    hsv = tf.image.rgb_to_hsv(_unit(image))
    hsv = tf.stack([hsv[..., 0], tf.clip_by_value(hsv[..., 1] * scale + shift, 0.0, 1.0), hsv[..., 2]], axis=-1)
    return _pixels(tf.image.hsv_to_rgb(hsv))


def jpeg_compression(image, severity: int, seed):
    import tensorflow as tf

    quality = PARAMETERS["jpeg_compression"][severity - 1]
    encoded = tf.image.adjust_jpeg_quality(tf.cast(tf.round(tf.clip_by_value(image, 0.0, 255.0)), tf.uint8), quality)
    return tf.cast(encoded, tf.float32)


def pixelate(image, severity: int, seed, size: int):
    import tensorflow as tf

    c = PARAMETERS["pixelate"][severity - 1]
    small = max(1, int(size * c))
    down = tf.image.resize(image, (small, small), method="area")
    return tf.round(tf.image.resize(down, (size, size), method="nearest"))


SPATIAL = {"gaussian_blur": gaussian_blur, "defocus_blur": defocus_blur, "motion_blur": motion_blur,
           "zoom_blur": zoom_blur, "pixelate": pixelate}
POINTWISE = {"gaussian_noise": gaussian_noise, "shot_noise": shot_noise, "impulse_noise": impulse_noise,
             "speckle_noise": speckle_noise, "brightness": brightness, "contrast": contrast,
             "saturate": saturate, "jpeg_compression": jpeg_compression}
assert set(SPATIAL) | set(POINTWISE) == set(PARAMETERS)


def corrupt(image, name: str, severity: int, seed, size: int):
    """Apply corruption `name` at `severity` to a float32 (size, size, 3) image of 0..255 values."""
    if not 1 <= severity <= 5:
        raise ValueError(f"severity must be 1..5, got {severity}")
    if name in SPATIAL:
        return SPATIAL[name](image, severity, seed, size)
    return POINTWISE[name](image, severity, seed)
