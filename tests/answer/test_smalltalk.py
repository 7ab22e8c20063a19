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
     "ok thx thats helpful", "thanks, that's really helpful", "good to know"],
)
def test_thanks(message):
    assert kind_of(message, ANSWERED, HANDOFF) == "thanks"


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
    ],
)
def test_a_message_that_asks_something_is_no_small_talk(message):
    assert kind_of(message, ANSWERED, HANDOFF) is None
