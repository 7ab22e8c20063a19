"""The Ask tab, running for real on loopback: driven through gradio_client and headless Chromium."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from bot.app.web import build_app
from bot.service import Bot
from bot.settings import Settings
from tests.app.conftest import CONTRAST_JS, answered, ask, open_app

SCHOOL = "Do school OTs get summers off?"
LONG = "What are the key responsibilities of a school-based OT?"  # a long answer (a whole list)
# Two questions typed and sent with Enter one task apart (no person is this fast); returns the
# milliseconds between the two Enter presses and how many answers were on screen at the second.
# (Sent in the very same task, the browser itself reads the second text for both: Gradio collects
# the textbox value after the event.)
SEND_TWO_JS = """async ([first, second]) => {
  const box = document.querySelector('#question textarea');
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
  const send = (text) => {
    setValue.call(box, text);
    box.dispatchEvent(new Event('input', {bubbles: true}));
    for (const type of ['keydown', 'keypress', 'keyup'])
      box.dispatchEvent(new KeyboardEvent(type, {key: 'Enter', code: 'Enter', keyCode: 13,
                                                 which: 13, bubbles: true, cancelable: true}));
  };
  send(first);
  const firstSent = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const gap = performance.now() - firstSent;
  const answered = [...document.querySelectorAll('#chat .bot-row')]
    .filter((row) => row.textContent.trim() && !row.querySelector('.pending')).length;
  send(second);
  return {gap, answered};
}"""


def test_chat_api_through_gradio_client(app_url: str):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    reply = client.predict(SCHOOL, api_name="/chat")
    assert "summers off" in reply and "[1]" in reply
    assert "**Sources**" in reply and "> **[1]**" in reply
    refusal = client.predict("What is the average salary for a school OT?", api_name="/chat")
    assert "recruiter" in refusal and "[1]" not in refusal


def test_admin_tab_is_hidden_without_a_password(settings: Settings, embedder):
    demo = build_app(Bot(settings, embedder))
    labels = {getattr(block, "label", None) for block in demo.blocks.values()}
    assert "Recruiter drafts" in labels and "Content" not in labels


@pytest.mark.slow
def test_candidate_chat_follow_up_and_feedback(app_url: str, app_bot: Bot, browser):
    page = open_app(browser, app_url)
    ask(page, SCHOOL)
    answered(page, 1)
    expect(page.locator("#chat .bot-row").first).to_contain_text("summers off")
    page.get_by_role("button", name="And in clinics?").click()
    answered(page, 2)
    page.locator("#chat details.source", has_text="Clinical").first.wait_for(timeout=10_000)
    page.get_by_role("button", name="Like").last.click()
    page.locator("#feedback-status", has_text="Thanks").wait_for(timeout=10_000)

    with sqlite3.connect(app_bot.settings.index_dir / "feedback.sqlite3") as db:
        rows = db.execute("SELECT liked, question, answer, citations FROM feedback").fetchall()
    assert rows, "the thumbs-up was not stored"
    liked, question, answer, citations = rows[-1]
    assert liked == 1 and question == "And in clinics?"
    # The follow-up was answered about clinics, from clinical passages, with its sources stored.
    assert "clinic" in answer.lower() and "school calendar" not in answer and "clinic" in citations
    page.context.close()


@pytest.mark.slow
def test_sources_are_chips_and_a_marker_opens_its_source(app_url: str, browser):
    page = open_app(browser, app_url)
    ask(page, LONG)
    answered(page, 1)
    chips = page.locator("#chat .bot-row details.source")
    assert chips.count() >= 3
    # Compact: closed chips, one line each, the quote hidden until asked for.
    first = chips.first
    assert first.get_attribute("open") is None
    assert first.bounding_box()["height"] < 40
    assert not first.locator("blockquote").is_visible()
    # [2] in the text opens source 2 and brings it into the chat's view.
    page.locator("#chat a.cite", has_text="[2]").first.click()
    second = chips.nth(1)
    expect(second).to_have_attribute("open", "")
    expect(second.locator("blockquote")).to_be_visible()
    chat = page.locator("#chat [role=log]").bounding_box()
    box = second.bounding_box()
    assert chat["y"] - 1 <= box["y"] and box["y"] + box["height"] <= chat["y"] + chat["height"] + 1
    # Clicking a chip opens it too.
    chips.nth(2).locator("summary").click()
    expect(chips.nth(2).locator("blockquote")).to_be_visible()
    page.context.close()


@pytest.mark.slow
def test_the_start_of_a_long_answer_stays_in_view(app_url: str, browser):
    page = open_app(browser, app_url, height=700)  # a chat shorter than the answer
    ask(page, SCHOOL)
    answered(page, 1)
    ask(page, LONG)
    answered(page, 2)
    page.wait_for_timeout(300)  # let the page settle its scrolling
    view = page.evaluate(
        """() => {
            const log = document.querySelector('#chat [role=log]');
            const rows = log.querySelectorAll('.bot-row');
            const answer = rows[rows.length - 1].getBoundingClientRect();
            const box = log.getBoundingClientRect();
            return {answerTop: answer.top, answerHeight: answer.height, top: box.top,
                    bottom: box.bottom, scrolled: log.scrollTop,
                    atEnd: log.scrollTop + log.clientHeight >= log.scrollHeight - 2};
        }"""
    )
    assert view["answerHeight"] > view["bottom"] - view["top"], "the answer must be long here"
    # The answer's first line is in view, not scrolled above it to the last source.
    assert view["top"] - 1 <= view["answerTop"] <= view["top"] + 40
    assert view["scrolled"] > 0 and not view["atEnd"]
    page.context.close()


@pytest.mark.slow
def test_two_questions_sent_before_the_first_is_answered_are_both_answered(app_url: str, browser):
    page = open_app(browser, app_url)
    sent = page.evaluate(SEND_TWO_JS, [SCHOOL, "What does IEP mean?"])
    # What matters is that the second went while the first was being answered; how many ms
    # apart (one turn of the page's event loop, 0-100 ms on a busy machine) does not.
    assert sent["answered"] == 0, f"the first was answered within {sent['gap']:.0f} ms"
    answered(page, 2)
    users = [u.strip() for u in page.locator("#chat .user-row").all_inner_texts()]
    bots = page.locator("#chat .bot-row").all_inner_texts()
    # Each question with its own answer. Their order is the order the two requests reached the
    # server: sent moments apart over two connections, the second sometimes arrives first.
    assert sorted(users) == sorted([SCHOOL, "What does IEP mean?"])
    replies = dict(zip(users, bots, strict=True))
    assert "summers off" in replies[SCHOOL]
    assert "Individualized Education" in replies["What does IEP mean?"]
    page.context.close()


@pytest.mark.slow
def test_clear_resets_the_follow_up_and_there_is_no_share_button(app_url: str, browser):
    page = open_app(browser, app_url)
    ask(page, SCHOOL)
    answered(page, 1)
    follow_up = page.get_by_role("button", name="And in clinics?")
    expect(follow_up).to_be_visible()
    assert page.locator("#chat [aria-label*='Share' i], #chat [title*='Share' i]").count() == 0
    page.get_by_role("button", name="Clear").click()
    expect(follow_up).to_have_count(0)
    expect(page.get_by_role("button", name=SCHOOL)).to_be_visible()  # the examples are back
    assert page.locator("#chat .bot-row").count() == 0
    # A new conversation starts afresh: the follow-up is not read against the cleared one.
    ask(page, "What does IEP mean?")
    answered(page, 1)
    assert page.locator("#chat .user-row").count() == 1
    page.context.close()


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_sources_read_well_in_both_themes(app_url: str, browser, scheme: str):
    page = open_app(browser, app_url, scheme=scheme)
    is_dark = page.evaluate("() => document.body.classList.contains('dark')")
    assert is_dark == (scheme == "dark")
    ask(page, LONG)
    answered(page, 1)
    chip = page.locator("#chat .bot-row details.source").first
    chip.locator("summary").click()
    expect(chip.locator("blockquote")).to_be_visible()
    parts = {
        "answer text": page.locator("#chat .bot-row p").first,
        "marker": page.locator("#chat a.cite").first,
        "chip title": chip.locator("summary"),
        "publisher": chip.locator(".publisher"),
        "quote": chip.locator("blockquote"),
        "section": chip.locator(".where"),
    }
    ratios = {name: part.evaluate(CONTRAST_JS) for name, part in parts.items()}
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios
    page.context.close()


@pytest.mark.slow
def test_phone_layout_keeps_the_suggestions_on_the_first_screen(app_url: str, browser):
    page = open_app(browser, app_url, width=390, height=844)
    for element in ("#question", "#suggestions", "#handoff-open"):
        box = page.locator(element).bounding_box()
        assert box["y"] + box["height"] <= 844, f"{element} is below the first screen"
    # The recruiter is not scrolled out of sight at the end of the row of suggestions.
    handoff = page.locator("#handoff-open").bounding_box()
    assert handoff["x"] >= 0 and handoff["x"] + handoff["width"] <= 390
    chat = page.locator("#chat").bounding_box()
    assert chat["height"] >= 300  # and the chat still uses the height left
    ask(page, LONG)
    answered(page, 1)
    page.wait_for_timeout(300)
    top = page.evaluate(
        "() => document.querySelector('#chat .bot-row').getBoundingClientRect().top"
    )
    log = page.locator("#chat [role=log]").bounding_box()
    assert log["y"] - 1 <= top <= log["y"] + 40
    page.context.close()
