"""The offline answerer: compose an answer from the articles' own passages, or refuse.

`scoring` has ranked the passages and measured the evidence; here the calibrated decision says
whether to answer at all, and the best non-redundant passages within the answer's word budget
become its statements: comparison rows side by side, list items under their lead-in, a
paragraph's best sentences. It never writes a claim of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from bot.answer.lexical import tokens
from bot.answer.refusal import sigmoid
from bot.answer.retrieval import Hit, Library
from bot.answer.rewriting import policy_text
from bot.answer.scope import Glossary
from bot.answer.scoring import (
    EVIDENCE_SENTENCES,
    AnswerPolicy,
    Candidate,
    Passage,
    Scored,
    coverage,
    evidence_signals,
    evidence_text,
    is_question,
    score_evidence,
)
from bot.answer.verification import CONTEXT_JOIN
from bot.ingest.chunking import has_heading, lead_in_of, list_head, list_items
from bot.ingest.embedding import Vectors
from bot.ingest.plaintext import row_statement
from bot.ingest.tagging import SIDES, is_comparison
from bot.models import Cell, Chunk, Detail, Mode, Part, Sentence, Source, Statement

# How many of the best sentences a generative answerer is given to word an answer from.
EVIDENCE_FOR_MODEL = 8
# For a comparison, a passage on the side not yet covered joins within this much of the best
# logit, or when the ranker finds it more likely than not to answer (logit >= 0) on its own.
COMPARISON_MARGIN = 1.0
# Two sentences this close in meaning say the same thing: an answer quotes one of them.
REDUNDANT_COSINE = 0.9
# Words of a publisher's name that do not name it on their own ("Therapy Staffing, LLC").
_NAME_FILLER = frozenset(
    "the and of a an llc inc co ltd group services partners staffing therapy rehab health "
    "healthcare allied care ms otr/l otr ot".split()
)


@dataclass(frozen=True)
class Composition:
    """The composer's result: the statements, and the evidence behind the answer/refuse decision."""

    statements: tuple[Statement, ...]
    relevance: float
    refused: bool
    comparison: bool
    similarity: float = 0.0  # best sentence's cosine similarity with the question
    coverage: float = 0.0  # share of the question's words found in the best evidence
    evidence: tuple[Candidate, ...] = ()  # the best sentences, for a generative answerer
    signals: dict[str, float] | None = None  # what the answer/refuse decision was made from
    nearest: Statement | None = None  # a refusal near the floor: the closest passage, shown as such


def _source(candidate_chunk: Chunk, sentence: Sentence, score: float) -> Source:
    return Source(candidate_chunk.id, sentence.text, score)


def _row_statement(
    chunk: Chunk, members: tuple[Candidate, ...], other: str | None = None
) -> Statement:
    """A comparison-table row, its columns side by side, each cell cited with its own score
    (a cell that was not scored, the row's lowest). A question about one setting only (`other`
    is the setting it is not about) gets that setting's cell: "do clinical OTs get summers off?"
    is answered "Clinical/Healthcare OT: Year-round...", not with the school's calendar too."""
    scores = {m.index: m.score for m in members}
    lowest, row = min(scores.values()), members[0].sentence.row
    cells = [
        (i, s) for i, s in enumerate(chunk.sentences) if s.kind == "table_cell" and s.row == row
    ]
    # A table of three columns or more names each row in its first ("Factor | SNF | Home
    # health"): the name leads the row, as a list's lead-in leads its items, uncited. A table
    # whose first column has no header keeps the name in its row's text only ("Funding — ...").
    name = ""
    if len(cells) >= 3:
        name, cells = f"{cells[0][1].text.rstrip('.:')}{CONTEXT_JOIN}", cells[1:]
    elif named := _row_name(chunk, [s for _, s in cells]):
        name = f"{named}{CONTEXT_JOIN}"
    if other and len(cells) == 2:
        cells = [(i, s) for i, s in cells if s.setting != other] or cells
    parts = tuple(
        Part(
            s.text,
            _source(chunk, s, scores.get(i, lowest)),
            context=(name if n == 0 else "") + (f"{s.label}: " if s.label else ""),
        )
        for n, (i, s) in enumerate(cells)
    )
    return Statement(parts, chunk.section, "row")


