"""Soak run (not in CI): a big ingest that is killed and resumed, then many concurrent questions.

Generates ARTICLES seeded articles of about WORDS words, runs `otbot ingest` and kills it with
SIGKILL at KILLS points, resumes it to the end, checks that chunks, sentence vectors and the
manifest agree (no orphans), then starts `otbot serve` and asks QUESTIONS questions from CLIENTS
concurrent gradio_client API clients. Prints articles, chunks, sentence vectors, orphans and
incomplete chunks (both must be 0), errors (must be 0), p50/p95 latency, and the server's RSS
before and after the questions.

Usage: python scripts/soak.py [--articles 300] [--words 1500] [--kills 3] [--questions 1000]
       [--clients 16] [--work .tmp/soak]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.ingest.embedding import SentenceTransformerEmbedder  # noqa: E402
from bot.ingest.index import ChromaIndex  # noqa: E402
from bot.ingest.loading import discover  # noqa: E402
from bot.ingest.sync import read_manifest  # noqa: E402
from bot.quality.synthetic import write_articles  # noqa: E402

QUESTIONS = [
    "Do school OTs get summers off?", "How do travel OTs handle licensure steps?",
    "What do hand therapists document in outpatient hand clinics?", "What is a caseload?",
    "How long are orientation weeks in skilled nursing?", "Who plans discharge plans?",
    "What salary do OTs earn in Texas?", "How do COTAs support sensory breaks in schools?",
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ingest_with_kills(corpus: Path, index: Path, kills: int, seed: int) -> dict:
    command = [sys.executable, "-m", "bot", "ingest", "--json", "--corpus", str(corpus),
               "--index", str(index)]
    rng = random.Random(seed)
    for n in range(kills):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(8, 40)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            print(f"kill {n + 1}: after {delay:.0f} s", flush=True)
        process.wait()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    report["resume_seconds"] = round(time.perf_counter() - started, 1)
    return report


def check_index(index_dir: Path, corpus: Path) -> dict[str, int]:
    index = ChromaIndex(index_dir, SentenceTransformerEmbedder())
    stored = index.stored_metadata()
    chunks = index.load_chunks()
    vectors = index.sentence_vectors_of(chunks)
    blocks = index.sentence_chunks()
    manifest = {a["source"] for a in read_manifest(index_dir)["articles"]}
    return {
        "articles": len(manifest),
        "articles_missing_from_manifest": len({p.name for p in discover(corpus)} - manifest),
        "chunks": len(stored),
        "sentence_vectors": sum(len(rows) for rows in vectors.values()),
        "orphans": len(blocks - set(stored)),
        "incomplete_chunks": sum(c.id not in vectors and bool(c.sentences) for c in chunks),
    }


def ask_concurrently(url: str, total: int, clients: int) -> tuple[list[float], int]:
    from gradio_client import Client

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        nonlocal errors
        client = Client(url, verbose=False)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                reply = client.predict(QUESTIONS[n % len(QUESTIONS)], api_name="/chat")
                ok = isinstance(reply, str) and reply.strip()
            except Exception:  # noqa: BLE001 - counted, the run goes on
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--work", type=Path, default=ROOT / ".tmp" / "soak")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    corpus, index = args.work / "corpus", args.work / "index"
    write_articles(corpus, args.articles, args.words)
    print(f"{args.articles} articles of ~{args.words} words in {corpus}", flush=True)

    report = ingest_with_kills(corpus, index, args.kills, seed=1)
    print(f"resumed ingest: {json.dumps(report)}", flush=True)
    figures: dict[str, object] = dict(check_index(index, corpus))

    port = free_port()
    env = {**os.environ, "OTBOT_CORPUS_DIR": str(corpus), "OTBOT_INDEX_DIR": str(index)}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), "--host", "127.0.0.1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.5)
        figures["rss_before_mb"] = round(rss_mb(server.pid))
        latencies, errors = ask_concurrently(url, args.questions, args.clients)
        figures["rss_after_mb"] = round(rss_mb(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures.update(
        questions=len(latencies),
        clients=args.clients,
        errors=errors,
        p50_s=round(statistics.median(latencies), 3),
        p95_s=round(percentile(latencies, 0.95), 3),
    )
    for key, value in figures.items():
        print(f"{key:32} {value}")
    bad = figures["orphans"] or figures["incomplete_chunks"] or errors
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
