"""Near-duplicate search below quadratic: exact Hamming search on 64-bit pHashes by band tables.

Why: comparing every pair of hashes (`phash.near_duplicates_exhaustive`) costs n^2 / 2 xor +
popcounts per variant: seconds at 10,000 images, most of an hour at 100,000.

Technique (exact, the block-permutation tables of Manku, Jain and Das Sarma, "Detecting
near-duplicates for web crawling", WWW 2007; pigeonhole as in multi-index hashing): split the 64
bits into `m` = threshold + e bands (e = `exact_bands(threshold)`). Two hashes within Hamming distance `threshold`
differ in at most `threshold` bands, so they agree exactly on at least e of them. One
table per choice of e bands (84 tables of about 21 bits at threshold 6) keys every
plain hash by those bits; each variant hash (identical, mirror, flip) looks up its own key in
each table (a counter per key, or a sort and a binary search). Every pair found is then verified on the full 64 bits,
both directions and all three variants, exactly as the exhaustive search computes them, so the
result (pairs, kinds, distances, order, ties at the threshold) is the same.

Identical hash triples are collapsed first: a set of g images with one hash costs one row in the
tables, and its g (g - 1) / 2 pairs (distance 0) are written out directly.

Cost: n log n for the tables plus the candidate pairs, about 84 x 3 x n^2 / 2^21 for random
hashes (n = 100,000: 1.2 million). Worst case: hashes that share many band keys yet differ by
more than the threshold (a data set whose hashes agree on most bits without being copies) make the
candidates quadratic again, at most 84 look-ups per pair of distinct hashes; and the output itself
is quadratic when many images are near duplicates of each other (g identical hashes: g^2 / 2 pairs).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from .phash import KINDS, NEAR_THRESHOLD, NearMatch

#: Most bits a dense look-up table (one counter per key) may index: 2^24 counters, 128 MB at most.
DENSE_BITS = 24
#: Key slots per hash a dense table may have (emptier tables sort and search instead).
DENSE_SLOTS_PER_HASH = 32
_CHUNK = 1 << 20  # look-up results verified at once: bounds memory


def exact_bands(threshold: int) -> int:
    """Bands a pair within `threshold` always shares exactly: keys of about 22 bits, at most 3 (threshold 6: 3 of 9)."""
    return min(3, max(1, round(threshold * 22 / 42)))


def bands(threshold: int) -> list[tuple[int, int]]:
    """(lowest bit, width) of the `threshold + exact_bands(threshold)` contiguous bands of near-equal width."""
    m = min(64, threshold + exact_bands(threshold))
    edges = [round(64 * k / m) for k in range(m + 1)]
    return [(lo, hi - lo) for lo, hi in zip(edges, edges[1:])]


def _band_values(hashes: np.ndarray, layout: list[tuple[int, int]]) -> list[np.ndarray]:
    return [((hashes >> np.uint64(lo)) & np.uint64((1 << width) - 1)).astype(np.int64) for lo, width in layout]


def _key(values: list[np.ndarray], layout: list[tuple[int, int]], chosen: tuple[int, ...]) -> np.ndarray:
    key, shift = values[chosen[0]].copy(), layout[chosen[0]][1]
    for band in chosen[1:]:
        key |= values[band] << shift
        shift += layout[band][1]
    return key


def _lookup(keys: np.ndarray, wanted: np.ndarray, bits: int):
    """(queries with a match, their first position in `order`, their matches, `order`) for one table.

    `order` lists plain rows sorted by key (at least those some query matches). Dense (a counter
    per key) when the table is full enough to pay for it, else a sort and binary search: the
    same answer either way.
    """
    if bits <= DENSE_BITS and (1 << bits) <= DENSE_SLOTS_PER_HASH * (len(keys) + len(wanted)):
        counts = np.bincount(keys, minlength=1 << bits)[wanted]
        hit = np.nonzero(counts)[0]
        marked = np.zeros(1 << bits, dtype=bool)
        marked[wanted[hit]] = True
        rows = np.nonzero(marked[keys])[0]  # only the plain rows some query matches
        order = rows[np.argsort(keys[rows], kind="stable")]
        return hit, np.searchsorted(keys[order], wanted[hit]), counts[hit], order
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    lo = np.searchsorted(sorted_keys, wanted, "left")
    count = np.searchsorted(sorted_keys, wanted, "right") - lo
    hit = np.nonzero(count)[0]
    return hit, lo[hit], count[hit], order


def _distances(queries: np.ndarray, plain: np.ndarray) -> np.ndarray:
    return np.bitwise_count(queries ^ plain).astype(np.int16)


def _candidates(table: np.ndarray, threshold: int) -> np.ndarray:
    """Unordered row pairs (a < b, as int64 codes a * u + b) within `threshold` in some direction and variant."""
    u = len(table)
    plain, queries = table[:, 0], table.ravel()  # query q is row q // 3, variant q % 3
    layout = bands(threshold)
    plain_bands, query_bands = _band_values(plain, layout), _band_values(queries, layout)
    found = [np.zeros(0, dtype=np.int64)]
    for chosen in combinations(range(len(layout)), min(exact_bands(threshold), len(layout))):
        bits = sum(layout[band][1] for band in chosen)
        hit, lo, count, order = _lookup(_key(plain_bands, layout, chosen), _key(query_bands, layout, chosen), bits)
        if not len(hit):
            continue
        for q, pos in _expanded(hit, lo, count):
            rows, other = q // 3, order[pos]
            keep = (rows != other) & (_distances(queries[q], plain[other]) <= threshold)
            a, b = rows[keep], other[keep]
            found.append(np.minimum(a, b) * u + np.maximum(a, b))
    return np.unique(np.concatenate(found))


def _expanded(hit: np.ndarray, lo: np.ndarray, count: np.ndarray):
    """(query, sorted position) of every look-up result, in pieces of about `_CHUNK` results."""
    ends = np.cumsum(count)
    cuts = [0, *np.searchsorted(ends, np.arange(_CHUNK, int(ends[-1]), _CHUNK), "right").tolist(), len(hit)]
    for s, e in zip(cuts, cuts[1:]):
        if e > s:
            c = count[s:e]
            yield np.repeat(hit[s:e], c), np.repeat(lo[s:e] - (np.cumsum(c) - c), c) + np.arange(int(c.sum()))


def _best(table: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(kind index, distance) of rows a's variants against rows b's plain hash: the first minimum, as argmin."""
    distances = _distances(table[a], table[b, 0][:, None])
    return distances.argmin(axis=1), distances.min(axis=1)


