"""One visitor's chat, kept on the server (per Gradio session) as the source of truth.

The browser only sends new questions; the server appends each at once, in the order sent, and
answers it in place, so two questions sent a few milliseconds apart are both kept and both
answered, in order, whatever order their answers finish in.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass
from typing import Any

from bot.answer.rewriting import Turn
from bot.app.presenting import PENDING, as_text

# "yes", "yes please connect me", "sure", "ok, talk to a recruiter": a reply to the refusal's
# "would you like us to connect you?" or an explicit request for a person.
_YES = re.compile(
    r"^\W*(yes|yeah|yep|sure|ok(ay)?|please|definitely|absolutely)\b.{0,60}$", re.IGNORECASE
)
_ASKS_FOR_PERSON = re.compile(
    r"\b(connect me|talk to (a|an|the|your) (recruiter|person|human)|speak (to|with) (a|an) "
    r"(recruiter|person|human)|contact me)\b",
    re.IGNORECASE,
)


@dataclass
class Exchange:
    """A question and, once answered, the reply shown and the answer's JSON (None for a reply
    that is not an answer of the bot, e.g. a rejected question)."""

    question: str
    reply: str = ""
    answer: dict[str, Any] | None = None
    claimed: bool = False  # an event handler is answering it

    @property
    def refused(self) -> bool:
        return bool(self.answer and self.answer.get("refused"))

    @property
    def left_open(self) -> str:
        """What of the question the articles did not answer, and a recruiter was offered for:
        the parts not answered when it asked several things, else the whole question as
        understood; "" when no recruiter was offered (an answer, a medical question, a parent's
        question about their own child)."""
        answer = self.answer or {}
        if not answer.get("offers_recruiter"):
            return ""
        # The question as understood: a follow-up with what it goes on from ("what about for a
        # cota (how do i get CLT certified)?"), not a bare "what about for a cota?".
        understood = str(answer.get("standalone_question") or "") or self.question
        return " ".join(answer.get("uncovered") or []) or understood


class Conversation:
    """The exchanges of one chat. Safe to change from several event handlers at once."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)  # an answer was given

    def __deepcopy__(self, memo: dict[int, Any]) -> Conversation:
        # Gradio deep-copies the initial state for each new session: a fresh lock each time.
        fresh = Conversation()
        fresh.exchanges = copy.deepcopy(self.exchanges, memo)
        return fresh

    def add(self, question: str) -> Exchange:
        with self._lock:
            exchange = Exchange(question)
            self.exchanges.append(exchange)
            return exchange

    def claim_next(self) -> Exchange | None:
        """The oldest exchange nobody is answering yet, now claimed by the caller."""
        with self._lock:
            for exchange in self.exchanges:
                if not exchange.claimed:
                    exchange.claimed = True
                    return exchange
            return None

    def finish(self, exchange: Exchange, reply: str, answer: dict[str, Any] | None = None) -> None:
        """Give a claimed exchange its reply (and the answer's JSON)."""
        with self._lock:
            exchange.reply, exchange.answer = reply, answer
            self._settled.notify_all()

    def wait_settled(self, timeout: float) -> None:
        """Wait (at most `timeout` s) until no claimed exchange is still being answered, so that
        the chat a handler returns holds every answer given meanwhile: two handlers answering at
        once each return the whole chat, and neither can show the other's question as pending
        after its answer has arrived."""
        with self._lock:
            self._settled.wait_for(
                lambda: not any(e.claimed and not e.reply for e in self.exchanges), timeout
            )

    def clear(self) -> None:
        with self._lock:
            self.exchanges = []
            self._settled.notify_all()

    def history(self, exchange: Exchange) -> list[Turn]:
        """The turns before `exchange`: every earlier question, and its answer once there."""
        turns: list[Turn] = []
        with self._lock:
            for earlier in self.exchanges:
                if earlier is exchange:
                    break
                turns.append(Turn("user", earlier.question))
                if earlier.answer is not None:
                    turns.append(Turn("assistant", str(earlier.answer["answer"])))
        return turns

    def messages(self) -> list[dict[str, str]]:
        """The chat as Gradio shows it: the question as text, the reply (or … while pending)."""
        with self._lock:
            shown: list[dict[str, str]] = []
            for exchange in self.exchanges:
                shown.append({"role": "user", "content": as_text(exchange.question)})
                shown.append({"role": "assistant", "content": exchange.reply or PENDING})
            return shown

    def answer_at(self, message_index: int) -> dict[str, Any] | None:
        """The answer JSON behind the chat message at `message_index` (None for a question)."""
        with self._lock:
            if message_index % 2 == 0 or not 0 <= message_index // 2 < len(self.exchanges):
                return None
            return self.exchanges[message_index // 2].answer

    def asked(self) -> list[str]:
        with self._lock:
            return [e.question for e in self.exchanges]

    def handoff_question(self) -> str:
        """What to hand to a recruiter: the last question a recruiter was offered for (or the
        parts of one that the articles did not answer), else the last one asked that was not
        refused for want of one (a medical question is no lead; a "yes please" to the refusal is
        not the question)."""
        with self._lock:
            answered = [e for e in self.exchanges if e.answer is not None]
        open_ = [e.left_open for e in answered if e.left_open]
        if open_:
            return open_[-1]
        asked = [e.question for e in answered if not e.refused]
        return asked[-1] if asked else ""

    def handoff_question_at(self, position: int) -> str:
        """What to hand to a recruiter from the reply at `position` (0 for the first reply in
        the chat): what it offered a recruiter for, else its question; "" for no such reply."""
        with self._lock:
            if not 0 <= position < len(self.exchanges):
                return ""
            exchange = self.exchanges[position]
        return exchange.left_open or exchange.question

    def wants_recruiter(self, message: str) -> bool:
        """Does `message` ask for a person: a request in words, or a yes right after a refusal
        (or an answer that named parts it could not answer)?"""
        if _ASKS_FOR_PERSON.search(message):
            return True
        with self._lock:
            last = self.exchanges[-1] if self.exchanges else None
        return last is not None and bool(last.left_open) and bool(_YES.match(message.strip()))
