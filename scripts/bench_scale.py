"""Latency and memory as the index grows: real ingests of generated articles, then synthetic
vectors written through the real index.

Real points: one corpus of seeded generated articles grows by prefixes (write_articles is seeded,
so the first N articles of a bigger corpus are the same files) and `otbot ingest` indexes each
prefix incrementally; the last ingest is the first of the re-ingest test.
Synthetic points: chunks split from generated articles by the real chunker, stored with seeded
random unit vectors of the model's dimension through `ChromaIndex.add` (the same writes as an
ingest: chunk rows and one sentence row per sentence), so loading, the sentence store and the
query path are the real ones; only the vectors' meaning is not.

Each point is measured in a fresh process (`probe`, this file run as a script), so its memory is
the bot's alone: RSS after imports, after opening the index, after loading it (first answer) and
after the timed answers, and the peak.

Usage of the probe: python scripts/bench_scale.py --index DIR --corpus DIR [--rounds N]
       [--profile]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_common import (
    ROOT,
    SCRIPTS,
    Summary,
    child_env,
    log,
    otbot_command,
    proc_status_mb,
    profile_call,
    run_measured,
    unit_vectors,
)

QUESTIONS = ROOT / "evals" / "questions.jsonl"


def model_dimension() -> int:
    """The packaged model's sentence-vector size (its pooling config)."""
    from bot.ingest.embedding import packaged_model_path

    pooling = packaged_model_path() / "1_Pooling" / "config.json"
    return int(json.loads(pooling.read_text())["word_embedding_dimension"])


# --- real points ------------------------------------------------------------------------------


def ingest_prefix(corpus: Path, index: Path, work: Path, articles: int, words: int) -> dict:
    """Grow the generated corpus to `articles` articles and run `otbot ingest` on it."""
    from bot.quality.synthetic import write_articles

    write_articles(corpus, articles, words)
    run = run_measured(
        otbot_command("ingest", "--json", "--corpus", str(corpus), "--index", str(index)),
        child_env(work), work / "scale-ingest",
    )
    if run.returncode != 0:
        raise RuntimeError(f"otbot ingest failed: {run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    return {"articles": report["articles"], "chunks": report["chunks"], "added": report["added"],
            "wall_s": round(run.seconds, 1), "ingest_s": report["seconds"],
            "peak_rss_mb": round(run.peak_rss_mb)}


# --- synthetic points ---------------------------------------------------------------------------


def chunks_per_article(words: int, sample: int = 20) -> float:
    """How many chunks a generated article of `words` words gives (measured on a sample)."""
    import random

    from bot.ingest.chunking import split
    from bot.ingest.loading import read_article
    from bot.quality.synthetic import article_text

    scratch = ROOT / ".tmp" / "bench" / "tmp" / "sample"
    scratch.mkdir(parents=True, exist_ok=True)
    rng, total = random.Random(5), 0
    for number in range(sample):
        path = scratch / f"sample_{number}.md"
        path.write_text(article_text(rng, number, words), encoding="utf-8")
        total += len(split(read_article(path, scratch)))
    return total / sample


