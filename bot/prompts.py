"""Load and validate the wording templates in `prompts/`."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
DEFAULT_TONE = "friendly"
_Model = TypeVar("_Model", bound=BaseModel)


class _Strict(BaseModel):
    """A prompt file's table: unknown keys are mistakes, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CandidateWording(_Strict):
    lead: str
    lead_comparison: str
    lead_yes_no: str
    # Instead of the lead, when the question names something the articles never mention
    # ({names}: "Mayo Clinic"): what follows is what they say in general. Empty: the lead.
    lead_unmentioned: str = ""


class ToneWording(_Strict):
    opening: str
    opening_comparison: str
    closing: str


class RecruiterWording(_Strict):
    sources_heading: str
    note_for_recruiter: str  # leads the note a draft gives for a question the articles miss
    # The note above a draft whose question names something the articles never mention.
    unmentioned: str = ""
    tones: dict[str, ToneWording]

    @model_validator(mode="after")
    def _has_default_tone(self) -> RecruiterWording:
        if DEFAULT_TONE not in self.tones:
            raise ValueError(f"a [recruiter.tones.{DEFAULT_TONE}] table is required")
        return self

    def tone(self, name: str | None) -> ToneWording:
        """The wording of a tone; unknown or missing names fall back to the default tone."""
        return self.tones.get(name or DEFAULT_TONE, self.tones[DEFAULT_TONE])


class RefusalWording(_Strict):
    candidate: str
    recruiter: str
    handoff: str
    # A refusal that shows the closest passage (the question scored just under the answer floor).
    nearest_candidate: str
    nearest_recruiter: str
    # The same when the question names something the articles never mention ({names}): why they
    # may not answer it. Empty: the lines above.
    nearest_unmentioned_candidate: str = ""
    nearest_unmentioned_recruiter: str = ""
    # For a parent asking about their own child: who can answer instead of a recruiter.
    parent_handoff: str
    # After an answer to some parts of a message: the parts ({parts}) the articles do not answer.
    part_candidate: str
    part_recruiter: str
    # To a candidate asking about something unrelated to OT careers (the weather, a recipe):
    # what the assistant is for, with no recruiter offered. Empty: the plain refusal.
    off_topic: str = ""


class SmallTalkWording(_Strict):
    greeting: str
    thanks: str
    recruiter_yes: str
    identity: str = ""  # "are you a real person?"; without it, such a message is a question


class AnswerWording(_Strict):
    """Every line the answerer may add around the articles' sentences (prompts/answer.toml)."""

    candidate: CandidateWording
    recruiter: RecruiterWording
    refusal: RefusalWording
    small_talk: SmallTalkWording


class AppWording(_Strict):
    """What the web app says outside the answers (prompts/app.toml)."""

    title: str
    disclosure: str
    placeholder: str
    examples: list[str]
    followup_clinical: str
    followup_school: str
    recruiter_intro: str
    content_intro: str
    handoff_label: str
    handoff_intro: str
    handoff_consent: str
    handoff_reply: str
    nothing_to_download: str
    log_in_first: str


class PromptError(Exception):
    """A prompt file that is missing or does not have the expected fields."""


@cache
def load_wording(path: Path = PROMPTS_DIR / "answer.toml") -> AnswerWording:
    """Read and validate the answer wording; a broken file names the file and the field."""
    return load_prompt_file(path, AnswerWording)


@cache
def load_app_wording(path: Path = PROMPTS_DIR / "app.toml") -> AppWording:
    """Read and validate the app's wording."""
    return load_prompt_file(path, AppWording)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's tables; a missing or malformed file raises `PromptError` naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"file not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise PromptError(f"{path}: not valid TOML: {error}") from None


def load_prompt_file(path: Path, model: type[_Model]) -> _Model:
    """Read a TOML prompt file into its model; errors name the file and the field."""
    data = read_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise PromptError(f"{path}: {where}: {problem['msg']}") from None
