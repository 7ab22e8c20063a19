"""Messages that ask nothing get a line of their own, never an answer or a refusal."""

from __future__ import annotations

import pytest

from bot.answer.rewriting import Turn
from bot.answer.smalltalk import kind_of

HANDOFF = "One of our recruiters can help with this: would you like us to connect you?"
OFFERED = [
    Turn("user", "How much do OTs make in Ohio?"),
    Turn("assistant", f"Sorry, our articles don't cover that. {HANDOFF}"),
]
ANSWERED = [
    Turn("user", "Do school OTs get summers off?"),
    Turn("assistant", "Here's what our articles say: ... summers off [1]"),
]


@pytest.mark.parametrize("message", ["hi", "Hello!", "hey there", "Good morning", "hiii"])
def test_greetings(message):
    assert kind_of(message, [], HANDOFF) == "greeting"


@pytest.mark.parametrize(
    "message",
    ["thanks!", "Thank you so much", "ok thanks", "thx", "great, that helps", "bye",
     "ok thx thats helpful", "thanks, that's really helpful", "good to know",
     "thank u so much!! this was helpful", "thanks, that was really useful"],
)
def test_thanks(message):
    assert kind_of(message, ANSWERED, HANDOFF) == "thanks"


@pytest.mark.parametrize(
    "message", ["are you a real person?", "hey who am i talking to? are you a bot", "is this AI?"]
)
def test_asking_who_answers_is_told_it_is_an_automated_assistant(message):
    from bot.answer.smalltalk import reply
    from bot.prompts import load_wording

    assert kind_of(message, ANSWERED, HANDOFF) == "identity"
    assert "automated assistant" in (reply(message, ANSWERED, load_wording()) or "")


def test_a_yes_is_to_the_recruiter_only_right_after_the_offer():
    assert kind_of("yes please", OFFERED, HANDOFF) == "recruiter_yes"
    assert kind_of("Sure", OFFERED, HANDOFF) == "recruiter_yes"
    assert kind_of("yes", ANSWERED, HANDOFF) is None  # no offer was made: not small talk


@pytest.mark.parametrize(
    "message",
    [
        "hi, do school OTs get summers off?",
        "thanks, and in clinics?",
        "ok and what about weekends",
        "Do school OTs get summers off?",
        "hello kitty jobs",
        "is it helpful to get the CHT?",
        "are you a COTA or an OT?",
        "who are you talking to about school OT?",
    ],
)
def test_a_message_that_asks_something_is_no_small_talk(message):
    assert kind_of(message, ANSWERED, HANDOFF) is None
