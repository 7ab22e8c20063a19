"""How answers look in the app: chat replies with [n] links and source chips, the Markdown of the
`/chat` API, recruiter drafts as e-mail text or Markdown, and the content tab's tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from html import escape
from typing import Any, Literal

from bot.answer.rendering import source_groups
from bot.app.leads import Lead
from bot.models import Answer, Citation, web_url
from bot.prompts import AnswerWording

_MARKER = re.compile(r"\[(\d+)\]")
PENDING = '<span class="pending">…</span>'
LEAD_COLUMNS = ["Received (UTC)", "Name", "E-mail", "Phone", "Question", "Webhook"]
DraftStyle = Literal["email", "markdown"]


def as_text(words: str) -> str:
    """Article words for a Markdown view, shown as words: HTML escaped (an `<img>` or `<a>` in an
    article is text, never fetched or followed) and Markdown links and images disarmed."""
    return escape(words, quote=False).replace("](", "]\\(")


def source_card(citation: Citation) -> str:
    """One citation as a Markdown quote block: title, publisher, section, the quoted sentence.
    The title links to the article only when its address is http(s)."""
    url = web_url(citation.url)
    title = f"[{as_text(citation.title)}]({url})" if url else as_text(citation.title)
    where = f" · *{as_text(citation.heading)}*" if citation.heading else ""
    return (
        f"> **[{citation.n}]** {title} — {as_text(citation.publisher)}{where}  \n"
        f"> “{as_text(citation.quote)}”"
    )


def chat_markdown(answer: Answer) -> str:
    """The chat reply: the answer (its quotes as text), then its sources as cards (none for a
    refusal, unless it shows the closest passage)."""
    if not answer.citations:
        return as_text(answer.answer)
    cards = "\n>\n".join(source_card(c) for c in answer.citations)
    return f"{as_text(answer.answer)}\n\n**Sources**\n\n{cards}"


def chat_html(answer: Answer, key: str, handoff_label: str) -> str:
    """The chat reply as the app shows it: the answer with each [n] a link to its source, then
    one compact chip per source whose quote opens on click; an answer that offers a recruiter
    ends with the handoff button (after its chips). `key` makes the sources' ids
    unique on the page (one per reply)."""
    text = as_text(answer.answer)
    handoff = (
        f'\n\n<button class="handoff-link" type="button">{handoff_label}</button>'
        if answer.offers_recruiter
        else ""
    )
    if not answer.citations:
        return text + handoff
    known = {c.n for c in answer.citations}
    linked = _MARKER.sub(
        lambda m: (
            f'<a class="cite" href="#{key}-{m[1]}" title="Source {m[1]}">[{m[1]}]</a>'
            if int(m[1]) in known
            else m[0]
        ),
        text,
    )
    titles = [c.title for c in answer.citations]
    chips = "".join(source_chip(c, key, titles.count(c.title) > 1) for c in answer.citations)
    shown = f'{linked}\n\n<div class="sources">{chips}</div>'
    return shown + handoff


def source_chip(citation: Citation, key: str, repeated: bool = False) -> str:
    """One source as a collapsed chip ("[1] Title · Publisher"; when the answer cites
    several passages of the same article (`repeated`), "[2] “Quote…” · Title", so that they can
    be told apart, the publisher shown opened); opened, it shows the quote, the section
    and a link to the article when its address is http(s)."""
    url = web_url(citation.url)
    link = (
        f'<a href="{escape(url)}" target="_blank" rel="noopener">Read the article</a>'
        if url
        else ""
    )
    quote = " ".join(citation.quote.split())
    if repeated:  # told apart by their quotes; the publisher shows opened
        summary = f'“{escape(quote)}” <span class="publisher">· {escape(citation.title)}</span>'
        where = " · ".join(escape(w) for w in (citation.heading, citation.publisher) if w)
    else:
        summary = f'{escape(citation.title)} <span class="publisher">· {escape(citation.publisher)}</span>'
        where = escape(citation.heading)
    return (
        f'<details class="source" id="{key}-{citation.n}">'
        f"<summary><b>[{citation.n}]</b> {summary}</summary>"
        f"<blockquote>“{escape(quote)}”</blockquote>"
        f'<p class="where">{" · ".join(part for part in (where, link) if part)}</p></details>'
    )


def draft_text(answers: Sequence[Answer], wording: AnswerWording, style: DraftStyle) -> str:
    """Recruiter drafts ready to send: `email` is plain text to paste into a message, `markdown`
    keeps emphasis and links. Sources are titles and links (never the corpus's file names); a
    question the articles do not cover gets a note to the recruiter instead of a candidate reply.
    Several questions make one message: the notes to the recruiter first, then one greeting,
    each question's answer under it, one closing, and one source list numbered through."""
    if len(answers) == 1:
        return _draft_section(answers[0], wording, style)
    notes: list[str] = []
    parts: list[tuple[str, str, tuple[Citation, ...]]] = []
    greeting = closing = ""
    greetings, closings = _greetings(wording), _closings(wording)
    shift = 0
    for answer in answers:
        if answer.refused and not answer.citations:
            note = answer.answer if answer.answer else wording.refusal.recruiter
            notes.append(_note(f"{note} (“{answer.question}”)", wording, style))
            continue
        text = answer.answer
        if answer.refused:  # the closest passage as a draft, under a note to check it
            first, _, text = text.partition("\n\n")
            notes.append(_note(f"{first} (“{answer.question}”)", wording, style))
        paragraphs = _without_sources(text, wording.recruiter.sources_heading).split("\n\n")
        kept = []
        for paragraph in paragraphs:
            if paragraph.startswith(f"{wording.recruiter.note_for_recruiter}: "):
                notes.append(_note(f"{paragraph} (“{answer.question}”)", wording, style))
            elif paragraph in greetings:
                greeting = greeting or paragraph
            elif paragraph in closings:
                closing = closing or paragraph
            else:
                kept.append(paragraph)
        body = _MARKERS.sub(partial(_shifted, by=shift), "\n\n".join(kept))
        moved = tuple(replace(c, n=c.n + shift) for c in answer.citations)
        shift += len(answer.citations)
        parts.append((answer.question, body, moved))
    if not parts:
        return "\n\n".join(notes)
    out = [*notes, greeting] if greeting else list(notes)
    for question, body, _ in parts:
        heading = f"### {question}" if style == "markdown" else f"Question: {question}"
        out.append(f"{heading}\n\n{body}")
    if closing:
        out.append(closing)
    text = "\n\n".join(out)
    if style == "email":
        text = text.replace("**", "")
    cited = [c for _, _, citations in parts for c in citations]
    sources = _source_lines(cited, style)
    return "\n".join([text, "", f"{wording.recruiter.sources_heading}:", *sources])


# A draft's citation markers, one number or several ("[3]", "[1, 2]", "[1-3]").
_MARKERS = re.compile(r"\[(\d+(?:\s*[,–-]\s*\d+)*)\]")


def _shifted(marker: re.Match[str], by: int) -> str:
    """A citation marker with every number moved on by `by` ("[1, 2]" -> "[4, 5]")."""
    return "[" + re.sub(r"\d+", lambda n: str(int(n.group()) + by), marker.group(1)) + "]"


def _greetings(wording: AnswerWording) -> set[str]:
    return {line for t in wording.recruiter.tones.values() for line in (t.opening, t.opening_comparison)}


def _closings(wording: AnswerWording) -> set[str]:
    return {t.closing for t in wording.recruiter.tones.values()}


def _note(note: str, wording: AnswerWording, style: DraftStyle) -> str:
    lead = wording.recruiter.note_for_recruiter
    note = note.removeprefix(f"{lead}: ")
    if style == "markdown":
        return f"> **{lead}:** {note}"
    return f"{lead.upper()}: {note}"


def _draft_section(answer: Answer, wording: AnswerWording, style: DraftStyle) -> str:
    text, above = answer.answer, ""
    if answer.refused and answer.citations:
        # The closest passage as a draft, under the note to check it before sending.
        first, _, text = text.partition("\n\n")
        above = _note(first, wording, style) + "\n\n"
    elif answer.refused or not answer.citations:
        # The refusal speaks to the recruiter (a topic's own note, such as a medical question's).
        return _note(text if answer.refused and text else wording.refusal.recruiter, wording, style)
    body = above + _without_sources(text, wording.recruiter.sources_heading)
    if style == "email":
        body = body.replace("**", "")
    return "\n".join([body, "", f"{wording.recruiter.sources_heading}:",
                      *_source_lines(answer.citations, style)])


def _source_lines(citations: Sequence[Citation], style: DraftStyle) -> list[str]:
    """A draft's source list: as the draft's own sources line groups them (`source_groups`),
    as links a reader can use."""
    lines = []
    for (title, publisher, dated, section, address), numbers in source_groups(citations).items():
        url = web_url(address)
        markers = f"[{', '.join(str(n) for n in numbers)}]"
        when = f", {dated}" if dated else ""
        if style == "markdown":
            shown = f"[{as_text(title)}]({url})" if url else as_text(title)
            where = f", “{as_text(section)}”" if section else ""
            lines.append(f"{markers} {shown} — {as_text(publisher)}{when}{where}")
        else:
            where = f", “{section}”" if section else ""
            line = f"{markers} {title} — {publisher}{when}{where}"
            lines.append(line + (f": {url}" if url else ""))
    return lines


def _without_sources(text: str, heading: str) -> str:
    """A recruiter answer's text without the source list the composer ends it with."""
    cut = text.rfind(f"\n{heading}:\n")
    return (text[:cut] if cut != -1 else text).rstrip()


def draft_markdown(answers: Sequence[Answer], wording: AnswerWording) -> str:
    """The drafts as Markdown (see `draft_text`)."""
    return draft_text(answers, wording, "markdown")


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


def article_choices(articles: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, file) pairs for choosing an article: "Title (file)"."""
    return [(f"{a['title']} ({a['source']})", a["source"]) for a in articles]


def leads_rows(leads: Sequence[Lead]) -> list[list[str]]:
    """The content tab's leads table, newest first, with how the webhook delivery went."""
    return [
        [
            lead.received.replace("T", " ").removesuffix("+00:00"),
            lead.name,
            lead.email,
            lead.phone,
            lead.question,
            lead.delivery or "—",
        ]
        for lead in leads
    ]
