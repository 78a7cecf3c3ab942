# SPDX-License-Identifier: Apache-2.0
"""A progress line for long runs: work done, rate and time left, rewritten in place on
stderr when stderr is a terminal, nothing otherwise (logs and pipes stay clean)."""
from __future__ import annotations

import time


def _clock(s: float) -> str:
    s = int(s)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Progress:
    """``update(done)`` as often as convenient (drawn at most every ``every`` seconds);
    ``close()`` clears the line.  ``total`` may be None (then no percentage or ETA) or
    change between updates (an estimate that gets better).  ``stream``: where to draw
    (sys.stderr from the command line), None for no progress at all."""

    def __init__(self, what: str, total: float | None = None, unit: str = "line frames", stream=None,
                 every: float = 0.5, clock=time.monotonic):
        self.what, self.total, self.unit, self.every, self.clock = what, total, unit, every, clock
        self.stream = stream
        try:
            self.on = stream is not None and stream.isatty()
        except (AttributeError, ValueError):
            self.on = False
        self.t0 = self.last = clock()
        self.shown = False

    def update(self, done: float, total: float | None = None) -> None:
        if not self.on:
            return
        if total is not None:
            self.total = total
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        rate = done / max(now - self.t0, 1e-9)
        per_s = f"{rate:,.0f}/s" if rate >= 100 else f"{rate:.1f}/s"
        text = f"physec: {self.what}: {done:,.0f}"
        if self.total:
            left = max(self.total - done, 0) / rate if rate > 0 else 0
            text += f" of {self.total:,.0f} {self.unit} ({100 * done / self.total:.0f} %), {per_s}, " \
                    f"{_clock(left)} left"
        else:
            text += f" {self.unit}, {per_s}"
        self.stream.write("\r" + text + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


__all__ = ["Progress"]
