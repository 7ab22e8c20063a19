"""The offline composer over the real index of the seed articles: whether it answers, and which
article passages become the answer's statements."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.answer.composing import (
    EVIDENCE_FOR_MODEL,
    REDUNDANT_COSINE,
    Composer,
    Composition,
    publisher_names,
)
from bot.answer.refusal import SIGNALS, sigmoid
from bot.ingest.chunking import has_heading
from bot.models import Statement


@pytest.fixture(scope="module")
def composer(seed_bot) -> Composer:
    """The bot's own composer: calibrated policy, glossary and word embedder."""
    return seed_bot.chain.composer


def with_policy(composer: Composer, **changes) -> Composer:
    return Composer(
        composer.library,
        replace(composer.policy, **changes),
        composer.glossary,
        composer.embed_words,
    )


def compose(composer: Composer, retrieve, question: str, mode="candidate", detail="standard"):
    found = retrieve(question)
    return composer.compose(question, found.vector, found.hits, mode, detail)


def words(statement: Statement) -> int:
    """Article words a statement quotes (a list's lead-in is context, not quoted)."""
    return sum(len(part.text.split()) for part in statement.parts)


def quotes(composition: Composition) -> list[str]:
    return [p.source.quote for s in composition.statements for p in s.parts if p.source]


def sentence_of(composer: Composer, chunk_id: str, quote: str):
    chunk = composer.library.by_id[chunk_id]
    index = next(i for i, s in enumerate(chunk.sentences) if s.text == quote)
    return chunk, index, chunk.sentences[index]


def sides(composer: Composer, composition: Composition) -> set[str]:
    """The settings of the sentences an answer quotes ("row" for a comparison-table row)."""
    found = set()
    for statement in composition.statements:
        if statement.layout == "row":
            found.add("row")
        for part in statement.parts:
            found.add(sentence_of(composer, part.source.chunk_id, part.source.quote)[2].setting)
    return found


# Answer or refuse


def test_refuses_below_the_floor_and_answers_at_or_above_it(composer, retrieve):
    question = "Do school OTs get summers off?"
    relevance = compose(composer, retrieve, question).relevance
    assert 0.0 < relevance < 1.0
    above = compose(with_policy(composer, relevance_floor=relevance + 1e-6), retrieve, question)
    assert above.refused and above.statements == ()
    assert above.relevance == pytest.approx(relevance)  # the floor does not change the evidence
    at = compose(with_policy(composer, relevance_floor=relevance), retrieve, question)
    assert not at.refused and at.statements


def test_an_unrelated_question_is_refused_at_the_calibrated_floor(composer, retrieve):
    refused = compose(composer, retrieve, "What's the weather like in Boston today?")
    assert refused.refused and refused.statements == ()
    assert refused.relevance < composer.policy.relevance_floor
    answered = compose(composer, retrieve, "Do school OTs get summers off?")
    assert answered.relevance > composer.policy.relevance_floor


def test_nothing_retrieved_is_a_refusal_whatever_the_floor(composer, retrieve):
    found = retrieve("Do school OTs get summers off?")
    lenient = with_policy(composer, relevance_floor=0.0)
    composition = lenient.compose("Do school OTs get summers off?", found.vector, [], "candidate")
    assert composition.refused and composition.statements == ()
    assert composition.signals["passage"] == 0.0


def test_the_decision_weighs_every_signal_and_the_best_passages_probability(composer, retrieve):
    question = "What does IEP mean?"
    found = retrieve(question)
    composition = composer.compose(question, found.vector, found.hits, "candidate")
    assert set(composition.signals) == set(SIGNALS)
    best = composer.score(question, found.vector, found.hits).passages[0]
    assert composition.signals["passage"] == pytest.approx(sigmoid(best.score))
    assert composition.relevance == pytest.approx(
        composer.policy.decision.probability(composition.signals)
    )
    assert composition.signals["named"] == 0.0


def test_a_place_the_articles_never_name_counts_against_answering(composer, retrieve):
    question = "does texas require a school OT to write IEP goals?"
    found = retrieve(question)
    named = composer.compose(question, found.vector, found.hits, "candidate")
    plain = composer.compose(
        "does a school OT write IEP goals?", found.vector, found.hits, "candidate"
    )
    assert named.signals["named"] == 1.0 and plain.signals["named"] == 0.0
    assert composer.policy.decision.weights["named"] < 0


def test_a_refusal_for_a_name_alone_still_shows_the_closest_passage(composer, retrieve):
    """Refused because it names a place, a question shows what the articles say nearest to it,
    as a refusal would without the name, not a bare "our articles don't cover that"."""
    question = "does texas require a school OT to write IEP goals?"
    found = retrieve(question)
    signals = composer.compose(question, found.vector, found.hits, "candidate").signals
    named = composer.policy.decision.probability(signals)
    unnamed = composer.policy.decision.probability({**signals, "named": 0.0})
    assert unnamed > named
    # A floor just over the question without its name, and a margin reaching halfway down to it
    # with the name: near enough only as asked without the name.
    floor = unnamed + 0.01
    strict = with_policy(composer, relevance_floor=floor, near_margin=floor - (named + unnamed) / 2)
    composition = strict.compose(question, found.vector, found.hits, "candidate")
    assert composition.refused and composition.nearest is not None


