"""The JSON API a website's own backend (or its pages) calls, beside the Gradio app.

- `POST /api/ask` `{"question", "history", "mode"}` (optional `id`, `detail`, `tone`) -> the
  answer JSON of `otbot ask --json`
  (`Answer.to_json`, the one serialisation the CLI uses too).
- `POST /api/leads` `{"name", "email", "phone", "consent", "question"}` -> 201
  `{"status": "received", "received"}`; nothing about stored leads is ever sent back.

Errors are JSON `{"error": "...", "field": "..."}`: 400 for a body that is not JSON, 413 for a body
over `OTBOT_API_MAX_BODY_BYTES`, 422 naming the field that is wrong. Answers are worked out in
Starlette's thread pool, never on the event loop and never through Gradio's queue.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Literal

from anyio import CapacityLimiter, to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.concurrency import run_in_threadpool

from bot.answer.rewriting import Turn
from bot.app.leads import LeadError
from bot.ingest.index import IndexDamaged
from bot.models import Detail
from bot.service import Bot, QuestionError, check_text

MAX_HISTORY_TURNS = 40

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    """What a website sends to `/api/ask`."""

    model_config = ConfigDict(extra="forbid")

    question: str
    history: list[HistoryTurn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    mode: Literal["candidate", "recruiter"] = "candidate"
    id: str | int | None = None  # echoed back, as in `otbot ask --jsonl`
    detail: Detail = "standard"
    tone: str | None = None  # a recruiter draft's tone (prompts/answer.toml)


class LeadRequest(BaseModel):
    """What a website sends to `/api/leads`; the fields are checked by `Bot.add_lead`."""

    model_config = ConfigDict(extra="forbid")

    name: str
    email: str = ""
    phone: str = ""
    consent: StrictBool
    question: str


def _error(status: int, message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if field is not None:
        body["field"] = field
    return JSONResponse(body, status_code=status)


def _field_of(location: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "history", 0, "role")` -> `"history[0].role"`."""
    parts = list(location[1:] if location and location[0] == "body" else location)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = error.errors()
    first = problems[0]
    if first.get("type") == "json_invalid":
        return _error(400, f"the body is not valid JSON ({first.get('ctx', {}).get('error', '')})")
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "invalid"))
    if first.get("type") == "missing":
        message = "is required"
    elif first.get("type") == "extra_forbidden":
        message = "is not a field of this request"
    return JSONResponse(
        {
            "error": f"{field}: {message}",
            "field": field,
            "errors": [
                {"field": _field_of(p.get("loc", ())), "message": p.get("msg")} for p in problems
            ],
        },
        status_code=422,
    )


class BodyLimit:
    """Refuses request bodies over `limit` bytes on paths under `prefix` with 413, whether the
    client announced the length or streams the body."""

    def __init__(self, app: ASGIApp, limit: int, prefix: str = "/api/") -> None:
        self.app = app
        self.limit = limit
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        # Read the body here (it is small by definition) so that a stream without a declared
        # length is cut off at the limit too, then hand it on whole.
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.limit:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _error(413, f"the request body is over the limit of {self.limit} bytes")
        await response(scope, receive, send)


class _AnswerSlots:
    """At most `workers` answers worked out at once, the rest waiting in arrival order (anyio's
    limiter is first come, first served). More threads than cores answering at once only share
    the cores and the GIL: each answer takes longer and the slowest wait longest."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._limiter: CapacityLimiter | None = None

    def get(self) -> CapacityLimiter:
        if self._limiter is None:  # made on the server's event loop, at the first question
            self._limiter = CapacityLimiter(self.workers)
        return self._limiter


def build_api(bot: Bot) -> FastAPI:
    """The FastAPI app with `/api/ask` and `/api/leads`; the Gradio app is mounted onto it."""
    settings = bot.settings
    api = FastAPI(title="otbot", docs_url="/api/docs", openapi_url="/api/openapi.json")
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    # Always configured, so that Gradio adds no CORS policy of its own: empty means same origin.
    api.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
    )
    api.add_middleware(BodyLimit, limit=settings.api_max_body_bytes)
    api.add_exception_handler(RequestValidationError, _validation_error)
    slots = _AnswerSlots(settings.answer_workers)

    @api.post("/api/ask")
    async def ask(request: AskRequest) -> JSONResponse:
        """Answer one question from the articles, with its citations (the `otbot ask --json`
        answer)."""
        try:
            check_text(request.question, "question", settings.max_question_chars)
        except QuestionError as error:
            return _error(422, str(error), "question")
        for number, turn in enumerate(request.history):
            try:
                check_text(turn.content, f"history[{number}].content")
            except QuestionError as error:
                return _error(422, str(error), f"history[{number}].content")
        history = [Turn(t.role, t.content) for t in request.history]
        tones = bot.wording.recruiter.tones
        if request.tone is not None and request.tone not in tones:
            expected = " or ".join(sorted(tones))
            return _error(422, f"tone {request.tone!r} is unknown (expected {expected})", "tone")
        try:
            answer = await to_thread.run_sync(
                functools.partial(
                    bot.ask,
                    request.question,
                    history,
                    mode=request.mode,
                    request_id=request.id,
                    tone=request.tone,
                    detail=request.detail,
                    record_refusal=True,
                ),
                limiter=slots.get(),
            )
        except QuestionError as error:
            return _error(422, str(error), "question")
        except IndexDamaged as error:
            return _error(503, f"the index cannot be read: {error}")
        return JSONResponse(answer.to_json())

    @api.post("/api/leads", status_code=201)
    async def add_lead(request: LeadRequest) -> JSONResponse:
        """Store a visitor's request to be contacted by a recruiter."""
        try:
            lead = await run_in_threadpool(
                bot.add_lead,
                request.name,
                request.email,
                request.phone,
                request.consent,
                request.question,
            )
        except LeadError as error:
            return _error(422, str(error), error.field)
        return JSONResponse({"status": "received", "received": lead.received}, status_code=201)

    return api
