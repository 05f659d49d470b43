"""Group window embeddings by voice, with an automatic speaker count.

Average-linkage agglomerative clustering on cosine similarity picks the count: merging stops when
the two closest groups are less alike than THRESHOLD, within the caller's min/max speakers. Long
recordings are clustered on at most MAX_POINTS windows spread over the recording, so the similarity
matrix stays small; every window is then given the nearest centroid (a few k-means steps), and clusters
too small to be a person (stray noise, laughter) are folded into their nearest neighbour.
"""

from __future__ import annotations

import numpy as np

THRESHOLD = 0.72
"""Cosine similarity below which two groups of windows are taken for different voices."""
MAX_POINTS = 600
MIN_SHARE = 0.02
"""A cluster with less than this share of the speech (and under MIN_WINDOWS windows) is noise."""
MIN_WINDOWS = 6
REFINE_STEPS = 3


def _unit(x: np.ndarray) -> np.ndarray:
    result: np.ndarray = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
    return result


def _sample(n: int) -> np.ndarray:
    """At most MAX_POINTS window indices spread evenly over the recording.

    Single windows, never averages of neighbours: with short turns, an average of consecutive
    windows mixes two voices and every such average looks alike.
    """
    if n <= MAX_POINTS:
        return np.arange(n)
    result: np.ndarray = np.unique(np.linspace(0, n - 1, MAX_POINTS).astype(np.int64))
    return result


def _ahc(points: np.ndarray, keep: int) -> tuple[dict[int, np.ndarray], list[float]]:
    """Average linkage down to one cluster: labels for every count <= keep, and merge similarities."""
    n = len(points)
    sim = points @ points.T
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    owner = np.arange(n)
    snapshots: dict[int, np.ndarray] = {}
    merges: list[float] = []
    if n <= keep:
        snapshots[n] = owner.copy()
    for count in range(n - 1, 0, -1):
        i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
        i, j = min(i, j), max(i, j)
        merges.append(float(sim[i, j]))
        row = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        sim[i], sim[:, i] = row, row
        sim[i, i] = -np.inf
        sim[j], sim[:, j] = -np.inf, -np.inf
        sizes[i] += sizes[j]
        owner[owner == j] = i
        if count <= keep:
            snapshots[count] = owner.copy()
    return snapshots, merges


def choose_count(merges: list[float], n: int, lo: int, hi: int, threshold: float) -> int:
    """Clusters left when the next merge would join groups less alike than threshold, clamped."""
    count = n
    for similarity in merges:  # merges[k] takes the count from n - k to n - k - 1
        if similarity < threshold:
            break
        count -= 1
    return max(lo, min(hi, count, n))


def _relabel(owner: np.ndarray) -> np.ndarray:
    _, labels = np.unique(owner, return_inverse=True)
    result: np.ndarray = labels
    return result


def _refine(emb: np.ndarray, labels: np.ndarray, lo: int) -> np.ndarray:
    for _ in range(REFINE_STEPS):
        k = int(labels.max()) + 1
        centroids = _unit(np.stack([emb[labels == c].sum(axis=0) for c in range(k)]))
        counts = np.bincount(labels, minlength=k)
        small = [c for c in np.argsort(counts) if counts[c] < max(MIN_WINDOWS, MIN_SHARE * len(emb))]
        if small and k > lo:
            centroids = np.delete(centroids, small[0], axis=0)
        new = np.argmax(emb @ centroids.T, axis=1)
        new = _relabel(new)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


def cluster(
    embeddings: np.ndarray,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    threshold: float = THRESHOLD,
) -> np.ndarray:
    """A speaker index (0..k-1) for each unit-length embedding row."""
    n = len(embeddings)
    if n == 0:
        return np.zeros(0, np.int64)
    lo = max(1, min_speakers or 1)
    hi = max(lo, max_speakers or 20)
    emb = embeddings.astype(np.float64)
    points = emb[_sample(n)]
    lo_eff = min(lo, len(points))
    snapshots, merges = _ahc(points, keep=max(hi, 1))
    count = choose_count(merges, len(points), lo_eff, hi, threshold)
    picked = _relabel(snapshots[count])
    centroids = _unit(np.stack([points[picked == c].sum(axis=0) for c in range(int(picked.max()) + 1)]))
    labels = _relabel(np.argmax(emb @ centroids.T, axis=1))
    return _refine(emb, labels, lo_eff)
