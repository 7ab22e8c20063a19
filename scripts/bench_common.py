"""Shared pieces of the benchmark (scripts/bench.py): statistics, the machine, processes, profiles.

Every function here is importable on its own (`sys.path.insert(0, "scripts")`), so a piece of the
benchmark can be run or checked without the whole report.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import platform
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
for _path in (str(ROOT), str(SCRIPTS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


# --- statistics -----------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (the one `otbot eval` and scripts/soak.py use).

    Example: percentile([1, 2, 3, 4, 5], 0.95) -> 5
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass(frozen=True)
class Summary:
    """Median, p95, mean and extremes of one series of timings (same unit as the input)."""

    n: int
    median: float
    p95: float
    mean: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(0, float("nan"), float("nan"), float("nan"), float("nan"), float("nan"))
        return cls(
            len(values),
            statistics.median(values),
            percentile(values, 0.95),
            statistics.fmean(values),
            min(values),
            max(values),
        )

    def to_json(self) -> dict[str, float]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


# --- the machine ------------------------------------------------------------------------------


def _meminfo_mb(key: str = "MemTotal") -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "bot"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout.strip()
        return head + (" (bot/ modified)" if dirty else "")
    except OSError:
        return "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on: cores, memory, CPU model, load, versions, date."""
    import numpy

    versions = {"python": platform.python_version(), "numpy": numpy.__version__}
    for name in ("chromadb", "gradio", "torch", "sentence_transformers", "langchain_core"):
        try:
            from importlib.metadata import version

            versions[name] = version(name.replace("_", "-"))
        except Exception:  # noqa: BLE001 - a missing package is reported as such
            versions[name] = "not installed"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory_gb": round(_meminfo_mb() / 1024, 1),
        "available_memory_gb": round(_meminfo_mb("MemAvailable") / 1024, 1),
        "cpu": cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "load_average": [round(x, 2) for x in load_average()],
        "commit": git_commit(),
        "versions": versions,
        "blas_threads": _blas_threads(),
    }


def _blas_threads() -> str:
    try:
        from threadpoolctl import threadpool_info

        return ", ".join(f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info())
    except Exception:  # noqa: BLE001
        return "unknown"


# --- processes and memory ---------------------------------------------------------------------


def proc_status_mb(pid: int | str = "self") -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in MB."""
    out = {"rss_mb": float("nan"), "peak_rss_mb": float("nan")}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                out["peak_rss_mb"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (its own threads, not children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def otbot_command(*args: str) -> list[str]:
    """The installed `otbot` command (what a person runs), or `python -m bot` without it."""
    script = Path(sys.executable).parent / "otbot"
    return [str(script), *args] if script.is_file() else [sys.executable, "-m", "bot", *args]


def child_env(work: Path, **extra: str) -> dict[str, str]:
    """The environment for otbot child processes: temporary files under the bench folder."""
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "TMPDIR": str(work / "tmp"),
        "GRADIO_TEMP_DIR": str(work / "tmp" / "gradio"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT), str(SCRIPTS), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        **extra,
    }


@dataclass(frozen=True)
class Run:
    """One finished child process: wall seconds, peak RSS (MB), exit code, its output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


TIME = Path("/usr/bin/time")


