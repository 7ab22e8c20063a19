"""Calibrate the refusal floor (OTBOT_RELEVANCE_FLOOR) on the labelled question set.

Every question is answered with the floor at 0, its evidence score recorded, and the floor that
best separates in-scope from out-of-scope questions (balanced accuracy; the middle of the widest
gap among equally good floors) is printed with the errors it leaves. Questions refused by the scope
policy (prompts/scope.toml) do not depend on the floor and are left out.

Usage: python scripts/calibrate.py [--questions evals/questions.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bot import build_bot  # noqa: E402
from bot.rewriting import Turn  # noqa: E402
from bot.settings import Settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "questions.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]

    scored: list[tuple[float, bool, str]] = []  # (relevance, in scope, id)
    with tempfile.TemporaryDirectory() as index_dir:
        bot = build_bot(Settings(corpus_dir=args.corpus, index_dir=Path(index_dir), relevance_floor=0.0))
        bot.ingest(show_progress=False)
        for item in items:
            history = [Turn(t["role"], t["content"]) for t in item.get("history", [])]
            evidence = bot.evidence(item["question"], history)
            if evidence.out_of_scope:
                continue
            scored.append((evidence.relevance, item["kind"] != "out_of_scope", item["id"]))

    values = sorted({score for score, _, _ in scored})
    cuts = [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)] + [1.0]
    inside = [s for s, ok, _ in scored if ok]
    outside = [s for s, ok, _ in scored if not ok]

    def balanced(cut: float) -> float:
        answered = sum(s >= cut for s in inside) / max(1, len(inside))
        refused = sum(s < cut for s in outside) / max(1, len(outside))
        return (answered + refused) / 2

    best_score = max(balanced(c) for c in cuts)
    best = [c for c in cuts if balanced(c) == best_score]
    floor = (best[0] + best[-1]) / 2
    print(f"{len(inside)} in-scope and {len(outside)} out-of-scope questions scored")
    print(f"best balanced accuracy {best_score:.3f} for floors {best[0]:.3f}..{best[-1]:.3f}")
    print(f"suggested relevance_floor = {floor:.3f}")
    for score, ok, name in sorted(scored):
        wrong = (ok and score < floor) or (not ok and score >= floor)
        if wrong:
            print(f"  {'refused in-scope' if ok else 'answered out-of-scope'}: {name} ({score:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
