import numpy as np
from rank_bm25 import BM25Okapi

from bot.answer.okapi import Okapi
from bot.answer.retrieval import chunk_words


def test_scores_are_rank_bm25s_on_the_real_chunks(seed_bot):
    documents = [chunk_words(c) for c in seed_bot.chain.library.chunks]
    ours, theirs = Okapi(documents), BM25Okapi(documents)
    for question in (
        "Do school OTs get summers off?",
        "iep iep goals",  # a repeated word counts again
        "what is the pay in denver",  # words no chunk holds score nothing
        "school therapy",  # words in more than half the chunks get the idf floor
    ):
        words = seed_bot.chain.library.vocabulary.terms(question) or question.split()
        assert np.allclose(ours.scores(words), theirs.get_scores(words), atol=1e-9), question


def test_an_empty_corpus_scores_nothing():
    assert Okapi([]).scores(["school"]).shape == (0,)
    assert Okapi([[], ["ot"]]).scores(["ot", "unknown"]).tolist()[0] == 0.0