def test_the_evidence_for_a_generative_model_is_the_best_sentences(composer, retrieve):
    composition = compose(composer, retrieve, "What are the advantages of school-based OT?")
    evidence = composition.evidence
    assert 0 < len(evidence) <= EVIDENCE_FOR_MODEL
    scores = [c.evidence_score for c in evidence]
    assert scores == sorted(scores, reverse=True)
    assert composition.similarity == evidence[0].similarity


# What the statements are made of


@pytest.mark.parametrize(
    "question",
    [
        "What are the advantages of school-based OT?",
        "How do schedules differ between school and clinical OT?",
        "What should school-based OT goals focus on?",
        "What does IEP mean?",
    ],
)
def test_every_statement_quotes_the_articles_own_sentences(composer, retrieve, question):
    composition = compose(composer, retrieve, question, "recruiter", "detailed")
    assert composition.statements
    for statement in composition.statements:
        for part in statement.parts:
            assert part.text == part.source.quote
            sentence_of(composer, part.source.chunk_id, part.source.quote)  # it is one of them
            # Context is article words too: a list's lead-in, a table's column header.
            assert part.context.strip() in composer.library.by_id[part.source.chunk_id].text


def test_a_list_is_quoted_in_article_order_under_its_lead_in_once(composer, retrieve):
    composition = compose(
        composer,
        retrieve,
        "What are the key responsibilities of a school-based OT?",
        "candidate",
        "detailed",
    )
    listed = next(s for s in composition.statements if s.parts[0].text.startswith("Supporting IEP"))
    assert listed.layout == "list"
    assert listed.parts[0].context == "Key responsibilities in schools: "
    assert all(part.context == "" for part in listed.parts[1:])
    indexes = [sentence_of(composer, p.source.chunk_id, p.source.quote)[1] for p in listed.parts]
    assert indexes == sorted(indexes) and len(indexes) == 4


def test_a_list_a_chunk_boundary_cut_is_quoted_whole_in_article_order():
    """A day's timeline split over two chunks, each under the repeated lead-in, with its later
    items ranked first: quoted as one list, in order, under the lead-in once."""
    from bot.answer.composing import _join_split_lists, _passage_statement
    from bot.answer.scoring import Candidate, Passage
    from bot.ingest.chunking import split
    from bot.models import Article, Block

    items = [f"{h}:00 Task {h}: the therapist works with students in the classroom today."
             for h in range(1, 9)]
    blocks = (Block("heading", "A Typical Day"), Block("lead_in", "A day looks like this:"),
              *(Block("list_item", t) for t in items))
    first, second = split(Article("day.md", "Day", "Pub", None, None, (), blocks), 70)[:2]

    def passage(chunk, score):
        members = tuple(
            Candidate(chunk, i, s, 0.5, 0.5, score, np.zeros(3))
            for i, s in enumerate(chunk.sentences) if s.kind == "list_item"
        )
        return Passage(chunk, "list", members, score)

    placed = [(p, _passage_statement(p, 500)) for p in (passage(second, 2.0), passage(first, 1.0))]
    joined = _join_split_lists(placed)
    assert len(joined) == 1
    parts = joined[0][1].parts
    assert [p.text for p in parts] == [s.text for c in (first, second) for s in c.sentences
                                       if s.kind == "list_item"]
    assert parts[0].context == "A day looks like this: "
    assert all(p.context == "" for p in parts[1:])


def test_a_paragraph_that_only_announces_a_list_brings_the_list():
    """'The HTCC sets the requirements ... In general terms, candidates must have:' chosen alone
    (a short answer's one point) answers nothing: the list it announces joins it."""
    from bot.answer.composing import _announced_lists
    from bot.answer.scoring import Candidate, Passage
    from bot.ingest.chunking import split
    from bot.models import Article, Block

    blocks = (Block("heading", "CHT Exam Eligibility"),
              Block("lead_in", "The HTCC sets the requirements to sit for the CHT exam. "
                               "In general terms, candidates must have:"),
              Block("list_item", "Professional credential: a current OT or PT license."),
              Block("list_item", "Practice experience: at least 3 years of practice."),
              Block("paragraph", "Requirements can be updated, so check the handbook."))
    chunk = split(Article("h.md", "Hand", "Pub", None, None, (), blocks), 400)[0]

    def passage(kind, *indexes):
        members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, 1.0, np.zeros(3))
                        for i in indexes)
        return Passage(chunk, kind, members, 1.0)

    opener, items, after = passage("paragraph", 0), passage("list", 2, 3), passage("paragraph", 4)
    assert _announced_lists([opener], [opener, after, items]) == [items]
    assert _announced_lists([after], [opener, after, items]) == []  # comes after the list
    assert _announced_lists([opener, items], [opener, items]) == []  # already chosen


