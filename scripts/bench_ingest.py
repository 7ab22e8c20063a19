"""Ingest throughput beside the bare model, and the re-ingest of an unchanged corpus.

`ingest_ratio` generates seeded articles (bot/quality/synthetic.py), collects the texts an ingest
stores (each chunk's embedding text and each sentence's, as bot/ingest/sync.py builds them), and
alternates two measurements with the model already loaded: the bare sentence-transformers model
encoding exactly those texts in one call (same batch size), and `Bot.ingest` into a fresh index.
The ratio is bare time / ingest time (1.0 = ingest as fast as the model alone).
`reingest` times `otbot ingest` on a corpus that has not changed since its last ingest.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench_common import (
    Summary,
    TimedEmbedder,
    child_env,
    fresh_dir,
    log,
    otbot_command,
    profile_call,
    run_measured,
)


def stored_texts(corpus: Path, max_words: int = 140) -> list[str]:
    """Every text an ingest of `corpus` embeds: chunk texts, then sentence texts, per article."""
    from bot.ingest.chunking import sentence_embedding_text, split
    from bot.ingest.loading import load_corpus

    texts: list[str] = []
    for article in load_corpus(corpus).articles:
        chunks = split(article, max_words)
        texts += [c.embedding_text for c in chunks]
        texts += [sentence_embedding_text(c, i) for c in chunks for i in range(len(c.sentences))]
    return texts


def ingest_ratio(
    work: Path, articles: int, words: int, repeats: int, batch_size: int = 32,
    profile: str = "unmet", target: float = 0.8, command: bool = True,
) -> dict[str, Any]:
    """Section 2: ingest throughput as a share of the bare model's on the same texts; with
    `profile` "always", or "unmet" and a ratio under `target`, one more ingest under cProfile."""
    from sentence_transformers import SentenceTransformer

    from bot.ingest.embedding import SentenceTransformerEmbedder, packaged_model_path
    from bot.quality.synthetic import write_articles
    from bot.service import build_bot
    from bot.settings import Settings

    corpus = fresh_dir(work / "ratio-corpus")
    write_articles(corpus, articles, words, seed=3)
    texts = stored_texts(corpus)
    log(f"ingest: {articles} generated articles, {len(texts)} texts; bare model and ingest "
        f"alternating x {repeats}")
    model = SentenceTransformer(str(packaged_model_path()), device="cpu", local_files_only=True)
    embedder = TimedEmbedder(SentenceTransformerEmbedder(batch_size=batch_size))
    model.encode(texts[:64], batch_size=batch_size)  # both loaded and warm before timing
    embedder.embed(texts[:64])

    def bare() -> float:
        started = time.perf_counter()
        model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
        return time.perf_counter() - started

    def ours(number: int) -> Any:
        settings = Settings(corpus_dir=corpus, index_dir=fresh_dir(work / f"ratio-index-{number}"),
                            embed_batch_size=batch_size)
        embedder.reset()
        return build_bot(settings, embedder=embedder).ingest(show_progress=False)

    bare_s: list[float] = []
    ingest_s: list[float] = []
    embed_s: list[float] = []
    report: Any = None
    for number in range(repeats):
        order = ("bare", "ingest") if number % 2 == 0 else ("ingest", "bare")
        for what in order:
            if what == "bare":
                bare_s.append(bare())
            else:
                report = ours(number)
                ingest_s.append(report.seconds)
                embed_s.append(embedder.seconds)
    chunks = report.chunks
    bare_median, ingest_median = Summary.of(bare_s).median, Summary.of(ingest_s).median
    embed_median = Summary.of(embed_s).median
    out: dict[str, Any] = {
        "articles": articles,
        "words": words,
        "chunks": chunks,
        "sentence_vectors": len(texts) - chunks,
        "texts": len(texts),
        "batch_size": batch_size,
        "repeats": repeats,
        "bare_s": Summary.of(bare_s).to_json(),
        "ingest_s": Summary.of(ingest_s).to_json(),
        "embedding_in_ingest_s": Summary.of(embed_s).to_json(),
        "ratio": round(bare_median / ingest_median, 3),
        "bare_texts_per_s": round(len(texts) / bare_median, 1),
        "ingest_texts_per_s": round(len(texts) / ingest_median, 1),
        "embedding_share_of_ingest": round(embed_median / ingest_median, 3),
    }
    if command:
        log("ingest: the same corpus through `otbot ingest` (a fresh process: imports, model "
            "load)")
        run = run_measured(
            otbot_command("ingest", "--json", "--corpus", str(corpus), "--index",
                          str(fresh_dir(work / "ratio-index-cli"))),
            child_env(work), work / "ratio-cli",
        )
        if run.returncode == 0:
            out["command"] = {"wall_s": round(run.seconds, 2),
                              "peak_rss_mb": round(run.peak_rss_mb),
                              "ingest_s": json.loads(run.stdout)["seconds"]}
    if profile == "always" or (profile == "unmet" and out["ratio"] < target):
        _, tables, seconds = profile_call(lambda: ours(repeats), top=20)
        out["profile"] = {"seconds_profiled": round(seconds, 2), **tables}
    return out


def reingest(
    corpus: Path, index: Path, work: Path, runs: int, profile: str = "unmet", target: float = 2.0
) -> dict[str, Any]:
    """Section 3: `otbot ingest` again on a corpus unchanged since its last ingest, `runs` times:
    the command's wall time and the ingest's own (`seconds` of `--json`); profiled (cProfile and
    import times of the command) when `profile` says so and the wall misses `target` seconds."""
    from bench_server import profile_command

    command = otbot_command("ingest", "--json", "--corpus", str(corpus), "--index", str(index))
    walls, own, rss = [], [], []
    report: dict[str, Any] = {}
    for _ in range(runs):
        run = run_measured(command, child_env(work), work / "reingest")
        if run.returncode != 0:
            raise RuntimeError(f"otbot ingest failed: {run.stderr[-2000:]}")
        report = json.loads(run.stdout)
        walls.append(run.seconds)
        own.append(float(report["seconds"]))
        rss.append(run.peak_rss_mb)
    out: dict[str, Any] = {
        "runs": runs,
        "articles": report.get("articles"),
        "chunks": report.get("chunks"),
        "added": report.get("added"),
        "unchanged": report.get("unchanged"),
        "wall_s": Summary.of(walls).to_json(),
        "ingest_s": Summary.of(own).to_json(),
        "peak_rss_mb": Summary.of(rss).to_json(),
    }
    if profile == "always" or (profile == "unmet" and out["wall_s"]["median"] >= target):
        out["profile"] = profile_command(
            ["ingest", "--json", "--corpus", str(corpus), "--index", str(index)],
            work / "reingest-profile",
        )
    return out