def _members(inverse: np.ndarray, u: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions sorted by row, each row's first index into them, each row's size)."""
    by_row = np.argsort(inverse, kind="stable")
    sizes = np.bincount(inverse, minlength=u)
    return by_row, np.cumsum(sizes) - sizes, sizes


def _cross_pairs(table, codes, by_row, starts, sizes, threshold):
    """(i, j, kind, distance) of every image pair i < j between two distinct rows within the threshold."""
    u = len(table)
    a, b = codes // u, codes % u
    count = sizes[a] * sizes[b]
    pair = np.repeat(np.arange(len(codes)), count)
    e = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    x = by_row[starts[a][pair] + e // sizes[b][pair]]
    y = by_row[starts[b][pair] + e % sizes[b][pair]]
    i, j = np.minimum(x, y), np.maximum(x, y)
    row_i = np.where(x < y, a[pair], b[pair])
    row_j = np.where(x < y, b[pair], a[pair])
    kind, dist = _best(table, row_i, row_j)
    keep = dist <= threshold
    return i[keep], j[keep], kind[keep], dist[keep]


def _same_row_pairs(by_row, starts, sizes):
    """(i, j) of every image pair i < j with the same hash triple (distance 0, kind identical)."""
    out_i, out_j = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for row in np.nonzero(sizes > 1)[0]:
        group = np.sort(by_row[starts[row]: starts[row] + sizes[row]])
        x, y = np.triu_indices(len(group), 1)
        out_i.append(group[x])
        out_j.append(group[y])
    return np.concatenate(out_i), np.concatenate(out_j)


def near_duplicates(variants: list[tuple[int, int, int] | None], threshold: int = NEAR_THRESHOLD) -> list[NearMatch]:
    """All pairs i < j whose best variant distance is <= threshold, sorted by (i, j).

    The same answer as `phash.near_duplicates_exhaustive` (see the module docstring for how):
    for each pair the kind with the smallest distance wins; ties prefer identical, then mirror,
    then flip; flat images (None) match nothing.
    """
    hashed = np.array([k for k, v in enumerate(variants) if v is not None], dtype=np.int64)
    if len(hashed) < 2:
        return []
    rows = np.array([variants[k] for k in hashed], dtype=np.uint64).reshape(len(hashed), 3)
    table, inverse = np.unique(rows, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    by_row, starts, sizes = _members(inverse, len(table))
    i, j, kind, dist = _cross_pairs(table, _candidates(table, threshold), by_row, starts, sizes, threshold)
    same_i, same_j = _same_row_pairs(by_row, starts, sizes)
    i, j = np.concatenate([i, same_i]), np.concatenate([j, same_j])
    kind = np.concatenate([kind, np.zeros(len(same_i), dtype=kind.dtype)])
    dist = np.concatenate([dist, np.zeros(len(same_i), dtype=dist.dtype)])
    order = np.lexsort((j, i))
    return [NearMatch(int(hashed[x]), int(hashed[y]), KINDS[k], int(d))
            for x, y, k, d in zip(i[order].tolist(), j[order].tolist(), kind[order].tolist(), dist[order].tolist())]
