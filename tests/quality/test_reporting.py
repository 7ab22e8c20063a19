"""The evaluation report for people: the Markdown table, thresholds and failures, and the chart."""

from __future__ import annotations

from pathlib import Path

from bot.quality.evaluation import METRICS, SystemReport
from bot.quality.reporting import eval_chart, eval_markdown

PNG = b"\x89PNG\r\n\x1a\n"


def system(name: str, **metrics: float) -> SystemReport:
    values = dict.fromkeys(METRICS, 0.5) | {"latency_p50_ms": 30.0, "latency_p95_ms": 60.0}
    return SystemReport(name, values | metrics)


SYSTEMS = [
    system("otbot", recall_at_4=0.9, correctness=0.75, latency_p50_ms=30.0),
    system("langchain-plain", recall_at_4=0.7, correctness=0.4, latency_p50_ms=50.0),
    system("bm25", recall_at_4=0.8, correctness=0.45, latency_p50_ms=20.0),
]


def row(report: str, label: str) -> list[str]:
    line = next(line for line in report.splitlines() if line.startswith(f"| {label} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_one_table_row_per_metric_with_every_system_and_the_margin_over_the_best_baseline():
    report = eval_markdown(SYSTEMS, [], {}, questions=84)
    assert "84 questions; systems: otbot, langchain-plain, bm25." in report
    assert row(report, "Metric") == [
        "Metric",
        "otbot",
        "langchain-plain",
        "bm25",
        "otbot vs best baseline",
        "threshold",
    ]
    # Higher is better: compared with the best baseline (bm25's 0.8, not langchain's 0.7).
    assert row(report, "Retrieval recall@4") == [
        "Retrieval recall@4",
        "0.900",
        "0.700",
        "0.800",
        "+0.100",
        "",
    ]
    # Lower is better for latency: compared with the fastest baseline, in milliseconds.
    assert row(report, "Latency p50 (ms)") == [
        "Latency p50 (ms)",
        "30.0",
        "50.0",
        "20.0",
        "+10.0",
        "",
    ]
    for label in (
        "Retrieval MRR",
        "Citation precision",
        "Citation recall",
        "Answer correctness",
        "Refusal accuracy",
        "Latency p95 (ms)",
        "Answer length (median words)",
    ):
        assert len(row(report, label)) == 6, label


def test_a_system_alone_has_no_comparison():
    report = eval_markdown(SYSTEMS[:1], [], {}, questions=3)
    assert row(report, "Answer correctness") == ["Answer correctness", "0.750", "", ""]


def test_thresholds_are_shown_and_those_missed_are_named():
    met = eval_markdown(SYSTEMS, [], {"recall_at_4": 0.85}, questions=84)
    assert row(met, "Retrieval recall@4")[-1] == "≥ 0.85"
    assert "**Thresholds:** all met." in met

    missed = eval_markdown(SYSTEMS, [], {"recall_at_4": 0.85, "correctness": 0.8}, questions=84)
    verdict = next(line for line in missed.splitlines() if line.startswith("**Thresholds:**"))
    assert verdict == "**Thresholds:** below: Answer correctness 0.750 < 0.80"  # recall is met


def test_failures_are_listed_with_what_a_person_needs_to_see_why():
    failure = {
        "id": "summers-off",
        "question": "Do school OTs get summers off?",
        "problems": ["passage not retrieved in the first 4 chunks", "missing facts: summers off"],
        "expected_passage": "holidays and summers off",
        "retrieved": ["Line one\nline two " + "x" * 200, "Second chunk"],
        "answer": "School OTs follow\nthe calendar. " + "y" * 400,
    }
    out_of_scope = {
        **failure,
        "id": "salary",
        "question": "What is the salary?",
        "expected_passage": None,
        "problems": ["answered an out-of-scope question"],
    }
    report = eval_markdown(SYSTEMS, [failure, out_of_scope], {}, questions=84)
    assert "## otbot failures (2)" in report
    assert "### summers-off: Do school OTs get summers off?" in report
    assert (
        "- problems: passage not retrieved in the first 4 chunks; missing facts: summers off"
        in report
    )
    assert "- expected passage: holidays and summers off" in report
    assert "- expected passage: (out of scope: should refuse)" in report
    retrieved = next(line for line in report.splitlines() if line.startswith("- retrieved: "))
    first, second = retrieved.removeprefix("- retrieved: ").split(" | ")
    assert first.startswith("Line one line two x") and len(first) == 100
    assert second == "Second chunk"
    answered = next(line for line in report.splitlines() if line.startswith("- answered: "))
    assert "\n" not in answered and len(answered.removeprefix("- answered: ")) == 300


def test_no_failures_says_so_and_a_chart_is_linked_only_when_drawn(tmp_path: Path):
    plain = eval_markdown(SYSTEMS, [], {}, questions=84)
    assert "## otbot failures (0)\n\nNone." in plain and "![" not in plain
    chart = tmp_path / "chart.png"
    linked = eval_markdown(SYSTEMS, [], {}, questions=84, chart=chart)
    assert f"![metrics per system]({chart})" in linked


def test_the_chart_is_a_png_in_a_new_folder_and_shows_the_figures(tmp_path: Path):
    path = eval_chart(SYSTEMS, tmp_path / "charts" / "eval.png")
    assert path == tmp_path / "charts" / "eval.png"
    image = path.read_bytes()
    assert image[:8] == PNG
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert width > height > 100  # a wide chart of bars
    again = eval_chart(SYSTEMS, tmp_path / "again.png").read_bytes()
    better = [system("otbot", **dict.fromkeys(METRICS, 1.0)), *SYSTEMS[1:]]
    changed = eval_chart(better, tmp_path / "better.png").read_bytes()
    assert again == image  # drawn from the figures alone
    assert changed != image
