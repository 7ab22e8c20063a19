"""The one web server: the JSON API (`bot.app.api`) with the Gradio app mounted beside it at `/`."""

from __future__ import annotations

import gradio as gr
import uvicorn
from fastapi import FastAPI

from bot.app.api import build_api
from bot.app.web import CSS, HEAD, build_app
from bot.service import Bot

MAX_UPLOAD = "5mb"  # the same limit the corpus reader applies


def build_server(bot: Bot) -> FastAPI:
    """The API routes first (they win over Gradio's), then the Gradio app at `/`. Gradio's queue
    works on as many events at once as the settings' `answer_workers` (the cores), in order."""
    demo = build_app(bot)
    demo.queue(default_concurrency_limit=bot.settings.answer_workers)
    return gr.mount_gradio_app(
        build_api(bot),
        demo,
        path="/",
        css=CSS,
        head=HEAD,
        footer_links=["api"],
        show_error=True,
        max_file_size=MAX_UPLOAD,
    )


def serve(bot: Bot, host: str, port: int) -> None:
    """Run the app until interrupted."""
    uvicorn.run(build_server(bot), host=host, port=port, log_level="warning")
