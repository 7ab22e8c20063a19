"""Read the corpus folder into cleaned `Article`s: plain text, Markdown and saved HTML.

Metadata comes, by precedence, from a sidecar `NAME.meta.yaml` beside the file, the file's YAML
front matter, what the page itself carries (date and title lines, <meta> tags), and last the file
name. A file that cannot be read becomes an `ArticleError` naming the file and the reason; the rest
of the corpus is still read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.ingest.cleaning import clean
from bot.ingest.markup import parse_html, parse_markdown
from bot.ingest.plaintext import parse_date, parse_plain_text
from bot.models import Article, Block, web_url

FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml")
MAX_BYTES = 5_000_000
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE)
_META_KEYS = ("title", "publisher", "date", "url", "tags")


class ArticleError(Exception):
    """A corpus file that cannot be indexed, with the reason in words a content writer can act on."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class CorpusLoad:
    """Everything read from a corpus folder: the good articles and one error per bad file."""

    articles: list[Article]
    errors: list[ArticleError]
    # Files whose fingerprint matched the one given (`load_corpus(unchanged=...)`): not read.
    skipped: list[str] = field(default_factory=list)
    # source -> `fingerprint` of each file, when `unchanged` was given
    fingerprints: dict[str, str] = field(default_factory=dict)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIXES)


def discover(corpus_dir: Path) -> list[Path]:
    """Every file in the corpus folder (recursively), hidden files and sidecars excluded."""
    files = []
    for path in sorted(corpus_dir.rglob("*")):
        relative = path.relative_to(corpus_dir)
        if any(part.startswith((".", "_")) for part in relative.parts):
            continue
        if path.is_file() and not is_sidecar(path):
            files.append(path)
    return files


def _decode(source: str, raw: bytes) -> str:
    if not raw.strip():
        raise ArticleError(source, "empty file")
    if b"\x00" in raw[:8192]:
        raise ArticleError(source, "binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(
            source,
            f"not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
        ) from None


