"""A stack sampler for a running `otbot serve`, switched on and off by signals.

cProfile sees one thread; the server answers in a thread pool while its event loop serializes,
so the load test's profile samples every thread's Python stack instead (what py-spy does from
outside, done from inside with `sys._current_frames`). Each thread's CPU time since its last
sample (the kernel's /proc/self/task/TID/schedstat) is charged to the stack it is in: a CPU
profile of every thread, where waiting for a lock, the GIL, a socket or a timer costs nothing.
Nothing is sampled until SIGUSR1, so the measured rounds run without it; SIGUSR2 writes what was
sampled since and stops.

Usage (as the benchmark starts the server):
    python scripts/bench_sampler.py OUT_DIR -- serve --port P --corpus C --index I
"""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import CodeType, FrameType

ROOT = str(Path(__file__).resolve().parent.parent) + "/"
# Without schedstat, a thread whose innermost Python frame is one of these is taken to be
# waiting: a lock, a queue, the selector, a blocking socket read, a sleep, or uvicorn's uvloop
# (C code under asyncio's runner, which shows no Python frame while it waits for events).
IDLE_LEAVES = {
    ("threading.py", "wait"),
    ("threading.py", "_wait_for_tstate_lock"),
    ("selectors.py", "select"),
    ("queue.py", "get"),
    ("thread.py", "_worker"),
    ("socket.py", "accept"),
    ("runners.py", "run"),
    ("sync.py", "read"),  # httpcore's blocking socket read
    ("utils.py", "check_for_cancel"),  # gradio_client: sleeps in a loop
    ("bench_sampler.py", "_run"),
}


_NAMES: dict[CodeType, tuple[str, str, str]] = {}


def _where(frame: FrameType) -> tuple[str, str, str]:
    """(file name, function, "function (path:line)") of a frame, cached per code object so
    that sampling stays cheap."""
    code = frame.f_code
    known = _NAMES.get(code)
    if known is None:
        filename = re.sub(r"^.*/lib/python3\.\d+/(site-packages/)?", "", code.co_filename)
        filename = filename.removeprefix(ROOT)
        known = (filename.rsplit("/", 1)[-1], code.co_name,
                 f"{code.co_name} ({filename}:{code.co_firstlineno})")
        _NAMES[code] = known
    return known


def _cpu_ns(native_id: int | None) -> int | None:
    """Nanoseconds a thread has spent on a CPU (the kernel's schedstat), or None."""
    if native_id is None:
        return None
    try:
        with open(f"/proc/self/task/{native_id}/schedstat", "rb") as handle:
            return int(handle.read().split()[0])
    except (OSError, IndexError, ValueError):
        return None


class StackSampler:
    """Samples every other thread's stack every `interval` seconds while started, and charges
    each thread's CPU time since its last sample to the stack it is in now (a CPU profile of
    every thread). Without schedstat, each sample of a thread not idling counts as one unit."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reset()

    def reset(self) -> None:
        self.samples = 0
        self.cpu = Counter[str]()  # thread role -> CPU charged (ns, or samples without schedstat)
        self.seen = Counter[str]()  # thread role -> samples
        self.inclusive = Counter[str]()  # function -> CPU charged with it on the stack
        self.leaf = Counter[str]()  # function -> CPU charged with it innermost
        self.threads: set[int] = set()
        self.unit = "ns" if _cpu_ns(threading.get_native_id()) is not None else "samples"
        self.started = time.perf_counter()

    def start(self) -> None:
        if self._thread is not None:
            return
        self.reset()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> dict:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        return self.result()

    def _run(self) -> None:
        own = threading.get_ident()
        names: dict[int | None, str] = {}
        natives: dict[int | None, int | None] = {}
        last: dict[int, int] = {}
        while not self._stop.wait(self.interval):
            for thread in threading.enumerate():
                names[thread.ident], natives[thread.ident] = thread.name, thread.native_id
            self.samples += 1
            for ident, frame in sys._current_frames().items():
                if ident == own:
                    continue
                role = "main thread" if names.get(ident) == "MainThread" else "other threads"
                self.seen[role] += 1
                self.threads.add(ident)
                file, function, label = _where(frame)
                if self.unit == "samples":  # no schedstat: a sample not idling counts one
                    weight = 0 if (file, function) in IDLE_LEAVES else 1
                else:
                    now = _cpu_ns(natives.get(ident))
                    if now is None:  # a thread born or gone since the list was read
                        continue
                    weight, last[ident] = now - last.get(ident, now), now
                if weight <= 0:
                    continue
                self.cpu[role] += weight
                self.leaf[label] += weight
                stack: set[str] = set()
                walker: FrameType | None = frame
                while walker is not None:
                    stack.add(_where(walker)[2])
                    walker = walker.f_back
                for entry in stack:
                    self.inclusive[entry] += weight

    def result(self, top: int = 20) -> dict:
        total = sum(self.cpu.values()) or 1
        scale = 1e-9 if self.unit == "ns" else self.interval
        return {
            "seconds": round(time.perf_counter() - self.started, 2),
            "samples": self.samples,
            "interval_ms": self.interval * 1000,
            "thread_count": len(self.threads),
            "cpu_measured": self.unit == "ns",
            "threads": {
                role: {"samples": self.seen[role], "cpu_s": round(self.cpu[role] * scale, 2)}
                for role in self.seen
            },
            "inclusive": [
                {"function": f, "share": round(n / total, 3)}
                for f, n in self.inclusive.most_common(top)
            ],
            "leaf": [
                {"function": f, "share": round(n / total, 3)} for f, n in self.leaf.most_common(top)
            ],
        }


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    otbot_args = argv[argv.index("--") + 1 :]
    out.mkdir(parents=True, exist_ok=True)
    sampler = StackSampler()
    dumps = [0]

    def start(*_: object) -> None:
        sampler.start()

    def dump(*_: object) -> None:
        dumps[0] += 1
        result = sampler.stop()
        (out / f"profile-{dumps[0]}.json").write_text(json.dumps(result, indent=1))

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, dump)
    from bot.app.cli import main as otbot

    return int(otbot(otbot_args) or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
