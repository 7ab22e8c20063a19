"""The `otbot` command: a thin shell over `Bot`.

Every subcommand takes `--corpus DIR` and `--index DIR` (env OTBOT_CORPUS_DIR, OTBOT_INDEX_DIR).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.settings import Settings

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the person at the terminal: reported in one line, exit status 2."""


def _common(parser: argparse.ArgumentParser) -> None:
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
    from bot.bot import build_bot

    report = build_bot(settings).ingest(show_progress=not args.json)
    for error in report.errors:
        print(f"otbot: skipped {error}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.summary()))
    else:
        print(
            f"{report.articles} articles, {report.chunks} chunks: {report.added} added, "
            f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged "
            f"({report.seconds:.2f} s) -> {settings.index_dir}"
        )
    return 1 if args.strict and report.errors else 0


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
    ingest.set_defaults(handler=cmd_ingest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UsageError as error:
        print(f"otbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
