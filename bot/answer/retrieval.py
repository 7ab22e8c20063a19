"""Hybrid retrieval over the index: dense chunks + dense sentences + BM25, fused by reciprocal rank.

`Library` is an in-memory snapshot of what the answerer needs per chunk and per sentence (texts,
sentence vectors, BM25 statistics), loaded once from Chroma and rebuilt after each ingest.
`HybridRetriever` is the LangChain retriever the answer chain uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict
from rank_bm25 import BM25Okapi

from bot.answer.lexical import Vocabulary, tokens
from bot.ingest.embedding import Vectors
from bot.ingest.index import ChromaIndex
from bot.ingest.tagging import SIDES, is_comparison
from bot.models import Chunk, Setting

RRF_K = 60
@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the evidence for it: fused score and each ranker's own score."""

    chunk: Chunk
    score: float  # reciprocal-rank fusion of the rankers
    dense: float  # cosine similarity of the question and the chunk
    sentence: float  # best cosine similarity of the question and one of the chunk's sentences
    lexical: float  # BM25 score


class Library:
    """Everything retrieval and answering read per chunk and per sentence, held in memory."""

    def __init__(self, index: ChromaIndex, english: frozenset[str] = frozenset()) -> None:
        self.index = index
        self.chunks: list[Chunk] = index.load_chunks()
        self.by_id = {chunk.id: chunk for chunk in self.chunks}
        stored = index.load_sentence_vectors()
        self.sentence_vectors: Vectors = stored.vectors
        # Centering removes what all sentences share ("this is about OT"), so a question matches
        # what is specific to a sentence rather than the corpus's common theme.
        self.mean: Vectors = (
            stored.vectors.mean(axis=0) if len(stored.vectors) else np.zeros(0, dtype=np.float32)
        )
        # One copy of the vectors: a centred cosine is (v . q - mean . q) / |v - mean| for a
        # centred unit question q, so only each row's centred length is kept beside them.
        self.centered_norms: Vectors = _centered_norms(stored.vectors, self.mean)
        self.sentence_rows: dict[str, tuple[int, int]] = stored.offsets
        self._row_chunk = np.empty(len(stored.vectors), dtype=object)
        for chunk_id, (start, end) in stored.offsets.items():
            self._row_chunk[start:end] = chunk_id
        self.chunk_tokens = [tokens(f"{c.title} {c.section} {c.text}") for c in self.chunks]
        self.bm25 = BM25Okapi(self.chunk_tokens) if self.chunks else None
        self.vocabulary = Vocabulary(
            (s.text for c in self.chunks for s in c.sentences), english=english
        )

    def center(self, vector: Vectors) -> Vectors:
        """A question vector centred like the sentence vectors."""
        return _unit_rows((vector - self.mean)[None, :])[0]

    def sentence_scores(self, vector: Vectors) -> Vectors:
        """Centred cosine similarity of the question with every stored sentence."""
        if not len(self.sentence_vectors):
            return np.zeros(0, dtype=np.float32)
        question = self.center(vector)
        return (self.sentence_vectors @ question - float(self.mean @ question)) / self.centered_norms

    def specific(self, rows: slice, centered_question: Vectors) -> Vectors:
        """Centred cosines of the stored sentences in `rows` with a centred question (`center`)."""
        dots = self.sentence_vectors[rows] @ centered_question
        return (dots - float(self.mean @ centered_question)) / self.centered_norms[rows]

    def best_sentence_per_chunk(self, scores: Vectors) -> dict[str, float]:
        best: dict[str, float] = {}
        for chunk_id, (start, end) in self.sentence_rows.items():
            if end > start:
                best[chunk_id] = float(scores[start:end].max())
        return best


def _centered_norms(vectors: Vectors, mean: Vectors, rows: int = 8192) -> Vectors:
    """|v - mean| of every row, a block at a time (no second full-size matrix)."""
    norms = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), rows):
        norms[start : start + rows] = np.linalg.norm(vectors[start : start + rows] - mean, axis=1)
    return np.maximum(norms, 1e-9)


def _unit_rows(matrix: Vectors) -> Vectors:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-9)).astype(np.float32)


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    ordered = sorted(scores, key=lambda i: scores[i], reverse=True)
    return {chunk_id: rank for rank, chunk_id in enumerate(ordered)}


def _jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 0.0


def search(
    library: Library, question: str, vector: Vectors, k: int = 6, candidates: int = 20
) -> list[Hit]:
    """The `k` best chunks for a question: fused, de-duplicated, both settings for comparisons."""
    if not library.chunks:
        return []
    dense = dict(library.index.query(vector, candidates))
    sentence_best = library.best_sentence_per_chunk(library.sentence_scores(vector))
    query_tokens = library.vocabulary.terms(question)
    lexical: dict[str, float] = {}
    if library.bm25 is not None and query_tokens:
        bm25 = library.bm25.get_scores(query_tokens)
        top = np.argsort(bm25)[::-1][:candidates]
        lexical = {library.chunks[i].id: float(bm25[i]) for i in top if bm25[i] > 0}
    top_sentences = dict(
        sorted(sentence_best.items(), key=lambda kv: kv[1], reverse=True)[:candidates]
    )

    fused: dict[str, float] = {}
    for ranking in (_ranks(dense), _ranks(top_sentences), _ranks(lexical)):
        for chunk_id, rank in ranking.items():
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    order = sorted(fused, key=lambda i: fused[i], reverse=True)

    def hit(chunk_id: str) -> Hit:
        return Hit(
            chunk=library.by_id[chunk_id],
            score=fused[chunk_id],
            dense=dense.get(chunk_id, 0.0),
            sentence=sentence_best.get(chunk_id, 0.0),
            lexical=lexical.get(chunk_id, 0.0),
        )

    position = {c.id: i for i, c in enumerate(library.chunks)}
    chosen: list[str] = []
    for chunk_id in order:
        if chunk_id not in library.by_id:
            continue
        own = library.chunk_tokens[position[chunk_id]]
        if any(_jaccard(own, library.chunk_tokens[position[c]]) > 0.8 for c in chosen):
            continue  # a near-duplicate of a chunk already chosen
        chosen.append(chunk_id)
        if len(chosen) == k:
            break
    if is_comparison(question):
        chosen = _cover_both_settings(library, order, chosen, k)
    return [hit(chunk_id) for chunk_id in chosen]


def _cover_both_settings(
    library: Library, order: list[str], chosen: list[str], k: int
) -> list[str]:
    """Make sure a comparison sees evidence about schools and about clinics."""
    result = list(chosen)
    for side in SIDES:
        wanted: set[Setting] = {side, "both"}
        if any(library.by_id[c].setting in wanted for c in result):
            continue
        extra = next(
            (c for c in order if c not in result and library.by_id[c].setting in wanted), None
        )
        if extra is not None:
            result = result[: k - 1] + [extra] if len(result) >= k else result + [extra]
    return result


class HybridRetriever(BaseRetriever):
    """LangChain retriever over the Chroma index with BM25 and sentence-level fusion."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    library: Any
    embed_query: Any  # callable: str -> Vectors (cached)
    k: int = 6

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = search(self.library, query, self.embed_query(query), self.k)
        return [
            Document(
                page_content=h.chunk.text,
                id=h.chunk.id,
                metadata={
                    "hit": h,
                    "title": h.chunk.title,
                    "section": h.chunk.section,
                    "source": h.chunk.source,
                },
            )
            for h in hits
        ]
