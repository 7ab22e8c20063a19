"""How the spelling vocabulary grows with the corpus: time and memory of `Vocabulary` at 1k, 10k
and 100k chunks, and how many neighbour pairs (for splitting "highschool") it keeps.

The scale section of `bench.py` writes synthetic chunks from a small made-up word list, so their
vocabulary stops growing early. Here each chunk is eight real sentences from the shipped and
evaluation articles in which one word in ten is replaced by an English word drawn by its
frequency (wordfreq's list), so distinct words and pairs keep growing as they do in a real,
growing corpus. Figures only; no target is asserted.

Usage: python scripts/bench_vocabulary.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES_PER_CHUNK = 8
REPLACED = 0.1  # share of words replaced by an English word drawn by frequency


def real_sentences() -> list[str]:
    from bot.ingest.loading import load_corpus
    from bot.ingest.sentences import split_sentences

    found: list[str] = []
    for folder in ("corpus", "evals/articles", "evals/articles_b"):
        for article in load_corpus(ROOT / folder).articles:
            for block in article.blocks:
                found += [s for s in split_sentences(block.text) if len(s.split()) >= 4]
    return found


def chunk_texts(count: int, seed: int = 5) -> list[str]:
    """`count` chunks' sentences (SENTENCES_PER_CHUNK each), real sentences with words swapped."""
    from wordfreq import top_n_list, zipf_frequency

    rng = random.Random(seed)
    base = real_sentences()
    english = top_n_list("en", 50_000)
    cumulative = list(itertools.accumulate(10 ** zipf_frequency(w, "en") for w in english))
    texts = []
    for _ in range(count * SENTENCES_PER_CHUNK):
        words = rng.choice(base).split()
        swaps = [i for i in range(len(words)) if rng.random() < REPLACED]
        for i, word in zip(swaps, rng.choices(english, cum_weights=cumulative, k=len(swaps)), strict=True):
            words[i] = word
        texts.append(" ".join(words))
    return texts


def measure(texts: list[str]) -> dict[str, float]:
    """Build time and first corrections on a plain build; memory on a second, traced build
    (tracemalloc slows a build several times over, so it is not timed)."""
    from bot.answer.lexical import Vocabulary, english_frequency

    english_frequency("warm")  # wordfreq's list loads once per process, not per corpus size
    gc.collect()
    started = time.perf_counter()
    vocabulary = Vocabulary(texts)
    seconds = time.perf_counter() - started
    corrected = time.perf_counter()
    for word in ("highschool", "elementry", "geri", "paperwrok", "colaborate"):
        vocabulary.correct(word)
    correct_ms = (time.perf_counter() - corrected) * 1000 / 5
    words, pairs = len(vocabulary.surface), len(vocabulary.pairs)
    del vocabulary
    gc.collect()
    tracemalloc.start()
    traced = Vocabulary(texts)
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    return {
        "build_s": seconds, "memory_mb": size / 2**20, "words": words, "pairs": pairs,
        "correct_ms": correct_ms,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| chunks | sentences | distinct words | neighbour pairs | build s | memory MiB "
          "| first corrections ms/word |")
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        texts = chunk_texts(size)
        m = measure(texts)
        print(f"| {size:,} | {len(texts):,} | {m['words']:,} | {m['pairs']:,} | "
              f"{m['build_s']:.1f} | {m['memory_mb']:.0f} | {m['correct_ms']:.1f} |", flush=True)
        del texts
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
