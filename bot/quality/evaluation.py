"""`otbot eval`: score otbot and two baselines on the golden question set.

Metrics (each in [0, 1] unless named in ms or words; defined the same for every system):
- recall_at_4: share of in-scope questions whose answering passage is inside one of the first four
  retrieved chunks; mrr: mean of 1/rank of the first such chunk (0 when none in the first ten).
- citation_precision: share of citations whose quote is verbatim in the cited article and carries
  most content words of the statement the [n] is attached to.
- citation_recall: share of answer statements (sentences and list items, template lines aside)
  that carry a citation supporting them.
- correctness: share of each in-scope question's key facts found in its answer (refusal = 0).
- refusal_accuracy: share of questions handled right: in-scope answered, out-of-scope refused.
- latency_p50_ms / latency_p95_ms: wall time of one answer, warm; answer_words: median length.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.answer.rewriting import Turn, history_from
from bot.answer.verification import normalise, supports
from bot.ingest.loading import load_corpus
from bot.ingest.sentences import split_sentences
from bot.prompts import AnswerWording, read_toml
from bot.quality.baselines import Bm25Only, PlainLangChain

if TYPE_CHECKING:
    from bot.service import Bot

RECALL_K = 4
MRR_DEPTH = 10
METRICS = (
    "recall_at_4",
    "mrr",
    "citation_precision",
    "citation_recall",
    "correctness",
    "refusal_accuracy",
)
_SEGMENT = re.compile(r"([^\[\]]*?)\s*\[(\d+)\]")
_SOURCE_LINE = re.compile(r"^\[\d+(?:, \d+)*\] ")  # "[1] Title" or "[1, 2] Title"


class EvalItem(BaseModel):
    """One golden question. In-scope items name the article and the passage that answers them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    question: str
    kind: Literal["in_scope", "comparison", "followup", "out_of_scope"]
    history: list[dict[str, str]] = []
    mode: Literal["candidate", "recruiter"] = "candidate"
    source: str | None = None
    passage: str | None = None
    facts: list[str] = []
    theme: str | None = None

    @property
    def in_scope(self) -> bool:
        return self.kind != "out_of_scope"

    def turns(self) -> list[Turn]:
        return history_from(self.history)


_Line = TypeVar("_Line", bound=BaseModel)


def read_jsonl(path: Path, model: type[_Line]) -> list[_Line]:
    """Read a JSONL file, one `model` a line; a bad line is reported with its number."""
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            lines.append(model.model_validate_json(line))
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(p) for p in problem["loc"]) or "line"
            raise ValueError(f"{path}:{number}: {where}: {problem['msg']}") from None
    return lines


def load_items(path: Path) -> list[EvalItem]:
    """Read a JSONL golden set."""
    return read_jsonl(path, EvalItem)


@dataclass
class Record:
    """What one system did with one question."""

    item_id: str
    retrieved: list[str]
    answer: str
    refused: bool
    citations: dict[int, tuple[str, str]]  # n -> (quote, article source)
    milliseconds: float


@dataclass
class SystemReport:
    name: str
    metrics: dict[str, float]
    records: list[Record] = field(default_factory=list)


def _found(passage: str, text: str) -> bool:
    return normalise(passage).lower() in normalise(text).lower()


def _strip_templates(answer: str, templates: Iterable[str]) -> str:
    """The answer without the fixed lines the answerer adds; a line with a placeholder ("...
    the rest of your question: {parts}.") goes whatever fills it, up to the end of its line."""
    for template in sorted(templates, key=len, reverse=True):
        if "{" in template:
            pattern = re.escape(template)
            pattern = re.sub(r"\\\{\w+\\\}", "[^\\n]*?", pattern)
            answer = re.sub(pattern, "", answer)
        elif template:
            answer = answer.replace(template, "")
    return answer


def statements(answer: str) -> list[str]:
    """The claims of an answer: sentences and list items, without headings or the sources list.

    Example: "Lead:\\n- A [1]\\n- B. C [2]" -> ["A [1]", "B.", "C [2]"]
    """
    units: list[str] = []
    for raw in answer.splitlines():
        if raw.strip().startswith("**"):  # a draft's bold heading (before "- " is stripped)
            continue
        line = raw.strip().lstrip("-*• ").strip()
        if not line or _SOURCE_LINE.match(line) or line.endswith(":"):
            continue
        units += [s for s in split_sentences(line) if s.strip() and not s.strip().endswith(":")]
    return units


