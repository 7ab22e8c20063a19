"""Recover structure from scraped plain text: date and title lines, headings, lists, flat tables.

Scraped pages lose their markup: headings become short plain lines, numbered lists become
"  1. ..." lines, and a two-column comparison table becomes its two header lines followed by rows in
which the two cells run together. This module turns such text back into `Block`s.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from bot.ingest.sentences import without_abbreviations
from bot.models import Block, Cell

_LIST_ITEM = re.compile(r"^\s*(?:(\d{1,3})[.)]|[-*•●▪◦])\s+(.+)$")
_TERMINAL = (".", "!", ",", ";", ":", "…")
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%m/%d/%Y")
_MAX_HEADING_WORDS = 14
_MAX_ITEM_WORDS = 40


@dataclass(frozen=True)
class PlainText:
    """What the plain-text reader found: optional date and title lines, and the body blocks."""

    date: str | None
    title: str | None
    blocks: list[Block]
    author: str | None = None


# A byline as sites print it: "By Dana Whitfield | March 3, 2026", "Written by Gavin Ostrander",
# "Posted on Feb 2, 2026 by Ana Ruiz". Names are two to four capitalised words.
_NAME = r"(?P<name>[A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){1,3}(?:,\s*[A-Z/]{2,}(?:/[A-Z])?)?)"
_BYLINE = re.compile(
    rf"^(?i:(?:(?:written|posted|published)\s+)?by)\s+{_NAME}\s*(?:[|·•,–—-]\s*(?P<date>.+))?$"
    rf"|^(?i:(?:posted|published)(?:\s+on)?)\s+(?P<date2>.+?)\s+(?i:by)\s+(?P<name2>[A-Z].+)$"
)


def parse_byline(line: str) -> tuple[str, str | None] | None:
    """The author (and ISO date, if given) of a byline line, or None for any other line.

    Example: "By Dana Whitfield | March 3, 2026" -> ("Dana Whitfield", "2026-03-03")
    """
    match = _BYLINE.match(line.strip())
    if not match or len(line.split()) > 16:
        return None
    name = (match.group("name") or match.group("name2") or "").strip()
    when = match.group("date") or match.group("date2")
    # "April 9, 2024 · Northbridge Staffing": the date is one of the parts.
    parts = re.split(r"\s+[|·•–—]\s+", when) if when else []
    return name, next((d for d in map(parse_date, parts) if d), None)


def parse_date(line: str) -> str | None:
    """Return the ISO form of a date written on its own line, or None.

    Example: "Sep 16, 2025" -> "2025-09-16"
    """
    text = line.strip().replace("Sept ", "Sep ")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _words(line: str) -> list[str]:
    return line.split()


def is_heading_like(line: str) -> bool:
    """A short line that starts with a capital and does not end like a sentence."""
    text = line.strip()
    if not text or _LIST_ITEM.match(line):
        return False
    words = _words(text)
    return (
        len(words) <= _MAX_HEADING_WORDS
        and not text.endswith(_TERMINAL)
        and (text[0].isupper() or text[0].isdigit())
        and ". " not in without_abbreviations(text)
    )


def _is_row_like(line: str) -> bool:
    text = line.strip()
    return (
        bool(text)
        and not _LIST_ITEM.match(line)
        and not text.endswith((".", "!", "?", ":"))
        and len(_words(text)) >= 4
    )


def _is_acronym_like(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return sum(c.isupper() for c in letters) > 1


_GLUED_CELL = re.compile(r"(?<=[a-z.,;)\"”’])(?=[A-Z][a-z])")


def split_row(line: str) -> tuple[str, str] | None:
    """Split a flattened two-column table row where the second cell begins.

    The second cell starts at a capitalised word (not an acronym); when several words qualify, the
    one that repeats the row's opening words wins ("Goals focus on ... Goals focus on ..."), then
    the one nearest the middle.

    Example: "Schedule often follows school calendar Year-round, with varied shifts"
        -> ("Schedule often follows school calendar", "Year-round, with varied shifts")
    """
    text = line.strip()
    # Cells scraped without a space between them ("...with the studentTherapist works..."): a
    # capital glued to the end of a word is where the second cell starts.
    glued = [m.start() for m in _GLUED_CELL.finditer(text)]
    if len(glued) == 1:
        return text[: glued[0]].strip(), text[glued[0] :].strip()
    tokens = text.split(" ")
    best: tuple[float, int] | None = None
    for i in range(2, len(tokens) - 1):
        token = tokens[i]
        if not token or not token[0].isupper() or _is_acronym_like(token):
            continue
        shared = 0
        while (
            i + shared < len(tokens)
            and shared < i
            and tokens[shared].lower() == tokens[i + shared].lower()
        ):
            shared += 1
        balance = -abs(i - (len(tokens) - i)) / len(tokens)
        score = shared * 10 + balance
        if best is None or score > best[0]:
            best = (score, i)
    if best is None:
        return None
    i = best[1]
    return " ".join(tokens[:i]), " ".join(tokens[i:])


def _table_at(lines: list[str], start: int) -> tuple[list[Block], int] | None:
    """Recognise a flattened two-column table whose header lines start at `start`.

    Returns the table's rows as blocks and the index of the first line after the table.
    """
    nonblank = [j for j in range(start, min(len(lines), start + 8)) if lines[j].strip()]
    if len(nonblank) < 4:
        return None
    h1, h2, first_row = nonblank[0], nonblank[1], nonblank[2]
    if not (is_heading_like(lines[h1]) and is_heading_like(lines[h2])):
        return None
    if len(_words(lines[h1])) > 5 or len(_words(lines[h2])) > 5:
        return None
    rows: list[str] = []
    j = first_row
    while j < len(lines) and _is_row_like(lines[j]):
        rows.append(lines[j].strip())
        j += 1
    if len(rows) < 2:
        return None
    headers = (lines[h1].strip(), lines[h2].strip())
    blocks: list[Block] = []
    for row in rows:
        cells = split_row(row)
        if cells is None:
            return None
        pair = (Cell(headers[0], cells[0]), Cell(headers[1], cells[1]))
        blocks.append(Block("table_row", row_statement(pair), cells=pair))
    return blocks, j


def row_statement(cells: tuple[Cell, ...]) -> str:
    """Render a table row as one statement that names every column.

    Example: (Cell("School-Based OT", "Works with children"), Cell("Clinical OT", "All ages"))
        -> "School-Based OT: Works with children; Clinical OT: All ages."
    """
    parts = [
        f"{cell.header}: {cell.text.rstrip('.')}" if cell.header else cell.text for cell in cells
    ]
    return "; ".join(parts) + "."


# A page number on a line of its own, as text copied out of a PDF keeps it: "Page 2 of 5",
# "- 3 -", "4/12".
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+\d+(?:\s+of\s+\d+)?|[-–—]\s*\d+\s*[-–—]|\d+\s*/\s*\d+)\s*$", re.I)
# A line of prose broken where the page's width ran out: it ends on a word or a comma, and the
# next line goes on in lower case (or the break cut a word at a hyphen).
_WRAPPED = re.compile(r"[\w,)”’'\"-]$")
_HYPHENATED = re.compile(r"([A-Za-z]+)-$")
# A text whose lines break like this this many times was wrapped to a width (a PDF's text, an
# e-mail): its paragraphs are runs of lines, not lines.
_MIN_WRAPS = 3


def unwrap(text: str) -> str:
    """Text copied out of a PDF or a fixed-width page, with one line per paragraph as a scraped
    page has it; other text unchanged.

    Page numbers and the running header or footer every page repeats are dropped (a line found on
    three pages or more, in a text that numbers its pages); lines broken at the page's width are
    joined into their paragraph, and a word split at a line's end is joined again: "rehabili-" /
    "tation" is "rehabilitation", "speech-" / "language" keeps its hyphen, since English writes
    "speech-language" but not "speechlanguage". A list item goes on its own line, as do the lines
    after a blank one.

    Example: "The VA runs one of the largest\nhealth systems in the country." -> one line.
    """
    lines = text.splitlines()
    breaks = sum(
        1
        for a, b in zip(lines, lines[1:], strict=False)
        if a.strip() and b.strip() and not _LIST_ITEM.match(b)
        and _WRAPPED.search(a.rstrip()) and b.strip()[0].islower()
    )
    if breaks < _MIN_WRAPS:
        return text
    if any(_PAGE_NUMBER.match(line) for line in lines):
        seen = Counter(line.strip() for line in lines if line.strip())
        running = {line for line, n in seen.items() if n >= 3 and len(line.split()) <= 12}
        lines = [
            line for line in lines if not _PAGE_NUMBER.match(line) and line.strip() not in running
        ]
    joined: list[str] = []
    previous = ""  # the line before, stripped ("" after a blank line)
    for line in lines:
        stripped = line.strip()
        if not stripped:
            joined.append("")
            previous = ""
            continue
        if previous and not _LIST_ITEM.match(line) and _continues(previous, stripped):
            joined[-1] = _join(joined[-1], stripped)
        else:
            joined.append(line.rstrip())
        previous = joined[-1].strip()
    return "\n".join(joined)


def _continues(previous: str, line: str) -> bool:
    """Does `line` go on with the paragraph (or list item) `previous` wrapped from? It does when
    `previous` stops short of a sentence's end, or `line` opens in lower case; not after a
    heading-like line in capitals, nor after a lead-in's colon."""
    if previous.endswith(":") or (previous.isupper() and not line[0].islower()):
        return False
    return not previous.endswith((".", "!", "?", "…")) or line[0].islower()