def test_a_list_item_naming_what_else_the_question_asks_joins_past_the_budget():
    """'a license in every state, or is there a compact?': the compact item joins a short
    answer though the words are spent; an item naming nothing more asked does not."""
    from bot.answer.composing import _passage_statement
    from bot.answer.lexical import tokens
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    texts = ("Single-state licenses: travel OTs apply for a separate license in each state.",
             "Temporary licenses: some states offer temporary or provisional licenses for a while.",
             "The Licensure Compact: member states let OTs practise through a compact privilege.")
    chunk = Chunk("c", "c.md", "Travel OT", "Pub", None, None, "Licensure", "general", 0,
                  " ".join(texts), tuple(Sentence(t, "list_item", "general") for t in texts))
    members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, 1.0 - 0.1 * i, np.zeros(3))
                    for i in range(3))
    passage = Passage(chunk, "list", members, 2.0)
    asked = frozenset(tokens("does he need a separate license in every state or is there a compact"))
    quoted = [p.text for p in _passage_statement(passage, 15, 0.5, asked).parts]
    assert quoted == [texts[0], texts[2]]
    assert [p.text for p in _passage_statement(passage, 15, 0.5).parts] == [texts[0]]


def test_a_short_list_of_requirements_is_quoted_whole_a_list_of_advantages_is_not():
    """'Candidates must have:' three things: one of them alone reads as all of them. Of three
    advantages, the one asked about is enough."""
    from bot.answer.composing import _passage_statement
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    def quoted(lead: str) -> list[str]:
        items = ("A current OT or PT license", "At least 3 years of practice",
                 "At least 4,000 hours of hand therapy")
        sentences = (Sentence(lead, "lead_in", "general"),
                     *(Sentence(t, "list_item", "general") for t in items))
        chunk = Chunk("h", "h.md", "Hand therapy", "Pub", None, None, "The CHT", "general", 0,
                      " ".join(s.text for s in sentences), sentences)
        best = Candidate(chunk, 3, sentences[3], 0.5, 0.5, 1.0, np.zeros(3))
        return [p.text for p in _passage_statement(Passage(chunk, "list", (best,), 2.0), 15, 0.5).parts]

    assert len(quoted("Candidates must have:")) == 3
    assert quoted("Advantages of hand therapy:") == ["At least 4,000 hours of hand therapy"]


def test_a_question_asking_what_kinds_there_are_gets_the_list_whole():
    """'What levels of NICU are there?': three levels of four read as all there are."""
    from bot.answer.composing import _EVERY_KIND, _passage_statement
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    items = ("Level I: a well newborn nursery", "Level II: a special care nursery",
             "Level III: a NICU for very small babies", "Level IV: a regional NICU")
    sentences = (Sentence("Hospitals describe newborn care in levels:", "lead_in", "general"),
                 *(Sentence(t, "list_item", "general") for t in items))
    chunk = Chunk("n", "n.txt", "NICU", "Pub", None, None, "The NICU", "general", 0,
                  " ".join(s.text for s in sentences), sentences)
    best = Candidate(chunk, 3, sentences[3], 0.5, 0.5, 1.0, np.zeros(3))
    passage = Passage(chunk, "list", (best,), 2.0)
    assert len(_passage_statement(passage, 15, 0.5, every_kind=True).parts) == 4
    assert len(_passage_statement(passage, 15, 0.5).parts) == 1
    for asked in ("what levels of NICU are there?", "what are the main types of hand splints",
                  "which stages of the IEP process are there"):
        assert _EVERY_KIND.search(asked), asked
    assert not _EVERY_KIND.search("what kind of degree does a COTA need?")  # one, not every kind


def test_a_sentence_that_points_back_is_never_quoted_without_what_it_points_at():
    """'Many experienced driver rehab OTs hold both.' means nothing alone: beside a better
    sentence it is left out; as the best sentence it comes after the one it leans on. A sentence
    that names what it speaks of ("These roles ...") stands alone."""
    from bot.answer.composing import _passage_statement
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    texts = ("The CDRS and the SCDCM are the two driver rehabilitation credentials.",
             "Many experienced driver rehab OTs hold both.",
             "Some states also require a driving instructor license for on-road work.",
             "These roles are open to OTs with a few years of adult rehab experience.")
    chunk = Chunk("d", "d.md", "Driver Rehab", "Pub", None, None, "Credentials", "general", 0,
                  " ".join(texts), tuple(Sentence(t, "sentence", "general") for t in texts))

    def passage(*order: int) -> Passage:
        members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, 1.0 - 0.1 * n, np.zeros(3))
                        for n, i in enumerate(order))
        return Passage(chunk, "paragraph", members, 1.0)

    def quoted(p: Passage) -> list[str]:
        return [part.text for part in _passage_statement(p, 120).parts]

    assert quoted(passage(2, 1)) == [texts[2]]
    assert quoted(passage(1, 2)) == [texts[0], texts[1], texts[2]]
    assert quoted(passage(3)) == [texts[3]]
    assert quoted(passage(0, 1)) == [texts[0], texts[1]]


