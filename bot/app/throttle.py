"""Failed-login throttling: a client that keeps guessing is locked out for a while.

Per client (the app passes the visitor's address), `max_failures` failed attempts within `window`
seconds lock that client out for `lockout` seconds, during which even the right password is
refused; other clients are not affected. Kept in memory: a restart forgets, which is fine for
slowing guessing down.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class LoginThrottle:
    def __init__(
        self,
        max_failures: int = 5,
        window: float = 300.0,
        lockout: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds `client` must wait before it may try again (0: it may try now)."""
        with self._lock:
            return max(0.0, self._locked_until.get(client, 0.0) - self.clock())

    def failed(self, client: str) -> None:
        """Count a failed attempt; lock the client out once it has failed too often."""
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < self.window]
            recent.append(now)
            self._failures[client] = recent
            if len(recent) >= self.max_failures:
                self._locked_until[client] = now + self.lockout
                self._failures[client] = []

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
