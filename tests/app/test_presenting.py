import dataclasses

from bot.app.presenting import chat_html, chat_markdown, draft_text, source_card, source_chip
from bot.models import Answer, Citation
from bot.prompts import load_wording


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
        offers_recruiter=refused,
    )


def test_chat_markdown_shows_source_cards_with_link():
    text = chat_markdown(answer())
    assert text.startswith("Summers off [1].")
    assert "> **[1]** [School vs Clinic](https://x.org/a) — Aequor · *Advantages*" in text
    assert "> “Summers off.”" in text
    assert chat_markdown(answer(refused=True)) == "Sorry."


def recruiter_answer(question: str, refused: bool = False) -> Answer:
    wording = load_wording()
    if refused:
        return Answer(question, wording.refusal.recruiter, True, (), {}, mode="recruiter")
    cited = answer(question).citations
    unlinked = Citation(2, "OT in schools", "Flagstar", "001_b929a526930e0778.txt", "Roles",
                        "IEP meetings.", "chunk", 0.8, None, "2025-09-01")
    text = (
        f"{wording.recruiter.tones['friendly'].opening}\n\n**Advantages**\n- Summers off [1]\n"
        f"- IEP meetings [2]\n\nClosing line.\n\n{wording.recruiter.sources_heading}:\n"
        "[1] School vs Clinic — Aequor, section “Advantages” (https://x.org/a)\n"
        "[2] OT in schools — Flagstar, section “Roles” (001_b929a526930e0778.txt)"
    )
    return Answer(question, text, False, (*cited, unlinked), {}, mode="recruiter")


def test_drafts_as_email_text_and_as_markdown():
    wording = load_wording()
    email = draft_text([recruiter_answer("Summers?")], wording, "email")
    markdown = draft_text([recruiter_answer("Summers?")], wording, "markdown")
    assert "**" not in email and "Advantages\n- Summers off [1]" in email
    assert "[1] School vs Clinic — Aequor, “Advantages”: https://x.org/a" in email
    assert "[1] [School vs Clinic](https://x.org/a) — Aequor, “Advantages”" in markdown
    assert "**Advantages**" in markdown
    for text in (email, markdown):
        assert ".txt" not in text  # no internal file names
        # dated when the article is: how current the quote may be
        assert text.count("Sources:") == 1
        assert "[2] OT in schools — Flagstar, 2025-09-01, “Roles”" in text


def test_a_headingless_articles_sources_name_the_article_not_its_paragraph_numbers():
    """Two points from "Paragraphs 3–5" and "Paragraph 9" of an article without headings are one
    source line under the article's title: paragraph numbers mean nothing in an e-mail."""
    wording = load_wording()
    cited = tuple(
        Citation(n, "OT in schools", "Flagstar", "001.txt", section, "IEP meetings.", "c", 0.8, None)
        for n, section in ((1, "Paragraphs 3–5"), (2, "Paragraph 9"))
    )
    text = f"- IEP meetings [1]\n- Travel [2]\n\n{wording.recruiter.sources_heading}:\n[1] x"
    drafted = Answer("Roles?", text, False, cited, {}, mode="recruiter")
    for style in ("email", "markdown"):
        shown = draft_text([drafted], wording, style)
        assert "Paragraph" not in shown
        assert shown.endswith("[1, 2] OT in schools — Flagstar")


def test_a_section_named_only_by_its_paragraphs_is_not_shown_to_a_reader():
    """"Paragraphs 6–9" of an article without headings is our name, nowhere on its page: the
    chat's source card and chip show the title and publisher, the link, and no section."""
    cited = Citation(1, "OT in schools", "Flagstar", "001.txt", "Paragraphs 6–9", "IEP meetings.",
                     "c", 0.8, "https://flagstar.example/ot")
    for shown in (source_card(cited), source_chip(cited, "a"), source_chip(cited, "a", True)):
        assert "Paragraph" not in shown and "Flagstar" in shown
    assert '<p class="where"><a href=' in source_chip(cited, "a")
    headed = dataclasses.replace(cited, section="Roles")
    assert "*Roles*" in source_card(headed) and '<p class="where">Roles · <a' in source_chip(headed, "a")


def test_an_uncovered_question_gets_a_note_to_the_recruiter_not_a_reply_to_the_candidate():
    wording = load_wording()
    for style in ("email", "markdown"):
        text = draft_text([recruiter_answer("Pay in Ohio?", refused=True)], wording, style)
        assert "not for the candidate" in text.lower()
        assert wording.refusal.handoff not in text  # "would you like us to connect you?"


def test_a_topic_refusal_keeps_its_own_note_to_the_recruiter():
    wording = load_wording()
    note = "This asks for medical advice: suggest the candidate speak with a doctor."
    refused = Answer("Does my son have autism?", note, True, (), {}, mode="recruiter")
    text = draft_text([refused], wording, "email")
    assert note in text and wording.refusal.recruiter not in text


