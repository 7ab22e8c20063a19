"""Split a cleaned article into chunks by section, keeping lists with their lead-in and table rows
whole, never cutting a sentence, and carrying the metadata each citation needs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from bot.ingest.sentences import split_sentences
from bot.ingest.tagging import overall, setting_of
from bot.models import Article, Block, Chunk, Sentence, Setting


@dataclass
class _Unit:
    """Blocks that belong in one chunk if at all possible (a lead-in with its list)."""

    blocks: list[tuple[int, Block]] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(len(b.text.split()) for _, b in self.blocks)


def _render(block: Block) -> str:
    if block.kind == "list_item":
        return f"{block.number}. {block.text}" if block.number is not None else f"- {block.text}"
    return block.text


def _units(blocks: list[tuple[int, Block]], max_words: int) -> list[_Unit]:
    """Group a section's blocks into units: lead-in + its items, or one paragraph (split if long)."""
    units: list[_Unit] = []
    for index, block in blocks:
        continues_list = (
            block.kind in ("list_item", "table_row")
            and units
            and any(b.kind in ("lead_in", "list_item", "table_row") for _, b in units[-1].blocks)
        )
        if continues_list:
            units[-1].blocks.append((index, block))
        elif block.kind == "paragraph" and len(block.text.split()) > max_words:
            piece: list[str] = []
            for sentence in split_sentences(block.text):
                if piece and len(" ".join(piece + [sentence]).split()) > max_words:
                    units.append(_Unit([(index, Block("paragraph", " ".join(piece)))]))
                    piece = []
                piece.append(sentence)
            if piece:
                units.append(_Unit([(index, Block("paragraph", " ".join(piece)))]))
        else:
            units.append(_Unit([(index, block)]))
    # A list longer than a chunk is split, each part led by the list's lead-in.
    sized: list[_Unit] = []
    for unit in units:
        if unit.words <= max_words or len(unit.blocks) == 1:
            sized.append(unit)
            continue
        lead = unit.blocks[0] if unit.blocks[0][1].kind == "lead_in" else None
        part = _Unit([lead] if lead else [])
        for item in unit.blocks[1 if lead else 0 :]:
            if part.words + len(item[1].text.split()) > max_words and len(part.blocks) > (
                1 if lead else 0
            ):
                sized.append(part)
                part = _Unit([lead] if lead else [])
            part.blocks.append(item)
        sized.append(part)
    return sized


def _sentences(
    blocks: list[tuple[int, Block]], orphans: frozenset[int], context: Setting
) -> list[Sentence]:
    result: list[Sentence] = []
    row = 0
    for index, block in blocks:
        if block.kind == "table_row":
            for cell in block.cells:
                setting = setting_of(cell.header)
                result.append(
                    Sentence(
                        cell.text,
                        "table_cell",
                        setting if setting != "general" else context,
                        label=cell.header,
                        row=row,
                        block=index,
                    )
                )
            row += 1
            continue
        if block.kind == "list_item":
            own = setting_of(block.text)
            result.append(
                Sentence(block.text, "list_item", own if own != "general" else context, block=index)
            )
            continue
        if block.kind == "heading":
            continue
        parts = split_sentences(block.text)
        for position, text in enumerate(parts):
            last = position == len(parts) - 1
            own = setting_of(text)
            result.append(
                Sentence(
                    text,
                    "lead_in"
                    if block.kind == "lead_in" and last and text.endswith(":")
                    else "sentence",
                    own if own != "general" else context,
                    announces_missing_list=index in orphans and last,
                    block=index,
                )
            )
        if block.kind == "lead_in":
            lead_setting = setting_of(block.text)
            context = lead_setting if lead_setting != "general" else context
    return result


# Bump when what gets embedded, or how its sentences are tagged, changes: every chunk is
# embedded and stored again.
EMBEDDING_SCHEME = "4"


def chunk_id(source: str, embedding_text: str) -> str:
    """Deterministic id: a hash of the article path and exactly what gets embedded."""
    return hashlib.sha256(f"{EMBEDDING_SCHEME}\n{source}\n{embedding_text}".encode()).hexdigest()[
        :24
    ]


def list_head(chunk: Chunk, index: int) -> int:
    """Position of the sentence just before the run of list items that holds `index` (its
    lead-in, if it has one); -1 when the list opens the chunk."""
    position = index - 1
    while position >= 0 and chunk.sentences[position].kind == "list_item":
        position -= 1
    return position


def list_items(chunk: Chunk, index: int) -> list[int]:
    """The positions of the list items in the run that holds `index`."""
    start = list_head(chunk, index) + 1
    end = start
    while end < len(chunk.sentences) and chunk.sentences[end].kind == "list_item":
        end += 1
    return list(range(start, end))


