"""Score otbot on the question sets of evals/sets.toml: dev failures in full, other rows as figures.

For working on answers: tune on what this prints for dev; test and external rows are only reported.
Usage: python scripts/devset.py [--sets evals/sets.toml] [--no-external] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.quality.evalsets import load_sets, markdown, run_sets  # noqa: E402
from bot.service import Bot, build_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, default=ROOT / "evals" / "sets.toml")
    parser.add_argument("--work", type=Path, default=ROOT / ".tmp" / "devset")
    parser.add_argument("--no-external", action="store_true")
    parser.add_argument("--json", type=Path, help="write every dev outcome as JSON lines")
    args = parser.parse_args()
    sets = [s for s in load_sets(args.sets) if not (args.no_external and s.external)]
    bots: list[Bot] = []

    def make_bot(corpus: Path, index: Path) -> Bot:
        """One bot per corpus, all sharing the first one's loaded model."""
        shared = bots[0].embedder if bots else None
        bots.append(build_bot(Settings(corpus_dir=corpus, index_dir=index), shared))
        return bots[-1]

    report = run_sets(sets, make_bot, args.work, typos=2, log=lambda m: print(m, file=sys.stderr))
    print(markdown(report, {}))
    if args.json:
        with args.json.open("w") as out:
            for o in report.outcomes.get("dev", []):
                out.write(json.dumps({"id": o.question.id, "q": o.question.question,
                                      "right": o.right, "why": o.why, "answer": o.answer}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
