"""The whole answer chain with the real model and a real Chroma over the shipped corpus."""

from __future__ import annotations

import re

import pytest

from bot.answer.rewriting import Turn, about_own_child
from bot.answer.scope import load_scope
from bot.answer.verification import normalise
from bot.ingest.chunking import has_heading
from bot.prompts import PROMPTS_DIR, load_wording
from bot.service import QuestionError
from tests.conftest import SHIPPED_CORPUS, history_of, load_eval_items

ITEMS = load_eval_items()
IN_SCOPE = [i for i in ITEMS if i["kind"] != "out_of_scope"]
OUT_OF_SCOPE = [i for i in ITEMS if i["kind"] == "out_of_scope"]
ARTICLE_TEXT = {
    p.name: normalise(p.read_text(encoding="utf-8")) for p in SHIPPED_CORPUS.glob("*.txt")
}


@pytest.fixture(scope="module")
def answers(seed_bot):
    """Every question of the eval set, answered once."""
    return {
        item["id"]: seed_bot.ask(item["question"], history_of(item), item.get("mode", "candidate"))
        for item in ITEMS
    }


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_every_citation_quote_is_in_its_chunk_and_in_the_article(answers):
    for answer in answers.values():
        for citation in answer.citations:
            assert citation.quote in citation.chunk
            assert normalise(citation.quote) in ARTICLE_TEXT[citation.source]


def test_no_citation_dangles(answers):
    for answer in answers.values():
        assert markers(answer.answer) == {c.n for c in answer.citations}
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_in_scope_questions_are_answered_with_the_expected_passage(answers):
    answered = [i for i in IN_SCOPE if not answers[i["id"]].refused]
    found = [
        i
        for i in answered
        if any(
            normalise(c.quote) in normalise(i["passage"])
            or normalise(i["passage"]) in normalise(c.quote)
            for c in answers[i["id"]].citations
        )
    ]
    # The golden set is part of dev; what generalizes is gated on the test split by `otbot eval`.
    # These guard against regressions (measured 2026-11-26: 0.89 answered, 0.80 quote the passage).
    assert len(answered) / len(IN_SCOPE) >= 0.85
    assert len(found) / len(IN_SCOPE) >= 0.75


def test_out_of_scope_questions_are_refused_with_a_handoff(answers):
    handoff = load_wording().refusal.handoff
    refused = [i for i in OUT_OF_SCOPE if answers[i["id"]].refused]
    assert len(refused) / len(OUT_OF_SCOPE) >= 0.9
    medical = load_scope(PROMPTS_DIR / "scope.toml")
    wording = load_wording()
    for item in refused:
        answer = answers[item["id"]]
        # No citation, unless the refusal shows the closest passage as such.
        assert answer.citations == () or answer.answer.startswith(wording.refusal.nearest_candidate)
        policy = medical.check(item["question"])
        if policy is not None and not policy.offer_recruiter:
            assert policy.handoff in answer.answer and handoff not in answer.answer
        elif about_own_child(item["question"]):
            assert wording.refusal.parent_handoff in answer.answer
        elif answer.answer == wording.refusal.off_topic:  # the weather: what the bot is for
            assert item["id"] in {"weather", "recipe", "python", "stock"}, item["id"]
        else:
            assert handoff in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "What is the average salary for a school OT?",
        "How do I get my OT license in Texas?",
        "My daughter has autism, what exercises should we do at home?",
        "What's the weather like in Boston today?",
    ],
)
def test_policy_and_unrelated_topics_refuse(seed_bot, question):
    answer = seed_bot.ask(question)
    assert answer.refused and not answer.citations


def test_follow_up_is_rewritten_and_answered(seed_bot):
    history = [
        Turn("user", "Do school OTs get summers off?"),
        Turn("assistant", "Often, yes [1]."),
    ]
    answer = seed_bot.ask("and in clinics?", history)
    assert "clinical" in answer.standalone_question.lower()
    assert "summers off" in answer.standalone_question
    assert not answer.refused
    # Answered about clinics: nothing quoted only about schools.
    assert any("clinic" in f"{c.section} {c.quote}".lower() for c in answer.citations)
    assert not any("school calendar" in c.quote for c in answer.citations)


def test_self_contained_question_is_not_rewritten(seed_bot):
    history = [Turn("user", "Do school OTs get summers off?")]
    answer = seed_bot.ask("What does IEP mean?", history)
    assert answer.standalone_question == "What does IEP mean?"