def _claim(segment: str) -> str:
    """The words a [n] vouches for: its segment without punctuation or a "Label: " prefix."""
    return segment.strip(" ;:.-\n").split(": ")[-1]


def _citation_scores(
    record: Record, articles: dict[str, str], templates: list[str]
) -> tuple[int, int, int, int]:
    """(precise citations, citations, supported statements, statements) of one answer."""
    body = "\n".join(
        line
        for line in _strip_templates(record.answer, templates).splitlines()
        if not _SOURCE_LINE.match(line.strip())  # the sources list of a recruiter draft
    )
    precise = total = 0
    for segment, number in _SEGMENT.findall(body):
        citation = record.citations.get(int(number))
        if citation is None:
            total += 1
            continue
        quote, source = citation
        claim = _claim(segment)
        total += 1
        in_article = normalise(quote) in articles.get(source, "")
        if in_article and supports(quote, claim, threshold=0.5):
            precise += 1
    units = statements(body)
    supported = 0
    for unit in units:
        for segment, number in _SEGMENT.findall(unit):
            citation = record.citations.get(int(number))
            claim = _claim(segment)
            if citation and supports(citation[0], claim, threshold=0.5):
                supported += 1
                break
    return precise, total, supported, len(units)


def score(
    records: list[Record], items: list[EvalItem], articles: dict[str, str], templates: list[str]
) -> dict[str, float]:
    """Every metric of one system over the golden set."""
    by_id = {i.id: i for i in items}
    recall = reciprocal = 0.0
    in_scope = [r for r in records if by_id[r.item_id].in_scope]
    for record in in_scope:
        passage = by_id[record.item_id].passage or ""
        ranks = [i for i, text in enumerate(record.retrieved[:MRR_DEPTH]) if _found(passage, text)]
        if ranks and ranks[0] < RECALL_K:
            recall += 1
        if ranks:
            reciprocal += 1 / (ranks[0] + 1)
    precise = cited = supported = claims = 0
    for record in records:
        if not record.refused:
            p, c, s, n = _citation_scores(record, articles, templates)
            precise, cited, supported, claims = precise + p, cited + c, supported + s, claims + n
    correctness = []
    for record in in_scope:
        facts = by_id[record.item_id].facts
        if facts:
            found = 0 if record.refused else sum(_found(f, record.answer) for f in facts)
            correctness.append(found / len(facts))
    right = sum((not r.refused) if by_id[r.item_id].in_scope else r.refused for r in records)
    times = sorted(r.milliseconds for r in records)
    words = [len(r.answer.split()) for r in records if not r.refused]
    return {
        "recall_at_4": recall / max(1, len(in_scope)),
        "mrr": reciprocal / max(1, len(in_scope)),
        "citation_precision": precise / cited if cited else 0.0,
        "citation_recall": supported / claims if claims else 0.0,
        "correctness": statistics.fmean(correctness) if correctness else 0.0,
        "refusal_accuracy": right / max(1, len(records)),
        "latency_p50_ms": statistics.median(times) if times else 0.0,
        "latency_p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        if times
        else 0.0,
        "answer_words": statistics.median(words) if words else 0.0,
    }


def template_lines(wording: AnswerWording) -> list[str]:
    """Every fixed line the answerer adds, so only the claims are scored."""
    lines = [
        wording.candidate.lead,
        wording.candidate.lead_comparison,
        wording.candidate.lead_yes_no,
        wording.refusal.candidate,
        wording.refusal.recruiter,
        wording.refusal.handoff,
        wording.refusal.part_candidate,
        f"{wording.recruiter.note_for_recruiter}: {wording.refusal.part_recruiter}",
    ]
    for tone in wording.recruiter.tones.values():
        lines += [tone.opening, tone.opening_comparison, tone.closing]
    return lines


Answerer = Callable[[EvalItem], Record]


def otbot_answerer(bot: Bot) -> Answerer:
    """otbot as the evaluation sees it: the answer (timed) and the chunks it retrieved."""

    def answer(item: EvalItem) -> Record:
        started = time.perf_counter()
        reply = bot.ask(item.question, item.turns(), item.mode)
        elapsed = (time.perf_counter() - started) * 1000
        hits = bot.evidence(item.question, item.turns()).hits
        citations = {c.n: (c.quote, c.source) for c in reply.citations}
        return Record(
            item.id, [h.chunk.text for h in hits], reply.answer, reply.refused, citations, elapsed
        )

    return answer


