import json
from pathlib import Path

import pytest

from bot.models import Answer, Citation
from bot.quality.evalsets import (
    EvalSet,
    SetQuestion,
    below_thresholds,
    judge,
    load_questions,
    load_sets,
    markdown,
    run_sets,
    split_of,
    with_typos,
)


def _answer(text: str, refused: bool = False, chunk: str = "", quote: str = "") -> Answer:
    citations = (Citation(1, "T", "P", "a.txt", "S", quote, chunk, 0.9),) if chunk else ()
    return Answer("q", text, refused, citations, {})


def test_golden_lines_are_read_in_the_shared_schema(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        json.dumps(
            {"id": "a", "question": "Q?", "kind": "in_scope", "passage": "p", "facts": ["x", "y"]}
        )
        + "\n"
        + json.dumps({"id": "b", "question": "R?", "kind": "out_of_scope"})
        + "\n"
    )
    first, second = load_questions(path)
    assert (first.kind, first.anchor, first.require) == ("in", "p", [["x"], ["y"]])
    assert second.kind == "out" and not second.in_scope


def test_judge_needs_the_anchor_cited_and_the_required_words():
    q = SetQuestion(id="x", kind="in", question="Q", anchor="summers off", require=[["summer"]])
    chunk = "A schedule with holidays and summers off."
    assert judge(q, _answer("Yes, summers off [1].", chunk=chunk, quote=chunk)).right
    wrong_passage = judge(q, _answer("Yes, summers [1].", chunk="Other text.", quote="Other text."))
    assert not wrong_passage.right and not wrong_passage.anchor_cited
    dangling = judge(q, _answer("Yes, summers off [2].", chunk=chunk, quote=chunk))
    assert not dangling.right
    assert not judge(q, _answer("No answer.", refused=True)).right
    # A refusal showing the answering passage as the closest one neither answers nor cites it.
    near = judge(q, _answer("Closest: summers off [1].", refused=True, chunk=chunk, quote=chunk))
    assert not near.right and not near.anchor_cited
    out = SetQuestion(id="o", kind="out", question="Pay in Texas?")
    assert judge(out, _answer("Sorry.", refused=True)).right
    assert not judge(out, _answer("It is $90k.")).right


def test_typos_are_seeded_and_keep_short_words():
    text = "Do school therapists get summers off?"
    once, again = with_typos(text, 2, "id-1"), with_typos(text, 2, "id-1")
    assert once == again and once != text
    assert once.startswith("Do ") and once.split()[0] == "Do"


def test_split_is_stable_and_roughly_half():
    splits = [split_of(f"q{i}") for i in range(400)]
    assert splits == [split_of(f"q{i}") for i in range(400)]
    assert 0.4 < splits.count("test") / 400 < 0.6


def test_the_shipped_sets_have_splits_and_verbatim_anchors():
    root = Path(__file__).resolve().parents[2]
    sets = [s for s in load_sets(root / "evals" / "sets.toml") if not s.external]
    questions = [q for s in sets for q in s.load()]
    assert len(questions) >= 250
    assert {q.split for q in questions} == {"dev", "test"}
    assert all(q.anchor for q in questions if q.in_scope)


def test_the_relevance_labels_name_shipped_questions_and_keep_their_split():
    root = Path(__file__).resolve().parents[2]
    sets = [s for s in load_sets(root / "evals" / "sets.toml") if not s.external]
    split = {q.id: q.split for s in sets for q in s.load()}
    lines = (root / "evals" / "relevance" / "labels.jsonl").read_text(encoding="utf-8")
    items = [json.loads(line) for line in lines.splitlines()]
    assert len(items) >= 300 and {i["split"] for i in items} == {"dev", "test"}
    for item in items:
        assert split[item["id"]] == item["split"]  # a test question's labels stay test
        assert 1 <= len(item["passages"]) <= 4
        assert all(p["label"] in (0, 1, 2) and p["text"] for p in item["passages"])
    lines = (root / "evals" / "relevance" / "closest.jsonl").read_text(encoding="utf-8")
    for item in map(json.loads, lines.splitlines()):
        assert split[item["id"]] == item["split"] and item["label"] in (0, 1, 2)