def test_never_answers_from_a_missing_list_or_furniture(seed_bot):
    orphan = "School districts and agencies look for therapists with the following abilities:"
    for question in (
        "What abilities do school districts look for in therapists?",
        "What are the myths about contract education staffing?",
        "Is Connecticut in the Nurse Licensure Compact?",
    ):
        answer = seed_bot.ask(question)
        for citation in answer.citations:
            assert citation.quote != orphan
            assert "Debunking Myths" not in citation.chunk
            assert "Get the Latest Updates" not in citation.chunk


def test_recruiter_draft_is_grouped_and_lists_sources(seed_bot):
    answer = seed_bot.ask("What are the advantages of school-based OT?", mode="recruiter")
    wording = load_wording()
    assert answer.answer.startswith(wording.recruiter.tone("friendly").opening)
    assert f"{wording.recruiter.sources_heading}:" in answer.answer
    sources = answer.answer.split(f"\n{wording.recruiter.sources_heading}:\n")[1].splitlines()
    # One line per article section, led by every marker that points into it.
    listed = {}
    for line in sources:
        markers, rest = line[1:].split("] ", 1)
        for n in markers.split(", "):
            listed[int(n)] = rest
    assert sorted(listed) == [c.n for c in answer.citations]
    named = {c.n: c.section if has_heading(c.section) else "" for c in answer.citations}
    for citation in answer.citations:
        assert listed[citation.n].startswith(citation.title)
        if named[citation.n]:
            assert f"section “{citation.section}”" in listed[citation.n]
        else:  # a headingless article's "Paragraphs 3–5" is not named
            assert "section" not in listed[citation.n]
    assert len(sources) == len({(c.title, named[c.n]) for c in answer.citations})


def test_candidate_answer_is_short(answers):
    for item in IN_SCOPE:
        answer = answers[item["id"]]
        if item.get("mode", "candidate") == "candidate" and not answer.refused:
            assert len(answer.citations) <= 8
            assert len(answer.answer.split()) <= 180


@pytest.mark.parametrize(
    ("question", "reason"), [("   ", "empty"), ("x" * 2001, "2001 characters")]
)
def test_bad_questions_are_rejected(seed_bot, question, reason):
    with pytest.raises(QuestionError, match=reason):
        seed_bot.ask(question)


def test_unknown_mode_is_rejected(seed_bot):
    with pytest.raises(QuestionError, match="unknown mode"):
        seed_bot.ask("What does IEP mean?", mode="poet")


TRAVEL_ARTICLE = """---
title: Travel OT jobs
publisher: Example Staffing
date: 2026-02-10
---
# Travel OT jobs

Travel occupational therapists take temporary contracts, usually 13 weeks long.

## Benefits of travel therapy

- Tax-free housing stipends when you work away from your tax home.
- Higher weekly pay than many permanent roles.

## Licensure

You need a license in each state where you work, unless the state is part of the OT Licensure Compact.
"""


@pytest.fixture(scope="module")
def travel_bot(tmp_path_factory, embedder):
    """The seed corpus plus an article a content team added (Markdown, lists under headings)."""
    import shutil

    from bot.service import Bot
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("travel")
    shutil.copytree(SHIPPED_CORPUS, root / "corpus")
    (root / "corpus" / "travel.md").write_text(TRAVEL_ARTICLE, encoding="utf-8")
    bot = Bot(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), embedder)
    bot.ingest(show_progress=False)
    return bot


def test_list_under_a_heading_is_answered_whole_with_the_heading(travel_bot):
    answer = travel_bot.ask("What are the benefits of travel therapy?")
    assert "Benefits of travel therapy:" in answer.answer
    quotes = [c.quote for c in answer.citations]
    assert "Tax-free housing stipends when you work away from your tax home." in quotes
    assert "Higher weekly pay than many permanent roles." in quotes


def test_policy_topics_are_answered_only_when_an_article_speaks_of_them(travel_bot):
    covered = travel_bot.ask("Do I need a license in each state?")
    assert not covered.refused
    assert "license in each state" in covered.citations[0].quote
    for question in (
        "How do I get licensed in Texas?",
        "What is the average salary of a travel OT?",
    ):
        assert travel_bot.ask(question).refused, question
    assert travel_bot.ask("My son has autism, can OT help him?").refused


LICENSE_ARTICLE = """---
title: Steps to an OT license
publisher: Example Staffing
date: 2026-02-10
---
# Steps to an OT license

## Schedule and take the exam

The ATT comes with a 90-day eligibility period, so you need to test within that window.
"""


