"""Nearest-neighbour search over face embeddings: one interface, several backends.

* :class:`ExactIndex`: numpy brute force in float32 (exact; about 3 ms at 100k templates).
* :class:`HnswIndex`: an HNSW graph (usearch) with half-precision vectors, persisted to one
  file; approximate, so callers re-rank its candidates with the exact vectors.
* A database backend (pgvector's HNSW) fits the same :class:`FaceIndex` protocol; it is not
  built because pgvector is not packaged for Debian's PostgreSQL here.

Keys are ``int64`` template ids, distances Euclidean (dlib's threshold semantics, ~0.6).
Nothing here touches the database: :mod:`motcua.identity.face_search` feeds the indexes.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

DIMENSIONS = 128
Keys = npt.NDArray[np.int64]
Matrix = npt.NDArray[np.float32]


class FaceIndex(Protocol):
    kind: str

    def __len__(self) -> int: ...

    def add(self, keys: Keys, vectors: Matrix) -> None: ...

    def remove(self, keys: Keys) -> None: ...

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest keys with their Euclidean distances, nearest first."""
        ...

    def dump(self) -> bytes:
        """The index serialised (the caller encrypts it before it touches the disk)."""
        ...

    def memory_bytes(self) -> int: ...


def _as_matrix(vectors: npt.ArrayLike) -> Matrix:
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.shape[1] != DIMENSIONS:
        raise ValueError(f"vectors must have {DIMENSIONS} dimensions, not {matrix.shape[1]}")
    return matrix


class ExactIndex:
    """Brute force: ``|x - q|² = |x|² - 2 x·q + |q|²`` over a float32 matrix."""

    kind = "exact"

    def __init__(self) -> None:
        self._keys: Keys = np.empty(0, dtype=np.int64)
        self._matrix: Matrix = np.empty((0, DIMENSIONS), dtype=np.float32)
        self._norms: npt.NDArray[np.float32] = np.empty(0, dtype=np.float32)

    def __len__(self) -> int:
        return int(self._keys.shape[0])

    def add(self, keys: Keys, vectors: Matrix) -> None:
        matrix = _as_matrix(vectors)
        keys = np.asarray(keys, dtype=np.int64)
        if keys.shape[0] != matrix.shape[0]:
            raise ValueError("one key per vector")
        if keys.shape[0] == 0:
            return
        self.remove(keys)
        self._keys = np.concatenate([self._keys, keys])
        self._matrix = np.concatenate([self._matrix, matrix])
        self._norms = np.concatenate([self._norms, np.einsum("ij,ij->i", matrix, matrix)])

    def remove(self, keys: Keys) -> None:
        if len(self) == 0:
            return
        keep = ~np.isin(self._keys, np.asarray(keys, dtype=np.int64))
        if not keep.all():
            self._keys, self._matrix, self._norms = self._keys[keep], self._matrix[keep], self._norms[keep]

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        n = len(self)
        if n == 0 or k <= 0:
            return []
        query = _as_matrix(vector)[0]
        squared = self._norms - 2.0 * (self._matrix @ query) + float(query @ query)
        k = min(k, n)
        top = np.argpartition(squared, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.argsort(squared[top], kind="stable")]
        return [(int(self._keys[i]), float(np.sqrt(max(float(squared[i]), 0.0)))) for i in top]

    def dump(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, keys=self._keys, matrix=self._matrix)
        return buffer.getvalue()

    @classmethod
    def restore(cls, data: bytes) -> ExactIndex:
        index = cls()
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            index.add(arrays["keys"], arrays["matrix"])
        return index

    def memory_bytes(self) -> int:
        return int(self._keys.nbytes + self._matrix.nbytes + self._norms.nbytes)


class HnswIndex:
    """usearch HNSW over squared-L2 with f16 storage (i8 loses recall on dlib's small values).

    M = 32 and ef_construction = 200: at 1M synthetic dlib-like templates, M = 16 topped out at a
    recall@1 of 0.984 whatever the search ef; M = 32 reaches 0.998 at ef 128 (docs/identity.md)."""

    kind = "hnsw"

    def __init__(self, *, ef: int = 128, connectivity: int = 32, expansion_add: int = 200, dtype: str = "f16") -> None:
        from usearch.index import Index

        self.dtype = dtype
        self._index = Index(
            ndim=DIMENSIONS,
            metric="l2sq",
            dtype=dtype,
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=ef,
        )

    @property
    def ef(self) -> int:
        return int(self._index.expansion_search)

    @ef.setter
    def ef(self, value: int) -> None:
        self._index.expansion_search = value  # type: ignore[misc]  # usearch has a setter mypy does not see

    def __len__(self) -> int:
        return len(self._index)

    def add(self, keys: Keys, vectors: Matrix, *, threads: int = 0) -> None:
        matrix = _as_matrix(vectors)
        keys = np.asarray(keys, dtype=np.uint64)
        if keys.shape[0] == 0:
            return
        present = np.array([key in self._index for key in keys.tolist()], dtype=bool) if len(self) else None
        if present is not None and present.any():
            self.remove(keys[present].astype(np.int64))
        self._index.add(keys, matrix, threads=threads)

    def remove(self, keys: Keys) -> None:
        for key in np.asarray(keys, dtype=np.int64).tolist():
            if key in self._index:
                self._index.remove(key)

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        if len(self) == 0 or k <= 0:
            return []
        matches = self._index.search(_as_matrix(vector)[0], min(k, len(self)))
        return [(int(key), float(np.sqrt(max(float(d), 0.0)))) for key, d in zip(matches.keys, matches.distances, strict=True)]

    def search_many(self, vectors: Matrix, k: int, *, threads: int = 0) -> tuple[Keys, npt.NDArray[np.float32]]:
        matches = self._index.search(_as_matrix(vectors), k, threads=threads)
        return np.asarray(matches.keys, dtype=np.int64), np.sqrt(np.maximum(np.asarray(matches.distances), 0.0))

    def dump(self) -> bytes:
        data = self._index.save()
        assert data is not None  # save() without a path returns the bytes
        return bytes(data)

    @classmethod
    def restore(cls, data: bytes, *, ef: int, dtype: str = "f16") -> HnswIndex:
        index = cls(ef=ef, dtype=dtype)
        index._index.load(bytearray(data))
        index.ef = ef
        return index

    def save(self, path: Path) -> None:
        """Plain file (benchmarks with synthetic vectors); real templates go through ``dump``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        self._index.save(str(tmp))
        tmp.replace(path)
        path.with_suffix(".json").write_text(json.dumps({"dtype": self.dtype, "ef": self.ef}), encoding="utf-8")

    @classmethod
    def load(cls, path: Path, *, ef: int | None = None) -> HnswIndex:
        settings_file = path.with_suffix(".json")
        stored = json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.is_file() else {}
        index = cls(ef=ef or int(stored.get("ef", 128)), dtype=str(stored.get("dtype", "f16")))
        index._index.load(str(path))
        if ef:
            index.ef = ef
        return index

    def memory_bytes(self) -> int:
        return int(self._index.memory_usage)


def index_for_size(size: int, *, exact_max: int, ef: int) -> FaceIndex:
    """Exact search for small sets, HNSW above ``exact_max`` templates."""
    if size <= exact_max:
        return ExactIndex()
    return HnswIndex(ef=ef)


def index_restore(kind: str, data: bytes, *, ef: int) -> FaceIndex:
    if kind == ExactIndex.kind:
        return ExactIndex.restore(data)
    return HnswIndex.restore(data, ef=ef)
