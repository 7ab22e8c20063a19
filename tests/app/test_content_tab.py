"""The Content tab in a real browser: login and its rate limit, upload, duplicates, replace,
delete, the upload message, and the coverage report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bot.service import Bot
from tests.app.conftest import log_in, open_app

pytestmark = pytest.mark.slow

HAND = """---
title: Hand therapy as an OT specialty
publisher: Example Staffing
date: 2026-01-15
---
# Hand therapy as an OT specialty

Certified hand therapists treat injuries of the hand, wrist and elbow after surgery or trauma.
Most hand therapy happens in outpatient orthopedic clinics.
"""
HAND_LABEL = "Hand therapy as an OT specialty (hand-therapy.md)"


def admin_page(browser, app_url: str):
    page = open_app(browser, app_url)
    log_in(page)
    page.get_by_text("Publisher").first.wait_for(timeout=10_000)
    return page


def choose(page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option).click()


def upload(page, path: Path) -> None:
    page.locator("#article-upload input[type=file]").set_input_files(str(path))


def test_upload_duplicate_replace_and_delete(app_url: str, app_bot: Bot, browser, tmp_path: Path):
    page = admin_page(browser, app_url)
    status = page.locator("#upload-status")
    article = tmp_path / "hand-therapy.md"
    article.write_text(HAND, encoding="utf-8")
    upload(page, article)
    expect(status).to_contain_text("Indexed hand-therapy.md", timeout=60_000)
    answer = app_bot.ask("Where does most hand therapy happen?")
    assert any("outpatient orthopedic clinics" in c.quote for c in answer.citations)

    # The same article under a second name: refused, named, nothing indexed twice.
    copy = tmp_path / "hand-therapy-copy.md"
    copy.write_text(HAND.replace("# Hand therapy", "#  Hand   therapy"), encoding="utf-8")
    page.get_by_label("Clear").first.click()  # the file box, ready for the next file
    upload(page, copy)
    expect(status).to_contain_text("same text as hand-therapy.md", timeout=60_000)
    assert "hand-therapy-copy.md" not in [a["source"] for a in app_bot.articles()]

    # Replace: the new text is answered from, under the article's own name.
    changed = tmp_path / "hand-v2.md"
    changed.write_text(HAND.replace("outpatient orthopedic", "hospital-based hand"), "utf-8")
    choose(page, "#upload-target", HAND_LABEL)
    page.get_by_label("Clear").first.click()
    upload(page, changed)
    expect(status).to_contain_text("Replaced hand-therapy.md", timeout=60_000)
    answer = app_bot.ask("Where does most hand therapy happen?")
    assert any("hospital-based hand clinics" in c.quote for c in answer.citations)
    assert "hand-v2.md" not in [a["source"] for a in app_bot.articles()]

    # Delete, after a confirmation.
    choose(page, "#delete-choice", HAND_LABEL)
    page.get_by_role("button", name="Delete article").click()
    expect(status).to_contain_text("cannot be undone")
    page.get_by_role("button", name="Yes, delete it").click()
    expect(status).to_contain_text("Deleted hand-therapy.md", timeout=60_000)
    assert "hand-therapy.md" not in [a["source"] for a in app_bot.articles()]
    assert not any(
        "hand therapy" in c.quote.lower()
        for c in app_bot.ask("Where does most hand therapy happen?").citations
    )
    page.context.close()


def test_a_new_file_clears_the_last_upload_message(app_url: str, browser, tmp_path: Path):
    page = admin_page(browser, app_url)
    status = page.locator("#upload-status")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xff\xfe\x00 not text")
    upload(page, broken)
    expect(status).to_contain_text("Not added", timeout=30_000)
    too_large = tmp_path / "too-large.txt"
    too_large.write_bytes(b"word " * 1_300_000)  # 6.5 MB, over the 5 MB limit
    page.get_by_label("Clear").first.click()
    upload(page, too_large)
    expect(status).not_to_contain_text("Not added", timeout=10_000)
    # Gradio's own message about the size is the only one left.
    expect(page.get_by_text(re.compile("exceed|too large|maximum", re.I)).first).to_be_visible()
    page.context.close()


def test_failed_logins_are_rate_limited(app_url: str, app_bot: Bot, browser):
    page = open_app(browser, app_url)
    try:
        log_in(page, "wrong")
        expect(page.get_by_text("Wrong user name or password.")).to_be_visible(timeout=10_000)
        for _ in range(4):  # one at a time: Gradio ignores a click while one is pending
            page.wait_for_timeout(400)
            page.get_by_label("Password").press("Enter")
        expect(page.get_by_text("Too many failed attempts")).to_be_visible(timeout=10_000)
        page.get_by_label("Password").fill("s3cret")  # even the right password waits now
        page.get_by_label("Password").press("Enter")
        page.wait_for_timeout(500)
        expect(page.get_by_text("Too many failed attempts")).to_be_visible()
        expect(page.locator("#leads")).to_be_hidden()
    finally:
        app_bot.__dict__.pop("logins", None)  # a fresh throttle for the other tests' logins
        page.context.close()


def test_admin_runs_the_coverage_report(app_url: str, browser):
    page = admin_page(browser, app_url)
    page.get_by_role("button", name="Run coverage report").click()
    page.locator("#coverage-report", has_text="What to write next").wait_for(timeout=60_000)
    assert "pay and salary" in page.locator("#coverage-report").inner_text()
    page.context.close()
