"""The Gradio app: one builder per tab (`chat_tab`, `drafts_tab`, `content_tab`), as a thin shell
over `Bot`.

Callbacks only translate between Gradio values and `Bot` calls; every decision lives in `Bot`.
The chat is also served as the API endpoint `chat`:
`Client(url).predict("Do school OTs get summers off?", api_name="/chat")`.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from bot.app.chat_tab import build_chat_tab
from bot.app.content_tab import build_content_tab
from bot.app.drafts_tab import build_drafts_tab
from bot.app.presenting import chat_markdown
from bot.prompts import AppWording, load_app_wording
from bot.service import Bot, QuestionError

STATIC = Path(__file__).resolve().parent / "static"
CSS = (STATIC / "app.css").read_text(encoding="utf-8")
HEAD = f"<script>\n{(STATIC / 'app.js').read_text(encoding='utf-8')}\n</script>"


def build_app(bot: Bot, wording: AppWording | None = None) -> gr.Blocks:
    """The whole app for one `Bot` (the Content tab only when an admin password is set)."""
    words = wording or load_app_wording(bot.settings.prompts_dir / "app.toml")

    def chat_api(message: str, mode: str = "candidate") -> str:
        """Answer one question; returns Markdown with [n] markers and the sources."""
        try:
            return chat_markdown(bot.ask(message, mode=mode, record_refusal=True))
        except QuestionError as error:
            raise gr.Error(str(error)) from None

    with gr.Blocks(title=words.title) as demo:
        gr.Markdown(f"# {words.title}")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                build_chat_tab(bot, words)
            with gr.Tab("Recruiter drafts", id="drafts"):
                build_drafts_tab(bot, words)
            if bot.admin_enabled():
                with gr.Tab("Content", id="content"):
                    build_content_tab(bot, words)
        gr.api(chat_api, api_name="chat")
    return demo