def test_a_policy_topic_is_spoken_of_by_a_passage_whose_article_is_about_it(
    tmp_path_factory, embedder
):
    """The sentence answering "once I have my ATT, how long is my window to test for the NBCOT?"
    names no licensing word itself; its article, titled after the license, speaks of the topic.
    (In this one-sentence article, "after i get my ATT, how long do i have to take the NBCOT
    exam?" sits under the decision's floor: the sentence says neither "NBCOT" nor "exam", which
    carry most of that question's meaning; the licensing article of evals/articles_b answers it.)"""
    import shutil

    from bot.service import Bot
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("license")
    shutil.copytree(SHIPPED_CORPUS, root / "corpus")
    (root / "corpus" / "license.md").write_text(LICENSE_ARTICLE, encoding="utf-8")
    bot = Bot(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), embedder)
    bot.ingest(show_progress=False)
    answer = bot.ask("once i have my ATT how long is my window to test for the NBCOT?")
    assert not answer.refused
    assert "90-day eligibility period" in answer.citations[0].quote


def test_a_recruiter_refused_on_a_policy_topic_reads_a_note_meant_for_them(seed_bot):
    """A candidate reads "please speak with a doctor"; a recruiter drafting a reply reads what to
    tell the candidate, not a line addressed to the candidate."""
    for question, topic in (
        ("does my son have autism?", "medical advice"),
        ("How much do school OTs make in Chicago?", "pay and salary"),
    ):
        candidate = seed_bot.ask(question)
        recruiter = seed_bot.ask(question, mode="recruiter")
        assert candidate.refused and recruiter.refused
        note = next(t.recruiter for t, _, _ in seed_bot.chain.scope.topics if t.name == topic)
        assert recruiter.answer == note
        assert recruiter.answer != candidate.answer


def test_a_greeting_thanks_or_yes_to_a_recruiter_gets_its_own_line(seed_bot):
    """Not "our articles don't cover that" for "hi", nor the last answer again for "thanks"."""
    wording = seed_bot.wording
    hi = seed_bot.ask("hi")
    assert hi.answer == wording.small_talk.greeting and not hi.refused and not hi.citations
    first = seed_bot.ask("Do school OTs get summers off?")
    history = [Turn("user", first.question), Turn("assistant", first.answer)]
    thanks = seed_bot.ask("thanks!", history)
    assert thanks.answer == wording.small_talk.thanks and not thanks.citations
    refused = seed_bot.ask("Do travel OT jobs come with housing stipends?")
    assert refused.refused and wording.refusal.handoff in refused.answer
    history = [Turn("user", refused.question), Turn("assistant", refused.answer)]
    assert seed_bot.ask("yes please", history).answer == wording.small_talk.recruiter_yes
    assert seed_bot.ask("hi, do school OTs get summers off?").citations  # a question after all


def test_a_policy_word_is_never_lost_to_a_spelling_correction(seed_bot):
    """"dose" is read as a slip for "does" (far commoner), but a question that says "dose" as
    typed still meets the medication policy: the scope is checked on the question as typed too."""
    evidence = seed_bot.evidence("what dose is right for a school kid")
    assert evidence.standalone_question == "what does is right for a school kid"
    assert evidence.out_of_scope is not None and evidence.out_of_scope.topic == "medical advice"
    assert seed_bot.ask("what dose is right for a school kid").refused


def test_a_question_after_an_amount_is_not_answered_by_a_sentence_that_names_the_topic(seed_bot):
    """The articles say "caseload size" matters but give no figure: no answer to how big."""
    for question in (
        "What is a typical caseload size for a school OT?",
        "How big is a school OT caseload?",
    ):
        assert seed_bot.ask(question).refused, question


def floor_above(bot, question: str, margins: float, monkeypatch) -> None:
    """Set the answer floor `margins` near-margins above the question's own score."""
    from dataclasses import replace as replaced

    composer = bot.chain.composer
    relevance = bot.evidence(question).relevance
    floor = relevance + composer.policy.near_margin * margins
    monkeypatch.setattr(composer, "policy", replaced(composer.policy, relevance_floor=floor))


