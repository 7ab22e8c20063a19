from bot.ingest.plaintext import parse_date, parse_plain_text, split_row
from tests.conftest import SEED_SCHOOL_VS_CLINIC, SHIPPED_CORPUS


def seed_blocks():
    return parse_plain_text((SHIPPED_CORPUS / SEED_SCHOOL_VS_CLINIC).read_text(encoding="utf-8"))


def test_reads_date_and_title_lines():
    parsed = seed_blocks()
    assert parsed.date == "2025-09-16"
    assert parsed.title == (
        "School Based vs. Clinical Occupational Therapy: Choosing the Right Path for You"
    )


def test_parse_date_formats():
    assert parse_date("Sep 16, 2025") == "2025-09-16"
    assert parse_date("September 16, 2025") == "2025-09-16"
    assert parse_date("2025-09-16") == "2025-09-16"
    assert parse_date("Choosing the right path") is None


def test_headings_and_numbered_lists_are_recovered():
    blocks = seed_blocks().blocks
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert "What It’s Like to Work as a School-Based OT" in headings
    assert "Key Differences Between School and Clinical OT" in headings
    items = [b for b in blocks if b.kind == "list_item"]
    first = next(b for b in items if b.text.startswith("Supporting IEP goals"))
    assert first.number == 1
    leads = [b.text for b in blocks if b.kind == "lead_in"]
    assert "Key responsibilities in schools:" in leads


def test_flattened_table_rows_split_into_both_columns():
    rows = [b for b in seed_blocks().blocks if b.kind == "table_row"]
    cells = [(r.cells[0].text, r.cells[1].text) for r in rows]
    assert cells == [
        (
            "Goals focus on education, access, and participation in school activities",
            "Goals focus on recovery, independence, and medical function",
        ),
        (
            "Works primarily with children ages 3–21",
            "Works with patients of all ages, from pediatrics to geriatrics",
        ),
        (
            "Services driven by IEPs and educational law (IDEA)",
            "Services driven by medical necessity and insurance coverage",
        ),
        (
            "Collaborative, team-based with educators and families",
            "More individualized, often working with other healthcare providers",
        ),
        (
            "Schedule often follows school calendar",
            "Year-round, with varied shifts depending on setting",
        ),
    ]
    assert {r.cells[0].header for r in rows} == {"School-Based OT"}
    assert {r.cells[1].header for r in rows} == {"Clinical/Healthcare OT"}
    assert rows[4].text == (
        "School-Based OT: Schedule often follows school calendar; "
        "Clinical/Healthcare OT: Year-round, with varied shifts depending on setting."
    )


def test_split_row_prefers_repeated_opening_words():
    assert split_row("Works in clinics often Works in schools") == (
        "Works in clinics often",
        "Works in schools",
    )
    assert split_row("no capital letters here at all") is None


def test_text_without_headings_is_all_paragraphs():
    parsed = parse_plain_text(
        "First paragraph is long enough to be prose.\nSecond one also ends well.\n"
    )
    assert [b.kind for b in parsed.blocks] == ["paragraph", "paragraph"]
    assert parsed.title is None and parsed.date is None


def test_a_list_flattened_without_markers_after_its_lead_in_is_a_list():
    text = (
        "Getting Licensed\n"
        "By Jo Ellis | June 4, 2024\n"
        "How to study\n"
        "Most new grads study for a few months. Useful approaches include:\n"
        "Taking a full-length practice test early\n"
        "Building a weekly study schedule, around the exam outline domains\n"
        "Practicing under timed conditions\n"
        "Results are posted to your account. Retakes are allowed.\n"
        "\n"
        "Benefits add value. Compare:\n"
        "\n"
        "Health insurance\n"
        "Paid time off\n"
        "\n"
        "CEU allowance\n"
        "Most states require continuing education.\n"
    )
    blocks = [(b.kind, b.text) for b in parse_plain_text(text).blocks]
    assert blocks == [
        ("heading", "How to study"),
        ("lead_in", "Most new grads study for a few months. Useful approaches include:"),
        ("list_item", "Taking a full-length practice test early"),
        ("list_item", "Building a weekly study schedule, around the exam outline domains"),
        ("list_item", "Practicing under timed conditions"),
        ("paragraph", "Results are posted to your account. Retakes are allowed."),
        ("lead_in", "Benefits add value. Compare:"),
        ("list_item", "Health insurance"),  # a blank line may come before the first item
        ("list_item", "Paid time off"),
        ("heading", "CEU allowance"),  # ... but one after an item ends the list
        ("paragraph", "Most states require continuing education."),
    ]


