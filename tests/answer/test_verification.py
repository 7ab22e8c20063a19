from bot.answer.verification import supports, verify
from bot.models import Chunk, Part, Sentence, Source, Statement

CHUNK = Chunk(
    id="c1",
    source="a.txt",
    title="T",
    publisher="P",
    date=None,
    url=None,
    section="S",
    setting="school",
    position=0,
    text="Advantages:\n1. Summers off, depending on the contract.\nSchool OTs work with teachers.",
    sentences=(Sentence("Summers off, depending on the contract.", "list_item", "school"),),
)
CHUNKS = {"c1": CHUNK}


def statement(text: str, quote: str, chunk_id: str = "c1", context: str = "") -> Statement:
    return Statement((Part(text, Source(chunk_id, quote), context),))


def test_supported_statement_is_kept():
    kept = verify(
        (statement("School OTs work with teachers.", "School OTs work with teachers."),), CHUNKS
    )
    assert len(kept) == 1


def test_invented_quote_is_dropped():
    invented = statement("School OTs earn $90,000.", "School OTs earn $90,000.")
    assert verify((invented,), CHUNKS) == ()


def test_quote_that_does_not_support_the_statement_is_dropped():
    mismatched = statement(
        "Clinics pay travel stipends and bonuses.", "School OTs work with teachers."
    )
    assert verify((mismatched,), CHUNKS) == ()


def test_unknown_chunk_and_missing_source_are_dropped():
    assert (
        verify(
            (
                statement(
                    "School OTs work with teachers.", "School OTs work with teachers.", "nope"
                ),
            ),
            CHUNKS,
        )
        == ()
    )
    assert verify((Statement((Part("Unsourced claim.", None),)),), CHUNKS) == ()


def test_only_the_supported_part_of_a_statement_survives():
    mixed = Statement(
        (
            Part(
                "Summers off, depending on the contract.",
                Source("c1", "Summers off, depending on the contract."),
            ),
            Part("Clinics close in August.", Source("c1", "Clinics close in August.")),
        )
    )
    (kept,) = verify((mixed,), CHUNKS)
    assert [p.text for p in kept.parts] == ["Summers off, depending on the contract."]


def test_context_words_must_come_from_the_chunk():
    (kept,) = verify(
        (
            statement(
                "School OTs work with teachers.",
                "School OTs work with teachers.",
                context="Made up: ",
            ),
        ),
        CHUNKS,
    )
    assert kept.parts[0].context == ""


def test_supports():
    assert supports("Works with patients of all ages", "Works with patients of all ages")
    assert not supports("Works with patients of all ages", "Earns a high salary in Texas")
