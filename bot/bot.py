"""The `Bot`: the one object the CLI and the app talk to, and `build_bot`, where it is wired."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from bot.embedding import Embedder, SentenceTransformerEmbedder
from bot.index import ChromaIndex
from bot.ingest import IngestReport, ingest, read_manifest
from bot.settings import Settings


class Bot:
    """Indexes the corpus and answers from it. Parts are passed in by `build_bot`."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder

    @cached_property
    def index(self) -> ChromaIndex:
        return ChromaIndex(
            self.settings.index_dir,
            self.embedder,
            collection=self.settings.collection,
            host=self.settings.chroma_host,
            port=self.settings.chroma_port,
        )

    def ingest(self, corpus_dir: Path | None = None, show_progress: bool = True) -> IngestReport:
        """Bring the index in line with the corpus folder (incremental, idempotent)."""
        return ingest(
            corpus_dir or self.settings.corpus_dir,
            self.index,
            self.embedder,
            max_words=self.settings.chunk_max_words,
            batch_size=self.settings.embed_batch_size,
            show_progress=show_progress,
        )

    def articles(self) -> list[dict[str, Any]]:
        """The indexed articles: title, publisher, date, chunk count and structural gaps."""
        return list(read_manifest(self.settings.index_dir)["articles"])


def build_bot(settings: Settings) -> Bot:
    """The composition root: every part of the bot is created here and nowhere else."""
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size)
    return Bot(settings, embedder)
