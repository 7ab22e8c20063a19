"""What the app remembers: thumbs up/down on answers and the questions it could not answer.

Stored in SQLite under the data directory, append-only, and never with anything that identifies
the person (no names, addresses, sessions or timestamps finer than the day).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    liked INTEGER NOT NULL,
    mode TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    citations TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refused (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    question TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Feedback:
    """One thumbs up or down, with what was asked and answered."""

    liked: bool
    mode: str
    question: str
    answer: str
    refused: bool
    citations: list[dict[str, Any]]
    day: str


class FeedbackStore:
    """Append-only SQLite file `feedback.sqlite3` in the data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record_feedback(self, answer: dict[str, Any], liked: bool) -> None:
        """Store a rating of an answer (its JSON form, as the CLI prints it)."""
        row = (
            date.today().isoformat(),
            int(liked),
            str(answer.get("mode", "candidate")),
            str(answer["question"]),
            str(answer["answer"]),
            int(bool(answer.get("refused"))),
            json.dumps(
                [
                    {k: c.get(k) for k in ("n", "title", "source", "section", "quote")}
                    for c in answer.get("citations", [])
                ],
                ensure_ascii=False,
            ),
        )
        with self._lock, closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO feedback (day, liked, mode, question, answer, refused, citations)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def record_refusal(self, question: str) -> None:
        """Remember a question the articles could not answer, for the coverage report."""
        with self._lock, closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO refused (day, question) VALUES (?, ?)",
                (date.today().isoformat(), question),
            )

    def feedback(self) -> list[Feedback]:
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT liked, mode, question, answer, refused, citations, day FROM feedback ORDER BY id"
            ).fetchall()
        return [
            Feedback(bool(liked), mode, question, answer, bool(refused), json.loads(citations), day)
            for liked, mode, question, answer, refused, citations, day in rows
        ]

    def refused_questions(self) -> list[str]:
        with closing(self._connect()) as db:
            return [q for (q,) in db.execute("SELECT question FROM refused ORDER BY id")]
