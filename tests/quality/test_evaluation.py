import json
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.quality.evaluation import EvalItem, Record, load_items, score, statements
from tests.conftest import ROOT

ITEMS = [
    EvalItem(
        id="a",
        question="Do school OTs get summers off?",
        kind="in_scope",
        source="x.txt",
        passage="summers off",
        facts=["summers off"],
    ),
    EvalItem(id="b", question="What is the salary?", kind="out_of_scope"),
]
ARTICLES = {"x.txt": "School OTs often get summers off. Clinics run year-round."}


def test_golden_set_is_valid_and_large_enough():
    items = load_items(ROOT / "evals" / "questions.jsonl")
    in_scope = [i for i in items if i.in_scope]
    assert len(in_scope) >= 60 and len(items) - len(in_scope) >= 20
    assert {"comparison", "followup"} <= {i.kind for i in items}
    for item in in_scope:
        text = (ROOT / "corpus" / item.source).read_text(encoding="utf-8")
        assert item.passage in text, item.id
    assert len({i.id for i in items}) == len(items)


def test_bad_golden_line_names_its_number(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "q", "kind": "in_scope"}\n{"id": "b"}\n')
    with pytest.raises(ValueError, match=r"q.jsonl:2"):
        load_items(path)


def test_statements_skip_headings_and_sources():
    answer = "Key points:\n- A is true [1]\n- B holds. C too [2]\n\nSources:\n[1] Title — P"
    assert statements(answer) == ["A is true [1]", "B holds.", "C too [2]"]
    grouped = answer.replace("[1] Title — P", "[1, 2] Title — P")  # one line per section
    assert statements(grouped) == ["A is true [1]", "B holds.", "C too [2]"]
    drafted = "**What It’s Like to Work as a School-Based OT**\n" + answer  # a draft's heading
    assert statements(drafted) == ["A is true [1]", "B holds.", "C too [2]"]


def test_a_line_the_answerer_fills_in_is_no_claim():
    from bot.prompts import load_wording
    from bot.quality.evaluation import _strip_templates, template_lines

    wording = load_wording()
    line = wording.refusal.part_candidate.format(parts="“what do OTs wear”")
    answer = f"A is true [1].\n\n{line} {wording.refusal.handoff}"
    assert statements(_strip_templates(answer, template_lines(wording))) == ["A is true [1]."]


def test_scores_of_a_perfect_and_a_careless_system():
    perfect = [
        Record(
            "a",
            ["School OTs often get summers off."],
            "School OTs often get summers off [1].",
            False,
            {1: ("School OTs often get summers off.", "x.txt")},
            10.0,
        ),
        Record("b", [], "Sorry, not covered.", True, {}, 5.0),
    ]
    metrics = score(perfect, ITEMS, ARTICLES, ["Sorry, not covered."])
    assert metrics["recall_at_4"] == metrics["mrr"] == 1.0
    assert metrics["citation_precision"] == metrics["citation_recall"] == 1.0
    assert metrics["correctness"] == metrics["refusal_accuracy"] == 1.0

    careless = [
        Record(
            "a",
            ["Clinics run year-round.", "School OTs often get summers off."],
            "Clinics pay well [1]. Summers are long.",
            False,
            {1: ("Invented quote about pay.", "x.txt")},
            10.0,
        ),
        Record(
            "b",
            ["Clinics run year-round."],
            "Salaries are high [1].",
            False,
            {1: ("Clinics run year-round.", "x.txt")},
            5.0,
        ),
    ]
    metrics = score(careless, ITEMS, ARTICLES, [])
    assert metrics["recall_at_4"] == 1.0 and metrics["mrr"] == 0.5
    assert metrics["citation_precision"] == 0.0
    assert metrics["citation_recall"] == 0.0
    assert metrics["correctness"] == 0.0
    assert metrics["refusal_accuracy"] == 0.5


def small_golden_set(tmp_path: Path) -> Path:
    lines = (ROOT / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [
        line
        for line in lines
        if json.loads(line)["id"] in {"summers-off", "iep-meaning", "salary", "weather"}
    ]
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(chosen), encoding="utf-8")
    return path


def test_eval_cli_json_and_threshold_exit(seed_bot, tmp_path: Path, capsys):
    questions = small_golden_set(tmp_path)
    common = [
        "eval",
        "--no-sets",
        "--corpus",
        str(seed_bot.settings.corpus_dir),
        "--index",
        str(tmp_path / "ix"),
        "--questions",
        str(questions),
        "--chart",
        str(tmp_path / "chart.png"),
    ]
    assert main([*common, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["systems"]) == {"otbot", "langchain-plain", "bm25"}
    for metrics in report["systems"].values():
        assert {
            "recall_at_4",
            "mrr",
            "citation_precision",
            "citation_recall",
            "correctness",
            "refusal_accuracy",
            "latency_p50_ms",
            "latency_p95_ms",
        } <= set(metrics)
    assert report["systems"]["otbot"]["refusal_accuracy"] == 1.0
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    strict = tmp_path / "strict.toml"
    strict.write_text("[otbot]\ncorrectness = 1.01\n")
    assert main([*common, "--no-baselines", "--thresholds", str(strict)]) == 1
    captured = capsys.readouterr()
    assert "| Answer correctness |" in captured.out
    assert "correctness" in captured.err and "below its threshold" in captured.err
