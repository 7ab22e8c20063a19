"""The Ask tab: the candidate chat, its suggestions, and the handoff to a recruiter."""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.answer.rewriting import Turn
from bot.app.conversation import Conversation
from bot.app.leads import LeadError
from bot.app.presenting import as_text, chat_html
from bot.app.suggesting import follow_ups
from bot.prompts import AppWording
from bot.service import Bot, QuestionError

MAX_SUGGESTIONS = 3
# How long an answer waits for the same chat's other answers in progress before showing the chat.
SETTLE_SECONDS = 30.0
FIELD_NAMES = {
    "name": "Name",
    "email": "E-mail",
    "phone": "Phone",
    "consent": "Consent",
    "question": "Question",
}


def build_chat_tab(bot: Bot, words: AppWording) -> None:
    """The Ask tab's components and events (inside an open `gr.Tab`)."""
    gr.Markdown(words.disclosure, elem_classes="disclosure")
    conversation = gr.State(Conversation())
    chatbot = gr.Chatbot(
        elem_id="chat",
        height="min(520px, 100dvh - 370px)",
        min_height=220,
        show_label=False,
        placeholder=words.placeholder,
        feedback_options=("Like", "Dislike"),
        buttons=["copy", "copy_all"],  # no "share": it only works on Hugging Face Spaces
        autoscroll=False,  # the page keeps the start of a new answer in view (app.js)
    )
    textbox = gr.Textbox(
        placeholder=words.placeholder, show_label=False, submit_btn=True, elem_id="question"
    )
    with gr.Row(elem_id="suggestions"):
        suggestions = [
            gr.Button(q, size="sm", elem_classes="suggestion")
            for q in (words.examples + [""] * MAX_SUGGESTIONS)[:MAX_SUGGESTIONS]
        ]
        handoff_open = gr.Button(words.handoff_label, size="sm", elem_id="handoff-open")
    # Which reply's "Talk to a recruiter" was clicked (its position in the chat; set by app.js),
    # so that the form gets that reply's question, not the latest one.
    handoff_for = gr.Textbox("", visible="hidden", elem_id="handoff-for")
    thanks = gr.Markdown("", elem_id="feedback-status")
    with gr.Column(visible=False, elem_id="handoff") as handoff_form:
        gr.Markdown(f"**{words.handoff_label}.** {words.handoff_intro}")
        with gr.Row():
            name = gr.Textbox(label="Name", max_length=200)
            email = gr.Textbox(label="E-mail", type="email", max_length=254)
            phone = gr.Textbox(label="Phone", max_length=40)
        lead_question = gr.Textbox(label="Your question", lines=2)
        consent = gr.Checkbox(label=words.handoff_consent, value=False)
        with gr.Row():
            send_lead = gr.Button("Send to a recruiter", variant="primary", elem_id="handoff-send")
            cancel_lead = gr.Button("Cancel")
    lead_status = gr.Markdown("", elem_id="handoff-status")

    def suggestion_updates(suggested: list[str]) -> list[Any]:
        return [
            gr.update(value=suggested[i], visible=True)
            if i < len(suggested)
            else gr.update(visible=False)
            for i in range(MAX_SUGGESTIONS)
        ]

    def add(message: str, chat: Conversation) -> tuple[Any, ...]:
        """Take the question into the chat at once (or open the form for a "yes, connect me")."""
        question = (message or "").strip()
        if not question:
            return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
        if chat.wants_recruiter(question):
            topic = chat.handoff_question()
            exchange = chat.add(question)
            exchange.reply, exchange.claimed = words.handoff_reply, True
            return "", chat.messages(), gr.update(visible=True), gr.update(value=topic), ""
        chat.add(question)
        return "", chat.messages(), gr.update(), gr.update(), gr.update()

    def answer_next(chat: Conversation) -> tuple[Any, ...]:
        """Answer the oldest question not being answered yet (one per question sent)."""
        exchange = chat.claim_next()
        unchanged = [gr.update()] * (MAX_SUGGESTIONS + 1)
        if exchange is None:
            return chat.messages(), *unchanged
        try:
            answer = bot.ask(exchange.question, chat.history(exchange), record_refusal=True)
        except QuestionError as error:
            chat.finish(exchange, as_text(f"Sorry, I can't take that question: {error}."))
            chat.wait_settled(SETTLE_SECONDS)
            return chat.messages(), *unchanged
        reply = chat_html(answer, f"src{id(exchange)}", words.handoff_label)
        chat.finish(exchange, reply, answer.to_json())
        chat.wait_settled(SETTLE_SECONDS)
        before = [*chat.history(exchange), Turn("user", exchange.question),
                  Turn("assistant", answer.answer)]
        suggested = follow_ups(
            answer, words, chat.asked(), MAX_SUGGESTIONS, bot.article_chunks,
            lambda follow_up: bot.ask(follow_up, before),
        )
        highlight = gr.update(variant="primary" if answer.offers_recruiter else "secondary")
        return chat.messages(), *suggestion_updates(suggested), highlight

    def clear(chat: Conversation) -> tuple[Any, ...]:
        chat.clear()
        return (
            *suggestion_updates(words.examples),
            gr.update(variant="secondary"),
            "",
            gr.update(visible=False),
            "",
        )

    def rate(chat: Conversation, like: gr.LikeData) -> str:
        index = like.index[0] if isinstance(like.index, (list, tuple)) else like.index
        answer = chat.answer_at(int(index))
        if answer is None:
            return ""
        bot.rate(answer, bool(like.liked))
        return "Thanks for the feedback!"

    def open_handoff(current: str, which: str, chat: Conversation) -> tuple[Any, ...]:
        """The form, with the question of the reply whose link was clicked, or (the button below
        the chat) the one being written, else the last one a recruiter was offered for."""
        picked = chat.handoff_question_at(int(which)) if which.strip().isdigit() else ""
        question = picked or current or chat.handoff_question()
        return gr.update(visible=True), gr.update(value=question), "", ""

    def send(
        who: str, mail: str, call: str, agreed: bool, about: str
    ) -> tuple[Any, ...]:
        try:
            lead = bot.add_lead(who, mail, call, agreed, about)
        except LeadError as error:
            label = FIELD_NAMES.get(error.field, error.field)
            return (f"**{label}:** {as_text(error.message)}.", *[gr.update()] * 6)
        reach = " or ".join(as_text(x) for x in (lead.email, lead.phone) if x)
        return (
            f"Thank you, {as_text(lead.name)}. A recruiter will contact you at {reach} about "
            "your question.",
            gr.update(visible=False),
            "",
            "",
            "",
            False,
            "",
        )

    # Questions are taken one at a time in the order sent (a quick step), then answered side by
    # side; "multiple": a question sent while another is being answered is taken, not dropped.
    for trigger, source in [(textbox.submit, textbox), *[(b.click, b) for b in suggestions]]:
        trigger(
            add,
            [source, conversation],
            [textbox, chatbot, handoff_form, lead_question, lead_status],
            trigger_mode="multiple",
            concurrency_limit=1,
            concurrency_id="chat-add",
            show_progress="hidden",
            api_visibility="private",
        ).then(
            answer_next,
            [conversation],
            [chatbot, *suggestions, handoff_open],
            trigger_mode="multiple",
            show_progress="hidden",
            api_visibility="private",
        )
    chatbot.clear(
        clear,
        [conversation],
        [*suggestions, handoff_open, thanks, handoff_form, lead_status],
        api_visibility="private",
    )
    chatbot.like(rate, [conversation], [thanks], api_visibility="private")
    handoff_open.click(
        open_handoff,
        [lead_question, handoff_for, conversation],
        [handoff_form, lead_question, lead_status, handoff_for],
        api_visibility="private",
    )
    cancel_lead.click(
        lambda: gr.update(visible=False), None, [handoff_form], api_visibility="private"
    )
    send_lead.click(
        send,
        [name, email, phone, consent, lead_question],
        [lead_status, handoff_form, name, email, phone, consent, lead_question],
        api_visibility="private",
    )
