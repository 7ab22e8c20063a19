"""Typed values passed between the pipeline stages: Article -> Chunk -> Hit -> Answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote, urlsplit

BlockKind = Literal["heading", "paragraph", "lead_in", "list_item", "table_row"]
Setting = Literal["school", "clinical", "both", "general"]


@dataclass(frozen=True)
class Cell:
    """One cell of a comparison table, with the column header it sits under."""

    header: str
    text: str


@dataclass(frozen=True)
class Block:
    """A structural unit of an article after cleaning.

    `text` is verbatim article text (for a table row, the cells joined with their headers).
    """

    kind: BlockKind
    text: str
    cells: tuple[Cell, ...] = ()
    number: int | None = None  # position in a numbered list
    level: int = 0  # a heading's level (1 for <h1>) where the format gives one, else 0


@dataclass(frozen=True)
class StructuralGap:
    """Something the article promises but does not deliver, found while ingesting."""

    source: str
    kind: Literal["missing_list", "empty_section", "no_date"]
    text: str


@dataclass(frozen=True)
class Article:
    """A cleaned article: metadata plus its structure, ready to be chunked."""

    source: str  # path relative to the corpus directory, e.g. "000_school_vs_clinic.txt"
    title: str
    publisher: str
    date: str | None  # ISO date (YYYY-MM-DD) when known
    url: str | None
    tags: tuple[str, ...]
    blocks: tuple[Block, ...]
    gaps: tuple[StructuralGap, ...] = ()
    # Indexes into `blocks` of sentences/leads that announce a list the article does not contain.
    orphan_blocks: frozenset[int] = field(default_factory=frozenset)


SentenceKind = Literal["sentence", "list_item", "lead_in", "table_cell"]


@dataclass(frozen=True)
class Sentence:
    """The smallest citable unit: one sentence, list item or table cell, verbatim from the article."""

    text: str
    kind: SentenceKind
    setting: Setting
    label: str = ""  # table column header ("School-Based OT") for a table cell
    row: int | None = None  # index of the table row within the chunk, for side-by-side answers
    announces_missing_list: bool = False
    block: int = -1  # index of the article block (paragraph, list item, row) it comes from


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of one article section, with everything a citation needs."""

    id: str
    source: str
    title: str
    publisher: str
    date: str | None
    url: str | None
    section: str
    setting: Setting
    position: int  # order of the chunk within its article
    text: str
    sentences: tuple[Sentence, ...]

    @property
    def embedding_text(self) -> str:
        """What the embedding model reads: the text with its title and section for context."""
        return f"{self.title}\n{self.section}\n{self.text}"


@dataclass(frozen=True)
class Source:
    """Where a piece of an answer comes from: a chunk and the exact words quoted from it."""

    chunk_id: str
    quote: str
    score: float = 0.0


@dataclass(frozen=True)
class Part:
    """A piece of a statement: `context` (article words, e.g. a list's lead-in) then supported text."""

    text: str
    source: Source | None
    context: str = ""


@dataclass(frozen=True)
class Statement:
    """One point of an answer; each part carries its own source, so comparisons sit side by side."""

    parts: tuple[Part, ...]
    group: str = ""  # the section it came from, for grouping recruiter drafts
    layout: Literal["sentences", "list", "row"] = "sentences"  # how the parts are joined


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer, with the exact supporting quote and the chunk it is in."""

    n: int
    title: str
    publisher: str
    source: str
    section: str
    quote: str
    chunk: str
    score: float
    url: str | None = None
    date: str | None = None  # the article's date, when it gives one: how current the quote is

    @property
    def heading(self) -> str:
        """The section as a reader can find it in the article: its own heading, or "" for a
        section named only by us ("Paragraphs 6–9" of an article without headings)."""
        from bot.ingest.chunking import has_heading  # the models come first: no import cycle

        return self.section if has_heading(self.section) else ""


Mode = Literal["candidate", "recruiter"]
Detail = Literal["short", "standard", "detailed"]


@dataclass(frozen=True)
class Answer:
    """What the bot says to one question, whatever produced it."""

    question: str
    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    timings_ms: dict[str, float]
    mode: Mode = "candidate"
    standalone_question: str = ""
    id: object = None
    # Parts of a message asking several things that the articles do not answer (the answer
    # names them and offers a recruiter); empty for a message asking one thing.
    uncovered: tuple[str, ...] = ()
    # Does the answer offer to connect the person with a recruiter? (Not for a medical question,
    # a parent's question about their own child, or small talk: the web chat shows the
    # "Talk to a recruiter" button under an answer only when it does.)
    offers_recruiter: bool = False

    def to_json(self) -> dict[str, object]:
        """The answer JSON contract (extra keys `mode`, `standalone_question`, `uncovered` and
        `offers_recruiter` come last)."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [
                {
                    "n": c.n,
                    "title": c.title,
                    "publisher": c.publisher,
                    "source": c.source,
                    "section": c.section,
                    "quote": c.quote,
                    "chunk": c.chunk,
                    "score": round(c.score, 4),
                    "url": c.url,
                    "date": c.date,
                }
                for c in self.citations
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "mode": self.mode,
            "standalone_question": self.standalone_question,
            "uncovered": list(self.uncovered),
            "offers_recruiter": self.offers_recruiter,
        }


def web_url(value: object) -> str | None:
    """`value` if it is an http(s) address (characters that could end a Markdown link escaped),
    else None: an article's metadata may hold anything, and a link is only ever to the web."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe=":/?#[]@!$&'*+,;=%~.-_")