def _join(before: str, after: str) -> str:
    head = _HYPHENATED.search(before)
    tail = re.match(r"[a-z]+", after)
    if head is None or tail is None:
        return f"{before} {after}"
    from bot.answer.lexical import english_frequency  # wordfreq's word list, loaded on use

    whole = head.group(1) + tail.group(0)
    return before[:-1] + after if english_frequency(whole.lower()) > 0 else before + after


def parse_plain_text(text: str) -> PlainText:
    """Turn scraped plain text into blocks, reading a leading date line and title line."""
    lines = unwrap(text).splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    # The header: a date line, a title line and a byline, in the orders sites print them.
    date: str | None = None
    title: str | None = None
    author: str | None = None
    first = i  # the text's first line
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        byline = parse_byline(line) if author is None else None
        if date is None and parse_date(line):
            date = parse_date(line)
        elif byline is not None:
            author, date = byline[0], date or byline[1]
        elif (
            title is None
            and is_heading_like(line)
            and (
                date or author or _followed_by_byline(lines, i) or _followed_by_prose(lines, i)
                # the text's first line, over a subtitle or a first heading ("A career guide
                # for ...", "WHY VETERAN CARE"): a brochure's or a document's own title
                or (i == first and _followed_by_prose(lines, i, headings=2))
            )
        ):
            title = line.strip()
        else:
            break
        i += 1

    blocks: list[Block] = []
    listing = False  # after a lead-in: unmarked lines that do not end like sentences are items
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            # A blank line ends a flattened list, unless it comes before the first item.
            listing = listing and blocks[-1].kind == "lead_in"
            i += 1
            continue
        table = _table_at(lines, i)
        if table is not None:
            rows, i = table
            blocks.extend(rows)
            listing = False
            continue
        item = _LIST_ITEM.match(line)
        listing = listing and _is_item_like(stripped)
        if listing:
            blocks.append(Block("list_item", stripped))
        elif item:
            number = int(item.group(1)) if item.group(1) else None
            blocks.append(Block("list_item", item.group(2).strip(), number=number))
        elif stripped.endswith(":") and (
            len(_words(stripped)) <= 40 or _followed_by_item(lines, i)
        ):
            blocks.append(Block("lead_in", stripped))
            listing = True
        elif is_heading_like(stripped) and _has_content_after(lines, i):
            blocks.append(Block("heading", stripped))
        else:
            blocks.append(Block("paragraph", stripped))
        i += 1
    return PlainText(date=date, title=title, blocks=blocks, author=author)


