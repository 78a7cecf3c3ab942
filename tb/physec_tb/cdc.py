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
shows 1 after them.  An *episode* is a maximal stretch of time covered by busy
intervals of either side that overlap one another (one flush, or several that follow
each other before the last one ended).  The scoreboard (``match``) pairs what arrives
with what was sent, in order, and allows a loss only where a flush came between:

* every arrival is the next item sent, or a later one where each item skipped has a
  busy interval (either side) beginning after it was sent (or at that edge: the flush
  discards it) and before the arrival
  (nothing lost, duplicated or reordered except by a flush; data bit for bit);
* no item crosses a whole episode: sent before an episode began and arrived after it
  ended (no phantom, no stale entry out of a flush);
* everything sent after the last episode arrives.
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


def reset_pulse(clk: Clk, arr, t: int, ln: int):
    """Set arr (per-edge reset values of clk) to 1 for the ln edges from the first one
    after time t; returns the reset event (start, end) in ps."""
    k = (t - clk.rise(0)) // clk.period + 1
    arr[k:k + ln] = [1] * ln
    return clk.rise(k), clk.rise(k + ln)


def reset_schedule(rng, a: Clk, a_rst, b: Clk, b_rst, t_lo: int, t_hi: int, rt: int, noise: int = 1):
    """Mid-stream resets in [t_lo, t_hi): five at random times, each of one side at
    random except the third (both at once), 1..5 clocks long; two storms, each three
    pulses of 1..2 clocks on each side at random times within two handshake round trips
    rt (resets arriving while a flush is under way); and ``noise`` stretches of four
    round trips where every edge of either side has reset with probability 0.3.  Returns the events
    (side, start, end)."""
    ev = []
    for i, t in enumerate(sorted(int(x) for x in rng.integers(t_lo, t_hi, 5))):
        for side in ((0, 1) if i == 2 else (int(rng.integers(0, 2)),)):
            clk, arr = (a, a_rst) if side == 0 else (b, b_rst)
            ev.append((side, *reset_pulse(clk, arr, t, int(rng.integers(1, 6)))))
    for t in rng.integers(t_lo, t_hi - 2 * rt, 2):
        for side, (clk, arr) in enumerate(((a, a_rst), (b, b_rst))):
            for dt in rng.integers(0, 2 * rt, 3):
                ev.append((side, *reset_pulse(clk, arr, int(t + dt), int(rng.integers(1, 3)))))
    for t in rng.integers(t_lo, t_hi - 4 * rt, noise):
        for side, (clk, arr) in enumerate(((a, a_rst), (b, b_rst))):
            for k in range(len(arr)):
                if t <= clk.rise(k) < t + 4 * rt and rng.random() < 0.3:
                    ev.append((side, *reset_pulse(clk, arr, clk.rise(k) - 1, 1)))
    return ev


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


def lone_intervals(a, b):
    """The intervals of a that overlap none of b (a flush one side made alone)."""
    return [(s, e) for s, e in a if not any(max(s, s1) < min(e, e1) for s1, e1 in b)]


def episodes(a, b):
    """Merge the busy intervals of both sides into episodes (chains of overlapping
    intervals), sorted."""
    out = []
    for st, en in sorted(a + b):
        if out and st <= out[-1][1]:
            out[-1][1] = max(out[-1][1], en)
        else:
            out.append([st, en])
    return [tuple(x) for x in out]


def match(sent, got, busy, epis) -> tuple[str, list]:
    """The scoreboard of the module doc.  sent: [(time, value)] in order; got: [(time,
    value, where)] in order; busy: all busy intervals; epis: episodes(busy).  Returns
    ('' or the first violation, the index in sent of each arrival).  Narrow words repeat: an arrival
    is paired with the first item from the next one on that has its value and that the
    rules allow (only a word equal to a legal one can hide a violation)."""
    starts = sorted(s for s, _ in busy)

    def flush_between(t0, t1):            # a flush beginning at t0 discards what came at t0
        k = bisect_left(starts, t0)
        return k < len(starts) and starts[k] < t1

    def why_not(i, j, t):
        if sent[j][0] >= t:
            return "arrived before it was sent"
        if i < j and not flush_between(sent[i][0], t):     # later skipped ones: same test
            return (f"{j - i} item(s) lost before it, the first ({sent[i][1]:#x}, sent at "
                    f"{sent[i][0] / 1000:.3f} ns) with no flush in between")
        for k in range(i + 1, j):
            if not flush_between(sent[k][0], t):
                return f"item {sent[k][1]:#x} (sent at {sent[k][0] / 1000:.3f} ns) lost with no flush in between"
        for e0, e1 in epis:
            if e0 >= sent[j][0] and e1 <= t:
                return (f"sent at {sent[j][0] / 1000:.3f} ns, before the flush {e0 / 1000:.3f} .. "
                        f"{e1 / 1000:.3f} ns (a stale entry)")
        return ""

    def tail_ok(i):
        last_end = epis[-1][1] if epis else 0
        return [x for x in sent[i:] if x[0] >= last_end]

    # Greedy first (the pairing, and the message if it fails) ...
    i, pairs, msg = 0, [], ""
    for t, v, where in got:
        first = None
        j = i
        while j < len(sent) and sent[j][0] < t:
            if sent[j][1] == v:
                why = why_not(i, j, t)
                if not why:
                    break
                first = first or why
            j += 1
        else:
            if first:
                msg = f"arrival {v:#x} at {where}: {first}"
            else:
                kind = "duplicated or reordered" if any(x[1] == v for x in sent[:i]) else "corrupted or phantom"
                exp = f"{sent[i][1]:#x}" if i < len(sent) else "nothing"
                msg = f"arrival {v:#x} at {where}: expected {exp} ({kind})"
            break
        pairs.append(j)
        i = j + 1
    if not msg:
        tail = tail_ok(i)
        if not tail:
            return "", pairs
        msg = (f"{len(sent) - i} item(s) never arrived, {len(tail)} of them sent after the last "
               f"flush (first {tail[0][1]:#x} at {tail[0][0] / 1000:.3f} ns)")
    # ... then, for narrow words whose values repeat, a search over the other pairings.
    dead, stack = set(), [(0, 0, [])]
    while stack:
        g, i, path = stack.pop()
        if (g, i) in dead:
            continue
        dead.add((g, i))
        if g == len(got):
            if not tail_ok(i):
                return "", path
            continue
        t, v, _ = got[g]
        nxt = []
        j = i
        while j < len(sent) and sent[j][0] < t:
            if sent[j][1] == v and not why_not(i, j, t):
                nxt.append((g + 1, j + 1, path + [j]))
            j += 1
        stack.extend(reversed(nxt))
    return msg, pairs

def near_any(ivals, t0: int, t1: int) -> bool:
    """Does any interval meet [t0, t1]?"""
    return any(s <= t1 and e >= t0 for s, e in ivals)


def count_lt(times, t) -> int:
    return bisect_left(times, t)


def count_le(times, t) -> int:
    return bisect_right(times, t)


