"""Bring the index in line with the corpus folder: embed what is new, drop what is gone.

Chunk ids are content hashes, so an unchanged corpus embeds nothing; a changed article replaces
exactly its old chunks; a deleted article's chunks are removed. A file that fails to read keeps its
previously stored chunks: bad input never loses what is already indexed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.ingest.chunking import sentence_embedding_text, split
from bot.ingest.embedding import Embedder, Vectors
from bot.ingest.index import ChromaIndex, chunk_metadata
from bot.ingest.loading import ArticleError, load_corpus
from bot.ingest.tagging import PRACTICE_SETTINGS
from bot.models import Article, Chunk

MANIFEST = "articles.json"
# Texts (chunks and sentences of whole articles) embedded in one length-sorted pass: enough that
# batches of similar length form, few enough that an interrupted run loses seconds of work.
EMBED_RUN_TEXTS = 512


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
    gone: list[str] = field(default_factory=list)  # articles removed: their file is no longer there

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


def wait_for_writer(index_dir: Path, waiting: Callable[[], None]) -> None:
    """Return once no ingest is writing to `index_dir`, calling `waiting` first if one is: an
    answer read from a half-written index would miss the articles not stored yet."""
    lock = index_dir / ".lock"
    if not lock.is_file():
        return
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_SH)
        fcntl.flock(handle, fcntl.LOCK_UN)


def _embed(embedder: Embedder, texts: list[str], batch: int, progress: Any | None) -> Vectors:
    """The texts' vectors in their order, embedded in batches of similar length (longest first,
    as sentence-transformers orders one call), so that a batch pads little."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    out: Vectors | None = None
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        vectors = embedder.embed([texts[i] for i in rows])
        if out is None:
            out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        out[rows] = vectors
        if progress is not None:
            progress.update(len(rows))
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def _groups(by_article: dict[str, list[Chunk]], texts: int) -> Iterator[list[list[Chunk]]]:
    """Articles in runs of about `texts` texts to embed (chunks and sentences), each run embedded
    in one sorted pass; every article is still stored whole, one at a time."""
    run: list[list[Chunk]] = []
    size = 0
    for chunks in by_article.values():
        run.append(chunks)
        size += sum(1 + len(c.sentences) for c in chunks)
        if size >= texts:
            yield run
            run, size = [], 0
    if run:
        yield run


def _progress(total: int, show: bool) -> Any | None:
    """A progress bar on a terminal; elsewhere (a log, a pipe) one line saying the work has
    begun, so that a first ingest of a minute or more does not look hung."""
    if not show or total == 0:
        return None
    if not sys.stderr.isatty():
        print(f"otbot: embedding {total} texts (chunks and their sentences)...", file=sys.stderr)
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="embedding", unit="text", file=sys.stderr)


def pipeline_fingerprint(max_words: int) -> str:
    """A digest of what turns a file into chunks: the reading, cleaning, tagging and chunking
    code, the practice-setting words and the chunk size. A change to any reads every file again."""
    digest = hashlib.sha256(f"max_words={max_words}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")) + [PRACTICE_SETTINGS]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _article_record(article: Article, chunk_ids: list[str], fingerprint: str) -> dict[str, Any]:
    return {
        "source": article.source,
        "title": article.title,
        "publisher": article.publisher,
        "date": article.date,
        "url": article.url,
        "tags": list(article.tags),
        "chunks": len(chunk_ids),
        "chunk_ids": chunk_ids,
        "fingerprint": fingerprint,
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
        index.check()  # a damaged store is rebuilt by the caller, not patched here
        index.drop_legacy()  # sentence rows of the old layout: their chunks are embedded again
        # A file whose bytes (and sidecar) are those of the last ingest, read by the same code,
        # gives the same chunks: it is not read again when all of them are stored whole.
        before = read_manifest(index.index_dir)
        pipeline = pipeline_fingerprint(max_words)
        records: dict[str, dict[str, Any]] = {}
        if before.get("pipeline") == pipeline:  # else every file is read again
            records = {
                a["source"]: a for a in before["articles"] if isinstance(a.get("chunk_ids"), list)
            }
        stored_ids = index.chunk_ids()
        blocks = index.sentence_chunks()
        whole = {
            source: str(record.get("fingerprint"))
            for source, record in records.items()
            if all(i in stored_ids and i in blocks for i in record["chunk_ids"])
        }
        load = load_corpus(corpus_dir, whole)
        kept = {source: records[source] for source in load.skipped}
        kept_ids = {i for record in kept.values() for i in record["chunk_ids"]}
        failed = {error.source for error in load.errors}
        wanted: dict[str, Chunk] = {}
        chunk_ids: dict[str, list[str]] = {}
        for article in load.articles:
            chunks = split(article, max_words)
            chunk_ids[article.source] = [c.id for c in chunks]
            wanted.update((c.id, c) for c in chunks)
        stored = index.metadata_of(sorted(stored_ids - kept_ids))
        # A chunk counts as indexed only with its block of sentence vectors; blocks without a
        # chunk are what an interrupted run leaves. Both are repaired here.
        incomplete = [i for i in stored if i not in blocks]
        orphans = [i for i in blocks if i not in stored_ids]
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
        for run in _groups(by_article, EMBED_RUN_TEXTS):
            texts: list[str] = []
            for chunks in run:
                texts += [c.embedding_text for c in chunks]
                texts += [
                    sentence_embedding_text(c, i) for c in chunks for i in range(len(c.sentences))
                ]
            vectors = _embed(embedder, texts, batch_size, progress)
            at = 0
            for chunks in run:  # one article at a time: each is stored whole
                sentences = sum(len(c.sentences) for c in chunks)
                chunk_vectors = vectors[at : at + len(chunks)]
                sentence_vectors = vectors[at + len(chunks) : at + len(chunks) + sentences]
                index.add(chunks, chunk_vectors, sentence_vectors)
                at += len(chunks) + sentences
        if progress is not None:
            progress.close()
        index.update_metadata(to_update)
        index.delete(to_remove)
        report.repaired = len([i for i in incomplete if i in wanted]) + len(orphans)

        fresh = {
            a.source: _article_record(a, chunk_ids[a.source], load.fingerprints[a.source])
            for a in load.articles
        }
        _write_manifest(index.index_dir, kept | fresh, load.errors, before, pipeline)
        if to_add or to_update or to_remove or incomplete or orphans:
            index.bump_generation()  # processes answering from this index reload it
        report.articles = len(load.articles) + len(kept)
        report.chunks = len(wanted) + len(kept_ids)
        report.added = len(to_add)
        report.updated = len(to_update)
        report.removed = len(to_remove)
        report.unchanged = report.chunks - len(to_add) - len(to_update)
        report.errors = [str(error) for error in load.errors]
        report.gone = sorted(
            {str(stored[i].get("source")) for i in to_remove} - set(chunk_ids) - set(kept)
        )
    report.seconds = time.perf_counter() - started
    return report


def _write_manifest(
    index_dir: Path,
    records: dict[str, dict[str, Any]],
    errors: list[ArticleError],
    before: dict[str, Any],
    pipeline: str,
) -> None:
    previous = {a["source"]: a for a in before["articles"]}
    records = dict(records)
    for error in errors:  # a file that failed keeps its last good record
        if error.source in previous:
            records[error.source] = previous[error.source]
    manifest = {
        "pipeline": pipeline,
        "articles": [records[s] for s in sorted(records)],
        "errors": [{"source": e.source, "reason": e.reason} for e in errors],
    }
    path = index_dir / MANIFEST
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
