from pathlib import Path

import numpy as np
import pytest

from bot.answer.adapting import QueryAdapter
from bot.settings import Settings


def unit(rows: int, dimension: int = 8, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(rows, dimension)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_without_a_file_questions_are_left_as_embedded(tmp_path: Path):
    vectors = unit(3)
    assert QueryAdapter.load(tmp_path / "missing.npy")(vectors) is vectors


def test_a_saved_matrix_moves_questions_and_keeps_them_unit_length(tmp_path: Path):
    matrix = unit(8, seed=1) * 0.3
    np.save(tmp_path / "a.npy", matrix.astype(np.float16))
    adapter = QueryAdapter.load(tmp_path / "a.npy")
    vectors = unit(4)
    moved = adapter(vectors)
    expected = vectors + vectors @ matrix.astype(np.float16).astype(np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(moved, expected, atol=1e-6)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0, atol=1e-6)
    assert np.allclose(adapter(vectors[0]), moved[0], atol=1e-6)  # one vector alike


def test_a_zero_matrix_is_the_identity():
    vectors = unit(5)
    assert np.allclose(QueryAdapter(np.zeros((8, 8)))(vectors), vectors, atol=1e-7)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not numpy", "not a readable query adapter"), (None, "square matrix")],
)
def test_a_bad_file_is_named(tmp_path: Path, content, message):
    path = tmp_path / "a.npy"
    if content is None:
        np.save(path, np.zeros((3, 4)))
    else:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as error:
        QueryAdapter.load(path)
    assert str(path) in str(error.value)


def test_a_matrix_for_another_model_says_so():
    with pytest.raises(ValueError, match="train it again"):
        QueryAdapter(np.zeros((4, 4)))(unit(2, dimension=8))


def test_the_shipped_adapter_fits_the_packaged_model(seed_bot):
    shipped = QueryAdapter.load(Settings().prompts_dir / "query_adapter.npy")
    assert shipped.matrix is not None and shipped.matrix.shape == (384, 384)
    assert seed_bot.chain.embed_query.adapter.matrix is not None  # the bot answers with it
    raw = seed_bot.embedder.embed_few(["Do school OTs get summers off?"])
    assert np.allclose(seed_bot.chain.embed_query("Do school OTs get summers off?"), shipped(raw)[0])
