"""How much of an answer answers: passages quoted that a reader judged useless (a held-out
measurement of padding, which `otbot eval` cannot see: it checks only that the answering
passage is cited, so it rewards quoting more).

`evals/relevance/labels.jsonl` holds 373 answered in-scope questions of the dev and test splits
(evals/sets.toml) with the four passages otbot ranked first for each on 2026-11-27. Helpers who
saw only the question and the passages, in shuffled order, not the code or otbot's answers,
labelled each: 2 answers the question (in whole or in part), 1 related background, 0 no use
for this question. Each question is asked again here as a candidate would (or, `--mode
recruiter`, as a recruiter drafting a reply); every passage the
answer quotes is looked up in its labels. Reported per split: answers with a passage labelled 2,
answers quoting a passage labelled 0 ("padded"), such passages per answer, the answer's words,
and the share of quoted passages not among the labelled ones (when the ranking has changed
since, the figures cover less). Figures only; no threshold gates CI.

Usage: python scripts/padding_eval.py [--root DIR] [--mode recruiter]   (--root: another checkout's code)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "evals" / "relevance" / "labels.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the code to run (default: this)")
    parser.add_argument("--mode", choices=("candidate", "recruiter"), default="candidate",
                        help="whom the answers are for (default candidate)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    from bot.quality.evalsets import load_sets, materialise
    from bot.service import build_bot
    from bot.settings import Settings

    labelled = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        labelled[item["id"]] = item
    work = ROOT / ".tmp" / "padding"
    bots: dict[tuple[Path, ...], object] = {}
    shared = None
    figures: dict[str, dict[str, list[float]]] = {}
    for found in load_sets(ROOT / "evals" / "sets.toml"):
        if found.external:
            continue
        for question in found.load():
            item = labelled.get(question.id)
            if item is None:
                continue
            if found.corpus not in bots:
                folder = materialise(found.corpus, work)
                bot = build_bot(Settings(corpus_dir=folder, index_dir=folder.parent / "index"),
                                shared.embedder if shared else None)
                bot.ingest(show_progress=False)
                bots[found.corpus] = bot
                shared = shared or bot
            answer = bots[found.corpus].ask(question.question, question.turns(), args.mode)
            if answer.refused:
                continue
            labels: dict[str, int] = {}  # passage text -> label, for the passages quoted
            unknown = 0
            for citation in answer.citations:
                holding = [p for p in item["passages"] if citation.quote in p["text"]]
                if holding:
                    for passage in holding:
                        labels[passage["text"]] = passage["label"]
                else:
                    unknown += 1
            row = figures.setdefault(item["split"], {k: [] for k in (
                "answers", "has_answer", "padded", "useless", "words", "unknown")})
            row["answers"].append(1)
            row["has_answer"].append(float(2 in labels.values()))
            row["padded"].append(float(0 in labels.values()))
            row["useless"].append(float(sum(v == 0 for v in labels.values())))
            row["words"].append(float(len(answer.answer.split())))
            row["unknown"].append(unknown / max(1, len(answer.citations)))
    print("| split | answered | with a passage that answers | padded (a useless passage) "
          "| useless passages per answer | median words | citations unlabelled |")
    print("|---|---|---|---|---|---|---|")
    for split in ("dev", "test"):
        row = figures.get(split)
        if not row:
            continue
        mean = {k: sum(v) / len(v) for k, v in row.items()}
        print(f"| {split} | {len(row['answers'])} | {mean['has_answer']:.3f} | {mean['padded']:.3f} "
              f"| {mean['useless']:.2f} | {statistics.median(row['words']):.0f} "
              f"| {mean['unknown']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