def _row_name(chunk: Chunk, cells: list[Sentence]) -> str:
    """The name a row of a table with an unheaded first column has in the chunk's text
    ("Funding — Clinic: ...; School: ..."), else "" """
    said = row_statement(tuple(Cell(s.label, s.text) for s in cells))
    for line in chunk.text.splitlines():
        if line.endswith(f" — {said}"):
            return line[: -len(f" — {said}")].strip()
    return ""


def _list_statement(chunk: Chunk, items: list[tuple[int, float]]) -> Statement:
    """Items of one list, led once by the list's lead-in."""
    items = sorted(items)
    lead = lead_in_of(chunk, items[0][0])
    parts = tuple(
        Part(
            chunk.sentences[i].text,
            _source(chunk, chunk.sentences[i], score),
            context=f"{lead} " if lead and n == 0 else "",
        )
        for n, (i, score) in enumerate(items)
    )
    return Statement(parts, chunk.section, "list")


def _passage_statement(
    passage: Passage,
    budget: int,
    margin: float | None = None,
    asked: frozenset[str] = frozenset(),
    other: str | None = None,
    every_kind: bool = False,
) -> Statement:
    """The passage as one point: a row whole (for a question about one setting, `other` being
    the setting it is not about, that setting's cell); a list's best items (in order) under its
    lead-in; a paragraph's best sentences in order. Sentences are added best first while they fit
    `budget` words (and, with a `margin`, a list's items while they score within it of the
    best); the best one always shows. A list item within the margin that names a word of the
    question (`asked`, as `tokens`) that no item kept names joins past the budget: "a license in
    every state, or is there a compact?" is answered on both. A question asking what kinds
    there are (`every_kind`: "what levels of NICU are there?") gets a list of a few items whole."""
    chunk = passage.chunk
    if passage.kind == "row":
        return _row_statement(chunk, passage.members, other)
    kept: list[Candidate] = []
    named: set[str] = set()
    full = False  # past the budget: only an item naming more of the question joins
    # "Our recruiters can help you find...": not what was asked, beside what was.
    members = [m for m in passage.members if not (asked and _pitch(chunk, m.sentence.text, asked))]
    for member in members or passage.members:
        words = len(member.sentence.text.split())
        if kept and margin is not None and passage.kind == "list" and (
            member.score < passage.best.score - margin
        ):
            break  # items come best first: the rest say less about the question
        own = set(tokens(member.sentence.text)) & asked if asked else set()
        full = full or bool(kept and words > budget)
        if full and not (passage.kind == "list" and own - named):
            if passage.kind == "list" and asked:
                continue  # a later item may still name what the question asks
            break
        kept.append(member)
        named |= own
        budget -= words
    if passage.kind == "list":
        items = [(m.index, m.score) for m in kept]
        whole = list_items(chunk, passage.best.index)
        if (every_kind and len(whole) <= KINDS_LIST) or (
            len(whole) <= SHORT_LIST and _ALL_OF.search(lead_in_of(chunk, passage.best.index))
        ):
            # A short list of what is all required is quoted whole: one of three requirements
            # alone reads as all of them ("candidates must have: 4,000 hours"). So is a list
            # of the kinds a question asks for: three levels of four read as all there are.
            lowest = min(score for _, score in items)
            items += [(i, lowest) for i in whole if i not in {j for j, _ in items}]
        return _list_statement(chunk, items)
    return Statement(_in_context(chunk, kept), chunk.section, "sentences")


# A list of requirements or steps, all of which hold ("candidates must have:", "the steps
# are:"), unlike a list of advantages any one of which may be asked about: English's words of
# obligation and sequence.
_ALL_OF = re.compile(
    r"\b(?:must|need|needs|required?|requires|requirements?|steps?|eligib\w*|qualif\w*)\b",
    re.IGNORECASE,
)
# The items of such a list short enough to be quoted whole.
SHORT_LIST = 3
# A question asking which kinds, levels or steps there are ("what levels of NICU are there?",
# "what are the main types of ...", "list the steps"): English's words for the members of a
# classification, not words of any article; in the plural ("what kind of degree" asks for one).
# Its list is quoted whole up to `KINDS_LIST` items.
_EVERY_KIND = re.compile(
    r"\b(?:what|which)\s+(?:(?:are|r)\s+(?:the\s+)?(?:different\s+|main\s+|various\s+)?)?"
    r"(?:different\s+|main\s+)?(?:types|kinds|levels|stages|steps|categories|tiers|"
    r"phases|sorts)\s+(?:of\b|are there\b|exist\b)|\blist (?:all )?(?:the|of)\b",
    re.IGNORECASE,
)
KINDS_LIST = 6


