"""Warm answer latency by stage, and otbot beside the plain LangChain recipe (recall and latency).

`measure_answers` times `Bot.ask` over a question set (each question pays for its own embedding);
`compare_with_langchain` builds a fresh index of the shipped corpus, scores retrieval recall@4 with
bot/quality/evaluation.py's own functions for otbot and `PlainLangChain`, then times both
interleaved, question by question, so machine noise falls on both alike.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench_common import ROOT, Summary, TimedEmbedder, fresh_dir, log, profile_call

from bot.quality.evaluation import (
    EvalItem,
    article_texts,
    baseline_answerer,
    load_items,
    otbot_answerer,
    score,
    template_lines,
)

QUESTIONS = ROOT / "evals" / "questions.jsonl"
STAGES = ("rewrite", "retrieve", "answer", "total", "wall")


def answer_stages(bot: Any, item: EvalItem) -> dict[str, float]:
    """One timed answer: the Answer's own stage timings plus `rewrite` (the rest of `total`)
    and `wall` (around `Bot.ask`, so its checks and the reload probe count too)."""
    bot.clear_caches()  # every question pays for its own embedding
    started = time.perf_counter()
    answer = bot.ask(item.question, item.turns(), item.mode)
    wall = (time.perf_counter() - started) * 1000
    timings = answer.timings_ms
    return {
        "retrieve": timings["retrieve"],
        "answer": timings["answer"],
        "total": timings["total"],
        "rewrite": max(0.0, timings["total"] - timings["retrieve"] - timings["answer"]),
        "wall": wall,
    }


def measure_answers(
    bot: Any, items: list[EvalItem], rounds: int, warm_questions: int = 10,
    one_blas_thread: bool = False,
) -> dict[str, Summary]:
    """Median and p95 per stage over `rounds` passes of `items`, after `Bot.warm_up` and an
    untimed pass over the first `warm_questions`. With `one_blas_thread`, each question of the
    first round is also answered with BLAS held to one thread (threadpoolctl), interleaved:
    `wall_one_blas_thread`."""
    from threadpoolctl import threadpool_limits

    bot.warm_up()
    for item in items[:warm_questions]:
        bot.ask(item.question, item.turns(), item.mode)
    series: dict[str, list[float]] = {stage: [] for stage in STAGES}
    single: list[float] = []
    for number in range(rounds):
        for item in items:
            for stage, value in answer_stages(bot, item).items():
                series[stage].append(value)
            if one_blas_thread and number == 0:  # one round of it: it is a diagnosis
                with threadpool_limits(limits=1, user_api="blas"):
                    single.append(answer_stages(bot, item)["wall"])
    if one_blas_thread:
        series["wall_one_blas_thread"] = single
    return {stage: Summary.of(values) for stage, values in series.items()}


def compare_with_langchain(
    work: Path, rounds: int, corpus: Path = ROOT / "corpus", questions: Path = QUESTIONS,
    profile: bool = False,
) -> dict[str, Any]:
    """Section 1: otbot's warm latency by stage and recall@4, beside the plain LangChain recipe,
    both on the shipped corpus, in one process and interleaved."""
    from threadpoolctl import threadpool_limits

    from bot.ingest.embedding import SentenceTransformerEmbedder
    from bot.quality.baselines import PlainLangChain
    from bot.service import build_bot
    from bot.settings import Settings

    index = fresh_dir(work / "shipped-index")
    embedder = TimedEmbedder(SentenceTransformerEmbedder())
    bot = build_bot(Settings(corpus_dir=corpus, index_dir=index), embedder=embedder)
    items = load_items(questions)
    log(f"answer: indexing {corpus} and building the LangChain recipe")
    report = bot.ingest(show_progress=False)
    baseline = PlainLangChain(corpus, embedder.inner)  # its model calls are not otbot's
    try:
        bot.warm_up()
        baseline.answer(items[0].question)

        # Recall, with evaluation.py's own answerers and scoring (one pass, also a warm-up).
        articles, templates = article_texts(corpus), template_lines(bot.wording)
        ours_records = [otbot_answerer(bot)(item) for item in items]
        theirs_records = [baseline_answerer(baseline)(item) for item in items]
        ours_scores = score(ours_records, items, articles, templates)
        theirs_scores = score(theirs_records, items, articles, templates)

        log(f"answer: {len(items)} questions x {rounds} rounds, otbot and LangChain interleaved")
        ours: dict[str, list[float]] = {stage: [] for stage in STAGES}
        theirs: list[float] = []
        embedding: list[float] = []
        one_thread: list[float] = []  # the same answers with BLAS held to one thread
        for _ in range(rounds):
            for item in items:
                before = embedder.seconds
                for stage, value in answer_stages(bot, item).items():
                    ours[stage].append(value)
                embedding.append((embedder.seconds - before) * 1000)
                with threadpool_limits(limits=1, user_api="blas"):
                    one_thread.append(answer_stages(bot, item)["wall"])
                theirs.append(baseline.answer(item.question).milliseconds)

        top: dict = {}
        if profile:
            _, top, _ = profile_call(
                lambda: [bot.ask(i.question, i.turns(), i.mode) for i in items], top=18
            )
    finally:
        baseline.close()
    return {
        "corpus": {"articles": report.articles, "chunks": report.chunks},
        "questions": len(items),
        "in_scope": sum(i.in_scope for i in items),
        "rounds": rounds,
        "otbot": {stage: Summary.of(values).to_json() for stage, values in ours.items()},
        "otbot_model_calls_ms": Summary.of(embedding).to_json(),
        "otbot_one_blas_thread": Summary.of(one_thread).to_json(),
        "langchain": Summary.of(theirs).to_json(),
        "recall_at_4": {
            "otbot": round(ours_scores["recall_at_4"], 3),
            "langchain-plain": round(theirs_scores["recall_at_4"], 3),
        },
        "mrr": {
            "otbot": round(ours_scores["mrr"], 3),
            "langchain-plain": round(theirs_scores["mrr"], 3),
        },
        "profile": top,
        "index_dir": str(index),
    }
