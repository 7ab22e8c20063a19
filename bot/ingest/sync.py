"""Bring the index in line with the corpus folder: embed what is new, drop what is gone.

Chunk ids are content hashes, so an unchanged corpus embeds nothing; a changed article replaces
exactly its old chunks; a deleted article's chunks are removed. A file that fails to read keeps its
previously stored chunks: bad input never loses what is already indexed.
"""

from __future__ import annotations

import fcntl
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.ingest.chunking import sentence_embedding_text, split
from bot.ingest.embedding import Embedder, Vectors
from bot.ingest.index import ChromaIndex, chunk_metadata
from bot.ingest.loading import ArticleError, load_corpus
from bot.models import Article, Chunk

MANIFEST = "articles.json"


@dataclass
class IngestReport:
    """What one ingest did. Counts of chunks, except `articles`."""

    articles: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    repaired: int = 0  # chunks found without all their sentence vectors, and orphaned sentences
    rebuilt: str = ""  # why the whole index was rebuilt from the corpus ("" when it was not)

    def summary(self) -> dict[str, Any]:
        """The `--json` object: the contract keys first, then the errors and repairs."""
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """One writer at a time per index (the CLI and the app may ingest concurrently)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _embed(embedder: Embedder, texts: list[str], batch: int, progress: Any | None) -> Vectors:
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.embed(texts[start : start + batch]))
        if progress is not None:
            progress.update(len(texts[start : start + batch]))
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def _progress(total: int, show: bool) -> Any | None:
    if not show or total == 0 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding", unit="text", file=sys.stderr)


def _article_record(article: Article, chunks: int) -> dict[str, Any]:
    return {
        "source": article.source,
        "title": article.title,
        "publisher": article.publisher,
        "date": article.date,
        "url": article.url,
        "tags": list(article.tags),
        "chunks": chunks,
        "gaps": [{"source": g.source, "kind": g.kind, "text": g.text} for g in article.gaps],
    }


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The article list written by the last ingest: {"articles": [...], "errors": [...]}."""
    path = index_dir / MANIFEST
    empty: dict[str, Any] = {"articles": [], "errors": []}
    if not path.is_file():
        return empty
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return empty  # damaged: the next ingest writes it anew from the corpus
    if not isinstance(manifest, dict) or not isinstance(manifest.get("articles"), list):
        return empty
    return manifest


def ingest(
    corpus_dir: Path,
    index: ChromaIndex,
    embedder: Embedder,
    max_words: int = 140,
    batch_size: int = 32,
    show_progress: bool = True,
) -> IngestReport:
    """Index `corpus_dir` incrementally into `index` and report what changed."""
    started = time.perf_counter()
    report = IngestReport()
    with index_lock(index.index_dir):
        load = load_corpus(corpus_dir)
        failed = {error.source for error in load.errors}
        wanted: dict[str, Chunk] = {}
        chunk_counts: dict[str, int] = {}
        for article in load.articles:
            chunks = split(article, max_words)
            chunk_counts[article.source] = len(chunks)
            wanted.update((c.id, c) for c in chunks)
        index.check()  # a damaged store is rebuilt by the caller, not patched here
        index.drop_legacy()  # sentence rows of the old layout: their chunks are embedded again
        stored = index.stored_metadata()
        # A chunk counts as indexed only with its block of sentence vectors; blocks without a
        # chunk are what an interrupted run leaves. Both are repaired here.
        blocks = index.sentence_chunks()
        incomplete = [i for i in stored if i not in blocks]
        orphans = [i for i in blocks if i not in stored]
        index.delete_sentences(orphans)
        index.delete(incomplete)  # written again below if the article still has them
        for chunk_id in incomplete:
            del stored[chunk_id]

        # A chunk whose sentences changed (the splitter or a lead-in) is embedded again: its
        # stored sentence vectors belong to the old sentences. Other changes are metadata only.
        resplit = [
            i for i, c in wanted.items()
            if i in stored and chunk_metadata(c)["sentences"] != stored[i].get("sentences")
        ]
        index.delete(resplit)
        for chunk_id in resplit:
            del stored[chunk_id]
        to_add = [c for i, c in wanted.items() if i not in stored]
        to_update = [c for i, c in wanted.items() if i in stored and chunk_metadata(c) != stored[i]]
        # Chunks of a file that failed to read stay until the file is fixed or deleted.
        to_remove = [
            i for i, meta in stored.items() if i not in wanted and meta.get("source") not in failed
        ]

        progress = _progress(
            len(to_add) + sum(len(c.sentences) for c in to_add), show_progress
        )
        by_article: dict[str, list[Chunk]] = {}
        for chunk in to_add:
            by_article.setdefault(chunk.source, []).append(chunk)
        for chunks in by_article.values():  # one article at a time: each is stored whole
            sentences = [sentence_embedding_text(c, i) for c in chunks for i in range(len(c.sentences))]
            chunk_vectors = _embed(embedder, [c.embedding_text for c in chunks], batch_size, progress)
            sentence_vectors = _embed(embedder, sentences, batch_size, progress)
            index.add(chunks, chunk_vectors, sentence_vectors)
        if progress is not None:
            progress.close()
        index.update_metadata(to_update)
        index.delete(to_remove)
        report.repaired = len([i for i in incomplete if i in wanted]) + len(orphans)

        _write_manifest(index.index_dir, load.articles, chunk_counts, load.errors)
        if to_add or to_update or to_remove or incomplete or orphans:
            index.bump_generation()  # processes answering from this index reload it
        report.articles = len(load.articles)
        report.chunks = len(wanted)
        report.added = len(to_add)
        report.updated = len(to_update)
        report.removed = len(to_remove)
        report.unchanged = len(wanted) - len(to_add) - len(to_update)
        report.errors = [str(error) for error in load.errors]
    report.seconds = time.perf_counter() - started
    return report


def _write_manifest(
    index_dir: Path,
    articles: list[Article],
    chunk_counts: dict[str, int],
    errors: list[ArticleError],
) -> None:
    previous = {a["source"]: a for a in read_manifest(index_dir)["articles"]}
    records = {a.source: _article_record(a, chunk_counts[a.source]) for a in articles}
    for error in errors:  # a file that failed keeps its last good record
        if error.source in previous:
            records[error.source] = previous[error.source]
    manifest = {
        "articles": [records[s] for s in sorted(records)],
        "errors": [{"source": e.source, "reason": e.reason} for e in errors],
    }
    path = index_dir / MANIFEST
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
