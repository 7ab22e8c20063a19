"""The typed values passed between stages, and the answer JSON contract (`otbot ask --json`,
`POST /api/ask`)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bot.models import Answer, Article, Chunk, Citation, Part, Sentence, Source, Statement, web_url

CITATION_KEYS = [
    "n", "title", "publisher", "source", "section", "quote", "chunk", "score", "url", "date"
]
ANSWER_KEYS = [
    "id",
    "question",
    "answer",
    "refused",
    "citations",
    "timings_ms",
    "mode",
    "standalone_question",
    "uncovered",
    "offers_recruiter",
]


def make_citation(n: int = 1, score: float = 0.87654321, url: str | None = None) -> Citation:
    return Citation(
        n,
        "School vs Clinic",
        "Aequor",
        "000.txt",
        "Advantages",
        "Summers off.",
        "Advantages: Summers off.",
        score,
        url,
    )


def test_answer_json_contract(seed_bot):
    data = seed_bot.ask("What does IEP mean?", request_id="q1").to_json()
    assert list(data)[:7] == [
        "id",
        "question",
        "answer",
        "refused",
        "citations",
        "timings_ms",
        "mode",
    ]
    assert data["id"] == "q1" and data["refused"] is False
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}
    citation = data["citations"][0]
    for key, kind in (
        ("n", int),
        ("title", str),
        ("publisher", str),
        ("source", str),
        ("section", str),
        ("quote", str),
        ("chunk", str),
        ("score", float),
    ):
        assert isinstance(citation[key], kind), key
    assert citation["quote"] in citation["chunk"]


def test_the_json_has_every_key_in_the_documented_order_with_rounded_numbers():
    answer = Answer(
        "Summers?",
        "Yes [1] [2].",
        False,
        (make_citation(1, url="https://example.org/a"), make_citation(2, 0.5)),
        {"retrieve": 12.345678, "answer": 3.0, "total": 15.349},
        mode="recruiter",
        standalone_question="Do school OTs get summers off?",
        id=7,
    )
    data = answer.to_json()
    assert list(data) == ANSWER_KEYS  # the extra keys (mode ... offers_recruiter) last
    assert data["uncovered"] == []  # a message that asked one thing
    assert [list(c) for c in data["citations"]] == [CITATION_KEYS, CITATION_KEYS]
    first, second = data["citations"]
    assert first["score"] == 0.8765 and first["url"] == "https://example.org/a"
    assert second["url"] is None and [c["n"] for c in data["citations"]] == [1, 2]
    assert data["timings_ms"] == {"retrieve": 12.35, "answer": 3.0, "total": 15.35}
    assert (data["id"], data["mode"], data["standalone_question"]) == (
        7,
        "recruiter",
        "Do school OTs get summers off?",
    )


def test_the_json_is_plain_json_and_a_refusal_has_no_citations():
    refusal = Answer("Pay in Ohio?", "A recruiter can help.", True, (), {"total": 1.0})
    data = refusal.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["citations"] == [] and data["refused"] is True
    assert data["id"] is None and data["mode"] == "candidate" and data["standalone_question"] == ""


def test_the_embedding_model_reads_a_chunk_with_its_title_and_section():
    chunk = Chunk(
        "c1",
        "a.md",
        "Travel OT",
        "P",
        None,
        None,
        "Contracts",
        "clinical",
        0,
        "Contracts last 13 weeks.",
        (Sentence("Contracts last 13 weeks.", "sentence", "clinical"),),
    )
    assert chunk.embedding_text == "Travel OT\nContracts\nContracts last 13 weeks."


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (make_citation(), "quote"),
        (Answer("q", "a", False, (), {}), "answer"),
        (Sentence("x y z", "sentence", "school"), "setting"),
        (Statement((Part("x", Source("c", "x")),)), "layout"),
        (Article("a.md", "T", "P", None, None, (), ()), "title"),
    ],
)
def test_values_passed_between_stages_cannot_be_changed(value, field):
    """Answers and chunks are shared by concurrent requests and caches: nobody may edit one."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, "changed")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("HTTPS://Example.org/jobs", "HTTPS://Example.org/jobs"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ('https://example.org/"><script>', "https://example.org/%22%3E%3Cscript%3E"),
        ("https://example.org/a%20b?x=1&y=2#top", "https://example.org/a%20b?x=1&y=2#top"),
        ("ftp://example.org/file", None),
        ("https://", None),
        ("example.org/jobs", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_only_web_addresses_are_links(value, expected):
    assert web_url(value) == expected


def test_a_citations_heading_is_its_section_only_when_the_article_names_it():
    cited = make_citation()
    assert dataclasses.replace(cited, section="Advantages").heading == "Advantages"
    for ours in ("Paragraphs 6–9", "Paragraph 3", "Introduction"):
        assert dataclasses.replace(cited, section=ours).heading == ""