def run_measured(command: list[str], env: dict[str, str], scratch: Path) -> Run:
    """Run `command` to the end, timing it and reading its peak RSS.

    The peak comes from GNU time (`%M`) where it is installed: the kernel's own figure for a
    child (`wait4`) also counts what the parent had resident when it forked, and this process
    can be large by then. Without GNU time, that figure is used as it is.
    """
    scratch.mkdir(parents=True, exist_ok=True)
    out_path, err_path = scratch / "stdout.txt", scratch / "stderr.txt"
    peak_path = scratch / "peak-rss-kb.txt"
    peak_path.unlink(missing_ok=True)
    timed = [str(TIME), "-f", "%M", "-o", str(peak_path), *command] if TIME.is_file() else command
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(timed, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    peak_kb = float(usage.ru_maxrss)
    if peak_path.is_file():
        with contextlib.suppress(ValueError, IndexError):
            peak_kb = float(peak_path.read_text().split()[-1])
    return Run(
        seconds,
        peak_kb / 1024,
        process.returncode,
        out_path.read_text(errors="replace"),
        err_path.read_text(errors="replace"),
    )


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log(message: str) -> None:
    """Progress on stderr, so a long run shows where it is."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- an embedder that times its model calls ---------------------------------------------------


class TimedEmbedder:
    """Wraps an `Embedder` and adds up the time and texts of its calls (the embedding edge is a
    Protocol, so the bot takes it through `build_bot(settings, embedder=...)`)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_path = getattr(inner, "model_path", None)
        self.seconds = 0.0
        self.texts = 0
        self.calls = 0

    @property
    def name(self) -> str:
        return str(self.inner.name)

    def embed(self, texts: list[str]) -> Any:
        return self._timed(self.inner.embed, texts)

    def embed_few(self, texts: list[str]) -> Any:
        return self._timed(self.inner.embed_few, texts)

    def _timed(self, method: Any, texts: list[str]) -> Any:
        started = time.perf_counter()
        try:
            return method(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)
            self.calls += 1

    def words(self) -> frozenset[str]:
        return frozenset(self.inner.words())

    def reset(self) -> None:
        self.seconds, self.texts, self.calls = 0.0, 0, 0


# --- profiles ---------------------------------------------------------------------------------

# Frames of the import machinery and of the interpreter's entry; a profile of real work skips them.
_PLUMBING = re.compile(
    r"<frozen importlib|[<{]built-in method builtins\.exec[>}]|[<{]built-in method _imp\.|"
    r"[<{]method 'enable' of|cProfile|<string>:1\(<module>\)|runpy"
)


def _short(path: str) -> str:
    """A source path without the interpreter's or the checkout's prefix."""
    path = re.sub(r"^.*/lib/python3\.\d+/(site-packages/)?", "", path)
    return path.removeprefix(str(ROOT) + "/")


def profile_rows(
    stats: pstats.Stats, top: int = 15, key: str = "cumulative_s", include_imports: bool = False
) -> list[dict]:
    """The top entries of a cProfile run by `key` (cumulative_s or own_s), as report rows."""
    rows = []
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, function), (_, calls, own, cumulative, _) in raw.items():
        name = f"{_short(filename)}:{line}({function})" if line else f"{filename}({function})"
        if filename == "~":
            name = function
        if not include_imports and _PLUMBING.search(name):
            continue
        rows.append(
            {"function": name, "calls": calls, "own_s": round(own, 3),
             "cumulative_s": round(cumulative, 3)}
        )
    rows.sort(key=lambda r: r[key], reverse=True)
    return rows[:top]


def profile_tables(stats: pstats.Stats, top: int = 18) -> dict[str, list[dict]]:
    """Where a profiled run's time went: top functions by cumulative time and by own time."""
    return {"functions": profile_rows(stats, top),
            "own_functions": profile_rows(stats, 10, key="own_s")}


def profile_call(function: Callable[[], Any], top: int = 18) -> tuple[Any, dict, float]:
    """Run `function` under cProfile; returns its result, the profile tables and the seconds."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        result = function()
    finally:
        profiler.disable()
    seconds = time.perf_counter() - started
    return result, profile_tables(pstats.Stats(profiler, stream=io.StringIO()), top), seconds


def profile_file_tables(path: Path, top: int = 18) -> dict[str, list[dict]]:
    """The profile tables of a cProfile output file (none when the file is missing)."""
    if not path.is_file():
        return {"functions": [], "own_functions": []}
    return profile_tables(pstats.Stats(str(path), stream=io.StringIO()), top)


def import_times(stderr: str, top: int = 12) -> list[dict]:
    """Packages by import time, from `python -X importtime` output: the own time of every module
    of a package added up, so the figures do not overlap and lazy imports count too."""
    totals: dict[str, float] = {}
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| *(\S+)$", line)
        if match:
            root = match.group(3).split(".")[0]
            totals[root] = totals.get(root, 0.0) + int(match.group(1)) / 1e6
    ordered = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return [{"package": name, "seconds": round(seconds, 3)} for name, seconds in ordered]


def unit_vectors(rng: np.random.Generator, count: int, dimension: int) -> np.ndarray:
    """`count` seeded random unit vectors (float32), for the synthetic scale points."""
    vectors = rng.standard_normal((count, dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors
