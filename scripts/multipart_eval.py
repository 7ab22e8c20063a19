"""Messages that ask two or three things at once, scored part by part (a held-out set).

`evals/multipart/questions.jsonl` was written by a helper who read only the shipped and
evals/articles articles (not the code, not otbot's answers), after the split into parts was
built: 36 messages, 62 parts the articles answer and 14 they do not. A covered part is right
when the answer cites a passage holding its anchor and has its words; an uncovered part is
honest when the answer names it as not answered or the whole message is refused. Figures
only; nothing here is tuned on, and no threshold gates CI.

Usage: python scripts/multipart_eval.py [--root DIR]   (--root: another checkout's code, to
compare with an earlier commit, e.g. a `git worktree`)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the code to run (default: this)")
    args = parser.parse_args(argv)
    code = args.root.resolve()
    sys.path.insert(0, str(code))
    from bot.service import build_bot
    from bot.settings import Settings

    work = ROOT / ".tmp" / "multipart"
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    for folder in (ROOT / "corpus", ROOT / "evals" / "articles"):
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, corpus / path.name)
    index = work / f"index-{hashlib.sha256(str(code).encode()).hexdigest()[:10]}"
    bot = build_bot(Settings(corpus_dir=corpus, index_dir=index))
    bot.ingest(show_progress=False)

    counts = dict(messages=0, answered=0, covered=0, right=0, uncovered=0, named=0, refused=0)
    for line in (ROOT / "evals" / "multipart" / "questions.jsonl").read_text().splitlines():
        item = json.loads(line)
        counts["messages"] += 1
        answer = bot.ask(item["message"], [], item.get("mode", "candidate"))
        counts["answered"] += not answer.refused
        cited = "" if answer.refused else " ".join(
            f"{c.chunk} {c.quote}" for c in answer.citations
        ).lower()
        text = answer.answer.lower()
        marks = ""
        for part in item["parts"]:
            if part["covered"]:
                counts["covered"] += 1
                right = part["anchor"].lower() in cited and all(
                    w.lower() in text for w in part.get("words", [])
                )
                counts["right"] += right
                marks += "R" if right else "-"
            else:
                counts["uncovered"] += 1
                named = not answer.refused and part["text"].strip().rstrip("?.!").lower()[:25] in text
                counts["named"] += named
                counts["refused"] += answer.refused
                marks += "n" if named else "r" if answer.refused else "?"
        print(f"{item['id']} {marks:4} {item['message'][:90]}")
    c = counts
    print(
        f"\ncovered parts right & cited: {c['right']}/{c['covered']} ({c['right'] / c['covered']:.2f}); "
        f"uncovered parts named: {c['named']}, refused with the whole message: {c['refused']}, "
        f"neither: {c['uncovered'] - c['named'] - c['refused']}; messages answered: "
        f"{c['answered']}/{c['messages']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
