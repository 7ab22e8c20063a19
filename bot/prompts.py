"""Load and validate the wording templates in `prompts/`."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CandidateWording(_Strict):
    lead: str
    lead_comparison: str
    lead_yes_no: str


class RecruiterWording(_Strict):
    opening: str
    opening_comparison: str
    sources_heading: str
    closing: str


class RefusalWording(_Strict):
    candidate: str
    recruiter: str
    handoff: str


class SettingNames(_Strict):
    school: str
    clinical: str


class AnswerWording(_Strict):
    """Every line the answerer may add around the articles' sentences (prompts/answer.toml)."""

    candidate: CandidateWording
    recruiter: RecruiterWording
    refusal: RefusalWording
    settings: SettingNames


class PromptError(Exception):
    """A prompt file that is missing or does not have the expected fields."""


@cache
def load_wording(path: Path = PROMPTS_DIR / "answer.toml") -> AnswerWording:
    """Read and validate the answer wording; a broken file names the file and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return AnswerWording.model_validate(data)
    except FileNotFoundError:
        raise PromptError(f"prompt file not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise PromptError(f"{path}: not valid TOML: {error}") from None
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise PromptError(f"{path}: {where}: {problem['msg']}") from None
