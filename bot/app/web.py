"""The Gradio app: candidate chat, recruiter drafts and the content tab, as a thin shell over `Bot`.

Callbacks only translate between Gradio values and `Bot` calls; every decision lives in `Bot`.
The chat is also served as the API endpoint `chat`:
`Client(url).predict("Do school OTs get summers off?", api_name="/chat")`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from bot.answer.rewriting import Turn
from bot.app.presenting import articles_rows, as_text, chat_markdown, draft_markdown, follow_ups
from bot.ingest.loading import ArticleError
from bot.prompts import AppWording, load_app_wording
from bot.quality.coverage import coverage_chart, read_question_bank, to_markdown
from bot.service import Bot, QuestionError

MAX_SUGGESTIONS = 3
ARTICLE_COLUMNS = ["Title", "Publisher", "Date", "Chunks", "Gaps", "File"]
CSS = """
#chat blockquote { border-left: 4px solid #4f7cac; background: #f3f6fa; margin: 0.4em 0;
  padding: 0.4em 0.8em; border-radius: 6px; }
.disclosure { font-size: 0.9em; opacity: 0.8; }
"""
# Scripts for the page head (none yet).
HEAD = ""


def _text(content: Any) -> str:
    """The text of a chat message's content, which Gradio may hand over as a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "")
    if isinstance(content, (list, tuple)):
        return " ".join(_text(part) for part in content).strip()
    return ""


def _history(messages: list[dict[str, Any]]) -> list[Turn]:
    return [
        Turn(m["role"], _text(m.get("content")))
        for m in messages
        if m.get("role") in ("user", "assistant") and _text(m.get("content"))
    ]


