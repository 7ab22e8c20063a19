from bot.ingest.chunking import split
from bot.ingest.loading import load_corpus
from tests.conftest import SEED_SCHOOL_VS_CLINIC, SEED_SCHOOLS, SHIPPED_CORPUS


def seed_chunks():
    articles = {a.source: a for a in load_corpus(SHIPPED_CORPUS).articles}
    return {source: split(article) for source, article in articles.items()}


def test_chunks_are_small_and_carry_metadata():
    for source, chunks in seed_chunks().items():
        assert chunks
        for chunk in chunks:
            assert len(chunk.text.split()) <= 160
            assert chunk.source == source and chunk.title and chunk.publisher and chunk.section
            assert chunk.setting in ("school", "clinical", "both", "general")
            for sentence in chunk.sentences:
                assert sentence.text in chunk.text


def test_ids_are_deterministic_and_unique():
    first, second = seed_chunks(), seed_chunks()
    ids = [c.id for chunks in first.values() for c in chunks]
    assert ids == [c.id for chunks in second.values() for c in chunks]
    assert len(ids) == len(set(ids))


def test_sections_follow_headings_and_lists_stay_with_their_lead_in():
    chunks = seed_chunks()[SEED_SCHOOL_VS_CLINIC]
    sections = [c.section for c in chunks]
    assert sections[0] == "Introduction"
    assert "Key Differences Between School and Clinical OT" in sections
    responsibilities = next(c for c in chunks if "Supporting IEP goals" in c.text)
    assert "Key responsibilities in schools:" in responsibilities.text
    assert responsibilities.section == "What It’s Like to Work as a School-Based OT"


def test_table_rows_never_mix_the_two_columns():
    chunk = next(
        c for c in seed_chunks()[SEED_SCHOOL_VS_CLINIC] if "Clinical/Healthcare OT:" in c.text
    )
    assert chunk.setting == "both"
    assert (
        "School-Based OT: Works primarily with children ages 3–21; "
        "Clinical/Healthcare OT: Works with patients of all ages, from pediatrics to geriatrics."
    ) in chunk.text
    cells = [s for s in chunk.sentences if s.kind == "table_cell"]
    assert len(cells) == 10
    assert {s.setting for s in cells if s.label == "School-Based OT"} == {"school"}
    assert {s.setting for s in cells if s.label == "Clinical/Healthcare OT"} == {"clinical"}


def test_headless_article_sections_name_paragraphs_and_flag_missing_lists():
    chunks = seed_chunks()[SEED_SCHOOLS]
    assert chunks[0].section.startswith("Paragraph")
    flagged = [s.text for c in chunks for s in c.sentences if s.announces_missing_list]
    assert (
        "School-based OT addresses multiple domains that affect participation and performance."
        in flagged
    )


def test_a_sub_section_is_named_with_the_headings_it_stands_under():
    """ "Occupational Therapy Assistant" under "Education Requirements" is about the assistant's
    education: the chunk's section (matched, embedded and shown in citations) says so. The
    article's level-1 title is not part of the path; a heading of unknown level stands alone."""
    from bot.models import Article, Block

    blocks = (
        Block("heading", "OT vs. COTA", level=1),
        Block("heading", "Education Requirements", level=2),
        Block("heading", "Occupational Therapy Assistant", level=3),
        Block("paragraph", "OTAs most commonly complete an associate degree of about two years."),
        Block("heading", "Fieldwork", level=3),
        Block("paragraph", "OTA students complete at least 16 weeks of Level II fieldwork."),
        Block("heading", "Career Paths", level=2),
        Block("paragraph", "OTs may move into specialty practice such as hand therapy."),
        Block("heading", "Plain text heading"),
        Block("paragraph", "A heading whose level the format does not give stands alone."),
    )
    article = Article("cota.md", "OT vs. COTA", "Copperleaf", None, None, (), blocks)
    sections = [c.section for c in split(article)]
    assert sections == [
        "Education Requirements › Occupational Therapy Assistant",
        "Education Requirements › Fieldwork",
        "Career Paths",
        "Plain text heading",
    ]
    assert split(article)[0].text.startswith("Education Requirements › Occupational Therapy")
