"""The scope policy (topics refused, with their own handoff) and the glossary of abbreviations.

The shipped files load and spell out the common cases in tests/test_prompts.py; here are the
rules themselves, on small files of our own and on the shipped policy's decisions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer.scope import Glossary, OutOfScope, load_glossary, load_scope
from bot.prompts import PROMPTS_DIR, PromptError

SHIPPED = load_scope(PROMPTS_DIR / "scope.toml")
TWO_TOPICS = """
[[topic]]
name = "pay"
refuse = "unless_covered"
pattern = '\\b(salary|pay)\\b'
handoff = "A recruiter knows current pay."

[[topic]]
name = "visas"
pattern = '\\bvisas?\\b'
handoff = "Ask a recruiter about visas."
"""


def write(tmp_path: Path, text: str, name: str = "scope.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_topic_is_found_in_any_case_with_its_handoff_and_rule(tmp_path: Path):
    policy = load_scope(write(tmp_path, TWO_TOPICS))
    pay = policy.check("What SALARY does a school OT get?")
    assert pay is not None
    assert (pay.topic, pay.handoff, pay.unless_covered) == (
        "pay",
        "A recruiter knows current pay.",
        True,
    )
    visas = policy.check("Do you sponsor visas?")
    assert visas is not None and visas.topic == "visas" and not visas.unless_covered  # the default
    assert policy.check("What does a school OT do?") is None


def test_the_first_topic_listed_wins(tmp_path: Path):
    policy = load_scope(write(tmp_path, TWO_TOPICS))
    found = policy.check("Does the visa change my pay?")
    assert found is not None and found.topic == "pay"


def test_a_covered_topic_is_one_an_article_sentence_itself_speaks_of(tmp_path: Path):
    pay = load_scope(write(tmp_path, TWO_TOPICS)).check("What is the salary?")
    assert pay is not None
    assert pay.covered_by(["Clinics differ.", "Pay depends on the contract and the district."])
    assert not pay.covered_by(["School OTs follow the school calendar."])
    assert not pay.covered_by([])


def test_a_topic_refused_always_is_never_covered(tmp_path: Path):
    visas = load_scope(write(tmp_path, TWO_TOPICS)).check("Do you sponsor visas?")
    assert visas is not None
    assert not visas.covered_by(["We sponsor visas for international therapists."])
    assert not OutOfScope("pay", "h", unless_covered=True).covered_by(["pay"])  # no pattern


def test_a_sentence_speaks_of_pay_in_any_of_its_forms():
    pay = SHIPPED.check("do EI OTs get a salary?")
    assert pay is not None
    assert pay.covered_by(["Some EI therapists are salaried employees, while others are paid per visit."])
    assert pay.covered_by(["Per-visit work can be lucrative if you see patients efficiently."])
    assert pay.covered_by(["Services by an OTA have been paid at a reduced rate since 2022."])
    assert not pay.covered_by(["Home health OTs drive between patients' homes."])


def test_what_a_family_pays_for_a_service_is_a_cost_not_an_ots_pay():
    for question in ("how much do families pay for school OT?", "how much do we have to pay for EI"):
        assert SHIPPED.check(question) is None, question
    for question in ("how much will I get paid", "how much would i make in a snf"):
        found = SHIPPED.check(question)
        assert found is not None and found.topic == "pay and salary", question


@pytest.mark.parametrize(
    ("question", "topic", "unless_covered"),
    [
        ("How much do school OTs make per hour?", "pay and salary", True),
        ("weekly pay for a travel OT contract in ohio", "pay and salary", True),
        ("whats the starting pay at a SNF", "pay and salary", True),
        ("also whats the pay like", "pay and salary", True),
        ("are EI therapists salaried or paid per visit?", "pay and salary", True),
        ("what do OTs make in Chicago?", "pay and salary", True),
        ("what would i make at a SNF?", "pay and salary", True),
        # a follow-up asking after pay alone, and its standalone form
        ("what about pay tho", "pay and salary", True),
        ("pay tho (do acute care OTs have to work weekends)?", "pay and salary", True),
        ("is per-visit pay better than a salary?", "pay and salary", True),
        ("Do I need a license in each state?", "licensure", True),
        ("Is Texas a compact state for OTs?", "licensure", True),
        ("What dosage of melatonin should my son take?", "medical advice", False),
        ("Does my son have a sensory processing disorder?", "medical advice", False),
        ("What stretches should I do for my shoulder?", "medical advice", False),
        ("does my son have autism?", "medical advice", False),
        ("should my child take melatonin for sleep?", "medical advice", False),
        ("is it normal that my toddler isn't walking yet?", "medical advice", False),
        ("my dad had a stroke, what exercises can he do at home?", "medical advice", False),
        ("what exercises should my daughter do for her handwriting?", "medical advice", False),
        ("does my kid need OT?", "medical advice", False),
        ("my son has autism and sensory issues, does he need OT?", "medical advice", False),
        ("What is sensory processing disorder and how is it diagnosed?", "medical advice", False),
        ("should an OT see my daughter?", "medical advice", False),
        # a person's symptom, and what to wear or take for it
        ("candidate has swelling in her arm after surgery, should she wear a compression sleeve?",
         "medical advice", False),
        ("my wrist is numb after long shifts, should i be wearing a brace?", "medical advice", False),
        # a condition, and which thing to use for it; stopping or starting someone's care
        ("My mom has macular degeneration, what magnifier should she use?", "medical advice",
         False),
        ("Should I stop giving my baby thickened feeds?", "medical advice", False),
        # whether someone has a condition
        ("do i have carpal tunnel?", "medical advice", False),
        ("my toddler isnt talking yet, is that autism?", "medical advice", False),
        ("could my dad have tendonitis from gardening?", "medical advice", False),
        # a profession's scope of practice, but asked for the asker's own child
        ("can the OT prescribe something for my son?", "medical advice", False),
    ],
)
def test_the_shipped_policy_topics(question, topic, unless_covered):
    found = SHIPPED.check(question)
    assert found is not None and found.topic == topic
    assert found.unless_covered is unless_covered
    assert found.handoff


@pytest.mark.parametrize(
    "question",
    [
        "What does a home health OT visit involve?",
        "Can a school OT help a child with handwriting?",
        "Do school OTs get summers off?",
        "What is a compact schedule in a clinic?",
        "my son has ADHD but doesn't have an IEP - can his school still give him OT?",
        "does my son have to have an IEP to get OT?",
        "does my kid need an IEP for OT at school?",
        "will the OT give my son exercises to practice at home?",
        "what activities does a school OT do with my daughter?",
        "does she need OT experience to apply?",
        "besides base pay what else can i negotiate in my first offer?",  # negotiation, not pay
        "does my son need a diagnosis to get OT at school?",  # school services
        "how do hand therapists get the swelling down after surgery?",  # what OTs do
        "i get sore feet on long hospital shifts, should i take an outpatient job?",  # a career
        "do i have enough hours to sit for the CHT?",
        "do i have a chance at a school job as a new grad?",
        "what would i actually make with patients in a legacy project?",  # crafts, not pay
        "who pays for EI?",  # a family's cost
        "pay attention to what during an eval?",
        # what a profession may do: its scope of practice
        "do low vision OTs prescribe the magnifiers or is that someone else's job?",
        "who prescribes the wheelchair, the OT or the doctor?",
        "can a COTA give medications?",
        # what services a child gets, and a career routine
        "my son has an IEP, which goals should he get?",
        "should i keep doing home health visits for my agency?",
    ],
)
def test_questions_about_services_are_not_medical_advice_or_policy(question):
    assert SHIPPED.check(question) is None


def test_a_question_the_unless_pattern_also_matches_is_not_on_the_topic(tmp_path: Path):
    text = TWO_TOPICS.replace(
        "handoff = \"Ask a recruiter about visas.\"",
        "handoff = \"Ask a recruiter about visas.\"\nunless = '\\bhistory of\\b'",
    )
    assert "unless" in text
    policy = load_scope(write(tmp_path, text))
    found = policy.check("Do you sponsor visas?")
    assert found is not None and found.topic == "visas"
    assert policy.check("what is the history of work visas for therapists?") is None
    assert policy.check("what is the history of OT pay?") is not None  # another topic still applies


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[topic]]\nname = "x"\npattern = "x"\nhandoff = "h"\ncolour = "red"\n', "colour"),
        ('[[topic]]\nname = "x"\npattern = "x"\nhandoff = "h"\nrefuse = "sometimes"\n', "refuse"),
        ('[[topic]]\nname = "x"\npattern = "x"\n', "handoff"),
        ("[[topic]\n", "not valid TOML"),
    ],
)
def test_a_broken_scope_file_names_itself_and_the_problem(tmp_path: Path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(PromptError, match=problem) as error:
        load_scope(path)
    assert str(path) in str(error.value)


def test_a_missing_scope_file_is_named(tmp_path: Path):
    with pytest.raises(PromptError, match="file not found"):
        load_scope(tmp_path / "nowhere.toml")


def test_a_pattern_that_does_not_compile_names_the_file(tmp_path: Path):
    path = write(tmp_path, '[[topic]]\nname = "x"\npattern = "(unclosed"\nhandoff = "h"\n')
    with pytest.raises(PromptError, match="pattern") as error:
        load_scope(path)
    assert str(path) in str(error.value)


# The glossary


def test_each_abbreviation_is_spelt_out_once_in_order():
    glossary = Glossary({"SNF": "skilled nursing facility", "EI": "early intervention"})
    assert glossary.acronyms == {"snf": "skilled nursing facility", "ei": "early intervention"}
    assert (
        glossary.expand("EI or SNF? I mean SNF.")
        == "EI or SNF? I mean SNF. (early intervention; skilled nursing facility)"
    )
    assert glossary.expand("Is ei work tiring?") == "Is ei work tiring?"  # not written as one


def test_a_lower_case_abbreviation_that_is_no_english_word_is_spelt_out():
    glossary = Glossary({"peds": "pediatrics", "idea": "Individuals with Disabilities Education Act"})
    english = frozenset({"idea", "is", "good"})
    assert glossary.expand("is peds a good idea?", english) == "is peds a good idea? (pediatrics)"
    assert glossary.expand("what is IDEA?", english).endswith("(Individuals with Disabilities Education Act)")
    assert glossary.abbreviations("PEDS or peds", english) == ["peds"]


def test_a_written_plural_finds_its_own_entry():
    glossary = load_glossary(PROMPTS_DIR / "glossary.toml")
    assert "Individualized Education Programs" in glossary.expand("Who writes IEPs?")
    assert "Individualized Education Program)" in glossary.expand("Who writes the IEP?")


def test_a_plural_abbreviation_without_its_own_entry_is_spelt_out():
    glossary = load_glossary(PROMPTS_DIR / "glossary.toml")
    assert "certified occupational therapy assistant" in glossary.expand(
        "Do COTAs supervise aides?"
    )


def test_a_glossary_entry_that_is_not_text_is_an_error_naming_the_file(tmp_path: Path):
    path = write(tmp_path, "[acronyms]\nsnf = 3\n", "glossary.toml")
    with pytest.raises(PromptError, match="must map abbreviations to text") as error:
        load_glossary(path)
    assert str(path) in str(error.value)
    assert load_glossary(write(tmp_path, "# nothing yet\n", "empty.toml")).expand("SNF?") == "SNF?"


def test_a_medical_refusal_points_to_a_doctor_and_a_recruiter_draft_offers_no_recruiter():
    from bot.answer.rendering import refusal
    from bot.prompts import load_wording

    wording = load_wording()
    medical = SHIPPED.check("does my son have autism?")
    assert medical is not None and not medical.offer_recruiter
    text = refusal("candidate", wording, medical.handoff, medical.offer_recruiter)
    assert "doctor" in text and wording.refusal.handoff not in text
    pay = SHIPPED.check("How much do school OTs make per hour?")
    assert pay is not None and pay.offer_recruiter
    assert wording.refusal.handoff in refusal("candidate", wording, pay.handoff)
    assert wording.refusal.handoff not in refusal("recruiter", wording, pay.handoff)


def test_every_shipped_topic_has_a_note_that_speaks_to_the_recruiter():
    for topic, _, _ in SHIPPED.topics:
        assert topic.recruiter, topic.name
        assert "candidate" in topic.recruiter  # about the candidate, to the recruiter
        assert "you're" not in topic.recruiter and "your situation" not in topic.recruiter


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("i hurt my wrist, what exercises should i do", "medical advice"),
        ("does that pay well", "pay and salary"),
        ("is school OT well-paid?", "pay and salary"),
        ("what exercises should i do with students for fine motor skills?", None),
        ("I hurt my back last year, can I still work in acute care?", None),
        ("How do I treat my own carpal tunnel pain?", "medical advice"),
        ("how can we ease our son's anxiety at night", "medical advice"),
        ("Do I treat my patients differently in schools?", None),
        ("will the OT treat my son at school?", None),
        ("my shoulder still hurts after a fall, should i see an ot or a pt?", "medical advice"),
        ("should I see a physical therapist for my wrist?", "medical advice"),
        ("my kid has dyspraxia, should we try reflex integration therapy?", "medical advice"),
        ("My daughter has autism, what exercises should we do at home?", "medical advice"),
        ("i think i have dyspraxia, what exercises would help my coordination", "medical advice"),
        ("what stretches can improve his grip strength", "medical advice"),
        ("what exercises help my students with handwriting?", None),
        ("what stretches help my patients after a stroke?", None),
        # whether a child has a condition is a diagnosis, however it is asked
        ("he flaps his hands, does that mean hes autistic? should i be worried", "medical advice"),
        ("is my son autistic?", "medical advice"),
        ("could she be on the spectrum", "medical advice"),
        ("do school OTs work with kids who have adhd?", None),
        ("does that mean she is a good fit for school OT?", None),
        # "is it normal" is about a person's health only when it speaks of one
        ("is it normal that my sessions at the peds clinic are only 45 min?", None),
        ("is it normal for my 4 year old to walk on his toes?", "medical advice"),
        ("my back hurts from lifting patients, are there desk OT jobs?", None),
        ("my son is a new grad, should he see an OT recruiter?", None),
        ("my daughter has an IEP, should we try to get more OT minutes?", None),
    ],
)
def test_asking_what_to_do_for_ones_own_injury_is_medical_and_paying_well_is_pay(question, topic):
    found = SHIPPED.check(question)
    assert (found.topic if found else None) == topic


def test_the_licensure_line_fits_a_national_exam_too():
    licensure = SHIPPED.check("is the NBCOT exam hard")
    assert licensure is not None and "NBCOT" in licensure.handoff
