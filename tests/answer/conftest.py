"""What the answer stage is handed for a question, from the session's real bot over the seed articles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.answer.retrieval import Hit, search
from bot.ingest.embedding import Vectors


@dataclass(frozen=True)
class Retrieved:
    """A question as the chain hands it to scoring and composing: its vector (abbreviations
    spelt out, as retrieval saw it) and the chunks retrieval found."""

    question: str
    vector: Vectors
    hits: list[Hit]


@pytest.fixture(scope="session")
def retrieve(seed_bot) -> Callable[..., Retrieved]:
    """question -> Retrieved, through the real embedder and hybrid search (k as the chain uses)."""
    chain = seed_bot.chain

    def run(question: str, k: int | None = None) -> Retrieved:
        text = chain.glossary.expand(question)
        vector = chain.embed_query(text)
        hits = search(chain.library, text, vector, k or seed_bot.settings.retrieval_k)
        return Retrieved(question, vector, hits)

    return run