# A sentence that leans on the one before it for what it speaks of: it opens with a pronoun or a
# demonstrative standing for a noun ("This lets graduates ...", "They also ..."), or with a phrase
# naming a case the sentence before set out ("In that case no taxes are withheld", "If so, ...",
# "Otherwise ..."), or ends on one ("... OTs hold both."). English's own words for pointing back,
# not words of any article. A demonstrative before its noun ("These roles are ...", "Both
# settings use ...") names what it speaks of well enough to stand.
_LEANS_BACK = re.compile(
    r"^(?:in (?:that|this|either|such an?|which) (?:case|event)|if so|if not|otherwise|even so)\b|"
    r"^(?:it|its|they|their|them)\b|^(?:this|these|those|that|such)\s+(?:is|are|was|were|can|could|may|"
    r"might|will|would|should|has|have|had|does|do|also|usually|often|means?|lets?|allows?|gives?|"
    r"makes?|helps?)\b"
    r"|\b(?:both|either|neither|the former|the latter|the two|the same|one of them)\W*$",
    re.IGNORECASE,
)


def _out_of_context(passage: Passage) -> bool:
    """Does the passage's best sentence lean on something it cannot be quoted with: a list or a
    heading before it, or nothing ("Many experienced driver rehab OTs hold both." after the list
    of the two credentials)? Beside a better passage, such a one is left out."""
    best = passage.best
    if passage.kind != "paragraph" or not _LEANS_BACK.search(best.sentence.text):
        return False
    before = best.index - 1
    return before < 0 or passage.chunk.sentences[before].kind != "sentence"


def _in_context(chunk: Chunk, kept: list[Candidate]) -> tuple[Part, ...]:
    """A paragraph's kept sentences in article order, none of them quoted without what it points
    back at: the best one (`kept[0]`) is preceded by the sentence before it in the article when
    it leans on it (`_LEANS_BACK`: "Many experienced driver rehab OTs hold both." is nonsense
    alone), and any other that leans on a sentence not kept is left out."""
    at = {m.index for m in kept}
    parts: list[Part] = []
    for member in sorted(kept, key=lambda m: m.index):
        before = member.index - 1
        if _LEANS_BACK.search(member.sentence.text) and before not in at:
            if member is not kept[0]:
                continue
            previous = chunk.sentences[before] if before >= 0 else None
            if previous is not None and previous.kind == "sentence":
                parts.append(Part(previous.text, _source(chunk, previous, member.score)))
        parts.append(Part(member.sentence.text, _source(chunk, member.sentence, member.score)))
    return tuple(parts)


