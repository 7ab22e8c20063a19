"""Incremental ingestion with the real model and a real Chroma in tmp_path."""

from pathlib import Path

import pytest

from bot.ingest.index import ChromaIndex
from bot.ingest.sync import ingest, read_manifest
from bot.quality.synthetic import write_articles
from bot.service import Bot
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
    stored = index.sentence_vectors_of(chunks)
    assert set(stored) == {c.id for c in chunks}
    for chunk in chunks:
        assert stored[chunk.id].shape == (len(chunk.sentences), 384)


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
    assert report.gone == [SEED_SCHOOLS]  # named, for the CLI to say which article went
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


def _consistent(index_dir: Path, corpus: Path, embedder) -> None:
    """Chunks, sentence vectors and the manifest agree: no chunk without all its sentences, no
    sentence without its chunk, every article in the manifest with its stored chunks."""
    import json

    index = ChromaIndex(index_dir, embedder)
    stored = index.stored_metadata()
    vectors = index.sentence_vectors_of(index.load_chunks())
    for chunk_id, meta in stored.items():
        assert len(vectors[chunk_id]) == len(json.loads(meta["sentences"])), chunk_id
    assert index.sentence_chunks() <= set(stored), "orphan sentence vectors"
    manifest = {a["source"]: a["chunks"] for a in read_manifest(index_dir)["articles"]}
    from bot.ingest.loading import discover

    assert set(manifest) == {p.name for p in discover(corpus)}
    by_source = chunk_ids_by_source(index)
    assert {s: len(ids) for s, ids in by_source.items()} == manifest


