"""Speaker clustering of the encoder's windows: spectral clustering with an eigengap count, bounded in cost.

The recipe is 3D-Speaker's (Apache-2.0) as senko 0.2.2 configures it, which found the right number of
voices on every shared recording, one and none included: cosine affinities, each row pruned to its
closest 1.2% (at least 6), the unnormalised Laplacian, the speaker count at the largest eigengap, k-means
on the eigenvectors; clusters under 4 windows join their nearest voice, and voices whose means are 0.875
alike merge. `tests/test_clustering.py` checks that it labels windows exactly as senko does.

What changes is the cost on long recordings. The affinity matrix grows with the square of the windows and
its eigendecomposition with the cube (3,300 windows for 40 minutes; senko switched to UMAP and HDBSCAN past
20 minutes, whose cost also grew faster than the audio, and which ignored the speaker-count hints). Here
at most `MAX_POINTS` windows, evenly spread over the recording, are clustered that way; every window then
goes to the nearest voice (cosine to the voices' means, refined once with all windows). The cost is then
a constant plus a pass over the windows per voice: it grows with the audio (measured at 10, 40 and 120
minutes, docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np

# Windows clustered spectrally at most (about 10 minutes of speech at senko's 0.6 s hop). Measured: 0.5 s
# of CPU at 1,000 (eigendecomposition included), against 35 s at 3,300 (docs/benchmarks.md).
MAX_POINTS = 1000
PRUNE_FRACTION = 0.012  # senko's pval: each window keeps its closest 1.2% as neighbours
MIN_NEIGHBOURS = 6
MIN_WINDOWS = 10  # fewer windows than this are one voice
MIN_CLUSTER = 4  # a cluster of fewer windows joins its nearest voice
MERGE_COSINE = 0.875  # voices whose mean windows are this alike are one


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def cluster(embeddings: np.ndarray, min_speakers: int = 1, max_speakers: int = 8,
            speakers: int | None = None) -> np.ndarray:
    """A label (0, 1, …, not necessarily consecutive) for each row of `embeddings` (one per window)."""
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if len(embeddings) < MIN_WINDOWS:
        return np.ones(len(embeddings), dtype=int)
    if len(embeddings) <= MAX_POINTS:
        labels = spectral(embeddings, min_speakers, max_speakers, speakers)
        labels = join_small_clusters(labels, embeddings)
        return merge_alike(labels, embeddings)
    chosen = np.linspace(0, len(embeddings) - 1, MAX_POINTS).round().astype(int)
    sample = embeddings[chosen]
    labels = merge_alike(join_small_clusters(spectral(sample, min_speakers, max_speakers, speakers), sample), sample)
    return assign_to_voices(embeddings, sample, labels)


def spectral(embeddings: np.ndarray, min_speakers: int, max_speakers: int, speakers: int | None) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.metrics.pairwise import cosine_similarity

    affinity = cosine_similarity(embeddings, embeddings)
    size = len(affinity)
    dropped = min(int((1 - PRUNE_FRACTION) * size), size - MIN_NEIGHBOURS)
    if dropped > 0:
        lowest = np.argsort(affinity, axis=1)[:, :dropped]
        np.put_along_axis(affinity, lowest, 0.0, axis=1)
    affinity = 0.5 * (affinity + affinity.T)
    np.fill_diagonal(affinity, 0.0)
    laplacian = np.diag(np.abs(affinity).sum(axis=1)) - affinity
    values, vectors = np.linalg.eigh(laplacian)
    if speakers is None:
        gaps = np.diff(values[min_speakers - 1:max_speakers + 1])
        speakers = int(np.argmax(gaps)) + min_speakers
    return np.asarray(KMeans(n_clusters=speakers, random_state=0).fit_predict(vectors[:, :speakers]))


def join_small_clusters(labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    """Windows of clusters under `MIN_CLUSTER` go to the nearest larger cluster's mean (cosine)."""
    labels = labels.copy()
    names, sizes = np.unique(labels, return_counts=True)
    small, large = names[sizes < MIN_CLUSTER], names[sizes >= MIN_CLUSTER]
    if len(small) == 0:
        return labels
    if len(large) == 0:
        return np.zeros_like(labels)
    centres = unit_rows(np.stack([embeddings[labels == name].mean(axis=0) for name in large]))
    moving = np.isin(labels, small)
    labels[moving] = large[np.argmax(unit_rows(embeddings[moving]) @ centres.T, axis=1)]
    return labels


def merge_alike(labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    """Merge the two most alike clusters while their means are at least `MERGE_COSINE` alike."""
    labels = labels.copy()
    while True:
        names = np.unique(labels)
        if len(names) == 1:
            return labels
        centres = unit_rows(np.stack([embeddings[labels == name].mean(axis=0) for name in names]))
        affinity = np.triu(centres @ centres.T, 1)
        first, second = np.unravel_index(np.argmax(affinity), affinity.shape)
        if affinity[first, second] < MERGE_COSINE:
            return labels
        labels[labels == names[second]] = names[first]


def assign_to_voices(embeddings: np.ndarray, sample: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Every window to the nearest voice found in the sample; the voices' means are then taken from all
    windows and every window assigned once more."""
    names = np.unique(labels)
    centres = unit_rows(np.stack([sample[labels == name].mean(axis=0) for name in names]))
    rows = unit_rows(embeddings)
    assigned = np.argmax(rows @ centres.T, axis=1)
    centres = unit_rows(np.stack([embeddings[assigned == k].mean(axis=0) if np.any(assigned == k) else centres[k]
                                  for k in range(len(names))]))
    return np.asarray(names[np.argmax(rows @ centres.T, axis=1)])
