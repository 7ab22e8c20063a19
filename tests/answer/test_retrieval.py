from bot.answer.retrieval import search


def test_acronyms_are_found_lexically(seed_bot):
    library = seed_bot.chain.library
    question = "Which law, IDEA, drives school services?"
    hits = search(library, question, seed_bot.chain.embed_query(question), k=3)
    assert any("(IDEA)" in h.chunk.text for h in hits)
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
