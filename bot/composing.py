"""The offline answerer: compose an answer from the articles' own sentences.

It scores every citable sentence of the retrieved chunks against the question (meaning, from the
stored sentence vectors, and words, idf-weighted), decides whether the evidence is strong enough to
answer at all, and picks a few non-redundant sentences: comparison rows side by side, list items
with their lead-in. It never writes a claim of its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bot.chunking import lead_in_of
from bot.embedding import Vectors
from bot.lexical import tokens
from bot.models import Chunk, Detail, Mode, Part, Sentence, Source, Statement
from bot.refusal import RefusalModel
from bot.retrieval import Hit, Library, is_comparison, settings_named
from bot.scope import Glossary

# Sentences that sell rather than inform are not answers.
_CALL_TO_ACTION = re.compile(
    r"^(contact us|explore|browse|apply|call|click|ready to|reach out|visit|learn more|sign up)\b",
    re.IGNORECASE,
)
_ANAPHORIC_START = re.compile(r"^(this|these|those|it|they|that)\b", re.IGNORECASE)
# A question asking for an amount is answered only by evidence that states one.
_ASKS_AMOUNT = re.compile(
    r"\bhow (many|much|long|old)\b|\bwhat (percentage|percent|number|share)\b", re.IGNORECASE
)
_STATES_AMOUNT = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|dozens?|hundreds?|"
    r"thousands?|half|quarter)\b",
    re.IGNORECASE,
)
EVIDENCE_SENTENCES = 5
EVIDENCE_FOR_MODEL = 8
# Words rarer than this (idf) name what a question is about; commoner ones ("school", "OT") don't.
SPECIFIC_IDF = 2.0


@dataclass(frozen=True)
class AnswerPolicy:
    """How much evidence an answer needs and how long it may be (from settings)."""

    relevance_floor: float = 0.5
    decision: RefusalModel = field(default_factory=RefusalModel)
    lexical_weight: float = 1.0
    keep_ratio: float = 0.82
    other_setting_penalty: float = 0.2
    max_points: dict[str, int] | None = None

    def points(self, mode: Mode, detail: Detail = "standard") -> int:
        """How many points an answer may make: candidates get a few, recruiters more."""
        limits = self.max_points or {"candidate": 3, "recruiter": 7}
        return {"short": 3, "standard": limits[mode], "detailed": 10}[detail]


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved chunk, scored against the question."""

    chunk: Chunk
    index: int  # position of the sentence in chunk.sentences
    sentence: Sentence
    similarity: float
    coverage: float
    score: float
    vector: Vectors
    penalty: float = 0.0  # taken off `score` for being about the other setting
    specific: float = 0.0  # centred similarity: what this sentence says beyond the corpus theme

    @property
    def evidence_score(self) -> float:
        """The score before the setting penalty: how well the sentence speaks to the question."""
        return self.score + self.penalty


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


def citable(sentence: Sentence) -> bool:
    """Can this sentence stand as a point of an answer?"""
    text = sentence.text.strip()
    return (
        sentence.kind != "lead_in"
        and not sentence.announces_missing_list
        and not text.endswith("?")
        and len(text.split()) >= 3
        and not _CALL_TO_ACTION.match(text)
    )


@dataclass(frozen=True)
class Term:
    """A concept of the question: a word, or an abbreviation with its long form ("SNF")."""

    word: str
    weight: float
    long_form: tuple[str, ...] = ()  # the words of the spelt-out abbreviation
    known: bool = True  # does the corpus itself use `word`?

    def credit(self, text_terms: set[str]) -> float:
        """How much of this concept a text carries, in [0, 1].

        An abbreviation the corpus never uses counts only when most of its long form is there; one
        it does use counts half for itself and half for its long form, so a defining sentence
        ("Individualized Education Programs (IEPs)") beats a passing mention.
        """
        if not self.long_form:
            return float(self.word in text_terms)
        spelt = sum(w in text_terms for w in self.long_form) / len(self.long_form)
        if not self.known:
            return 1.0 if spelt >= 0.75 else 0.0
        return 0.5 * (self.word in text_terms) + 0.5 * spelt


