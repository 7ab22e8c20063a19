"""The `otbot` command: a thin shell over `Bot`.

Every subcommand takes `--corpus DIR` and `--index DIR` (env OTBOT_CORPUS_DIR, OTBOT_INDEX_DIR).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import ValidationError

from bot.models import Detail
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.service import Bot

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the person at the terminal: reported in one line, exit status 2."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(command_parser=parser)  # a mistyped option is shown this one's usage
    parser.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="articles folder (env OTBOT_CORPUS_DIR; default corpus/)",
    )
    parser.add_argument(
        "--index",
        type=Path,
        metavar="DIR",
        help="index/data folder (env OTBOT_INDEX_DIR; default .otbot/)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if args.corpus is not None:
        overrides["corpus_dir"] = args.corpus
    if args.index is not None:
        overrides["index_dir"] = args.index
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problem = error.errors()[0]
        raise UsageError(f"invalid setting {problem['loc'][0]}: {problem['msg']}") from None


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.corpus_dir.is_dir():
        raise UsageError(f"corpus folder not found: {settings.corpus_dir}")
    from bot.service import build_bot
    crashed = _search_crashes(settings)
    report = build_bot(settings).ingest(
        show_progress=not args.json, rebuild=args.rebuild or crashed
    )
    if crashed:
        report.rebuilt = "searching the stored vectors crashed (a damaged HNSW file)"
    for error in report.errors:
        print(f"otbot: skipped {error}", file=sys.stderr)
    for source in report.gone:
        print(f"otbot: removed {source} from the index: it is no longer in the corpus"
              f"{_instead(source, report.errors)}", file=sys.stderr)
    if report.rebuilt and report.rebuilt != "asked for":
        print(f"otbot: the index could not be read ({report.rebuilt}); rebuilt it from the corpus",
              file=sys.stderr)
    if args.json:
        print(json.dumps(report.summary()))
    else:
        print(
            f"{report.articles} articles, {report.chunks} chunks: {report.added} added, "
            f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged "
            f"({report.seconds:.2f} s) -> {settings.index_dir}"
        )
    return 1 if args.strict and report.errors else 0


def _instead(source: str, errors: list[str]) -> str:
    """The skipped file that took an article's place, as a renamed article does ("nicu.pdf"
    for "nicu.txt"), said after the article's removal; "" when there is none."""
    stem = source.rsplit(".", 1)[0]
    for error in errors:
        skipped = error.split(":", 1)[0]
        if skipped != source and skipped.rsplit(".", 1)[0] == stem:
            return f" ({skipped}, skipped above, is there instead)"
    return ""


def _search_crashes(settings: Settings) -> bool:
    """Does searching the local index crash the process (damaged HNSW files)? See
    `bot.ingest.index.crashes_on_search`; a Chroma server is its own process and is not probed."""
    from bot.ingest.index import crashes_on_search

    return not settings.chroma_host and crashes_on_search(settings.index_dir, settings.collection)


def _bot_requiring_index(settings: Settings) -> Bot:
    from bot.ingest.index import IndexDamaged
    from bot.ingest.sync import wait_for_writer
    from bot.service import build_bot

    if not settings.chroma_host and not settings.index_dir.exists():  # say so, create nothing
        raise UsageError(f"no index at {settings.index_dir}: run `otbot ingest` first")
    wait_for_writer(settings.index_dir, lambda: print(
        f"otbot: an ingest is updating the index at {settings.index_dir}: waiting for it to "
        "finish", file=sys.stderr, flush=True,
    ))
    if _search_crashes(settings):
        raise IndexDamaged(settings.index_dir, "searching the stored vectors crashed")
    bot = build_bot(settings)
    if not bot.is_indexed():
        raise UsageError(f"the index at {settings.index_dir} is empty: run `otbot ingest` first")
    return bot


def _parse_request(line: str) -> dict[str, Any]:
    """One --jsonl request, checked field by field; raises ValueError with the reason."""
    from bot.answer.rewriting import history_from

    try:
        request = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(request, dict):
        raise ValueError('expected a JSON object with a "question"')
    request["history"] = history_from(request.get("history"))
    return request


# A one-shot command cannot take a "yes" to the chat's offer of a recruiter: it says where to.
CLI_HANDOFF = "A recruiter can help with this: ask in the web chat (`otbot serve`) to be put in touch."


DETAILS: tuple[str, ...] = get_args(Detail)


