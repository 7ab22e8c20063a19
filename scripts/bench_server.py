"""Fresh processes: cold `otbot ask`, `otbot serve` to its first answer, and the load test.

The load test puts USERS concurrent users, each asking QUESTIONS questions one after another,
against one running `otbot serve`, through the JSON API (`POST /api/ask`, one keep-alive httpx
client per user) and through the Gradio queue (one `gradio_client.Client` per user,
`predict(..., api_name="/chat")`). The two are run alternately against the same server, so they
see the same machine. Clients are created before the clock starts; the server's CPU time and
the client process's CPU time are read around each round, since both share the same cores.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_common import (
    SCRIPTS,
    Run,
    Summary,
    child_env,
    cpu_seconds,
    free_port,
    import_times,
    log,
    otbot_command,
    proc_status_mb,
    profile_file_tables,
    run_measured,
)
from bench_sampler import StackSampler

COLD_QUESTION = "Do school OTs get summers off?"


# --- cold `otbot ask` ---------------------------------------------------------------------------


def cold_ask(index: Path, corpus: Path, work: Path, runs: int) -> dict[str, Any]:
    """`otbot ask` in a fresh process: one untimed run (file cache), then `runs` timed ones."""
    command = otbot_command("ask", "--json", "--corpus", str(corpus), "--index", str(index),
                            COLD_QUESTION)
    env = child_env(work)
    first = run_measured(command, env, work / "cold-ask")
    if first.returncode != 0:
        raise RuntimeError(f"otbot ask failed: {first.stderr[-2000:]}")
    timed = [run_measured(command, env, work / "cold-ask") for _ in range(runs)]
    answer = json.loads(timed[-1].stdout)
    torch_check = subprocess.run(
        [sys.executable, "-c",
         "import sys; from bot.app.cli import main; main(sys.argv[1:]); "
         "print('torch' in sys.modules, 'gradio' in sys.modules, file=sys.stderr)",
         "ask", "--corpus", str(corpus), "--index", str(index), COLD_QUESTION],
        env=env, capture_output=True, text=True,
    )
    imported = torch_check.stderr.strip().splitlines()[-1].split() if torch_check.stderr else []
    return {
        "runs": runs,
        "seconds": Summary.of([r.seconds for r in timed]).to_json(),
        "peak_rss_mb": Summary.of([r.peak_rss_mb for r in timed]).to_json(),
        "first_run_seconds": round(first.seconds, 2),
        "answer_timings_ms": answer.get("timings_ms", {}),
        "imports_torch": imported[0] == "True" if imported else None,
        "imports_gradio": imported[1] == "True" if len(imported) > 1 else None,
    }


def profile_command(args: list[str], work: Path, top: int = 18) -> dict[str, Any]:
    """An otbot command under cProfile and `-X importtime`, in a fresh process: the functions
    where its time goes and the packages whose import costs most."""
    out = work / "command.prof"
    command = [sys.executable, "-X", "importtime", "-m", "cProfile", "-o", str(out), "-m", "bot",
               *args]
    run = run_measured(command, child_env(work), work / "profiled")
    return {
        "command": "otbot " + " ".join(a if " " not in a else repr(a) for a in args[:1]),
        "seconds_profiled": round(run.seconds, 2),
        **profile_file_tables(out, top),
        "imports": import_times(run.stderr),
    }


# --- `otbot serve` ------------------------------------------------------------------------------


@dataclass
class Server:
    """A running `otbot serve` and when it became usable (seconds after it was started)."""

    process: subprocess.Popen[bytes]
    url: str
    listening_s: float = float("nan")
    first_answer_s: float = float("nan")
    profiles: Path | None = None
    dumps: int = 0
    rss: dict[str, float] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def start_sampling(self) -> None:
        self.process.send_signal(signal.SIGUSR1)

    def dump_sampling(self) -> dict[str, Any]:
        """Stop the server's stack sampler and read what it saw."""
        assert self.profiles is not None
        self.dumps += 1
        path = self.profiles / f"profile-{self.dumps}.json"
        self.process.send_signal(signal.SIGUSR2)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if path.is_file():
                try:
                    return dict(json.loads(path.read_text()))
                except ValueError:
                    pass  # still being written
            time.sleep(0.1)
        return {}