def test_run_sets_reports_dev_test_and_typos(seed_bot, tmp_path: Path):
    questions = tmp_path / "q.jsonl"
    lines = [
        {"id": "d1", "kind": "in", "question": "Do school OTs get summers off?",
         "anchor": "summers off", "require": [["summer"]], "split": "dev"},
        {"id": "t1", "kind": "in", "question": "What ages do school-based OTs work with?",
         "anchor": "3–21", "require": [["3–21"]], "split": "test"},
        {"id": "t2", "kind": "out", "question": "What is the average OT salary in Ohio?",
         "split": "test"},
    ]
    questions.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    eval_set = EvalSet("mini", questions, (seed_bot.settings.corpus_dir,))

    report = run_sets([eval_set], lambda corpus, index: seed_bot, tmp_path / "work")
    assert [r.name for r in report.rows] == ["dev", "test", "test + 2 typos"]
    test = report.row("test")
    assert test is not None and (test.n_in, test.n_out) == (1, 1)
    assert report.row("dev").in_right == 1.0
    assert test.out_refused == 1.0
    assert below_thresholds(report, {"out_refused": 0.95}) == {}
    assert "out_refused" not in below_thresholds(report, {"in_right": 1.01})
    # Each own set's splits apart, in the report and its JSON.
    assert {r.name: (r.n_in, r.n_out) for r in report.by_set} == {
        "mini dev": (1, 0), "mini test": (1, 1)
    }
    assert "| mini test |" in markdown(report, {})
    # How far each rate could move on other questions like these: nothing over one question.
    assert "test in-scope 1.00 ± 0.00" in markdown(report, {})
    assert [r["name"] for r in report.to_json({})["by_set"]] == ["mini dev", "mini test"]
    assert report.row("dev, sets with a test split") is None  # every dev question's set has test


def test_the_gap_is_measured_on_sets_with_both_splits(seed_bot, tmp_path: Path):
    both, dev_only = tmp_path / "both.jsonl", tmp_path / "dev.jsonl"
    test_only = tmp_path / "test.jsonl"
    test_only.write_text(
        json.dumps({"id": "x1", "kind": "in", "question": "Do clinics run year-round?",
                    "anchor": "Year-round", "split": "test"}) + "\n"
    )
    both.write_text(
        json.dumps({"id": "d1", "kind": "in", "question": "Do school OTs get summers off?",
                    "anchor": "summers off", "split": "dev"}) + "\n"
        + json.dumps({"id": "t1", "kind": "in", "question": "What is a school OT's favourite colour?",
                      "anchor": "colour", "split": "test"}) + "\n"
    )
    dev_only.write_text(
        json.dumps({"id": "g1", "kind": "in", "question": "What ages do school-based OTs work with?",
                    "anchor": "3–21", "split": "dev"}, ensure_ascii=False) + "\n"
    )
    corpus = (seed_bot.settings.corpus_dir,)
    report = run_sets(
        [
            EvalSet("both", both, corpus),
            EvalSet("golden", dev_only, corpus, split="dev"),
            EvalSet("casual", test_only, corpus, split="test"),
        ],
        lambda corpus, index: seed_bot, tmp_path / "work", typos=0,
    )
    matched = report.row("dev, sets with a test split")
    assert matched is not None and matched.n_in == 1 and report.row("dev").n_in == 2
    matched_test = report.row("test, sets with a dev split")
    assert matched_test is not None and matched_test.n_in == 1 and report.row("test").n_in == 2
    assert report.gap == abs(matched.in_right - matched_test.in_right)
    assert report.gap_all == abs(report.row("dev").in_right - report.row("test").in_right)


def test_a_rates_interval_narrows_with_more_questions():
    from bot.quality.evalsets import _margin

    assert _margin(0.5, 100) == pytest.approx(1.96 * 0.05)
    assert _margin(0.67, 417) == pytest.approx(0.045, abs=0.001)
    assert _margin(0.67, 4170) < _margin(0.67, 417)
    assert _margin(1.0, 10) == 0.0
    assert _margin(0.5, 0) != _margin(0.5, 0)  # no questions: no figure (shown as —)