def question_terms(library: Library, question: str, glossary: Glossary) -> list[Term]:
    """The question's content words with idf weights; "SNF" counts as "skilled nursing facility"."""
    terms = []
    vocabulary = library.vocabulary
    for word in vocabulary.terms(question):
        long_form = glossary.acronyms.get(word) or glossary.acronyms.get(word + "s")
        if long_form:
            spelt = tuple(w for w in vocabulary.terms(long_form) if w != word)
            weight = max((vocabulary.idf(w) for w in (word, *spelt)), default=0.0)
            terms.append(Term(word, weight, spelt, word in vocabulary))
        else:
            terms.append(Term(word, vocabulary.idf(word)))
    return terms


def coverage(terms: list[Term], text_terms: set[str]) -> float:
    """Share of the question's (idf-weighted) concepts that the text contains.

    Example: terms school (weight 1) and salary (weight 5), text about schools -> 1/6
    """
    total = sum(t.weight for t in terms)
    if total == 0:
        return 0.0
    return sum(t.weight * t.credit(text_terms) for t in terms) / total


def candidates_for(
    library: Library,
    hits: list[Hit],
    terms: list[Term],
    vector: Vectors,
    policy: AnswerPolicy,
    other_setting: str | None = None,
) -> list[Candidate]:
    """Every citable sentence of the hits, scored against the question, best first.

    `other_setting` is the setting the question is not about ("school" when it asks about
    clinics); sentences only about that setting are pushed down.
    """
    found: list[Candidate] = []
    centered_question = library.center(vector)
    for rank, hit in enumerate(hits):
        start, _ = library.sentence_rows.get(hit.chunk.id, (0, 0))
        section_terms = set(tokens(hit.chunk.section))
        for i, sentence in enumerate(hit.chunk.sentences):
            if not citable(sentence):
                continue
            row = library.sentence_vectors[start + i]
            similarity = float(row @ vector)
            specific = float(library.centered[start + i] @ centered_question)
            own = set(tokens(f"{sentence.label} {sentence.text} {lead_in_of(hit.chunk, i)}"))
            cover = 0.8 * coverage(terms, own) + 0.2 * coverage(terms, own | section_terms)
            penalty = 0.04 if _ANAPHORIC_START.match(sentence.text) else 0.0
            off_topic = 0.0
            if (
                other_setting
                and sentence.setting == other_setting
                and sentence.kind != "table_cell"
            ):
                off_topic = policy.other_setting_penalty
            score = specific + policy.lexical_weight * cover - 0.01 * rank - penalty - off_topic
            found.append(
                Candidate(
                    hit.chunk, i, sentence, similarity, cover, score, row, off_topic, specific
                )
            )
    return sorted(found, key=lambda c: c.score, reverse=True)


def _source(candidate_chunk: Chunk, sentence: Sentence, score: float) -> Source:
    return Source(candidate_chunk.id, sentence.text, score)


def _row_statement(chunk: Chunk, sentence: Sentence, score: float) -> Statement:
    """A comparison-table row, both columns side by side, each cell cited."""
    cells = [s for s in chunk.sentences if s.kind == "table_cell" and s.row == sentence.row]
    parts = tuple(
        Part(s.text, _source(chunk, s, score), context=f"{s.label}: " if s.label else "")
        for s in cells
    )
    return Statement(parts, chunk.section, "row")


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


def _sentence_statement(
    chunk: Chunk, index: int, score: float, used: set[tuple[str, int]]
) -> Statement:
    """A sentence, with a neighbour from its paragraph when one refers to the other ("These ...")."""
    sentences = chunk.sentences
    indexes = [index]
    before, after = index - 1, index + 1
    if (
        _ANAPHORIC_START.match(sentences[index].text)
        and before >= 0
        and sentences[before].block == sentences[index].block
        and citable(sentences[before])
    ):
        indexes.insert(0, before)
    elif (
        after < len(sentences)
        and sentences[after].block == sentences[index].block
        and _ANAPHORIC_START.match(sentences[after].text)
        and citable(sentences[after])
    ):
        indexes.append(after)
    indexes = [i for i in indexes if (chunk.id, i) not in used or i == index]
    used.update((chunk.id, i) for i in indexes)
    parts = tuple(Part(sentences[i].text, _source(chunk, sentences[i], score)) for i in indexes)
    return Statement(parts, chunk.section, "sentences")


