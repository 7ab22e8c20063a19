import copy

from bot.answer.rewriting import Turn
from bot.app.conversation import Conversation


def answered(
    chat: Conversation,
    question: str,
    refused: bool = False,
    text: str = "An answer.",
    offers: bool | None = None,
):
    """A question answered; a refusal offers a recruiter unless `offers` says otherwise."""
    exchange = chat.add(question)
    assert chat.claim_next() is exchange
    offered = refused if offers is None else offers
    exchange.answer = {"answer": text, "refused": refused, "offers_recruiter": offered}
    exchange.reply = text
    return exchange


def test_questions_are_claimed_oldest_first_once_each():
    chat = Conversation()
    first, second = chat.add("one?"), chat.add("two?")
    assert chat.claim_next() is first
    assert chat.claim_next() is second
    assert chat.claim_next() is None
    assert [m["role"] for m in chat.messages()] == ["user", "assistant"] * 2


def test_history_holds_the_earlier_questions_and_their_answers():
    chat = Conversation()
    answered(chat, "Do school OTs get summers off?", text="Often, yes.")
    pending = chat.add("and in clinics?")
    later = chat.add("what about pay?")
    assert chat.history(pending) == [
        Turn("user", "Do school OTs get summers off?"),
        Turn("assistant", "Often, yes."),
    ]
    # A question still being answered is in the history of the next one, without an answer.
    assert chat.history(later)[-1] == Turn("user", "and in clinics?")


def test_a_yes_after_a_refusal_or_an_explicit_request_asks_for_a_recruiter():
    chat = Conversation()
    answered(chat, "Does OT pay well in Texas?", refused=True)
    assert chat.wants_recruiter("yes please")
    assert chat.handoff_question() == "Does OT pay well in Texas?"
    answered(chat, "What does IEP mean?")
    assert not chat.wants_recruiter("yes please")  # the last answer was not a refusal
    assert chat.wants_recruiter("can you connect me with someone")
    assert chat.handoff_question() == "Does OT pay well in Texas?"  # the refused one


def test_a_yes_after_an_answer_that_named_a_part_it_could_not_answer_asks_for_a_recruiter():
    """A message asking two things, one answered and one not: the answer offered a recruiter
    for the part left open, so a yes hands that part on, not the whole message."""
    chat = Conversation()
    exchange = answered(chat, "Do school OTs get summers off? How much do they make in Texas?")
    exchange.answer = {"answer": "...", "refused": False, "offers_recruiter": True,
                       "uncovered": ["How much do they make in Texas?"]}
    assert chat.wants_recruiter("yes")
    assert chat.handoff_question() == "How much do they make in Texas?"
    answered(chat, "What does IEP mean?")
    assert not chat.wants_recruiter("yes")


def test_a_refusal_offering_no_recruiter_is_no_lead():
    """A medical question is refused with a doctor's line and no recruiter: a yes after it is not
    a request for one, and the form below the chat does not get that question."""
    chat = Conversation()
    answered(chat, "Do school OTs get summers off?")
    answered(chat, "My wrist hurts, what should I do?", refused=True, offers=False)
    assert not chat.wants_recruiter("yes")
    assert chat.handoff_question() == "Do school OTs get summers off?"
    assert chat.handoff_question_at(1) == "My wrist hurts, what should I do?"  # asked for it
    assert chat.handoff_question_at(5) == ""


def test_a_follow_up_is_handed_on_as_understood():
    chat = Conversation()
    answered(chat, "how do i get CLT certified")
    exchange = answered(chat, "what about for a cota?", refused=True)
    exchange.answer = {**(exchange.answer or {}),
                       "standalone_question": "what about for a cota (how do i get CLT certified)?"}
    assert chat.handoff_question() == "what about for a cota (how do i get CLT certified)?"


def test_each_session_gets_its_own_copy():
    template = Conversation()
    mine = copy.deepcopy(template)
    mine.add("mine?")
    assert template.exchanges == [] and len(copy.deepcopy(template).exchanges) == 0


def test_an_answer_waits_for_the_same_chats_answers_in_progress_then_shows_them_all():
    import threading
    import time

    chat = Conversation()
    chat.add("first?")
    chat.add("second?")
    first, second = chat.claim_next(), chat.claim_next()
    assert first is not None and second is not None
    shown: list[list[dict[str, str]]] = []

    def answer_first() -> None:
        chat.finish(first, "one")
        chat.wait_settled(10)
        shown.append(chat.messages())

    waiting = threading.Thread(target=answer_first)
    waiting.start()
    time.sleep(0.2)
    assert waiting.is_alive()  # the first answer waits while the second is being answered
    chat.finish(second, "two")
    waiting.join(5)
    assert not waiting.is_alive()
    assert [m["content"] for m in shown[0] if m["role"] == "assistant"] == ["one", "two"]


def test_waiting_ends_at_its_timeout_and_when_nothing_is_in_progress():
    import time

    chat = Conversation()
    chat.add("first?")
    chat.wait_settled(5)  # added, not claimed: nothing in progress, no wait
    chat.claim_next()
    started = time.monotonic()
    chat.wait_settled(0.2)
    assert 0.15 < time.monotonic() - started < 2