def _is_item_like(text: str) -> bool:
    """A line of a list flattened by scraping: it does not end like a sentence and reads as
    one item ("Paying the application fee", "A criminal background check, in many states")."""
    return (
        not text.endswith((*_TERMINAL, "?"))
        and len(_words(text)) <= _MAX_ITEM_WORDS
        and (text[0].isupper() or text[0].isdigit())
        and ". " not in without_abbreviations(text)
    )


def _followed_by_item(lines: list[str], i: int) -> bool:
    """Is the next line an item of a list (marked, or flattened and short)?"""
    following = next((line.strip() for line in lines[i + 1 :] if line.strip()), "")
    return bool(following) and (bool(_LIST_ITEM.match(following)) or _is_item_like(following))


def _followed_by_byline(lines: list[str], i: int) -> bool:
    following = next((line for line in lines[i + 1 :] if line.strip()), "")
    return parse_byline(following) is not None


def _has_content_after(lines: list[str], i: int) -> bool:
    return any(line.strip() for line in lines[i + 1 :])


def _followed_by_prose(lines: list[str], i: int, headings: int = 0) -> bool:
    """Is the next line of text prose, after at most `headings` heading-like lines?"""
    for line in lines[i + 1 :]:
        if line.strip():
            if not is_heading_like(line):
                return True
            if headings == 0:
                return False
            headings -= 1
    return False
