"""`otbot coverage`: which questions the articles answer, which they miss, and what to write next.

Each question of a bank is run through the same evidence step as an answer: `covered` when the
bot would answer it, `partial` when related passages exist but fall short of the answer floor,
`not_covered` otherwise (and always for topics the scope policy refuses). Unanswered questions are
grouped by theme (prompts/themes.toml) with a suggested article; structural gaps found while
ingesting (a list announced but missing, an empty section, no date) are listed per article.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.answer.lexical import english_frequency
from bot.answer.scoring import NEAR_MARGIN, OFF_TOPIC_SIMILARITY
from bot.ingest.chunking import has_heading
from bot.prompts import read_toml

if TYPE_CHECKING:
    from bot.service import Bot

Status = Literal["covered", "partial", "not_covered"]
# Below the answer floor by at most this much: the chatbot refuses, but shows the closest passage.
PARTIAL_MARGIN = NEAR_MARGIN
OTHER_THEME = "other"


@dataclass(frozen=True)
class QuestionCoverage:
    """One question of the bank and the best passage the articles have for it."""

    question: str
    status: Status
    title: str
    passage: str
    score: float
    source: str = ""
    theme: str = ""
    origin: str = "bank"  # bank, refused (logged by the app) or disliked (thumbs down in the app)
    extra: dict[str, str] = field(default_factory=dict)  # the bank file's other columns
    section: str = ""  # the passage's section heading ("Understanding fieldwork › Level II")


@dataclass(frozen=True)
class CoverageReport:
    questions: list[QuestionCoverage]
    articles: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    structural: list[dict[str, str]]
    floor: float = 0.5  # the answer floor the verdicts were judged against
    # What a reader must know about how the report was made ("made from the index as it was:
    # no corpus folder at ..."), shown at its top.
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": [{**asdict(q), "score": round(q.score, 4)} for q in self.questions],
            "articles": self.articles,
            "gaps": self.gaps,
            "structural": self.structural,
            # Only when there is one: the report's keys stay as they were otherwise.
            **({"notes": list(self.notes)} if self.notes else {}),
        }

    def counts(self) -> dict[str, int]:
        totals = {"covered": 0, "partial": 0, "not_covered": 0}
        for question in self.questions:
            totals[question.status] += 1
        return totals


class _Theme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    pattern: str
    suggestion: str


class Themes:
    """Named question themes, first match wins (prompts/themes.toml)."""

    def __init__(self, themes: list[_Theme]) -> None:
        self.themes = [(t, re.compile(t.pattern, re.IGNORECASE)) for t in themes]

    @classmethod
    def load(cls, path: Path) -> Themes:
        data = read_toml(path)
        return cls([_Theme.model_validate(t) for t in data.get("theme", [])])

    def of(self, question: str) -> _Theme | None:
        return next((t for t, pattern in self.themes if pattern.search(question)), None)

    def named(self, text: str) -> set[str]:
        """Every theme a text speaks of (an article's title may name several)."""
        return {t.name for t, pattern in self.themes if pattern.search(text)}


# A list marker a question was pasted with ("1. ", "2) ", "- ", "• "): not part of the question.
_LIST_MARKER = re.compile(r"^\s*(?:[-*•–]|\(?\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class QuestionBank:
    """The questions of a bank file, the file's other columns for each (a .csv's "expected",
    "owner"...: kept beside the verdicts), and what was left out, in words."""

    questions: list[str]
    columns: list[str] = field(default_factory=list)
    extra: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    encoding: str = ""  # the encoding it was read in when not UTF-8 ("Windows-1252")


def load_question_bank(path: Path) -> QuestionBank:
    """Questions from a .txt (one per line, # comments) or a .csv with a `question` column;
    list markers cut, repeats and blank lines left out (and counted)."""
    if path.is_dir():
        raise ValueError(f"{path} is a folder: give a question file (.txt or .csv)")
    if not path.is_file():
        raise ValueError(
            f"question bank not found: {path} (give your questions with --questions FILE: "
            ".txt, one per line, or .csv with a 'question' column)"
        )
    text, read_as = _bank_text(path)
    rows: list[tuple[str, dict[str, str]]] = []
    columns: list[str] = []
    comments = 0
    empty = 0
    if path.suffix.lower() == ".csv":
        # A spreadsheet may save "CSV" with tabs or semicolons: the header line tells which.
        header = text.split("\n", 1)[0]
        delimiter = next((d for d in ",\t;" if d in header), ",")
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        names = [c.strip() for c in reader.fieldnames or []]
        lowered = [c.lower() for c in names]
        if "question" not in lowered:
            raise ValueError(
                f"{path}: no 'question' column (columns: {', '.join(lowered) or 'none'})"
            )
        key = (reader.fieldnames or [])[lowered.index("question")]
        # The other columns: their names as a reader wrote them, and as the file spells them.
        other = [(n, raw) for n, raw in zip(names, reader.fieldnames or [], strict=True) if raw != key]
        columns = [n for n, _ in other]
        first = (reader.fieldnames or [key])[0]
        for row in reader:
            others = {n: (row.get(raw) or "").strip() for n, raw in other}
            asked = (row.get(key) or "").strip()
            if (row.get(first) or "").strip().startswith("#") or asked.startswith("#"):
                comments += 1  # "# to ask legal", as a .txt bank's comment lines are
                continue
            if not asked:
                empty += 1  # a row with no question: said, not silently dropped
                continue
            rows.append((asked, others))
    elif path.suffix.lower() in (".txt", ".text", ".md", ""):
        # One question per line; a Markdown list reads the same (its markers are cut).
        for line in text.splitlines():
            if line.strip().startswith("#"):
                comments += 1
            else:
                rows.append((line.strip(), {}))
    else:
        raise ValueError(
            f"{path}: expected a .txt or .md (one question per line) or a .csv file"
        )
    questions: list[str] = []
    extra: dict[str, dict[str, str]] = {}
    repeated = 0
    for question, others in rows:
        question = _LIST_MARKER.sub("", question).strip()
        if not question:
            continue
        if question in extra:
            repeated += 1
            continue
        questions.append(question)
        extra[question] = others
    if not questions:
        raise ValueError(f"{path}: no questions found")
    skipped = [
        f"{n} {what}{'' if n == 1 else 's'}"
        for n, what in (
            (repeated, "repeated question"), (comments, "comment line"),
            (empty, "row with no question"),
        )
        if n
    ]
    return QuestionBank(questions, columns, extra if columns else {}, skipped, read_as)


def _bank_text(path: Path) -> tuple[str, str]:
    """A bank file's text, and the encoding it was read in when not UTF-8 ("" when it was).

    Spreadsheets and Windows editors save "Unicode text" as UTF-16 (with its byte-order mark)
    and plain "CSV" or "Text" in Windows-1252: both are read as such. Anything else, or bytes
    no text holds (NUL, other control codes), is not a question list."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8-sig", ""), ("cp1252", "Windows-1252")]
    for encoding, name in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text, name
    raise ValueError(
        f"{path}: not a text file of questions (neither UTF-8, UTF-16 nor Windows-1252 text): "
        "save it as UTF-8 text or CSV (in Excel: Save As, 'CSV UTF-8')"
    )


# Characters no typed question holds: a binary file decoded as if it were text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_question_bank(path: Path) -> list[str]:
    """The questions of a bank file (`load_question_bank`)."""
    return load_question_bank(path).questions


def coverage_report(
    bot: Bot, questions: list[str] | None = None, include_app_log: bool = True
) -> CoverageReport:
    """The content team's coverage report (default: the configured question bank)."""
    bank = questions if questions is not None else read_question_bank(bot.settings.question_bank)
    themes = Themes.load(bot.settings.prompts_dir / "themes.toml")
    return coverage(bot, bank, themes, include_app_log=include_app_log)


def _unrelated(bot: Bot, question: str) -> bool:
    """Is a question the app logged no gap an article could fill: off topic (no chunk comes near
    it: the weather, a recipe), medical advice (refused whatever the articles say) or no words
    at all (two or more, none of them English or the articles': "asdkjh qwe zzzz")?"""
    words = re.findall(r"[a-z']+", question.lower())
    vocabulary = bot.chain.library.vocabulary
    if len(words) >= 2 and not any(
        english_frequency(w) > 0 or w in vocabulary.surface for w in words
    ):
        return True  # known without a search
    evidence = bot.evidence(question)
    policy = evidence.out_of_scope
    if policy is not None and not policy.unless_covered:
        return True
    return evidence.signals is not None and evidence.signals["chunk"] < OFF_TOPIC_SIMILARITY


def assess(bot: Bot, question: str, origin: str = "bank") -> QuestionCoverage:
    """How well the indexed articles answer one question: covered exactly when the chatbot
    answers it (a message asking several things is answered part by part, and a part asking
    medical advice refuses it whole, as `ask` does); else partly, by the evidence's score."""
    evidence = bot.evidence(question)
    answer = bot.ask(question)
    floor = bot.settings.relevance_floor
    # What the chatbot shows: its answer's first point, or a refusal's closest passage.
    statements = evidence.statements or evidence.nearest
    sources = [p.source for p in statements[0].parts if p.source] if statements else []
    title = source_file = passage = section = ""
    if sources:
        source = max(sources, key=lambda s: s.score)  # the point's best-matching sentence
        chunk = bot.chunk(source.chunk_id)
        if chunk is not None:
            title, source_file, passage = chunk.title, chunk.source, source.quote
            section = chunk.section
    elif not answer.refused and answer.citations:  # answered part by part
        first = answer.citations[0]
        title, source_file, passage = first.title, first.source, first.quote
        section = first.section
    elif evidence.passages:
        best = evidence.passages[0]
        title, source_file, passage = best.chunk.title, best.chunk.source, best.sentence.text
        section = best.chunk.section
    if not answer.refused:
        status: Status = "covered"
    elif evidence.out_of_scope is not None:
        status = "not_covered"
    elif evidence.relevance >= floor - PARTIAL_MARGIN and source_file:
        status = "partial"
    else:
        status = "not_covered"
    return QuestionCoverage(
        question=question,
        status=status,
        title=title,
        passage=passage,
        score=evidence.relevance,
        source=source_file,
        origin=origin,
        section=section if has_heading(section) else "",
    )


def coverage(
    bot: Bot,
    questions: list[str],
    themes: Themes,
    include_app_log: bool = False,
    extra: dict[str, dict[str, str]] | None = None,
) -> CoverageReport:
    """The content team's report for a question bank (plus, optionally, what the app logged);
    `extra` carries each question's other columns from the bank file into the report."""
    asked: list[tuple[str, str]] = [(q, "bank") for q in questions]
    if include_app_log:
        seen = {q.lower() for q in questions}
        logged = [(q, "refused") for q in bot.feedback.refused_questions()]
        logged += [(f.question, "disliked") for f in bot.feedback.feedback() if not f.liked]
        for question, origin in logged:
            if question.lower() not in seen:
                seen.add(question.lower())
                asked.append((question, origin))
    unrelated = [q for q, origin in asked if origin != "bank" and _unrelated(bot, q)]
    left = set(unrelated)
    asked = [(q, origin) for q, origin in asked if q not in left]

    results = []
    for question, origin in asked:
        result = assess(bot, question, origin)
        if extra and question in extra:
            result = replace(result, extra=extra[question])
        if result.status != "covered":
            theme = themes.of(question)
            result = replace(result, theme=theme.name if theme else OTHER_THEME)
        results.append(result)

    # What each article answers, apart from what it only comes close to (shown as the closest
    # passage of a refusal): a content team reads the first as done, the second as to check.
    answered_by: dict[str, list[str]] = defaultdict(list)
    close_by: dict[str, list[str]] = defaultdict(list)
    for result in results:
        if result.source and result.status != "not_covered":
            (answered_by if result.status == "covered" else close_by)[result.source].append(
                result.question
            )
    articles = [
        {
            "source": a["source"],
            "title": a["title"],
            "publisher": a["publisher"],
            "date": a.get("date"),
            "chunks": a["chunks"],
            "answers": answered_by.get(a["source"], []),
            "partly": close_by.get(a["source"], []),
        }
        for a in bot.articles()
    ]

    suggestions = {t.name: t.suggestion for t, _ in themes.themes}
    grouped: dict[str, list[QuestionCoverage]] = defaultdict(list)
    for result in results:
        if result.status != "covered":
            grouped[result.theme].append(result)
    # An article whose title names the theme exists already: the gap may belong in it.
    titled: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for name in themes.named(str(article["title"])):
            titled[name].append(str(article["title"]))
    gaps = [
        {
            "theme": theme,
            "suggestion": suggestions.get(theme, "review these questions for a new article"),
            "existing": titled.get(theme, []),
            "not_covered": [r.question for r in members if r.status == "not_covered"],
            "partial": [r.question for r in members if r.status == "partial"],
            "count": len(members),
        }
        for theme, members in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    structural = [
        {"source": g["source"], "kind": g["kind"], "text": g["text"]}
        for a in bot.articles()
        for g in a.get("gaps", [])
    ]
    return CoverageReport(
        results, articles, gaps, structural, bot.settings.relevance_floor,
        notes=(_left_out(unrelated),) if unrelated else (),
    )


def _left_out(questions: list[str]) -> str:
    """The report's note on the logged questions `_unrelated` left out, the first five quoted."""
    quoted = "; ".join(f"“{q[:80]}”" for q in questions[:5]) + ("; …" if len(questions) > 5 else "")
    plural = "" if len(questions) == 1 else "s"
    return (
        f"{len(questions)} question{plural} the app logged left out as no gap an article could "
        f"fill (off topic, medical advice or not words): {quoted}"
    )


def to_csv(report: CoverageReport) -> str:
    """One row per question; the bank file's own columns follow the report's."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = list(dict.fromkeys(c for q in report.questions for c in q.extra))
    writer.writerow(
        ["question", "status", "score", "title", "source", "passage", "theme", "origin",
         "section", *columns]
    )
    for q in report.questions:
        writer.writerow(
            [
                q.question,
                q.status,
                f"{q.score:.3f}",
                q.title,
                q.source,
                q.passage,
                q.theme,
                q.origin,
                q.section,
                *(q.extra.get(c, "") for c in columns),
            ]
        )
    return out.getvalue()


def _questions(count: int) -> str:
    return f"{count} question" if count == 1 else f"{count} questions"


def to_markdown(report: CoverageReport) -> str:
    counts = report.counts()
    total = max(1, len(report.questions))
    lines = [
        "# Content coverage",
        "",
        *(f"**Note:** {note}\n" for note in report.notes),
        f"{_questions(len(report.questions))}: {counts['covered']} covered "
        f"({counts['covered'] / total:.0%}), {counts['partial']} partly covered, "
        f"{counts['not_covered']} not covered.",
        "",
        f"The score is how likely the chatbot judges it that the articles answer the question "
        f"(its answer decision). **Covered**: the chatbot answers it (score {report.floor:.2f} or "
        f"more). **Partly covered**: the chatbot does not answer it, but shows the closest "
        f"passage as possibly related (score at least "
        f"{max(0.0, report.floor - PARTIAL_MARGIN):.2f}). **Not covered**: nothing close, or a "
        f"topic the chatbot always hands off (pay and licensure to a recruiter, medical advice "
        f"to a doctor). The score also depends on the other articles (how rare each "
        f"word is), so compare verdicts between runs rather than small changes in score.",
        "",
        "## What to write next",
        "",
    ]
    by_question = {q.question: q for q in report.questions}
    for gap in report.gaps:
        advice = gap["suggestion"]
        titles = [f"“{title}”" for title in gap.get("existing", [])]
        if len(titles) == 1:
            advice += f" ({titles[0]} is on this theme already: extend it if these belong there)"
        elif titles:
            names = f"{', '.join(titles[:-1])} and {titles[-1]}"
            advice += f" ({names} are on this theme already: extend one if these belong there)"
        lines.append(f"- **{gap['theme']}** ({_questions(gap['count'])}): {advice}")
        for question in gap["not_covered"]:
            lines.append(f"  - not covered: {question}")
        for question in gap["partial"]:
            # The article may say it in words the chatbot does not match: read before writing.
            # Where it comes closest is where a missing fact would go.
            near = by_question.get(question)
            where = (
                f"“{near.title}” › {near.section}" if near and near.section
                else f"“{near.title}”" if near and near.title else ""
            )
            place = (
                f"closest in {where}: check it first, or add the missing detail there"
                if where else "check its closest passage first"
            )
            lines.append(f"  - partly covered ({place}): {question}")
    lines += ["", "## Articles to fix", ""]
    if not report.structural:
        lines.append("No structural gaps found.")
    for gap in report.structural:
        lines.append(f"- `{gap['source']}` — {gap['kind'].replace('_', ' ')}: {gap['text']}")
    lines += ["", "## Questions each article answers", ""]
    for article in report.articles:
        lines.append(
            f"- **{article['title']}** ({article['publisher']}, {article['chunks']} chunks): "
            f"{_questions(len(article['answers']))}"
            + (f", {len(article['partly'])} partly" if article.get("partly") else "")
        )
        lines += [f"  - {question}" for question in article["answers"]]
        lines += [f"  - partly (closest passage only): {q}" for q in article.get("partly", [])]
    lines += [
        "",
        "## Every question",
        "",
        "| status | score | question | best passage | article |",
        "|---|---|---|---|---|",
    ]
    for q in sorted(
        report.questions,
        key=lambda q: ({"not_covered": 0, "partial": 1, "covered": 2}[q.status], q.score),
    ):
        passage = q.passage.replace("|", "\\|")[:120]
        where = f"{q.title} › {q.section}" if q.section else q.title
        lines.append(
            f"| {q.status.replace('_', ' ')} | {q.score:.2f} | {q.question} | {passage} | {where} |"
        )
    return "\n".join(lines)


def coverage_chart(report: CoverageReport, path: Path) -> Path:
    """Bars: questions by status, and unanswered questions by theme."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    counts = report.counts()
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1, 2]}
    )
    left.bar(
        ["covered", "partial", "not covered"],
        list(counts.values()),
        color=["#4caf50", "#ffb300", "#e53935"],
    )
    left.set_title("Questions by status")
    themes = [(g["theme"], g["count"]) for g in report.gaps]
    right.barh([t for t, _ in themes][::-1], [c for _, c in themes][::-1], color="#5c6bc0")
    right.set_title("Unanswered questions by theme")
    # Questions are counted whole: no tick at 0.5 of one.
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