def test_a_refusal_just_under_the_floor_shows_the_closest_passage_cited(seed_bot, monkeypatch):
    """Scoring within the policy's near margin under the floor, a question is still refused but
    shows its closest passage (verified, cited, labelled as possibly not answering); further
    under, the plain refusal. The floor is set around the question's own score."""
    question = "Do school OTs get summers off?"
    wording = load_wording()
    floor_above(seed_bot, question, 0.5, monkeypatch)
    shown = seed_bot.ask(question)
    assert shown.refused and len(shown.citations) == 1
    assert shown.answer.startswith(wording.refusal.nearest_candidate)
    assert shown.answer.endswith(wording.refusal.handoff)
    assert shown.citations[0].quote in shown.citations[0].chunk and "[1]" in shown.answer
    drafted = seed_bot.ask(question, mode="recruiter")
    assert drafted.refused and drafted.answer.startswith(wording.refusal.nearest_recruiter)
    assert wording.refusal.handoff not in drafted.answer

    floor_above(seed_bot, question, 2.0, monkeypatch)
    plain = seed_bot.ask(question)
    assert plain.refused and not plain.citations
    assert plain.answer.startswith(wording.refusal.candidate)


def test_a_refusal_showing_the_closest_passage_says_which_name_the_articles_never_use(
    seed_bot, monkeypatch
):
    question = "Do school OTs in Texas get summers off?"
    wording = load_wording()
    floor_above(seed_bot, question, 0.5, monkeypatch)
    shown = seed_bot.ask(question)
    lead = wording.refusal.nearest_unmentioned_candidate.format(names="Texas")
    assert shown.refused and shown.citations and shown.answer.startswith(lead)
    drafted = seed_bot.ask(question, mode="recruiter")
    note = wording.refusal.nearest_unmentioned_recruiter.format(names="Texas")
    assert drafted.refused and drafted.answer.startswith(note)


def test_a_policy_refusal_just_under_the_floor_shows_a_closest_passage_on_its_topic(
    travel_bot, monkeypatch
):
    """Just under the floor, a licensing question shows its closest passage when that passage
    speaks of licensing, closed by the topic's own line, rather than the bare topic refusal."""
    question = "Do I need a license in each state?"
    wording = load_wording()
    floor_above(travel_bot, question, 0.5, monkeypatch)
    shown = travel_bot.ask(question)
    assert shown.refused and shown.answer.startswith(wording.refusal.nearest_candidate)
    assert "license in each state" in shown.citations[0].quote
    policy = travel_bot.chain.scope.check(question)
    assert policy is not None and policy.handoff in shown.answer


def test_a_parent_refused_about_their_own_child_is_pointed_to_the_school_team(seed_bot):
    wording = load_wording()
    answer = seed_bot.ask("my son wants to know what the weather in Boston is like today")
    assert answer.refused
    assert wording.refusal.parent_handoff in answer.answer
    assert wording.refusal.handoff not in answer.answer
    drafted = seed_bot.ask("my son wants to know what the weather in Boston is like today",
                           mode="recruiter")
    assert wording.refusal.parent_handoff not in drafted.answer  # a recruiter's note is theirs


def test_the_names_of_a_letters_greeting_and_signature_are_no_names_asked_about(seed_bot):
    email = "Hi Sam,\n\nDo school OTs get summers off?\n\nBest,\nJenna"
    answer = seed_bot.ask(email, mode="recruiter")
    assert not answer.refused
    assert "Jenna" not in answer.answer and "Sam" not in answer.answer


def test_a_parents_later_question_on_a_career_topic_gets_the_topics_handoff(seed_bot):
    """After a question about their child, "what do OTs make in Chicago?" asks about OTs' pay:
    its refusal gives the pay line and a recruiter, not the child's own team."""
    wording = load_wording()
    earlier = [Turn("user", "my daughter is in 2nd grade, can the school give her OT?"),
               Turn("assistant", "(answer)")]
    answer = seed_bot.ask("what do OTs make in Chicago?", earlier)
    assert answer.refused
    pay = seed_bot.chain.scope.check("what do OTs make in Chicago?")
    assert pay is not None and pay.topic == "pay and salary"
    assert pay.handoff in answer.answer
    assert wording.refusal.parent_handoff not in answer.answer


def test_a_message_asking_two_things_gets_both_answered(seed_bot):
    """Each question of "what do school OTs work on? do clinical OTs treat adults recovering from
    strokes?" is answered with its own passage, as when asked alone, cited once each."""
    school = "What do school OTs work on with students?"
    clinic = "Do clinical OTs treat adults recovering from strokes?"
    both = seed_bot.ask(f"{school} {clinic}")
    assert not both.refused
    quoted = {c.quote for c in both.citations}
    for alone in (school, clinic):
        first = seed_bot.ask(alone)
        assert not first.refused and first.citations[0].quote in quoted
    assert len(quoted) == len(both.citations)  # no passage quoted twice


