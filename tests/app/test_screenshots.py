"""Screenshots of the three tabs, light and dark, desktop and phone, taken from the real app.

Saved under the test's tmp_path; with `OTBOT_SCREENSHOTS=DIR` (e.g. docs/screenshots, as the
README's are made) they are saved there too:
`OTBOT_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/app/test_screenshots.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bot.service import Bot
from tests.app.conftest import answered, ask, log_in, open_app

pytestmark = pytest.mark.slow

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_three_tabs(
    app_url: str, app_bot: Bot, browser, tmp_path: Path, size: str, scheme: str
):
    width, height = SIZES[size]
    if not any(lead.name == "Sam Example" for lead in app_bot.leads()):  # a lead to show
        app_bot.add_lead(
            "Sam Example", "sam@example.com", "", True, "What do school OTs earn in Ohio?"
        )
    folders = [tmp_path]
    if os.environ.get("OTBOT_SCREENSHOTS"):
        folders.append(Path(os.environ["OTBOT_SCREENSHOTS"]))
    page = open_app(browser, app_url, width=width, height=height, scheme=scheme)

    def shoot(tab: str, whole: bool = False) -> None:
        page.wait_for_timeout(300)  # transitions settle
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{tab}-{scheme}-{size}.png"), full_page=whole)

    ask(page, "How do school and clinical OT schedules differ?")
    answered(page, 1)
    if size == "desktop":  # a source opened; a phone shows the answer's start instead
        page.locator("#chat a.cite", has_text="[1]").first.click()
        expect(page.locator("#chat details.source").first.locator("blockquote")).to_be_visible()
    shoot("ask")

    page.get_by_role("tab", name="Recruiter drafts").click()
    page.get_by_label("Candidate question(s), one per line").fill(
        "What are the advantages of clinical OT?"
    )
    page.get_by_role("button", name="Draft answer").click()
    page.wait_for_function(
        "() => document.querySelector('#draft-email textarea').value.includes('Sources:')",
        timeout=30_000,
    )
    shoot("drafts")

    log_in(page)
    expect(page.locator("#leads")).to_be_visible(timeout=10_000)
    shoot("content", whole=True)
    page.context.close()

    for tab in ("ask", "drafts", "content"):
        assert (tmp_path / f"{tab}-{scheme}-{size}.png").stat().st_size > 10_000
