"""The benchmark of issue 12: writes BENCHMARKS.md (and docs/bench/) from one run.

Sections (each importable from scripts/bench_*.py):
  answer  warm answer latency by stage on the shipped corpus, beside the plain LangChain recipe
          (latency and recall@4 of the anchor passage)                      bench_answer.py
  cold    `otbot ask` in a fresh process; `otbot serve` to its first answer   bench_server.py
  load    16 concurrent users x 10 questions: JSON API and Gradio queue       bench_server.py
  ingest  ingest throughput as a ratio to the bare model on the same texts    bench_ingest.py
  scale   latency and memory at 1k / 10k (real ingest) and 10k / 100k chunks (synthetic
          vectors, real index), the re-ingest of the unchanged 1,000-article corpus, and
          `otbot serve` memory at the largest point                           bench_scale.py
Figures are medians and p95 after warm-up; every comparison is measured side by side in the run.
Where a target of the issue is missed, the report shows a profile (cProfile, `-X importtime`, or
a stack sampler of the server's threads) saying where the time goes.

Usage: python scripts/bench.py [--quick] [--only answer,cold,...] [--profile unmet|always|never]
The full run takes about an hour and a half on 2 cores (most of it the real ingest of ~10k
chunks, writing 100k synthetic chunks through Chroma and answering at 100k chunks); --quick
(small sizes) takes about 3 minutes on a quiet machine, 6 on a busy one.
Indexes and scratch files go to .tmp/bench (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import ROOT, fresh_dir, load_average, log, machine  # noqa: E402

SECTIONS = ("answer", "cold", "load", "ingest", "scale")
# The targets of issue 12, on this machine.
TARGETS = {
    "p50_ms": 50.0, "p95_ms": 150.0, "ingest_ratio": 0.8, "reingest_s": 2.0, "cold_ask_s": 5.0,
    "serve_s": 10.0, "load_p95_s": 0.5, "rss_mb": 1536.0,
}


@dataclass(frozen=True)
class Sizes:
    """How big each part of the run is; the defaults are the full run of `make bench`."""

    answer_rounds: int = 5
    ratio_articles: int = 20  # ~1,000 words each: ~320 chunks, ~2,500 texts (the case)
    ratio_words: int = 1000
    ratio_repeats: int = 3
    ratio_command: bool = True  # also `otbot ingest` of that corpus in a fresh process
    scale_words: int = 650  # ~10 chunks an article
    scale_articles: tuple[int, ...] = (100, 1000)  # real points; the last is re-ingested
    synthetic_chunks: tuple[int, ...] = (10_000, 100_000)
    scale_rounds: int = 3
    reingest_runs: int = 3
    cold_runs: int = 3
    serve_runs: int = 3
    users: int = 16
    questions_per_user: int = 10
    load_rounds: int = 3
    serve_requests: int = 20  # answers asked of `otbot serve` at the largest scale point


QUICK = Sizes(
    answer_rounds=1, ratio_articles=2, ratio_words=600, ratio_repeats=1, ratio_command=False,
    scale_articles=(5, 15),
    synthetic_chunks=(2_000,), scale_rounds=1, reingest_runs=1, cold_runs=1, serve_runs=1,
    users=8, questions_per_user=3, load_rounds=1, serve_requests=4,
)


def _guard(name: str, results: dict[str, Any], function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one section; a failure is recorded in the report and the run goes on."""
    results.setdefault("loads", []).append((name, [round(x, 2) for x in load_average()]))
    started = time.perf_counter()
    try:
        return function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the report names it
        traceback.print_exc()
        return {"error": f"{type(error).__name__}: {str(error)[:300]}"}
    finally:
        results.setdefault("section_seconds", {})[name] = round(time.perf_counter() - started, 1)


