from pathlib import Path

from bot.ingest.cleaning import clean, drop_furniture
from bot.ingest.loading import read_article
from bot.models import Block
from tests.conftest import SEED_SCHOOL_VS_CLINIC, SEED_SCHOOLS, SHIPPED_CORPUS

FURNITURE = (
    "Get the Latest Updates",
    "You'll be the first to know",
    "Debunking Myths About Contract Education Staffing",
    "School or Clinical SLP? The Benefits of Both",
    "Connecticut Joins the Nurse Licensure Compact",
)


def all_text(path: Path) -> str:
    article = read_article(path, SHIPPED_CORPUS)
    return "\n".join(b.text for b in article.blocks)


def test_seed_furniture_is_gone_and_content_stays():
    text = all_text(SHIPPED_CORPUS / SEED_SCHOOL_VS_CLINIC)
    for furniture in FURNITURE:
        assert furniture not in text
    assert "Ready to explore your next OT role?" in text  # the article's own last paragraph


def test_missing_lists_are_reported_as_gaps():
    article = read_article(SHIPPED_CORPUS / SEED_SCHOOLS, SHIPPED_CORPUS)
    missing = [g.text for g in article.gaps if g.kind == "missing_list"]
    assert (
        "School-based OT addresses multiple domains that affect participation and performance."
        in missing
    )
    assert "Several factors are contributing to the growth of school-based OT roles:" in missing
    assert any(g.kind == "no_date" for g in article.gaps)
    flagged = [article.blocks[i].text for i in article.orphan_blocks]
    assert (
        "School-based OT addresses multiple domains that affect participation and performance."
        in flagged
    )


def test_lead_in_followed_by_its_list_is_not_a_gap():
    article = read_article(SHIPPED_CORPUS / SEED_SCHOOL_VS_CLINIC, SHIPPED_CORPUS)
    assert not [g for g in article.gaps if g.kind == "missing_list"]


def test_a_list_flattened_into_labelled_lines_or_a_compound_word_is_no_gap():
    blocks = [
        Block("lead_in", "OT jobs are paid in several ways:"),
        Block("paragraph", "Salaried: a fixed annual amount, common in hospitals."),
        Block("paragraph", "Hourly: common for PRN and part-time roles."),
        Block("paragraph", "It combines multiple-choice items with simulation items."),
        Block("paragraph", "The work has several parts."),
    ]
    gaps = [g.text for g in clean("a.txt", blocks, "2024-01-01").gaps if g.kind == "missing_list"]
    assert gaps == ["The work has several parts."]  # "multiple-choice" announces no list


def test_share_lines_dropped_and_long_text_after_a_marker_is_kept():
    blocks = [
        Block("paragraph", "OT in schools helps students take part in class."),
        Block("paragraph", "Share on Facebook"),
        Block("heading", "Related Posts"),
        Block("paragraph", "Five tips for new grads"),
        Block(
            "paragraph",
            "This paragraph is long enough to be real article content that continues after a "
            "newsletter box, so it must not be dropped with the furniture around it at all.",
        ),
    ]
    kept = [b.text for b in drop_furniture(blocks)]
    assert kept[0].startswith("OT in schools")
    assert "Share on Facebook" not in kept and "Five tips for new grads" not in kept
    assert kept[-1].startswith("This paragraph is long")


def test_empty_section_is_a_gap():
    blocks = [
        Block("heading", "Salary"),
        Block("heading", "Licensure"),
        Block("paragraph", "Text."),
    ]
    cleaned = clean("a.md", blocks, "2025-01-01")
    assert [(g.kind, g.text) for g in cleaned.gaps] == [("empty_section", "Salary")]


def test_a_heading_whose_sub_headings_hold_its_text_is_not_empty():
    blocks = [
        Block("heading", "Where they work", level=2),
        Block("heading", "Inpatient units", level=3),
        Block("paragraph", "Text."),
        Block("heading", "Salary", level=3),
        Block("heading", "Licensure", level=2),
        Block("paragraph", "Text."),
    ]
    cleaned = clean("a.html", blocks, "2025-01-01")
    assert [(g.kind, g.text) for g in cleaned.gaps] == [("empty_section", "Salary")]