def test_a_sentence_naming_the_case_before_it_leans_on_it():
    """'In that case no taxes are withheld' after the employees' paycheck, without the sentence
    on contractors it points at, says the opposite of the article: it joins only with it."""
    from bot.answer.composing import _passage_statement
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    texts = ("Most PRN OTs are employees and get a regular paycheck with taxes withheld.",
             "Some staffing companies instead hire per diem therapists as 1099 contractors.",
             "In that case no taxes are withheld, and the therapist pays self-employment taxes.")
    chunk = Chunk("p", "p.html", "PRN", "Pub", None, None, "Pay", "general", 0,
                  " ".join(texts), tuple(Sentence(t, "sentence", "general") for t in texts))
    members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, 1.0 - 0.1 * n, np.zeros(3))
                    for n, i in enumerate((0, 2)))
    quoted = [p.text for p in _passage_statement(Passage(chunk, "paragraph", members, 1.0), 120).parts]
    assert quoted == [texts[0]]


def test_a_paragraph_leaning_on_a_list_before_it_is_left_out_beside_a_better_one():
    """'Many experienced driver rehab OTs hold both.' right after the list of the two
    credentials cannot be quoted with what it means: it joins no answer but as its best."""
    from bot.answer.composing import _out_of_context
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    sentences = (Sentence("Two credentials come up in job postings:", "lead_in", "general"),
                 Sentence("CDRS: the specialist credential.", "list_item", "general"),
                 Sentence("SCDCM: the specialist in driving and community mobility.", "list_item",
                          "general"),
                 Sentence("Many experienced driver rehab OTs hold both.", "sentence", "general"),
                 Sentence("They also take on-road training.", "sentence", "general"))
    chunk = Chunk("d", "d.md", "Driver Rehab", "Pub", None, None, "Credentials", "general", 0,
                  " ".join(s.text for s in sentences), sentences)

    def passage(i: int) -> Passage:
        return Passage(chunk, "paragraph",
                       (Candidate(chunk, i, sentences[i], 0.5, 0.5, 1.0, np.zeros(3)),), 1.0)

    assert _out_of_context(passage(3))  # leans on the list
    assert not _out_of_context(passage(4))  # the sentence before can be quoted with it


def test_a_passage_that_only_repeats_what_is_quoted_is_left_out():
    """The same fact from a second article adds nothing: a paragraph whose best sentence says
    only what is quoted already, or a passage quoting only such words. A paragraph whose best
    sentence says something more, or a list with an item of its own, still joins."""
    from bot.answer.composing import _adds_nothing, _passage_statement
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    def passage(kind: str, *texts: str) -> Passage:
        sentence_kind = "list_item" if kind == "list" else "sentence"
        chunk = Chunk(texts[0][:8], "a.md", "Licensure", "Pub", None, None, "Renewal", "general",
                      0, " ".join(texts), tuple(Sentence(t, sentence_kind, "general") for t in texts))
        members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, 1.0 - 0.1 * i, np.zeros(3))
                        for i in range(len(texts)))
        return Passage(chunk, kind, members, 1.0)

    first = passage("paragraph", "NBCOT certification renews every three years and requires "
                    "36 professional development units.")
    placed = [_passage_statement(first, 120)]
    again = passage("paragraph", "NBCOT certification is renewed every three years.",
                    "State licenses have their own renewal cycles.")
    more = passage("paragraph", "NBCOT certification is renewed online every three years.",
                   "State licenses have their own renewal cycles.")
    items = passage("list", "Certification renews every three years.",
                    "State licenses renew on their own cycles.")
    assert _adds_nothing(again, _passage_statement(again, 120), placed)
    assert not _adds_nothing(more, _passage_statement(more, 120), placed)
    assert not _adds_nothing(items, _passage_statement(items, 120), placed)
    assert _adds_nothing(items, _passage_statement(items, 6), placed)  # only its first item


def test_an_agencys_pitch_beside_the_answer_is_left_out_unless_asked_about():
    from bot.answer.composing import _passage_statement
    from bot.answer.lexical import tokens
    from bot.answer.scoring import Candidate, Passage
    from bot.models import Chunk, Sentence

    texts = ("Groups are a cornerstone of mental health OT.",
             "Our recruiters can help you find inpatient or community roles.")
    chunk = Chunk("m", "m.md", "Mental health OT", "Priya Halvorsen, OTR/L", None, None,
                  "Groups", "general", 0, " ".join(texts),
                  tuple(Sentence(t, "sentence", "general", block=0) for t in texts))
    members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, 1.0 - 0.1 * i, np.zeros(3))
                    for i in range(2))
    passage = Passage(chunk, "paragraph", members, 2.0)

    def quoted(question: str) -> list[str]:
        statement = _passage_statement(passage, 120, None, frozenset(tokens(question)))
        return [p.text for p in statement.parts]

    assert quoted("are groups a big part of psych OT?") == [texts[0]]
    assert quoted("can your recruiters help me find a psych job?") == list(texts)


