"""The `Bot`: the one object the CLI and the app talk to, and `build_bot`, where it is wired."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import tempfile
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The answering side (langchain_core, the chat model) and the leads' database (SQLAlchemy) load
# when first used, so that `otbot ingest` on an unchanged corpus starts in about a second.
if TYPE_CHECKING:
    from bot.answer.chain import AnswerChain, Evidence
    from bot.answer.generating import ChatModel, GenerativeAnswerer
    from bot.answer.rewriting import Turn
    from bot.answer.scoring import Passage
    from bot.app.leads import Lead, LeadStore

from bot.answer.lexical import english_frequency
from bot.answer.rewriting import pasted_questions
from bot.app.feedback import FeedbackStore
from bot.app.throttle import LoginThrottle
from bot.ingest.embedding import Embedder, SentenceTransformerEmbedder
from bot.ingest.index import ChromaIndex, IndexDamaged
from bot.ingest.loading import (
    SIDECAR_SUFFIXES,
    ArticleError,
    discover,
    is_sidecar,
    read_article,
)
from bot.ingest.sync import IngestReport, ingest, read_manifest
from bot.models import Answer, Article, Chunk, Detail, Mode
from bot.prompts import AnswerWording, load_wording
from bot.settings import Settings

MODES: tuple[Mode, ...] = ("candidate", "recruiter")
# Asked once to load the model and the index, so that what follows is timed (or served) warm.
WARM_UP_QUESTION = "What does a school-based OT do?"
DETAILS: tuple[Detail, ...] = ("short", "standard", "detailed")


class QuestionError(ValueError):
    """A question the bot will not take (empty, too long, unknown mode, bad history)."""


def check_text(text: object, what: str = "the question", limit: int | None = None) -> str:
    """`text` if the bot can take it; raises `QuestionError` naming what is wrong.

    Text must be a string of valid Unicode (no unpaired surrogate, as broken bytes or a JSON
    "\\ud800" give), not empty, and within `limit` characters.
    """
    if not isinstance(text, str):
        raise QuestionError(f'{what} must be text')
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise QuestionError(
            f"{what} has a character that is not valid text at position {error.start + 1} "
            "(broken UTF-8 or an unpaired surrogate)"
        ) from None
    if not text.strip():
        raise QuestionError(f"{what} is empty")
    if limit is not None and len(text) > limit:
        raise QuestionError(f"{what} is {len(text)} characters long; the limit is {limit}")
    return text


class Bot:
    """Indexes the corpus and answers from it. Parts are passed in by `build_bot`."""

    def __init__(
        self, settings: Settings, embedder: Embedder, chat_model: ChatModel | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.chat_model = chat_model
        # How often (seconds) to check whether another process changed the index.
        self.reload_check_seconds = 1.0
        self._generation: str | None = None  # of the index the current chain was built from
        self._checked_at = 0.0

    @cached_property
    def generator(self) -> GenerativeAnswerer | None:
        """The optional generative answerer (only with a chat model)."""
        if self.chat_model is None:
            return None
        from bot.answer.generating import GenerativeAnswerer, load_generation_wording

        wording = load_generation_wording(self.settings.prompts_dir / "generate.toml")
        return GenerativeAnswerer(self.chat_model, wording)

    @cached_property
    def index(self) -> ChromaIndex:
        return ChromaIndex(
            self.settings.index_dir,
            self.embedder,
            collection=self.settings.collection,
            host=self.settings.chroma_host,
            port=self.settings.chroma_port,
        )

    def _reload_if_changed(self) -> None:
        """Drop the loaded chain when an ingest (here, in another process or through a shared
        Chroma server) changed the index; requests already answering keep the chain they hold."""
        now = time.monotonic()
        if now - self._checked_at < self.reload_check_seconds:
            return
        self._checked_at = now
        generation = self.index.generation()
        if self._generation is not None and generation != self._generation:
            self.__dict__.pop("chain", None)
        self._generation = generation

    @cached_property
    def chain(self) -> AnswerChain:
        from bot.answer.adapting import QueryAdapter
        from bot.answer.chain import AnswerChain
        from bot.answer.refusal import PASSAGE_FEATURES, load_refusal_model
        from bot.answer.retrieval import Library
        from bot.answer.scope import load_glossary, load_scope
        from bot.answer.scoring import DEFAULT_RANKER, AnswerPolicy

        self._generation = self.index.generation()
        glossary = load_glossary(self.settings.prompts_dir / "glossary.toml")
        return AnswerChain(
            # The glossary's abbreviations are words too: never "corrected" ("peds" -> "pads").
            Library(self.index, self.embedder.words(), frozenset(glossary.acronyms)),
            self.embedder,
            load_wording(self.settings.prompts_dir / "answer.toml"),
            AnswerPolicy(
                relevance_floor=self.settings.relevance_floor,
                decision=load_refusal_model(self.settings.prompts_dir / "refusal.toml"),
                ranker=load_refusal_model(
                    self.settings.prompts_dir / "ranking.toml", PASSAGE_FEATURES, DEFAULT_RANKER
                ),
            ),
            load_scope(self.settings.prompts_dir / "scope.toml"),
            glossary,
            k=self.settings.retrieval_k,
            generator=self.generator,
            adapter=QueryAdapter.load(self.settings.prompts_dir / "query_adapter.npy"),
        )

    @cached_property
    def feedback(self) -> FeedbackStore:
        return FeedbackStore(self.settings.index_dir / "feedback.sqlite3")

    @cached_property
    def lead_store(self) -> LeadStore:
        from bot.app.leads import LeadStore

        url = self.settings.database_url or f"sqlite:///{self.settings.index_dir / 'leads.sqlite3'}"
        return LeadStore(url, self.settings.lead_webhook)

    def add_lead(
        self, name: object, email: object, phone: object, consent: object, question: object
    ) -> Lead:
        """Store a visitor's request to talk to a recruiter (and POST it to the lead webhook).

        Raises `LeadError` naming the field that is wrong; nothing is stored then.
        """
        from bot.app.leads import check_lead

        lead = check_lead(name, email, phone, consent, question, self.settings.max_question_chars)
        return self.lead_store.add(lead)

    def leads(self) -> list[Lead]:
        """Every stored lead, newest first: for the content team only."""
        return self.lead_store.all()

    def ask(
        self,
        question: str,
        history: list[Turn] | None = None,
        mode: str = "candidate",
        request_id: object = None,
        tone: str | None = None,
        detail: Detail = "standard",
        record_refusal: bool = False,
    ) -> Answer:
        """Answer one question from the articles, or refuse honestly with a recruiter handoff.

        `tone` and `detail` shape recruiter drafts; with `record_refusal`, a refused question is
        remembered for the content team's coverage report.
        Raises `QuestionError` for an empty or over-long question or an unknown mode.
        """
        check_text(question, limit=self.settings.max_question_chars)
        self._reload_if_changed()
        for turn in history or []:
            check_text(turn.content, f"a {turn.role} turn of the history")
        if mode not in MODES:
            raise QuestionError(f"unknown mode {mode!r} (expected candidate or recruiter)")
        answer = self.chain.invoke(
            question.strip(), list(history or []), mode, request_id, tone, detail
        )
        if record_refusal and answer.refused:
            self.feedback.record_refusal(answer.question)
        return answer

    def draft(self, text: str, tone: str | None = None, detail: str = "standard") -> list[Answer]:
        """Recruiter drafts for one or several questions (one per line; an e-mail's greeting and
        sign-off left out, a line that only tells kept with the question after it)."""
        questions = pasted_questions(text)
        if not questions:
            raise QuestionError("paste at least one question")
        if detail not in DETAILS:
            raise QuestionError(f"unknown length {detail!r} (expected {', '.join(DETAILS)})")
        level: Detail = detail  # narrowed by the check above
        return [self.ask(q, mode="recruiter", tone=tone, detail=level) for q in questions]

    def rate(self, answer: dict[str, Any], liked: bool) -> None:
        """Store a thumbs up or down on an answer (its JSON form)."""
        self.feedback.record_feedback(answer, liked)

    def admin_enabled(self) -> bool:
        return bool(self.settings.admin_password)

    @cached_property
    def logins(self) -> LoginThrottle:
        return LoginThrottle()

    def check_admin(self, user: str, password: str, client: str = "") -> bool:
        """Constant-time check of the content admin's credentials; always False when unset.

        A `client` (the visitor's address) that fails too often is locked out for a while: see
        `login_wait`. During the lockout even the right password is refused.
        """
        if not self.admin_enabled() or self.logins.wait(client) > 0:
            return False
        user_ok = hmac.compare_digest(user.encode(), self.settings.admin_user.encode())
        password_ok = hmac.compare_digest(password.encode(), self.settings.admin_password.encode())
        if user_ok and password_ok:
            self.logins.succeeded(client)
            return True
        self.logins.failed(client)
        return False

    def login_wait(self, client: str = "") -> float:
        """Seconds before `client` may try to log in again after too many failures."""
        return self.logins.wait(client)

    def add_article(self, name: str, content: bytes) -> IngestReport:
        """Add (or replace) one article in the corpus and index it at once.

        The file is checked before it is written: a bad file, or one whose text is already in
        the corpus under another name, raises `ArticleError` and changes nothing, so what is
        already stored is never lost.
        """
        filename = Path(name.replace("\\", "/")).name
        if not filename or filename.startswith((".", "_")):
            raise ArticleError(name, "invalid file name (it must not start with '.' or '_')")
        return self._store_article(self.settings.corpus_dir / filename, content)

    def replace_article(self, source: str, name: str, content: bytes) -> IngestReport:
        """Replace the article `source` with an uploaded file (`name` gives its format), keeping
        the article's file name and metadata. Checked first, like `add_article`."""
        old = self._article_path(source)
        suffix = Path(name).suffix.lower()
        if not suffix:
            raise ArticleError(name, "the file name needs an extension (.txt, .md or .html)")
        report = self._store_article(old.with_suffix(suffix), content, replacing=source)
        if old.with_suffix(suffix) != old:
            old.unlink()
            report = self.ingest(show_progress=False)
        return report

    def delete_article(self, source: str) -> IngestReport:
        """Remove the article `source` (its file and metadata file) from the corpus and the index.
        Raises `ArticleError` when the corpus has no such article."""
        path = self._article_path(source)
        for suffix in SIDECAR_SUFFIXES:
            path.with_name(path.name.rsplit(".", 1)[0] + suffix).unlink(missing_ok=True)
        path.unlink()
        return self.ingest(show_progress=False)

    def duplicate_of(self, article: Article, ignore: str = "") -> str | None:
        """The corpus file whose text is the same as `article`'s (case, spacing and format
        aside), other than `ignore`; None when there is none."""
        corpus = self.settings.corpus_dir
        wanted = _fingerprint(article)
        for path in discover(corpus) if corpus.is_dir() else []:
            source = path.relative_to(corpus).as_posix()
            if source in (ignore, article.source):
                continue
            try:
                if _fingerprint(read_article(path, corpus)) == wanted:
                    return source
            except ArticleError:
                continue
        return None

    def _article_path(self, source: str) -> Path:
        corpus = self.settings.corpus_dir.resolve()
        path = (corpus / source).resolve()
        if not path.is_relative_to(corpus) or not path.is_file() or is_sidecar(path):
            raise ArticleError(source, "no such article in the corpus")
        return path

    def _store_article(self, target: Path, content: bytes, replacing: str = "") -> IngestReport:
        """Check `content` as the file `target` would be read, refuse a duplicate, then write it
        whole (through a temporary name) and index."""
        corpus, target = self.settings.corpus_dir.resolve(), target.resolve()
        source = target.relative_to(corpus).as_posix()
        with tempfile.TemporaryDirectory() as scratch:
            trial = Path(scratch) / source
            trial.parent.mkdir(parents=True, exist_ok=True)
            trial.write_bytes(content)
            article = read_article(trial, Path(scratch))  # raises ArticleError with the reason
        duplicate = self.duplicate_of(article, ignore=replacing or source)
        if duplicate is not None:
            raise ArticleError(
                target.name,
                f"the same text as {duplicate}, which is already indexed; to update it, replace "
                f"{duplicate} instead",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.upload")
        partial.write_bytes(content)
        partial.replace(target)
        return self.ingest(show_progress=False)

    def warm_up(self) -> None:
        """Load the embedding model, the index and the English word frequencies now rather than on
        the first question."""
        self.ask(WARM_UP_QUESTION)
        english_frequency("the")

    def clear_caches(self) -> None:
        """Forget cached question vectors (benchmarks time each question's own embedding)."""
        self.chain.embed_query.clear()

    @property
    def wording(self) -> AnswerWording:
        """The wording the answers are made with (prompts/answer.toml)."""
        return self.chain.wording

    def chunk(self, chunk_id: str) -> Chunk | None:
        """An indexed chunk by its id (None when it is not, or no longer, indexed)."""
        return self.chain.library.by_id.get(chunk_id)

    def article_chunks(self, source: str) -> list[Chunk]:
        """An indexed article's chunks, in reading order (none when it is not indexed)."""
        return self.chain.library.by_source.get(source, [])

    def passages(
        self, question: str, history: list[Turn] | None = None, mode: Mode = "candidate"
    ) -> list[Passage]:
        """The candidate passages for a question, best first, with the ranker's features (for
        calibrating the ranker)."""
        return self.chain.passages(question, list(history or []), mode)

    def evidence(self, question: str, history: list[Turn] | None = None) -> Evidence:
        """How strongly the articles support an answer (for calibration and coverage reports)."""
        return self.chain.evidence(question, list(history or []))

    def is_indexed(self) -> bool:
        return self.index.count() > 0

    def ingest(
        self, corpus_dir: Path | None = None, show_progress: bool = True, rebuild: bool = False
    ) -> IngestReport:
        """Bring the index in line with the corpus folder (incremental, idempotent).

        A local index that cannot be read is rebuilt from the corpus (the report says why);
        `rebuild` forces that. Nothing in the corpus folder is touched.
        """
        self.__dict__.pop("chain", None)  # answers read the new index from the next question on
        if rebuild:
            self._drop_index()
        try:
            report = self._ingest(corpus_dir, show_progress)
        except IndexDamaged as error:
            if error.remote:
                raise
            self._drop_index()
            report = self._ingest(corpus_dir, show_progress)
            report.rebuilt = error.reason
        if rebuild and not report.rebuilt:
            report.rebuilt = "asked for"
        return report

    def _ingest(self, corpus_dir: Path | None, show_progress: bool) -> IngestReport:
        return ingest(
            corpus_dir or self.settings.corpus_dir,
            self.index,
            self.embedder,
            max_words=self.settings.chunk_max_words,
            batch_size=self.settings.embed_batch_size,
            show_progress=show_progress,
        )

    def _drop_index(self) -> None:
        """Forget the stored index (and its manifest) so that the next ingest writes it anew."""
        index = self.__dict__.pop("index", None)
        self.__dict__.pop("chain", None)
        if self.settings.chroma_host:
            client = (index or self.index).client
            for kind in ("chunks", "sentences"):
                with contextlib.suppress(Exception):  # absent already
                    client.delete_collection(f"{self.settings.collection}-{kind}")
            self.__dict__.pop("index", None)
        else:
            ChromaIndex.destroy(self.settings.index_dir)
        (self.settings.index_dir / "articles.json").unlink(missing_ok=True)

    def articles(self) -> list[dict[str, Any]]:
        """The indexed articles: title, publisher, date, chunk count and structural gaps."""
        return list(read_manifest(self.settings.index_dir)["articles"])


def _fingerprint(article: Article) -> str:
    """An article's text for comparing uploads: its blocks, lower-cased, spacing collapsed."""
    text = " ".join(block.text for block in article.blocks)
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()


def build_bot(settings: Settings, embedder: Embedder | None = None) -> Bot:
    """The composition root: every part of the bot is created here and nowhere else.

    `embedder` lets several bots (one per corpus, in the evaluation) share one loaded model.
    """
    embedder = embedder or SentenceTransformerEmbedder(
        settings.embedding_model, settings.embed_batch_size
    )
    chat_model: ChatModel | None = None
    if settings.llm_url:
        from bot.answer.generating import OpenAICompatibleChat

        chat_model = OpenAICompatibleChat(
            settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout
        )
    return Bot(settings, embedder, chat_model)