def lead_in_of(chunk: Chunk, index: int, whole: bool = False) -> str:
    """The lead-in ("Advantages of school based OT:") that the list item at `index` belongs to.

    With `whole`, the lead-in's full paragraph ("At Aequor, we ... Whether you're seeking:").
    A list right under a heading ("Benefits of travel therapy") is led by that heading.
    Anything but a list item has no lead-in.
    """
    if chunk.sentences[index].kind != "list_item":
        return ""
    head = list_head(chunk, index)
    if head >= 0:
        sentence = chunk.sentences[head]
        if sentence.kind != "lead_in":
            return ""
        if not whole:
            return sentence.text
        same = [s.text for s in chunk.sentences[: head + 1] if s.block == sentence.block]
        return " ".join(same)
    under_heading = chunk.text.startswith(f"{chunk.section}\n")
    return (
        f"{chunk.section}:" if under_heading and chunk.sentences[index].kind == "list_item" else ""
    )


def sentence_embedding_text(chunk: Chunk, index: int) -> str:
    """What the model reads for one sentence: with the words that give it its meaning.

    A list item is read with its lead-in, a table cell with its column header and the section.
    Example: "Advantages of clinical/healthcare OT: Exposure to a wide variety of cases ..."
    """
    sentence = chunk.sentences[index]
    if sentence.kind == "list_item":
        lead = lead_in_of(chunk, index, whole=True)
        return f"{lead} {sentence.text}" if lead else sentence.text
    if sentence.kind == "table_cell":
        return f"{chunk.section}. {sentence.label}: {sentence.text}"
    return sentence.text


INTRODUCTION = "Introduction"  # the section before an article's first heading


def has_heading(section: str) -> bool:
    """Is this section named by the article's own heading (not "Introduction", "Paragraphs 3–5")?"""
    return section != INTRODUCTION and not re.match(r"Paragraphs? \d", section)


# Between the headings of a sub-section's path: "Education Requirements › Occupational Therapist".
PATH_JOIN = " › "


def _heading_path(above: list[Block], heading: Block) -> str:
    """A heading with the headings it stands under (not the article's level-1 title), so that
    a sub-section's chunk carries its parent's subject: "Occupational Therapy Assistant" under
    "Education Requirements" is about the assistant's education. `above` is updated in place.
    Headings of unknown level (plain text) stand alone."""
    if heading.level <= 0:
        above.clear()
        return heading.text
    while above and above[-1].level >= heading.level:
        above.pop()
    path = [h.text for h in above if h.level > 1] + [heading.text]
    above.append(heading)
    return PATH_JOIN.join(path)


def split(article: Article, max_words: int = 140) -> list[Chunk]:
    """Chunks of an article, in reading order.

    Sections follow the article's headings; where an article has no headings, the section is named
    after the paragraphs it covers ("Paragraphs 3–5"), so a reader can find the passage.
    """
    sections: list[tuple[str | None, list[tuple[int, Block]]]] = [(None, [])]
    above: list[Block] = []  # the headings a sub-heading stands under, outermost first
    for index, block in enumerate(article.blocks):
        if block.kind == "heading":
            sections.append((_heading_path(above, block), []))
        else:
            sections[-1][1].append((index, block))

    chunks: list[Chunk] = []
    seen: set[str] = set()
    paragraph_number = {
        i: n
        for n, (i, _) in enumerate(
            ((i, b) for i, b in enumerate(article.blocks) if b.kind != "heading"), start=1
        )
    }
    for heading, blocks in sections:
        if not blocks:
            continue
        context = setting_of(heading) if heading else "general"
        packed: list[list[tuple[int, Block]]] = [[]]
        for unit in _units(blocks, max_words):
            current_words = sum(len(b.text.split()) for _, b in packed[-1])
            if packed[-1] and current_words + unit.words > max_words:
                packed.append([])
            packed[-1].extend(unit.blocks)
        for group in packed:
            if not group:
                continue
            lines = ([heading] if heading else []) + [_render(b) for _, b in group]
            text = "\n".join(lines)
            if heading:
                section = heading
            elif len(sections) > 1:
                section = INTRODUCTION
            else:
                first, last = paragraph_number[group[0][0]], paragraph_number[group[-1][0]]
                section = f"Paragraph {first}" if first == last else f"Paragraphs {first}–{last}"
            sentences = _sentences(group, article.orphan_blocks, context)
            setting = overall([s.setting for s in sentences])
            embedding_text = f"{article.title}\n{section}\n{text}"
            identifier = chunk_id(article.source, embedding_text)
            while identifier in seen:  # the same passage twice in one article
                identifier = chunk_id(article.source, identifier + embedding_text)
            seen.add(identifier)
            chunks.append(
                Chunk(
                    id=identifier,
                    source=article.source,
                    title=article.title,
                    publisher=article.publisher,
                    date=article.date,
                    url=article.url,
                    section=section,
                    setting=setting,
                    position=len(chunks),
                    text=text,
                    sentences=tuple(sentences),
                )
            )
    return chunks
