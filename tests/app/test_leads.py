"""Leads: checked field by field, stored through SQLAlchemy, delivered to a real loopback webhook."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.app.leads import LeadError, LeadStore, check_lead
from bot.service import Bot
from bot.settings import Settings
from tests.app.conftest import Recorder
from tests.conftest import free_port


def test_check_lead_names_the_wrong_field():
    lead = check_lead("  Ana   Ruiz ", "", "+1 (555) 010-2030", True, " Pay in Ohio? ")
    assert (lead.name, lead.phone, lead.question) == ("Ana Ruiz", "+1 (555) 010-2030", "Pay in Ohio?")
    for args, field in [
        (("", "a@b.co", "", True, "q"), "name"),
        (("Ana", "", "", True, "q"), "email"),
        (("Ana", "a@b", "", True, "q"), "email"),
        (("Ana", "", "555", True, "q"), "phone"),
        (("Ana", "a@b.co", "", 1, "q"), "consent"),
        (("Ana", "a@b.co", "", None, "q"), "consent"),
        (("Ana", "a@b.co", "", True, " "), "question"),
        (("Ana\ud800", "a@b.co", "", True, "q"), "name"),
        (("A" * 201, "a@b.co", "", True, "q"), "name"),
    ]:
        with pytest.raises(LeadError) as raised:
            check_lead(*args)
        assert raised.value.field == field, args
        assert str(raised.value).startswith(f"{field}: ")


def test_leads_default_to_sqlite_beside_the_feedback(settings: Settings, embedder):
    bot = Bot(settings, embedder)
    stored = bot.add_lead("Ana", "ana@example.com", "", True, "Pay in Ohio?")
    assert stored.delivery == ""  # no webhook configured
    path = settings.index_dir / "leads.sqlite3"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name, email, consent FROM leads").fetchall() == [
            ("Ana", "ana@example.com", 1)
        ]
    with pytest.raises(LeadError):
        bot.add_lead("Ben", "", "", True, "Pay?")
    assert [lead.name for lead in bot.leads()] == ["Ana"]


def test_database_url_and_webhook_settings(tmp_path: Path, embedder, monkeypatch):
    recorder = Recorder()
    try:
        url = f"sqlite:///{tmp_path / 'crm' / 'server.db'}"
        (tmp_path / "crm").mkdir()
        monkeypatch.setenv("OTBOT_DATABASE_URL", url)
        monkeypatch.setenv("OTBOT_LEAD_WEBHOOK", recorder.url)
        bot = Bot(Settings(), embedder)
        lead = bot.add_lead("Ana", "", "555 010 2030", True, "Licensure in Texas?")
        path, posted = recorder.posts.get(timeout=15)
        assert posted["name"] == "Ana" and posted["phone"] == "555 010 2030"
        assert posted["id"] == lead.id and posted["consent"] is True
        assert (tmp_path / "crm" / "server.db").is_file()
        assert not (tmp_path / "index" / "leads.sqlite3").exists()
    finally:
        recorder.close()


def test_a_failing_webhook_keeps_the_lead_and_says_why(tmp_path: Path):
    dead = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    store = LeadStore(f"sqlite:///{tmp_path / 'leads.db'}", dead, timeout=2)
    store.add(check_lead("Ana", "ana@example.com", "", True, "Pay?"))
    deadline = time.monotonic() + 15
    while store.all()[0].delivery == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    [lead] = store.all()
    assert lead.name == "Ana" and lead.delivery.startswith("failed: ")


def test_a_webhook_that_is_not_http_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="http"):
        LeadStore(f"sqlite:///{tmp_path / 'leads.db'}", "file:///etc/passwd")
