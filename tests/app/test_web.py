"""The app, running for real on loopback: driven through gradio_client and headless Chromium."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app.web import build_app
from bot.service import Bot
from bot.settings import Settings

NEW_ARTICLE = """---
title: Hand therapy as an OT specialty
publisher: Example Staffing
date: 2026-01-15
---
# Hand therapy as an OT specialty

Certified hand therapists treat injuries of the hand, wrist and elbow after surgery or trauma.
Most hand therapy happens in outpatient orthopedic clinics.
"""


def test_chat_api_through_gradio_client(app_url: str):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    reply = client.predict("Do school OTs get summers off?", api_name="/chat")
    assert "summers off" in reply and "[1]" in reply
    assert "**Sources**" in reply and "> **[1]**" in reply
    refusal = client.predict("What is the average salary for a school OT?", api_name="/chat")
    assert "recruiter" in refusal and "[1]" not in refusal


@pytest.mark.slow
def test_candidate_chat_in_a_real_browser(app_url: str, app_bot: Bot, browser, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto(app_url)
    page.locator("#question textarea").fill("Do school OTs get summers off?")
    page.keyboard.press("Enter")
    card = page.locator("#chat blockquote").first
    card.wait_for(timeout=30_000)
    from playwright.sync_api import expect

    # The reply is revealed in pieces: wait for the quote to be whole, not just for the card.
    expect(card).to_contain_text("summers off", timeout=30_000)

    page.get_by_role("button", name="And in clinics?").click()
    page.locator("#chat blockquote", has_text="medical").first.wait_for(timeout=30_000)

    page.get_by_role("button", name="Like").last.click()
    page.locator("#feedback-status", has_text="Thanks").wait_for(timeout=10_000)
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

    with sqlite3.connect(app_bot.settings.index_dir / "feedback.sqlite3") as db:
        rows = db.execute("SELECT liked, question, answer, citations FROM feedback").fetchall()
    assert rows, "the thumbs-up was not stored"
    liked, question, answer, citations = rows[-1]
    assert liked == 1 and question == "And in clinics?"
    # The follow-up was answered about clinics, from clinical passages, with its sources stored.
    assert "clinic" in answer.lower() and "school calendar" not in answer and "clinic" in citations


@pytest.mark.slow
def test_recruiter_draft_in_a_real_browser(app_url: str, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto(app_url)
    page.get_by_role("tab", name="Recruiter drafts").click()
    page.get_by_label("Candidate question(s), one per line").fill(
        "What are the advantages of clinical OT?"
    )
    page.get_by_role("button", name="Draft answer").click()
    draft = page.locator("#draft textarea")
    page.wait_for_function(
        "() => document.querySelector('#draft textarea').value.includes('Sources:')", timeout=30_000
    )
    assert "[1]" in draft.input_value()
    assert page.get_by_role("button", name="Download as Markdown").is_visible()


def content_tab(browser, app_url: str, password: str):
    """A page on the Content tab, after a log-in attempt with `password`."""
    page = browser.new_page(viewport={"width": 1100, "height": 1300})
    page.goto(app_url)
    page.get_by_role("tab", name="Content").click()
    page.get_by_label("User").fill("admin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    return page


@pytest.mark.slow
def test_admin_uploads_an_article_and_it_is_answered(
    app_url: str, app_bot: Bot, browser, tmp_path: Path
):
    article = tmp_path / "hand-therapy.md"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    page = content_tab(browser, app_url, "wrong")
    page.get_by_text("Wrong user name or password.").wait_for(timeout=10_000)
    page.get_by_label("Password").fill("s3cret")
    page.get_by_label("Password").press("Enter")  # Enter logs in, as in any form
    page.get_by_text("Publisher").first.wait_for(timeout=10_000)
    page.locator("#article-upload input[type=file]").set_input_files(str(article))
    page.get_by_text("Indexed hand-therapy.md").wait_for(timeout=60_000)

    answer = app_bot.ask("Where does most hand therapy happen?")
    assert not answer.refused
    assert any("outpatient orthopedic clinics" in c.quote for c in answer.citations)


def test_admin_tab_is_hidden_without_a_password(settings: Settings, embedder):
    demo = build_app(Bot(settings, embedder))
    labels = {getattr(block, "label", None) for block in demo.blocks.values()}
    assert "Recruiter drafts" in labels and "Content" not in labels


@pytest.mark.slow
def test_admin_runs_the_coverage_report(app_url: str, browser, tmp_path: Path):
    page = content_tab(browser, app_url, "s3cret")
    page.get_by_role("button", name="Run coverage report").click()
    page.locator("#coverage-report", has_text="What to write next").wait_for(timeout=60_000)
    assert "pay and salary" in page.locator("#coverage-report").inner_text()
    page.screenshot(path=str(tmp_path / "coverage.png"), full_page=True)
