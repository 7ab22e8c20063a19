"""The recruiter handoff in a real browser: a refusal offers it, the form checks the fields, the
lead is stored (and sent to the webhook) and the content team sees it; no visitor sees another's."""

from __future__ import annotations

import queue

import pytest
from playwright.sync_api import expect

from bot.service import Bot
from tests.app.conftest import Recorder, answered, ask, log_in, open_app

pytestmark = pytest.mark.slow

SALARY = "What is the average salary for a school OT in Ohio?"


def _drain(posts: queue.Queue) -> None:
    while not posts.empty():
        posts.get_nowait()


def test_a_refusal_hands_off_to_a_recruiter_and_the_lead_reaches_the_content_tab(
    app_url: str, app_bot: Bot, browser, webhook: Recorder
):
    _drain(webhook.posts)
    page = open_app(browser, app_url)
    form = page.locator("#handoff")
    expect(form).to_be_hidden()
    ask(page, SALARY)
    answered(page, 1)
    refusal = page.locator("#chat .bot-row").last
    expect(refusal).to_contain_text("recruiter")
    refusal.get_by_role("button", name="Talk to a recruiter").click()
    expect(form).to_be_visible()
    # The question behind the handoff is filled in; the visitor can change it.
    expect(form.get_by_label("Your question")).to_have_value(SALARY)

    form.get_by_label("Name").fill("Robin Okafor")
    form.get_by_label("E-mail").fill("robin.example.com")
    form.get_by_role("button", name="Send to a recruiter").click()
    status = page.locator("#handoff-status")
    expect(status).to_contain_text("E-mail:")
    form.get_by_label("E-mail").fill("robin@example.com")
    form.get_by_role("button", name="Send to a recruiter").click()
    expect(status).to_contain_text("Consent:")
    assert not any(lead.name == "Robin Okafor" for lead in app_bot.leads())  # nothing stored yet

    form.get_by_label("I agree that a recruiter may contact me").check()
    form.get_by_role("button", name="Send to a recruiter").click()
    expect(status).to_contain_text("Thank you, Robin Okafor")
    expect(form).to_be_hidden()
    stored = next(lead for lead in app_bot.leads() if lead.name == "Robin Okafor")
    assert (stored.email, stored.question, stored.consent) == ("robin@example.com", SALARY, True)
    _, posted = webhook.posts.get(timeout=15)
    assert posted["name"] == "Robin Okafor" and posted["question"] == SALARY

    # Another visitor sees nothing of it: an empty form, and no leads without the admin login.
    other = open_app(browser, app_url)
    other.get_by_role("button", name="Talk to a recruiter").click()
    other_form = other.locator("#handoff")
    expect(other_form).to_be_visible()
    for label in ("Name", "E-mail", "Phone", "Your question"):
        expect(other_form.get_by_label(label)).to_have_value("")
    assert "Robin" not in other.content()
    other.get_by_role("tab", name="Content").click()
    expect(other.locator("#leads")).to_be_hidden()
    assert "Robin" not in other.content()

    # The content team, logged in, sees the lead and the question behind it.
    log_in(other)
    leads = other.locator("#leads")
    expect(leads).to_contain_text("Robin Okafor", timeout=10_000)
    expect(leads).to_contain_text(SALARY)
    expect(leads).to_contain_text("robin@example.com")
    page.context.close()
    other.context.close()


def test_yes_to_the_refusal_opens_the_form_instead_of_another_refusal(app_url: str, browser):
    page = open_app(browser, app_url, width=390, height=844)  # a phone: the form is below the chat
    ask(page, SALARY)
    answered(page, 1)
    ask(page, "yes please connect me")
    answered(page, 2)
    expect(page.locator("#chat .bot-row").last).to_contain_text("leave your details")
    form = page.locator("#handoff")
    expect(form).to_be_visible()
    expect(form.get_by_label("Name")).to_be_in_viewport()  # brought into view, not below it
    # The question for the recruiter is the one refused, not the "yes".
    expect(form.get_by_label("Your question")).to_have_value(SALARY)
    page.context.close()


def test_the_handoff_is_always_available(app_url: str, browser):
    page = open_app(browser, app_url, width=390, height=844)
    page.get_by_role("button", name="Talk to a recruiter").click()
    form = page.locator("#handoff")
    expect(form).to_be_visible()
    form.get_by_role("button", name="Cancel").click()
    expect(form).to_be_hidden()
    page.context.close()


def test_the_link_under_an_older_refusal_hands_on_that_refusals_question(app_url: str, browser):
    """Two refusals: the link under the first fills the form with the first question, not the
    latest one; a medical question gets no recruiter link at all."""
    later = "Does OT pay well in Texas?"
    page = open_app(browser, app_url)
    ask(page, SALARY)
    answered(page, 1)
    ask(page, later)
    answered(page, 2)
    ask(page, "My wrist hurts when I type, what should I do?")
    answered(page, 3)
    rows = page.locator("#chat .bot-row")
    expect(rows.nth(2)).to_contain_text("medical advice")
    expect(rows.nth(2).get_by_role("button", name="Talk to a recruiter")).to_have_count(0)
    rows.nth(0).get_by_role("button", name="Talk to a recruiter").click()
    form = page.locator("#handoff")
    expect(form).to_be_visible()
    expect(form.get_by_label("Your question")).to_have_value(SALARY)
    rows.nth(1).get_by_role("button", name="Talk to a recruiter").click()
    expect(form.get_by_label("Your question")).to_have_value(later)
    page.context.close()