def baseline_answerer(system: PlainLangChain | Bm25Only) -> Answerer:
    def answer(item: EvalItem) -> Record:
        reply = system.answer(item.question)
        citations = (
            {1: (reply.retrieved[0].text, reply.retrieved[0].source)} if reply.retrieved else {}
        )
        return Record(
            item.id,
            [r.text for r in reply.retrieved],
            reply.answer,
            not reply.retrieved,
            citations,
            reply.milliseconds,
        )

    return answer


def article_texts(corpus_dir: Path) -> dict[str, str]:
    """Each article's text as stored and as cleaned, normalised, for checking quotes."""
    load = load_corpus(corpus_dir)
    texts = {}
    for article in load.articles:
        raw = (corpus_dir / article.source).read_text(encoding="utf-8", errors="replace")
        cleaned = (
            " ".join(b.text for b in article.blocks)
            + " "
            + " ".join(c.text for b in article.blocks for c in b.cells)
        )
        texts[article.source] = normalise(raw) + " " + normalise(cleaned)
    return texts


def evaluate(
    bot: Bot, items: list[EvalItem], with_baselines: bool = True
) -> tuple[list[SystemReport], list[dict[str, Any]]]:
    """Run otbot (and the baselines) over the items; returns the reports and otbot's failures."""
    corpus = bot.settings.corpus_dir
    articles = article_texts(corpus)
    templates = template_lines(bot.wording)
    bot.warm_up()  # latency is measured on a loaded bot
    systems = [("otbot", otbot_answerer(bot))]
    opened: list[PlainLangChain | Bm25Only] = []
    if with_baselines:
        opened = [PlainLangChain(corpus, bot.embedder), Bm25Only(corpus)]
        systems += [(system.name, baseline_answerer(system)) for system in opened]
    reports = []
    try:
        for name, answer in systems:
            records = [answer(item) for item in items]
            reports.append(SystemReport(name, score(records, items, articles, templates), records))
    finally:
        for system in opened:
            system.close()
    return reports, failures(reports[0].records, items)


def failures(records: list[Record], items: list[EvalItem]) -> list[dict[str, Any]]:
    """otbot's misses, with what a person needs to see why."""
    by_id = {i.id: i for i in items}
    out = []
    for record in records:
        item = by_id[record.item_id]
        problems = []
        if item.in_scope:
            passage = item.passage or ""
            if not any(_found(passage, t) for t in record.retrieved[:RECALL_K]):
                problems.append("passage not retrieved in the first 4 chunks")
            if record.refused:
                problems.append("refused an in-scope question")
            missing = [f for f in item.facts if not _found(f, record.answer)]
            if missing and not record.refused:
                problems.append("missing facts: " + ", ".join(missing))
        elif not record.refused:
            problems.append("answered an out-of-scope question")
        if problems:
            out.append(
                {
                    "id": item.id,
                    "question": item.question,
                    "kind": item.kind,
                    "expected_passage": item.passage,
                    "problems": problems,
                    "retrieved": [t[:160] for t in record.retrieved[:3]],
                    "answer": record.answer,
                }
            )
    return out


def load_thresholds(path: Path) -> dict[str, float]:
    """Minimum value per metric, from evals/thresholds.toml ([otbot] table)."""
    table = read_toml(path).get("otbot", {})
    unknown = set(table) - set(METRICS)
    if unknown:
        raise ValueError(f"{path}: unknown metrics {sorted(unknown)} (known: {', '.join(METRICS)})")
    return {k: float(v) for k, v in table.items()}


def below(
    metrics: dict[str, float], thresholds: dict[str, float]
) -> dict[str, tuple[float, float]]:
    """Metrics under their threshold: name -> (value, threshold)."""
    return {k: (metrics[k], t) for k, t in thresholds.items() if metrics.get(k, 0.0) < t}


def to_json(
    systems: list[SystemReport], failed: list[dict[str, Any]], thresholds: dict[str, float]
) -> str:
    return json.dumps(
        {
            "systems": {s.name: {k: round(v, 4) for k, v in s.metrics.items()} for s in systems},
            "failures": failed,
            "thresholds": thresholds,
            "below_threshold": {
                k: {"value": round(v, 4), "threshold": t}
                for k, (v, t) in below(systems[0].metrics, thresholds).items()
            },
        },
        ensure_ascii=False,
        indent=2,
    )