def test_an_agency_named_in_its_own_article_is_a_pitch_even_beside_a_recruiting_question():
    """The article's author stands for its publisher, yet the body names the agency: a sentence
    offering the reader a job under that name is a pitch ("Tamarack Clinical Staffing can
    connect you with ... positions"), and so is the agency's name beside a question about
    recruiters in general ("does a recruiter cost anything?")."""
    from bot.answer.composing import _pitch
    from bot.answer.lexical import tokens
    from bot.models import Chunk

    chunk = Chunk("h", "h.md", "Hand therapy", "Meadowlark Therapy Network", None, None, "Hours",
                  "general", 0, "", ())
    hours = frozenset(tokens("what hours do hand clinics have"))
    fees = frozenset(tokens("does a recruiter cost me anything"))
    offer = "Tamarack Clinical Staffing can connect you with hand clinic positions."
    named = "Meadowlark Therapy Network works with hospitals and clinics."
    general = "Working with a recruiter costs you nothing; employers pay the agency."
    assert _pitch(chunk, offer, hours) and _pitch(chunk, named, fees)
    assert not _pitch(chunk, general, fees)
    assert not _pitch(chunk, named, frozenset(tokens("does meadowlark place new grads")))


def test_a_row_of_a_wider_table_is_led_by_its_name_not_cited_as_a_cell():
    """'Factor | Skilled Nursing Facility | Home Health': the factor names the row."""
    from bot.answer.composing import _row_statement
    from bot.answer.scoring import Candidate
    from bot.answer.verification import verify
    from bot.models import Chunk, Sentence

    cells = (("Factor", "How productivity is measured"),
             ("Skilled Nursing Facility", "Percentage of time billable"),
             ("Home Health", "Visits per day or per week"))
    text = "; ".join(f"{h}: {c}" for h, c in cells)
    sentences = tuple(Sentence(c, "table_cell", "general", label=h, row=0) for h, c in cells)
    chunk = Chunk("t", "t.md", "SNF vs home health", "Pub", None, None, "At a glance",
                  "general", 0, text, sentences)
    members = (Candidate(chunk, 1, sentences[1], 0.5, 0.5, 1.0, np.zeros(3)),)
    (statement,) = verify((_row_statement(chunk, members),), {"t": chunk})
    assert [p.text for p in statement.parts] == [c for _, c in cells[1:]]
    assert statement.parts[0].context == (
        "How productivity is measured — Skilled Nursing Facility: "
    )
    assert statement.parts[1].context == "Home Health: "


def test_a_row_whose_name_sits_in_an_unheaded_first_column_is_led_by_it():
    """'| Clinic | School' with the row names in a first column without a header: the row's
    text ("Funding — Clinic: ...") keeps the name, and the quoted row is led by it."""
    from bot.answer.composing import _row_statement
    from bot.answer.scoring import Candidate
    from bot.answer.verification import verify
    from bot.models import Chunk, Sentence

    cells = (("Clinic", "Private insurance"), ("School", "Public funding, at no cost to families"))
    text = "Clinic vs school\nFunding — " + "; ".join(f"{h}: {c}" for h, c in cells) + "."
    sentences = tuple(Sentence(c, "table_cell", "general", label=h, row=0) for h, c in cells)
    chunk = Chunk("t", "t.md", "Clinic vs school", "Pub", None, None, "Clinic vs school",
                  "general", 0, text, sentences)
    members = (Candidate(chunk, 1, sentences[1], 0.5, 0.5, 1.0, np.zeros(3)),)
    (statement,) = verify((_row_statement(chunk, members),), {"t": chunk})
    assert [p.context for p in statement.parts] == ["Funding — Clinic: ", "School: "]


def test_a_table_row_is_quoted_whole_with_its_column_headers(composer, retrieve):
    composition = compose(
        composer, retrieve, "How do schedules differ between school and clinical OT?"
    )
    row = composition.statements[0]
    assert row.layout == "row"
    assert [(p.context, p.text) for p in row.parts] == [
        ("School-Based OT: ", "Schedule often follows school calendar"),
        ("Clinical/Healthcare OT: ", "Year-round, with varied shifts depending on setting"),
    ]


def test_a_question_about_one_setting_quotes_its_cell_of_a_row(composer, retrieve):
    """A comparison table answers a question about one setting by that setting's column; the
    other column is for a question comparing both (above)."""
    from bot.answer.composing import _row_statement

    question = "Do clinical OTs get summers off?"
    found = retrieve(question)
    scored = composer.score(question, found.vector, found.hits)
    assert scored.other == "school"
    row = next(p for p in scored.passages if p.kind == "row" and "Year-round" in p.text)
    both = _row_statement(row.chunk, row.members)
    assert [p.context for p in both.parts] == ["School-Based OT: ", "Clinical/Healthcare OT: "]
    one = _row_statement(row.chunk, row.members, scored.other)
    assert [(p.context, p.text) for p in one.parts] == [
        ("Clinical/Healthcare OT: ", "Year-round, with varied shifts depending on setting"),
    ]
    compared = "How do schedules differ between school and clinical OT?"
    found = retrieve(compared)
    assert composer.score(compared, found.vector, found.hits).other is None