def test_a_part_the_articles_miss_is_named_not_dropped(seed_bot):
    """When one question of two is refused, the answer to the other says which part it leaves
    out: after a candidate's answer with the recruiter offer; above a recruiter's draft as a note
    for them, so the draft below stays ready to send."""
    wording = load_wording()
    missed = "What do OTs wear to work on casual Fridays?"
    assert seed_bot.ask(missed).refused
    message = f"What do school OTs work on with students? {missed}"
    answer = seed_bot.ask(message)
    assert not answer.refused and answer.citations
    last = answer.answer.splitlines()[-1]
    assert "casual Fridays" in last and last.endswith(wording.refusal.handoff)
    draft = seed_bot.ask(message, mode="recruiter")
    assert not draft.refused
    assert draft.answer.startswith(wording.recruiter.note_for_recruiter)
    assert "casual Fridays" in draft.answer.splitlines()[0]
    assert "casual Fridays" not in "\n".join(draft.answer.splitlines()[1:])
    assert answer.uncovered == (missed,) and answer.to_json()["uncovered"] == [missed]
    assert seed_bot.ask(missed).uncovered == ()  # a refusal leaves the whole question open


def test_a_part_on_a_policy_topic_gets_its_own_line_and_medical_advice_refuses_all(seed_bot):
    """A pay question beside a covered one: the covered part is answered and the pay part is
    named with what the pay topic says. Medical advice anywhere refuses the whole message, as
    its context may sit in another part."""
    answer = seed_bot.ask(
        "Do school OTs get summers off? How much do school OTs make in Texas?"
    )
    assert not answer.refused
    assert any("summers off" in c.quote for c in answer.citations)
    pay = load_scope(PROMPTS_DIR / "scope.toml").check("How much do school OTs make?")
    assert pay is not None and pay.handoff in answer.answer and "Texas" in answer.answer
    assert answer.offers_recruiter  # for the pay part
    drafted = seed_bot.ask(
        "candidate asks whether school OTs get summers off and how much school OTs make in Texas",
        mode="recruiter",
    )
    assert not drafted.refused and pay.recruiter_note in drafted.answer.splitlines()[0]
    # A part on a policy topic is its own question however little it names.
    short = seed_bot.ask("Do school OTs get summers off? also whats the pay like")
    assert short.uncovered == ("whats the pay like",) and pay.handoff in short.answer
    medical = seed_bot.ask(
        "My son has autism. What exercises should we do at home? Does the school OT help "
        "with handwriting?"
    )
    assert medical.refused and not medical.citations and not medical.offers_recruiter
    assert not drafted.offers_recruiter  # a recruiter's draft offers nobody
    # A parent's "does he have autism?" is about their child, though the part never says "my
    # son": named with the doctor line, the school part answered, no recruiter offered; a
    # message whose every part asks medical advice is refused whole.
    advice = load_scope(PROMPTS_DIR / "scope.toml").check("does my son have autism?")
    assert advice is not None
    parent = seed_bot.ask(
        "my son is 4 and his handwriting is really messy, does he have dysgraphia? also what "
        "does a school OT actually work on with kids"
    )
    assert not parent.refused and parent.citations and advice.handoff in parent.answer
    assert "dysgraphia" in parent.uncovered[0]
    wording = load_wording()
    assert wording.refusal.handoff not in parent.answer
    assert wording.refusal.parent_handoff not in parent.answer  # the doctor line says it
    both = seed_bot.ask(
        "my 4yo flaps his hands and lines up his toys, does he have autism? should OT see him"
    )
    assert both.refused and not both.citations and advice.handoff in both.answer


def test_an_alternative_question_is_answered_from_the_alternative_the_articles_state(seed_bot):
    """ "can I pick ... or do they just place me?": the articles speak of the first alternative
    only, and the words of the second ("just place me") are no reason to refuse it; a question
    on a policy topic or asking medical advice keeps its refusal whichever way it is put."""
    asked = "can I pick my own assignments with aequor or do they just place me?"
    answer = seed_bot.ask(asked)
    assert not answer.refused
    assert any("flexibility to choose assignments" in c.quote for c in answer.citations)
    assert answer.question == asked
    pay = seed_bot.ask("do school OTs get paid more or do clinics pay better?")
    assert pay.refused and not pay.citations
    medical = seed_bot.ask("my 4 yo cant hold a crayon right, is that normal or does he need OT?")
    assert medical.refused and not medical.citations


