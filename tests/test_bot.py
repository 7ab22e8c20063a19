import pytest

from bot.bot import Bot
from bot.loading import ArticleError
from bot.settings import Settings


def test_admin_check(settings: Settings, embedder):
    assert not Bot(settings, embedder).check_admin("admin", "")  # no password: no admin at all
    bot = Bot(settings.model_copy(update={"admin_password": "pw"}), embedder)
    assert bot.check_admin("admin", "pw")
    assert not bot.check_admin("admin", "PW") and not bot.check_admin("root", "pw")


def test_a_bad_upload_changes_nothing(settings: Settings, embedder):
    bot = Bot(settings, embedder)
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    with pytest.raises(ArticleError, match="not UTF-8"):
        bot.add_article("broken.txt", "Caf\xe9".encode("latin-1"))
    with pytest.raises(ArticleError, match="unsupported file type"):
        bot.add_article("slides.pdf", b"%PDF")
    with pytest.raises(ArticleError, match="invalid file name"):
        bot.add_article(".hidden.md", b"# x\n\nSome text here.")
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


def test_offline_switches_are_set_by_importing_the_package():
    import os

    import bot  # noqa: F401

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