class Composer:
    """Answers from scored evidence, or refuses; one per loaded index (its library, the
    calibrated policy, the glossary, and `embed_words` for the meaning of a question's words)."""

    def __init__(
        self,
        library: Library,
        policy: AnswerPolicy,
        glossary: Glossary,
        embed_words: Callable[[list[str]], Vectors] | None = None,
    ) -> None:
        self.library = library
        self.policy = policy
        self.glossary = glossary
        self.embed_words = embed_words

    def score(self, question: str, vector: Vectors, hits: list[Hit]) -> Scored:
        """The question's terms, scored sentences and ranked passages."""
        return score_evidence(self.library, question, vector, hits, self.policy, self.glossary)

    def compose(
        self,
        question: str,
        vector: Vectors,
        hits: list[Hit],
        mode: Mode,
        detail: Detail = "standard",
    ) -> Composition:
        """Choose the passages that answer `question`, or decide that the articles do not.

        `vector` embeds the question with its abbreviations spelt out, as retrieval saw it.
        `embed_words` embeds the question's words the corpus never uses, to tell a word that
        means what the evidence says ("perks" beside "advantages") from one it does not ("Texas").
        """
        comparison = is_comparison(question)
        scored = self.score(question, vector, hits)
        passages = scored.passages
        # Whether the articles speak to the question does not depend on which setting it named.
        evidence = sorted(scored.candidates, key=lambda c: c.evidence_score, reverse=True)
        evidence_terms: set[str] = set()
        for candidate in evidence[:EVIDENCE_SENTENCES]:
            evidence_terms |= set(tokens(evidence_text(candidate)))
        signals = evidence_signals(
            self.library, scored.terms, evidence, evidence_terms, hits, self.embed_words, question
        )
        signals["passage"] = sigmoid(passages[0].score) if passages else 0.0
        # Whether it names a place or employer the articles never do ("texas", "Mayo Clinic"):
        # itself, not an earlier question it borrows ("ok last q, what do IEP goals focus on"
        # after a pay question about Ohio).
        named = self.library.vocabulary.unmentioned(policy_text(question))
        signals["named"] = float(bool(named))
        relevance = self.policy.decision.probability(signals)
        refused = not passages or relevance < self.policy.relevance_floor
        statements = () if refused else tuple(
            self._statements(question, passages, mode, detail, comparison, scored.other)
        )
        nearest = None
        # A name the articles never use ("Mayo Clinic", "Ohio") is what they cannot answer, not
        # a sign that nothing they say is close: the closest passage is shown as it would be
        # were the question asked without it.
        near = relevance
        if refused and signals["named"]:
            near = self.policy.decision.probability({**signals, "named": 0.0})
        if refused and passages and near >= self.policy.relevance_floor - self.policy.near_margin:
            nearest = _passage_statement(  # as much of it as a short answer quotes
                passages[0],
                self.policy.words(mode, "short"),
                self.policy.margin(mode, "short"),
                other=scored.other,
            )
        return Composition(
            statements,
            relevance,
            refused,
            comparison,
            evidence[0].similarity if evidence else 0.0,
            coverage(scored.terms, evidence_terms),
            tuple(evidence[:EVIDENCE_FOR_MODEL]),
            signals,
            nearest,
        )

    def _statements(
        self,
        question: str,
        passages: list[Passage],
        mode: Mode,
        detail: Detail,
        comparison: bool,
        other_setting: str | None = None,
    ) -> list[Statement]:
        """The best passages that are likely enough beside the best and not redundant with one
        already chosen (a comparison gets each side), as statements within the word budget;
        a recruiter's grouped by section, the best passage's section first. A publisher's words
        about itself join only as the best passage or when the question names the publisher."""
        limit, budget = self.policy.points(mode, detail), self.policy.words(mode, detail)
        top = passages[0]
        chosen: list[Passage] = []
        asked = set(tokens(question))
        every_kind = bool(_EVERY_KIND.search(question))
        for passage in passages:
            if len(chosen) >= limit:
                break
            if chosen and sigmoid(passage.score) < sigmoid(top.score) * self.policy.keep(mode, detail):
                break
            if any(
                _redundant(passage.best, other.best)
                and not _opens_lead_in(passage, other) and not _opens_lead_in(other, passage)
                for other in chosen
            ):
                continue  # (a list's items are read with its lead-in: not a repeat of it)
            if chosen and _self_promotion(passage, asked):
                continue
            if chosen and _out_of_context(passage):
                continue
            chosen.append(passage)
        sides: list[Passage] = []
        if comparison:  # the other setting's best passage, whatever the budget leaves
            floor = min(top.score - COMPARISON_MARGIN, 0.0)
            sides = _both_sides(chosen, passages, floor)[len(chosen) :]
        sides += _announced_lists(chosen + sides, passages)
        # A list is ranked with its whole lead-in paragraph: the chosen paragraph that opens it
        # ("Research pay before you respond. The BLS publishes wage data ... Then:") is what it
        # was ranked for, and joins it whatever the budget leaves, as an announced list does.
        leads = [p for p in chosen if any(_opens_lead_in(p, other) for other in chosen)]
        placed: list[tuple[Passage, Statement]] = []
        for passage in chosen + sides:
            statement = _passage_statement(
                passage, budget, self.policy.margin(mode, detail), frozenset(asked), other_setting,
                every_kind,
            )
            words = sum(len(part.text.split()) for part in statement.parts)
            if placed and words > budget and passage not in sides and passage not in leads:
                continue
            if placed and _adds_nothing(passage, statement, [s for _, s in placed]):
                continue
            placed.append((passage, statement))
            budget -= words
        placed = _join_split_lists(placed)
        placed = _lead_paragraph_first(placed)
        # A list of questions to ask (an employer, a district) is advice beside an answer: it
        # follows the passages that state something, however like the question it reads.
        placed.sort(key=lambda ps: _only_questions(ps[0]))  # stable: best first otherwise
        if mode == "recruiter":  # grouped as the draft heads them, best passage's group first
            lead: dict[tuple[str, str], int] = {}
            for rank, (passage, _) in enumerate(placed):
                lead.setdefault(_draft_group(passage.chunk), rank)
            placed.sort(key=lambda ps: lead[_draft_group(ps[0].chunk)])  # stable: best first
        return [statement for _, statement in placed]


