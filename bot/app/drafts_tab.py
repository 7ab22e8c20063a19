"""The Recruiter drafts tab: sourced drafts as e-mail text and as Markdown, editable, copied or
downloaded exactly as edited."""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.app.presenting import draft_text
from bot.prompts import AppWording
from bot.service import Bot, QuestionError


def _download_js(selector: str, filename: str, kind: str, nothing_yet: str) -> str:
    """A click handler that saves the box's text as it is on screen right now (edits included,
    even before the box loses focus) or says that there is nothing to save."""
    return (
        f"(text) => window.otbotDownload({selector!r}, text, {filename!r}, {kind!r}, "
        f"{nothing_yet!r})"
    )


def build_drafts_tab(bot: Bot, words: AppWording) -> None:
    """The Recruiter drafts tab's components and events (inside an open `gr.Tab`)."""
    gr.Markdown(words.recruiter_intro)
    questions = gr.Textbox(lines=4, label="Candidate question(s), one per line")
    with gr.Row():
        tone = gr.Radio(["friendly", "formal"], value="friendly", label="Tone")
        detail = gr.Radio(["short", "standard", "detailed"], value="standard", label="Length")
    draft_button = gr.Button("Draft answer", variant="primary")
    with gr.Tabs():
        with gr.Tab("E-mail text", id="email"):
            email = gr.Textbox(
                lines=16,
                label="Draft to paste into an e-mail (editable)",
                interactive=True,
                buttons=["copy"],
                elem_id="draft-email",
            )
        with gr.Tab("Markdown", id="markdown"):
            markdown = gr.Textbox(
                lines=16,
                label="Draft as Markdown (editable)",
                interactive=True,
                buttons=["copy"],
                elem_id="draft-markdown",
            )
    with gr.Row():
        save_email = gr.Button("Download e-mail text (.txt)", elem_id="download-email")
        save_markdown = gr.Button("Download Markdown (.md)", elem_id="download-markdown")
    status = gr.Markdown("", elem_id="draft-status")

    def make_draft(text: str, chosen_tone: str, length: str) -> tuple[Any, ...]:
        try:
            answers = bot.draft(text, tone=chosen_tone, detail=length)
        except QuestionError as error:
            return gr.update(), gr.update(), f"Nothing drafted: {error}."
        return (
            draft_text(answers, bot.wording, "email"),
            draft_text(answers, bot.wording, "markdown"),
            "",
        )

    draft_button.click(
        make_draft, [questions, tone, detail], [email, markdown, status], api_visibility="private"
    )
    save_email.click(
        None,
        [email],
        [status],
        js=_download_js(
            "#draft-email textarea", "otbot-draft.txt", "text/plain", words.nothing_to_download
        ),
    )
    save_markdown.click(
        None,
        [markdown],
        [status],
        js=_download_js(
            "#draft-markdown textarea", "otbot-draft.md", "text/markdown", words.nothing_to_download
        ),
    )
