"""Remove site furniture and find structural gaps in an article's blocks.

Furniture is the page around the article: newsletter boxes, share buttons, related-post titles.
It is dropped so it is never answered from. Structural gaps are what the article promises but does
not contain (a list announced and missing, an empty section); they are kept for the coverage report,
and the announcing sentences are flagged so the answerer never presents them as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.ingest.sentences import split_sentences
from bot.models import Block, StructuralGap

# A block matching one of these starts the page's tail: it and the short blocks after it go.
_TAIL_MARKERS = re.compile(
    r"^(get the latest updates|related (posts|articles|stories|reading)|recent posts|"
    r"popular posts|you (may|might) also like|more (articles|posts|from)|read next|"
    r"(subscribe|sign up)( to| for)?( our)? (newsletter|updates|blog)|"
    r"join our (newsletter|mailing list|talent network|community)|share this( post| article)?:?|"
    r"leave a (comment|reply)|about the authors?|"
    r"previous (post|article)|next (post|article)|comments? \(\d+\)|\d+ comments?)\b",
    re.IGNORECASE,
)
# Lines that are furniture wherever they stand.
_FURNITURE_LINES = re.compile(
    r"^(share( on)?( facebook| twitter| linkedin| x| email)?:?|tweet|print|email|copy link|"
    r"subscribe|email address|view all posts by .{0,60}|"
    r"back to top|read more|click here|skip to (main )?content|"
    r"you'll be the first to know.*|you will be the first to know.*|"
    r"(posted|published|written) (on|by|in) .{0,60}|"
    r"(tags|categories|category|filed under|topics): .{0,120}|(\d+ )?min(ute)? read|"
    r"we use cookies.*|accept( all)? cookies|"
    r"(©|copyright ©?\s*\d{4}|\(c\)\s*\d{4}).{0,200}|"  # "© 2025 Site. All rights reserved."
    r"((facebook|twitter|linkedin|instagram|pinterest|youtube|email)[\s|,·•/]*)+|"
    # a forum's or help page's buttons: "Reply | Quote | Report", "Was this helpful? Yes / No"
    r"((reply|quote|report|like|flag|permalink|upvote|downvote)[\s|,·•/]*){2,}|"
    r"(was this (article |answer |post |page )?helpful\??|helpful\?)([\s|/·•]*(yes|no)){0,2})$",
    re.IGNORECASE,
)
# A question-and-answer page's labels: "Q: What does ...?" heads the answer "A: It ...".
_QUESTION_LABEL = re.compile(r"^(?:Q|Question)\s*[:.]\s+(?P<text>.+\?)$")
_ANSWER_LABEL = re.compile(r"^(?:A|Answer)\s*[:.]\s+(?=\S)")
# A label alone before the page's tag links ("Tags:" then "Mental Health , Careers").
_TAGS_LABEL = re.compile(r"^(tags|categories|filed under|topics):$", re.IGNORECASE)
# An author box: "About Marisol Okafor", then a bio that starts with her name.
_ABOUT_NAME = re.compile(r"^About (?P<first>[A-Z][a-z]+)( [A-Z][\w'-]+){1,2}$")
# An author line ("By Jane Doe | March 3, 2025"): case matters, so "By working in schools" stays.
_BYLINE = re.compile(r"^By [A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3}( [|•·-] .{0,40})?$")
_SHORT_TAIL_WORDS = 20

# A one-sentence paragraph with one of these announces a list; without the list, it is a gap.
_ANNOUNCES_LIST = re.compile(
    r"\b(multiple(?!-)|several|a (wide )?(range|variety|number) of|various|the following|"
    r"a few (key )?\w+s|key (factors|areas|skills|benefits|steps|domains|duties))\b",
    re.IGNORECASE,
)
_FOLLOWING_REFERENCE = re.compile(r"^(these|those|such|the above)\b", re.IGNORECASE)
# A list flattened into paragraphs, each item still led by its label ("Salaried: a fixed annual
# amount, ..."; "Hourly: common for PRN ..."): the list is there.
_LABELLED_ITEM = re.compile(r"^[A-Z][\w'’/-]*(?: [\w'’/-]+){0,3}: \S")


@dataclass(frozen=True)
class Cleaned:
    """Blocks without furniture, the gaps found, and which blocks announce a missing list."""

    blocks: tuple[Block, ...]
    gaps: tuple[StructuralGap, ...]
    orphan_blocks: frozenset[int]


def _word_count(text: str) -> int:
    return len(text.split())


def drop_furniture(blocks: list[Block]) -> list[Block]:
    """Drop furniture lines, and from a tail marker on, the short blocks that follow it.

    Example: [..., heading "Get the Latest Updates", paragraph "You'll be the first to know...",
    heading "Debunking Myths About Contract Education Staffing"] -> [...]
    """
    kept: list[Block] = []
    in_tail = False
    after_author = False
    for n, block in enumerate(blocks):
        text = block.text.strip()
        about = _ABOUT_NAME.match(text) if block.kind == "heading" else None
        following = blocks[n + 1].text if n + 1 < len(blocks) else ""
        bio = about is not None and (
            following.startswith(text.removeprefix("About "))
            or re.match(rf"{about.group('first')} (is|was|has|works|worked|joined)\b", following)
        )
        if _TAGS_LABEL.match(text) or bio:
            in_tail = True
            after_author = bool(about)
            continue
        # A sidebar scraped beside the article reads as a table whose columns are furniture
        # ("Subscribe" | "You may also like").
        headers = [cell.header.strip() for cell in block.cells]
        if _TAIL_MARKERS.match(text) or any(_TAIL_MARKERS.match(h) for h in headers):
            in_tail = True
            after_author = text.lower().startswith("about the author")
            continue
        if any(_FURNITURE_LINES.match(h) for h in headers):
            continue
        if after_author:  # the author's bio, however long
            after_author = False
            continue
        if in_tail:
            if _word_count(text) <= _SHORT_TAIL_WORDS and block.kind != "table_row":
                continue
            in_tail = False
        if _FURNITURE_LINES.match(text) or _BYLINE.match(text):
            continue
        kept.append(block)
    return kept


def read_question_labels(blocks: list[Block]) -> list[Block]:
    """On a page of questions and answers ("Q: ..." then "A: ..."), each question is the heading
    of its answer and the labels go; a page with one "Q:" line alone is left as it is.

    Example: [paragraph "Q: Where do feeding OTs work?", paragraph "A: Common settings ..."] ->
    [heading "Where do feeding OTs work?", paragraph "Common settings ..."]
    """
    questions = {
        i: found for i, b in enumerate(blocks) if (found := _QUESTION_LABEL.match(b.text.strip()))
    }
    if len(questions) < 2:
        return blocks
    read: list[Block] = []
    level = 0
    for i, block in enumerate(blocks):
        if i in questions:
            # Under the page's own headings, a question is a sub-heading.
            read.append(replace(block, kind="heading", text=questions[i]["text"], cells=(),
                                level=level + 1 if level else 0))
            continue
        if block.kind == "heading" and block.level:
            level = block.level
        read.append(replace(block, text=_ANSWER_LABEL.sub("", block.text.strip(), count=1)))
    return read


def _announces_missing_list(blocks: list[Block], i: int) -> bool:
    block = blocks[i]
    following = blocks[i + 1] if i + 1 < len(blocks) else None
    has_list_after = following is not None and (
        following.kind in ("list_item", "table_row")
        or (following.kind == "paragraph" and bool(_LABELLED_ITEM.match(following.text)))
    )
    if block.kind == "lead_in":
        return not has_list_after
    if block.kind != "paragraph" or has_list_after:
        return False
    sentences = split_sentences(block.text)
    if len(sentences) != 1 or block.text.count(",") >= 2:
        return False
    referenced = following is not None and bool(_FOLLOWING_REFERENCE.match(following.text))
    return bool(_ANNOUNCES_LIST.search(block.text)) or (
        referenced and _word_count(block.text) <= 20
    )


def clean(source: str, blocks: list[Block], date: str | None) -> Cleaned:
    """Remove furniture and report structural gaps for one article's blocks."""
    kept = read_question_labels(drop_furniture(blocks))
    gaps: list[StructuralGap] = []
    orphans: set[int] = set()
    for i, block in enumerate(kept):
        if _announces_missing_list(kept, i):
            orphans.add(i)
            gaps.append(StructuralGap(source, "missing_list", block.text))
        if block.kind == "heading":
            following = kept[i + 1] if i + 1 < len(kept) else None
            # A heading whose sub-headings hold its text is not empty (<h2> then <h3>).
            sub = following is not None and 0 < block.level < following.level
            if following is None or (following.kind == "heading" and not sub):
                gaps.append(StructuralGap(source, "empty_section", block.text))
    if not date:
        gaps.append(StructuralGap(source, "no_date", "The article has no publication date."))
    return Cleaned(tuple(kept), tuple(gaps), frozenset(orphans))
