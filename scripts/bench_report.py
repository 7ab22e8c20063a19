"""BENCHMARKS.md and the scale chart, from the results dictionary scripts/bench.py collects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench_common import ROOT


def _ms(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:,.1f}"


def _s(value: float | None, digits: int = 2) -> str:
    return "–" if value is None or value != value else f"{value:,.{digits}f}"


def _mb(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:,.0f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _missing(section: dict[str, Any] | None) -> list[str] | None:
    if section is None:
        return ["Not measured in this run (section not selected).", ""]
    if "error" in section:
        return [f"**Failed in this run:** `{section['error']}`", ""]
    return None


def _functions(rows: list[dict], title: str) -> list[str]:
    if not rows:
        return []
    table = _table(
        ["cumulative s", "own s", "calls", "function"],
        [[_s(r["cumulative_s"], 3), _s(r["own_s"], 3), f"{r['calls']:,}", f"`{r['function']}`"]
         for r in rows],
    )
    return [f"{title}", "", *table]


def _imports(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    return ["Import time by package (`-X importtime`: own time of each of its modules, added up):", "",
            *_table(["package", "s"], [[f"`{r['package']}`", _s(r["seconds"], 2)] for r in rows])]


# --- sections ---------------------------------------------------------------------------------


def answer_section(result: dict[str, Any] | None) -> list[str]:
    lines = ["## 1. Warm answer latency by stage, beside the plain LangChain recipe", ""]
    missing = _missing(result)
    if missing:
        return lines + missing
    assert result is not None
    ours, theirs = result["otbot"], result["langchain"]
    lines += [
        f"Shipped corpus ({result['corpus']['articles']} articles, {result['corpus']['chunks']} "
        f"chunks), the {result['questions']} questions of `evals/questions.jsonl` x "
        f"{result['rounds']} rounds ({ours['wall']['n']} answers each), warm (after `Bot.warm_up` "
        "and a pass over the questions), each question paying for its own embedding "
        "(`Bot.clear_caches`). otbot and the recipe are timed question by question, "
        "interleaved, in one process. Stages come from `Answer.timings_ms`; `rewrite` is "
        "`total - retrieve - answer`; `wall` is measured around `Bot.ask`.",
        "",
    ]
    rows = []
    names = {
        "rewrite": "rewrite (framing, follow-up, spelling, scope)",
        "retrieve": "retrieve (question embedding + hybrid search)",
        "answer": "answer (score, compose, verify, render)",
        "total": "total of the stages",
        "wall": "**`Bot.ask` wall**",
    }
    for stage, name in names.items():
        rows.append([name, _ms(ours[stage]["median"]), _ms(ours[stage]["p95"]),
                     _ms(ours[stage]["max"])])
    rows.append(["LangChain recipe: `similarity_search` k=4 (embedding + Chroma)",
                 _ms(theirs["median"]), _ms(theirs["p95"]), _ms(theirs["max"])])
    calls = result["otbot_model_calls_ms"]
    rows.insert(4, ["of which model calls (question and unseen words, numpy encoder)",
                    _ms(calls["median"]), _ms(calls["p95"]), _ms(calls["max"])])
    if result.get("otbot_one_blas_thread"):
        one = result["otbot_one_blas_thread"]
        rows.append(["`Bot.ask` wall, BLAS limited to one thread (threadpoolctl)",
                     _ms(one["median"]), _ms(one["p95"]), _ms(one["max"])])
    lines += _table(["ms", "median", "p95", "max"], rows)
    lines += [
        "Retrieval quality on the same run, by `bot/quality/evaluation.py` (`otbot_answerer`, "
        f"`baseline_answerer`, `score`) over the {result['in_scope']} in-scope questions:",
        "",
        *_table(
            ["system", "recall@4 of the anchor passage", "MRR"],
            [[name, _s(result["recall_at_4"][name], 3), _s(result["mrr"][name], 3)]
             for name in ("otbot", "langchain-plain")],
        ),
        "otbot does more than the recipe's one search (hybrid retrieval, sentence scoring, a "
        "verified, cited answer or a refusal), so its whole answer is compared with the recipe's "
        "search alone; its `retrieve` stage is the like-for-like part.",
        "",
    ]
    return lines


def ingest_section(result: dict[str, Any] | None) -> list[str]:
    lines = ["## 2. Ingest throughput beside the bare model", ""]
    missing = _missing(result)
    if missing:
        return lines + missing
    assert result is not None
    lines += [
        f"{result['articles']} generated articles of ~{result['words']} words "
        f"(`bot/quality/synthetic.py`, seeded): {result['chunks']:,} chunks and "
        f"{result['sentence_vectors']:,} sentence vectors, {result['texts']:,} texts embedded. "
        "The bare model is sentence-transformers encoding exactly those texts in one call "
        f"(batch {result['batch_size']}, normalised); the ingest is `Bot.ingest` into a fresh "
        "index with the model already loaded. Alternated, "
        f"{result['repeats']} time(s) each.",
        "",
        *_table(
            ["", "median s", "p95 s", "texts/s"],
            [
                ["bare model", _s(result["bare_s"]["median"]), _s(result["bare_s"]["p95"]),
                 _s(result["bare_texts_per_s"], 0)],
                ["`Bot.ingest`", _s(result["ingest_s"]["median"]), _s(result["ingest_s"]["p95"]),
                 _s(result["ingest_texts_per_s"], 0)],
                ["of which model calls", _s(result["embedding_in_ingest_s"]["median"]),
                 _s(result["embedding_in_ingest_s"]["p95"]), ""],
            ],
        ),
        f"**Ratio: {result['ratio']:.2f} x the bare model's throughput**; model calls are "
        f"{result['embedding_share_of_ingest']:.0%} of the ingest's time.",
        "",
    ]
    command = result.get("command")
    if command:
        lines += [
            f"The same corpus through `otbot ingest` in a fresh process: {_s(command['wall_s'])} s "
            f"wall (the ingest itself {_s(command['ingest_s'])} s; the rest is imports and the "
            f"model load), peak RSS {_mb(command['peak_rss_mb'])} MB.",
            "",
        ]
    return lines


def reingest_section(result: dict[str, Any] | None) -> list[str]:
    lines = ["## 3. Re-ingest of an unchanged corpus", ""]
    missing = _missing(result)
    if missing:
        return lines + missing
    assert result is not None
    lines += [
        f"`otbot ingest` again on the {result['articles']:,}-article generated corpus of section 4 "
        f"({result['chunks']:,} chunks) right after it was indexed, {result['runs']} time(s); "
        f"every chunk unchanged ({result['unchanged']:,}), {result['added']} added.",
        "",
        *_table(
            ["", "median", "p95"],
            [
                ["`otbot ingest` wall, s", _s(result["wall_s"]["median"]),
                 _s(result["wall_s"]["p95"])],
                ["the ingest itself (`seconds` of `--json`), s", _s(result["ingest_s"]["median"]),
                 _s(result["ingest_s"]["p95"])],
                ["peak RSS, MB", _mb(result["peak_rss_mb"]["median"]),
                 _mb(result["peak_rss_mb"]["p95"])],
            ],
        ),
    ]
    return lines


def scale_section(result: dict[str, Any] | None, chart: Path | None) -> list[str]:
    lines = ["## 4. Latency and memory by index size", ""]
    missing = _missing(result)
    if missing:
        return lines + missing
    assert result is not None
    lines += [
        f"Real points: generated articles (~{result['words']} words, seeded) ingested for real by "
        "`otbot ingest`, the corpus growing by prefixes. Synthetic points: chunks of generated "
        "articles cut by the real chunker, stored with seeded random unit vectors "
        f"({result.get('dimension', 384)} dimensions) through `ChromaIndex.add`, so the index, "
        "the sentence store and the query path are the real ones. Each point is measured in a "
        "fresh process: `Bot.warm_up` (loads the index), then the golden questions x "
        f"{result['rounds']} round(s), `Bot.ask` wall time; in the first round each question is "
        "asked again with BLAS held to one thread (threadpoolctl), interleaved.",
        "",
    ]
    if chart is not None:
        lines += [f"![latency and memory by index size]({chart.relative_to(ROOT).as_posix()})", ""]
    rows = []
    for point in result["points"]:
        if "error" in point:
            rows.append([point.get("label", "?"), "", "", "", "", "", "", "",
                         f"failed: {point['error']}"])
            continue
        wall, rss = point["stages_ms"]["wall"], point["rss_mb"]
        single = point["stages_ms"].get("wall_one_blas_thread", {})
        rows.append([
            point["label"], f"{point['chunks']:,}", f"{point['sentence_vectors']:,}",
            _ms(wall["median"]), _ms(wall["p95"]),
            f"{_ms(single.get('median'))} / {_ms(single.get('p95'))}",
            f"{_ms(point['stages_ms']['retrieve']['median'])} / "
            f"{_ms(point['stages_ms']['answer']['median'])}",
            _s(point["load_s"]),
            f"{_mb(rss['after_answers'])} ({_mb(rss['peak'])} peak; "
            f"{_mb(rss['index_loaded'] - rss['index_open'])} for the loaded index)",
        ])
    lines += _table(
        ["point", "chunks", "sentence vectors", "p50 ms", "p95 ms",
         "one BLAS thread: p50 / p95 ms", "retrieve / answer p50 ms", "load s", "bot RSS MB"],
        rows,
    )
    built = result.get("builds", [])
    if built:
        lines += ["How the points were built:", ""]
        for build in built:
            lines.append(f"- {build}")
        lines.append("")
    serve = result.get("serve")
    if serve:
        lines += [
            f"`otbot serve` on the largest point ({serve['chunks']:,} chunks): first answer "
            f"{_s(serve['first_answer_s'])} s after start; RSS {_mb(serve['rss_after_start_mb'])} "
            f"MB then, {_mb(serve['rss_mb'])} MB after {serve['api_latency_s']['n']} more answers "
            f"(peak {_mb(serve['peak_rss_mb'])} MB); `POST /api/ask` one at a time: median "
            f"{_ms(serve['api_latency_s']['median'] * 1000)} ms.",
            "",
        ]
    return lines


def cold_section(ask: dict[str, Any] | None, serve: dict[str, Any] | None) -> list[str]:
    lines = ["## 5. Cold start", ""]
    missing = _missing(ask)
    if missing:
        lines += ["`otbot ask`: " + missing[0], ""]
    else:
        assert ask is not None
        lines += [
            f"`otbot ask \"Do school OTs get summers off?\"` on the shipped corpus's index, a "
            f"fresh process each time, after one untimed run to warm the file cache "
            f"({_s(ask['first_run_seconds'])} s), {ask['runs']} timed runs; peak RSS from "
            f"GNU time (`%M`). torch imported: {'yes' if ask['imports_torch'] else 'no'}; "
            f"gradio imported: {'yes' if ask['imports_gradio'] else 'no'}.",
            "",
            *_table(
                ["", "median", "p95", "min", "max"],
                [
                    ["wall, s", _s(ask["seconds"]["median"]), _s(ask["seconds"]["p95"]),
                     _s(ask["seconds"]["min"]), _s(ask["seconds"]["max"])],
                    ["peak RSS, MB", _mb(ask["peak_rss_mb"]["median"]),
                     _mb(ask["peak_rss_mb"]["p95"]), _mb(ask["peak_rss_mb"]["min"]),
                     _mb(ask["peak_rss_mb"]["max"])],
                ],
            ),
        ]
    missing = _missing(serve)
    if missing:
        lines += ["`otbot serve`: " + missing[0], ""]
    else:
        assert serve is not None
        lines += [
            f"`otbot serve` on the same index, from the start of the process to the port "
            f"accepting connections and to its first answered `POST /api/ask`: one untimed run, "
            f"then {serve['runs']}.",
            "",
            *_table(
                ["", "median", "p95"],
                [
                    ["listening, s", _s(serve["listening_s"]["median"]),
                     _s(serve["listening_s"]["p95"])],
                    ["first answer, s", _s(serve["first_answer_s"]["median"]),
                     _s(serve["first_answer_s"]["p95"])],
                    ["RSS then, MB", _mb(serve["rss_mb"]["median"]), _mb(serve["rss_mb"]["p95"])],
                ],
            ),
        ]
    return lines


def load_section(result: dict[str, Any] | None) -> list[str]:
    lines = ["## 6. Load test", ""]
    missing = _missing(result)
    if missing:
        return lines + missing
    assert result is not None
    variants = result.get("variants") or {"as shipped": result}
    lines += [
        f"{result['users']} concurrent users, each asking {result['questions_per_user']} "
        f"questions one after another (golden questions without history), against `otbot "
        f"serve` on the shipped corpus, {result['rounds']} round(s) per interface. "
        f"{len(variants)} server(s) ran at once ({', '.join(variants)}) and the rounds "
        "alternated over servers and interfaces, so every row saw the same machine. Rows with "
        "one user are one client asking the same number of questions alone, before the load: the "
        "floor under the loaded figures. The clients run on the same cores as the servers; their "
        "CPU time is shown beside the server's. The Gradio queue is measured twice: through "
        "`gradio_client`, and through Gradio's HTTP API (`POST /gradio_api/call/chat`, then the "
        "event's stream) with one httpx connection per user, as a browser would call it: "
        "`gradio_client` spends several times the server's CPU per request on these same two "
        "cores, which a visitor's browser spends on its own machine.",
        "",
    ]
    rows = []
    for variant, figures_of in variants.items():
        for interface, name in LOAD_INTERFACES.items():
            if interface not in figures_of:
                continue  # a run from before that client
            for users, figures in ((result["users"], figures_of[interface]),
                                   (1, figures_of.get("one_user", {}).get(interface))):
                if figures is None:
                    continue
                latency = figures["latency_s"]
                rows.append([
                    variant, name, str(users), f"{figures['requests']:,}",
                    _ms(latency["median"] * 1000), _ms(latency["p95"] * 1000),
                    _s(figures["requests_per_s"], 1), str(figures["errors"]),
                    _ms(figures["server_cpu_ms_per_request"]),
                    _ms(figures["client_cpu_ms_per_request"]),
                ])
    lines += _table(
        ["server", "interface", "users", "requests", "p50 ms", "p95 ms", "requests/s", "errors",
         "server CPU ms/request", "client CPU ms/request"],
        rows,
    )
    for variant, figures_of in variants.items():
        for interface in LOAD_INTERFACES:
            if figures_of.get(interface, {}).get("error_samples"):
                lines += [f"{variant}, {interface}: first errors "
                          f"`{figures_of[interface]['error_samples']}`", ""]
        lines += [
            f"Server RSS ({variant}): {_mb(figures_of['rss_start_mb'])} MB after start, "
            f"{_mb(figures_of['rss_end_mb'])} MB after the load (peak "
            f"{_mb(figures_of['peak_rss_mb'])} MB).",
            "",
        ]
    return lines


LOAD_INTERFACES = {
    "json": "JSON API `POST /api/ask`",
    "gradio": "Gradio queue (`gradio_client`, `/chat`)",
    "gradio-http": "Gradio queue (HTTP API, `/gradio_api/call/chat`)",
}


def targets_section(targets: list[dict[str, Any]]) -> list[str]:
    rows = []
    for target in targets:
        verdict = {True: "met", False: "**not met**", None: "not measured"}[target["met"]]
        rows.append([target["target"], target["figure"], verdict, target.get("where", "")])
    return ["## Targets of issue 12", "",
            *_table(["target", "this run", "", "where the time or memory goes"], rows)]


def profiles_section(profiles: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = ["## Profiles of the targets not met", ""]
    if not profiles:
        return lines + ["Every measured target was met; no profile was taken.", ""]
    for title, profile in profiles:
        lines += [f"### {title}", ""]
        if profile.get("note"):
            lines += [profile["note"], ""]
        if "threads" in profile:  # the server's stack sampler
            lines += _sampled(profile)
            continue
        if profile.get("seconds_profiled") is not None:
            lines += [f"Profiled run: {_s(profile['seconds_profiled'])} s (cProfile adds overhead).",
                      ""]
        lines += _functions(profile.get("functions", []),
                            "Top functions by cumulative time (cProfile; import machinery left out):")
        lines += _functions(profile.get("own_functions", []),
                            "Top functions by own time (time in the function itself):")
        lines += _imports(profile.get("imports", []))
    return lines


def _sampled(profile: dict[str, Any]) -> list[str]:
    threads = profile.get("threads", {})
    unit = "CPU s" if profile.get("cpu_measured") else "busy samples x interval, s"
    return [
        f"Stacks of every thread ({profile.get('thread_count', 0)} seen) sampled over "
        f"{_s(profile.get('seconds'))} s ({profile.get('samples', 0):,} rounds, every "
        f"{profile.get('interval_ms', 10):.0f} ms when the GIL allows); each thread's CPU time "
        "since its last sample (the kernel's schedstat) is charged to the stack it is in, so "
        "waiting for a lock, the GIL, a socket or a timer costs nothing. Python frames only: C "
        "code under a frame counts as that frame.",
        "",
        *_table(["threads", "samples", unit],
                [[role, f"{v['samples']:,}", _s(v.get("cpu_s"), 2)] for role, v in threads.items()]),
        "Share of that CPU time with the function on the stack:",
        "",
        *_table(["share", "function"],
                [[f"{r['share']:.0%}", f"`{r['function']}`"] for r in profile.get("inclusive", [])]),
        "Share of that CPU time with the function innermost (C code below it counts here):",
        "",
        *_table(["share", "function"],
                [[f"{r['share']:.0%}", f"`{r['function']}`"] for r in profile.get("leaf", [])[:12]]),
    ]


def machine_section(info: dict[str, Any], loads: list[tuple[str, list[float]]]) -> list[str]:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    lines = [
        "## Machine", "",
        *_table(["", ""], [
            ["date", info["date"]],
            ["cores", str(info["cores"])],
            ["memory", f"{info['memory_gb']} GB ({info['available_memory_gb']} GB available at start)"],
            ["CPU", info["cpu"]],
            ["OS", info["os"]],
            ["commit", f"`{info['commit']}`"],
            ["versions", versions],
            ["BLAS threads", info["blas_threads"]],
        ]),
        "Load average (1, 5, 15 min) when each section started; above ~0.5 the machine was "
        "busy with other work and the figures are noisy:",
        "",
        *_table(["section", "load average"],
                [[name, ", ".join(f"{x:.2f}" for x in load)] for name, load in loads]),
    ]
    return lines


def write_chart(result: dict[str, Any], path: Path, targets: dict[str, float]) -> Path | None:
    """Latency (p50, p95) and memory against chunks, real and synthetic points apart."""
    points = [p for p in result.get("points", []) if "error" not in p]
    if not points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    figure, (latency, memory) = plt.subplots(1, 2, figsize=(11, 4.2))
    for kind, marker, fill in (("real", "o", "full"), ("synthetic", "s", "none")):
        chosen = sorted((p for p in points if p["kind"] == kind), key=lambda p: p["chunks"])
        if not chosen:
            continue
        x = [p["chunks"] for p in chosen]
        latency.plot(x, [p["stages_ms"]["wall"]["median"] for p in chosen], marker=marker,
                     fillstyle=fill, color="tab:blue", label=f"p50 ({kind})")
        latency.plot(x, [p["stages_ms"]["wall"]["p95"] for p in chosen], marker=marker,
                     fillstyle=fill, color="tab:orange", label=f"p95 ({kind})")
        single = [p["stages_ms"].get("wall_one_blas_thread") for p in chosen]
        if all(single):
            latency.plot(x, [s["p95"] for s in single], marker=marker, fillstyle=fill,
                         color="tab:purple", linewidth=1, linestyle="--",
                         label=f"p95, one BLAS thread ({kind})")
        memory.plot(x, [p["rss_mb"]["after_answers"] for p in chosen], marker=marker,
                    fillstyle=fill, color="tab:green", label=f"RSS after answers ({kind})")
        memory.plot(x, [p["rss_mb"]["peak"] for p in chosen], marker=marker, fillstyle=fill,
                    color="tab:red", linestyle="--", label=f"peak RSS ({kind})")
    latency.axhline(targets["p50_ms"], color="tab:blue", linestyle=":", linewidth=1,
                    label=f"target p50 < {targets['p50_ms']:.0f} ms")
    latency.axhline(targets["p95_ms"], color="tab:orange", linestyle=":", linewidth=1,
                    label=f"target p95 < {targets['p95_ms']:.0f} ms")
    serve = result.get("serve")
    if serve:
        memory.plot([serve["chunks"]], [serve["peak_rss_mb"]], marker="*", markersize=12,
                     linestyle="none", color="black", label="otbot serve, peak RSS")
    memory.axhline(targets["rss_mb"], color="tab:red", linestyle=":", linewidth=1,
                   label=f"target: server < {targets['rss_mb'] / 1024:.1f} GB")
    latency.set_yscale("log")
    latency.yaxis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    latency.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    latency.yaxis.set_minor_formatter(ticker.NullFormatter())
    memory.set_ylim(bottom=0)
    for axis, title, unit in ((latency, "Warm answer latency (Bot.ask)", "ms"),
                              (memory, "Memory of a process answering", "MB")):
        axis.set_xscale("log")
        axis.set_xlabel("chunks in the index")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
