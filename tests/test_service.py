import pytest

from bot.ingest.loading import ArticleError
from bot.service import Bot
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


def test_failed_logins_lock_the_client_out_for_a_while(settings: Settings, embedder):
    now = [0.0]
    bot = Bot(settings.model_copy(update={"admin_password": "pw"}), embedder)
    bot.logins.clock = lambda: now[0]
    for _ in range(30):  # a guessing script
        assert not bot.check_admin("admin", "guess", client="10.0.0.9")
    assert not bot.check_admin("admin", "pw", client="10.0.0.9")  # locked out, even when right
    assert bot.login_wait("10.0.0.9") > 0
    assert bot.check_admin("admin", "pw", client="10.0.0.7")  # another visitor is not affected
    now[0] += bot.logins.lockout + 1
    assert bot.check_admin("admin", "pw", client="10.0.0.9")


def test_a_running_bot_notices_an_ingest_by_another_process(settings: Settings, embedder):
    import subprocess
    import sys

    from tests.conftest import SEED_SCHOOLS

    bot = Bot(settings, embedder)
    bot.ingest(show_progress=False)
    bot.reload_check_seconds = 0.0
    before = bot.ask("Why is demand for school OT growing?")
    assert SEED_SCHOOLS in {c.source for c in before.citations}

    for path in settings.corpus_dir.glob(SEED_SCHOOLS.split(".")[0] + ".*"):
        path.unlink()
    subprocess.run(
        [sys.executable, "-m", "bot", "ingest", "--corpus", str(settings.corpus_dir),
         "--index", str(settings.index_dir)],
        check=True, capture_output=True,
    )

    after = bot.ask("Why is demand for school OT growing?")
    assert SEED_SCHOOLS not in {c.source for c in after.citations}
