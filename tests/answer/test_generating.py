"""The optional generative answerer, against a real HTTP server on loopback that plays the model.

The server speaks the OpenAI chat-completions API, records what it was sent, and replies with
what the test gives it: fluent, invented, unmarked, NOT_COVERED, or an HTTP error.
"""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.answer.generating import OpenAICompatibleChat
from bot.service import Bot
from bot.settings import Settings
from tests.conftest import SHIPPED_CORPUS


class FakeModel:
    """A chat-completions server on 127.0.0.1 with a scripted reply."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.reply = "NOT_COVERED"
        self.status = 200
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                model.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                payload = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": model.reply}}]}
                )
                self.send_response(model.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload.encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def fake_model():
    model = FakeModel()
    yield model
    model.close()


@pytest.fixture(scope="module")
def llm_bot(tmp_path_factory, embedder, fake_model: FakeModel) -> Bot:
    root = tmp_path_factory.mktemp("llm")
    shutil.copytree(SHIPPED_CORPUS, root / "corpus")
    settings = Settings(
        corpus_dir=root / "corpus",
        index_dir=root / "index",
        llm_url=fake_model.url,
        llm_model="test-model",
    )
    bot = Bot(
        settings,
        embedder,
        OpenAICompatibleChat(fake_model.url, "test-model", api_key="k", timeout=5),
    )
    bot.ingest(show_progress=False)
    return bot


def evidence_markers(request: dict) -> dict[str, str]:
    """[S1] -> sentence, as the model was shown them."""
    text = request["body"]["messages"][1]["content"]
    return {
        line.split("] ", 1)[0] + "]": line.split("] ", 1)[1]
        for line in text.splitlines()
        if line.startswith("[S")
    }


def test_model_sees_question_and_numbered_evidence_and_its_marked_sentences_are_cited(
    llm_bot, fake_model
):
    fake_model.reply = "School OTs often get summers off, depending on the contract [S1]."
    answer = llm_bot.ask("Do school OTs get summers off?")
    request = fake_model.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k"
    assert request["body"]["model"] == "test-model"
    assert "Do school OTs get summers off?" in request["body"]["messages"][1]["content"]
    shown = evidence_markers(request)
    assert "summers off" in shown["[S1]"]
    assert not answer.refused
    assert answer.citations[0].quote == shown["[S1]"]
    assert "depending on the contract [1]." in answer.answer


def test_invented_or_unmarked_sentences_are_dropped(llm_bot, fake_model):
    fake_model.reply = (
        "School OTs often get summers off, depending on the contract [S1]. "
        "They also earn a $10,000 summer bonus [S1]. "
        "Most districts offer free parking."
    )
    answer = llm_bot.ask("Do school OTs get summers off?")
    assert "bonus" not in answer.answer and "parking" not in answer.answer
    assert "summers off" in answer.answer


def test_not_covered_from_the_model_refuses(llm_bot, fake_model):
    fake_model.reply = "NOT_COVERED"
    assert llm_bot.ask("Do school OTs get summers off?").refused


def test_a_failing_model_leaves_the_offline_answer(llm_bot, fake_model):
    fake_model.status = 500
    try:
        answer = llm_bot.ask("Do school OTs get summers off?")
    finally:
        fake_model.status = 200
    assert not answer.refused
    assert "A schedule that follows the school calendar" in answer.answer


def test_out_of_scope_never_reaches_the_model(llm_bot, fake_model):
    sent = len(fake_model.requests)
    assert llm_bot.ask("What's the weather like in Boston today?").refused
    assert len(fake_model.requests) == sent
