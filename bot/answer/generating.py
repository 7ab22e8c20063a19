"""The chat-model edge: an optional generative answerer behind a small protocol.

The offline composer stays the default. When a chat model is configured (OTBOT_LLM_URL, any
OpenAI-compatible endpoint), it rewrites the composer's evidence into fluent sentences; each must
end with the marker of the article sentence that supports it ([S2]), and verification drops any
sentence whose quote does not support it. A model that fails or says NOT_COVERED changes nothing
the reader could be misled by: the composer's own answer, or the refusal, stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import httpx
from pydantic import BaseModel, ConfigDict

from bot.answer.scoring import Candidate
from bot.answer.verification import support
from bot.ingest.sentences import split_sentences
from bot.models import Mode, Part, Source, Statement
from bot.prompts import load_prompt_file

_MARKER = re.compile(r"\s*\[S(\d+)\]")


class ChatModel(Protocol):
    """Anything that turns chat messages into a reply."""

    def complete(self, messages: list[dict[str, str]]) -> str: ...


class ChatModelError(Exception):
    """The chat model could not be reached or answered nonsense."""


class OpenAICompatibleChat:
    """A chat model served over the OpenAI chat-completions HTTP API (vLLM, llama.cpp, Ollama...)."""

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 20.0) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout = timeout

    def complete(self, messages: list[dict[str, str]]) -> str:
        payload = {"model": self.model, "messages": messages, "temperature": 0}
        try:
            response = httpx.post(
                self.url, json=payload, headers=self.headers, timeout=self.timeout
            )
            response.raise_for_status()
            return str(response.json()["choices"][0]["message"]["content"])
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as error:
            raise ChatModelError(f"chat model at {self.url} failed: {error}") from None


class GenerationWording(BaseModel):
    """prompts/generate.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str
    user: str
    length_candidate: str
    length_recruiter: str
    not_covered: str


@cache
def load_generation_wording(path: Path) -> GenerationWording:
    return load_prompt_file(path, GenerationWording)


@dataclass(frozen=True)
class Generation:
    """What the model wrote, as statements with sources (None: keep the composer's answer)."""

    statements: tuple[Statement, ...] | None
    not_covered: bool = False


class GenerativeAnswerer:
    """Asks a chat model to word an answer from numbered evidence, and maps its markers back."""

    def __init__(self, model: ChatModel, wording: GenerationWording) -> None:
        self.model = model
        self.wording = wording

    def messages(
        self, question: str, evidence: tuple[Candidate, ...], mode: Mode
    ) -> list[dict[str, str]]:
        listed = "\n".join(f"[S{n}] {c.sentence.text}" for n, c in enumerate(evidence, start=1))
        length = (
            self.wording.length_candidate if mode == "candidate" else self.wording.length_recruiter
        )
        return [
            {"role": "system", "content": self.wording.system},
            {
                "role": "user",
                "content": self.wording.user.format(
                    question=question, evidence=listed, length=length
                ),
            },
        ]

    def answer(self, question: str, evidence: tuple[Candidate, ...], mode: Mode) -> Generation:
        if not evidence:
            return Generation(None)
        try:
            reply = self.model.complete(self.messages(question, evidence, mode)).strip()
        except ChatModelError:
            return Generation(None)
        if reply.startswith(self.wording.not_covered):
            return Generation(None, not_covered=True)
        statements = []
        for line in reply.splitlines():
            for sentence in split_sentences(line.strip().lstrip("-*• ")):
                statement = self._statement(sentence, evidence)
                if statement is not None:
                    statements.append(statement)
        return Generation(tuple(statements) if statements else None)

    @staticmethod
    def _statement(sentence: str, evidence: tuple[Candidate, ...]) -> Statement | None:
        """A model sentence with the best-supporting of its marked evidence; unmarked ones go."""
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        text = _MARKER.sub("", sentence).strip()
        sources = [evidence[n - 1] for n in numbers if 1 <= n <= len(evidence)]
        if not text or not sources:
            return None
        best = max(sources, key=lambda c: support(c.sentence.text, text))
        source = Source(best.chunk.id, best.sentence.text, best.score)
        return Statement((Part(text, source),), best.chunk.section, "sentences")