def test_bylines_tags_and_cookie_lines_are_furniture():
    blocks = [
        Block("paragraph", "By Jane Doe | March 3, 2025"),
        Block("paragraph", "5 min read"),
        Block("paragraph", "By working in schools, OTs see students grow."),
        Block("paragraph", "Tags: school OT, IEP, careers"),
        Block("paragraph", "We use cookies to improve your experience."),
        Block("heading", "Previous Post"),
        Block("paragraph", "Ten tips for travel OTs"),
    ]
    assert [b.text for b in drop_furniture(blocks)] == [
        "By working in schools, OTs see students grow."
    ]


def test_sidebars_tags_and_author_boxes_are_furniture():
    from bot.models import Cell

    def row(left: str, right: str) -> Block:
        cells = (Cell("Subscribe", left), Cell("You may also like", right))
        return Block("table_row", f"Subscribe: {left}; You may also like: {right}", cells)

    blocks = [
        Block("paragraph", "School OTs travel between buildings."),
        row("Email address", "How to Prepare for Your First IEP Meeting"),
        Block("paragraph", "Summer ESY Jobs for School-Based Therapists"),
        Block("lead_in", "Tags:"),
        Block("paragraph", "Occupational Therapy , Mental Health , Careers"),
        Block("heading", "About Marisol Okafor"),
        Block("paragraph", "Marisol is a senior recruiter who has placed therapists in all fifty "
                           "states for twelve years and writes about travel contracts."),
        Block("paragraph", "Facebook Twitter LinkedIn"),
    ]
    assert [b.text for b in drop_furniture(blocks)] == ["School OTs travel between buildings."]
    # A heading that starts with "About" stays when no bio of that name follows.
    kept = drop_furniture([Block("heading", "About Early Intervention"),
                           Block("paragraph", "Early intervention serves infants and toddlers.")])
    assert len(kept) == 2


def test_a_forums_buttons_and_a_copyright_line_are_furniture():
    blocks = [
        Block("paragraph", "Feeding therapy helps children who have trouble eating."),
        Block("heading", "Reply | Quote | Report"),
        Block("heading", "Was this helpful? Yes / No"),
        Block("paragraph", "© 2025 CareerDesk. All rights reserved. | Terms | Privacy"),
        Block("paragraph", "Was this helpful to new grads? Ask your mentor."),
    ]
    assert [b.text for b in drop_furniture(blocks)] == [
        "Feeding therapy helps children who have trouble eating.",
        "Was this helpful to new grads? Ask your mentor.",
    ]


def test_questions_and_answers_labelled_q_and_a_read_as_headings_and_their_text():
    from bot.ingest.cleaning import read_question_labels

    blocks = [
        Block("heading", "Feeding FAQ", level=2),
        Block("paragraph", "Q: My toddler eats five foods. Is that picky eating?"),
        Block("lead_in", "A: Many toddlers go through a picky phase. Signs include:"),
        Block("list_item", "gagging at new foods"),
        Block("heading", "Q: Where do feeding OTs work?", level=2),
        Block("paragraph", "A: Outpatient clinics and early intervention programs."),
    ]
    read = read_question_labels(blocks)
    assert [(b.kind, b.level, b.text) for b in read] == [
        ("heading", 2, "Feeding FAQ"),
        ("heading", 3, "My toddler eats five foods. Is that picky eating?"),
        ("lead_in", 0, "Many toddlers go through a picky phase. Signs include:"),
        ("list_item", 0, "gagging at new foods"),
        ("heading", 3, "Where do feeding OTs work?"),
        ("paragraph", 0, "Outpatient clinics and early intervention programs."),
    ]
    # One "Q:" alone is no page of questions: "A: ..." may be a label of something else.
    alone = [Block("paragraph", "Q: Is it worth it?"), Block("paragraph", "A: Often, yes.")]
    assert read_question_labels(alone) == alone
