"""Scoring the evidence: the question's terms, its scored sentences, the passages they form and the
signals of the answer/refuse decision, over the real index of the seed articles."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from bot.answer.lexical import tokens
from bot.answer.refusal import PASSAGE_FEATURES, SIGNALS
from bot.answer.retrieval import Hit, Library
from bot.answer.scope import Glossary
from bot.answer.scoring import (
    LONG_FORM_SHARE,
    RANK_PENALTY,
    AnswerPolicy,
    Term,
    candidates_for,
    citable,
    coverage,
    evidence_signals,
    evidence_words,
    passages_of,
    question_terms,
    score_evidence,
)
from bot.ingest.index import ChromaIndex
from bot.models import Chunk, Sentence

IEP = Term("iep", 3.0, ("individu", "educ", "program"), known=True)
SNF = Term("snf", 5.0, ("skill", "nurs", "facil"), known=False)


@pytest.fixture(scope="module")
def library(seed_bot) -> Library:
    return seed_bot.chain.library


@pytest.fixture(scope="module")
def glossary(seed_bot) -> Glossary:
    return seed_bot.chain.glossary


@pytest.fixture(scope="module")
def policy(seed_bot) -> AnswerPolicy:
    """The calibrated policy the bot answers with (prompts/ranking.toml, prompts/refusal.toml)."""
    return seed_bot.chain.composer.policy


def scored(retrieve, library, policy, glossary, question: str):
    found = retrieve(question)
    return score_evidence(library, question, found.vector, found.hits, policy, glossary), found


# Term.credit and coverage


def test_a_plain_word_counts_only_when_the_text_has_it():
    school = Term("school", 1.0)
    assert school.credit({"school", "ot"}) == 1.0
    assert school.credit({"clinic"}) == 0.0


def test_a_word_counts_when_the_text_has_a_word_of_its_family():
    # "can they extend it?" is answered by a sentence about an extension.
    extend = Term("extend", 2.0, relatives=("extens",))
    assert extend.credit({"extens", "contract"}) == 1.0
    assert extend.credit({"contract"}) == 0.0


def test_an_abbreviation_the_corpus_uses_counts_half_for_itself_and_half_for_its_long_form():
    assert IEP.credit({"iep"}) == 0.5  # a passing mention
    assert IEP.credit({"individu", "educ", "program"}) == 0.5
    assert IEP.credit({"iep", "individu", "educ", "program"}) == 1.0  # a defining sentence
    assert IEP.credit({"iep", "educ"}) == pytest.approx(0.5 + 0.5 / 3)


def test_an_abbreviation_the_corpus_never_uses_counts_only_with_most_of_its_long_form():
    assert SNF.credit({"snf"}) == 0.0
    assert SNF.credit({"skill", "nurs"}) == 0.0  # 2 of 3 words
    assert SNF.credit({"skill", "nurs", "facil"}) == 1.0
    mtss = Term("mtss", 4.0, ("multi", "tier", "system", "support"), known=False)
    assert LONG_FORM_SHARE == 0.75
    assert mtss.credit({"multi", "tier", "system"}) == 1.0  # 3 of 4: enough
    assert mtss.credit({"multi", "tier"}) == 0.0


def test_coverage_is_the_idf_weighted_share_of_concepts():
    # The docstring's example: school (weight 1) and salary (weight 5), a text about schools.
    terms = [Term("school", 1.0), Term("salary", 5.0)]
    assert coverage(terms, {"school"}) == pytest.approx(1 / 6)
    assert coverage(terms, {"salary"}) == pytest.approx(5 / 6)
    assert coverage(terms + [IEP], {"school", "iep"}) == pytest.approx((1 + 3 * 0.5) / 9)


def test_coverage_of_no_terms_or_weightless_terms_is_zero():
    assert coverage([], {"school"}) == 0.0
    assert coverage([Term("school", 0.0)], {"school"}) == 0.0


# question_terms


def test_question_terms_are_idf_weighted_content_words(library, glossary):
    terms = question_terms(library, "Can you explain how school OTs plan their summers?", glossary)
    words = [t.word for t in terms]
    assert words == ["school", "ot", "plan", "summer"]  # stop and question words are left out
    for term in terms:
        assert term.weight == pytest.approx(library.vocabulary.idf(term.word))
    weight = {t.word: t.weight for t in terms}
    assert weight["summer"] > weight["school"]  # the rarer word counts for more


def test_an_abbreviation_in_the_corpus_gets_its_long_form(library, glossary):
    (iep,) = question_terms(library, "What is an IEP?", glossary)
    assert iep.word == "iep" and iep.known
    assert iep.long_form == ("individu", "educ", "program")
    vocabulary = library.vocabulary
    assert iep.weight == pytest.approx(max(vocabulary.idf(w) for w in ("iep", *iep.long_form)))


def test_an_abbreviation_the_corpus_never_uses_is_marked_unknown(library, glossary):
    terms = {t.word: t for t in question_terms(library, "Do school OTs work in SNFs?", glossary)}
    assert "snf" not in library.vocabulary
    assert not terms["snf"].known
    assert terms["snf"].long_form == ("skill", "nurs", "facil")


# candidates_for


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (Sentence("School OTs often work with teachers.", "sentence", "school"), True),
        (Sentence("Key responsibilities in schools:", "lead_in", "school"), False),
        (Sentence("Is school OT right for you?", "sentence", "school"), False),
        # an item of a list of questions to ask is advice, not a heading
        (Sentence("How long is orientation, and what does it include?", "list_item", "general"), True),
        (Sentence("Yes, often.", "sentence", "general"), False),
        (Sentence("Browse our open positions today.", "sentence", "general"), False),
        (Sentence("Contact us to learn more about roles.", "sentence", "general"), False),
        (Sentence("Join our talent network and a recruiter will call.", "sentence", "general"), False),
        # the article speaking of itself states nothing about a career
        (Sentence("This guide explains how the roles differ.", "sentence", "general"), False),
        (Sentence("The table below summarizes the main differences.", "sentence", "general"), False),
        (Sentence("We place OTs in hospitals, so here is an honest look at the work.", "sentence",
                  "general"), False),
        (Sentence("Ask for the job description in writing.", "sentence", "general"), True),
        # advice to join something is no call to the agency
        (Sentence("Join a professional community such as ASHT.", "list_item", "general"), True),
        (
            Sentence(
                "OT addresses several domains.", "sentence", "school", announces_missing_list=True
            ),
            False,
        ),
    ],
)
def test_only_sentences_that_can_stand_as_a_point_are_citable(sentence, expected):
    assert citable(sentence) is expected


def test_candidates_are_the_citable_sentences_of_the_hits_best_first(
    retrieve, library, policy, glossary
):
    found = retrieve("What are the key responsibilities of a school-based OT?")
    terms = question_terms(library, found.question, glossary)
    candidates = candidates_for(library, found.hits, terms, found.vector, policy)
    assert candidates and all(citable(c.sentence) for c in candidates)
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    hit_sentences = {(h.chunk.id, s.text) for h in found.hits for s in h.chunk.sentences}
    assert {(c.chunk.id, c.sentence.text) for c in candidates} <= hit_sentences
    texts = [c.sentence.text for c in candidates]
    assert "Key responsibilities in schools:" not in texts  # a lead-in
    assert any(t.startswith("Supporting IEP goals") for t in texts)  # its items are


def test_each_candidate_is_scored_with_its_own_stored_vector(retrieve, library, policy, glossary):
    found = retrieve("Do school OTs get summers off?")
    terms = question_terms(library, found.question, glossary)
    for candidate in candidates_for(library, found.hits, terms, found.vector, policy):
        rows = library.sentences([candidate.chunk])[candidate.chunk.id]
        assert np.array_equal(candidate.vector, rows.vectors[candidate.index])
        assert candidate.similarity == pytest.approx(float(candidate.vector @ found.vector))


def test_a_chunk_further_down_the_hits_costs_its_sentences_a_little(
    retrieve, library, policy, glossary
):
    found = retrieve("Do school OTs get summers off?")
    terms = question_terms(library, found.question, glossary)
    first = found.hits[0]
    # The same chunk retrieved first and third: only its rank differs.
    hits = [first, found.hits[1], first]
    candidates = candidates_for(library, hits, terms, found.vector, policy)
    by_rank = {
        rank: {
            c.index: c.score for c in candidates if c.chunk.id == first.chunk.id and c.rank == rank
        }
        for rank in (0, 2)
    }
    assert by_rank[0] and by_rank[0].keys() == by_rank[2].keys()
    for index, score in by_rank[0].items():
        assert score - by_rank[2][index] == pytest.approx(2 * RANK_PENALTY)


def test_sentences_only_about_the_other_setting_are_pushed_down_but_table_cells_are_not(
    retrieve, library, policy, glossary
):
    found = retrieve("How do clinical OTs schedule their year?", k=10)
    terms = question_terms(library, found.question, glossary)
    plain = {
        (c.chunk.id, c.index): c
        for c in candidates_for(library, found.hits, terms, found.vector, policy)
    }
    pushed = candidates_for(library, found.hits, terms, found.vector, policy, "school")
    kinds = set()
    for candidate in pushed:
        before = plain[(candidate.chunk.id, candidate.index)]
        about_schools = candidate.sentence.setting == "school"
        exempt = candidate.sentence.kind == "table_cell"
        kinds.add((about_schools, exempt))
        expected = policy.other_setting_penalty if about_schools and not exempt else 0.0
        assert candidate.penalty == pytest.approx(expected)
        assert before.score - candidate.score == pytest.approx(expected)
        assert candidate.evidence_score == pytest.approx(before.score)  # the decision's view
    assert {(True, False), (True, True), (False, False)} <= kinds  # every case was seen


# passages_of and passage_features


def test_sentences_form_passages_a_list_with_its_lead_in_a_row_a_paragraph(
    retrieve, library, policy, glossary
):
    evidence, _ = scored(
        retrieve,
        library,
        policy,
        glossary,
        "What are the key responsibilities of a school-based OT?",
    )
    members = [(m.chunk.id, m.index) for p in evidence.passages for m in p.members]
    candidates = {(c.chunk.id, c.index): c for c in evidence.candidates}
    assert set(members) <= set(candidates)
    assert len(members) == len(set(members))  # each sentence in exactly one passage
    # A sentence in no passage is in one only about the setting the question does not name
    # (clinics: it asks about school-based OTs), which is set aside.
    assert all(candidates[key].penalty > 0 for key in set(candidates) - set(members))

    responsibilities = next(
        p
        for p in evidence.passages
        if p.best.sentence.text.startswith(
            (
                "Supporting IEP goals",
                "Collaborating with the team",
                "Targeting functional",
                "Providing services in varied",
            )
        )
    )
    assert responsibilities.kind == "list" and len(responsibilities.members) == 4
    assert responsibilities.text.startswith("Key responsibilities in schools: Supporting IEP goals")
    assert responsibilities.features["list"] == 1.0 and responsibilities.features["row"] == 0.0
    assert responsibilities.features["lead_similarity"] > 0.0  # its lead-in was weighed

    for passage in evidence.passages:
        kinds = {m.sentence.kind for m in passage.members}
        if passage.kind == "row":
            assert kinds == {"table_cell"} and len({m.sentence.row for m in passage.members}) == 1
        elif passage.kind == "list":
            assert kinds == {"list_item"}
        else:
            assert kinds == {"sentence"} and len({m.sentence.block for m in passage.members}) == 1
        assert len({m.chunk.id for m in passage.members}) == 1


def test_a_comparison_row_is_one_passage_with_both_columns(retrieve, library, policy, glossary):
    evidence, _ = scored(
        retrieve,
        library,
        policy,
        glossary,
        "How do schedules differ between school and clinical OT?",
    )
    row = next(p for p in evidence.passages if p.kind == "row")
    assert {m.sentence.label for m in row.members} == {"School-Based OT", "Clinical/Healthcare OT"}
    assert row.features["row"] == 1.0


def test_passages_are_ranked_by_the_rankers_logit_of_their_features(
    retrieve, library, policy, glossary
):
    evidence, found = scored(retrieve, library, policy, glossary, "What does IEP mean?")
    scores = [p.score for p in evidence.passages]
    assert scores == sorted(scores, reverse=True)
    for passage in evidence.passages:
        assert set(passage.features) == set(PASSAGE_FEATURES)  # what the ranker is fitted on
        assert passage.score == pytest.approx(policy.ranker.logit(passage.features))
        features = passage.features
        for name in ("rank", "lexical", "other_setting", "coverage", "passage_coverage"):
            assert 0.0 <= features[name] <= 1.0, name
        assert features["similarity"] == max(m.similarity for m in passage.members)
        assert features["specific"] == max(m.specific for m in passage.members)
    # Recomputing the ranking with another ranker reorders the same passages.
    words_only = passages_of(
        library,
        evidence.candidates,
        evidence.terms,
        found.hits,
        found.vector,
        type(policy.ranker)({"passage_coverage": 1.0}, 0.0),
    )
    assert [p.features["passage_coverage"] for p in words_only] == sorted(
        (p.features["passage_coverage"] for p in words_only), reverse=True
    )


def test_a_passage_that_leans_on_the_sentence_before_is_flagged(
    retrieve, library, policy, glossary
):
    evidence, _ = scored(retrieve, library, policy, glossary, "What does OT in schools focus on?")
    flags = {p.best.sentence.text: p.features["anaphoric"] for p in evidence.passages}
    leaning = [text for text in flags if text.startswith(("This ", "It ", "These "))]
    standing = [text for text in flags if text.startswith(("OT ", "School", "Occupational"))]
    assert leaning and standing
    assert all(flags[text] == 1.0 for text in leaning)
    assert all(flags[text] == 0.0 for text in standing)


# score_evidence: the one-setting and amount rules


def test_a_question_about_one_setting_is_not_answered_from_passages_only_about_the_other(
    retrieve, library, policy, glossary
):
    clinical, _ = scored(retrieve, library, policy, glossary, "Do clinical OTs get summers off?")
    assert clinical.passages
    assert all(p.features["other_setting"] < 1.0 for p in clinical.passages)
    # The school sentences are still scored (pushed down), so the decision can see them.
    assert any(c.sentence.setting == "school" and c.penalty > 0 for c in clinical.candidates)

    unnamed, _ = scored(retrieve, library, policy, glossary, "Do OTs get summers off?")
    assert any(all(m.sentence.setting == "school" for m in p.members) for p in unnamed.passages), (
        "without a named setting, passages only about schools remain"
    )


def test_when_only_the_other_setting_has_passages_they_are_kept(
    retrieve, library, policy, glossary
):
    question = "Do clinical OTs get summers off?"
    found = retrieve(question, k=20)
    school_only = [
        h for h in found.hits if all(s.setting == "school" for s in h.chunk.sentences if citable(s))
    ]
    assert school_only
    evidence = score_evidence(library, question, found.vector, school_only, policy, glossary)
    assert evidence.passages
    assert all(p.features["other_setting"] == 1.0 for p in evidence.passages)


def test_a_comparison_pushes_neither_setting_down(retrieve, library, policy, glossary):
    evidence, _ = scored(
        retrieve, library, policy, glossary, "How does school-based OT compare with clinics?"
    )
    assert evidence.candidates
    assert all(c.penalty == 0.0 for c in evidence.candidates)


def test_a_question_asking_for_an_amount_keeps_only_sentences_stating_one(
    retrieve, library, policy, glossary
):
    asked = "How old are the children school-based OTs work with?"
    found = retrieve(asked)
    amounts = score_evidence(library, asked, found.vector, found.hits, policy, glossary)
    # The same evidence for a question that asks for no amount.
    everything = score_evidence(
        library,
        "Which children do school-based OTs work with?",
        found.vector,
        found.hits,
        policy,
        glossary,
    )
    states_amount = re.compile(
        r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|"
        r"twelve|dozens?|hundreds?|thousands?|half|quarter)\b",
        re.I,
    )
    kept = {(c.chunk.id, c.index) for c in amounts.candidates}
    assert kept == {
        (c.chunk.id, c.index)
        for c in everything.candidates
        if states_amount.search(c.sentence.text)
    }
    assert len(kept) < len(everything.candidates)
    assert "Works primarily with children ages 3–21" in [
        c.sentence.text for c in amounts.candidates
    ]


def test_a_question_asking_when_is_answered_only_where_a_sentence_states_a_year(
    retrieve, library, policy, glossary
):
    from bot.answer.scoring import _ASKS_YEAR, _STATES_YEAR

    assert _ASKS_YEAR.search("when was OT first organized as a profession?")
    assert _ASKS_YEAR.search("what year did the rule take effect?")
    assert not _ASKS_YEAR.search("when do school OTs start the year?")
    assert _STATES_YEAR.search("organized in 1917") and _STATES_YEAR.search("since the 1990s")
    assert not _STATES_YEAR.search("a caseload of 2500 minutes")  # no year: 2500 is past 2099
    # The shipped articles state no year: nothing answers when the agency was founded.
    asked = "When was Flagstar Rehab founded?"
    found = retrieve(asked)
    assert score_evidence(library, asked, found.vector, found.hits, policy, glossary).passages == []
    # The same evidence answers what the agency does.
    other = "What does Flagstar Rehab do?"
    assert score_evidence(library, other, found.vector, found.hits, policy, glossary).passages


def test_an_amount_the_question_already_gives_is_not_an_answer(retrieve, library, policy, glossary):
    evidence, _ = scored(
        retrieve,
        library,
        policy,
        glossary,
        "How many school OTs work with children ages 3 to 21?",
    )
    assert "Works primarily with children ages 3–21" not in [
        c.sentence.text for c in evidence.candidates
    ]



def test_a_follow_ups_borrowed_words_weigh_less_than_its_own(retrieve, library, policy, glossary):
    from bot.answer.scoring import BORROWED_WEIGHT

    alone, _ = scored(retrieve, library, policy, glossary, "What about in high school?")
    follow_up, _ = scored(
        retrieve, library, policy, glossary, "what about in high school (do school OTs do IEPs)?"
    )
    earlier, _ = scored(retrieve, library, policy, glossary, "do school OTs do IEPs?")
    weights = {t.word: t.weight for t in follow_up.terms}
    own = {t.word: t.weight for t in alone.terms}
    borrowed = {t.word: t.weight for t in earlier.terms}
    assert weights["high"] == pytest.approx(own["high"])  # its own words keep their weight
    assert weights["iep"] == pytest.approx(BORROWED_WEIGHT * borrowed["iep"])


def test_number_words_state_an_amount():
    from bot.answer.scoring import _amounts

    assert _amounts("Most contracts last thirteen weeks, some twenty-six") >= {"thirteen", "twenty"}
    assert _amounts("Reviewed twice a year, in fourteen days or 3 months") == {
        "twice", "fourteen", "3"
    }
    assert _amounts("Contracts vary by facility.") == set()


def test_an_amount_is_answered_by_a_figure_or_by_saying_there_is_no_fixed_one():
    from bot.answer.scoring import answers_amount

    assert answers_amount("Caseloads range from the 30s to well over 60 students.")
    assert answers_amount("There is no single national caseload limit for school OTs.")
    assert answers_amount("Caseloads vary widely by district and state.")
    assert answers_amount("Sessions tend to be shorter than in rehab settings.")
    assert not answers_amount("Caseload size matters when you choose a job.")
    assert not answers_amount("Most contracts last 13 weeks.", {"13"})  # the question's own figure
    # "no single ..." says there is no fixed amount only of a quantity
    assert answers_amount("There is no set number of visits per week.")
    assert not answers_amount("No single credential is required, but these are common.")
    assert not answers_amount("There is no single route, but most OTs follow a similar sequence.")
    # that something costs nothing is an amount of money ("how much do families pay?")
    from bot.answer.scoring import answers_money

    for free in ("Public funding through the district, at no cost to families",
                 "Families may pay nothing."):
        assert answers_amount(free) and answers_money(free), free
    assert not answers_money("Cost is a common worry for families.")


def test_a_money_figure_is_asked_for_by_the_nouns_of_pay_and_price():
    from bot.answer.scoring import _ASKS_MONEY

    for asked in (
        "how much do school based OTs make a year?",
        "how much does it cost to sit for the exam",
        "whats the typical hourly PRN rate for an acute care OT?",
        "whats a good per visit rate for home health OT?",
        "What is the average salary for a school OT?",
        "and how much does it pay?",
        "what's the nbcot first-time pass rate these days?",  # a share: a figure all the same
        "what does the CEAS course cost?",
        "what would a CLT course cost me",
        "What is the cost of the LANA certification exam?",
        "How much does the LANA lymphedema certification exam cost?",
        "what's the tuition for an OTD program",
    ):
        assert _ASKS_MONEY.search(asked), asked
    for asked in (
        "is per visit pay better than a salary?",  # a comparison, no figure asked
        "do EI ots usually get a salary or are u paid per visit",
        "got two offers and one has a way higher hourly rate. should i take it?",
        "how much of school ot is paperwork vs actual therapy",
        "does it cost me anything to use a recruiter?",
    ):
        assert not _ASKS_MONEY.search(asked), asked


def test_a_money_figure_is_answered_by_money_a_share_or_no_fixed_amount():
    from bot.answer.scoring import answers_money

    assert answers_money("Stipends can add $1,500 a week.")
    assert answers_money("About 80% of candidates pass on the first attempt.")
    assert answers_money("Amounts vary widely, and this is easy to negotiate.")
    assert answers_money("Startup costs vary enormously depending on the model you choose.")
    assert not answers_money("PRN rates are usually higher but often come without benefits.")
    assert not answers_money("Most positions are commonly eight-hour days.")  # an amount, not money


def test_a_share_is_asked_for_and_stated_as_english_does():
    from bot.answer.scoring import _ASKS_SHARE, answers_share

    for asked in ("By what percentage does Medicare cut the payment?", "what % do they want",
                  "what share of the day is paperwork", "what's the exact percentage they cut?",
                  "what is the usual proportion of group sessions"):
        assert _ASKS_SHARE.search(asked), asked
    assert not _ASKS_SHARE.search("how many students are on a caseload?")
    assert answers_share("Figures of 80 to 90 percent are often reported.")
    assert answers_share("About 85% of the day is billable.")
    assert answers_share("Roughly one in five graduates start in a SNF.")
    assert answers_share("Targets vary widely by employer.")  # no fixed share
    assert not answers_share("Services by an OTA have been paid at a reduced rate since 2022.")
    assert not answers_share("SNFs track productivity as the percentage of paid time billed.")
    assert answers_share("Two-thirds of the caseload is seen in the classroom.")
    # words that only look like a share: a count is needed on each side of "in" / "out of"
    assert not answers_share("Students are pulled out of class for a session.")
    assert not answers_share("Only one in the classroom needs help with handwriting.")
    assert not answers_share("A third-party payer may cover the third visit.")


def test_a_year_in_a_date_is_no_amount():
    from bot.answer.scoring import answers_amount

    assert not answers_amount("Services have been paid at a reduced rate since 2022.")
    assert not answers_amount("The rule changed in October 2019.")
    assert answers_amount("A district may have a caseload of 2000 students.")
    assert answers_amount("In 2019, 12 states joined the compact.")


def test_a_question_asking_for_a_money_figure_keeps_only_sentences_stating_one(
    retrieve, library, policy, glossary
):
    from bot.answer.scoring import answers_money

    asked = "What is the average salary for a school OT?"
    found = retrieve(asked)
    money = score_evidence(library, asked, found.vector, found.hits, policy, glossary)
    everything = score_evidence(
        library, "Are school OTs paid a salary?", found.vector, found.hits, policy, glossary
    )
    kept = {(c.chunk.id, c.index) for c in money.candidates}
    assert kept == {
        (c.chunk.id, c.index) for c in everything.candidates if answers_money(c.sentence.text)
    }
    assert len(kept) < len(everything.candidates)


def test_an_amount_is_asked_for_by_the_words_of_one_item():
    from bot.answer.scoring import _ASKS_AMOUNT

    assert _ASKS_AMOUNT.search("what is a typical caseload size?")
    assert _ASKS_AMOUNT.search("how long is a travel contract")
    # "typical patients, length of stay and pace": two items of a comparison, no amount asked
    assert not _ASKS_AMOUNT.search("how does acute care compare in typical patients, length of stay")


# evidence_signals


def _signals(retrieve, library, policy, glossary, question, embed_words=None, hits=None):
    found = retrieve(question)
    hits = found.hits if hits is None else hits
    evidence = score_evidence(library, question, found.vector, hits, policy, glossary)
    best = sorted(evidence.candidates, key=lambda c: c.evidence_score, reverse=True)
    words: set[str] = set()
    for candidate in best[:5]:
        words |= set(tokens(f"{candidate.sentence.label} {candidate.sentence.text}"))
    return evidence_signals(library, evidence.terms, best, words, hits, embed_words)


def test_the_signals_are_the_ones_the_decision_is_fitted_on(retrieve, library, policy, glossary):
    signals = _signals(retrieve, library, policy, glossary, "Do school OTs get summers off?")
    assert set(signals) | {"passage", "named"} == set(SIGNALS)  # compose adds these two
    for name, value in signals.items():
        assert 0.0 <= value <= 1.0, name
    assert signals["unknown"] == 0.0 and signals["unmatched"] == 0.0
    unrelated = _signals(retrieve, library, policy, glossary, "Which pizza toppings go best?")
    for name in ("coverage", "similarity", "specific"):
        assert signals[name] > unrelated[name], name


def test_words_the_corpus_never_uses_count_as_unknown_and_unmatched(
    retrieve, library, policy, glossary
):
    question = "Do school OTs in Boston get summers off?"
    without_meaning = _signals(retrieve, library, policy, glossary, question)
    assert without_meaning["unknown"] > 0.0
    # Without a way to embed words, a never-used word is taken as wholly unmatched.
    assert without_meaning["unmatched"] == pytest.approx(without_meaning["unknown"])
    known = _signals(retrieve, library, policy, glossary, "Do school OTs get summers off?")
    assert known["unknown"] == 0.0


def test_the_meaning_of_a_never_used_word_is_looked_for_in_the_evidence(
    seed_bot, retrieve, library, policy, glossary
):
    embed_words = seed_bot.chain.embed_word.many
    question = "Do school OTs in Boston get summers off?"
    signals = _signals(retrieve, library, policy, glossary, question, embed_words)
    assert 0.0 < signals["unmatched"] < signals["unknown"]


def _unmatched_beside(question, seed_bot, retrieve, library, policy, glossary):
    """The evidence signals of `question` with one more word the articles never use."""
    found = retrieve(question)
    evidence = score_evidence(library, question, found.vector, found.hits, policy, glossary)
    best = sorted(evidence.candidates, key=lambda c: c.evidence_score, reverse=True)
    words: set[str] = set()
    for candidate in best[:5]:
        words |= set(tokens(f"{candidate.sentence.label} {candidate.sentence.text}"))
    weight = library.vocabulary.idf("never-used")

    def signals(word: str) -> dict[str, float]:
        assert word not in library.vocabulary
        terms = [*evidence.terms, Term(word, weight)]
        return evidence_signals(
            library, terms, best, words, found.hits, seed_bot.chain.embed_word.many
        )

    return signals


def test_a_never_used_word_near_in_meaning_to_the_evidence_is_less_unmatched_than_a_city(
    seed_bot, retrieve, library, policy, glossary
):
    """Beside evidence about summers off, "vacation" (never in the articles) is nearer than
    "Boston": a synonym must not weigh like a place the articles do not cover."""
    unmatched = _unmatched_beside(
        "Do school OTs get summers off?", seed_bot, retrieve, library, policy, glossary
    )

    assert 0.0 < unmatched("vacation")["unmatched"] < unmatched("boston")["unmatched"]


def test_a_corpus_word_the_evidence_lacks_is_missing(retrieve, library, policy, glossary):
    question = "Do school OTs get summers off?"
    found = retrieve(question)
    present = _signals(retrieve, library, policy, glossary, question)
    assert present["missing"] == 0.0
    # Evidence from a chunk that never says "summer": the rarest such word is missing.
    elsewhere = [h for h in retrieve("What does IEP mean?").hits if "summer" not in h.chunk.text]
    assert found.hits and elsewhere
    absent = _signals(retrieve, library, policy, glossary, question, hits=elsewhere)
    assert absent["missing"] > 0.0 and absent["unmet"] > 0.0
    assert absent["coverage"] < present["coverage"]


def test_no_evidence_gives_no_meaning_and_no_words(library, glossary):
    terms = question_terms(library, "Do school OTs get summers off?", glossary)
    signals = evidence_signals(library, terms, [], set(), [])
    assert signals["similarity"] == signals["specific"] == signals["coverage"] == 0.0
    assert signals["chunk"] == 0.0
    assert signals["missing"] > 0.0


# An index whose chunk has lost its sentence vectors (what an interrupted write once left)


def test_a_chunk_without_stored_sentence_vectors_is_not_scored_with_another_chunks(
    tmp_path: Path, embedder
):
    def chunk(chunk_id: str, position: int, texts: list[str]) -> Chunk:
        sentences = tuple(Sentence(t, "sentence", "general", block=i) for i, t in enumerate(texts))
        return Chunk(
            chunk_id,
            "a.md",
            "T",
            "P",
            None,
            None,
            "S",
            "general",
            position,
            " ".join(texts),
            sentences,
        )

    first = chunk(
        "a",
        0,
        [
            "Therapists plan handwriting practice for young students.",
            "Sessions happen in the classroom each week.",
        ],
    )
    second = chunk(
        "b",
        1,
        [
            "Hospital schedules run year-round with weekend shifts.",
            "Travel contracts usually last thirteen weeks.",
        ],
    )
    index = ChromaIndex(tmp_path / "index", embedder)
    index.add(
        [first, second],
        embedder.embed([first.embedding_text, second.embedding_text]),
        embedder.embed([s.text for c in (first, second) for s in c.sentences]),
    )
    index.delete_sentences(["b"])
    library = Library(index)
    question = "How long do travel contracts last?"
    vector = embedder.embed([question])[0]
    terms = question_terms(library, question, Glossary({}))
    hits = [Hit(second, 1.0, 0.5, 0.5, 1.0), Hit(first, 0.9, 0.4, 0.4, 0.5)]
    found = candidates_for(library, hits, terms, vector, AnswerPolicy())
    # The chunk without sentence vectors gives no candidates; the other is scored with its own.
    assert {c.chunk.id for c in found} == {"a"}
    for candidate in found:
        own = embedder.embed([candidate.sentence.text])[0]
        assert float(candidate.vector @ own) > 0.99, candidate.sentence.text


def test_the_evidence_words_are_its_content_words_as_written(retrieve, library, policy, glossary):
    question = "What are the advantages of school based OT?"
    found = retrieve(question)
    evidence = score_evidence(library, question, found.vector, found.hits, policy, glossary)
    best = sorted(evidence.candidates, key=lambda c: c.evidence_score, reverse=True)[:5]
    words = evidence_words(best)
    assert "advantages" in words  # as written, not stemmed
    assert not {"the", "and", "of"} & set(words)
    assert all(w.isalpha() and len(w) > 2 for w in words)


def test_a_synonym_of_an_evidence_word_is_nearly_matched(
    seed_bot, retrieve, library, policy, glossary
):
    """A lone word's vector is far from every whole sentence, synonym or not; beside the word
    "advantages" in the evidence, "pros" is close, and "boston" is not."""
    unmatched = _unmatched_beside(
        "What are the advantages of school based OT?", seed_bot, retrieve, library, policy, glossary
    )

    def share(word: str) -> float:  # the share of the word's weight left unmatched
        return unmatched(word)["unmatched"] / unmatched(word)["unknown"]

    # "pros" is 0.58 from "advantages" (the list's lead-in), 0.38 at best from the sentences
    assert share("pros") < 0.45
    assert share("pros") < share("boston") - 0.1


def test_a_count_of_things_is_not_answered_by_spans_of_time():
    from bot.answer.scoring import answers_count, counts_other_than_time

    assert counts_other_than_time("in an IRF how many patients a day does an OT carry?")
    assert counts_other_than_time("how many CEUs do i need")
    assert not counts_other_than_time("how many hand therapy hours do i need for the cht")
    assert not counts_other_than_time("how many hrs do i need")
    assert not counts_other_than_time("how many days will medicare cover?")
    assert not counts_other_than_time("how long do patients stay?")
    assert answers_count("OTs in SNFs often see 10 to 12 patients a day.")
    assert answers_count("Renewal requires 36 PDUs every three years.")  # one amount is no time
    assert answers_count("Caseloads range from the 30s to over 60.")  # a bare number may count
    assert answers_count("There is no single national caseload limit.")
    assert not answers_count("Patients get at least three hours a day, five days a week.")
    assert not answers_count("Sessions last 45 to 60 minutes.")
    assert not answers_count("It can take 15 hours over seven consecutive days.")


def test_a_vague_span_of_time_is_an_amount():
    from bot.answer.scoring import answers_amount

    assert answers_amount("Most new grads study for several weeks to a few months.")
    assert answers_amount("Expect a couple of months for the board to process it.")
    assert not answers_amount("Most new grads study with practice tests.")


def test_how_long_is_answered_by_a_span_of_time():
    from bot.answer.scoring import _ASKS_DURATION, answers_duration

    assert _ASKS_DURATION.search("how long r travel ot contracts usually")
    assert not _ASKS_DURATION.search("how long ago did the rule change")
    assert answers_duration("The most common assignment lasts 13 weeks.")
    assert answers_duration("The ATT comes with a 90-day eligibility period.")
    assert answers_duration("Most new grads study for several weeks to a few months.")
    assert answers_duration("Processing times vary by state.")  # no fixed span
    assert not answers_duration("NBCOT reports scores on a scaled range, and 450 is the passing score.")
    assert not answers_duration("Contracts spell out a guaranteed number of hours, most often 36 to 40.")


def test_the_words_that_carry_a_question_weigh_more_than_its_idiom(seed_bot, library, glossary):
    """Leaving a word out changes the question's meaning much when the word is what it asks
    about, little when it is a turn of phrase ("stuck" in "would I be stuck there")."""
    from bot.answer.scoring import term_importance

    question = "if i take a school contract would i be stuck there all summer?"
    terms = question_terms(library, question, glossary)
    importance = dict(zip(
        [t.word for t in terms],
        term_importance(library.vocabulary, question, terms, seed_bot.chain.embed_word.many),
        strict=True,
    ))
    assert all(0.0 <= v <= 1.0 for v in importance.values())
    assert importance["summer"] > importance["stuck"]
    assert importance["contract"] > importance["stuck"]


def test_meaning_missing_is_the_share_of_meaning_the_evidence_lacks(
    seed_bot, retrieve, library, policy, glossary
):
    question = "Do school OTs get summers off?"
    found = retrieve(question)
    evidence = score_evidence(library, question, found.vector, found.hits, policy, glossary)
    best = sorted(evidence.candidates, key=lambda c: c.evidence_score, reverse=True)
    embed = seed_bot.chain.embed_word.many
    everything = set().union(*(tokens(c.sentence.text) for c in best[:5]))
    present = evidence_signals(
        library, evidence.terms, best, everything, found.hits, embed, question
    )
    lacking = evidence_signals(
        library, evidence.terms, best, everything - {"summer"}, found.hits, embed, question
    )
    assert present["meaning_missing"] == 0.0
    assert 0.0 < lacking["meaning_missing"] < 1.0
    # Without the question or a way to embed it, nothing is read as missing.
    assert evidence_signals(library, evidence.terms, best, set(), found.hits)["meaning_missing"] == 0.0


def test_a_question_asking_which_organisations_places_or_products_asks_for_names():
    from bot.answer.scoring import _ASKS_NAMES

    for asked in ("Which states allow OTs to perform internal pelvic exams?",
                  "which high chair brand should i buy?", "what brand of switch works best?",
                  "which hospitals are the best places to work in stroke rehab?",
                  "which teletherapy companies are hiring OTs?"):
        assert _ASKS_NAMES.search(asked), asked
    for asked in ("which state license do i need?",  # a license, not a state's name
                  "which settings hire new grads?", "what districts look for in a school OT",
                  "which professional organization guides school OT?"):
        assert not _ASKS_NAMES.search(asked), asked


def test_names_are_capitalised_words_english_does_not_use_every_day():
    from bot.answer.scoring import names_one

    asked = "Which hospitals are the best places to work in stroke rehab?"
    assert names_one("Some programs started at Rancho Los Amigos in the 1950s.", asked)
    assert names_one("It is paid for by Medicare.", asked)
    assert not names_one("Medicare pays for it.", asked)  # a sentence's first word
    assert not names_one("Request a Level II fieldwork placement in inpatient rehab.", asked)
    assert not names_one("Consider the Certified Brain Injury Specialist (CBIS) later on.", asked)
    # "which states": only a state's name answers
    assert names_one("Ohio and Texas require a jurisprudence exam.", "which states require it?")
    assert not names_one("Some states spell out their rules.", "which states require it?")