# The word budget per mode and detail


@pytest.mark.parametrize(
    ("mode", "detail"),
    [
        ("candidate", "short"),
        ("candidate", "standard"),
        ("candidate", "detailed"),
        ("recruiter", "short"),
        ("recruiter", "standard"),
        ("recruiter", "detailed"),
    ],
)
@pytest.mark.parametrize(
    "question", ["What do OTs do?", "What are school-based OT goals?", "What is an IEP?"]
)
def test_an_answer_keeps_to_its_points_and_words(composer, retrieve, question, mode, detail):
    composition = compose(composer, retrieve, question, mode, detail)
    assert not composition.comparison and composition.statements
    policy = composer.policy
    assert len(composition.statements) <= policy.points(mode, detail)
    quoted = sum(words(s) for s in composition.statements)
    # The first passage always shows; everything after it fits the budget.
    assert quoted <= policy.words(mode, detail) or len(composition.statements) == 1


def test_more_detail_quotes_more(composer, retrieve):
    question = "What do OTs do?"

    def quoted(mode, detail):
        return sum(words(s) for s in compose(composer, retrieve, question, mode, detail).statements)

    assert (
        quoted("candidate", "short")
        < quoted("candidate", "standard")
        < quoted("candidate", "detailed")
    )
    assert quoted("recruiter", "standard") > quoted("candidate", "standard")



def test_a_detailed_answer_also_quotes_weaker_passages(composer, retrieve):
    """"detailed" differs from "standard" where the articles have more to say: passages less
    likely than half the best one's join it (issue 11)."""
    policy = composer.policy
    recruiter = policy.keep("recruiter", "standard")
    assert policy.keep("recruiter", "detailed") < recruiter == policy.keep("recruiter", "short")
    # A candidate's answer keeps only the passages nearly as likely as the best one.
    assert policy.keep("candidate", "standard") > recruiter
    assert policy.keep("candidate", "detailed") == policy.keep("recruiter", "detailed")
    question = "What are the advantages of clinical OT?"
    standard = compose(composer, retrieve, question, "recruiter", "standard")
    detailed = compose(composer, retrieve, question, "recruiter", "detailed")
    assert sum(map(words, detailed.statements)) > sum(map(words, standard.statements))


def test_a_passage_is_trimmed_to_the_budget_best_sentences_first(composer, retrieve):
    question = "What are the key responsibilities of a school-based OT?"
    found = retrieve(question)
    best = composer.score(question, found.vector, found.hits).passages[0]
    budget = composer.policy.words("candidate", "short")
    assert sum(len(m.sentence.text.split()) for m in best.members) > budget
    (statement,) = composer.compose(
        question, found.vector, found.hits, "candidate", "short"
    ).statements
    kept = [p.source.quote for p in statement.parts]
    assert best.best.sentence.text in kept  # the best sentence always shows
    assert 0 < words(statement) <= budget
    assert len(kept) < len(best.members)


# Comparisons get both sides


def test_comparison_cites_both_settings(composer, retrieve):
    composition = compose(
        composer, retrieve, "How do schedules differ between school and clinical OT?"
    )
    assert composition.comparison
    quoted = " | ".join(quotes(composition))
    assert "school calendar" in quoted
    assert "Year-round" in quoted


def test_a_comparison_gets_the_other_side_beyond_its_point_limit(composer, retrieve):
    question = "What are the advantages of school vs clinical OT?"
    assert composer.policy.points("recruiter", "short") == 1
    composition = compose(composer, retrieve, question, "recruiter", "short")
    assert composition.comparison and len(composition.statements) == 2
    assert {"school", "clinical"} <= sides(composer, composition)


def test_a_short_comparison_still_quotes_both_settings(composer, retrieve):
    question = "What are the advantages of school vs clinical OT?"
    composition = compose(composer, retrieve, question, "candidate", "short")
    assert composition.comparison and not composition.refused
    covered = sides(composer, composition)
    assert "row" in covered or "both" in covered or {"school", "clinical"} <= covered


# Order and redundancy


def draft_group(composer: Composer, statement: Statement) -> tuple[str, str]:
    """What the draft heads a statement under: its section, or its article if headingless."""
    chunk = composer.library.by_id[statement.parts[0].source.chunk_id]
    return chunk.source, chunk.section if has_heading(chunk.section) else ""


def passage_rank(composer: Composer, retrieve, question: str, statement: Statement) -> int:
    found = retrieve(question)
    passages = composer.score(question, found.vector, found.hits).passages
    quote = statement.parts[0].source.quote
    return next(i for i, p in enumerate(passages) if any(m.sentence.text == quote for m in p.members)
                or quote in p.text)


