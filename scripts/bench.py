"""Speed of the offline answerer, warm, over the question set: prints median and p95 per stage.

Usage: python scripts/bench.py [--rounds 5] [--questions evals/questions.jsonl]
Builds a fresh index of corpus/ in a temporary folder, so it measures a clean install.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answer.rewriting import history_from  # noqa: E402
from bot.service import build_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]

    with tempfile.TemporaryDirectory() as index_dir:
        started = time.perf_counter()
        bot = build_bot(Settings(corpus_dir=args.corpus, index_dir=Path(index_dir)))
        report = bot.ingest(show_progress=False)
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        bot.warm_up()  # loads the model and the index into memory
        warm_s = time.perf_counter() - started

        stages: dict[str, list[float]] = {"retrieve": [], "answer": [], "total": []}
        wall: list[float] = []
        for _ in range(args.rounds):
            for item in items:
                history = history_from(item.get("history"))
                bot.clear_caches()  # every question pays for its own embedding
                began = time.perf_counter()
                answer = bot.ask(item["question"], history, item.get("mode", "candidate"))
                wall.append((time.perf_counter() - began) * 1000)
                for stage in stages:
                    stages[stage].append(answer.timings_ms[stage])

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {report.articles} articles, {report.chunks} chunks; ingest {ingest_s:.2f} s")
    print(f"first answer (loads index): {warm_s * 1000:.0f} ms")
    print(f"{len(items)} questions x {args.rounds} rounds, warm, ms:")
    print(f"  {'stage':10} {'median':>8} {'p95':>8} {'max':>8}")
    for stage, values in [*stages.items(), ("wall", wall)]:
        print(
            f"  {stage:10} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
            f"{max(values):8.1f}"
        )
    print(f"peak memory: {rss_mb:.0f} MB")
    median, p95 = statistics.median(wall), percentile(wall, 0.95)
    print(f"target: median < 50 ms, p95 < 150 ms -> {'met' if median < 50 and p95 < 150 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