def _only_questions(passage: Passage) -> bool:
    return all(is_question(m.sentence) for m in passage.members)


def _join_split_lists(
    placed: list[tuple[Passage, Statement]],
) -> list[tuple[Passage, Statement]]:
    """One list that a chunk boundary cut in two (each piece under the same lead-in) quoted as
    one: its items in the article's order under the lead-in once, where its best piece stood."""
    joined: list[tuple[Passage, Statement]] = []
    pieces: dict[tuple[str, str], int] = {}
    for passage, statement in placed:
        lead = lead_in_of(passage.chunk, passage.best.index) if passage.kind == "list" else ""
        key = (passage.chunk.source, lead)
        if not lead or key not in pieces:
            if lead:
                pieces[key] = len(joined)
            joined.append((passage, statement))
            continue
        at = pieces[key]
        first, earlier = joined[at]
        ordered = sorted(
            [(first.chunk.position, earlier), (passage.chunk.position, statement)],
            key=lambda ps: ps[0],
        )
        parts = [part for _, s in ordered for part in s.parts]
        parts = [replace(part, context=f"{lead} " if n == 0 else "") for n, part in enumerate(parts)]
        joined[at] = (first, replace(earlier, parts=tuple(parts)))
    return joined


def _announced_lists(chosen: list[Passage], passages: list[Passage]) -> list[Passage]:
    """The lists that a chosen paragraph only announces, whatever the point limit and budget
    leave: "The HTCC sets the requirements to sit for the CHT exam. In general terms, candidates
    must have:" quoted without its list answers nothing. A paragraph announces a list when all
    it quotes opens that list's lead-in paragraph."""
    found: list[Passage] = []
    for passage in chosen:
        if passage.kind != "paragraph":
            continue
        chunk = passage.chunk
        last = max(m.index for m in passage.members)
        block = chunk.sentences[last].block
        for other in passages:
            if other.kind != "list" or other.chunk.id != chunk.id or other in chosen + found:
                continue
            head = list_head(chunk, other.best.index)
            if head > last and chunk.sentences[head].kind == "lead_in" and all(
                chunk.sentences[i].block == block for i in range(last, head + 1)
            ):
                found.append(other)
                break
    return found


def _lead_paragraph_first(
    placed: list[tuple[Passage, Statement]],
) -> list[tuple[Passage, Statement]]:
    """A paragraph quoted from the sentences that open a list's lead-in paragraph goes before
    that list, as the article has it: "Usually not in clinical roles. Most ... pay by setting,
    not degree. An OTD may help if you want to: - Teach ..." reads answer first. (The list is
    scored with its whole lead-in paragraph, so it may rank above the paragraph itself.)"""
    ordered = list(placed)
    for passage, _ in placed:
        if passage.kind != "list":
            continue
        at = next(i for i, (p, _) in enumerate(ordered) if p is passage)
        for j in range(at + 1, len(ordered)):
            if _opens_lead_in(ordered[j][0], passage):
                ordered.insert(at, ordered.pop(j))
                break
    return ordered


def _opens_lead_in(paragraph: Passage, listed: Passage) -> bool:
    """Is `paragraph` quoted from the sentences that open `listed`'s lead-in paragraph?"""
    if paragraph.kind != "paragraph" or listed.kind != "list":
        return False
    chunk = listed.chunk
    head = list_head(chunk, listed.best.index)
    if head < 0 or paragraph.chunk.id != chunk.id:
        return False
    block = chunk.sentences[head].block
    return all(
        m.index < head and chunk.sentences[m.index].block == block for m in paragraph.members
    )


def _draft_group(chunk: Chunk) -> tuple[str, str]:
    """What a recruiter's draft heads a passage under: its section, or its article when the
    article has no headings (`rendering`)."""
    return (chunk.source, chunk.section if has_heading(chunk.section) else "")


