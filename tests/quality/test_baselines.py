from bot.quality.baselines import BASELINE_K, Bm25Only, PlainLangChain, plain_chunks
from tests.conftest import SHIPPED_CORPUS


def test_recipe_chunks_are_raw_text_split_1000_200():
    chunks = plain_chunks(SHIPPED_CORPUS)
    assert all(len(c.text) <= 1000 for c in chunks)
    # the recipe does not clean: site furniture stays in its chunks
    assert any("Get the Latest Updates" in c.text for c in chunks)


def test_baselines_answer_with_their_best_chunk(embedder):
    plain = PlainLangChain(SHIPPED_CORPUS, embedder)
    try:
        reply = plain.answer("Do school OTs get summers off?")
        assert len(reply.retrieved) == BASELINE_K and reply.answer.endswith("[1]")
    finally:
        plain.close()
    reply = Bm25Only(SHIPPED_CORPUS).answer("summers off")
    assert "summers off" in reply.retrieved[0].text
