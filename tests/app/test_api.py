"""The JSON API, called by a real HTTP client (httpx) on the real server on a loopback port."""

from __future__ import annotations

import asyncio
import queue
import time

import httpx
import pytest

from bot.answer.rewriting import Turn
from bot.service import Bot
from tests.app.conftest import Recorder

pytestmark = pytest.mark.slow

SCHOOL = "Do school OTs get summers off?"


def _run(coroutine):
    """asyncio.run in a thread of its own: a browser test earlier in the same process (Playwright's
    sync API) may have left an event loop running in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _without_timings(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def test_ask_returns_the_cli_answer_json_and_follows_history(app_url: str, app_bot: Bot):
    with httpx.Client(base_url=app_url, timeout=60) as client:
        first = client.post("/api/ask", json={"question": SCHOOL})
        assert first.status_code == 200, first.text
        answer = first.json()
        # The same serialisation `otbot ask --json` prints, key for key and in order.
        expected = app_bot.ask(SCHOOL).to_json()
        assert list(answer) == list(expected)
        assert _without_timings(answer) == _without_timings(expected)
        assert not answer["refused"] and "summers off" in answer["answer"]
        assert answer["citations"][0]["quote"] in answer["citations"][0]["chunk"]

        history = [
            {"role": "user", "content": SCHOOL},
            {"role": "assistant", "content": answer["answer"]},
        ]
        follow_up = client.post(
            "/api/ask", json={"question": "And in clinics?", "history": history, "mode": "candidate"}
        )
        assert follow_up.status_code == 200, follow_up.text
        second = follow_up.json()
    # With history the follow-up is about clinics; without it, it would not be understood.
    assert "clinic" in second["standalone_question"].lower()
    assert "summer" in second["standalone_question"].lower()
    assert not second["refused"] and "clinic" in second["answer"].lower()
    turns = [Turn("user", SCHOOL), Turn("assistant", answer["answer"])]
    assert _without_timings(second) == _without_timings(
        app_bot.ask("And in clinics?", turns).to_json()
    )


def test_recruiter_mode_and_an_id(app_url: str):
    response = httpx.post(
        app_url + "api/ask",
        json={"question": "What are the advantages of clinical OT?", "mode": "recruiter", "id": 7},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.json()["mode"] == "recruiter" and response.json()["id"] == 7
    assert "Sources:" in response.json()["answer"]
    formal = httpx.post(
        app_url + "api/ask",
        json={"question": "What are the advantages of clinical OT?", "mode": "recruiter",
              "tone": "formal", "detail": "short"},
        timeout=60,
    ).json()
    from bot.prompts import load_wording

    assert formal["answer"].startswith(load_wording().recruiter.tone("formal").opening)
    assert len(formal["citations"]) < len(response.json()["citations"])


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"question": "   "}, "question", "empty"),
        ({}, "question", "required"),
        ({"question": 3}, "question", "string"),
        ({"question": "x" * 2001}, "question", "limit is 2000"),
        ({"question": SCHOOL, "mode": "boss"}, "mode", "candidate"),
        ({"question": SCHOOL, "history": [{"role": "bot", "content": "hi"}]}, "history[0].role", ""),
        ({"question": SCHOOL, "history": [{"role": "user", "content": " "}]}, "history[0].content", "empty"),
        ({"question": SCHOOL, "history": "earlier"}, "history", "list"),
        ({"question": SCHOOL, "histroy": []}, "histroy", "not a field"),
        ({"question": SCHOOL, "tone": "chill"}, "tone", "formal or friendly"),
        ({"question": SCHOOL, "detail": "huge"}, "detail", "short"),
    ],
)
def test_bad_ask_requests_get_422_naming_the_field(app_url: str, body: dict, field: str, words: str):
    response = httpx.post(app_url + "api/ask", json=body, timeout=30)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["field"] == field
    assert error["error"].startswith(field) and words in error["error"]


def test_bodies_that_are_not_json_or_too_large(app_url: str):
    with httpx.Client(base_url=app_url, timeout=30) as client:
        broken = client.post(
            "/api/ask", content=b'{"question": ', headers={"Content-Type": "application/json"}
        )
        assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]
        not_object = client.post("/api/ask", json=["a question"])
        assert not_object.status_code == 422 and not_object.json()["field"] == "body"
        # Over the limit (20,000 bytes in this app), announced or streamed without a length.
        large = client.post("/api/ask", json={"question": "x" * 30_000})
        assert large.status_code == 413 and "20000 bytes" in large.json()["error"]

        def chunks():
            yield b'{"question": "'
            for _ in range(30):
                yield b"x" * 1000
            yield b'"}'

        streamed = client.post(
            "/api/ask", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert client.get("/api/ask").status_code == 404  # only POST is routed


def test_cors_allows_only_the_configured_origin(app_url: str):
    def preflight(origin: str) -> httpx.Response:
        return httpx.options(
            app_url + "api/ask",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )

    allowed = preflight("https://careers.example.com")
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://careers.example.com"
    assert "access-control-allow-origin" not in preflight("https://evil.example").headers
    simple = httpx.post(
        app_url + "api/ask",
        json={"question": SCHOOL},
        headers={"Origin": "https://careers.example.com"},
        timeout=60,
    )
    assert simple.headers["access-control-allow-origin"] == "https://careers.example.com"


def test_concurrent_questions_are_all_answered(app_url: str):
    questions = [SCHOOL, "What does IEP mean?", "What are the advantages of clinical OT?"] * 2

    async def ask_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=app_url, timeout=120) as client:
            return await asyncio.gather(
                *(client.post("/api/ask", json={"question": q}) for q in questions)
            )

    responses = _run(ask_all())
    assert [r.status_code for r in responses] == [200] * len(questions)
    assert [r.json()["question"] for r in responses] == questions


def _drain(posts: queue.Queue) -> None:
    while not posts.empty():
        posts.get_nowait()


def test_a_lead_is_stored_and_posted_to_the_webhook(app_url: str, app_bot: Bot, webhook: Recorder):
    _drain(webhook.posts)
    lead = {
        "name": "Dana Reyes",
        "email": "dana@example.com",
        "phone": "",
        "consent": True,
        "question": "What do school OTs earn in Ohio?",
    }
    response = httpx.post(app_url + "api/leads", json=lead, timeout=30)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "received"
    assert "dana" not in response.text.lower()  # nothing about the lead is sent back

    path, posted = webhook.posts.get(timeout=15)
    assert path == "/leads"
    assert {k: posted[k] for k in lead} == lead and posted["id"] >= 1
    stored = next(s for s in app_bot.leads() if s.id == posted["id"])
    assert (stored.name, stored.email, stored.question) == (
        "Dana Reyes",
        "dana@example.com",
        "What do school OTs earn in Ohio?",
    )
    deadline = time.monotonic() + 15
    while app_bot.leads()[0].delivery == "pending" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert next(s for s in app_bot.leads() if s.id == posted["id"]).delivery == "sent"
    # There is no way to read leads back through the API.
    listing = httpx.get(app_url + "api/leads")
    assert listing.status_code == 404 and "Dana" not in listing.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent": "yes"}, "consent"),
        ({"email": "", "phone": ""}, "email"),
        ({"email": "dana.example.com"}, "email"),
        ({"email": "", "phone": "12"}, "phone"),
        ({"email": "", "phone": "call me maybe 555"}, "phone"),
        ({"name": "  "}, "name"),
        ({"question": ""}, "question"),
        ({"name": None}, "name"),
        ({"question": "q" * 2001}, "question"),
    ],
)
def test_bad_leads_get_422_naming_the_field_and_store_nothing(
    app_url: str, app_bot: Bot, change: dict, field: str
):
    before = len(app_bot.leads())
    lead = {"name": "Dana", "email": "dana@example.com", "phone": "", "consent": True}
    response = httpx.post(
        app_url + "api/leads", json={**lead, "question": "Pay?", **change}, timeout=30
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(field)
    assert len(app_bot.leads()) == before


def test_answers_are_worked_out_at_most_answer_workers_at_once_in_arrival_order(app_bot: Bot):
    """Sixteen requests at once: with one worker, answers never overlap, and they are answered
    in the order they came (the limiter is first come, first served)."""
    import threading

    from bot.app.api import build_api
    from tests.app.conftest import served

    class Counting:
        def __init__(self, bot: Bot) -> None:
            self._bot = bot
            self.settings = bot.settings.model_copy(update={"answer_workers": 1})
            self.running = self.most = 0
            self.order: list[str] = []
            self._lock = threading.Lock()

        def __getattr__(self, name: str):
            return getattr(self._bot, name)

        def ask(self, question: str, *args, **kwargs):
            with self._lock:
                self.running += 1
                self.most = max(self.most, self.running)
                self.order.append(kwargs.get("request_id"))
            try:
                time.sleep(0.05)  # longer than the gap between arrivals: they queue
                return self._bot.ask(question, *args, **kwargs)
            finally:
                with self._lock:
                    self.running -= 1

    counting = Counting(app_bot)
    with served(build_api(counting)) as url:

        async def ask_all() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                # Sixteen open connections first, so that no request waits for its own.
                await asyncio.gather(*(client.get("/api/openapi.json") for _ in range(16)))
                posts = []
                for n in range(16):
                    posts.append(asyncio.ensure_future(
                        client.post("/api/ask", json={"question": SCHOOL, "id": str(n)})
                    ))
                    await asyncio.sleep(0.03)  # a known arrival order
                return await asyncio.gather(*posts)

        responses = _run(ask_all())
    assert [r.status_code for r in responses] == [200] * 16
    assert counting.most == 1
    assert counting.order == [str(n) for n in range(16)]
