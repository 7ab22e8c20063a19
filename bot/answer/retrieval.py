"""Hybrid retrieval over the index: dense chunks + dense sentences + BM25, fused by reciprocal rank.

`Library` is what the answerer needs per chunk and per sentence (texts, BM25 statistics, and a
bounded cache of sentence vectors read from Chroma), loaded once and rebuilt after each ingest.
`HybridRetriever` is the LangChain retriever the answer chain uses.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.answer.lexical import Vocabulary, WordCounts, tokens
from bot.answer.okapi import Okapi
from bot.answer.wordcache import counts_key, load_counts, save_counts
from bot.ingest.embedding import Vectors
from bot.ingest.index import ChromaIndex, IndexDamaged
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


# Sentence vectors are read from the index for the chunks a question retrieves and kept in a
# bounded cache, so memory does not grow with the index: a small index (the shipped corpus) is
# read whole when the library loads; a large one fills the cache as questions touch it.
CACHE_ROWS = 100_000  # float32 rows kept: ~150 MB at 384 dimensions
MEAN_SAMPLE = 20_000  # rows the sentence mean is estimated from in a larger index
# From this many chunks the word counts are kept beside the index (`wordcache`): counting them
# takes about 0.9 s at 5k chunks of real sentences, 18 s at 100k; reading them back a tenth.
WORD_CACHE_CHUNKS = 5_000


@dataclass(frozen=True)
class ChunkSentences:
    """A chunk's stored sentence vectors (unit rows, in sentence order) and each row's distance
    from the corpus mean, which the centred cosine divides by."""

    vectors: Vectors
    centered_norms: Vectors


class Library:
    """Everything retrieval and answering read per chunk and per sentence."""

    def __init__(
        self,
        index: ChromaIndex,
        english: frozenset[str] = frozenset(),
        abbreviations: frozenset[str] = frozenset(),
        cache_rows: int = CACHE_ROWS,
        word_cache_chunks: int = WORD_CACHE_CHUNKS,
    ) -> None:
        self.index = index
        self.chunks: list[Chunk] = index.load_chunks()
        if index.legacy and self.chunks:
            raise IndexDamaged(
                index.index_dir, "its sentence vectors are stored in an older layout", index.remote
            )
        index.check()  # damaged vector files show only when searched: say so before answering
        self.by_id = {chunk.id: chunk for chunk in self.chunks}
        self.cache_rows = cache_rows
        self._cache: OrderedDict[str, ChunkSentences] = OrderedDict()
        self.cached_rows = 0
        self._lock = threading.Lock()
        rows = sum(len(c.sentences) for c in self.chunks)
        whole = index.sentence_vectors_of(self.chunks) if rows <= cache_rows else {}
        # Centering removes what all sentences share ("this is about OT"), so a question matches
        # what is specific to a sentence rather than the corpus's common theme. The mean is exact
        # when the index is read whole, else estimated from rows spread over the store.
        sample = (
            np.concatenate(list(whole.values())) if whole else index.sentence_sample(MEAN_SAMPLE)
        )
        self.mean: Vectors = (
            sample.mean(axis=0).astype(np.float32) if len(sample) else np.zeros(0, np.float32)
        )
        self._remember(whole)
        self.bm25 = Okapi([chunk_words(c) for c in self.chunks])
        self.vocabulary = Vocabulary(self._word_counts(word_cache_chunks), english, abbreviations)

    def _word_counts(self, cache_from: int) -> WordCounts:
        """The chunks' word counts; for an index of `cache_from` chunks or more, read from the
        file beside it when it matches them, else counted and written there for the next load."""
        key = counts_key(self.by_id) if len(self.chunks) >= cache_from else None
        counts = load_counts(self.index.index_dir, key) if key else None
        if counts is None:
            counts = WordCounts.of(self._texts())
            if key:
                save_counts(self.index.index_dir, key, counts)
        return counts

    @cached_property
    def by_source(self) -> dict[str, list[Chunk]]:
        """Each article's chunks in reading order, by its source (built on first use: only the
        web chat's suggestions read it)."""
        found: dict[str, list[Chunk]] = {}
        for chunk in sorted(self.chunks, key=lambda c: c.position):
            found.setdefault(chunk.source, []).append(chunk)
        return found

    def _texts(self) -> Iterator[str]:
        """What the articles write: their sentences, and each title and heading once (a word
        only a heading uses, "Red Flags to Watch For", is still a word the articles know)."""
        for chunk in self.chunks:
            for sentence in chunk.sentences:
                yield sentence.text
        yield from dict.fromkeys(
            part for c in self.chunks for part in (c.title, *c.section.split(" › ")) if part
        )

    def center(self, vector: Vectors) -> Vectors:
        """A question vector centred like the sentence vectors."""
        return _unit_rows((vector - self.mean)[None, :])[0]

    def sentences(self, chunks: Iterable[Chunk]) -> dict[str, ChunkSentences]:
        """The sentence vectors of these chunks, from the cache or the index. A chunk whose rows
        are not all stored (an interrupted write) is left out: nothing to score it with."""
        wanted = list(chunks)
        with self._lock:
            found = {c.id: self._cache[c.id] for c in wanted if c.id in self._cache}
            for chunk_id in found:
                self._cache.move_to_end(chunk_id)
        missing = [c for c in wanted if c.id not in found]
        if missing:
            fetched = self.index.sentence_vectors_of(missing)
            found.update(self._remember(fetched))
        return found

    def _remember(self, fetched: dict[str, Vectors]) -> dict[str, ChunkSentences]:
        made = {
            chunk_id: ChunkSentences(vectors, _centered_norms(vectors, self.mean))
            for chunk_id, vectors in fetched.items()
        }
        with self._lock:
            for chunk_id, rows in made.items():
                if chunk_id not in self._cache:
                    self._cache[chunk_id] = rows
                    self.cached_rows += len(rows.vectors)
            while self.cached_rows > self.cache_rows and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self.cached_rows -= len(dropped.vectors)
        return made

    def specific(self, rows: ChunkSentences, centered_question: Vectors) -> Vectors:
        """Centred cosines of a chunk's sentences with a centred question (`center`): one copy of
        the vectors is kept, since (v - mean) . q / |v - mean| = (v . q - mean . q) / |v - mean|."""
        dots = rows.vectors @ centered_question
        return (dots - float(self.mean @ centered_question)) / rows.centered_norms

    def best_sentences(self, chunk_ids: Iterable[str], vector: Vectors) -> dict[str, float]:
        """Each chunk's best centred sentence cosine with the question."""
        found = self.sentences(self.by_id[i] for i in chunk_ids if i in self.by_id)
        question = self.center(vector) if found else vector
        return {
            chunk_id: float(self.specific(rows, question).max())
            for chunk_id, rows in found.items()
            if len(rows.vectors)
        }


