"""Messages that ask nothing of the articles: a greeting, thanks, who is answering ("are you a
real person?"), or a "yes" to the offer of a recruiter.

Such a message gets its own line (prompts/answer.toml [small_talk]) rather than an answer from
the articles (which would repeat the last answer for "thanks") or a refusal (which would tell
someone saying "hi" that the articles do not cover it).
"""

from __future__ import annotations

import re
from typing import Literal

from bot.answer.rewriting import Turn
from bot.prompts import AnswerWording

Kind = Literal["greeting", "thanks", "recruiter_yes", "identity"]

# General English: greetings, thanks and acknowledgements, as people type them in a chat.
_GREETING = re.compile(
    r"^(hi+|hello|hey+|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)"
    r"( there| all| everyone)?$"
)
_THANKS = re.compile(
    r"^((ok(ay)?|cool|great|awesome|perfect|nice|got it|makes sense|alright|all right)[ ,]*)?"
    r"(thanks?( (you|u|ya|so much|a lot|again))*|thank (you|u|ya)( (so much|very much|a lot|"
    r"again))*|thx|ty|tysm|cheers|much appreciated|appreciate it|bye|goodbye)?"
    r"([ ,]*((that|this|it) (helps|helped)|((that'?s|thats|it'?s|that (is|was)|this (is|was)|"
    r"it (is|was))( (really|so|very|super))?|very|super|really|so) (helpful|useful|great|"
    r"perfect|awesome|interesting)|good to know|bye))?$"
)
# Asking who or what is answering: "are you a real person?", "who am i talking to", "is this a
# bot?". The chat convention is to say plainly that it is an automated assistant.
_WHO = (
    r"(?:(?:are|r) (?:you|u)|is this|is it)(?: just)? (?:a |an )?(?:real |actual |live )?"
    r"(?:person|human|bot|robot|ai|chatbot|machine|computer|automated)"
    r"(?: or (?:a |an )?(?:real |actual |live )?(?:person|human|bot|robot|ai|chatbot|machine))?"
    r"|(?:who|what) (?:am i|are you)(?: talking to| chatting with| speaking (?:to|with))?"
)
_IDENTITY = re.compile(rf"^(?:(?:hi|hello|hey|um|so|wait) )*(?:{_WHO})(?: (?:{_WHO}))*$")
_YES = re.compile(r"^(yes|yeah|yep|yup|sure|ok(ay)?|please|yes please|sure thing|definitely)$")


def kind_of(message: str, history: list[Turn], handoff: str) -> Kind | None:
    """What kind of small talk `message` is, if it asks nothing; `handoff` is the line that
    offers a recruiter, so a "yes" right after it is a yes to that offer."""
    text = re.sub(r"[^\w' ]+", " ", message.lower())
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return None
    if _GREETING.match(text):
        return "greeting"
    last = next((t for t in reversed(history) if t.role == "assistant"), None)
    if _YES.match(text) and last is not None and handoff in last.content:
        return "recruiter_yes"
    if _THANKS.match(text):
        return "thanks"
    if _IDENTITY.match(text):
        return "identity"
    return None


def reply(message: str, history: list[Turn], wording: AnswerWording) -> str | None:
    """The line for a message that asks nothing, or None for a question."""
    kind = kind_of(message, history, wording.refusal.handoff)
    return (getattr(wording.small_talk, kind) or None) if kind else None