@pytest.mark.parametrize(
    "question", ["What do OTs do?", "What are the key responsibilities of a school-based OT?"]
)
def test_a_recruiter_draft_groups_its_points_by_section_the_best_first(
    composer, retrieve, question
):
    """Each section (or headingless article) is one group; the group of the best passage
    leads, and within a group the better passage comes first, so the answer is never buried
    under an earlier section of the article."""
    draft = compose(composer, retrieve, question, "recruiter", "detailed")  # passages to group
    assert len(draft.statements) >= 3
    groups = [draft_group(composer, s) for s in draft.statements]
    ranks = [passage_rank(composer, retrieve, question, s) for s in draft.statements]
    seen: list[tuple[str, str]] = []
    for group in groups:  # contiguous groups
        if not seen or seen[-1] != group:
            assert group not in seen
            seen.append(group)
    assert ranks[0] == min(ranks)  # the best passage's group leads, with it first
    for group in seen:
        inside = [r for g, r in zip(groups, ranks, strict=True) if g == group]
        assert inside == sorted(inside)
    # The groups follow their best passages: a later group's best is worse than an earlier's.
    bests = [min(r for g, r in zip(groups, ranks, strict=True) if g == group) for group in seen]
    assert bests == sorted(bests)


def test_two_passages_saying_the_same_thing_are_quoted_once(composer, retrieve):
    question = "What should school-based OT goals focus on?"
    found = retrieve(question)
    first, second, *rest = composer.score(question, found.vector, found.hits).passages
    # Preconditions: the two best passages say the same and both are likely enough to be quoted.
    assert float(np.dot(first.best.vector, second.best.vector)) > REDUNDANT_COSINE
    assert sigmoid(second.score) >= sigmoid(first.score) * composer.policy.keep("candidate", "standard")
    composition = composer.compose(question, found.vector, found.hits, "candidate")
    quoted = quotes(composition)
    assert first.best.sentence.text in quoted
    assert not any(m.sentence.text in quoted for m in second.members)
    # The repeat took no point of the answer: the next passage took its place.
    assert sigmoid(rest[0].score) >= sigmoid(first.score) * composer.policy.keep("candidate", "standard")
    assert len(composition.statements) >= 2
    assert any(m.sentence.text in quoted for m in rest[0].members)


def test_a_candidate_gets_the_list_item_that_answers_not_the_whole_list(composer, retrieve):
    """Items come best first; one scoring far below the best is padding for a candidate (the
    items of "what are the advantages?" all answer and all stay; a detailed answer keeps all)."""
    summers = quotes(compose(composer, retrieve, "Do school OTs get summers off?"))
    assert any("summers off" in q for q in summers)
    assert not any("watch students grow" in q for q in summers)
    advantages = quotes(compose(composer, retrieve, "What are the advantages of school-based OT?"))
    assert sum(q in advantages for q in (
        "A chance to watch students grow year after year.",
        "A team-oriented atmosphere that blends education and therapy.",
    )) == 2
    detailed = compose(composer, retrieve, "Do school OTs get summers off?", detail="detailed")
    assert any("watch students grow" in q for q in quotes(detailed))


def test_a_publisher_speaking_of_itself_is_no_padding(composer, retrieve):
    """"Flagstar Rehab connects therapists with..." answers no question about school OT's
    advantages: it joins a draft only as the best passage or when the question names the
    publisher, so a recruiter at another agency never has to delete it."""
    def names_publisher(composition: Composition) -> bool:
        return any(
            name in q for q in quotes(composition) for name in ("Flagstar", "Aequor")
        )

    for question in ("What are the advantages of school-based OT?", "Are school OT jobs in demand?"):
        for detail in ("standard", "detailed"):
            assert not names_publisher(compose(composer, retrieve, question, "recruiter", detail))
    asked = compose(composer, retrieve, "Does Flagstar help with credentialing?", "recruiter")
    assert names_publisher(asked)


def test_publisher_names_leave_out_the_words_any_agency_uses():
    assert publisher_names("Kestrel Ridge Therapy Staffing, LLC") == {"kestrel", "ridg"}
    assert publisher_names("Priya Halvorsen, MS, OTR/L") == {"priya", "halvorsen"}
    assert publisher_names("unknown publisher") == set()



def test_a_list_of_questions_to_ask_follows_the_passage_that_answers():
    """However like the question a list of questions reads (ranked first here), what states
    the answer leads."""
    from bot.answer.scoring import AnswerPolicy, Candidate, Passage
    from bot.models import Chunk, Sentence

    told = Sentence("Most hospitals expect therapists to cover some weekends.", "sentence",
                    "clinical", block=0)
    asked = (Sentence("How are weekends and holidays scheduled?", "list_item", "clinical"),
             Sentence("Is there a mentor for new staff?", "list_item", "clinical"))
    weekends = Chunk("w", "a.md", "Acute care", "Pub", None, None, "Weekends", "clinical", 0,
                     told.text, (told,))
    questions = Chunk("q", "a.md", "Acute care", "Pub", None, None, "Questions to ask",
                      "clinical", 1, " ".join(s.text for s in asked), asked)
    axes = np.eye(3)
    paragraph = Passage(weekends, "paragraph",
                        (Candidate(weekends, 0, told, 0.5, 0.5, 1.0, axes[0]),), 1.0)
    listed = Passage(questions, "list", tuple(
        Candidate(questions, i, s, 0.5, 0.5, 1.2, axes[1 + i]) for i, s in enumerate(asked)
    ), 1.2)
    composer = Composer(None, AnswerPolicy(), None, None)  # type: ignore[arg-type]
    statements = composer._statements(
        "do acute care OTs work weekends?", [listed, paragraph], "recruiter", "standard", False
    )
    assert [s.parts[0].text for s in statements] == [told.text, asked[0].text]