def _yaml_mapping(source: str, text: str, where: str) -> dict[str, object]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ArticleError(source, f"malformed {where}{line}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ArticleError(source, f"malformed {where}: expected 'key: value' lines")
    return {str(k): v for k, v in data.items()}


def split_front_matter(source: str, text: str) -> tuple[dict[str, object], str]:
    """Separate YAML front matter (between two '---' lines) from the body."""
    if not text.startswith("---"):
        return {}, text
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ArticleError(source, "malformed front matter: no closing '---' line")
    return _yaml_mapping(source, match.group(1), "front matter"), text[match.end() :]


def _normalise_meta(source: str, raw: dict[str, object], where: str) -> dict[str, object]:
    meta: dict[str, object] = {}
    for key in _META_KEYS:
        value = raw.get(key)
        if value is None or value == "":
            continue
        if key == "date":
            if isinstance(value, date):
                meta["date"] = value.isoformat()
                continue
            iso = parse_date(str(value))
            if not iso:
                raise ArticleError(source, f"invalid date {value!r} in {where} (use YYYY-MM-DD)")
            meta["date"] = iso
        elif key == "tags":
            items = value if isinstance(value, list) else str(value).split(",")
            meta["tags"] = tuple(str(t).strip() for t in items if str(t).strip())
        elif isinstance(value, (dict, list)):
            raise ArticleError(source, f"invalid {key} in {where}: expected text")
        else:
            meta[key] = str(value).strip()
    if "publisher" not in meta:
        # Front matter names who wrote the article more often than the site (Jekyll's and
        # Hugo's "author" or "authors"); the author stands for the publisher, as a saved page's
        # author <meta> and a scraped byline do.
        author = raw.get("author") or raw.get("authors")
        listed = author if isinstance(author, list) else [author] if author else []
        names = [str(n).strip() for n in listed if isinstance(n, str) and n.strip()]
        if names:
            meta["publisher"] = ", ".join(names)
    return meta


def _sidecar_meta(path: Path, source: str, corpus_dir: Path) -> dict[str, object]:
    for suffix in SIDECAR_SUFFIXES:
        sidecar = path.with_name(path.name.rsplit(".", 1)[0] + suffix)
        if sidecar.is_file() and not _inside(sidecar, corpus_dir):
            raise ArticleError(source, f"{sidecar.name} links outside the corpus folder; not followed")
        if sidecar.is_file():
            where = f"metadata file {sidecar.name}"
            text = _decode(source, sidecar.read_bytes()) if sidecar.stat().st_size else ""
            return _normalise_meta(source, _yaml_mapping(source, text, where), where)
    return {}


def _title_from_name(path: Path) -> str:
    stem = re.sub(r"^[0-9a-f_\-]+(?=[A-Za-z])", "", path.stem)
    return stem.replace("_", " ").replace("-", " ").strip().capitalize() or path.stem


def _inside(path: Path, corpus_dir: Path) -> bool:
    """Is the file `path` really stored under `corpus_dir` (links followed)?"""
    return path.resolve().is_relative_to(corpus_dir.resolve())


def read_article(path: Path, corpus_dir: Path) -> Article:
    """Read, parse and clean one corpus file. Raises `ArticleError` with the reason."""
    source = path.relative_to(corpus_dir).as_posix()
    try:
        return _read_article(path, corpus_dir, source)
    except RecursionError:
        raise ArticleError(
            source, "markup nested too deeply to read; save the page again or as plain text"
        ) from None


def _read_article(path: Path, corpus_dir: Path, source: str) -> Article:
    if not _inside(path, corpus_dir):
        # A link to /etc/passwd or another folder must never be indexed and quoted.
        raise ArticleError(source, "a link to a file outside the corpus folder; not followed")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        expected = ", ".join(sorted(FORMATS))
        raise ArticleError(source, f"unsupported file type '{path.suffix}' (expected {expected})")
    if path.stat().st_size > MAX_BYTES:
        raise ArticleError(source, f"file too large (over {MAX_BYTES // 1_000_000} MB)")
    text = _decode(source, path.read_bytes())

    found: dict[str, object] = {}
    blocks: list[Block]
    if kind == "html":
        parsed = parse_html(text)
        blocks, found = parsed.blocks, dict(parsed.meta)
    else:
        front, body = split_front_matter(source, text)
        found = _normalise_meta(source, front, "front matter")
        if kind == "markdown":
            parsed = parse_markdown(body)
            blocks = parsed.blocks
            found = {**parsed.meta, **found}
        else:
            plain = parse_plain_text(body)
            blocks = plain.blocks
            header = (("date", plain.date), ("title", plain.title), ("publisher", plain.author))
            found = {k: v for k, v in header if v} | found
    meta = found | _sidecar_meta(path, source, corpus_dir)

    article_date = meta.get("date")
    cleaned = clean(source, blocks, str(article_date) if article_date else None)
    if not any(b.kind != "heading" for b in cleaned.blocks):
        raise ArticleError(
            source, "no article text found (only headings, markup or site furniture)"
        )
    return Article(
        source=source,
        title=str(meta.get("title") or _title_from_name(path)),
        publisher=str(meta.get("publisher") or "unknown publisher"),
        date=str(article_date) if article_date else None,
        url=web_url(meta.get("url")),
        tags=tuple(meta.get("tags", ())),  # type: ignore[arg-type]
        blocks=cleaned.blocks,
        gaps=cleaned.gaps,
        orphan_blocks=cleaned.orphan_blocks,
    )


def fingerprint(path: Path) -> str:
    """A digest of a corpus file's bytes and of its metadata sidecar's: what reading it depends
    on besides the reading code."""
    digest = hashlib.sha256(path.read_bytes())
    for suffix in SIDECAR_SUFFIXES:
        sidecar = path.with_name(path.name.rsplit(".", 1)[0] + suffix)
        if sidecar.is_file():
            digest.update(suffix.encode() + b"\0" + sidecar.read_bytes())
    return digest.hexdigest()


def load_corpus(corpus_dir: Path, unchanged: Mapping[str, str] | None = None) -> CorpusLoad:
    """Read every article under `corpus_dir`; a bad file becomes an error, not a crash.

    `unchanged` maps sources to the fingerprints they had when last read: every file's
    fingerprint is taken, and a file with the same one is not read again, only listed in
    `skipped`.
    """
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
    load = CorpusLoad([], [])
    for path in discover(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        try:
            if unchanged is not None:  # only an ingest compares files with the last one
                load.fingerprints[source] = fingerprint(path)
                if unchanged.get(source) == load.fingerprints[source]:
                    load.skipped.append(source)
                    continue
            load.articles.append(read_article(path, corpus_dir))
        except ArticleError as error:
            load.errors.append(error)
        except OSError as error:
            load.errors.append(ArticleError(source, str(error)))
    return load
