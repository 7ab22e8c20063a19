"""Lay verified statements out as the reader sees them, numbering citations as they appear."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bot.ingest.chunking import has_heading
from bot.models import Chunk, Citation, Mode, Statement
from bot.prompts import AnswerWording

_MARKER = re.compile(r"\[(\d+)\]")
# An article's own reference marks ("... dim lighting [2].") point at its bibliography, which the
# answer does not carry: they are left out of the answer's text (the quote keeps them), so only
# the answer's own [n] markers remain.
_ARTICLE_MARKS = re.compile(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]")


def _shown(text: str) -> str:
    return _ARTICLE_MARKS.sub("", text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def source_groups(citations: Iterable[Citation]) -> dict[tuple[str, str, str, str, str], list[int]]:
    """A recruiter draft's sources: one line per article section cited, with every marker that
    points into it ("[3, 4, 5] Title"), keyed (title, publisher, date, section, url), "" where
    there is none. A section named only after its paragraphs ("Paragraphs 32–37") means nothing
    in an e-mail: such points are listed under the article alone. The article's date tells the
    reader how current a rule or status may be."""
    groups: dict[tuple[str, str, str, str, str], list[int]] = {}
    for c in citations:
        groups.setdefault((c.title, c.publisher, c.date or "", c.heading, c.url or ""), []).append(c.n)
    return groups


class _Numbering:
    """Citation numbers in order of first appearance; one number per (chunk, quote)."""

    def __init__(self, chunks: Mapping[str, Chunk]) -> None:
        self.chunks = chunks
        self.numbers: dict[tuple[str, str], int] = {}
        self.citations: list[Citation] = []

    def number(self, chunk_id: str, quote: str, score: float) -> int:
        key = (chunk_id, quote)
        if key not in self.numbers:
            chunk = self.chunks[chunk_id]
            n = len(self.citations) + 1
            self.numbers[key] = n
            self.citations.append(
                Citation(
                    n=n,
                    title=chunk.title,
                    publisher=chunk.publisher,
                    source=chunk.source,
                    section=chunk.section,
                    quote=quote,
                    chunk=chunk.text,
                    score=score,
                    url=chunk.url,
                    date=chunk.date,
                )
            )
        return self.numbers[key]


def _statement_text(statement: Statement, numbering: _Numbering) -> str:
    """One statement as text; a list of three or more items, or of items with labels of their
    own ("Supporting IEP goals: Most therapy..."), becomes a lead-in and bullets: run on with
    "; " they read as one line of colons."""
    pieces = []
    for part in statement.parts:
        assert part.source is not None, "render only verified statements"
        n = numbering.number(part.source.chunk_id, part.source.quote, part.source.score)
        body = _shown(part.text).strip()
        if statement.layout != "sentences":
            body = body.rstrip(".")
        # The marker goes before a sentence's full stop, as it does before an item's "; ".
        marked = f"{body[:-1]} [{n}]." if body.endswith(".") else f"{body} [{n}]"
        pieces.append((_shown(part.context), marked))
    if statement.layout == "sentences":
        return _cap(" ".join(context + body for context, body in pieces))
    if statement.layout == "list" and (
        len(pieces) >= 3 or (len(pieces) == 2 and any(":" in body for _, body in pieces))
    ):
        lead = pieces[0][0].strip()
        items = "\n".join(f"- {_cap(body)}" for _, body in pieces)
        return f"{_cap(lead)}\n{items}" if lead else items
    joined = _cap("; ".join(context + body for context, body in pieces))
    return joined if re.search(r"[?!] \[\d+\]$", joined) else joined + "."  # "...summer? [2]"


def _is_block(text: str) -> bool:
    return "\n" in text


def _heading_of(statement: Statement, chunks: Mapping[str, Chunk]) -> str:
    """What a recruiter's draft groups a statement under: its section's heading, or for an
    article without headings ("Paragraphs 3–5", "Introduction") the article's title, so that its
    points never read as part of another article's section."""
    if has_heading(statement.group):
        return statement.group
    source = next((p.source for p in statement.parts if p.source), None)
    chunk = chunks.get(source.chunk_id) if source else None
    return chunk.title if chunk else ""