def _centered_norms(vectors: Vectors, mean: Vectors) -> Vectors:
    """|v - mean| of every row (kept apart from the rows, which are stored once, uncentred)."""
    if not len(vectors):
        return np.zeros(0, dtype=np.float32)
    return np.maximum(np.linalg.norm(vectors - mean, axis=1), 1e-9).astype(np.float32)


def _unit_rows(matrix: Vectors) -> Vectors:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-9)).astype(np.float32)


def chunk_words(chunk: Chunk) -> list[str]:
    """What BM25 and the near-duplicate check read of a chunk: its title, section and text."""
    return tokens(f"{chunk.title} {chunk.section} {chunk.text}")


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
    query_tokens = library.vocabulary.terms(question)
    bm25 = library.bm25.scores(query_tokens)
    matched = np.flatnonzero(bm25 > 0)
    top = matched[np.argsort(bm25[matched], kind="stable")[::-1][:candidates]]
    lexical = {library.chunks[i].id: float(bm25[i]) for i in top}
    # The sentence ranker reorders what meaning and words found (a search over every sentence
    # vector found nothing more: make eval's figures were the same or better without it).
    sentence_best = library.best_sentences(dict.fromkeys([*dense, *lexical]), vector)
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

    chosen: list[str] = []
    words: dict[str, list[str]] = {}
    for chunk_id in order:
        if chunk_id not in library.by_id:
            continue
        own = words[chunk_id] = chunk_words(library.by_id[chunk_id])
        if any(_jaccard(own, words[c]) > 0.8 for c in chosen):
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
