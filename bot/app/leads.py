"""Leads: visitors who asked to talk to a recruiter, with their consent to be contacted.

Unlike the feedback store, a lead identifies a person (that is its point), so it is stored only
with the visitor's consent and shown only to the content team. Stored through SQLAlchemy: SQLite
beside the feedback (`INDEX/leads.sqlite3`) by default, any server database by URL
(`OTBOT_DATABASE_URL`). Each new lead may also be POSTed as JSON to a webhook
(`OTBOT_LEAD_WEBHOOK`, e.g. the agency's CRM); a failing webhook never loses the stored lead, and
the content tab shows how the delivery went.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa

from bot.models import web_url

MAX_NAME_CHARS = 200
MAX_CONTACT_CHARS = 254  # the longest e-mail address there can be
# One @, something before it, a dot in the domain, no spaces: enough to catch typos, not more.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")

_metadata = sa.MetaData()
_leads = sa.Table(
    "leads",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("received", sa.String(32), nullable=False),
    sa.Column("name", sa.String(MAX_NAME_CHARS), nullable=False),
    sa.Column("email", sa.String(MAX_CONTACT_CHARS), nullable=False),
    sa.Column("phone", sa.String(40), nullable=False),
    sa.Column("consent", sa.Boolean, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("delivery", sa.String(300), nullable=False),
)


class LeadError(ValueError):
    """A lead that cannot be stored, naming the field that is wrong (`name`, `email`, `phone`,
    `consent` or `question`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NewLead:
    """A checked request to be contacted, not stored yet."""

    name: str
    email: str
    phone: str
    consent: bool
    question: str


@dataclass(frozen=True)
class Lead(NewLead):
    """A stored lead. `delivery` says how the webhook went: "" (no webhook), "pending", "sent"
    or "failed: <reason>"."""

    id: int
    received: str  # UTC, ISO 8601 to the second
    delivery: str


def _text(value: object, field: str, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise LeadError(field, "must be text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise LeadError(field, "has a character that is not valid text") from None
    text = " ".join(value.split()) if field != "question" else value.strip()
    if required and not text:
        raise LeadError(field, "is empty")
    if len(text) > limit:
        raise LeadError(field, f"is {len(text)} characters long; the limit is {limit}")
    return text


def check_lead(
    name: object,
    email: object,
    phone: object,
    consent: object,
    question: object,
    max_question_chars: int = 2000,
) -> NewLead:
    """The lead if every field is right; raises `LeadError` naming the first field that is not.

    A name, the question, consent (exactly True) and an e-mail or a phone number are required.
    Example: check_lead("Ana", "", "+1 555 010 2030", True, "Pay in Ohio?") -> NewLead(...)
    """
    checked_name = _text(name, "name", MAX_NAME_CHARS, required=True)
    checked_email = _text(email, "email", MAX_CONTACT_CHARS, required=False)
    checked_phone = _text(phone, "phone", 40, required=False)
    if not checked_email and not checked_phone:
        raise LeadError("email", "give an e-mail address or a phone number so a recruiter can reach you")
    if checked_email and not _EMAIL.match(checked_email):
        raise LeadError("email", f"{checked_email!r} is not an e-mail address (name@example.com)")
    if checked_phone:
        digits = sum(c.isdigit() for c in checked_phone)
        if not _PHONE_CHARS.match(checked_phone) or not 7 <= digits <= 15:
            raise LeadError(
                "phone", "a phone number has 7 to 15 digits (spaces, +, -, ( ) allowed)"
            )
    if consent is not True:
        raise LeadError("consent", "we may only store your details if you agree to be contacted")
    checked_question = _text(question, "question", max_question_chars, required=True)
    return NewLead(checked_name, checked_email, checked_phone, True, checked_question)


class LeadStore:
    """The leads table in a SQLAlchemy database, with optional webhook delivery."""

    def __init__(self, url: str, webhook: str = "", timeout: float = 10.0) -> None:
        self.url = url
        if webhook and web_url(webhook) is None:
            raise ValueError(f"the lead webhook must be an http(s) URL, not {webhook!r}")
        self.webhook = webhook
        self.timeout = timeout
        address = sa.make_url(url)
        if address.get_backend_name() == "sqlite" and address.database not in (None, "", ":memory:"):
            Path(address.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(address)
        _metadata.create_all(self.engine)

    def add(self, lead: NewLead) -> Lead:
        """Store `lead` and, with a webhook, POST it in the background (the visitor does not
        wait for the CRM)."""
        received = datetime.now(UTC).replace(microsecond=0).isoformat()
        delivery = "pending" if self.webhook else ""
        with self.engine.begin() as db:
            result = db.execute(
                _leads.insert().values(**asdict(lead), received=received, delivery=delivery)
            )
            key = result.inserted_primary_key
            assert key is not None
            stored = Lead(**asdict(lead), id=int(key[0]), received=received, delivery=delivery)
        if self.webhook:
            threading.Thread(target=self._deliver, args=(stored,), daemon=True).start()
        return stored

    def _deliver(self, lead: Lead) -> None:
        payload = {k: v for k, v in asdict(lead).items() if k != "delivery"}
        try:
            response = httpx.post(self.webhook, json=payload, timeout=self.timeout)
            response.raise_for_status()
            outcome = "sent"
        except httpx.HTTPError as error:
            outcome = f"failed: {error}"[:300]
        with self.engine.begin() as db:
            db.execute(_leads.update().where(_leads.c.id == lead.id).values(delivery=outcome))

    def all(self) -> list[Lead]:
        """Every lead, newest first."""
        with self.engine.connect() as db:
            rows = db.execute(sa.select(_leads).order_by(_leads.c.id.desc())).mappings().all()
        return [Lead(**dict(row)) for row in rows]