def render(
    statements: tuple[Statement, ...],
    mode: Mode,
    comparison: bool,
    yes_no: bool,
    wording: AnswerWording,
    chunks: Mapping[str, Chunk],
    tone: str | None = None,
    breaks: tuple[int, ...] = (),
    unmentioned: tuple[str, ...] = (),
) -> tuple[str, tuple[Citation, ...]]:
    """Answer text with [n] markers, and the citations those markers point to. `breaks` are
    the statements that begin the answer to another part of the message: a candidate's
    paragraph ends before each. `unmentioned` are names the question gives that the articles
    never use ("Mayo Clinic"): the answer says so before what they say in general."""
    names = " or ".join(unmentioned)
    numbering = _Numbering(chunks)
    lines = [_statement_text(s, numbering) for s in statements]
    if mode == "candidate":
        lead = (
            wording.candidate.lead_comparison
            if comparison
            else wording.candidate.lead_yes_no
            if yes_no
            else wording.candidate.lead
        )
        if names and wording.candidate.lead_unmentioned:
            lead = wording.candidate.lead_unmentioned.format(names=names)
        if any(_is_block(line) for line in lines):
            text = "\n\n".join([lead, *lines])
        elif comparison or any(s.layout == "row" for s in statements):
            body = "\n".join(f"- {line}" for line in lines)
            text = f"{lead}\n\n{body}"
        else:
            bounds = [0, *breaks, len(lines)]
            paragraphs = [" ".join(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
            text = f"{lead}\n\n" + "\n\n".join(p for p in paragraphs if p)
    else:
        voice = wording.recruiter.tone(tone)
        opening = voice.opening_comparison if comparison else voice.opening
        out = [opening, ""]
        if names and wording.recruiter.unmentioned:
            note = wording.recruiter.unmentioned.format(names=names)
            out = [f"{wording.recruiter.note_for_recruiter}: {note}", "", *out]
        current = None
        for statement, line in zip(statements, lines, strict=True):
            group = _heading_of(statement, chunks)
            if group and group != current:
                out += ["", f"**{group}**"] if current is not None else [f"**{group}**"]
                current = group
            if _is_block(line):
                lead, items = line.split("\n", 1)
                if lead.rstrip(":").strip().lower() == group.strip().lower():
                    line = items  # a list led by its heading: the heading above says it
            out.append(line if _is_block(line) else f"- {line}")
        out += ["", voice.closing, "", f"{wording.recruiter.sources_heading}:"]
        for (title, publisher, dated, section, url), numbers in source_groups(
            numbering.citations
        ).items():
            markers = ", ".join(str(n) for n in numbers)
            link = f" ({url})" if url else ""  # a corpus file name means nothing to a reader
            when = f", {dated}" if dated else ""
            where = f", section “{section}”" if section else ""
            out.append(f"[{markers}] {title} — {publisher}{when}{where}{link}")
        text = "\n".join(out)
    check_markers(text, numbering.citations)
    return text, tuple(numbering.citations)


def refusal(
    mode: Mode,
    wording: AnswerWording,
    topic_handoff: str = "",
    offer_recruiter: bool = True,
    recruiter_note: str = "",
) -> str:
    """The honest "not covered" reply, with the topic's own line (if any) and, for a candidate,
    the recruiter handoff (a recruiter drafting a reply needs no recruiter offered, and a medical
    question needs a doctor, which the topic's line says). A recruiter reads the topic's own
    `recruiter_note` instead, when it has one: it speaks to them, not to the candidate."""
    if mode == "recruiter" and recruiter_note:
        return recruiter_note
    message = wording.refusal.candidate if mode == "candidate" else wording.refusal.recruiter
    offer = wording.refusal.handoff if mode == "candidate" and offer_recruiter else ""
    return " ".join(part for part in (message, topic_handoff, offer) if part)


def nearest(
    statement: Statement,
    mode: Mode,
    wording: AnswerWording,
    chunks: Mapping[str, Chunk],
    handoff: str | None = None,
    tone: str | None = None,
    unmentioned: tuple[str, ...] = (),
) -> tuple[str, tuple[Citation, ...]]:
    """A refusal that shows the closest passage, cited, as what it is: not an answer. A candidate
    is offered a recruiter as with any refusal (or given `handoff` instead); a recruiter gets the
    passage as a draft in their tone under a note to check it before sending. Names the question
    gives that the articles never use (`unmentioned`) are said to be why."""
    refusal = wording.refusal
    names = " or ".join(unmentioned)
    if mode == "recruiter":
        note = refusal.nearest_recruiter
        if names and refusal.nearest_unmentioned_recruiter:
            note = refusal.nearest_unmentioned_recruiter.format(names=names)
        draft, citations = render((statement,), mode, False, False, wording, chunks, tone)
        return f"{note}\n\n{draft}", citations
    handoff = refusal.handoff if handoff is None else handoff
    numbering = _Numbering(chunks)
    quoted = _statement_text(statement, numbering)
    lead = refusal.nearest_candidate
    if names and refusal.nearest_unmentioned_candidate:
        lead = refusal.nearest_unmentioned_candidate.format(names=names)
    text = f"{lead}\n\n{quoted}\n\n{handoff}"
    check_markers(text, numbering.citations)
    return text, tuple(numbering.citations)


def uncovered(
    text: str,
    parts: tuple[str, ...],
    mode: Mode,
    wording: AnswerWording,
    handoffs: tuple[str, ...] = (),
    offer: str | None = None,
) -> str:
    """An answer to some parts of a message, saying which parts the articles do not answer (and
    what their policy topics say instead, `handoffs`): after a candidate's answer, with `offer`
    (by default the recruiter offer; "" for none); above a recruiter's draft, as a note for the
    recruiter (the draft below it is ready to send)."""
    named = ", ".join(f"“{p.strip().rstrip('?.!')}”" for p in parts)
    if mode == "candidate":
        line = wording.refusal.part_candidate.format(parts=named)
        closing = wording.refusal.handoff if offer is None else offer
        return " ".join(w for w in [f"{text}\n\n{line}", *handoffs, closing] if w)
    line = wording.refusal.part_recruiter.format(parts=named)
    return f"{wording.recruiter.note_for_recruiter}: {' '.join([line, *handoffs])}\n\n{text}"


def check_markers(text: str, citations: list[Citation] | tuple[Citation, ...]) -> None:
    """Every [n] in the text has a citation and every citation is used: nothing dangles."""
    used = {int(n) for n in _MARKER.findall(text)}
    numbers = {c.n for c in citations}
    if used != numbers:
        raise AssertionError(
            f"citation markers {sorted(used)} do not match citations {sorted(numbers)}"
        )