@lru_cache(maxsize=256)  # a corpus has few publishers; asked for every passage weighed
def publisher_names(publisher: str) -> frozenset[str]:
    """The words that name a publisher on their own: "Kestrel Ridge Therapy Staffing, LLC" is
    named by "kestrel" and "ridge", an author "Priya Halvorsen, MS, OTR/L" by "priya" and
    "halvorsen" (as `tokens` stems them)."""
    words = re.findall(r"[A-Za-z][A-Za-z'/]+", publisher)
    return frozenset(
        tokens(" ".join(w for w in words if w[0].isupper() and w.lower() not in _NAME_FILLER))
    )


def _self_promotion(passage: Passage, asked: set[str] | frozenset[str]) -> bool:
    """Whether the passage is its publisher speaking of itself ("At Aequor, we staff OTs...",
    "Flagstar Rehab provides access to...", an author's bio), which the question did not ask
    about: a staffing agency's pitch for itself answers no career question, and a recruiter at
    another agency would have to delete it from a draft."""
    return any(_pitch(passage.chunk, m.sentence.text, asked) for m in passage.members)


# An agency speaking of itself in the first person: "our recruiters can help you find...",
# "we place OTs in...", "reach out to our team". (Advice in the first person, "we recommend
# speaking with a tax professional", is not a pitch.) Or under its name, offering the reader a
# job: "Tamarack Clinical Staffing can connect you with ... positions".
_FIRST_PERSON_PITCH = re.compile(
    r"\b(?:our (?:recruiters?|team|staff|specialists|consultants|placement)|(?:we|our team) "
    r"(?:can|will|would|place|offer|help|connect|match|staff|work with|partner))\b"
    r"|\b(?:can|will|would|could) (?:connect|match|place|pair) you\b"
    r"|\bhelp you find (?:a |the right |your next |new )?(?:job|role|position|opening|assignment)s?\b",
    re.IGNORECASE,
)
# A question about the agency or its recruiters is answered by what it says of itself.
_ABOUT_AGENCY = frozenset(tokens("recruiter agency staffing"))


def _pitch(chunk: Chunk, text: str, asked: set[str] | frozenset[str]) -> bool:
    """Is this sentence its publisher's pitch for itself, which the question did not ask for?
    A question about recruiters in general ("does a recruiter cost anything?") asks for what an
    agency says of recruiting ("our recruiters can help you compare offers"), not for the
    publisher's own name ("Meadowlark Therapy Network works with hospitals ..."): a recruiter at
    another agency would have to delete that from a draft."""
    names = publisher_names(chunk.publisher)
    if names & asked:
        return False
    if names & set(tokens(text)):
        return True
    return not _ABOUT_AGENCY & asked and bool(_FIRST_PERSON_PITCH.search(text))


def _adds_nothing(passage: Passage, statement: Statement, placed: list[Statement]) -> bool:
    """Would the passage only repeat what the statements before it quote? So it would if what
    it quotes holds no word of its own ("... it is worth asking: How are weekends and holidays
    scheduled?" after "Most hospitals expect therapists to cover some weekends and holidays"),
    or if it is a paragraph whose best sentence holds none: the same fact from another article
    ("NBCOT certification is renewed every three years" after "... renews every three years and
    requires 36 PDUs"), whatever follows it there."""
    said = {w for s in placed for part in s.parts for w in tokens(part.text)}
    quoted = {w for part in statement.parts for w in tokens(part.text)}
    best = set(tokens(passage.best.sentence.text)) if passage.kind == "paragraph" else quoted
    return quoted <= said or best <= said


def _redundant(a: Candidate, b: Candidate) -> bool:
    if a.chunk.id == b.chunk.id and a.sentence.kind == b.sentence.kind == "table_cell":
        return a.sentence.row == b.sentence.row
    return float(np.dot(a.vector, b.vector)) > REDUNDANT_COSINE


def _both_sides(chosen: list[Passage], ranked: list[Passage], floor: float) -> list[Passage]:
    """For a comparison, add the best passage about a setting the answer does not cover yet."""
    result = list(chosen)
    covered = {m.sentence.setting for p in result for m in p.members}
    if "both" in covered or any(p.kind == "row" for p in result):
        return result
    for side in SIDES:
        if side in covered:
            continue
        extra = next(
            (p for p in ranked if p.best.sentence.setting == side and p.score >= floor), None
        )
        if extra is not None:
            result.append(extra)
    return result


