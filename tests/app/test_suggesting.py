"""What the chat offers to ask next, on the shipped articles and on a made-up one."""

from __future__ import annotations

from bot.answer.rewriting import Turn
from bot.app.suggesting import article_questions, follow_ups
from bot.models import Chunk, Sentence
from bot.prompts import load_app_wording


def chunk(position: int, section: str, *sentences: tuple[str, str, int]) -> Chunk:
    said = tuple(Sentence(text, kind, "clinical", block=block) for text, kind, block in sentences)
    return Chunk(f"c{position}", "irf.md", "Inpatient rehab", "P", None, None, section,
                 "clinical", position, " ".join(s.text for s in said), said)


def test_an_article_asks_what_its_question_headings_and_faq_paragraphs_answer():
    article = [
        chunk(2, "FAQ",
              ("Is an IRF the same as a SNF?", "sentence", 0),
              ("No. An IRF is a hospital-level setting.", "sentence", 0),
              ("Looking for an inpatient rehab role?", "sentence", 1),
              ("Talk to us.", "sentence", 1),
              ("Why does it matter so much?", "sentence", 2),
              ("Because it does.", "sentence", 2)),
        chunk(0, "Does an IRF pay more?", ("Sometimes.", "sentence", 0)),
        chunk(1, "Questions to ask in an interview",
              ("How are therapy minutes scheduled?", "list_item", 0),
              ("What does the weekend rotation look like?", "list_item", 1)),
        chunk(3, "Closing", ("Can new graduates work here?", "sentence", 0)),  # not answered
    ]
    # In reading order; not the questions to ask at an interview, a call to action, a question
    # leaning on what came before or one its paragraph does not answer.
    assert article_questions(article) == ["Does an IRF pay more?", "Is an IRF the same as a SNF?"]


def test_follow_ups_offer_the_other_setting_only_when_it_adds_something(seed_bot):
    words = load_app_wording()
    question = "Do school OTs get summers off?"
    answer = seed_bot.ask(question)
    before = [Turn("user", question), Turn("assistant", answer.answer)]
    offered = follow_ups(answer, words, [question], 3, seed_bot.article_chunks,
                         lambda q: seed_bot.ask(q, before))
    assert offered[0] == words.followup_clinical and len(offered) == 3
    assert question not in offered
    # A follow-up that finds only what was said already is not offered.
    same = follow_ups(answer, words, [question], 3, seed_bot.article_chunks, lambda q: answer)
    assert words.followup_clinical not in same and len(same) == 3
    # A refusal gets the examples not asked yet.
    refused = seed_bot.ask("What is the average salary for a school OT in Ohio?")
    assert follow_ups(refused, words, [question], 3) == [
        q for q in words.examples if q != question
    ][:3]
