"""Check every citation against the stored chunk it names, whatever wrote the answer.

A part whose quote is not in its chunk, or does not support the part's words, is dropped; a
statement left with nothing supported is removed. So no answer keeps a claim without a source.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.answer.lexical import tokens
from bot.models import Chunk, Part, Statement


def normalise(text: str) -> str:
    """Whitespace and quote marks made uniform, for comparing quotes with chunk text."""
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split())


def support(quote: str, text: str) -> float:
    """Share of the content words of `text` that `quote` carries (1.0 for a text with none).

    Example: support("Works with patients of all ages", "Works with all ages") -> 1.0
    """
    claimed = set(tokens(text))
    if not claimed:
        return 1.0
    return len(claimed & set(tokens(quote))) / len(claimed)


def supports(quote: str, text: str, threshold: float = 0.6) -> bool:
    """Does `quote` carry most of the content words of `text`?

    Example: supports("Works with patients of all ages", "Works with patients of all ages") -> True
    """
    if not tokens(text):
        return bool(normalise(quote))
    return support(quote, text) >= threshold


# What joins pieces of article words before a part ("row name — column header: ").
CONTEXT_JOIN = " — "


def _verified_part(part: Part, chunks: Mapping[str, Chunk]) -> Part | None:
    if part.source is None:
        return None
    chunk = chunks.get(part.source.chunk_id)
    if chunk is None:
        return None
    chunk_text = normalise(chunk.text)
    if not part.source.quote.strip() or normalise(part.source.quote) not in chunk_text:
        return None
    if not supports(part.source.quote, part.text):
        return None
    context = part.context
    # Context words must come from the same chunk too: each of its pieces (a table row's name
    # and its column's header: "How productivity is measured — Home health: ").
    pieces = [normalise(piece.strip().rstrip(":")) for piece in context.split(CONTEXT_JOIN)]
    if context and not all(piece in chunk_text for piece in pieces):
        context = ""
    return Part(part.text, part.source, context)


def verify(statements: tuple[Statement, ...], chunks: Mapping[str, Chunk]) -> tuple[Statement, ...]:
    """Keep only the supported parts of each statement and the statements that keep any."""
    kept: list[Statement] = []
    for statement in statements:
        parts = tuple(p for p in (_verified_part(p, chunks) for p in statement.parts) if p)
        if parts:
            kept.append(Statement(parts, statement.group, statement.layout))
    return tuple(kept)
