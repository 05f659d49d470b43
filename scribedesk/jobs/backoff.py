"""Exponential backoff with jitter, honouring a server's Retry-After; remembers when trouble began."""

from __future__ import annotations

import random
import time

BACKOFF_MAX = 30.0


class Backoff:
    def __init__(self, base: float = 1.0, ceiling: float = BACKOFF_MAX) -> None:
        self.base = base
        self.ceiling = ceiling
        self.attempt = 0
        self.since: float | None = None

    def reset(self) -> None:
        """Things work again: the next trouble starts a new count."""
        self.attempt = 0
        self.since = None

    def elapsed(self) -> float:
        """Seconds since the first failure of this run of failures (starts the clock)."""
        if self.since is None:
            self.since = time.monotonic()
        return time.monotonic() - self.since

    def next(self, retry_after: float | None = None) -> float:
        """Seconds to wait before the next attempt."""
        self.elapsed()
        self.attempt += 1
        if retry_after is not None:
            return max(0.0, retry_after)
        ceiling = min(self.ceiling, self.base * 2 ** (self.attempt - 1))
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))