def test_the_sentences_that_open_a_lists_lead_in_paragraph_come_before_the_list():
    """The list is scored with its whole lead-in paragraph and may rank above the paragraph's own
    first sentences; quoted, they come first, as the article has them (answer, then the list)."""
    from bot.answer.composing import _lead_paragraph_first, _passage_statement
    from bot.answer.scoring import Candidate, Passage
    from bot.ingest.chunking import split
    from bot.models import Article, Block

    blocks = (
        Block("heading", "Does an OTD pay more?"),
        Block("lead_in", "Usually not in clinical roles. Employers pay by setting, not degree. "
                         "An OTD may help if you want to:"),
        Block("list_item", "Teach in an OT program"),
        Block("list_item", "Move into research"),
    )
    chunk = split(Article("otd.md", "OTD", "Pub", None, None, (), blocks), 200)[0]
    kinds = [s.kind for s in chunk.sentences]
    head = kinds.index("lead_in")
    assert head >= 2  # the answer sentences stand before the lead-in sentence, in its block

    def passage(kind, indexes, score):
        members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, score, np.zeros(3))
                        for i in indexes)
        return Passage(chunk, kind, members, score)

    listed = passage("list", [i for i, k in enumerate(kinds) if k == "list_item"], 2.0)
    opening = passage("paragraph", [0, 1], 1.0)
    placed = [(p, _passage_statement(p, 500)) for p in (listed, opening)]
    assert [p for p, _ in _lead_paragraph_first(placed)] == [opening, listed]
    # a paragraph from elsewhere keeps its rank
    assert [p for p, _ in _lead_paragraph_first(placed[:1])] == [listed]


def test_the_paragraph_opening_a_lists_lead_in_is_quoted_with_the_list(composer):
    """A list is ranked with its whole lead-in paragraph: 'Research pay before you respond. The
    BLS publishes wage data ... Then:' is what its items were found for. Its items, read with
    that lead-in, look like a repeat of it, and fill a short answer's words: the paragraph is
    quoted all the same, before the list, as the article has it."""
    from bot.answer.scoring import Candidate, Passage
    from bot.ingest.chunking import split
    from bot.models import Article, Block

    steps = ("Thank the employer and express interest before raising any requests about the offer",
             "Ask for a specific figure or range backed by your research and your experience",
             "Negotiate the whole package when base pay is fixed: continuing education funds, "
             "paid time off, the schedule or a sign-on bonus may all still move",
             "Get every agreed change in an updated written offer before you resign anywhere",
             "Keep your tone respectful and concise, since a polite counteroffer is a normal part "
             "of hiring in health care and rarely costs anyone an offer",
             "Decide beforehand which terms matter most to you, and which you would give up, so "
             "that you can answer a counteroffer of theirs on the spot",
             "Ask how productivity is measured and what happens when a patient cancels, because "
             "that decides what a per-visit rate is really worth each week")
    blocks = (Block("heading", "How to negotiate"),
              Block("lead_in", "Research pay before you respond. The Bureau of Labor Statistics "
                               "publishes wage data by state and metro area. Then:"),
              *(Block("list_item", s) for s in steps))
    chunk = split(Article("n.txt", "Offers", "Pub", None, None, (), blocks), 400)[0]
    same = np.ones(3) / np.sqrt(3)  # items read with the lead-in: as alike as a repeat

    def passage(kind, score, *indexes):
        members = tuple(Candidate(chunk, i, chunk.sentences[i], 0.5, 0.5, score, same)
                        for i in indexes)
        return Passage(chunk, kind, members, score)

    items = [i for i, s in enumerate(chunk.sentences) if s.kind == "list_item"]
    listed, opener = passage("list", 2.0, *items), passage("paragraph", 1.8, 1, 0)
    roomy = with_policy(composer, candidate_keep_ratio=0.5)
    statements = roomy._statements("where can i find salary data?", [listed, opener], "candidate",
                                   "standard", comparison=False)
    quoted = [[p.text for p in s.parts] for s in statements]
    assert quoted[0][-1] == chunk.sentences[1].text  # the wage data: what the list was found for
    assert sum(len(t.split()) for t in quoted[1]) + 20 > 120  # the list alone fills the budget
    assert set(quoted[1]) <= {chunk.sentences[i].text for i in items}
