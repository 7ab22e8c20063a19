"""What the bot will not answer (scope policy) and how it widens abbreviations (glossary)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from bot.prompts import PromptError, read_toml


class _Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    pattern: str
    handoff: str
    refuse: Literal["always", "unless_covered"] = "always"
    offer_recruiter: bool = True  # does the refusal also offer a recruiter?
    recruiter: str = ""  # the refusal a recruiter drafting a reply reads instead
    unless: str = ""  # a question this also matches is not on the topic

    @field_validator("pattern", "unless")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a valid regular expression: {error}") from None
        return value


class _ScopeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    topic: list[_Topic]


@dataclass(frozen=True)
class OutOfScope:
    """A question on a policy topic, with the topic's own handoff line.

    With `unless_covered`, it may still be answered when the evidence itself speaks of the topic.
    """

    topic: str
    handoff: str
    unless_covered: bool = False
    pattern: re.Pattern[str] | None = None
    offer_recruiter: bool = True
    recruiter_note: str = ""  # the whole refusal for a recruiter (the topic's `recruiter`)

    def covered_by(self, texts: list[str]) -> bool:
        """Does any of these article sentences speak of the topic itself?"""
        return (
            self.unless_covered
            and self.pattern is not None
            and any(self.pattern.search(text) for text in texts)
        )


class ScopePolicy:
    """Topics refused whatever the articles say near them (prompts/scope.toml)."""

    def __init__(self, topics: list[_Topic]) -> None:
        self.topics = [
            (
                t,
                re.compile(t.pattern, re.IGNORECASE),
                re.compile(t.unless, re.IGNORECASE) if t.unless else None,
            )
            for t in topics
        ]

    def check(self, question: str) -> OutOfScope | None:
        for topic, pattern, unless in self.topics:
            if pattern.search(question) and not (unless and unless.search(question)):
                return OutOfScope(
                    topic.name,
                    topic.handoff,
                    topic.refuse == "unless_covered",
                    pattern,
                    topic.offer_recruiter,
                    topic.recruiter,
                )
        return None


class Glossary:
    """Abbreviations and the words articles use for them (prompts/glossary.toml)."""

    def __init__(self, acronyms: dict[str, str]) -> None:
        self.acronyms = {k.lower(): v for k, v in acronyms.items()}
        self._word = re.compile(r"[A-Za-z]+")

    def abbreviations(self, question: str, english: frozenset[str] | None = None) -> list[str]:
        """The entries (lower case) the question uses as abbreviations, in order.

        Upper case is an abbreviation ("IDEA", not "an idea"); so is a word in any case that is
        no English word ("peds", "snf"), since people type abbreviations in lower case too
        (without `english`, only upper case counts). A plural ("COTAs") stands for its singular
        unless it has an entry of its own.
        """
        known = english if english is not None else frozenset(self.acronyms)
        found: list[str] = []
        for word in self._word.findall(question):
            lower = word.lower()
            key = lower if lower in self.acronyms else lower[:-1] if lower.endswith("s") else ""
            if key not in self.acronyms or key in found:
                continue
            upper = word.isupper() or (word.endswith("s") and word[:-1].isupper())
            if upper or lower not in known:
                found.append(key)
        return found

    def expand(self, question: str, english: frozenset[str] | None = None) -> str:
        """The question with the long form of each abbreviation appended (see `abbreviations`).

        Example: "Do OTs work in SNFs?" -> "Do OTs work in SNFs? (occupational therapists;
        skilled nursing facilities)"
        """
        found = list(dict.fromkeys(self.acronyms[k] for k in self.abbreviations(question, english)))
        return f"{question} ({'; '.join(found)})" if found else question


@cache
def load_scope(path: Path) -> ScopePolicy:
    try:
        return ScopePolicy(_ScopeFile.model_validate(read_toml(path)).topic)
    except ValueError as error:
        raise PromptError(f"{path}: {error}") from None


@cache
def load_glossary(path: Path) -> Glossary:
    data = read_toml(path)
    table = data.get("acronyms", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise PromptError(f"{path}: [acronyms] must map abbreviations to text")
    return Glossary({str(k): str(v) for k, v in table.items()})