def run_scale(work: Path, sizes: Sizes, profile: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Section 4 and the re-ingest of section 3: real points by growing prefixes of one generated
    corpus, then synthetic points; each measured by a fresh probe process."""
    from bench_ingest import reingest
    from bench_scale import SyntheticIndex, ingest_prefix, model_dimension, probe
    from bench_server import scale_serve

    result: dict[str, Any] = {"words": sizes.scale_words, "rounds": sizes.scale_rounds,
                              "dimension": model_dimension(), "points": [], "builds": []}
    real_corpus, real_index = fresh_dir(work / "real-corpus"), fresh_dir(work / "real-index")
    for articles in sorted(sizes.scale_articles):
        log(f"scale: ingesting {articles:,} generated articles for real")
        built = ingest_prefix(real_corpus, real_index, work, articles, sizes.scale_words)
        result["builds"].append(
            f"real, {built['articles']:,} articles: `otbot ingest` added {built['added']:,} "
            f"chunks in {built['wall_s']:,.1f} s wall ({built['ingest_s']:,.1f} s ingest; peak RSS "
            f"{built['peak_rss_mb']:,} MB)"
        )
        log(f"scale: probing {built['chunks']:,} chunks")
        point = _step(probe, real_index, real_corpus, work, sizes.scale_rounds, profile=False)
        result["points"].append({"label": f"real {built['chunks']:,}", "kind": "real",
                                 "chunks": built["chunks"], **point})
    again: dict[str, Any] = {"error": "no real scale point was ingested"}
    if sizes.scale_articles:
        log(f"re-ingest: `otbot ingest` on the unchanged {max(sizes.scale_articles):,}-article "
            "corpus")
        again = _step(reingest, real_corpus, real_index, work, sizes.reingest_runs, profile,
                      TARGETS["reingest_s"])

    if sizes.synthetic_chunks:
        largest = max(sizes.synthetic_chunks)
        synthetic_corpus = fresh_dir(work / "synthetic-corpus")
        synthetic_index = fresh_dir(work / "synthetic-index")
        store = SyntheticIndex(synthetic_corpus, synthetic_index, largest, sizes.scale_words)
        for count in sorted(sizes.synthetic_chunks):
            log(f"scale: writing synthetic chunks up to {count:,}")
            built = store.fill_to(count)
            store.close()
            result["builds"].append(
                f"synthetic, {built['chunks']:,} chunks and {built['sentence_vectors']:,} "
                f"sentence vectors written through `ChromaIndex.add` ({built['write_s']:,} s for "
                "this step)"
            )
            log(f"scale: probing {count:,} chunks")
            point = _step(probe, synthetic_index, synthetic_corpus, work, sizes.scale_rounds,
                          profile=count == largest and profile != "never")
            result["points"].append(
                {"label": f"synthetic {count:,}", "kind": "synthetic", "chunks": count, **point}
            )
        del store
        log(f"scale: `otbot serve` on {largest:,} synthetic chunks")
        serve = _step(scale_serve, synthetic_index, synthetic_corpus, work / "scale-serve",
                      sizes.serve_requests)
        if "error" not in serve:
            result["serve"] = {"chunks": largest, **serve}
    return result, again


def _step(function: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """One measurement of the scale section; a failure is kept as its result, so the points
    measured before it stay in the report."""
    try:
        return dict(function(*args, **kwargs))
    except Exception as error:  # noqa: BLE001 - the report names it
        traceback.print_exc()
        return {"error": f"{type(error).__name__}: {str(error)[:300]}"}


def shipped_index(work: Path, results: dict[str, Any]) -> Path:
    """The shipped corpus's index: the one section 1 built, or one built now by `otbot ingest`."""
    from bench_common import child_env, otbot_command, run_measured

    answer: Any = results.get("answer")
    if isinstance(answer, dict) and "index_dir" in answer:
        return Path(answer["index_dir"])
    index = fresh_dir(work / "shipped-index-cli")
    log("indexing the shipped corpus with `otbot ingest`")
    run = run_measured(
        otbot_command("ingest", "--json", "--corpus", str(ROOT / "corpus"), "--index", str(index)),
        child_env(work), work / "shipped-ingest",
    )
    if run.returncode != 0:
        raise RuntimeError(f"otbot ingest failed: {run.stderr[-2000:]}")
    return index


def load_questions() -> list[str]:
    """The golden questions that stand alone (no history): what the load test's users ask."""
    from bot.quality.evaluation import load_items

    return [i.question for i in load_items(ROOT / "evals" / "questions.jsonl") if not i.history]


def run(sections: list[str], sizes: Sizes, profile: str, work: Path) -> dict[str, Any]:
    """Every selected section, in order; returns the results the report is written from."""
    from bench_answer import compare_with_langchain
    from bench_ingest import ingest_ratio
    from bench_server import (
        ONE_BLAS_THREAD,
        cold_ask,
        cold_serve,
        load_comparison,
        profile_command,
        profile_serve_start,
    )

    results: dict[str, Any] = {"machine": machine(), "sizes": asdict(sizes), "profile": profile}
    corpus = ROOT / "corpus"
    if "answer" in sections:
        log("section 1: warm answer latency, otbot beside the LangChain recipe")
        results["answer"] = _guard("answer", results, compare_with_langchain, work,
                                   sizes.answer_rounds)
    if "cold" in sections:
        log("section 5: cold start")
        index = _guard("shipped index", results, shipped_index, work, results)
        if isinstance(index, Path):
            ask = _guard("cold ask", results, cold_ask, index, corpus, work, sizes.cold_runs)
            if _wants(profile, ask, lambda r: r["seconds"]["median"] < TARGETS["cold_ask_s"]):
                log("cold: profiling `otbot ask`")
                ask["profile"] = _guard(
                    "cold ask profile", results, profile_command,
                    ["ask", "--corpus", str(corpus), "--index", str(index),
                     "Do school OTs get summers off?"], work / "cold-ask-profile")
            serve = _guard("cold serve", results, cold_serve, index, corpus, work,
                           sizes.serve_runs)
            if _wants(profile, serve,
                      lambda r: r["first_answer_s"]["median"] < TARGETS["serve_s"]):
                log("cold: profiling `otbot serve` to its first answer")
                serve["profile"] = _guard("cold serve profile", results, profile_serve_start,
                                          index, corpus, work)
            results["cold_ask"], results["cold_serve"] = ask, serve
        else:
            results["cold_ask"] = results["cold_serve"] = index
    if "load" in sections:
        log("section 6: load test")
        index = _guard("shipped index", results, shipped_index, work, results)
        results["load"] = (
            _guard("load", results, load_comparison, index, corpus, work, load_questions(),
                   sizes.users, sizes.questions_per_user, sizes.load_rounds, profile,
                   TARGETS["load_p95_s"],
                   {"as shipped": {}, "one BLAS thread (OPENBLAS_NUM_THREADS=1)": ONE_BLAS_THREAD})
            if isinstance(index, Path) else index
        )
    if "ingest" in sections:
        log("section 2: ingest throughput beside the bare model")
        results["ingest"] = _guard("ingest", results, ingest_ratio, work, sizes.ratio_articles,
                                   sizes.ratio_words, sizes.ratio_repeats, 32, profile,
                                   TARGETS["ingest_ratio"], sizes.ratio_command)
    if "scale" in sections:
        log("sections 3 and 4: scale points and the re-ingest")
        scaled = _guard("scale", results, run_scale, work, sizes, profile)
        if isinstance(scaled, tuple):
            results["scale"], results["reingest"] = scaled
        else:
            results["scale"] = results["reingest"] = scaled
    return results


def _wants(profile: str, result: Any, met: Any) -> bool:
    if profile == "never" or not isinstance(result, dict) or "error" in result:
        return False
    return profile == "always" or not met(result)


# --- targets ------------------------------------------------------------------------------------


def _ok(section: Any) -> bool:
    return isinstance(section, dict) and "error" not in section


def targets(results: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[str, dict]]]:
    """Each target of the issue with this run's figure and met / not met, and the profiles of
    those not met (or of all, with --profile always)."""
    rows: list[dict[str, Any]] = []
    profiles: list[tuple[str, dict]] = []
    always = results.get("profile") == "always"

    def add(target: str, figure: str, met: bool | None, where: str = "",
            profile: tuple[str, dict] | None = None) -> None:
        if profile is not None and profile[1] and (met is False or always):
            profiles.append(profile)
            where = where or f"profile: *{profile[0]}*"
        rows.append({"target": target, "figure": figure, "met": met, "where": where})

    scale: Any = results.get("scale")
    points = [p for p in scale.get("points", []) if "error" not in p] if _ok(scale) else []
    if points:
        top = max(points, key=lambda p: p["chunks"])
        wall = top["stages_ms"]["wall"]
        met = wall["median"] < TARGETS["p50_ms"] and wall["p95"] < TARGETS["p95_ms"]
        rows_profile = top.get("profile") or {}
        single = top["stages_ms"].get("wall_one_blas_thread")
        add("warm p50 < 50 ms and p95 < 150 ms at 100k chunks",
            f"p50 {wall['median']:,.1f} ms, p95 {wall['p95']:,.1f} ms at {top['chunks']:,} chunks "
            f"({top['kind']})" + (f"; one BLAS thread: p50 {single['median']:,.1f} ms, p95 "
                                  f"{single['p95']:,.1f} ms" if single else ""),
            met, profile=(f"warm answers at {top['chunks']:,} chunks", rows_profile))
    else:
        add("warm p50 < 50 ms and p95 < 150 ms at 100k chunks", "not measured", None)
    answer: Any = results.get("answer")
    if _ok(answer):
        wall = answer["otbot"]["wall"]
        add("warm answer on the shipped corpus stays fast (issue: p50 18 ms, p95 29 ms; keep it)",
            f"p50 {wall['median']:,.1f} ms, p95 {wall['p95']:,.1f} ms",
            wall["median"] < TARGETS["p50_ms"] and wall["p95"] < TARGETS["p95_ms"])
    ingest: Any = results.get("ingest")
    if _ok(ingest):
        add("ingest >= 0.8 x the bare model", f"{ingest['ratio']:.2f} x "
            f"(model calls {ingest['embedding_share_of_ingest']:.0%} of the ingest)",
            ingest["ratio"] >= TARGETS["ingest_ratio"],
            profile=("ingest of the generated articles", ingest.get("profile") or {}))
    else:
        add("ingest >= 0.8 x the bare model", "not measured", None)
    again: Any = results.get("reingest")
    if _ok(again):
        wall = again["wall_s"]["median"]
        add(f"unchanged {again['articles']:,}-article re-ingest < 2 s",
            f"{wall:.2f} s `otbot ingest` wall ({again['ingest_s']['median']:.2f} s the ingest "
            "itself)",
            wall < TARGETS["reingest_s"],
            profile=("re-ingest of the unchanged corpus (`otbot ingest`)",
                     again.get("profile") or {}))
    else:
        add("unchanged 1,000-article re-ingest < 2 s", "not measured", None)
    ask: Any = results.get("cold_ask")
    if _ok(ask):
        add("cold `otbot ask` < 5 s",
            f"{ask['seconds']['median']:.2f} s, peak RSS {ask['peak_rss_mb']['median']:,.0f} MB",
            ask["seconds"]["median"] < TARGETS["cold_ask_s"],
            profile=("cold `otbot ask`", ask.get("profile") or {}))
    else:
        add("cold `otbot ask` < 5 s", "not measured", None)
    serve: Any = results.get("cold_serve")
    if _ok(serve):
        add("`otbot serve` answering < 10 s after start",
            f"{serve['first_answer_s']['median']:.2f} s (listening at "
            f"{serve['listening_s']['median']:.2f} s)",
            serve["first_answer_s"]["median"] < TARGETS["serve_s"],
            profile=("`otbot serve` to its first answer", serve.get("profile") or {}))
    else:
        add("`otbot serve` answering < 10 s after start", "not measured", None)
    load: Any = results.get("load")
    for interface, name in (("json", "JSON API"), ("gradio", "Gradio queue, gradio_client"),
                            ("gradio-http", "Gradio queue, its HTTP API")):
        if _ok(load) and interface in load:
            figures = load[interface]
            p95 = figures["latency_s"]["p95"]
            profile = (load.get("profiles") or {}).get(interface) or {}
            add(f"{load['users']} concurrent users p95 < 0.5 s, 0 errors ({name})",
                f"p95 {p95:.2f} s, {figures['errors']} errors, "
                f"{figures['requests_per_s']:.1f} requests/s",
                p95 < TARGETS["load_p95_s"] and figures["errors"] == 0)
            if profile and (rows[-1]["met"] is False or always):
                profiles.append((
                    f"load test through the {name}: the server (main thread: uvicorn's event loop)",
                    {**profile["server"], "note": _load_note(figures)}))
                profiles.append((
                    f"load test through the {name}: the clients (the benchmark's own process, "
                    "on the same cores)", profile["client"]))
                rows[-1]["where"] = f"profiles: *load test through the {name}*"
        else:
            add(f"16 concurrent users p95 < 0.5 s, 0 errors ({name})", "not measured", None)
    if _ok(scale) and scale.get("serve"):
        serve_at = scale["serve"]
        top = max(points, key=lambda p: p["chunks"]) if points else None
        where = ""
        if top is not None:
            rss = top["rss_mb"]
            where = (f"loading the index takes {rss['index_loaded'] - rss['index_open']:,.0f} MB "
                     f"in the bot alone; the sentence vectors held (bot/answer/retrieval.py "
                     f"`Library`'s bounded cache) are {top.get('sentence_cache_mb', 0):,.0f} MB "
                     f"after the answers ({top['sentence_vectors']:,} rows stored)")
        add("server RSS < 1.5 GB at 100k chunks",
            f"{serve_at['peak_rss_mb']:,.0f} MB peak, {serve_at['rss_mb']:,.0f} MB after answers, "
            f"at {serve_at['chunks']:,} chunks", serve_at["peak_rss_mb"] < TARGETS["rss_mb"], where)
    else:
        add("server RSS < 1.5 GB at 100k chunks", "not measured", None)
    return rows, profiles