def test_each_part_of_a_candidates_answer_is_its_own_paragraph(seed_bot):
    answer = seed_bot.ask("do school OTs get summers off? can clinical OTs specialize in neurology?")
    assert not answer.refused
    paragraphs = answer.answer.split("\n\n")
    summers = next(i for i, p in enumerate(paragraphs) if "summers off" in p)
    neurology = next(i for i, p in enumerate(paragraphs) if "neurology" in p)
    assert summers != neurology


def test_a_question_about_nothing_the_articles_speak_of_is_told_what_the_assistant_is_for(
    seed_bot,
):
    """The weather or a recipe gets what the assistant is for, no recruiter offered; a question
    a recruiter can take up (the agency, openings) keeps the offer; a recruiter's draft is
    refused as ever."""
    wording = load_wording()
    for question in ("Give me a recipe for chocolate cake", "whats a good pizza place near me"):
        answer = seed_bot.ask(question)
        assert answer.refused and answer.answer == wording.refusal.off_topic
        assert wording.refusal.handoff not in answer.answer
    agency = seed_bot.ask("Who is the CEO of Aequor?")
    assert agency.refused and agency.answer.endswith(wording.refusal.handoff)
    draft = seed_bot.ask("Give me a recipe for chocolate cake", mode="recruiter")
    assert draft.refused and draft.answer != wording.refusal.off_topic


def test_an_answer_about_a_place_the_articles_never_name_is_marked_refused(seed_bot, monkeypatch):
    """What the articles say in general is context for "do school OTs in Texas ...?", not its
    answer: it is shown, cited, after saying the articles don't mention Texas, and marked refused
    with the recruiter offer, as a refusal showing its closest passage is."""
    from dataclasses import replace as replaced

    composer = seed_bot.chain.composer
    monkeypatch.setattr(composer, "policy", replaced(composer.policy, relevance_floor=0.05))
    wording = load_wording()
    answer = seed_bot.ask("do school OTs in Texas get summers off?")
    assert answer.refused and answer.citations
    assert answer.answer.startswith("Our articles don't mention Texas")
    assert answer.answer.endswith(wording.refusal.handoff)
    plain = seed_bot.ask("do school OTs get summers off?")
    assert not plain.refused and wording.refusal.handoff not in plain.answer


def test_a_follow_up_asking_something_of_its_own_keeps_no_policy_or_place_of_the_one_before(
    seed_bot,
):
    """A pay question about Ohio, then a follow-up with topics of its own: it is not refused for
    pay or for Ohio (a web newcomer's finding: the last refusal leaked into the next message)."""
    pay = load_scope(PROMPTS_DIR / "scope.toml").check("How much do school OTs make?")
    assert pay is not None
    history = [Turn("user", "How much do school OTs make in Ohio?"), Turn("assistant", "Sorry.")]
    own = seed_bot.ask("so do they also write IEP goals with teachers?", history)
    assert pay.handoff not in own.answer and "Ohio" not in own.answer
    assert own.citations  # the IEP passage, answered or shown as the closest
    fresh = seed_bot.ask("ok last q, what do IEP goals focus on", history)
    assert not fresh.refused and fresh.standalone_question == "what do IEP goals focus on"
    # A follow-up with no topic of its own still asks the pay question.
    again = seed_bot.ask("and in texas?", history)
    assert again.refused and pay.handoff in again.answer


def test_a_message_is_read_whole_when_its_one_question_alone_is_not_answered(
    tmp_path_factory, embedder
):
    """A message that tells its context is matched on its one question; when that question
    alone falls under the floor, the message is read whole. Here the context names what is
    asked about ("clinical OT"): alone, "what settings would i work in?" is weaker evidence
    (p 0.55 on the shipped articles) than the whole message (p 0.81); with the floor between
    them, the whole message is answered."""
    from bot.service import Bot
    from bot.settings import Settings

    index = tmp_path_factory.mktemp("whole") / "index"
    bot = Bot(Settings(corpus_dir=SHIPPED_CORPUS, index_dir=index, relevance_floor=0.7), embedder)
    bot.ingest(show_progress=False)
    assert bot.ask("what settings would i work in?").refused
    message = "i'm asking about clinical OT, not schools. what settings would i work in?"
    answer = bot.ask(message)
    assert not answer.refused
    assert answer.standalone_question == message
    assert any("hospitals" in c.quote for c in answer.citations)
