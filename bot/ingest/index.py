"""The Chroma index: a collection of chunks with their vectors, and one record per chunk holding
its sentence vectors, all embedded by us.

Sentence vectors are only ever read by chunk (the answerer scores the sentences of the chunks a
question retrieved), never searched, so they are stored as one block per chunk in a record's
metadata rather than as one searchable row each: writing a chunk's block costs about a tenth of
writing its sentences as rows with their HNSW entries, and a block is written whole or not at all.

Chroma is always handed our embedding function (its default one would try to download a model)
and one shared client `Settings` with telemetry off.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from bot.ingest.embedding import Embedder, Vectors
from bot.models import Chunk, Sentence

_GET_PAGE = 5000
_BLOCK_PAGE = 1000  # sentence blocks per read or write (~15 kB each)


class IndexDamaged(Exception):
    """The stored index cannot be read (a damaged file, a missing part, an unreachable server)."""

    def __init__(self, index_dir: Path, reason: str, remote: bool = False) -> None:
        self.index_dir = index_dir
        self.reason = reason
        self.remote = remote
        where = "the Chroma server" if remote else f"the index at {index_dir}"
        remedy = (
            "check the server, then run `otbot ingest --rebuild`"
            if remote
            else "rebuild it from the corpus with `otbot ingest --rebuild`"
        )
        super().__init__(f"{where} cannot be read ({reason}); {remedy}")


def _guarded(method: Any) -> Any:
    """Report any failure of the store under `method` as `IndexDamaged`, naming the index."""

    @functools.wraps(method)
    def wrapper(self: ChromaIndex, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except IndexDamaged:
            raise
        except Exception as error:  # noqa: BLE001 - Chroma raises many kinds; all mean the same
            raise IndexDamaged(self.index_dir, _reason(error), self.remote) from error

    return wrapper


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


# Set once this process opens a Chroma client, whose native threads make forking unsafe.
_CLIENT_OPENED = False


@cache
def chroma_settings() -> ChromaSettings:
    """The one client Settings object: Chroma refuses two clients on one path with different ones."""
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


@register_embedding_function
class OtbotEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of our embedder, so Chroma never falls back to its downloading default."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "otbot"

    def get_config(self) -> dict[str, Any]:
        return {"model_path": str(getattr(self.embedder, "model_path", self.embedder.name))}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> EmbeddingFunction[Documents]:
        from bot.ingest.embedding import SentenceTransformerEmbedder

        return OtbotEmbeddingFunction(SentenceTransformerEmbedder(config.get("model_path", "")))

    def default_space(self) -> Space:
        return "cosine"


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """What Chroma stores beside a chunk's text and vector (Chroma allows no None values)."""
    return {
        "source": chunk.source,
        "title": chunk.title,
        "publisher": chunk.publisher,
        "date": chunk.date or "",
        "url": chunk.url or "",
        "section": chunk.section,
        "setting": chunk.setting,
        "position": chunk.position,
        "sentences": json.dumps(
            [
                [s.text, s.kind, s.setting, s.label, s.row, s.announces_missing_list, s.block]
                for s in chunk.sentences
            ],
            ensure_ascii=False,
        ),
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    sentences = tuple(
        Sentence(t, k, s, label=label, row=row, announces_missing_list=orphan, block=block)
        for t, k, s, label, row, orphan, block in json.loads(str(meta["sentences"]))
    )
    return Chunk(
        id=chunk_id,
        source=str(meta["source"]),
        title=str(meta["title"]),
        publisher=str(meta["publisher"]),
        date=str(meta["date"]) or None,
        url=str(meta["url"]) or None,
        section=str(meta["section"]),
        setting=meta["setting"],
        position=int(meta["position"]),
        text=text,
        sentences=sentences,
    )


class ChromaIndex:
    """A persistent (or server) Chroma holding chunk vectors and sentence vectors."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        collection: str = "otbot",
        host: str = "",
        port: int = 8000,
    ) -> None:
        self.index_dir = index_dir
        self.remote = bool(host)
        self._open(embedder, collection, host, port)

    @_guarded
    def _open(self, embedder: Embedder, collection: str, host: str, port: int) -> None:
        global _CLIENT_OPENED
        _CLIENT_OPENED = True  # Chroma's native threads from here on: no fork (crashes_on_search)
        if host:
            # HttpClient writes the server address into the Settings it is given: never the shared one.
            self.client = chromadb.HttpClient(
                host=host, port=port, settings=ChromaSettings(anonymized_telemetry=False)
            )
        else:
            (self.index_dir / "chroma").mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(
                path=str(self.index_dir / "chroma"), settings=chroma_settings()
            )
        # Chroma's own type hints are narrower than what it accepts; it is typed loosely here.
        function: Any = OtbotEmbeddingFunction(embedder)
        configuration: Any = {"hnsw": {"space": "cosine"}}
        self.chunks: Any = self.client.get_or_create_collection(
            f"{collection}-chunks",
            embedding_function=function,
            configuration=configuration,
        )
        self.sentences: Any = self.client.get_or_create_collection(
            f"{collection}-sentence-vectors", embedding_function=function
        )
        # Sentence vectors stored one row each (before blocks): an index in that layout is read
        # as lacking them, and the next ingest embeds them again and drops the old collection.
        self.legacy_sentences = f"{collection}-sentences"
        self.legacy = self.legacy_sentences in {
            getattr(c, "name", c) for c in self.client.list_collections()
        }
        # One record whose value changes whenever an ingest changes the index, so every process
        # answering from it (one folder or one Chroma server) can tell that it must reload.
        self.meta: Any = self.client.get_or_create_collection(
            f"{collection}-meta", embedding_function=function
        )

    @_guarded
    def count(self) -> int:
        return self.chunks.count()

    @_guarded
    def generation(self) -> str:
        """Changes whenever an ingest has changed the index ("" before the first)."""
        found = self.meta.get(ids=["generation"], include=["metadatas"])
        return str(found["metadatas"][0]["value"]) if found["ids"] else ""

    @_guarded
    def bump_generation(self) -> None:
        self.meta.upsert(
            ids=["generation"],
            documents=["index generation"],
            metadatas=[{"value": uuid.uuid4().hex}],
            embeddings=[[1.0]],
        )

    @staticmethod
    def destroy(index_dir: Path) -> None:
        """Delete a local index (its Chroma files; the manifest goes with them) to rebuild it."""
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()  # drop open handles on the old files
        shutil.rmtree(index_dir / "chroma", ignore_errors=True)

    @property
    def max_batch(self) -> int:
        """The most records the client takes in one write (SQLite's variable limit bounds it)."""
        try:
            return max(1, min(int(self.client.get_max_batch_size()), 5000))
        except Exception:  # noqa: BLE001 - an old server without the call: a safe size
            return 1000

    @_guarded
    def sentence_chunks(self) -> set[str]:
        """Ids of the chunks whose sentence vectors are stored (orphans included)."""
        return set(self._get_all(self.sentences, [])["ids"])

    @_guarded
    def delete_sentences(self, chunk_ids: Iterable[str]) -> None:
        """Drop the sentence vectors of these chunks (orphans, or chunks to embed again)."""
        ids = list(chunk_ids)
        for start in range(0, len(ids), 500):
            self.sentences.delete(ids=ids[start : start + 500])

    @_guarded
    def drop_legacy(self) -> None:
        """Delete the sentence rows of the layout before blocks (their chunks get blocks anew)."""
        if self.legacy:
            self.client.delete_collection(self.legacy_sentences)
            self.legacy = False

    def _get_all(
        self, collection: Any, include: list[str], page_size: int = _GET_PAGE
    ) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"ids": []}
        for key in include:
            out[key] = []
        offset = 0
        while True:
            page = collection.get(include=include, limit=page_size, offset=offset)
            out["ids"].extend(page["ids"])
            for key in include:
                out[key].extend(page[key] if page[key] is not None else [])
            if len(page["ids"]) < page_size:
                return out
            offset += page_size

    @_guarded
    def chunk_ids(self) -> set[str]:
        """Ids of every stored chunk (no metadata read: cheap at any size)."""
        return set(self._get_all(self.chunks, [])["ids"])

    @_guarded
    def metadata_of(self, chunk_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Chunk id -> stored metadata, for these chunks (those stored)."""
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(chunk_ids), _GET_PAGE):
            page = self.chunks.get(ids=chunk_ids[start : start + _GET_PAGE], include=["metadatas"])
            out.update(zip(page["ids"], page["metadatas"], strict=True))
        return out

    @_guarded
    def stored_metadata(self) -> dict[str, dict[str, Any]]:
        """Chunk id -> stored metadata, for every chunk in the index."""
        page = self._get_all(self.chunks, ["metadatas"])
        return dict(zip(page["ids"], page["metadatas"], strict=True))

    def add(self, chunks: list[Chunk], chunk_vectors: Vectors, sentence_vectors: Vectors) -> None:
        """Store chunks with their vectors; `sentence_vectors` follow the chunks' sentences in order.

        Each chunk's sentence block is written before the chunk, and a stored chunk counts as
        indexed only with its block, so a crash part way leaves at worst blocks without a chunk,
        which the next ingest removes. Writes go in batches the client accepts.
        """
        if not chunks:
            return
        sizes = [len(chunk.sentences) for chunk in chunks]
        if sum(sizes) != len(sentence_vectors) or len(chunks) != len(chunk_vectors):
            # The caller's mistake, not damage: raised outside the store's guard.
            raise ValueError(
                f"{len(chunks)} chunks with {len(chunk_vectors)} vectors and {sum(sizes)} "
                f"sentences with {len(sentence_vectors)} vectors: refusing to store a partial article"
            )
        ends = np.cumsum(sizes)
        blocks = [
            _block(chunk, sentence_vectors[end - size : end])
            for chunk, size, end in zip(chunks, sizes, ends, strict=True)
        ]
        self._write(chunks, chunk_vectors, blocks)

    @_guarded
    def _write(
        self, chunks: list[Chunk], chunk_vectors: Vectors, blocks: list[dict[str, Any]]
    ) -> None:
        step = min(self.max_batch, _BLOCK_PAGE)
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            self.sentences.upsert(
                ids=[c.id for c in part],
                metadatas=blocks[start : start + step],
                embeddings=[[_key(c.id)] for c in part],
            )
        step = self.max_batch
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            self.chunks.upsert(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c) for c in part],
                embeddings=chunk_vectors[start : start + step],
            )

    @_guarded
    def update_metadata(self, chunks: list[Chunk]) -> None:
        for start in range(0, len(chunks), self.max_batch):
            part = chunks[start : start + self.max_batch]
            self.chunks.update(ids=[c.id for c in part], metadatas=[chunk_metadata(c) for c in part])

    @_guarded
    def delete(self, chunk_ids: Iterable[str]) -> None:
        """Drop chunks, then their sentences (a crash between leaves orphans the next ingest drops)."""
        ids = list(chunk_ids)
        for start in range(0, len(ids), 500):
            self.chunks.delete(ids=ids[start : start + 500])
        self.delete_sentences(ids)

    @_guarded
    def load_chunks(self) -> list[Chunk]:
        """Every stored chunk, in article and reading order."""
        page = self._get_all(self.chunks, ["documents", "metadatas"])
        chunks = [
            chunk_from_record(i, d, m)
            for i, d, m in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: (c.source, c.position))

    @_guarded
    def sentence_vectors_of(self, chunks: list[Chunk]) -> dict[str, Vectors]:
        """The stored sentence vectors of these chunks, one row per sentence in order. A chunk
        without a block that matches its sentences (an interrupted write) is left out."""
        sizes = {c.id: len(c.sentences) for c in chunks}
        ids = list(sizes)
        out: dict[str, Vectors] = {}
        for start in range(0, len(ids), _BLOCK_PAGE):
            page = self.sentences.get(ids=ids[start : start + _BLOCK_PAGE], include=["metadatas"])
            for chunk_id, meta in zip(page["ids"], page["metadatas"], strict=True):
                rows = _unblock(meta)
                if rows is not None and len(rows) == sizes[chunk_id]:
                    out[chunk_id] = rows
        return out

    @_guarded
    def sentence_sample(self, most: int, pages: int = 8) -> Vectors:
        """About `most` stored sentence vectors: all of them in a small index, else `pages` runs
        of blocks spread evenly over the store (enough to estimate their mean)."""
        blocks = self.sentences.count()
        per_block = 7  # a typical chunk's sentences: only decides how many blocks a run reads
        if blocks * per_block <= most:
            spans = [(0, blocks)]
        else:
            size = max(1, most // per_block // pages)
            spans = [(p * (blocks // pages), size) for p in range(pages)]
        rows: list[Vectors] = []
        for offset, limit in spans:
            for start in range(offset, offset + limit, _BLOCK_PAGE):
                take = min(_BLOCK_PAGE, offset + limit - start)
                page = self.sentences.get(include=["metadatas"], limit=take, offset=start)
                rows.extend(r for r in map(_unblock, page["metadatas"] or []) if r is not None)
        return np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    @_guarded
    def check(self) -> None:
        """Raise `IndexDamaged` unless the stored chunks can be searched (a missing or damaged
        vector segment shows only when searched, not when records are listed)."""
        one = self.chunks.get(limit=1, include=["embeddings"])
        if one["ids"]:
            self.query(np.asarray(one["embeddings"][0], dtype=np.float32), 1)

    @_guarded
    def query(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        """Nearest chunks to a unit vector: (chunk id, cosine similarity), best first."""
        count = self.count()
        if count == 0:
            return []
        result = self.chunks.query(
            query_embeddings=[vector], n_results=min(k, count), include=["distances"]
        )
        distances = result["distances"][0] if result["distances"] else []
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], distances, strict=True)]


def _block(chunk: Chunk, vectors: Vectors) -> dict[str, Any]:
    """A chunk's sentence vectors as record metadata: float32 bytes, base64 (exact)."""
    data = np.ascontiguousarray(vectors, dtype="<f4").tobytes()
    return {"source": chunk.source, "rows": len(vectors), "vectors": base64.b64encode(data).decode()}


def _unblock(meta: dict[str, Any] | None) -> Vectors | None:
    """The vectors of a stored block, or None when it cannot be read."""
    try:
        rows = int(meta["rows"])  # type: ignore[index]
        data = np.frombuffer(base64.b64decode(str(meta["vectors"])), dtype="<f4")  # type: ignore[index]
        return data.reshape(rows, -1).astype(np.float32) if rows else None
    except (KeyError, TypeError, ValueError):
        return None


def _key(chunk_id: str) -> float:
    """The one-number vector a block is stored under (blocks are read by id, never searched)."""
    return int.from_bytes(hashlib.blake2b(chunk_id.encode(), digest_size=4).digest(), "big") / 2**32


def _probe_child(index_dir: str, collection: str) -> None:
    try:
        ChromaIndex(Path(index_dir), _NoModel(), collection).check()  # type: ignore[arg-type]
    except IndexDamaged:
        os._exit(3)  # damaged in a way the parent will report itself
    os._exit(0)


class _NoModel:
    """The probe searches with a stored vector: it never embeds."""

    def embed(self, texts: list[str]) -> Vectors:
        raise RuntimeError("the probe does not embed")


def crashes_on_search(index_dir: Path, collection: str = "otbot") -> bool:
    """Does searching the local index crash the process? Garbage inside Chroma's HNSW files
    segfaults the search itself, which no exception handler sees; a child process takes the crash
    instead, so the caller can say the index is damaged and rebuild it.

    The child is forked (cheap) when this process runs one thread and has opened no Chroma client,
    as the command line does before it loads anything; otherwise (more threads, or Chroma's native
    ones, which `threading` does not count) a fork could deadlock, so a fresh interpreter runs the
    probe instead.
    """
    if not (index_dir / "chroma" / "chroma.sqlite3").is_file():
        return False
    if threading.active_count() == 1 and not _CLIENT_OPENED:
        import multiprocessing

        child = multiprocessing.get_context("fork").Process(
            target=_probe_child, args=(str(index_dir), collection)
        )
        child.start()
        child.join()
        return child.exitcode is not None and child.exitcode < 0  # killed by a signal
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from bot.ingest.index import _probe_child; "
         "_probe_child(sys.argv[1], sys.argv[2])", str(index_dir), collection],
        capture_output=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    return probe.returncode < 0