def _check_tone(bot: Bot, tone: object, error: type[Exception] = UsageError) -> None:
    """A tone must be one the wording file defines (an unknown one is no silent default)."""
    tones = bot.wording.recruiter.tones
    if tone is not None and tone not in tones:
        raise error(f"unknown tone {tone!r} (expected {' or '.join(sorted(tones))})")


def _human(answer: Any, handoff: str = "") -> str:
    """An answer for a person at a terminal: the text, then its sources."""
    text = answer.answer
    if handoff and text.endswith(handoff):
        text = f"{text[: -len(handoff)].rstrip()}\n\n{CLI_HANDOFF}"
    lines = [text]
    if answer.citations and answer.mode == "candidate":
        lines += ["", "Sources:"]
        for c in answer.citations:
            where = f", “{c.heading}”" if c.heading else ""
            lines.append(f"[{c.n}] {c.title} — {c.publisher}{where}: “{c.quote}”")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.service import QuestionError, check_text

    settings = _settings(args)
    if (args.question is None) == (args.jsonl is None):
        raise UsageError("give either a QUESTION or --jsonl FILE")
    if args.tone is not None and args.mode != "recruiter" and args.question is not None:
        print("otbot: --tone shapes recruiter drafts (--mode recruiter); a candidate's answer "
              "has one tone", file=sys.stderr)
    if args.question is not None:
        try:  # checked before the index loads, so a bad question fails fast
            question = check_text(args.question, limit=settings.max_question_chars)
            bot = _bot_requiring_index(settings)
            _check_tone(bot, args.tone)
            answer = bot.ask(question, mode=args.mode, tone=args.tone, detail=args.detail)
        except QuestionError as error:
            raise UsageError(str(error)) from None
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            print(_human(answer, bot.wording.refusal.handoff))
        return 0

    # Broken bytes on a line are kept as surrogates, so that line alone is reported.
    if args.jsonl == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
    else:
        path = Path(args.jsonl)
        if not path.is_file():
            raise UsageError(f"--jsonl file not found: {path}")
        stream = path.open(encoding="utf-8", errors="surrogateescape")
    bot = _bot_requiring_index(settings)
    _check_tone(bot, args.tone)
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            request_id: object = None
            try:
                request = _parse_request(line)
                request_id = request.get("id")
                tone = request.get("tone") or args.tone
                detail = request.get("detail") or args.detail
                if detail not in DETAILS:
                    raise ValueError(f"unknown detail {detail!r} (expected {', '.join(DETAILS)})")
                _check_tone(bot, tone, ValueError)
                answer = bot.ask(
                    request.get("question"),  # type: ignore[arg-type]  # ask() rejects non-text
                    request["history"],
                    mode=request.get("mode") or args.mode,
                    request_id=request_id,
                    tone=tone,
                    detail=detail,
                )
                out: dict[str, Any] = answer.to_json()
            except (ValueError, QuestionError) as error:
                out = {"id": request_id, "line": number, "error": str(error)}
            try:
                print(json.dumps(out, ensure_ascii=False), flush=True)
            except UnicodeEncodeError:  # an id with a lone surrogate: \u-escape it
                print(json.dumps(out), flush=True)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.service import build_bot

    overrides = _settings(args)
    settings = overrides.model_copy(
        update={k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    )
    bot = build_bot(settings)
    if _search_crashes(settings):
        print("the index crashed when searched (a damaged HNSW file): rebuilding it", flush=True)
        bot.ingest(rebuild=True)
    if not bot.is_indexed():
        if not settings.corpus_dir.is_dir():
            raise UsageError(f"corpus folder not found: {settings.corpus_dir}")
        report = bot.ingest()
        print(f"indexed {report.articles} articles ({report.chunks} chunks)")
    bot.warm_up()  # load the model and the index before the first visitor
    from bot.app.server import serve

    print(f"otbot app on http://{settings.host}:{settings.port}")
    serve(bot, settings.host, settings.port)
    return 0


def _indexed_bot(settings: Settings, index_alone: bool = False) -> Bot:
    """A bot whose index reflects the corpus (ingesting first, incrementally). With
    `index_alone`, a missing corpus folder is no error when the index holds articles: the bot
    reports on the index as it is, as `ask` answers from it."""
    from bot.service import build_bot

    if not settings.corpus_dir.is_dir():
        if index_alone:
            try:
                bot = _bot_requiring_index(settings)
            except UsageError as missing:
                raise UsageError(
                    f"corpus folder not found: {settings.corpus_dir} ({missing})"
                ) from None
            print(f"otbot: no corpus folder at {settings.corpus_dir}: using the index at "
                  f"{settings.index_dir} as it is", file=sys.stderr)
            return bot
        raise UsageError(f"corpus folder not found: {settings.corpus_dir}")
    bot = build_bot(settings)
    report = bot.ingest(show_progress=False)
    for skipped in report.errors:
        print(f"otbot: skipped {skipped}", file=sys.stderr)
    return bot


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.quality.evalsets import below_thresholds, load_sets, load_test_thresholds
    from bot.quality.evaluation import below, evaluate, load_items, load_thresholds, to_json
    from bot.quality.reporting import eval_chart, eval_markdown

    settings = _settings(args)
    try:
        items = load_items(args.questions)
        thresholds = load_thresholds(args.thresholds) if args.thresholds.is_file() else {}
        test_thresholds = (
            load_test_thresholds(args.thresholds) if args.thresholds.is_file() else {}
        )
        sets = [] if args.no_sets else load_sets(args.sets)
    except (OSError, ValueError, KeyError) as error:
        raise UsageError(str(error)) from None
    bot = _indexed_bot(settings)
    systems, failed = evaluate(bot, items, with_baselines=not args.no_baselines)
    chart = args.chart or settings.index_dir / "eval-metrics.png"
    eval_chart(systems, chart)
    markdown = eval_markdown(systems, failed, thresholds, len(items), chart)
    generalization = _run_sets(bot, settings, sets, not args.no_baselines) if sets else None
    if generalization is not None:
        from bot.quality.evalsets import markdown as sets_markdown

        markdown += "\n" + sets_markdown(generalization, test_thresholds)
    if args.report:
        args.report.write_text(markdown, encoding="utf-8")
    if args.json:
        report = json.loads(to_json(systems, failed, thresholds))
        if generalization is not None:
            report["generalization"] = generalization.to_json(test_thresholds)
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(markdown)
    missed = below(systems[0].metrics, thresholds)
    if generalization is not None:
        missed |= {f"test {k}": v for k, v in below_thresholds(generalization, test_thresholds).items()}
    for metric, (value, threshold) in missed.items():
        print(f"otbot: {metric} = {value:.3f} is below its threshold {threshold}", file=sys.stderr)
    return 1 if missed else 0


def _run_sets(bot: Bot, settings: Settings, sets: list[Any], baselines: bool) -> Any:
    """Dev, test and external sets, each against its own articles, in a scratch folder."""
    from bot.quality.baselines import PlainLangChain
    from bot.quality.evalsets import run_sets
    from bot.service import build_bot

    work = settings.index_dir / "evalsets"

    def make_bot(corpus: Path, index: Path) -> Bot:
        return build_bot(settings.model_copy(update={"corpus_dir": corpus, "index_dir": index}), bot.embedder)

    def plain(corpus: Path) -> PlainLangChain:
        return PlainLangChain(corpus, bot.embedder)

    return run_sets(
        sets,
        make_bot,
        work,
        plain if baselines else None,
        log=lambda line: print(f"otbot: {line}", file=sys.stderr),
    )


def cmd_coverage(args: argparse.Namespace) -> int:
    from bot.quality.coverage import (
        Themes,
        coverage,
        coverage_chart,
        load_question_bank,
        to_csv,
        to_markdown,
    )

    settings = _settings(args)
    try:
        bank = load_question_bank(args.questions)
        themes = Themes.load(settings.prompts_dir / "themes.toml")
    except (OSError, ValueError) as error:
        raise UsageError(str(error)) from None
    if bank.encoding:
        print(f"otbot: {args.questions}: read as {bank.encoding} text", file=sys.stderr)
    if bank.skipped:
        print(f"otbot: {args.questions}: left out {' and '.join(bank.skipped)}", file=sys.stderr)
    bot = _indexed_bot(settings, index_alone=True)
    report = coverage(
        bot, bank.questions, themes, include_app_log=args.include_app_log, extra=bank.extra
    )
    if not settings.corpus_dir.is_dir():
        # Said in the report too: its reader may never see the terminal's warning.
        report = replace(report, notes=(*report.notes,
            f"made from the index at {settings.index_dir} as it was: there is no corpus "
            f"folder at {settings.corpus_dir}, so articles added or changed since the last "
            "ingest are not in it.",
        ))
    if args.csv:
        args.csv.write_text(to_csv(report), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(to_markdown(report), encoding="utf-8")
    if args.chart:
        coverage_chart(report, args.chart)
    print(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2)
        if args.json
        else to_markdown(report)
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otbot",
        description="Career-guidance answers for occupational therapists, from articles.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="index the corpus folder (incremental)")
    _common(ingest)
    ingest.add_argument("--json", action="store_true", help="print a JSON summary")
    ingest.add_argument("--strict", action="store_true", help="exit 1 if any file was skipped")
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="delete the stored index and build it anew from the corpus (a damaged index is "
        "rebuilt without it)",
    )
    ingest.set_defaults(handler=cmd_ingest)

    ask = commands.add_parser("ask", help="answer a question from the articles, with citations")
    _common(ask)
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--mode", choices=("candidate", "recruiter"), default="candidate")
    ask.add_argument(
        "--detail",
        choices=DETAILS,
        default="standard",
        help="how much of the articles an answer quotes (default standard)",
    )
    ask.add_argument(
        "--tone", help="a recruiter draft's tone, from prompts/answer.toml (friendly, formal)"
    )
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "--jsonl",
        metavar="FILE",
        help="answer one JSON request per line of FILE ('-' for stdin), one JSON answer per line",
    )
    ask.set_defaults(handler=cmd_ask)

    serve = commands.add_parser("serve", help="run the chat app (candidate chat, drafts, content)")
    _common(serve)
    serve.add_argument("--host", help="address to listen on (env OTBOT_HOST; default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (env OTBOT_PORT; default 7860)")
    serve.set_defaults(handler=cmd_serve)

    evaluate = commands.add_parser("eval", help="score otbot and two baselines on the golden set")
    _common(evaluate)
    evaluate.add_argument(
        "--questions", type=Path, default=Path("evals/questions.jsonl"), metavar="FILE"
    )
    evaluate.add_argument(
        "--thresholds", type=Path, default=Path("evals/thresholds.toml"), metavar="FILE"
    )
    evaluate.add_argument("--json", action="store_true", help="print the JSON report")
    evaluate.add_argument(
        "--report", type=Path, metavar="FILE", help="also write the Markdown report"
    )
    evaluate.add_argument(
        "--chart", type=Path, metavar="FILE", help="bar chart PNG (default INDEX/eval-metrics.png)"
    )
    evaluate.add_argument("--no-baselines", action="store_true", help="score otbot only")
    evaluate.add_argument(
        "--sets",
        type=Path,
        default=Path("evals/sets.toml"),
        metavar="FILE",
        help="dev/test and external question sets, each with its articles",
    )
    evaluate.add_argument(
        "--no-sets", action="store_true", help="only the golden set (no dev/test/external table)"
    )
    evaluate.set_defaults(handler=cmd_eval)

    cover = commands.add_parser(
        "coverage", help="which questions the articles answer, and the gaps"
    )
    _common(cover)
    cover.add_argument(
        "--questions",
        type=Path,
        default=Path("evals/question_bank.txt"),
        metavar="FILE",
        help=".txt or .md (one question a line) or .csv (comma-, tab- or semicolon-separated) "
        "with a 'question' column",
    )
    cover.add_argument("--json", action="store_true", help="print the JSON report")
    cover.add_argument("--csv", type=Path, metavar="FILE", help="also write the questions as CSV")
    cover.add_argument(
        "--markdown", type=Path, metavar="FILE", help="also write the Markdown report"
    )
    cover.add_argument("--chart", type=Path, metavar="FILE", help="also write a PNG chart")
    cover.add_argument(
        "--include-app-log",
        action="store_true",
        help="add the questions the app refused or got a thumbs down on",
    )
    cover.set_defaults(handler=cmd_coverage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # "coverage --qestions": the subcommand's usage, not otbot's
        getattr(args, "command_parser", parser).error(
            f"unrecognized arguments: {' '.join(unknown)}"
        )
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UsageError as error:
        print(f"otbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader stopped reading (`otbot ask ... | head -1`): not an error of ours. Point
        # stdout at nothing so that Python's own flush at exit does not fail again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        from bot.ingest.index import IndexDamaged

        if not isinstance(error, IndexDamaged):
            raise
        print(f"otbot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
