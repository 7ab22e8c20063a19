"""Messages that ask nothing: a greeting, thanks, or a "yes" to the offer of a recruiter.

Such a message gets its own line (prompts/answer.toml [small_talk]) rather than an answer from
the articles (which would repeat the last answer for "thanks") or a refusal (which would tell
someone saying "hi" that the articles do not cover it).
"""

from __future__ import annotations

import re
from typing import Literal

from bot.answer.rewriting import Turn
from bot.prompts import AnswerWording

Kind = Literal["greeting", "thanks", "recruiter_yes"]

# General English: greetings, thanks and acknowledgements, as people type them in a chat.
_GREETING = re.compile(
    r"^(hi+|hello|hey+|hiya|howdy|yo|good (morning|afternoon|evening)|greetings)"
    r"( there| all| everyone)?$"
)
_THANKS = re.compile(
    r"^((ok(ay)?|cool|great|awesome|perfect|nice|got it|makes sense|alright|all right)[ ,]*)?"
    r"(thanks?( (you|so much|a lot|again))*|thank you( (so much|very much|again))*|thx|ty|"
    r"cheers|much appreciated|appreciate it|bye|goodbye)?"
    r"([ ,]*(that (helps|helped)|this (helps|helped)|((that'?s|thats|that is|this is)( (really|"
    r"so|very|super))?|very|super|really|so) (helpful|useful|great|perfect|awesome|interesting)|"
    r"good to know|bye))?$"
)
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
    return None


def reply(message: str, history: list[Turn], wording: AnswerWording) -> str | None:
    """The line for a message that asks nothing, or None for a question."""
    kind = kind_of(message, history, wording.refusal.handoff)
    return getattr(wording.small_talk, kind) if kind else None
