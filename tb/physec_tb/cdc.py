# SPDX-License-Identifier: Apache-2.0
"""Helpers of the two-clock testbenches (tb/cdc_fifo, tb/cdc_handshake).

Time is kept in integer picoseconds.  Each domain's coroutine acts at the falling edge
of its clock: it samples the outputs that the rising edge before registered and sets
the inputs for the rising edge after, so rising edge k of a clock is at
``Clk.rise(k)`` and everything the testbench records is indexed by it.  The two clocks
get unrelated periods and a random phase, chosen so that their rising edges never fall
on the same picosecond (a tie would leave the order of the two edges to the simulator's
scheduler; a near-tie is what the metastability model of physec_cdc_sync is for).

Flush bookkeeping (physec_cdc_flush): a side is busy at the edges where its busy output
shows 1 after them; an *overlap* is a stretch of time in which both sides are busy, and
an event (a write, a pop, a take) at time t belongs to *epoch* = the number of overlaps
that began before t.  Every flush makes one overlap, so "nothing lost, duplicated or
reordered" reads: per epoch, what arrives is a prefix of what was sent, and in the last
epoch all of it.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right


class Clk:
    """A clock of ``period_ps`` (even) started low at ``start_ps``: rising edge k at
    start + period/2 + k period."""

    def __init__(self, name: str, period_ps: int, start_ps: int):
        assert period_ps % 2 == 0, f"{name}: period {period_ps} ps must be even"
        self.name, self.period, self.start = name, int(period_ps), int(start_ps)

    def rise(self, k: int) -> int:
        return self.start + self.period // 2 + k * self.period

    def at(self, k: int) -> str:
        return f"{self.name} edge {k} (t = {self.rise(k) / 1000:.3f} ns)"


def pick_offset(rng, ta: int, tb: int) -> int:
    """A random start offset of clock b (started after a) in [0, tb) such that no rising
    edge of a (a started at 0) falls on one of b: rising edges ta/2 + i ta and
    off + tb/2 + j tb meet iff gcd(ta, tb) divides their difference."""
    g = math.gcd(ta, tb)
    assert g > 1, f"periods {ta}, {tb} ps: gcd 1, every offset makes ties"
    while True:
        off = int(rng.integers(0, tb))
        if (off + tb // 2 - ta // 2) % g:
            return off


def val(handle) -> int:
    """The integer value of a signal, -1 if any bit is X or Z."""
    try:
        return int(handle.value)
    except ValueError:
        return -1


def bursts(rng, n: int, on_mean: float, off_mean: float, p_on: float):
    """n per-cycle enables: bursts (geometric lengths, mean on_mean, each cycle enabled
    with probability p_on) and idles (mean off_mean), starting at random in either."""
    import numpy as np

    out = np.zeros(n, np.uint8)
    pos, on = 0, bool(rng.integers(0, 2))
    while pos < n:
        ln = int(rng.geometric(1.0 / (on_mean if on else off_mean)))
        if on:
            out[pos:pos + ln] = rng.random(min(ln, n - pos)) < p_on
        pos += ln
        on = not on
    return out.tolist()


def intervals(flags, clk: Clk):
    """[start, end) in ps of the runs of edges k with flags[k] != 0 (X, -1, counts as
    set): the side is busy from rise(first) to rise(last + 1)."""
    out, first = [], None
    for k, f in enumerate(flags):
        if f and first is None:
            first = k
        elif not f and first is not None:
            out.append((clk.rise(first), clk.rise(k)))
            first = None
    if first is not None:
        out.append((clk.rise(first), clk.rise(len(flags))))
    return out


def overlaps(a, b):
    """Intersections of two lists of [start, end) intervals, sorted."""
    out = [(max(s0, s1), min(e0, e1)) for s0, e0 in a for s1, e1 in b if max(s0, s1) < min(e0, e1)]
    return sorted(out)


def lone_intervals(a, b):
    """The intervals of a that overlap none of b (a flush one side made alone)."""
    return [(s, e) for s, e in a if not any(max(s, s1) < min(e, e1) for s1, e1 in b)]


class Epochs:
    """Epoch of an event time: the number of overlaps that began before it."""

    def __init__(self, ovl):
        self.starts = [s for s, _ in ovl]

    def of(self, t: int) -> int:
        return bisect_left(self.starts, t)


def near_any(ivals, t0: int, t1: int) -> bool:
    """Does any interval meet [t0, t1]?"""
    return any(s <= t1 and e >= t0 for s, e in ivals)


def count_lt(times, t) -> int:
    return bisect_left(times, t)


def count_le(times, t) -> int:
    return bisect_right(times, t)


def prefix_check(what: str, sent, got, fmt=lambda v: f"{v:#x}") -> str:
    """'' if got == sent[:len(got)], else a message naming the first difference and
    what it looks like (lost, duplicated / reordered, corrupted or phantom)."""
    if len(got) > len(sent):
        return f"{what}: {len(got)} arrived, only {len(sent)} sent (phantom entries)"
    for i, (s, g) in enumerate(zip(sent, got)):
        if s != g:
            if g in sent[i + 1:]:
                kind = f"lost {sent.index(g, i + 1) - i} before it"
            elif g in sent[:i]:
                kind = "duplicated or reordered"
            else:
                kind = "corrupted or phantom"
            return f"{what}: arrival {i} is {fmt(g)}, expected {fmt(s)} ({kind})"
    return ""
