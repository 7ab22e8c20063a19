"""The content team's article management through `Bot`: add, replace, delete, duplicates refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.ingest.loading import ArticleError
from bot.service import Bot
from bot.settings import Settings
from tests.conftest import SEED_SCHOOLS, SHIPPED_CORPUS

HAND = """---
title: Hand therapy as an OT specialty
publisher: Example Staffing
---
# Hand therapy

Certified hand therapists treat injuries of the hand, wrist and elbow after surgery or trauma.
Most hand therapy happens in outpatient orthopedic clinics.
"""


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """The shipped corpus and its index, made once; each test works on a copy of both."""
    root = tmp_path_factory.mktemp("indexed")
    shutil.copytree(SHIPPED_CORPUS, root / "corpus")
    Bot(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), embedder).ingest(
        show_progress=False
    )
    return root


@pytest.fixture
def bot(indexed: Path, tmp_path: Path, embedder) -> Bot:
    shutil.copytree(indexed, tmp_path / "copy")
    root = tmp_path / "copy"
    return Bot(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), embedder)


def _sources(bot: Bot) -> list[str]:
    return [a["source"] for a in bot.articles()]


def test_duplicate_content_under_another_name_is_refused(bot: Bot):
    bot.add_article("hand.md", HAND.encode())
    # The same article again: another name, other spacing and case in the body.
    again = HAND.replace("Most hand therapy", "most   hand therapy").encode()
    with pytest.raises(ArticleError, match="same text as hand.md"):
        bot.add_article("hand-copy.md", again)
    assert "hand-copy.md" not in _sources(bot)
    assert not (bot.settings.corpus_dir / "hand-copy.md").exists()
    # A seed article re-uploaded as another file is caught too, whatever its format.
    seed = (bot.settings.corpus_dir / SEED_SCHOOLS).read_bytes()
    with pytest.raises(ArticleError, match=SEED_SCHOOLS):
        bot.add_article("copy-of-schools.txt", seed)
    # Uploading the same file under its own name is an update, not a duplicate.
    bot.add_article("hand.md", HAND.encode())


def test_replace_keeps_the_name_and_changes_the_answers(bot: Bot):
    bot.add_article("hand.md", HAND.encode())
    changed = HAND.replace("outpatient orthopedic clinics", "hospital hand clinics")
    report = bot.replace_article("hand.md", "new-version.md", changed.encode())
    assert report.added >= 1 and report.removed >= 1
    assert "hand.md" in _sources(bot) and "new-version.md" not in _sources(bot)
    answer = bot.ask("Where does most hand therapy happen?")
    assert any("hospital hand clinics" in c.quote for c in answer.citations)
    assert not any("orthopedic" in c.quote for c in answer.citations)
    # Another format keeps the article's name with the new extension.
    bot.replace_article("hand.md", "hand.txt", b"Hand therapy\n\nHand therapists work in clinics.\n")
    assert "hand.txt" in _sources(bot) and "hand.md" not in _sources(bot)


def test_a_bad_replacement_changes_nothing(bot: Bot):
    bot.add_article("hand.md", HAND.encode())
    with pytest.raises(ArticleError):
        bot.replace_article("hand.md", "hand.md", b"\x00\x01binary")
    assert (bot.settings.corpus_dir / "hand.md").read_text(encoding="utf-8") == HAND
    with pytest.raises(ArticleError, match="same text as"):
        seed = (bot.settings.corpus_dir / SEED_SCHOOLS).read_bytes()
        bot.replace_article("hand.md", "hand.txt", seed)
    assert (bot.settings.corpus_dir / "hand.md").read_text(encoding="utf-8") == HAND


def test_delete_removes_the_article_and_its_metadata(bot: Bot):
    sidecar = bot.settings.corpus_dir / SEED_SCHOOLS.replace(".txt", ".meta.yaml")
    assert sidecar.exists()
    before = bot.index.count()
    report = bot.delete_article(SEED_SCHOOLS)
    assert report.removed >= 1 and bot.index.count() == before - report.removed
    assert SEED_SCHOOLS not in _sources(bot) and not sidecar.exists()
    for question in ("Do school OTs get summers off?", "What does IEP mean?"):
        answer = bot.ask(question)
        assert all(c.source != SEED_SCHOOLS for c in answer.citations)


@pytest.mark.parametrize("source", ["nothing.txt", "../corpus/x.txt", "/etc/passwd", ""])
def test_unknown_articles_cannot_be_deleted_or_replaced(bot: Bot, source: str):
    count = bot.index.count()
    with pytest.raises(ArticleError, match="no such article"):
        bot.delete_article(source)
    with pytest.raises(ArticleError, match="no such article"):
        bot.replace_article(source, "x.md", HAND.encode())
    assert bot.index.count() == count
