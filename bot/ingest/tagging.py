"""The practice setting a text is about, school, clinical, both or general: the one home of that
concept, driven by prompts/practice_settings.toml.

Ingest tags every sentence and chunk (`setting_of`, `overall`); retrieval and the composer keep an
answer on the setting a question names (`settings_named`, `is_comparison`, `other_side`); a
follow-up such as "and in clinics?" swaps one setting's names for the other's (`swap_setting`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.models import Setting
from bot.prompts import PROMPTS_DIR, load_prompt_file

PRACTICE_SETTINGS = PROMPTS_DIR / "practice_settings.toml"

SIDES: tuple[Setting, Setting] = ("school", "clinical")
_PARTS = re.compile(r"\b(?:vs\.?|versus|or|and|compared to|than)\b", re.IGNORECASE)


class _Side(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str
    names: list[str]
    signs: list[str]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    comparison: list[str]
    school: _Side
    clinical: _Side


class PracticeSettings:
    """The compiled word lists of the settings file."""

    def __init__(self, path: Path = PRACTICE_SETTINGS) -> None:
        data = load_prompt_file(path, _File)
        self.sides: dict[Setting, _Side] = {"school": data.school, "clinical": data.clinical}
        self.names = {side: _words(d.names) for side, d in self.sides.items()}
        self.any_word = {side: _words(d.names + d.signs) for side, d in self.sides.items()}
        self.comparison = _words(data.comparison)


def _words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(patterns) + r")\b", re.IGNORECASE)


@cache
def practice_settings() -> PracticeSettings:
    return PracticeSettings()


# A setting named only to be set aside ("Outside of schools, OTs practice in hospitals"; "where
# do OTs work outside of schools?"): what the text says is about the other one, or neither.
_SET_ASIDE = re.compile(
    r"\b(?:outside(?: of)?|beyond|unlike|rather than|instead of|apart from|away from)\s+"
    r"(?:(?:the|a|an)\s+)?[\w-]+(?:\s+(?:ots?|therapists?|settings?|roles?|jobs?))?"
    r"(?:,?\s+(?:or|and|nor)\s+(?:(?:the|a|an)\s+)?[\w-]+)*",  # "a clinic or a classroom"
    re.IGNORECASE,
)


def setting_of(text: str) -> Setting:
    """Which setting a text speaks about, from the words it uses, not counting one it names only
    to set aside.

    Example: "Goals focus on recovery and medical function" -> "clinical";
    "Outside of schools, OTs work in hospitals" -> "clinical"
    """
    text = _SET_ASIDE.sub(" ", text)
    found: list[Setting] = [
        side for side, words in practice_settings().any_word.items() if words.search(text)
    ]
    return overall(found)


def overall(settings: list[Setting]) -> Setting:
    """The setting of a whole made of parts with these settings."""
    present = set(settings)
    if "both" in present or set(SIDES) <= present:
        return "both"
    return next((side for side in SIDES if side in present), "general")


def other_side(side: Setting) -> Setting:
    return "clinical" if side == "school" else "school"


def named_setting(text: str) -> Setting | None:
    """The one setting a text is about, or None when it is about both or neither."""
    setting = setting_of(text)
    return setting if setting in SIDES else None


def settings_named(question: str) -> set[Setting]:
    """The practice settings a question names: {"school"}, {"clinical"}, both or none (not one
    it only sets aside: "where do OTs work outside of schools?" names none)."""
    found: set[Setting] = set()
    for part in _PARTS.split(question):
        setting = setting_of(part)
        if setting in SIDES:
            found.add(setting)
        elif setting == "both":
            found.update(SIDES)
    return found


def is_comparison(question: str) -> bool:
    """Does the question ask to compare settings ("school vs clinical ...")?"""
    return len(settings_named(question)) == 2 or bool(
        practice_settings().comparison.search(question)
    )


def strip_setting(text: str, side: Setting) -> str:
    """The text without the words that name `side`."""
    return practice_settings().names[side].sub("", text)


def swap_setting(text: str, old: Setting, new: Setting, phrase: str | None = None) -> str:
    """The text with the names of setting `old` replaced by `phrase`, by default the phrase of
    setting `new`.

    Example: ("Do school OTs get summers off?", "school", "clinical")
        -> "Do clinical OTs get summers off?"
    """
    phrase = phrase or practice_settings().sides[new].phrase
    return practice_settings().names[old].sub(phrase, text)


def setting_as_said(text: str, side: Setting, is_word: Callable[[str], bool]) -> str | None:
    """How a text names `side` when it says which kind: the name with the words right before it
    that `is_word` counts ("peds clinic" in "what about in a peds clinic?"), or None when it
    names the setting bare ("and in clinics?")."""
    found = practice_settings().names[side].search(text)
    if not found:
        return None
    before = re.findall(r"[\w'-]+", text[: found.start()])[-2:]
    kind: list[str] = []
    for word in reversed(before):
        if not is_word(word):
            break
        kind.insert(0, word)
    return " ".join([*kind, found.group(0)]) if kind else None
