"""How answers look in the app: Markdown with [n] markers, source cards, recruiter drafts."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from bot.ingest.tagging import setting_of
from bot.models import Answer, Citation, web_url
from bot.prompts import AppWording


def as_text(words: str) -> str:
    """Article words for a Markdown view, shown as words: HTML escaped (an `<img>` or `<a>` in an
    article is text, never fetched or followed) and Markdown links and images disarmed."""
    return escape(words, quote=False).replace("](", "]\\(")


def source_card(citation: Citation) -> str:
    """One citation as a Markdown quote block: title, publisher, section, the quoted sentence.
    The title links to the article only when its address is http(s)."""
    url = web_url(citation.url)
    title = f"[{as_text(citation.title)}]({url})" if url else as_text(citation.title)
    return (
        f"> **[{citation.n}]** {title} — {as_text(citation.publisher)} · "
        f"*{as_text(citation.section)}*  \n"
        f"> “{as_text(citation.quote)}”"
    )


def chat_markdown(answer: Answer) -> str:
    """The chat reply: the answer (its quotes as text), then its sources as cards (none for a
    refusal)."""
    if not answer.citations:
        return as_text(answer.answer)
    cards = "\n>\n".join(source_card(c) for c in answer.citations)
    return f"{as_text(answer.answer)}\n\n**Sources**\n\n{cards}"


def draft_markdown(answers: Sequence[Answer]) -> str:
    """Recruiter drafts, one section per question when there are several."""
    if len(answers) == 1:
        return answers[0].answer
    return "\n\n---\n\n".join(f"### {a.question}\n\n{a.answer}" for a in answers)


def articles_rows(articles: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The content tab's table: title, publisher, date, chunks, gaps found."""
    return [
        [
            a["title"],
            a["publisher"],
            a.get("date") or "—",
            a["chunks"],
            len([g for g in a.get("gaps", []) if g["kind"] != "no_date"]),
            a["source"],
        ]
        for a in articles
    ]


def follow_ups(
    answer: Answer, wording: AppWording, asked: Sequence[str], limit: int = 3
) -> list[str]:
    """Questions to offer after an answer: the same question about the other setting first,
    then example questions not asked yet."""
    suggestions: list[str] = []
    if not answer.refused:
        setting = setting_of(answer.standalone_question)
        if setting == "school":
            suggestions.append(wording.followup_clinical)
        elif setting == "clinical":
            suggestions.append(wording.followup_school)
    seen = {q.strip().lower() for q in asked}
    suggestions += [q for q in wording.examples if q.lower() not in seen]
    return suggestions[:limit]
