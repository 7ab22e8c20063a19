import sqlite3
from pathlib import Path

from bot.app.feedback import FeedbackStore


def test_feedback_and_refusals_are_appended_without_personal_data(tmp_path: Path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    answer = {
        "question": "Do school OTs get summers off?",
        "answer": "Often, yes [1].",
        "refused": False,
        "mode": "candidate",
        "citations": [
            {"n": 1, "title": "T", "source": "a.txt", "section": "S", "quote": "Q", "chunk": "long"}
        ],
    }
    store.record_feedback(answer, liked=True)
    store.record_feedback(answer, liked=False)
    store.record_refusal("What is the salary?")
    rows = store.feedback()
    assert [r.liked for r in rows] == [True, False]
    assert rows[0].citations == [
        {"n": 1, "title": "T", "source": "a.txt", "section": "S", "quote": "Q"}
    ]
    assert store.refused_questions() == ["What is the salary?"]
    with sqlite3.connect(tmp_path / "fb.sqlite3") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
    assert columns == {"id", "day", "liked", "mode", "question", "answer", "refused", "citations"}