@pytest.mark.slow
def test_killed_ingest_leaves_a_consistent_index_that_the_next_run_completes(
    tmp_path: Path, embedder
):
    """kill -9 a real `otbot ingest` at several points; each resume must leave everything whole."""
    import fcntl
    import json
    import os
    import pty
    import re
    import signal
    import struct
    import subprocess
    import sys
    import termios

    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    write_articles(corpus, 24, words=330)
    command = [sys.executable, "-m", "bot", "ingest", "--json",
               "--corpus", str(corpus), "--index", str(index_dir)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    interrupted = 0
    # Killed when its progress bar (drawn on a terminal: stderr is a pseudo-terminal here, and
    # no --json) has passed a share of what that run embeds: the same points on a fast or a
    # loaded machine.
    for share in (0.3, 0.5, 0.7):
        terminal, child_end = pty.openpty()
        # A terminal of 0 columns gets an empty bar: give it a size.
        fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        process = subprocess.Popen(
            command[:4] + command[5:], env=env, stdout=subprocess.DEVNULL, stderr=child_end
        )
        os.close(child_end)
        seen = b""
        while process.poll() is None:
            try:
                seen = (seen + os.read(terminal, 4096))[-400:]
            except OSError:  # the child closed the terminal
                break
            done = re.findall(rb"(\d+)/(\d+)", seen)
            if done and int(done[-1][0]) >= share * int(done[-1][1]) > 0:
                process.send_signal(signal.SIGKILL)
                interrupted += 1
                break
        process.wait(timeout=60)
        os.close(terminal)
    assert interrupted >= 2, "the ingests finished before they could be killed: a larger corpus"

    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["unchanged"] > 0, "no killed run got as far as storing an article"
    _consistent(index_dir, corpus, embedder)
    again = json.loads(
        subprocess.run(command, env=env, capture_output=True, text=True, timeout=600).stdout
    )
    assert again["added"] == 0 and again["repaired"] == 0


def test_chunks_left_without_their_sentence_vectors_are_repaired(corpus, index, embedder):
    """What a crash between the two writes left behind before: stored chunks, missing sentences."""
    first = run(corpus, index, embedder)
    damaged = sorted(index.stored_metadata())[:3]
    index.delete_sentences(damaged)
    index.sentences.upsert(  # and a block whose chunk was never written
        ids=["ghost"], metadatas=[{"source": "g", "rows": 1, "vectors": ""}], embeddings=[[0.5]]
    )

    report = run(corpus, index, embedder)

    assert report.repaired == 4 and report.added == 3
    assert report.unchanged == first.chunks - 3
    _consistent(index.index_dir, corpus, embedder)


def test_a_chunk_whose_sentences_changed_is_embedded_again(corpus, index, embedder):
    """Stored sentence vectors belong to the sentences they were made from: a new split of the
    same chunk (a changed splitter) re-embeds it rather than keeping vectors of other sentences."""
    import json

    run(corpus, index, embedder)
    chunk = next(c for c in index.load_chunks() if len(c.sentences) > 1)
    meta = index.stored_metadata()[chunk.id]
    merged = json.loads(meta["sentences"])
    merged[:2] = [[merged[0][0] + " " + merged[1][0], *merged[0][1:]]]
    index.chunks.update(ids=[chunk.id], metadatas=[{**meta, "sentences": json.dumps(merged)}])
    # as a changed splitter leaves it: the manifest names another pipeline, so files are read
    manifest = index.index_dir / "articles.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "pipeline": "older"}))

    report = run(corpus, index, embedder)

    assert report.added == 1
    stored = index.sentence_vectors_of([chunk])[chunk.id]
    assert len(stored) == len(chunk.sentences)
    _consistent(index.index_dir, corpus, embedder)


def test_an_index_in_the_old_sentence_layout_is_reported_then_embedded_again(
    corpus, index, embedder
):
    """Before blocks, sentence vectors were rows of an `-sentences` collection."""
    from bot.answer.retrieval import Library
    from bot.ingest.index import IndexDamaged

    first = run(corpus, index, embedder)
    index.delete_sentences(index.sentence_chunks())
    index.client.get_or_create_collection("otbot-sentences", embedding_function=None)
    old = ChromaIndex(index.index_dir, embedder)
    assert old.legacy
    with pytest.raises(IndexDamaged, match="older layout"):
        Library(old)

    report = run(corpus, old, embedder)

    assert report.repaired == first.chunks and not old.legacy
    reopened = ChromaIndex(index.index_dir, embedder)
    assert not reopened.legacy
    assert Library(reopened).cached_rows == sum(len(c.sentences) for c in reopened.load_chunks())
    _consistent(index.index_dir, corpus, embedder)


# Unchanged files are not read again


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The sources the ingest reads (parses), in order."""
    import bot.ingest.loading as loading

    seen: list[str] = []
    original = loading.read_article

    def counting(path: Path, corpus_dir: Path):
        seen.append(path.relative_to(corpus_dir).as_posix())
        return original(path, corpus_dir)

    monkeypatch.setattr(loading, "read_article", counting)
    return seen


def test_an_unchanged_corpus_is_not_read_again(corpus, index, embedder, reads):
    first = run(corpus, index, embedder)
    assert len(reads) == first.articles
    reads.clear()
    again = run(corpus, index, embedder)
    assert reads == []
    assert (again.articles, again.chunks, again.unchanged) == (first.articles, first.chunks, first.chunks)
    assert again.added == again.updated == again.removed == 0
    manifest = read_manifest(index.index_dir)
    assert [a["chunks"] for a in manifest["articles"]] == [
        len(ids) for ids in chunk_ids_by_source(index).values()
    ]


def test_a_changed_file_or_sidecar_is_read_again_and_only_it(corpus, index, embedder, reads):
    run(corpus, index, embedder)
    files = sorted(p for p in corpus.iterdir() if not p.name.endswith(".meta.yaml"))
    reads.clear()
    files[0].write_text(files[0].read_text().replace("students", "pupils", 1))
    report = run(corpus, index, embedder)
    assert reads == [files[0].name] and report.added >= 1
    sidecar = files[1].with_name(files[1].name.rsplit(".", 1)[0] + ".meta.yaml")
    reads.clear()
    sidecar.write_text("title: A renamed article\n")
    report = run(corpus, index, embedder)
    assert reads == [files[1].name] and report.added + report.updated > 0
    assert {c.title for c in index.load_chunks() if c.source == files[1].name} == {
        "A renamed article"
    }


def test_a_file_whose_chunks_left_the_index_is_read_again(corpus, index, embedder, reads):
    run(corpus, index, embedder)
    lost = sorted(chunk_ids_by_source(index).items())[0]
    index.delete(sorted(lost[1])[:1])
    reads.clear()
    report = run(corpus, index, embedder)
    assert reads == [lost[0]] and report.added == 1
    _consistent(index.index_dir, corpus, embedder)


def test_another_chunk_size_reads_every_file(corpus, index, embedder, reads):
    run(corpus, index, embedder)
    reads.clear()
    ingest(corpus, index, embedder, max_words=60, show_progress=False)
    assert len(reads) == len([p for p in corpus.iterdir() if not p.name.endswith(".meta.yaml")])


def test_a_reader_waits_while_an_ingest_writes_and_not_otherwise(tmp_path):
    import threading
    import time

    from bot.ingest.sync import index_lock, wait_for_writer

    said: list[str] = []
    wait_for_writer(tmp_path / "none", lambda: said.append("waiting"))  # no index yet
    done = threading.Event()

    def read() -> None:
        wait_for_writer(tmp_path, lambda: said.append("waiting"))
        done.set()

    with index_lock(tmp_path):  # an ingest is writing
        reader = threading.Thread(target=read)
        reader.start()
        deadline = time.monotonic() + 10
        while not said and time.monotonic() < deadline:
            time.sleep(0.01)
        assert said == ["waiting"] and not done.is_set()  # told why, and still waiting
    reader.join(10)
    assert done.is_set()
    wait_for_writer(tmp_path, lambda: said.append("waiting"))  # the ingest is over: no wait
    assert said == ["waiting"]
