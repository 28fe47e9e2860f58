from __future__ import annotations

import numpy as np

from motcua.identity.vector_index import ExactIndex, HnswIndex, index_for_size, index_restore


def _vectors(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 0.1, (1, 128)) + rng.normal(0, 0.05, (n, 128))).astype(np.float32)


def test_exact_index_returns_nearest_first_with_euclidean_distances() -> None:
    vectors = _vectors(50)
    index = ExactIndex()
    index.add(np.arange(100, 150), vectors)

    found = index.search(vectors[7] + 0.001, 3)

    assert found[0][0] == 107
    assert abs(found[0][1] - float(np.linalg.norm(np.full(128, 0.001)))) < 1e-4
    assert [d for _k, d in found] == sorted(d for _k, d in found)


def test_exact_index_remove_and_readd_replaces_a_key() -> None:
    vectors = _vectors(5)
    index = ExactIndex()
    index.add(np.arange(5), vectors)

    index.remove(np.array([2]))
    index.add(np.array([3]), vectors[2:3])

    assert len(index) == 4
    assert index.search(vectors[2], 1)[0][0] == 3


def test_hnsw_agrees_with_exact_search_on_recaptures() -> None:
    vectors = _vectors(3000)
    exact, hnsw = ExactIndex(), HnswIndex(ef=64)
    exact.add(np.arange(3000), vectors)
    hnsw.add(np.arange(3000), vectors)
    queries = vectors[:200] + np.random.default_rng(9).normal(0, 0.01, (200, 128)).astype(np.float32)

    agree = sum(hnsw.search(q, 1)[0][0] == exact.search(q, 1)[0][0] for q in queries)

    assert agree >= 198


def test_both_indexes_survive_dump_and_restore() -> None:
    vectors = _vectors(300)
    for index in (ExactIndex(), HnswIndex(ef=32)):
        index.add(np.arange(300), vectors)

        restored = index_restore(index.kind, index.dump(), ef=32)

        assert (len(restored), restored.search(vectors[42], 1)[0][0]) == (300, 42)


def test_factory_picks_exact_below_the_configured_size() -> None:
    assert (index_for_size(10, exact_max=10, ef=16).kind, index_for_size(11, exact_max=10, ef=16).kind) == ("exact", "hnsw")


def test_empty_index_finds_nothing() -> None:
    assert ExactIndex().search(np.zeros(128, dtype=np.float32), 5) == []
    assert HnswIndex().search(np.zeros(128, dtype=np.float32), 5) == []
