"""The Content tab (behind its login): articles with their gaps, upload, replace and delete, the
leads from the recruiter handoff, and the coverage report."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from bot.app.presenting import (
    LEAD_COLUMNS,
    article_choices,
    articles_rows,
    as_text,
    leads_rows,
)
from bot.ingest.loading import ArticleError
from bot.prompts import AppWording
from bot.quality.coverage import (
    coverage_chart,
    coverage_report,
    read_question_bank,
    to_markdown,
)
from bot.service import Bot

ARTICLE_COLUMNS = ["Title", "Publisher", "Date", "Chunks", "Gaps", "File"]
NEW_ARTICLE = "__new__"


def build_content_tab(bot: Bot, words: AppWording) -> None:
    """The Content tab's components and events (inside an open `gr.Tab`)."""
    gr.Markdown(words.content_intro)
    is_admin = gr.State(False)
    with gr.Column() as login_box:
        user = gr.Textbox(label="User")
        password = gr.Textbox(label="Password", type="password")
        login_button = gr.Button("Log in")
        login_status = gr.Markdown("")
    with gr.Column(visible=False) as admin_box:
        table = gr.Dataframe(headers=ARTICLE_COLUMNS, interactive=False, wrap=True)
        gr.Markdown("### Add, replace or delete an article")
        target = gr.Dropdown(
            label="Upload as", choices=[("a new article", NEW_ARTICLE)], value=NEW_ARTICLE,
            elem_id="upload-target",
        )
        upload_file = gr.File(
            label="Article file (.txt, .md or .html, up to 5 MB)",
            file_types=[".txt", ".md", ".markdown", ".html", ".htm"],
            elem_id="article-upload",
        )
        with gr.Row():
            doomed = gr.Dropdown(label="Article to delete", choices=[], elem_id="delete-choice")
            delete_button = gr.Button("Delete article", variant="stop", elem_id="delete")
            confirm_button = gr.Button(
                "Yes, delete it", variant="stop", visible=False, elem_id="delete-confirm"
            )
        upload_status = gr.Markdown("", elem_id="upload-status")
        # Clicked by app.js as soon as a file is chosen, before Gradio uploads it.
        upload_started = gr.Button("clear", visible="hidden", elem_id="upload-started")
        gr.Markdown("### Leads from “Talk to a recruiter”")
        leads = gr.Dataframe(headers=LEAD_COLUMNS, interactive=False, wrap=True, elem_id="leads")
        refresh_leads = gr.Button("Refresh leads", size="sm")
        gr.Markdown("### Coverage report")
        bank_file = gr.File(
            label="Question bank (.txt or .csv; empty = the starter bank)",
            file_types=[".txt", ".csv"],
        )
        coverage_button = gr.Button("Run coverage report")
        coverage_image = gr.Image(label="Coverage", type="filepath", interactive=False)
        coverage_view = gr.Markdown("", elem_id="coverage-report")

    def article_views() -> tuple[Any, Any, Any]:
        articles = bot.articles()
        choices = article_choices(articles)
        return (
            gr.update(value=articles_rows(articles)),
            gr.update(choices=[("a new article", NEW_ARTICLE), *choices], value=NEW_ARTICLE),
            gr.update(choices=choices, value=None),
        )

    def lead_view() -> Any:
        return gr.update(value=leads_rows(bot.leads()))

    def login(name: str, secret: str, request: gr.Request) -> tuple[Any, ...]:
        client = request.client.host if request and request.client else ""
        if bot.check_admin(name, secret, client):
            views = article_views()
            return True, gr.update(visible=False), gr.update(visible=True), "", *views, lead_view()
        wait = bot.login_wait(client)
        message = (
            f"Too many failed attempts. Try again in {wait / 60:.0f} minutes."
            if wait > 0
            else "Wrong user name or password."
        )
        return False, gr.update(), gr.update(visible=False), message, *[gr.update()] * 4

    def upload(path: str | None, replaces: str | None, admin: bool) -> tuple[Any, ...]:
        unchanged = [gr.update()] * 3
        if not admin:
            return words.log_in_first, *unchanged
        if not path:
            return "Choose a .txt, .md or .html file to upload.", *unchanged
        name = Path(path).name
        try:
            if replaces and replaces != NEW_ARTICLE:
                report = bot.replace_article(replaces, name, Path(path).read_bytes())
                done = f"Replaced {as_text(replaces)} with {as_text(name)}"
            else:
                report = bot.add_article(name, Path(path).read_bytes())
                done = f"Indexed {as_text(name)}"
        except ArticleError as error:
            return as_text(f"Not added: {error}"), *unchanged
        return (
            f"{done}: {report.added} chunks added, {report.removed} removed "
            f"({report.articles} articles in the index). It can be asked about right away.",
            *article_views(),
        )

    def ask_to_delete(source: str | None, admin: bool) -> tuple[Any, ...]:
        if not admin:
            return words.log_in_first, gr.update()
        if not source:
            return "Choose the article to delete first.", gr.update(visible=False)
        return (
            f"Delete {as_text(source)} from the corpus and the index? This cannot be undone.",
            gr.update(visible=True),
        )

    def delete(source: str | None, admin: bool) -> tuple[Any, ...]:
        hide = gr.update(visible=False)
        if not admin:
            return words.log_in_first, hide, *[gr.update()] * 3
        try:
            report = bot.delete_article(source or "")
        except ArticleError as error:
            return as_text(f"Not deleted: {error}"), hide, *[gr.update()] * 3
        return (
            f"Deleted {as_text(source or '')}: {report.removed} chunks removed "
            f"({report.articles} articles in the index).",
            hide,
            *article_views(),
        )

    def run_coverage(path: str | None, admin: bool) -> tuple[Any, ...]:
        if not admin:
            return words.log_in_first, None
        try:
            questions = read_question_bank(Path(path)) if path else None
            report = coverage_report(bot, questions)
        except ValueError as error:
            return as_text(f"Could not read the question bank: {error}"), None
        chart = coverage_chart(
            report, Path(tempfile.mkdtemp(prefix="otbot-coverage-")) / "coverage.png"
        )
        return as_text(to_markdown(report)), str(chart)  # article words shown as text

    views = [table, target, doomed]
    for submitted in (login_button.click, password.submit):  # Enter logs in too
        submitted(
            login,
            [user, password],
            [is_admin, login_box, admin_box, login_status, *views, leads],
            api_visibility="private",
        )
    # A new choice of file clears the last upload's message at once, before the upload itself
    # (which Gradio may refuse, e.g. over the size limit, with a message of its own).
    upload_started.click(lambda: "", None, [upload_status], api_visibility="private")
    upload_file.upload(
        upload, [upload_file, target, is_admin], [upload_status, *views], api_visibility="private"
    )
    delete_button.click(
        ask_to_delete, [doomed, is_admin], [upload_status, confirm_button],
        api_visibility="private",
    )
    confirm_button.click(
        delete, [doomed, is_admin], [upload_status, confirm_button, *views],
        api_visibility="private",
    )
    refresh_leads.click(
        lambda admin: lead_view() if admin else gr.update(), [is_admin], [leads],
        api_visibility="private",
    )
    coverage_button.click(
        run_coverage,
        [bank_file, is_admin],
        [coverage_view, coverage_image],
        api_visibility="private",
    )
