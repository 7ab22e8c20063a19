from bot.models import Answer, Citation
from bot.presenting import chat_markdown, draft_markdown, follow_ups
from bot.prompts import load_app_wording


def answer(question: str = "Do school OTs get summers off?", refused: bool = False) -> Answer:
    citations = (
        ()
        if refused
        else (
            Citation(
                1,
                "School vs Clinic",
                "Aequor",
                "a.txt",
                "Advantages",
                "Summers off.",
                "chunk",
                0.9,
                "https://x.org/a",
            ),
        )
    )
    return Answer(
        question,
        "Sorry." if refused else "Summers off [1].",
        refused,
        citations,
        {},
        standalone_question=question,
    )


def test_chat_markdown_shows_source_cards_with_link():
    text = chat_markdown(answer())
    assert text.startswith("Summers off [1].")
    assert "> **[1]** [School vs Clinic](https://x.org/a) — Aequor · *Advantages*" in text
    assert "> “Summers off.”" in text
    assert chat_markdown(answer(refused=True)) == "Sorry."


def test_follow_ups_offer_the_other_setting_then_unasked_examples():
    wording = load_app_wording()
    offered = follow_ups(answer(), wording, asked=["Do school OTs get summers off?"])
    assert offered[0] == wording.followup_clinical
    assert "Do school OTs get summers off?" not in offered
    assert len(offered) == 3


def test_drafts_for_several_questions_are_sectioned():
    text = draft_markdown([answer("Q one?"), answer("Q two?")])
    assert "### Q one?" in text and "### Q two?" in text