def ask_json(url: str, question: str, timeout: float = 60) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}api/ask", data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return dict(json.loads(response.read()))


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def running_server(
    index: Path, corpus: Path, work: Path, sampled: bool = False, profiled: Path | None = None,
    timeout: float = 900, env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Start `otbot serve` on a free port, wait for its first answered `POST /api/ask`, yield it,
    then stop it. `sampled`: run it under the stack sampler (idle until asked); `profiled`: run
    it under cProfile, written to that file when it stops."""
    port = free_port()
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--corpus", str(corpus),
            "--index", str(index)]
    profiles = work / "server-profiles"
    shutil.rmtree(profiles, ignore_errors=True)
    if sampled:
        command = [sys.executable, str(SCRIPTS / "bench_sampler.py"), str(profiles), "--", *args]
    elif profiled is not None:
        command = [sys.executable, "-m", "cProfile", "-o", str(profiled), "-m", "bot", *args]
    else:
        command = otbot_command(*args)
    work.mkdir(parents=True, exist_ok=True)
    log_file = open(work / "serve.log", "ab")  # noqa: SIM115 - closed below
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=log_file, stderr=log_file, env=child_env(work, **(env or {}))
    )
    server = Server(process, f"http://127.0.0.1:{port}/", profiles=profiles if sampled else None)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"otbot serve exited ({process.returncode}); see {work}/serve.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"otbot serve did not answer within {timeout} s")
            if server.listening_s != server.listening_s and _listening(port):  # still NaN
                server.listening_s = time.perf_counter() - started
            if server.listening_s == server.listening_s:
                try:
                    ask_json(server.url, COLD_QUESTION, timeout=30)
                    server.first_answer_s = time.perf_counter() - started
                    break
                except (urllib.error.URLError, OSError, ValueError):
                    pass
            time.sleep(0.05)
        server.rss = proc_status_mb(process.pid)
        yield server
    finally:
        process.send_signal(signal.SIGINT)  # a clean stop, so a cProfile run writes its file
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()


def cold_serve(index: Path, corpus: Path, work: Path, runs: int) -> dict[str, Any]:
    """`otbot serve` from start to listening and to its first answer: one untimed run, then
    `runs` timed ones; RSS right after the first answer."""
    results = []
    for number in range(runs + 1):
        with running_server(index, corpus, work / "cold-serve") as server:
            if number:
                results.append(server)
    return {
        "runs": runs,
        "listening_s": Summary.of([s.listening_s for s in results]).to_json(),
        "first_answer_s": Summary.of([s.first_answer_s for s in results]).to_json(),
        "rss_mb": Summary.of([s.rss["rss_mb"] for s in results]).to_json(),
    }


def profile_serve_start(index: Path, corpus: Path, work: Path, top: int = 18) -> dict[str, Any]:
    """`otbot serve` under cProfile from start to its first answer (main thread: imports, the
    index, the app)."""
    out = work / "serve-start.prof"
    out.unlink(missing_ok=True)
    with running_server(index, corpus, work / "profiled-serve", profiled=out) as server:
        seconds = server.first_answer_s
    deadline = time.monotonic() + 30
    while not out.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    return {
        "seconds_profiled": round(seconds, 2),
        **profile_file_tables(out, top),
    }


# --- the load test ------------------------------------------------------------------------------


@dataclass
class LoadRound:
    """One round of the load test through one interface."""

    interface: str
    latencies: list[float]
    errors: int
    seconds: float
    server_cpu_s: float
    client_cpu_s: float
    error_samples: list[str]


def _json_user(url: str) -> Any:
    import httpx

    client = httpx.Client(base_url=url, timeout=120)

    def ask(question: str) -> bool:
        response = client.post("api/ask", json={"question": question, "mode": "candidate"})
        return response.status_code == 200 and bool(response.json().get("answer"))

    return ask, client.close


def _gradio_user(url: str) -> Any:
    from gradio_client import Client

    client = Client(url, verbose=False)

    def ask(question: str) -> bool:
        reply = client.predict(question, api_name="/chat")
        return isinstance(reply, str) and bool(reply.strip())

    return ask, getattr(client, "close", lambda: None)


def _gradio_http_user(url: str) -> Any:
    """The same `/chat` event through Gradio's queue, over its documented HTTP API (POST the
    inputs, then read the event's server-sent stream) with one httpx connection: what a
    browser's requests cost the server, without gradio_client's own CPU on these two cores."""
    import httpx

    client = httpx.Client(base_url=url, timeout=120)

    def ask(question: str) -> bool:
        posted = client.post("gradio_api/call/chat", json={"data": [question, "candidate"]})
        event = posted.json()["event_id"]
        with client.stream("GET", f"gradio_api/call/chat/{event}") as stream:
            kind = ""
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    reply = json.loads(line.split(":", 1)[1])
                    return kind == "complete" and bool(reply and str(reply[0]).strip())
        return False

    return ask, client.close


USERS = {"json": _json_user, "gradio": _gradio_user, "gradio-http": _gradio_http_user}
INTERFACES = tuple(USERS)


def load_round(
    server: Server, interface: str, questions: list[str], users: int, per_user: int,
    on_start: Any = None, on_end: Any = None,
) -> LoadRound:
    """`users` threads, each asking `per_user` questions in turn as fast as answers come. The
    clock (and `on_start`) starts once every user's client is made, and stops (`on_end`) when
    the last answer is in, before the clients are closed."""
    make = USERS[interface]
    with ThreadPoolExecutor(max_workers=users) as pool:  # a Gradio client takes ~0.5 s to make
        clients = list(pool.map(lambda _: make(server.url), range(users)))
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users + 1)

    def user(number: int) -> None:
        ask, _ = clients[number]
        barrier.wait()
        for turn in range(per_user):
            question = questions[(number * per_user + turn) % len(questions)]
            began = time.perf_counter()
            try:
                ok, problem = ask(question), "empty answer"
            except Exception as error:  # noqa: BLE001 - counted; the round goes on
                ok, problem = False, f"{type(error).__name__}: {error}"[:200]
            with lock:
                latencies.append(time.perf_counter() - began)
                if not ok:
                    failures.append(problem)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    if on_start is not None:
        on_start()
    server_cpu, client_cpu = cpu_seconds(server.pid), _own_cpu()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    result = LoadRound(
        interface, latencies, len(failures), seconds, cpu_seconds(server.pid) - server_cpu,
        _own_cpu() - client_cpu, failures[:3],
    )
    if on_end is not None:
        on_end()
    with ThreadPoolExecutor(max_workers=users) as pool:  # closing one takes ~1 s
        list(pool.map(lambda client: client[1](), clients))
    return result


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


# One BLAS thread per process: the variant the load test measures beside the shipped settings.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _figures(parts: list[LoadRound]) -> dict[str, Any]:
    latencies = [x for part in parts for x in part.latencies]
    requests = len(latencies)
    return {
        "requests": requests,
        "errors": sum(p.errors for p in parts),
        "error_samples": [e for p in parts for e in p.error_samples][:3],
        "latency_s": Summary.of(latencies).to_json(),
        "requests_per_s": round(requests / max(1e-9, sum(p.seconds for p in parts)), 2),
        "server_cpu_ms_per_request": round(
            1000 * sum(p.server_cpu_s for p in parts) / max(1, requests), 1
        ),
        "client_cpu_ms_per_request": round(
            1000 * sum(p.client_cpu_s for p in parts) / max(1, requests), 1
        ),
    }


def load_comparison(
    index: Path, corpus: Path, work: Path, questions: list[str], users: int, per_user: int,
    rounds: int, profile: str = "unmet", target_p95_s: float = 0.5,
    variants: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Section 6: the JSON API and the Gradio queue under the same load.

    One server per variant (name -> extra environment; the first is the shipped settings) runs
    at once, and the rounds alternate over variants and interfaces, so all see the same machine.
    Then, for each interface of the first variant that misses `target_p95_s` or has errors
    (`profile` "unmet") or for both ("always"), one more round under the stack samplers of the
    server and of this process (the clients)."""
    variants = variants or {"as shipped": {}}
    names = list(variants)
    out: dict[str, Any] = {"users": users, "questions_per_user": per_user, "rounds": rounds,
                           "variants": {}}
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(running_server(
                index, corpus, work / f"load-{number}", sampled=number == 0, env=variants[name]))
            for number, name in enumerate(names)
        }
        log(f"load: warm-up, then {rounds} round(s) x {users} users x {per_user} questions; "
            f"JSON API and Gradio alternating over {len(names)} server(s): {', '.join(names)}")
        for server in servers.values():  # untimed: connections, Gradio's queue, caches
            for interface in INTERFACES:
                load_round(server, interface, questions, min(users, 4), 2)
        measured: dict[str, dict[str, list[LoadRound]]] = {
            name: {interface: [] for interface in INTERFACES} for name in names
        }
        alone: dict[str, dict[str, LoadRound]] = {name: {} for name in names}
        for interface in INTERFACES:  # one user alone: the floor under the load figures
            for name, server in servers.items():
                alone[name][interface] = load_round(server, interface, questions, 1, per_user)
        for _ in range(rounds):
            for interface in INTERFACES:
                for name, server in servers.items():
                    measured[name][interface].append(
                        load_round(server, interface, questions, users, per_user)
                    )
        for name, server in servers.items():
            status = proc_status_mb(server.pid)
            out["variants"][name] = {
                "environment": variants[name],
                "rss_start_mb": round(server.rss["rss_mb"], 1),
                "rss_end_mb": round(status["rss_mb"], 1),
                "peak_rss_mb": round(status["peak_rss_mb"], 1),
                **{interface: _figures(parts) for interface, parts in measured[name].items()},
                "one_user": {interface: _figures([part]) for interface, part in alone[name].items()},
            }
        out.update(out["variants"][names[0]])  # the shipped settings are the figures of record
        out["profiles"] = {}
        shipped = servers[names[0]]
        for interface in INTERFACES:
            missed = (out[interface]["latency_s"]["p95"] >= target_p95_s
                      or out[interface]["errors"] > 0)
            if profile == "always" or (profile == "unmet" and missed):
                log(f"load: one more {interface} round under the stack samplers")
                client = StackSampler()  # the clients share the cores: where their time goes too
                seen: dict[str, Any] = {}

                def start_samplers(sampler: StackSampler = client) -> None:
                    shipped.start_sampling()
                    sampler.start()

                def stop_samplers(sampler: StackSampler = client, into: dict = seen) -> None:
                    into["client"] = sampler.stop()
                    into["server"] = shipped.dump_sampling()

                load_round(shipped, interface, questions, users, per_user, start_samplers,
                           stop_samplers)
                out["profiles"][interface] = seen
    return out


def scale_serve(index: Path, corpus: Path, work: Path, requests: int = 20) -> dict[str, Any]:
    """`otbot serve` on a scale point: start to first answer, RSS then and after `requests`
    more answers through the JSON API."""
    with running_server(index, corpus, work) as server:
        after_start = server.rss
        latencies = []
        for number in range(requests):
            began = time.perf_counter()
            ask_json(server.url, ["What is a caseload?", COLD_QUESTION][number % 2])
            latencies.append(time.perf_counter() - began)
        after = proc_status_mb(server.pid)
        return {
            "first_answer_s": round(server.first_answer_s, 2),
            "rss_after_start_mb": round(after_start["rss_mb"], 1),
            "rss_mb": round(after["rss_mb"], 1),
            "peak_rss_mb": round(after["peak_rss_mb"], 1),
            "api_latency_s": Summary.of(latencies).to_json(),
        }


__all__ = [
    "Run", "cold_ask", "cold_serve", "load_comparison", "profile_command", "profile_serve_start",
    "running_server", "scale_serve",
]
