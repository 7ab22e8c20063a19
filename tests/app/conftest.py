"""One real server for the app tests: the API and the Gradio app (as `otbot serve` runs them) on a
loopback port, over a real Bot, a loopback webhook that records leads, and headless Chromium."""

from __future__ import annotations

import json
import queue
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bot.app.server import build_server
from bot.service import Bot
from bot.settings import Settings
from tests.conftest import SHIPPED_CORPUS, free_port

CHROMIUM = "/usr/bin/chromium"
ADMIN_PASSWORD = "s3cret"
# An article with a web address, so that drafts can link their sources.
TRAVEL_ARTICLE = """---
title: Travel occupational therapy assignments
publisher: Example Staffing
date: 2026-02-01
url: https://careers.example.com/travel-ot
---
# Travel occupational therapy assignments

Travel occupational therapists take short contracts, usually thirteen weeks, in hospitals, clinics
and schools away from home. Agencies arrange housing or pay a housing stipend for each assignment.
"""


class Recorder:
    """A loopback HTTP server that records each POST (path and JSON body) in a queue."""

    def __init__(self) -> None:
        self.posts: queue.Queue[tuple[str, Any]] = queue.Queue()
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server spelling)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                posts.put((self.path, json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/leads"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def webhook() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.close()


@pytest.fixture(scope="session")
def app_bot(tmp_path_factory: pytest.TempPathFactory, embedder, webhook: Recorder) -> Bot:
    """A bot with its own corpus copy (the admin tests add and delete articles), an admin
    password and the recording webhook for leads."""
    root = tmp_path_factory.mktemp("app")
    shutil.copytree(SHIPPED_CORPUS, root / "corpus")
    (root / "corpus" / "travel-ot.md").write_text(TRAVEL_ARTICLE, encoding="utf-8")
    bot = Bot(
        Settings(
            corpus_dir=root / "corpus",
            index_dir=root / "index",
            admin_password=ADMIN_PASSWORD,
            lead_webhook=webhook.url,
            cors_origins="https://careers.example.com",
            api_max_body_bytes=20_000,
        ),
        embedder,
    )
    bot.ingest(show_progress=False)
    return bot


@contextmanager
def served(app: Any) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port, as `otbot serve` does; yields its URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def app_url(app_bot: Bot) -> Iterator[str]:
    with served(build_server(app_bot)) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
            ],
        )
        yield chromium
        chromium.close()


def open_app(browser, app_url: str, width: int = 1100, height: int = 1000, scheme: str = "light"):
    """A fresh visitor (own context: own session, no shared state) on the app's first page."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, accept_downloads=True
    )
    page = context.new_page()
    page.goto(app_url)
    page.locator("#question textarea").wait_for(timeout=30_000)
    return page


def ask(page, question: str) -> None:
    """Type `question` into the chat and send it with Enter."""
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")


def answered(page, count: int, timeout: float = 30_000) -> None:
    """Wait until the chat shows `count` finished replies."""
    page.wait_for_function(
        """(count) => {
            const rows = [...document.querySelectorAll('#chat .bot-row')];
            return rows.length >= count && rows.every((row) => !row.querySelector('.pending'));
        }""",
        arg=count,
        timeout=timeout,
    )


def log_in(page, password: str = ADMIN_PASSWORD) -> None:
    page.get_by_role("tab", name="Content").click()
    page.get_by_role("textbox", name="User", exact=True).fill("admin")
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_role("textbox", name="Password", exact=True).press("Enter")


# The WCAG contrast ratio of an element's text against what is really behind it: the first
# opaque background up the tree, with translucent ones and opacity composited on the way.
CONTRAST_JS = """(element) => {
  const rgba = (text) => {
    const v = text.match(/[\\d.]+/g).map(Number);
    return v.length === 3 ? [...v, 1] : v;
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const layers = [];
  let opacity = 1;
  for (let node = element; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    opacity *= Number(style.opacity);
    const background = rgba(style.backgroundColor);
    if (background[3] > 0) layers.push(background);
    if (background[3] === 1) break;
  }
  let base = [255, 255, 255];
  for (const layer of layers.reverse()) base = base.map((v, i) => layer[i] * layer[3] + v * (1 - layer[3]));
  const text = rgba(getComputedStyle(element).color);
  const alpha = text[3] * opacity;
  const shown = base.map((v, i) => text[i] * alpha + v * (1 - alpha));
  const [hi, lo] = [luminance(shown), luminance(base)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""