def _load_note(figures: dict[str, Any]) -> str:
    return (f"In the measured rounds the server used {figures['server_cpu_ms_per_request']:.0f} ms "
            f"of CPU per request and the clients {figures['client_cpu_ms_per_request']:.0f} ms, on "
            "the same two cores.")


# --- the report ---------------------------------------------------------------------------------


def write_report(results: dict[str, Any], out: Path, docs: Path, quick: bool) -> Path:
    from bench_report import (
        answer_section,
        cold_section,
        ingest_section,
        load_section,
        machine_section,
        profiles_section,
        reingest_section,
        scale_section,
        targets_section,
        write_chart,
    )

    docs.mkdir(parents=True, exist_ok=True)
    chart = None
    if _ok(results.get("scale")):
        chart = write_chart(results["scale"], docs / "scale.png", {
            "p50_ms": TARGETS["p50_ms"], "p95_ms": TARGETS["p95_ms"], "rss_mb": TARGETS["rss_mb"]})
    rows, profiles = targets(results)
    minutes = sum(results.get("section_seconds", {}).values()) / 60
    lines = ["# Benchmarks", ""]
    if quick:
        lines += [
            "> **Quick run (`scripts/bench.py --quick`) on a machine loaded by other work.** Sizes "
            "are small (see each section) and the figures are noisy; they show what the report "
            "measures, not how fast otbot is. The full `make bench` run on a quiet machine "
            "replaces this file.",
            "",
        ]
    lines += [
        f"Written by `{'python scripts/bench.py --quick' if quick else 'make bench'}` "
        f"(scripts/bench.py) on {results['machine']['date']}; this run took {minutes:.1f} "
        "minutes. Figures are medians and p95 after warm-up; each comparison was measured side "
        "by side in this run. Raw figures: "
        f"[{(docs / 'results.json').relative_to(ROOT).as_posix()}]"
        f"({(docs / 'results.json').relative_to(ROOT).as_posix()}).",
        "",
        *targets_section(rows),
        *machine_section(results["machine"], results.get("loads", [])),
        *answer_section(results.get("answer")),
        *ingest_section(results.get("ingest")),
        *reingest_section(results.get("reingest")),
        *scale_section(results.get("scale"), chart),
        *cold_section(results.get("cold_ask"), results.get("cold_serve")),
        *load_section(results.get("load")),
        *profiles_section(profiles),
        "## Running it",
        "",
        "`make bench` runs `scripts/bench.py` (about an hour and a half on 2 cores: most of it the "
        "real ingest of ~10k chunks, writing 100k synthetic chunks through Chroma and answering "
        "at 100k chunks); `python scripts/bench.py --quick` runs every section at small sizes in "
        "a few minutes; "
        "`--only answer,cold,load,ingest,scale` runs some sections; `--profile always` profiles "
        "every target, met or not. Indexes and scratch files go to `.tmp/bench` (git-ignored). "
        "Time per section in this run (s): "
        + ", ".join(f"{k} {v:,.0f}" for k, v in results.get("section_seconds", {}).items())
        + ".",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    (docs / "results.json").write_text(json.dumps(results, indent=1, default=str),
                                       encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections ({', '.join(SECTIONS)})")
    parser.add_argument("--profile", choices=("unmet", "always", "never"), default="unmet")
    parser.add_argument("--work", type=Path, default=ROOT / ".tmp" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "bench")
    parser.add_argument("--users", type=int, help="concurrent users of the load test")
    parser.add_argument("--synthetic-chunks", help="comma-separated, e.g. 10000,100000")
    parser.add_argument("--scale-articles", help="comma-separated real points, e.g. 100,1000")
    args = parser.parse_args(argv)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}")
    sizes = QUICK if args.quick else Sizes()
    if args.users:
        sizes = replace(sizes, users=args.users)
    if args.synthetic_chunks is not None:
        sizes = replace(sizes, synthetic_chunks=_numbers(args.synthetic_chunks))
    if args.scale_articles is not None:
        sizes = replace(sizes, scale_articles=_numbers(args.scale_articles))
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = run(sections, sizes, args.profile, args.work.resolve())
    results["quick"] = args.quick
    out = write_report(results, args.out.resolve(), args.docs.resolve(), args.quick)
    log(f"wrote {out} in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(x.replace("_", "")) for x in text.split(",") if x.strip())


if __name__ == "__main__":
    raise SystemExit(main())
