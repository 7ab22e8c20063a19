"""Reports for people: the evaluation and coverage reports as Markdown, and their charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.quality.evaluation import METRICS, SystemReport, below

_LABELS = {
    "recall_at_4": "Retrieval recall@4",
    "mrr": "Retrieval MRR",
    "citation_precision": "Citation precision",
    "citation_recall": "Citation recall",
    "correctness": "Answer correctness",
    "refusal_accuracy": "Refusal accuracy",
    "latency_p50_ms": "Latency p50 (ms)",
    "latency_p95_ms": "Latency p95 (ms)",
    "answer_words": "Answer length (median words)",
}


def eval_markdown(
    systems: list[SystemReport],
    failed: list[dict[str, Any]],
    thresholds: dict[str, float],
    questions: int,
    chart: Path | None = None,
) -> str:
    """The evaluation report: one table of every metric per system, then otbot's failures."""
    ours = systems[0]
    names = [s.name for s in systems]
    lines = [
        "# otbot evaluation",
        "",
        f"{questions} questions; systems: {', '.join(names)}. Metric definitions: README, 'Evaluation'.",
        "",
        "| Metric | " + " | ".join(names) + " | otbot vs best baseline | threshold |",
        "|---|" + "---|" * (len(names) + 2),
    ]
    for key, label in _LABELS.items():
        values = [s.metrics.get(key, 0.0) for s in systems]
        lower_is_better = key.startswith("latency") or key == "answer_words"
        cells = [
            f"{v:.1f}" if key.startswith(("latency", "answer")) else f"{v:.3f}" for v in values
        ]
        delta = ""
        if len(values) > 1:
            rival = min(values[1:]) if lower_is_better else max(values[1:])
            difference = values[0] - rival
            delta = (
                f"{difference:+.1f}"
                if key.startswith(("latency", "answer"))
                else f"{difference:+.3f}"
            )
        threshold = f"≥ {thresholds[key]:.2f}" if key in thresholds else ""
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {delta} | {threshold} |")
    missed = below(ours.metrics, thresholds)
    lines += [
        "",
        "**Thresholds:** "
        + (
            "all met."
            if not missed
            else "below: "
            + ", ".join(f"{_LABELS[k]} {v:.3f} < {t:.2f}" for k, (v, t) in missed.items())
        ),
    ]
    if chart is not None:
        lines += ["", f"![metrics per system]({chart})"]
    lines += ["", f"## otbot failures ({len(failed)})", ""]
    if not failed:
        lines.append("None.")
    for failure in failed:
        lines += [
            f"### {failure['id']}: {failure['question']}",
            "",
            f"- problems: {'; '.join(failure['problems'])}",
            f"- expected passage: {failure['expected_passage'] or '(out of scope: should refuse)'}",
            "- retrieved: " + " | ".join(t.replace("\n", " ")[:100] for t in failure["retrieved"]),
            "- answered: " + failure["answer"].replace("\n", " ")[:300],
            "",
        ]
    return "\n".join(lines)


def eval_chart(systems: list[SystemReport], path: Path) -> Path:
    """A grouped bar chart of the [0, 1] metrics per system, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width = 0.8 / len(systems)
    figure, axes = plt.subplots(figsize=(10, 4.5))
    for offset, system in enumerate(systems):
        xs = [i + offset * width for i in range(len(METRICS))]
        axes.bar(xs, [system.metrics[m] for m in METRICS], width, label=system.name)
    axes.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(METRICS))])
    axes.set_xticklabels([_LABELS[m] for m in METRICS], rotation=20, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("score")
    axes.set_title("otbot vs. baselines")
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
