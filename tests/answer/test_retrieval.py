import numpy as np
import pytest

from bot.answer.retrieval import Library, search


def test_acronyms_are_found_lexically(seed_bot):
    library = seed_bot.chain.library
    question = "Which law, IDEA, drives school services?"
    hits = search(library, question, seed_bot.chain.embed_query(question))
    # The one chunk naming the act by its acronym is found, and by its words above all others.
    assert max(hits, key=lambda h: h.lexical).chunk.text.count("(IDEA)") == 1
    assert all(h.lexical >= 0 and -1 <= h.dense <= 1 for h in hits)


def test_comparison_gets_evidence_from_both_settings(seed_bot):
    library = seed_bot.chain.library
    question = "school vs clinic: which has more variety?"
    hits = search(library, question, seed_bot.chain.embed_query(question), k=4)
    settings = {h.chunk.setting for h in hits}
    assert "both" in settings or {"school", "clinical"} <= settings


def test_no_duplicate_chunks(seed_bot):
    library = seed_bot.chain.library
    question = "What does a school OT do?"
    hits = search(library, question, seed_bot.chain.embed_query(question), k=6)
    assert len({h.chunk.id for h in hits}) == len(hits) == 6


def test_retriever_is_a_langchain_retriever(seed_bot):
    documents = seed_bot.chain.retriever.invoke("Do school OTs get summers off?")
    assert documents and documents[0].metadata["title"]
    assert "hit" in documents[0].metadata


# Sentence vectors: read whole from a small index, through a bounded cache from a large one


def test_a_small_index_is_read_whole_when_the_library_loads(seed_bot):
    library = seed_bot.chain.library
    rows = sum(len(c.sentences) for c in library.chunks)
    assert library.cached_rows == rows  # every chunk's sentences, before any question


def test_a_bounded_cache_answers_like_the_whole_index(seed_bot):
    whole = seed_bot.chain.library
    bounded = Library(whole.index, cache_rows=10)
    assert bounded.cached_rows == 0  # too big to read whole: nothing read yet
    assert np.allclose(bounded.mean, whole.mean, atol=1e-6)  # the sample is every row here
    for question in ("Do school OTs get summers off?", "What is an IEP?"):
        vector = seed_bot.chain.embed_query(question)
        assert search(bounded, question, vector) == search(whole, question, vector)
        assert bounded.cached_rows <= 10 or len(bounded._cache) == 1  # never more than asked


def test_best_sentences_score_only_the_chunks_asked_for(seed_bot):
    library = seed_bot.chain.library
    vector = seed_bot.chain.embed_query("Do school OTs get summers off?")
    some = [c.id for c in library.chunks[:3]]
    best = library.best_sentences([*some, "no-such-chunk"], vector)
    assert set(best) == set(some)
    question = library.center(vector)
    for chunk_id in some:
        rows = library.sentences([library.by_id[chunk_id]])[chunk_id]
        centred = (rows.vectors - library.mean) / np.linalg.norm(
            rows.vectors - library.mean, axis=1, keepdims=True
        )
        assert best[chunk_id] == pytest.approx(float((centred @ question).max()), abs=1e-5)


# Word counts: kept beside a large index so that loading it does not count them again


def test_a_large_index_keeps_its_word_counts_beside_it(seed_bot, tmp_path, monkeypatch):
    import copy

    from bot.answer import lexical
    from bot.answer.wordcache import FILE

    index = copy.copy(seed_bot.chain.library.index)
    index.index_dir = tmp_path  # the counts file goes here, not into the shared index
    counted = Library(index, word_cache_chunks=1)
    assert (tmp_path / FILE).is_file()
    assert counted.vocabulary.counts == seed_bot.chain.library.vocabulary.counts

    def never(texts):
        raise AssertionError("counted again")

    monkeypatch.setattr(lexical.WordCounts, "of", never)
    loaded = Library(index, word_cache_chunks=1)  # read back, not counted
    assert loaded.vocabulary.counts == counted.vocabulary.counts
    assert loaded.vocabulary.correct("elementry") == counted.vocabulary.correct("elementry")
    small = copy.copy(index)
    small.index_dir = tmp_path / "absent"  # below the size, or unwritable: counted, no file
    monkeypatch.undo()
    assert Library(small, word_cache_chunks=1).vocabulary.counts == counted.vocabulary.counts
    assert not (tmp_path / "absent").exists()


def test_a_word_only_a_heading_or_title_uses_is_a_word_the_articles_know(seed_bot):
    """ "Red Flags to Watch For" heads a list whose items never say "red": a question using the
    heading's words must not read as asking about something the articles never mention."""
    from bot.answer.lexical import tokens

    library = seed_bot.chain.library
    said = {w for c in library.chunks for s in c.sentences for w in tokens(s.text)}
    headed = {w for c in library.chunks for w in tokens(f"{c.title} {c.section}")}
    only_headed = headed - said
    assert only_headed  # the shipped articles have some
    assert all(w in library.vocabulary for w in only_headed), only_headed - set(
        w for w in only_headed if w in library.vocabulary
    )
