"""Incremental ingestion with the real model and a real Chroma in tmp_path."""

from pathlib import Path

import pytest

from bot.bot import Bot
from bot.index import ChromaIndex
from bot.ingest import ingest, read_manifest
from bot.settings import Settings
from tests.conftest import SEED_SCHOOL_VS_CLINIC, SEED_SCHOOLS


@pytest.fixture
def index(settings: Settings, embedder) -> ChromaIndex:
    return ChromaIndex(settings.index_dir, embedder)


def run(corpus: Path, index: ChromaIndex, embedder):
    return ingest(corpus, index, embedder, show_progress=False)


def chunk_ids_by_source(index: ChromaIndex) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for chunk_id, meta in index.stored_metadata().items():
        result.setdefault(meta["source"], set()).add(chunk_id)
    return result


def test_first_run_adds_everything_and_second_run_embeds_nothing(corpus, index, embedder):
    first = run(corpus, index, embedder)
    assert first.articles == 2 and first.chunks > 10
    assert first.added == first.chunks and first.removed == 0 and first.errors == []
    assert index.count() == first.chunks

    second = run(corpus, index, embedder)
    assert (second.added, second.updated, second.removed) == (0, 0, 0)
    assert second.unchanged == first.chunks
    assert index.count() == first.chunks


def test_sentence_vectors_stored_for_every_sentence(corpus, index, embedder):
    run(corpus, index, embedder)
    chunks = index.load_chunks()
    stored = index.load_sentence_vectors()
    assert set(stored.chunk_ids) == {c.id for c in chunks}
    for chunk in chunks:
        start, end = stored.offsets[chunk.id]
        assert end - start == len(chunk.sentences)
    assert stored.vectors.shape[1] == 384


def test_changed_article_replaces_exactly_its_old_chunks(corpus, index, embedder):
    run(corpus, index, embedder)
    before = chunk_ids_by_source(index)
    path = corpus / SEED_SCHOOLS
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("OT stands for occupational therapy.", "OT means occupational therapy."),
        encoding="utf-8",
    )

    report = run(corpus, index, embedder)
    after = chunk_ids_by_source(index)
    assert report.added == 1 and report.removed == 1
    assert after[SEED_SCHOOL_VS_CLINIC] == before[SEED_SCHOOL_VS_CLINIC]
    assert len(after[SEED_SCHOOLS] - before[SEED_SCHOOLS]) == 1
    texts = " ".join(c.text for c in index.load_chunks())
    assert "OT means occupational therapy." in texts
    assert "OT stands for occupational therapy." not in texts


def test_deleted_article_chunks_are_removed(corpus, index, embedder):
    first = run(corpus, index, embedder)
    (corpus / SEED_SCHOOLS).unlink()
    (corpus / "001_b929a526930e0778.meta.yaml").unlink()
    report = run(corpus, index, embedder)
    assert report.articles == 1 and report.added == 0
    assert report.removed == first.chunks - report.chunks
    assert set(chunk_ids_by_source(index)) == {SEED_SCHOOL_VS_CLINIC}
    assert [a["source"] for a in read_manifest(index.index_dir)["articles"]] == [
        SEED_SCHOOL_VS_CLINIC
    ]


def test_metadata_change_updates_without_re_embedding(corpus, index, embedder):
    first = run(corpus, index, embedder)
    sidecar = corpus / "001_b929a526930e0778.meta.yaml"
    sidecar.write_text(sidecar.read_text() + "url: https://example.org/ot-in-schools\n")
    report = run(corpus, index, embedder)
    assert report.added == 0 and report.removed == 0 and report.updated > 0
    assert report.updated + report.unchanged == first.chunks
    urls = {c.url for c in index.load_chunks() if c.source == SEED_SCHOOLS}
    assert urls == {"https://example.org/ot-in-schools"}


def test_bad_files_are_reported_and_the_rest_indexed(corpus, index, embedder):
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04 zip")
    (corpus / "empty.txt").write_text("")
    report = run(corpus, index, embedder)
    assert report.articles == 2 and report.chunks > 10
    assert sorted(report.errors) == [
        "empty.txt: empty file",
        "notes.docx: unsupported file type '.docx' (expected .htm, .html, .markdown, .md, .txt)",
    ]


def test_breaking_an_indexed_article_keeps_its_stored_chunks(corpus, index, embedder):
    run(corpus, index, embedder)
    before = chunk_ids_by_source(index)
    (corpus / SEED_SCHOOLS).write_bytes("Caf\xe9".encode("latin-1"))
    report = run(corpus, index, embedder)
    assert report.removed == 0
    assert report.errors and report.errors[0].startswith(f"{SEED_SCHOOLS}: not UTF-8 text")
    assert chunk_ids_by_source(index) == before
    manifest = read_manifest(index.index_dir)
    assert SEED_SCHOOLS in [a["source"] for a in manifest["articles"]]


def test_bot_lists_articles_with_counts_and_gaps(settings, embedder):
    bot = Bot(settings, embedder)
    bot.ingest(show_progress=False)
    articles = {a["source"]: a for a in bot.articles()}
    assert articles[SEED_SCHOOL_VS_CLINIC]["publisher"] == "Aequor"
    assert articles[SEED_SCHOOL_VS_CLINIC]["date"] == "2025-09-16"
    assert articles[SEED_SCHOOLS]["chunks"] > 3
    kinds = {g["kind"] for g in articles[SEED_SCHOOLS]["gaps"]}
    assert {"missing_list", "no_date"} <= kinds
