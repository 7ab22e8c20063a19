import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.ingest.embedding import SMALL_CHARS, SentenceTransformerEmbedder, packaged_model_path
from bot.ingest.encoder import NumpyEncoder, UnsupportedModel

TEXTS = [
    "Do school OTs get summers off?",
    "IEP",
    "whats the diffrence between school based and clinicle OT?",
    "Occupational therapists help people do the things they need and want to do. " * 40,  # > 256 tokens
]


def test_numpy_encoder_matches_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(packaged_model_path()), device="cpu")
    expected = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    got = NumpyEncoder(packaged_model_path()).encode(TEXTS)
    assert got.shape == expected.shape == (len(TEXTS), 384)
    assert np.abs(got - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_texts_of_one_length_run_as_one_batch_with_the_same_vectors():
    """Words (and questions) of equally many tokens share one forward pass; each still gets
    its own vector, the same as alone."""
    encoder = NumpyEncoder(packaged_model_path())
    texts = ["perks", "texas", "salary", "school", "Do school OTs get summers off?", "IEP"]
    lengths = [len(encoder.tokenizer.encode(t).ids) for t in texts]
    assert len(set(lengths)) < len(texts)  # some do share a length
    together = encoder.encode(texts)
    alone = np.concatenate([encoder.encode([t]) for t in texts])
    assert np.abs(together - alone).max() < 1e-5
    assert len({tuple(np.round(row, 4)) for row in together}) == len(texts)


def test_a_model_it_cannot_run_is_named(tmp_path: Path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "t5"}))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    with pytest.raises(UnsupportedModel, match="not a BERT encoder"):
        NumpyEncoder(tmp_path)


def test_a_question_is_embedded_without_importing_torch():
    """The cold-start path: a question's few texts never load torch or sentence-transformers."""
    code = (
        "import sys, bot\n"
        "from bot.ingest.embedding import SentenceTransformerEmbedder\n"
        "e = SentenceTransformerEmbedder()\n"
        "v = e.embed_few(['Do school OTs get summers off?', 'perks', 'texas'])\n"
        "assert v.shape == (3, 384), v.shape\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bulk_embedding_agrees_with_the_small_path():
    embedder = SentenceTransformerEmbedder()
    texts = [f"School OTs write IEP goals for student number {i}." for i in range(SMALL_CHARS // 40)]
    assert sum(map(len, texts)) > SMALL_CHARS
    assert embedder.embed_few(texts).shape == (len(texts), 384)  # too many for numpy: bulk
    bulk = embedder.embed(texts)  # always sentence-transformers
    small = embedder.embed_few(texts[:3])  # a few: numpy
    assert np.abs(bulk[:3] - small).max() < 1e-5
