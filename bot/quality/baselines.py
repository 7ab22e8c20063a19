"""The two systems otbot is measured against, built from the same libraries and model.

- `langchain-plain`: the plain LangChain recipe: raw article files, RecursiveCharacterTextSplitter
  (1000/200), Chroma similarity search k=4, the same embedding model.
- `bm25`: BM25 alone over the same chunks.

The recipe's last step is a generative model, which cannot run here; both baselines answer with
their best chunk, cited as [1], and never refuse. That is what they can honestly be scored on.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rank_bm25 import BM25Okapi

from bot.ingest.embedding import Embedder, LangChainEmbeddings
from bot.ingest.loading import FORMATS, discover

BASELINE_K = 4
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Retrieved:
    """A baseline chunk: its text and the file it came from."""

    text: str
    source: str


@dataclass(frozen=True)
class BaselineAnswer:
    question: str
    answer: str
    retrieved: list[Retrieved]
    milliseconds: float


def plain_chunks(corpus_dir: Path) -> list[Retrieved]:
    """The recipe's chunks: each readable file's raw text, split 1000/200."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = []
    for path in discover(corpus_dir):
        if path.suffix.lower() not in FORMATS:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        source = path.relative_to(corpus_dir).as_posix()
        chunks += [Retrieved(piece, source) for piece in splitter.split_text(text) if piece.strip()]
    return chunks


class PlainLangChain:
    """Chroma similarity search over the recipe's chunks (an in-memory Chroma)."""

    name = "langchain-plain"

    def __init__(self, corpus_dir: Path, embedder: Embedder) -> None:
        import chromadb
        from langchain_chroma import Chroma

        from bot.ingest.index import chroma_settings

        self.chunks = plain_chunks(corpus_dir)
        self._directory = tempfile.TemporaryDirectory(prefix="otbot-baseline-")
        client = chromadb.PersistentClient(path=self._directory.name, settings=chroma_settings())
        self.store = Chroma(
            client=client,
            collection_name="baseline",
            embedding_function=LangChainEmbeddings(embedder),  # type: ignore[arg-type]
            collection_metadata={"hnsw:space": "cosine"},
        )
        if self.chunks:
            self.store.add_texts(
                [c.text for c in self.chunks], metadatas=[{"source": c.source} for c in self.chunks]
            )

    def answer(self, question: str) -> BaselineAnswer:
        started = time.perf_counter()
        documents = self.store.similarity_search(question, k=BASELINE_K) if self.chunks else []
        retrieved = [Retrieved(d.page_content, str(d.metadata["source"])) for d in documents]
        return _answer(question, retrieved, started)

    def close(self) -> None:
        self._directory.cleanup()


class Bm25Only:
    """BM25 over the recipe's chunks, lower-cased words, no model at all."""

    name = "bm25"

    def __init__(self, corpus_dir: Path) -> None:
        self.chunks = plain_chunks(corpus_dir)
        self.bm25 = (
            BM25Okapi([_WORD.findall(c.text.lower()) for c in self.chunks]) if self.chunks else None
        )

    def answer(self, question: str) -> BaselineAnswer:
        started = time.perf_counter()
        retrieved: list[Retrieved] = []
        if self.bm25 is not None:
            scores = self.bm25.get_scores(_WORD.findall(question.lower()))
            order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)[:BASELINE_K]
            retrieved = [self.chunks[i] for i in order]
        return _answer(question, retrieved, started)

    def close(self) -> None:
        pass


def _answer(question: str, retrieved: list[Retrieved], started: float) -> BaselineAnswer:
    text = f"{retrieved[0].text} [1]" if retrieved else ""
    return BaselineAnswer(question, text, retrieved, (time.perf_counter() - started) * 1000)
