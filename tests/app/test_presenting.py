from bot.app.presenting import chat_markdown, draft_markdown, follow_ups
from bot.models import Answer, Citation
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


def test_article_text_is_shown_as_text_never_as_html_or_links():
    hostile = Citation(
        1,
        "Jobs <script>alert(1)</script>",
        "Agency",
        "a.txt",
        "Apply",
        'Great roles <img src="http://host/pixel.png"> and <a href="http://evil">Log in to apply</a>'
        " or [apply here](http://evil/x).",
        "chunk",
        0.9,
        "javascript:alert(1)",
    )
    shown = chat_markdown(
        Answer("q", f"{hostile.quote} [1]", False, (hostile,), {}, standalone_question="q")
    )
    assert "<img" not in shown and "<a " not in shown and "<script" not in shown
    assert "](http" not in shown  # no Markdown link but ours
    assert "javascript:" not in shown
    assert "&lt;img" in shown  # still there to read, as text


def test_only_web_addresses_become_links():
    from bot.models import web_url

    assert web_url("https://example.org/a (b)") == "https://example.org/a%20%28b%29"
    assert web_url("javascript:alert(1)") is None
    assert web_url("data:text/html,hi") is None
    assert web_url("") is None
