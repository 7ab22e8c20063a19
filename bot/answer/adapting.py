"""The query adapter: a linear map, learned on dev questions by `scripts/adapt.py`, that moves a
question's vector toward the sentences that answer questions like it.

The embedding model places "will i be stuck doing paperwork all day?" far from "documentation
takes part of every week": questions and answers are worded differently. A residual map
q -> unit(q + qA) (one 384 x 384 matrix, kept near zero by its training) learns how they differ
from dev questions and their answering sentences, so it applies to every question and every
article alike; stored texts are embedded as they are. No file: questions are left as embedded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.ingest.embedding import Vectors


class QueryAdapter:
    """q -> unit(q + q @ A); the identity without a matrix."""

    def __init__(self, matrix: Vectors | None = None) -> None:
        self.matrix = None if matrix is None else np.asarray(matrix, dtype=np.float32)

    @classmethod
    def load(cls, path: Path) -> QueryAdapter:
        """The adapter saved at `path` (a square .npy matrix), or the identity when it is absent."""
        if not path.is_file():
            return cls()
        try:
            matrix = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise ValueError(f"{path}: not a readable query adapter ({error})") from error
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"{path}: a query adapter is a square matrix, not {matrix.shape}")
        return cls(matrix)

    def __call__(self, vectors: Vectors) -> Vectors:
        if self.matrix is None:
            return vectors
        if vectors.shape[-1] != len(self.matrix):
            raise ValueError(
                f"the query adapter maps {len(self.matrix)}-dimensional vectors, not "
                f"{vectors.shape[-1]}: train it again for this embedding model (scripts/adapt.py)"
            )
        moved = vectors + vectors @ self.matrix
        return (moved / np.maximum(np.linalg.norm(moved, axis=-1, keepdims=True), 1e-9)).astype(
            np.float32
        )