def test_cells_scraped_without_a_space_between_them_split_at_the_glued_capital():
    assert split_row("Therapist works hands-on with the studentTherapist works with teachers") == (
        "Therapist works hands-on with the student",
        "Therapist works with teachers",
    )


def test_a_long_paragraph_ending_in_a_colon_leads_the_items_that_follow():
    lead = ("Passing the exam makes you certified, but certification alone does not let you "
            "practice. " * 4 + "Most applications ask for:")
    text = "A Title\nBy Jo Ellis | June 4, 2024\n" + lead + "\nAn application fee\nA background check\n"
    kinds = [b.kind for b in parse_plain_text(text).blocks]
    assert kinds == ["lead_in", "list_item", "list_item"]


PDF_TEXT = """Careers in Occupational Therapy | Veteran Care

SERVING THOSE WHO SERVED: OT WITH VETERANS

A career guide for occupational therapists

WHY VETERAN CARE

The Department of Veterans Affairs operates one of the largest integrated
health care systems in the United States. For therapists who want inter-
disciplinary teams, speech-
language pathologists and a mission, veteran care is worth a look.

Common assignments include:

• Inpatient acute care and inpatient
  rehabilitation units
• Polytrauma programs


Page 1 of 3


Careers in Occupational Therapy | Veteran Care

POLYTRAUMA PROGRAMS

Regional centers provide the most intensive inpatient rehabili-
tation.


Page 2 of 3


Careers in Occupational Therapy | Veteran Care

LICENSURE

One state's license is enough for VA positions.

Page 3 of 3
"""


def test_text_copied_out_of_a_pdf_reads_as_its_paragraphs():
    """Lines broken at the page's width are one paragraph again, a word split at a line's end is
    whole ('rehabili-' 'tation'), unless English writes it with its hyphen ('speech-language');
    page numbers and the running header on every page are not the article; the first line of
    the text, over its subtitle, is its title."""
    parsed = parse_plain_text(PDF_TEXT)
    assert parsed.title == "SERVING THOSE WHO SERVED: OT WITH VETERANS"
    texts = [(b.kind, b.text) for b in parsed.blocks]
    assert ("paragraph", "The Department of Veterans Affairs operates one of the largest "
            "integrated health care systems in the United States. For therapists who want "
            "interdisciplinary teams, speech-language pathologists and a mission, veteran care "
            "is worth a look.") in texts
    assert ("list_item", "Inpatient acute care and inpatient rehabilitation units") in texts
    assert ("paragraph", "Regional centers provide the most intensive inpatient rehabilitation.") in texts
    assert not any("Page" in t or "Veteran Care" in t for _, t in texts)
    assert [t for k, t in texts if k == "heading"][-2:] == ["POLYTRAUMA PROGRAMS", "LICENSURE"]


def test_text_with_one_paragraph_a_line_is_left_as_it_is():
    """A scraped page's lines are its paragraphs already: nothing is joined, and a line that
    repeats ('Pros:') stays where no page is numbered."""
    from bot.ingest.plaintext import unwrap

    text = "Pros:\nNo commute\n\nCons:\nScreen fatigue\n\nPros:\nVariety\n\nPros:\nPay\n"
    assert unwrap(text) == text
