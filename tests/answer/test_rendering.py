"""Rendering: what the reader sees, with nothing of the article's own markup mistaken for ours."""

from __future__ import annotations

import re
from pathlib import Path

from bot.service import Bot
from bot.settings import Settings

ARTICLE = """# Sensory rooms in school occupational therapy

## Why schools build sensory rooms

Sensory rooms give students a calm place with dim lighting and soft seating [2]. School
occupational therapists often help plan the equipment and the daily schedule for the room [3, 4].
Teachers use the room for short breaks so that students can return to class ready to learn [5].
"""


def test_an_articles_own_reference_marks_never_break_an_answer(tmp_path: Path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sensory-rooms.md").write_text(ARTICLE, encoding="utf-8")
    bot = Bot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder)
    bot.ingest(show_progress=False)

    answer = bot.ask("What lighting do school sensory rooms have?")

    assert not answer.refused
    assert any("[2]" in c.quote for c in answer.citations)  # the quote stays verbatim
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}  # only the answer's own markers are left
    assert "dim lighting and soft seating [1]." in answer.answer


def _draft_quoting(*chunks):
    """A recruiter draft with one point per chunk, quoting its whole text."""
    from bot.answer.rendering import render
    from bot.models import Part, Source, Statement
    from bot.prompts import load_wording

    statements = tuple(Statement((Part(c.text, Source(c.id, c.text)),), c.section) for c in chunks)
    return render(statements, "recruiter", False, False, load_wording(), {c.id: c for c in chunks})


def test_a_recruiter_draft_heads_a_headingless_articles_points_with_its_title():
    """Points from an article without headings ("Paragraphs 3–5") never read as part of the
    section of another article above them; sources name no corpus file."""
    from bot.models import Chunk

    def chunk(chunk_id: str, title: str, publisher: str, section: str, text: str, url=None):
        return Chunk(chunk_id, f"{chunk_id}.txt", title, publisher, None, url, section,
                     "school", 0, text, ())

    headed = chunk("a", "School vs Clinic", "Aequor", "Key Differences", "Schedules differ.")
    plain = chunk("b", "OT in schools", "Flagstar", "Paragraphs 3–5", "Therapists travel.")
    text, citations = _draft_quoting(headed, plain)
    assert "**Key Differences**\n- Schedules differ [1]." in text
    assert "**OT in schools**\n- Therapists travel [2]." in text
    assert "[1] School vs Clinic — Aequor, section “Key Differences”" in text
    assert "[2] OT in schools — Flagstar\n" in text + "\n"  # no "section “Paragraphs 3–5”"
    assert "Paragraphs" not in text
    assert ".txt" not in text


def test_a_recruiter_draft_dates_its_sources_and_the_json_gives_each_quotes_date():
    """How current a quoted rule may be is the article's date: shown in the sources line and in
    each citation."""
    from dataclasses import replace

    from bot.models import Chunk

    dated = Chunk("a", "a.md", "The OT compact", "Kestrel", "2024-05-01", None, "Status",
                  "general", 0, "The compact is not yet issuing privileges.", ())
    undated = replace(dated, id="b", title="Travel OT", date=None, text="Contracts last 13 weeks.")
    text, citations = _draft_quoting(dated, undated)
    assert "[1] The OT compact — Kestrel, 2024-05-01, section “Status”" in text
    assert "[2] Travel OT — Kestrel, section “Status”" in text
    assert [c.date for c in citations] == ["2024-05-01", None]


def test_a_list_led_by_its_own_heading_is_not_headed_twice_in_a_draft():
    from bot.answer.rendering import render
    from bot.models import Chunk, Part, Source, Statement
    from bot.prompts import load_wording

    items = ("Groups are common.", "Rapport matters.", "Skills transfer.")
    text = "Key takeaways\n" + "\n".join(items)
    one = Chunk("k", "k.md", "Mental health OT", "Priya", None, None, "Key takeaways", "general",
                0, text, ())
    parts = tuple(
        Part(item, Source("k", item), context="Key takeaways: " if n == 0 else "")
        for n, item in enumerate(items)
    )
    shown, _ = render(
        (Statement(parts, "Key takeaways", "list"),), "recruiter", False, False, load_wording(),
        {"k": one},
    )
    assert "**Key takeaways**\n- Groups are common [1]\n- Rapport matters [2]" in shown
    assert shown.count("Key takeaways") == 2  # the heading and the source line, no lead-in


def test_a_quoted_question_keeps_its_question_mark_last():
    from bot.answer.rendering import render
    from bot.models import Chunk, Part, Source, Statement
    from bot.prompts import load_wording

    item = "Calendar: How many contract days are there?"
    one = Chunk("q", "q.md", "School OT", "Pub", None, None, "What to Ask", "school", 0,
                f"Ask this: {item}", ())
    statement = Statement((Part(item, Source("q", item), context="Ask this: "),), "What to Ask",
                          "list")
    shown, _ = render((statement,), "candidate", False, False, load_wording(), {"q": one})
    assert shown.endswith("Ask this: Calendar: How many contract days are there? [1]")


def test_an_answer_says_which_names_in_the_question_the_articles_never_mention():
    from bot.answer.rendering import render
    from bot.models import Chunk, Part, Source, Statement
    from bot.prompts import load_wording

    said = "Many new graduates start in acute care."
    one = Chunk("a", "a.md", "Acute care", "Pub", None, None, "First jobs", "clinical", 0, said, ())
    statement = Statement((Part(said, Source("a", said)),), "First jobs")
    wording = load_wording()
    shown, _ = render((statement,), "candidate", False, False, wording, {"a": one},
                      unmentioned=("Mayo Clinic",))
    assert shown.startswith("Our articles don't mention Mayo Clinic, but here's what they say")
    drafted, _ = render((statement,), "recruiter", False, False, wording, {"a": one},
                        unmentioned=("Mayo Clinic",))
    assert drafted.startswith(f"{wording.recruiter.note_for_recruiter}: our articles don't "
                              "mention Mayo Clinic")
    plain, _ = render((statement,), "candidate", False, False, wording, {"a": one})
    assert plain.startswith(wording.candidate.lead)


def test_a_closest_passage_for_a_recruiter_lists_each_article_once():
    from bot.answer.rendering import nearest
    from bot.models import Chunk, Part, Source, Statement
    from bot.prompts import load_wording

    text = "Therapists travel. They see many students."
    one = Chunk("b", "b.txt", "OT in schools", "Flagstar", None, None, "Paragraphs 3–5",
                "school", 0, text, ())
    statement = Statement(tuple(
        Part(s, Source("b", s)) for s in ("Therapists travel.", "They see many students.")
    ), one.section)
    shown, citations = nearest(statement, "recruiter", load_wording(), {"b": one})
    assert len(citations) == 2
    assert shown.endswith("Sources:\n[1, 2] OT in schools — Flagstar")


def test_a_short_reply_asked_for_in_the_message_trims_a_recruiters_list(seed_bot):
    """"..., need a quick reply" asks for the short length: a recruiter's draft then quotes the
    list item that answers, not the whole list (a standard draft quotes it whole)."""
    asked = "candidate asks if school OT jobs get summers off"
    standard = seed_bot.ask(asked, mode="recruiter")
    quick = seed_bot.ask(f"{asked}, need a quick reply", mode="recruiter")
    assert any("summers off" in c.quote for c in quick.citations)
    assert len(quick.citations) < len(standard.citations)
    assert seed_bot.ask(asked, mode="recruiter", detail="short").answer == quick.answer
