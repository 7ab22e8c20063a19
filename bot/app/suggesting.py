"""What the chat offers to ask next: questions the cited articles themselves ask and answer,
the same question about the other setting when the article compares the two, then example
questions not asked yet."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.ingest.tagging import setting_of
from bot.models import Answer, Chunk
from bot.prompts import AppWording

# A question an article answers opens with a question word (a heading "Does an OTD pay more?",
# an FAQ paragraph "Can new graduates work in an IRF? Yes, ..."); "Ready to explore ...?" and
# "Interested in ...?" are calls to action, not questions the article answers. General English.
_ASKS = re.compile(
    r"^(what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|"
    r"should|will|would|may)\b",
    re.IGNORECASE,
)
# A question leaning on what came before ("Why does it matter so much?") makes no sense alone.
_LEANS = re.compile(r"\b(it|this|that|these|those|they|them)\b", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9]+")


def article_questions(chunks: Sequence[Chunk]) -> list[str]:
    """The questions an article asks and answers itself, in reading order: headings that are
    questions, and a paragraph's opening question that the rest of the paragraph answers (not
    a list of questions to ask at an interview)."""
    found: list[str] = []
    for chunk in sorted(chunks, key=lambda c: c.position):
        heading = chunk.section.split(" › ")[-1].strip()
        if heading.endswith("?"):
            found.append(heading)
        sentences = chunk.sentences
        for i, sentence in enumerate(sentences):
            opens = i == 0 or sentences[i - 1].block != sentence.block
            answered = i + 1 < len(sentences) and sentences[i + 1].block == sentence.block
            if sentence.kind == "sentence" and opens and answered and sentence.text.endswith("?"):
                found.append(sentence.text.strip())
    asks = [q for q in found if _ASKS.match(q) and not _LEANS.search(q) and len(q.split()) <= 14]
    return list(dict.fromkeys(asks))


def follow_ups(
    answer: Answer,
    wording: AppWording,
    asked: Sequence[str],
    limit: int = 3,
    chunks_of: Callable[[str], Sequence[Chunk]] = lambda source: (),
    ask: Callable[[str], Answer | None] = lambda question: None,
) -> list[str]:
    """Questions to offer after an answer: the same question about the other setting when the
    articles answer it with something new, then the questions the first cited article answers in
    sections the answer did not quote, then example questions not asked yet. `chunks_of` gives
    an article's chunks by its source; `ask` answers a follow-up after this answer."""
    seen = {_key(q) for q in asked}
    suggestions: list[str] = []
    if not answer.refused and answer.citations:
        source = answer.citations[0].source
        chunks = chunks_of(source)
        setting = setting_of(answer.standalone_question)
        other = {"school": wording.followup_clinical, "clinical": wording.followup_school}
        if setting in other and _adds(answer, ask(other[setting])):
            suggestions.append(other[setting])
        quoted = {c.section for c in answer.citations if c.source == source}
        suggestions += article_questions([c for c in chunks if c.section not in quoted])
    suggestions += wording.examples
    fresh = [q for q in dict.fromkeys(suggestions) if _key(q) not in seen]
    return fresh[:limit]


def _adds(answer: Answer, follow_up: Answer | None) -> bool:
    """Does the follow-up's answer say something this answer did not (not a refusal, and not
    the same quotes again: "And in schools?" after an acute-care answer that only finds more
    acute care)?"""
    if follow_up is None or follow_up.refused or not follow_up.citations:
        return False
    said = {c.quote for c in answer.citations}
    return any(c.quote not in said for c in follow_up.citations)


def _key(question: str) -> str:
    return " ".join(_WORDS.findall(question.lower()))
