"""The near-duplicate index gives exactly the exhaustive search's answer: same pairs, kinds, distances, order.

The exhaustive search (`phash.near_duplicates_exhaustive`) compares every pair and is the
definition; the band-table index (`near_index.near_duplicates`) is what runs use. Checked on
random 64-bit hashes with planted pairs at distance exactly t and t + 1 (ties at the threshold),
repeated hash triples, many identical hashes and flat images, at several thresholds and through
both look-up paths (dense counters and sort + binary search), and on real image hashes.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import training.data.near_index as near_index
from training.data.near_index import bands, exact_bands, near_duplicates
from training.data.phash import NEAR_THRESHOLD, near_duplicates_exhaustive, phash_variants

from tests.test_data_folder import pattern
from tests.test_data_near_duplicates import stripe_images

PATHS = {"dense": 1 << 40, "search": 0}  # DENSE_SLOTS_PER_HASH that forces each look-up path


def _flip(rng: np.random.Generator, h: int, k: int) -> int:
    """`h` with `k` distinct random bits flipped: Hamming distance exactly k."""
    for bit in rng.choice(64, size=k, replace=False):
        h ^= 1 << int(bit)
    return h


def _random(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 1 << 63, dtype=np.uint64)) * 2 + int(rng.integers(0, 2))


def hash_set(seed: int, n: int, t: int) -> list[tuple[int, int, int] | None]:
    """Random hash triples plus planted near pairs (each variant at distance t - 1, t or t + 1 from
    another image's plain hash), repeated triples, a block of identical hashes and flat images."""
    rng = np.random.default_rng(seed)
    out: list[tuple[int, int, int] | None] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.05 or not out:
            out.append(None if out else (_random(rng), _random(rng), _random(rng)))
        elif r < 0.15 and out[-1] is not None:
            out.append(out[int(rng.integers(0, len(out)))])  # a repeated triple (or a flat image)
        elif r < 0.6:
            source = out[int(rng.integers(0, len(out)))] or (_random(rng),) * 3
            out.append(tuple(_flip(rng, source[0], max(0, t + int(rng.integers(-1, 2)))) for _ in range(3)))
        else:
            out.append((_random(rng), _random(rng), _random(rng)))
    same = (_random(rng), _random(rng), _random(rng))
    for position in rng.choice(len(out) + 40, size=40, replace=False):
        out.insert(int(position), same)
    return out


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("t", [0, 1, 2, 3, 4, 5, NEAR_THRESHOLD, 7, 8])
def test_index_equals_exhaustive_search_on_random_hashes(t, path, monkeypatch):
    monkeypatch.setattr(near_index, "DENSE_SLOTS_PER_HASH", PATHS[path])
    for seed in range(3):
        hashes = hash_set(seed, 300, t)
        expected = near_duplicates_exhaustive(hashes, t)
        assert near_duplicates(hashes, t) == expected
        distances = {m.distance for m in expected}
        assert t in distances and 0 in distances  # ties at the threshold and identical hashes were exercised


def test_pairs_at_exactly_the_threshold_are_in_and_one_more_bit_is_out():
    rng = np.random.default_rng(5)
    base = _random(rng)
    at, beyond = _flip(rng, base, NEAR_THRESHOLD), _flip(rng, base, NEAR_THRESHOLD + 1)
    far = (_random(rng), _random(rng))
    hashes = [(base, *far), (at, _random(rng), _random(rng)), (beyond, _random(rng), _random(rng))]
    found = [(m.i, m.j, m.kind, m.distance) for m in near_duplicates(hashes)]
    assert (0, 1, "identical", NEAR_THRESHOLD) in found and not any(p[:2] == (0, 2) for p in found)
    assert found == [(m.i, m.j, m.kind, m.distance) for m in near_duplicates_exhaustive(hashes)]


def test_ties_between_kinds_prefer_identical_then_mirror_then_flip():
    rng = np.random.default_rng(6)
    b = _random(rng)
    a_tie = (_flip(rng, b, 3), _flip(rng, b, 3), _flip(rng, b, 2))  # identical 3, mirror 3, flip 2: flip wins
    c_tie = (_flip(rng, b, 5), _flip(rng, b, 4), _flip(rng, b, 4))  # mirror 4 ties flip 4: mirror wins
    hashes = [a_tie, c_tie, (b, _random(rng), _random(rng))]
    found = {(m.i, m.j): (m.kind, m.distance) for m in near_duplicates(hashes)}
    assert found[(0, 2)] == ("flip", 2) and found[(1, 2)] == ("mirror", 4)
    assert near_duplicates(hashes) == near_duplicates_exhaustive(hashes)


def test_direction_matters_and_follows_the_lower_index():
    """The kind compares image i's variants with image j's plain hash (i < j), not the other way."""
    rng = np.random.default_rng(7)
    p = _random(rng)
    mirrored = _flip(rng, p, 1)
    hashes = [(p, _random(rng), _random(rng)), (_random(rng), mirrored, _random(rng))]
    # 1's mirror is near 0's plain hash, but 0's variants are far from 1's plain hash: no pair
    assert near_duplicates(hashes) == near_duplicates_exhaustive(hashes) == []
    swapped = list(reversed(hashes))
    assert [(m.i, m.j, m.kind) for m in near_duplicates(swapped)] == [(0, 1, "mirror")]
    assert near_duplicates(swapped) == near_duplicates_exhaustive(swapped)


def test_many_identical_hashes_are_collapsed_and_all_their_pairs_listed():
    rng = np.random.default_rng(8)
    same = (_random(rng), _random(rng), _random(rng))
    hashes = [same] * 400 + [None, (_random(rng), _random(rng), _random(rng))] + [same] * 100
    found = near_duplicates(hashes)
    assert len(found) == 500 * 499 // 2 and all(m.kind == "identical" and m.distance == 0 for m in found)
    assert found == near_duplicates_exhaustive(hashes)


def test_flat_and_too_few_images_match_nothing():
    assert near_duplicates([]) == near_duplicates([None, None]) == near_duplicates([(1, 2, 3), None]) == []


def test_index_equals_exhaustive_search_on_image_hashes():
    images = stripe_images() + [pattern(k) for k in range(40)]
    images += [i.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for i in images[::5]] + [Image.new("RGB", (32, 32), "red")]
    hashes = [phash_variants(i) for i in images]
    expected = near_duplicates_exhaustive(hashes)
    assert len(expected) >= 60 and {m.kind for m in expected} >= {"identical", "mirror"}
    assert near_duplicates(hashes) == expected


def test_band_layout_covers_64_bits_and_is_pigeonhole_exact():
    for t in range(0, 13):
        layout = bands(t)
        assert sum(width for _, width in layout) == 64 and layout[0][0] == 0
        assert all(lo + width == nxt for (lo, width), (nxt, _) in zip(layout, layout[1:]))
        assert len(layout) - t >= exact_bands(t) >= 1  # t differing bits leave that many bands untouched
    assert len(bands(NEAR_THRESHOLD)) == 9 and exact_bands(NEAR_THRESHOLD) == 3
