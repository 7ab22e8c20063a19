"""The Chroma index: a real persistent Chroma in tmp_path with the real packaged model.

Damage found through the commands (random bytes over the database, garbage in the HNSW files,
deleted vector segments) is tested in tests/app/test_cli.py, and ingest's use of the index
(repairs, consistency after kill -9) in tests/ingest/test_sync.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.ingest.embedding import SentenceTransformerEmbedder
from bot.ingest.index import ChromaIndex, IndexDamaged, OtbotEmbeddingFunction
from bot.models import Chunk, Sentence
from bot.settings import Settings
from tests.conftest import ROOT


def make_chunk(
    chunk_id: str, source: str, position: int, texts: list[str], **fields: object
) -> Chunk:
    sentences = tuple(Sentence(t, "sentence", "general", block=i) for i, t in enumerate(texts))
    values: dict[str, object] = {
        "title": "Travel OT jobs",
        "publisher": "Example Staffing",
        "date": "2026-02-10",
        "url": "https://example.org/travel",
        "section": "Contracts",
        "setting": "clinical",
        "sentences": sentences,
    }
    values.update(fields)
    return Chunk(
        id=chunk_id,
        source=source,
        position=position,
        text=" ".join(texts),
        **values,
    )


TABLE_ROW = (
    Sentence(
        "Schedule often follows school calendar",
        "table_cell",
        "school",
        label="School-Based OT",
        row=0,
        block=3,
    ),
    Sentence(
        "Year-round, with varied shifts depending on setting",
        "table_cell",
        "clinical",
        label="Clinical/Healthcare OT",
        row=0,
        block=3,
    ),
)
CHUNKS = [
    make_chunk("b0", "b.md", 0, ["Hospital OTs work year-round.", "Shifts vary by setting."]),
    make_chunk(
        "a1",
        "a.md",
        1,
        [s.text for s in TABLE_ROW],
        sentences=TABLE_ROW,
        setting="both",
        date=None,
        url=None,
        section="Key Differences",
    ),
    make_chunk(
        "a0",
        "a.md",
        0,
        ["OT addresses several domains.", "School OTs support IEP goals."],
        sentences=(
            Sentence(
                "OT addresses several domains.",
                "sentence",
                "school",
                announces_missing_list=True,
                block=0,
            ),
            Sentence("School OTs support IEP goals.", "list_item", "school", block=1),
        ),
        setting="school",
    ),
]


@pytest.fixture
def index(settings: Settings, embedder) -> ChromaIndex:
    return ChromaIndex(settings.index_dir, embedder)


@pytest.fixture(scope="module")
def vectors(embedder) -> tuple[np.ndarray, np.ndarray]:
    """The real vectors of CHUNKS (chunk vectors, sentence vectors), embedded once."""
    return (
        embedder.embed([c.embedding_text for c in CHUNKS]),
        embedder.embed([s.text for c in CHUNKS for s in c.sentences]),
    )


def store(index: ChromaIndex, vectors, chunks: list[Chunk] = CHUNKS) -> None:
    """Add a slice of CHUNKS (in CHUNKS order) with their real vectors."""
    chunk_vectors, sentence_vectors = vectors
    rows = [n for n, c in enumerate(CHUNKS) for _ in c.sentences]
    wanted = [CHUNKS.index(c) for c in chunks]
    index.add(
        chunks,
        chunk_vectors[wanted],
        sentence_vectors[[r for r, n in enumerate(rows) if n in wanted]],
    )


def test_chunks_come_back_whole_in_article_and_reading_order(index, vectors):
    store(index, vectors)
    loaded = index.load_chunks()
    # Equal as values: metadata, missing date and url, table labels and rows, flags, blocks.
    assert loaded == sorted(CHUNKS, key=lambda c: (c.source, c.position))
    assert [c.id for c in loaded] == ["a0", "a1", "b0"]
    assert index.count() == 3


def test_sentence_vectors_come_back_by_chunk_in_sentence_order(index, vectors):
    store(index, vectors, CHUNKS[:1])  # in two writes
    store(index, vectors, CHUNKS[1:])
    written: dict[str, list[np.ndarray]] = {}
    for chunk, vector in zip([c for c in CHUNKS for _ in c.sentences], vectors[1], strict=True):
        written.setdefault(chunk.id, []).append(vector)

    stored = index.sentence_vectors_of(CHUNKS)
    assert sorted(stored) == ["a0", "a1", "b0"]
    for chunk_id, rows_written in written.items():
        assert np.allclose(stored[chunk_id], np.stack(rows_written), atol=1e-6), chunk_id
    assert list(index.sentence_vectors_of(CHUNKS[1:2])) == [CHUNKS[1].id]  # only those asked


def test_a_sample_of_sentence_vectors_is_all_of_them_in_a_small_index(index, vectors):
    assert index.sentence_sample(100).shape == (0, 0)  # nothing stored yet
    store(index, vectors)
    sample = index.sentence_sample(100)
    assert sample.shape == vectors[1].shape
    assert np.allclose(sample.mean(axis=0), vectors[1].mean(axis=0), atol=1e-6)
    assert len(index.sentence_sample(4, pages=2)) == 4  # spread runs, no more than asked


def test_search_finds_the_nearest_chunks_by_cosine(index, embedder, vectors):
    chunk_vectors = vectors[0]
    assert index.query(chunk_vectors[0], 3) == []  # nothing stored yet
    store(index, vectors)
    found = index.query(chunk_vectors[2], 5)  # the vector of "a0"
    assert [chunk_id for chunk_id, _ in found][0] == "a0"
    assert found[0][1] == pytest.approx(1.0, abs=1e-4)
    assert len(found) == 3  # at most what is stored
    similarities = [s for _, s in found]
    assert similarities == sorted(similarities, reverse=True)
    for chunk_id, similarity in found:
        expected = float(chunk_vectors[[c.id for c in CHUNKS].index(chunk_id)] @ chunk_vectors[2])
        assert similarity == pytest.approx(expected, abs=1e-4)
    question = embedder.embed(["Do hospital OTs work all year?"])[0]
    assert index.query(question, 1)[0][0] == "b0"


def test_writes_larger_than_chromas_batch_limit_are_split(settings: Settings, embedder):
    """Real Chroma, synthetic vectors: more sentence rows than the client takes in one write."""
    index = ChromaIndex(settings.index_dir, embedder)
    limit = index.client.get_max_batch_size()
    per_chunk = 10
    chunks = [
        Chunk(
            f"c{n}",
            f"a{n // 50}.md",
            "T",
            "P",
            None,
            None,
            "S",
            "both",
            n % 50,
            f"text {n}",
            tuple(
                Sentence(f"Sentence {i} of {n}.", "sentence", "both", block=i)
                for i in range(per_chunk)
            ),
        )
        for n in range(limit // per_chunk + 20)
    ]
    rng = np.random.default_rng(0)

    def unit(rows: int) -> np.ndarray:
        v = rng.normal(size=(rows, 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    index.add(chunks, unit(len(chunks)), unit(len(chunks) * per_chunk))

    assert index.count() == len(chunks)
    assert index.sentence_chunks() == {c.id for c in chunks}
    # Reading back pages through more rows than one read returns.
    stored = index.sentence_vectors_of(chunks)
    assert sum(len(rows) for rows in stored.values()) == len(chunks) * per_chunk > 5000
    assert len(index.sentence_sample(10**6)) == len(chunks) * per_chunk  # all, paged


def test_a_partial_article_is_refused_and_nothing_is_stored(index, vectors):
    chunk_vectors, sentence_vectors = vectors
    with pytest.raises(Exception, match="refusing to store a partial article"):
        index.add(CHUNKS, chunk_vectors, sentence_vectors[:-1])
    assert index.count() == 0 and index.sentence_chunks() == set()


def test_a_partial_article_is_not_reported_as_a_damaged_index(index, vectors):
    chunk_vectors, sentence_vectors = vectors
    with pytest.raises(ValueError, match="refusing to store a partial article"):
        index.add(CHUNKS, chunk_vectors, sentence_vectors[:-1])


def test_new_metadata_replaces_the_old_and_keeps_the_vectors(index, vectors):
    chunk_vectors = vectors[0]
    store(index, vectors)
    renamed = [
        Chunk(**{**c.__dict__, "title": "Renamed", "url": "https://example.org/new"})
        for c in CHUNKS
    ]
    index.update_metadata(renamed)
    assert {(c.title, c.url) for c in index.load_chunks()} == {
        ("Renamed", "https://example.org/new")
    }
    assert index.query(chunk_vectors[0], 1)[0] == ("b0", pytest.approx(1.0, abs=1e-4))


def test_deleting_chunks_drops_their_sentences_and_nothing_else(index, vectors):
    store(index, vectors)
    index.delete(["a1"])
    assert [c.id for c in index.load_chunks()] == ["a0", "b0"]
    assert index.sentence_chunks() == {"a0", "b0"}


def test_deleting_sentences_keeps_their_chunk(index, vectors):
    """What ingest does to repair a chunk stored without all its sentence vectors."""
    store(index, vectors)
    index.delete_sentences(["b0"])
    assert index.count() == 3
    assert index.sentence_chunks() == {"a0", "a1"}
    assert "b0" not in index.sentence_vectors_of(CHUNKS)


def test_the_generation_changes_with_each_bump_and_is_seen_by_every_reader(
    settings: Settings, index, embedder
):
    assert index.generation() == ""  # before the first ingest
    index.bump_generation()
    first = index.generation()
    assert len(first) == 32 and int(first, 16) >= 0
    other = ChromaIndex(settings.index_dir, embedder)
    assert other.generation() == first
    other.bump_generation()
    assert index.generation() == other.generation() != first
    assert index.count() == 0  # the record is not a chunk


def test_indexes_in_one_folder_are_kept_apart_by_collection(settings: Settings, embedder, vectors):
    main = ChromaIndex(settings.index_dir, embedder, collection="otbot")
    trial = ChromaIndex(settings.index_dir, embedder, collection="trial")
    store(main, vectors)
    main.bump_generation()
    assert trial.count() == 0 and trial.load_chunks() == [] and trial.generation() == ""
    assert main.count() == 3


def test_check_passes_on_an_empty_and_a_stored_index(index, vectors):
    index.check()
    store(index, vectors)
    index.check()


def test_a_collection_gone_from_under_the_index_is_reported_naming_the_index(
    settings: Settings, index, vectors
):
    store(index, vectors)
    index.client.delete_collection("otbot-chunks")  # as another process rebuilding it would
    for read in (index.count, index.check, index.load_chunks, index.stored_metadata):
        with pytest.raises(IndexDamaged) as error:
            read()
        damage = error.value
        assert damage.index_dir == settings.index_dir and not damage.remote
        assert damage.reason and "\n" not in damage.reason and len(damage.reason) <= 200
        assert str(settings.index_dir) in str(damage)
        assert "otbot ingest --rebuild" in str(damage)


def test_a_damaged_chroma_server_says_to_check_the_server():
    damage = IndexDamaged(Path("/data/ix"), "connection refused", remote=True)
    assert str(damage) == (
        "the Chroma server cannot be read (connection refused); "
        "check the server, then run `otbot ingest --rebuild`"
    )
    assert "/data/ix" not in str(damage)


def test_chroma_embeds_with_our_model_and_can_rebuild_it_from_its_stored_config(embedder):
    function = OtbotEmbeddingFunction(embedder)
    assert function.name() == "otbot" and function.default_space() == "cosine"
    vectors = function(["School OTs follow the school calendar."])
    assert np.allclose(vectors[0], embedder.embed(["School OTs follow the school calendar."])[0])
    rebuilt = OtbotEmbeddingFunction.build_from_config(function.get_config())
    assert isinstance(rebuilt, OtbotEmbeddingFunction)
    assert isinstance(rebuilt.embedder, SentenceTransformerEmbedder)
    assert rebuilt.embedder.model_path == embedder.model_path  # never Chroma's downloading default


PROBE_AFTER_OPENING = """
import sys
from pathlib import Path
import numpy as np
from bot.ingest.index import ChromaIndex, crashes_on_search
from bot.models import Chunk, Sentence

class NoModel:
    name = "none"
    def embed(self, texts):
        raise RuntimeError("not needed")

folder = Path(sys.argv[1])
vectors = np.eye(3, 384, dtype=np.float32)
chunks = [Chunk(f"c{n}", "a.md", "T", "P", None, None, "S", "both", n, f"text {n}",
                (Sentence(f"Sentence {n}.", "sentence", "both", block=0),)) for n in range(3)]
ChromaIndex(folder, NoModel()).add(chunks, vectors, vectors)  # this process opens the index
print(crashes_on_search(folder), flush=True)
"""


@pytest.mark.slow
def test_probing_a_healthy_index_after_opening_it_in_the_same_process_answers(tmp_path: Path):
    # Its own process group, so that a hung probe (the fork of the fork) is ended with it.
    probe = subprocess.Popen(
        [sys.executable, "-c", PROBE_AFTER_OPENING, str(tmp_path / "ix")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        out, err = probe.communicate(timeout=30)  # a fresh probe takes ~3 s
    except subprocess.TimeoutExpired:
        os.killpg(probe.pid, signal.SIGKILL)
        probe.communicate()
        pytest.fail("crashes_on_search hung")
    assert probe.returncode == 0, err[-500:]
    assert out.strip() == "False"