def _statements(chosen: list[Candidate]) -> list[Statement]:
    """Turn chosen sentences into statements: rows whole, list items grouped under their lead-in."""
    used: set[tuple[str, int]] = set()
    lists: dict[tuple[str, str], list[tuple[int, float]]] = {}
    slots: list[Statement | tuple[str, str]] = []  # a statement, or the key of a list to build
    chunks = {c.chunk.id: c.chunk for c in chosen}
    for candidate in chosen:
        chunk, sentence = candidate.chunk, candidate.sentence
        if (chunk.id, candidate.index) in used:
            continue
        if sentence.kind == "table_cell":
            used.update(
                (chunk.id, i)
                for i, s in enumerate(chunk.sentences)
                if s.kind == "table_cell" and s.row == sentence.row
            )
            slots.append(_row_statement(chunk, sentence, candidate.score))
        elif sentence.kind == "list_item":
            key = (chunk.id, lead_in_of(chunk, candidate.index))
            if key not in lists:
                lists[key] = []
                slots.append(key)
            lists[key].append((candidate.index, candidate.score))
            used.add((chunk.id, candidate.index))
        else:
            slots.append(_sentence_statement(chunk, candidate.index, candidate.score, used))
    result = [
        _list_statement(chunks[slot[0]], lists[slot]) if isinstance(slot, tuple) else slot
        for slot in slots
    ]
    return result


def compose(
    library: Library,
    question: str,
    vector: Vectors,
    hits: list[Hit],
    mode: Mode,
    policy: AnswerPolicy,
    glossary: Glossary,
    detail: Detail = "standard",
    embed_words: Callable[[list[str]], Vectors] | None = None,
) -> Composition:
    """Choose the sentences that answer `question`, or decide that the articles do not.

    `embed_words` embeds the question's words the corpus never uses, to tell a word that means
    what the evidence says ("perks" beside "advantages") from one it does not ("Texas").

    `vector` embeds the question with its abbreviations spelt out, as retrieval saw it.
    """
    comparison = is_comparison(question)
    terms = question_terms(library, question, glossary)
    named = settings_named(question)
    other = None
    if len(named) == 1 and not comparison:
        other = "clinical" if "school" in named else "school"
    ranked = candidates_for(library, hits, terms, vector, policy, other)
    if _ASKS_AMOUNT.search(question):
        ranked = [c for c in ranked if _STATES_AMOUNT.search(c.sentence.text)]
    best = ranked[0] if ranked else None
    # Whether the articles speak to the question does not depend on which setting it named.
    evidence = sorted(ranked, key=lambda c: c.evidence_score, reverse=True)
    evidence_terms: set[str] = set()
    for candidate in evidence[:EVIDENCE_SENTENCES]:
        lead = lead_in_of(candidate.chunk, candidate.index)
        evidence_terms |= set(
            tokens(f"{candidate.sentence.label} {lead} {candidate.sentence.text}")
        )
    covered = coverage(terms, evidence_terms)
    signals = evidence_signals(library, terms, evidence, evidence_terms, hits, embed_words)
    relevance = policy.decision.probability(signals)
    similarity = evidence[0].similarity if evidence else 0.0
    if best is None or relevance < policy.relevance_floor:
        return Composition(
            (),
            relevance,
            True,
            comparison,
            similarity,
            covered,
            tuple(evidence[:EVIDENCE_FOR_MODEL]),
            signals,
        )

    limit = policy.points(mode, detail)
    chosen: list[Candidate] = []
    for candidate in ranked:
        if len(chosen) >= limit:
            break
        if chosen and candidate.score < best.score * policy.keep_ratio:
            break
        if any(_redundant(candidate, other) for other in chosen):
            continue
        chosen.append(candidate)
    if comparison:
        chosen = _both_sides(chosen, ranked, best.score * 0.6)
    chosen = _whole_lists(chosen, ranked, terms)

    statements = _statements(chosen)
    if mode == "recruiter":
        position = {c.chunk.id: (c.chunk.source, c.chunk.position) for c in chosen}
        statements.sort(
            key=lambda s: position[s.parts[0].source.chunk_id] if s.parts[0].source else ("", 0)
        )
    return Composition(
        tuple(statements),
        relevance,
        False,
        comparison,
        similarity,
        covered,
        tuple(evidence[:EVIDENCE_FOR_MODEL]),
        signals,
    )