class SyntheticIndex:
    """An index filled, in order, with the chunks of a generated corpus and random vectors."""

    def __init__(self, corpus: Path, index: Path, total: int, words: int, seed: int = 11) -> None:
        import numpy as np

        from bot.ingest.chunking import split
        from bot.ingest.loading import load_corpus
        from bot.quality.synthetic import write_articles

        articles = math.ceil(total / chunks_per_article(words) * 1.05) + 1
        log(f"synthetic: {articles:,} generated articles for {total:,} chunks")
        write_articles(corpus, articles, words, seed=seed)
        self.chunks = [c for a in load_corpus(corpus).articles for c in split(a)][:total]
        if len(self.chunks) < total:
            raise RuntimeError(f"only {len(self.chunks)} chunks generated for {total}")
        self.index_dir = index
        self.rng = np.random.default_rng(seed)
        self.dimension = model_dimension()
        self.written = 0
        self.sentences = 0
        self._index: Any = None

    def fill_to(self, count: int, step: int = 1000) -> dict[str, Any]:
        """Write chunks up to `count` (with their sentences) through `ChromaIndex.add`."""
        from bot.ingest.embedding import SentenceTransformerEmbedder
        from bot.ingest.index import ChromaIndex

        if self._index is None:
            self._index = ChromaIndex(self.index_dir, SentenceTransformerEmbedder())  # no embedding
        started = time.perf_counter()
        while self.written < count:
            part = self.chunks[self.written : min(count, self.written + step)]
            sentences = sum(len(c.sentences) for c in part)
            self._index.add(
                part,
                unit_vectors(self.rng, len(part), self.dimension),
                unit_vectors(self.rng, sentences, self.dimension),
            )
            self.written += len(part)
            self.sentences += sentences
        self._index.bump_generation()
        return {"chunks": self.written, "sentence_vectors": self.sentences,
                "write_s": round(time.perf_counter() - started, 1)}

    def close(self) -> None:
        """Let go of the Chroma files (the probes open them); `fill_to` opens them again."""
        from chromadb.api.client import SharedSystemClient

        self._index = None
        SharedSystemClient.clear_system_cache()


# --- the probe (a fresh process per point) ------------------------------------------------------


def probe(index: Path, corpus: Path, work: Path, rounds: int, profile: bool) -> dict[str, Any]:
    """Measure one scale point in a fresh process (see `probe_main`)."""
    command = [sys.executable, str(SCRIPTS / "bench_scale.py"), "--index", str(index),
               "--corpus", str(corpus), "--rounds", str(rounds)]
    if profile:
        command.append("--profile")
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(work), cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"probe failed: {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def probe_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one scale point, measured in this process")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    from bench_answer import measure_answers

    from bot.quality.evaluation import load_items
    from bot.service import build_bot
    from bot.settings import Settings

    memory = {"after_imports": proc_status_mb()["rss_mb"]}  # the bot's modules, nothing loaded
    items = load_items(args.questions)
    bot = build_bot(Settings(corpus_dir=args.corpus, index_dir=args.index))
    chunks = bot.index.count()
    memory["index_open"] = proc_status_mb()["rss_mb"]
    started = time.perf_counter()
    bot.warm_up()  # loads the index into memory: chunks, sentence vectors, BM25
    load_s = time.perf_counter() - started
    memory["index_loaded"] = proc_status_mb()["rss_mb"]
    sentences = sum(len(c.sentences) for c in bot.chain.library.chunks)  # one vector each
    stages = measure_answers(bot, items, args.rounds, one_blas_thread=True)
    status = proc_status_mb()
    memory["after_answers"], memory["peak"] = status["rss_mb"], status["peak_rss_mb"]
    result: dict[str, Any] = {
        "chunks": chunks,
        "sentence_vectors": sentences,
        "load_s": round(load_s, 2),
        "questions": len(items),
        "rounds": args.rounds,
        "stages_ms": {k: v.to_json() for k, v in stages.items()},
        "rss_mb": {k: round(v, 1) for k, v in memory.items()},
        # What the sentence vectors held after the answers take: float32 rows in the Library's
        # bounded cache (bot/answer/retrieval.py), the whole index when it fits.
        "sentence_cache_mb": round(
            bot.chain.library.cached_rows * model_dimension() * 4 / 2**20, 1
        ),
    }
    if args.profile:
        _, tables, seconds = profile_call(
            lambda: [bot.ask(i.question, i.turns(), i.mode) for i in items], top=20
        )
        result["profile"] = {"seconds_profiled": round(seconds, 2), "questions": len(items),
                             **tables}
    print(json.dumps(result))
    return 0


def summary_of(result: dict[str, Any], stage: str = "wall") -> Summary:
    return Summary(**result["stages_ms"][stage])


if __name__ == "__main__":
    raise SystemExit(probe_main())