def _chunks(text: str, pieces: int = 8) -> Iterator[str]:
    """The growing prefixes of a reply, cut at spaces, for a streamed display."""
    step = max(1, len(text) // pieces)
    position = 0
    while position < len(text):
        cut = text.find(" ", position + step)
        position = len(text) if cut == -1 else cut
        yield text[:position]


def build_app(bot: Bot, wording: AppWording | None = None) -> gr.Blocks:
    """The whole app for one `Bot`."""
    words = wording or load_app_wording(bot.settings.prompts_dir / "app.toml")

    def add_message(message: str, messages: list[dict[str, Any]]):
        if not message or not message.strip():
            return gr.update(), messages
        return "", [*messages, {"role": "user", "content": message.strip()}]

    def respond(messages: list[dict[str, Any]], answers: dict[int, Any]):
        hidden = [gr.update(visible=False)] * MAX_SUGGESTIONS
        if not messages or messages[-1]["role"] != "user":
            yield messages, answers, *hidden
            return
        question = _text(messages[-1]["content"])
        try:
            answer = bot.ask(question, _history(messages[:-1]), record_refusal=True)
            reply = chat_markdown(answer)
        except QuestionError as error:
            answer, reply = None, f"Sorry, I can't take that question: {error}."
        position = len(messages)
        for partial in _chunks(reply):
            yield [*messages, {"role": "assistant", "content": partial}], answers, *hidden
        if answer is not None:
            answers = {**answers, position: answer.to_json()}
            asked = [_text(m["content"]) for m in messages if m["role"] == "user"]
            suggestions = follow_ups(answer, words, asked, MAX_SUGGESTIONS)
        else:
            suggestions = []
        buttons = [
            gr.update(value=suggestions[i], visible=True)
            if i < len(suggestions)
            else gr.update(visible=False)
            for i in range(MAX_SUGGESTIONS)
        ]
        yield [*messages, {"role": "assistant", "content": reply}], answers, *buttons

    def rate(answers: dict[int, Any], like: gr.LikeData) -> str:
        index = like.index[0] if isinstance(like.index, (list, tuple)) else like.index
        answer = answers.get(int(index))
        if answer is None:
            return ""
        bot.rate(answer, bool(like.liked))
        return "Thanks for the feedback!"

    def chat_api(message: str, mode: str = "candidate") -> str:
        """Answer one question; returns Markdown with [n] markers and the sources."""
        try:
            return chat_markdown(bot.ask(message, mode=mode, record_refusal=True))
        except QuestionError as error:
            raise gr.Error(str(error)) from None

    def make_draft(text: str, tone: str, detail: str):
        try:
            draft = draft_markdown(bot.draft(text, tone=tone, detail=detail))
        except QuestionError as error:
            return f"({error})", gr.update(value=None)
        return draft, gr.update(value=_draft_file(draft))

    def save_draft(text: str):
        return gr.update(value=_draft_file(text) if text.strip() else None)

    def login(user: str, password: str, request: gr.Request):
        client = request.client.host if request and request.client else ""
        if bot.check_admin(user, password, client):
            return True, gr.update(visible=False), gr.update(visible=True), "", _articles()
        wait = bot.login_wait(client)
        message = (
            f"Too many failed attempts. Try again in {wait / 60:.0f} minutes."
            if wait > 0
            else "Wrong user name or password."
        )
        return False, gr.update(), gr.update(visible=False), message, gr.update()

    def upload(path: str | None, is_admin: bool):
        if not is_admin:
            return "Please log in first.", gr.update()
        if not path:
            return "Choose a .txt, .md or .html file to upload.", gr.update()
        name = Path(path).name
        try:
            report = bot.add_article(name, Path(path).read_bytes())
        except ArticleError as error:
            return as_text(f"Not added: {error}"), gr.update()
        return (
            f"Indexed {as_text(name)}: {report.added} chunks added, {report.removed} removed "
            f"({report.articles} articles in the index). It can be asked about right away.",
            _articles(),
        )

    def run_coverage(path: str | None, is_admin: bool):
        if not is_admin:
            return "Please log in first.", None
        try:
            questions = read_question_bank(Path(path)) if path else None
            report = bot.coverage(questions)
        except ValueError as error:
            return as_text(f"Could not read the question bank: {error}"), None
        chart = coverage_chart(
            report, Path(tempfile.mkdtemp(prefix="otbot-coverage-")) / "coverage.png"
        )
        return as_text(to_markdown(report)), str(chart)  # article words shown as text

    def _articles():
        return gr.update(value=articles_rows(bot.articles()))

    with gr.Blocks(title=words.title) as demo:
        gr.Markdown(f"# {words.title}")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                gr.Markdown(words.disclosure, elem_classes="disclosure")
                answers = gr.State({})
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    height=520,
                    show_label=False,
                    placeholder=words.placeholder,
                    feedback_options=("Like", "Dislike"),
                )
                textbox = gr.Textbox(
                    placeholder=words.placeholder,
                    show_label=False,
                    submit_btn=True,
                    elem_id="question",
                )
                with gr.Row():
                    suggestions = [
                        gr.Button(q, size="sm", visible=True, elem_classes="suggestion")
                        for q in (words.examples + [""] * MAX_SUGGESTIONS)[:MAX_SUGGESTIONS]
                    ]
                thanks = gr.Markdown("", elem_id="feedback-status")

                reply_outputs = [chatbot, answers, *suggestions]
                textbox.submit(
                    add_message, [textbox, chatbot], [textbox, chatbot], api_visibility="private"
                ).then(respond, [chatbot, answers], reply_outputs, api_visibility="private")
                for button in suggestions:
                    button.click(
                        add_message, [button, chatbot], [textbox, chatbot], api_visibility="private"
                    ).then(respond, [chatbot, answers], reply_outputs, api_visibility="private")
                chatbot.like(rate, [answers], [thanks], api_visibility="private")

            with gr.Tab("Recruiter drafts", id="drafts"):
                gr.Markdown(words.recruiter_intro)
                questions = gr.Textbox(lines=4, label="Candidate question(s), one per line")
                with gr.Row():
                    tone = gr.Radio(["friendly", "formal"], value="friendly", label="Tone")
                    detail = gr.Radio(
                        ["short", "standard", "detailed"], value="standard", label="Length"
                    )
                draft_button = gr.Button("Draft answer", variant="primary")
                draft = gr.Textbox(
                    lines=16,
                    label="Draft (editable)",
                    interactive=True,
                    buttons=["copy"],
                    elem_id="draft",
                )
                download = gr.DownloadButton("Download as Markdown", value=None)
                draft_button.click(
                    make_draft,
                    [questions, tone, detail],
                    [draft, download],
                    api_visibility="private",
                )
                draft.blur(save_draft, [draft], [download], api_visibility="private")

            if bot.admin_enabled():
                with gr.Tab("Content", id="content"):
                    gr.Markdown(words.content_intro)
                    is_admin = gr.State(False)
                    with gr.Column() as login_box:
                        user = gr.Textbox(label="User")
                        password = gr.Textbox(label="Password", type="password")
                        login_button = gr.Button("Log in")
                        login_status = gr.Markdown("")
                    with gr.Column(visible=False) as admin_box:
                        table = gr.Dataframe(headers=ARTICLE_COLUMNS, interactive=False, wrap=True)
                        upload_file = gr.File(
                            label="Add an article",
                            file_types=[".txt", ".md", ".markdown", ".html", ".htm"],
                            elem_id="article-upload",
                        )
                        upload_status = gr.Markdown("")
                        gr.Markdown("### Coverage report")
                        bank_file = gr.File(
                            label="Question bank (.txt or .csv; empty = the starter bank)",
                            file_types=[".txt", ".csv"],
                        )
                        coverage_button = gr.Button("Run coverage report")
                        coverage_chart_image = gr.Image(
                            label="Coverage", type="filepath", interactive=False
                        )
                        coverage_report = gr.Markdown("", elem_id="coverage-report")
                    for submitted in (login_button.click, password.submit):  # Enter logs in too
                        submitted(
                            login,
                            [user, password],
                            [is_admin, login_box, admin_box, login_status, table],
                            api_visibility="private",
                        )
                    upload_file.upload(
                        upload,
                        [upload_file, is_admin],
                        [upload_status, table],
                        api_visibility="private",
                    )
                    coverage_button.click(
                        run_coverage,
                        [bank_file, is_admin],
                        [coverage_report, coverage_chart_image],
                        api_visibility="private",
                    )

        gr.api(chat_api, api_name="chat")
    return demo


def _draft_file(text: str) -> str:
    """The draft as a Markdown file for the download button (Gradio serves it from its temp dir)."""
    with tempfile.NamedTemporaryFile(
        "w", suffix=".md", prefix="otbot-draft-", delete=False, encoding="utf-8"
    ) as handle:
        handle.write(text)
    return handle.name