def test_drafts_for_several_questions_are_one_message_numbered_through():
    """An e-mail asking three things gets one reply: the recruiter's notes first, one greeting,
    each answered question under its own heading, one source list whose numbers run on."""
    wording = load_wording()
    opening = wording.recruiter.tones["friendly"].opening
    three = [recruiter_answer("Q one?"), recruiter_answer("Q two?", refused=True),
             recruiter_answer("Q three?")]
    markdown = draft_text(three, wording, "markdown")
    assert "### Q one?" in markdown and "### Q three?" in markdown
    assert markdown.startswith("> **Note for you") and "(“Q two?”)" in markdown
    email = draft_text(three, wording, "email")
    assert "Question: Q one?" in email and "Question: Q three?" in email and "###" not in email
    for text in (markdown, email):
        assert text.count(opening) == 1 and text.count("Sources:") == 1
        assert text.index(opening) < text.index("Q one?") < text.index("Q three?")
        third = text[text.index("Q three?"):]
        assert "Summers off [3]" in third and "IEP meetings [4]" in third  # numbered on
        assert "[2, 4] OT in schools — Flagstar" in text  # one line per source
    # Only notes when nothing is answered.
    notes = draft_text([recruiter_answer("A?", refused=True), recruiter_answer("B?", refused=True)],
                       wording, "email")
    assert notes.count("NOTE FOR YOU") == 2 and "Sources:" not in notes


def test_a_draft_from_the_closest_passage_is_a_draft_under_a_note_to_check_it():
    wording = load_wording()
    text = (
        f"{wording.refusal.nearest_recruiter}\n\nThanks!\n\n**Advantages**\n- Summers off [1]."
        f"\n\n{wording.recruiter.sources_heading}:\n[1] School vs Clinic — Aequor"
    )
    cited = Citation(1, "School vs Clinic", "Aequor", "a.txt", "Advantages", "Summers off.",
                     "chunk", 0.9, None)
    near = Answer("Q?", text, True, (cited,), {}, "recruiter", "Q?")
    markdown = draft_text([near], wording, "markdown")
    lead = wording.recruiter.note_for_recruiter
    assert markdown.startswith(f"> **{lead}:** our articles may not answer")
    assert markdown.count(lead) == 1 and "- Summers off [1]." in markdown
    assert markdown.endswith("[1] School vs Clinic — Aequor, “Advantages”")


def test_chat_replies_link_markers_to_compact_sources():
    shown = chat_html(answer(), "src7", "Talk to a recruiter")
    assert '<a class="cite" href="#src7-1"' in shown
    assert '<details class="source" id="src7-1"><summary><b>[1]</b> School vs Clinic' in shown
    assert "<blockquote>“Summers off.”</blockquote>" in shown
    assert 'href="https://x.org/a"' in shown
    refusal = chat_html(answer(refused=True), "src8", "Talk to a recruiter")
    assert 'class="handoff-link"' in refusal and "<details" not in refusal
    assert "Talk to a recruiter</button>" in refusal
    medical = dataclasses.replace(answer(refused=True), offers_recruiter=False)
    assert "handoff-link" not in chat_html(medical, "src9", "Talk to a recruiter")


def test_sources_from_one_article_are_told_apart_by_their_quotes():
    first = answer().citations[0]
    second = dataclasses.replace(first, n=2, section="Schedules", quote="Year-round.")
    shown = chat_html(
        dataclasses.replace(answer(), answer="Summers off [1]. Year-round [2].",
                            citations=(first, second)),
        "k", "Talk to a recruiter",
    )
    assert '<summary><b>[1]</b> “Summers off.” <span class="publisher">· School vs' in shown
    assert '<summary><b>[2]</b> “Year-round.” <span class="publisher">· School vs' in shown
    assert "Schedules · Aequor" in shown  # the publisher, opened
    # One source per article: its title and publisher, as before.
    assert '<summary><b>[1]</b> School vs Clinic <span class="publisher">· Aequor' in chat_html(
        answer(), "k", "Talk to a recruiter"
    )


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
    html = chat_html(
        Answer("q", f"{hostile.quote} [1]", False, (hostile,), {}, standalone_question="q"),
        "k",
        "Talk to a recruiter",
    )
    assert "<img" not in html and "<script" not in html and "javascript:" not in html
    assert '<a href="http://evil' not in html and "&lt;a href=" in html


def test_only_web_addresses_become_links():
    from bot.models import web_url

    assert web_url("https://example.org/a (b)") == "https://example.org/a%20%28b%29"
    assert web_url("javascript:alert(1)") is None
    assert web_url("data:text/html,hi") is None
    assert web_url("") is None


def test_a_refusal_showing_the_closest_passage_links_it_and_still_offers_a_recruiter():
    wording = load_wording()
    cited = answer().citations[:1]
    text = f"{wording.refusal.nearest_candidate}\n\nSummers off [1].\n\n{wording.refusal.handoff}"
    near = Answer("q", text, True, cited, {}, offers_recruiter=True)
    shown = chat_html(near, "k", "Talk to a recruiter")
    assert 'href="#k-1"' in shown and 'class="sources"' in shown
    assert shown.endswith('<button class="handoff-link" type="button">Talk to a recruiter</button>')
    assert "**Sources**" in chat_markdown(near)
