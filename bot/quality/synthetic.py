"""Seeded, varied generated articles about OT work, for scale and reliability runs.

Not evaluation material: the text is grammatical but made up. It gives chunks and sentences that
differ from each other, so ingest, the index and retrieval do real work at any size.
"""

from __future__ import annotations

import random
from pathlib import Path

_WHO = ["School OTs", "Hand therapists", "Travel OTs", "Home health OTs", "New graduates",
        "COTAs", "Mental health OTs", "Early intervention providers", "Rehab managers"]
_VERBS = ["support", "document", "plan", "review", "adapt", "coordinate", "measure", "explain",
          "schedule", "evaluate"]
_WHAT = ["handwriting goals", "splints", "caseloads", "home safety", "IEP minutes",
         "discharge plans", "sensory breaks", "licensure steps", "fieldwork hours",
         "productivity targets", "transition plans", "adaptive equipment", "orientation weeks"]
_WHERE = ["in schools", "in clinics", "at home visits", "in skilled nursing", "on contracts",
          "in outpatient hand clinics", "in psychiatric units", "in early intervention"]
_UNITS = ["minutes", "students", "patients", "weeks", "visits", "hours"]


def article_text(rng: random.Random, number: int, words: int) -> str:
    """One Markdown article of about `words` words, with sections, paragraphs and a list."""
    lines = [f"# Article {number}: {rng.choice(_WHAT)} {rng.choice(_WHERE)}", ""]
    written, part = 0, 0
    while written < words:
        lines += [f"## Part {part}: {rng.choice(_WHAT)}", ""]
        sentences = [
            f"{rng.choice(_WHO)} {rng.choice(_VERBS)} {rng.choice(_WHAT)} {rng.choice(_WHERE)}"
            f" for {rng.randint(2, 90)} {rng.choice(_UNITS)}."
            for _ in range(rng.randint(4, 7))
        ]
        lines += [" ".join(sentences), ""]
        if part % 3 == 2:
            lines += [f"Common {rng.choice(_WHAT)} include:", ""]
            lines += [f"- {rng.choice(_WHAT).capitalize()} {rng.choice(_WHERE)}" for _ in range(4)]
            lines.append("")
        written += sum(len(s.split()) for s in sentences) + 8
        part += 1
    return "\n".join(lines)


def write_articles(folder: Path, count: int, words: int = 400, seed: int = 7) -> list[Path]:
    """`count` generated articles of about `words` words each in `folder` (seeded)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"article_{number:04d}.md"
        path.write_text(article_text(rng, number, words), encoding="utf-8")
        paths.append(path)
    return paths
