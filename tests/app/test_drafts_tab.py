"""The Recruiter drafts tab in a real browser: e-mail text and Markdown, an uncovered question's
note, and downloads that are exactly the text on screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.app.conftest import open_app

pytestmark = pytest.mark.slow


def drafts(browser, app_url: str):
    page = open_app(browser, app_url)
    page.get_by_role("tab", name="Recruiter drafts").click()
    return page


def draft(page, questions: str) -> None:
    page.get_by_label("Candidate question(s), one per line").fill(questions)
    page.get_by_role("button", name="Draft answer").click()
    page.wait_for_function(
        "() => document.querySelector('#draft-email textarea').value.length > 0", timeout=30_000
    )


def test_download_says_so_before_a_draft_and_then_saves_the_edited_text(
    app_url: str, browser, tmp_path: Path
):
    page = drafts(browser, app_url)
    page.get_by_role("button", name="Download e-mail text (.txt)").click()
    expect(page.locator("#draft-status")).to_contain_text("Nothing to download yet")

    draft(page, "What are the advantages of clinical OT?")
    box = page.locator("#draft-email textarea")
    edited = box.input_value().replace("Thanks for your question!", "Hi Sam, thanks for asking!")
    box.fill(edited)
    # Download at once, while the box still has the focus (the edit not "saved" by a blur).
    with page.expect_download() as download:
        page.get_by_role("button", name="Download e-mail text (.txt)").click()
    saved = tmp_path / "draft.txt"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "otbot-draft.txt"
    assert saved.read_text(encoding="utf-8") == edited
    assert saved.read_text(encoding="utf-8").startswith("Hi Sam, thanks for asking!")

    page.get_by_role("tab", name="Markdown").click()
    markdown = page.locator("#draft-markdown textarea")
    # A tab's box is drawn when the tab is first shown, and the draft can reach it again a
    # moment after it first shows (seen in two clean-clone CI runs, never alone): edit it once
    # the draft is in, and again should the draft have come back over the edit. The whole edited text at once: a key typed while the page is busy can be dropped.
    expect(markdown).to_have_value(re.compile(r"\S"))
    draft_md = markdown.input_value()
    for _ in range(3):
        markdown.fill(draft_md + " Edited.")
        page.wait_for_timeout(300)
        if markdown.input_value().endswith(" Edited."):
            break
    expect(markdown).to_have_value(re.compile(r" Edited\.$"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Markdown (.md)").click()
    download.value.save_as(tmp_path / "draft.md")
    assert (tmp_path / "draft.md").read_text(encoding="utf-8") == markdown.input_value()
    assert (tmp_path / "draft.md").read_text(encoding="utf-8").endswith(" Edited.")
    page.context.close()


def test_drafts_are_ready_to_send_as_email_text_and_as_markdown(app_url: str, browser):
    page = drafts(browser, app_url)
    draft(page, "Do agencies arrange housing for travel OTs?\nWhat is the salary for a school OT in Ohio?")
    email = page.locator("#draft-email textarea").input_value()
    # Plain text: no Markdown marks, no internal file names, sources as titles and links.
    assert "**" not in email and "###" not in email and ".txt" not in email
    assert "Travel occupational therapy assignments — Example Staffing" in email
    assert "https://careers.example.com/travel-ot" in email
    # The uncovered question: a note to the recruiter, not the candidate-facing handoff.
    assert "NOTE FOR YOU, NOT FOR THE CANDIDATE" in email
    assert "would you like us to connect you" not in email
    page.get_by_role("tab", name="Markdown").click()
    markdown = page.locator("#draft-markdown textarea").input_value()
    assert "### Do agencies arrange housing for travel OTs?" in markdown
    assert "[Travel occupational therapy assignments](https://careers.example.com/travel-ot)" in (
        markdown
    )
    assert "**Note for you, not for the candidate:**" in markdown
    page.context.close()