def evidence_signals(
    library: Library,
    terms: list[Term],
    evidence: list[Candidate],
    evidence_terms: set[str],
    hits: list[Hit],
    embed_words: Callable[[list[str]], Vectors] | None = None,
) -> dict[str, float]:
    """The measurements the answer/refuse decision weighs, each roughly in [0, 1].

    - similarity: cosine of the question and its best sentence (meaning);
    - specific: the same after removing what all sentences share (is it about *this* sentence?);
    - coverage: idf-weighted share of the question's words found in the best sentences;
    - known_coverage: the same over words the corpus uses at all (typos and chit-chat aside);
    - unknown: weight share of question words the corpus never uses (a city, a test, a figure);
    - missing: the rarest corpus word of the question that the evidence lacks, as idf / max idf;
    - chunk: cosine of the question and its best chunk;
    - unmatched: weight share of the never-used words whose meaning is not in the best sentences
      (each word's best cosine with them, below 1).
    """
    top = evidence[0] if evidence else None
    top_idf = math.log((library.vocabulary.document_count + 1) / 0.5)
    known = [t for t in terms if t.known and t.word in library.vocabulary]
    strangers = [t for t in terms if t not in known]
    unknown_weight = sum(t.weight for t in strangers)
    total = sum(t.weight for t in terms) or 1.0
    missing = [t.weight for t in known if t.credit(evidence_terms) < 0.5]
    unmatched = unknown_weight
    if strangers and embed_words is not None and evidence:
        word_vectors = embed_words([t.word for t in strangers])
        sentences = np.stack([c.vector for c in evidence[:EVIDENCE_SENTENCES]])
        closeness = np.clip((word_vectors @ sentences.T).max(axis=1), 0.0, 1.0)
        unmatched = sum(t.weight * (1 - float(c)) for t, c in zip(strangers, closeness, strict=True))
    return {
        "unmatched": unmatched / total,
        "similarity": max(top.similarity, 0.0) if top else 0.0,
        "specific": max(top.specific, 0.0) if top else 0.0,
        "coverage": coverage(terms, evidence_terms),
        "known_coverage": coverage(known, evidence_terms) if known else 0.0,
        "unknown": unknown_weight / total,
        "missing": max(missing, default=0.0) / top_idf,
        "chunk": max((h.dense for h in hits), default=0.0),
    }


def _whole_lists(
    chosen: list[Candidate], ranked: list[Candidate], terms: list[Term]
) -> list[Candidate]:
    """When a list's lead-in is what the question asks about ("key responsibilities in schools"),
    answer with the whole list rather than the one item that scored best."""
    result = list(chosen)
    present = {(c.chunk.id, c.index) for c in result}
    for candidate in chosen:
        if candidate.sentence.kind != "list_item":
            continue
        lead = lead_in_of(candidate.chunk, candidate.index, whole=True)
        if not lead or coverage(terms, set(tokens(lead))) < 0.5:
            continue
        for other in ranked:
            same_list = (
                other.chunk.id == candidate.chunk.id
                and other.sentence.kind == "list_item"
                and lead_in_of(other.chunk, other.index, whole=True) == lead
            )
            if same_list and (other.chunk.id, other.index) not in present:
                result.append(other)
                present.add((other.chunk.id, other.index))
    return result


def _redundant(a: Candidate, b: Candidate) -> bool:
    if a.chunk.id == b.chunk.id and a.sentence.kind == b.sentence.kind == "table_cell":
        return a.sentence.row == b.sentence.row
    return float(np.dot(a.vector, b.vector)) > 0.9


def _both_sides(chosen: list[Candidate], ranked: list[Candidate], floor: float) -> list[Candidate]:
    """For a comparison, add the best sentence about a setting the answer does not cover yet."""
    result = list(chosen)
    covered = {c.sentence.setting for c in result}
    if "both" in covered or any(c.sentence.kind == "table_cell" for c in result):
        return result
    for side in ("school", "clinical"):
        if side in covered:
            continue
        extra = next((c for c in ranked if c.sentence.setting == side and c.score >= floor), None)
        if extra is not None:
            result.append(extra)
    return result
