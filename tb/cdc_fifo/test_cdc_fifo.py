# SPDX-License-Identifier: Apache-2.0
"""physec_cdc_fifo: the asynchronous FIFO at unrelated clocks, with resets mid-stream.

cocotb test ``stream`` (one per clock case: write/read periods in ps, fast-to-slow and
slow-to-fast up to about 1:7, and a pair 0.15 % apart whose phase drifts through every
alignment), each with a random phase between the clocks:

* stimulus: bursts and idles of wr_en and rd_en, part of them ignoring wr_full /
  rd_valid (so writes into a full FIFO and reads of an empty one happen); each word
  carries its sequence number and a hash of it; resets of either side at random
  times, and once of both at the same time; at the end the writer stops and the reader
  drains.
* scoreboard (physec_tb.cdc.match): the words read are the words written, in order,
  bit for bit; a word is missing only where a flush came between its write and the
  next read, none is read after a whole flush came between (no stale or phantom
  entries), and everything written after the last flush is read; no side flushes
  alone, none without a reset, and every flush ends within 4 (N + 2) (T_wr + T_rd)
  of the last reset.
* flags, every clock: levels <= DEPTH; wr_full = (wr_level == DEPTH) and rd_valid =
  (rd_level != 0) (busy: full, empty, levels 0); wr_overflow / rd_underflow exactly
  after the edges with a refused write / read; no X after the power-up flush.
* staleness, every clock away from a flush: rd_level after rd_clk edge t lies between
  (writes before t - (N+1) T_rd - window) - pops and (writes before t - N T_rd) - pops
  (counted from each side's last flush),
  wr_level likewise with the pops in T_wr: the documented latency, exactly (window =
  the metastability window, 0 with the model off).

pytest runners (one build each): Verilator at three parameter sets (metastability
model on in two), Icarus (4-state; short), and two mutants that must fail: binary
pointers (the model's random resolution breaks them) and a synchroniser one stage
short (the staleness bound catches it).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import cocotb
import numpy as np
import pytest
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer
from cocotb.utils import get_sim_time

import physec_tb as T
from physec_tb import cdc

TOPLEVEL = "physec_cdc_fifo"
RTL = ["rtl/common/physec_cdc_sync.sv", "rtl/common/physec_cdc_flush.sv"]
FIFO = "rtl/common/physec_cdc_fifo.sv"

# (name, T_wr ps, T_rd ps): even periods, gcd > 1 (physec_tb.cdc.pick_offset)
CASES = [
    ("w3100_r4700", 3100, 4700),
    ("w4700_r3100", 4700, 3100),
    ("w2000_r13900", 2000, 13900),
    ("w13900_r2000", 13900, 2000),
    ("w4000_r4006", 4000, 4006),
]


def _cases():
    names = [n for n in os.environ.get("PHYSEC_CDC_CASES", "").split(",") if n]
    return [c for c in CASES if not names or c[0] in names]


def enc(seq: int, width: int) -> int:
    """Word of sequence number seq: seq in the low bits, a hash of it above."""
    lo = min(width, 20)
    h = (seq * 0x9E3779B1 + 0x7F4A7C15) & 0xFFFFFFFFFFFF
    return ((seq & ((1 << lo) - 1)) | (h << lo)) & ((1 << width) - 1)


class Run:
    def __init__(self, dut, case, rng):
        self.dut = dut
        self.name, tw, tr = case
        self.width = T.env_int("PHYSEC_CDC_WIDTH", 0)
        self.depth = T.env_int("PHYSEC_CDC_DEPTH", 0)
        self.n = T.env_int("PHYSEC_CDC_STAGES", 0)
        self.win = T.env_int("PHYSEC_CDC_META_PS", 0)
        t0 = int(get_sim_time(unit="ps")) + 1000          # clocks low for 1 ns first
        off = cdc.pick_offset(rng, tw, tr)
        self.wc = cdc.Clk("wr_clk", tw, t0)
        self.rc = cdc.Clk("rd_clk", tr, t0 + off)
        slow = max(tw, tr)
        total = T.env_int("PHYSEC_CDC_SLOW_CYCLES", 3000) * slow
        self.nw, self.nr = total // tw + 1, total // tr + 1
        end_traffic = t0 + int(0.85 * total)
        end_resets = t0 + int(0.65 * total)
        # Power-up: both resets from the start, each released at a random edge after
        # 2 (N + 2) periods of the slower clock (physec_cdc_flush).
        pu = t0 + (2 * self.n + 4) * slow
        self.w_rst = self._resets(self.wc, self.nw, pu + int(rng.integers(0, 6)) * tw)
        self.r_rst = self._resets(self.rc, self.nr, pu + int(rng.integers(0, 6)) * tr)
        self.rst_events = [("wr", t0, self.wc.rise(self._first_low(self.w_rst))),
                           ("rd", t0, self.rc.rise(self._first_low(self.r_rst)))]
        # Mid-stream resets: each side alone at random times, both at one time, and
        # storms of short pulses while a flush is under way.
        self.rst_events += cdc.reset_schedule(rng, self.wc, self.w_rst, self.rc, self.r_rst, pu + 20 * slow,
                                              end_resets, (self.n + 2) * (tw + tr), T.env_int("PHYSEC_CDC_NOISE", 1))
        # Traffic: bursts and idles (lengths in each side's own clocks, scaled by the
        # clock ratio), some bursts ignoring wr_full / rd_valid; and windows of 2 DEPTH + 10
        # clocks of the slower side where one side stops and the other runs regardless
        # of the flags (the FIFO fills and overflows, or drains and underflows).
        sw, sr = max(1.0, tr / tw), max(1.0, tw / tr)
        self.w_en = cdc.bursts(rng, self.nw + 2, sw * float(rng.uniform(5, 40)), sw * float(rng.uniform(3, 30)), 0.9)
        self.w_obey = cdc.bursts(rng, self.nw + 2, 30, 10, 1.0)
        self.r_en = cdc.bursts(rng, self.nr + 2, sr * float(rng.uniform(5, 40)), sr * float(rng.uniform(3, 30)), 0.9)
        self.r_obey = cdc.bursts(rng, self.nr + 2, 30, 10, 1.0)
        span = (2 * self.depth + 10) * slow
        for fill in (True, False) * 2:
            t = int(rng.integers(pu, end_traffic - span))
            for clk, en, obey, on in ((self.wc, self.w_en, self.w_obey, fill), (self.rc, self.r_en, self.r_obey, not fill)):
                for k in range(len(en)):
                    if t <= clk.rise(k) < t + span:
                        en[k], obey[k] = int(on), 0
        # The end: the writer stops, the reader drains.
        for k in range(self.nw + 2):
            if self.wc.rise(k) >= end_traffic:
                self.w_en[k] = 0
        for k in range(self.nr + 2):
            if self.rc.rise(k) >= end_traffic:
                self.r_en[k], self.r_obey[k] = 1, 0
        # Records (index = edge): sampled after edge k; applied at edge k.
        self.ws = {k: [] for k in ("full", "level", "ovf", "busy")}
        self.rs = {k: [] for k in ("valid", "level", "unf", "busy")}
        self.w_app, self.r_app = [], []           # (en, rst) applied at edge k
        self.writes, self.pops = [], []           # (time ps, word)

    @staticmethod
    def _resets(clk, n, release_t):
        return [1 if clk.rise(k) < release_t else 0 for k in range(n + 2)]

    @staticmethod
    def _first_low(arr):
        return arr.index(0)

    async def idle(self):
        """Clocks low and both resets on, until 0.5 ns before t0 (the clock of the
        last test may have stopped high: its falling edge must not count)."""
        dut = self.dut
        dut.wr_clk.value = 0
        dut.rd_clk.value = 0
        dut.wr_rst.value = 1
        dut.rd_rst.value = 1
        dut.wr_en.value = 0
        dut.rd_en.value = 0
        dut.wr_data.value = 0
        self.w_app.append((0, 1))
        self.r_app.append((0, 1))
        await Timer(self.wc.start - 500 - int(get_sim_time(unit="ps")), unit="ps")

    async def start(self):
        dut = self.dut
        await Timer(self.wc.start - int(get_sim_time(unit="ps")), unit="ps")
        self.clocks = [Clock(dut.wr_clk, self.wc.period, unit="ps")]
        self.clocks[0].start(start_high=False)
        if self.rc.start > self.wc.start:
            await Timer(self.rc.start - self.wc.start, unit="ps")
        self.clocks.append(Clock(dut.rd_clk, self.rc.period, unit="ps"))
        self.clocks[1].start(start_high=False)

    def stop(self):
        for c in self.clocks:
            c.stop()

    async def writer(self):
        dut, ws = self.dut, self.ws
        seq = 0
        for k in range(self.nw):
            await FallingEdge(dut.wr_clk)
            full = cdc.val(dut.wr_full)
            ws["full"].append(full)
            ws["level"].append(cdc.val(dut.wr_level))
            ws["ovf"].append(cdc.val(dut.wr_overflow))
            ws["busy"].append(cdc.val(dut.wr_busy))
            j = k + 1
            rst = self.w_rst[j]
            en = self.w_en[j] and (full != 1 or not self.w_obey[j])
            dut.wr_rst.value = rst
            dut.wr_en.value = en
            dut.wr_data.value = enc(seq, self.width)
            self.w_app.append((en, rst))
            if en and full == 0 and not rst:
                self.writes.append((self.wc.rise(j), enc(seq, self.width)))
                seq += 1
        assert int(get_sim_time(unit="ps")) == self.wc.rise(self.nw - 1) + self.wc.period // 2, "wr_clk edge times"

    async def reader(self):
        dut, rs = self.dut, self.rs
        for k in range(self.nr):
            await FallingEdge(dut.rd_clk)
            valid = cdc.val(dut.rd_valid)
            rs["valid"].append(valid)
            rs["level"].append(cdc.val(dut.rd_level))
            rs["unf"].append(cdc.val(dut.rd_underflow))
            rs["busy"].append(cdc.val(dut.rd_busy))
            j = k + 1
            rst = self.r_rst[j]
            en = self.r_en[j] and (valid == 1 or not self.r_obey[j])
            dut.rd_rst.value = rst
            dut.rd_en.value = en
            self.r_app.append((en, rst))
            if en and valid == 1 and not rst:
                word = cdc.val(dut.rd_data)
                assert word >= 0, f"rd_data has X/Z while rd_valid = 1 at {self.rc.at(k)}"
                self.pops.append((self.rc.rise(j), word))
        assert int(get_sim_time(unit="ps")) == self.rc.rise(self.nr - 1) + self.rc.period // 2, "rd_clk edge times"

    # ------------------------------------------------------------------ checks

    def check(self, log):
        wc, rc, n, depth, win = self.wc, self.rc, self.n, self.depth, self.win
        wb = cdc.intervals(self.ws["busy"], wc)
        rb = cdc.intervals(self.rs["busy"], rc)
        alone = cdc.lone_intervals(wb, rb) + cdc.lone_intervals(rb, wb)
        assert not alone, f"a side flushed alone (no overlap with the other): {alone[:3]} ps"
        epis = cdc.episodes(wb, rb)
        rt = (n + 2) * (wc.period + rc.period)
        # Every flush starts at a reset (or within two round trips after one) and
        # ends within four round trips of the last reset.
        worst = 0.0
        for s, e in wb + rb:
            assert any(r0 <= s <= r1 + 2 * rt for _, r0, r1 in self.rst_events), \
                f"a flush at {s / 1000:.3f} ns without a reset before it"
            last = max(r1 for _, _, r1 in self.rst_events if r1 <= e)
            worst = max(worst, (e - last) / rt)
            assert e - last <= 4 * rt, \
                f"a flush ended {(e - last) / 1000:.3f} ns after the last reset (bound {4 * rt / 1000:.3f} ns)"
        assert epis, "no power-up flush seen"
        ready_t = epis[0][1]                       # end of the power-up flush

        msg, _ = cdc.match(self.writes, [(t, w, f"the rd_clk edge at {t / 1000:.3f} ns") for t, w in self.pops],
                           wb + rb, epis)
        assert not msg, msg
        lost = len(self.writes) - len(self.pops)

        # Levels count from each side's last flush (its pointer cleared).
        w_times = [t for t, _ in self.writes]
        p_times = [t for t, _ in self.pops]
        w_ends = sorted(e for _, e in wb)
        r_ends = sorted(e for _, e in rb)

        def since(times, ends, t):
            k = cdc.count_le(ends, t)
            return times[cdc.count_lt(times, ends[k - 1]):] if k else times
        busy_all = wb + rb
        skip = (n + 2) * max(wc.period, rc.period) + win
        checked_w = checked_r = 0
        ws, rs = self.ws, self.rs
        for k in range(1, len(ws["full"])):
            t = wc.rise(k)
            if t < ready_t:
                continue
            full, lvl, ovf, busy = (ws[x][k] for x in ("full", "level", "ovf", "busy"))
            assert min(full, lvl, ovf, busy) >= 0, f"X/Z on a write-side output after {wc.at(k)}"
            assert lvl <= depth, f"wr_level {lvl} > DEPTH after {wc.at(k)}"
            if busy:
                assert full == 1 and lvl == 0, f"busy: wr_full {full}, wr_level {lvl} after {wc.at(k)}"
            else:
                assert full == (lvl == depth), f"wr_full {full} with wr_level {lvl} after {wc.at(k)}"
            en, rst = self.w_app[k]
            refused = int(bool(en and ws["full"][k - 1] == 1 and not rst))
            assert ovf == refused, f"wr_overflow {ovf}, a write was {'' if refused else 'not '}refused at {wc.at(k)}"
            if cdc.near_any(busy_all, t - skip, t):
                continue
            wt, pt = since(w_times, w_ends, t), since(p_times, r_ends, t)
            nw = cdc.count_le(wt, t)
            hi = nw - cdc.count_le(pt, t - (n + 1) * wc.period - win)
            lo = nw - cdc.count_lt(pt, t - n * wc.period)
            assert lo <= lvl <= hi, (f"wr_level {lvl} after {wc.at(k)} outside [{lo}, {hi}]: "
                                     f"{nw} written, pops seen must be those more than "
                                     f"{(n + 1) * wc.period + win} ps old and none less than {n * wc.period} ps")
            checked_w += 1
        for k in range(1, len(rs["valid"])):
            t = rc.rise(k)
            if t < ready_t:
                continue
            valid, lvl, unf, busy = (rs[x][k] for x in ("valid", "level", "unf", "busy"))
            assert min(valid, lvl, unf, busy) >= 0, f"X/Z on a read-side output after {rc.at(k)}"
            assert lvl <= depth, f"rd_level {lvl} > DEPTH after {rc.at(k)}"
            assert valid == (lvl != 0), f"rd_valid {valid} with rd_level {lvl} after {rc.at(k)}"
            if busy:
                assert lvl == 0, f"busy: rd_level {lvl} after {rc.at(k)}"
            en, rst = self.r_app[k]
            refused = int(bool(en and rs["valid"][k - 1] == 0 and not rst))
            assert unf == refused, f"rd_underflow {unf}, a read was {'' if refused else 'not '}refused at {rc.at(k)}"
            if cdc.near_any(busy_all, t - skip, t):
                continue
            wt, pt = since(w_times, w_ends, t), since(p_times, r_ends, t)
            npop = cdc.count_le(pt, t)
            hi = cdc.count_lt(wt, t - n * rc.period) - npop
            lo = cdc.count_le(wt, t - (n + 1) * rc.period - win) - npop
            assert lo <= lvl <= hi, (f"rd_level {lvl} after {rc.at(k)} outside [{lo}, {hi}]: "
                                     f"{npop} popped, writes seen must be those more than "
                                     f"{(n + 1) * rc.period + win} ps old and none less than {n * rc.period} ps")
            checked_r += 1
        assert checked_w > len(ws["full"]) // 3 and checked_r > len(rs["valid"]) // 3, \
            f"too few clocks away from a flush to check ({checked_w}, {checked_r})"
        n_ovf = sum(v == 1 for v in ws["ovf"])
        n_unf = sum(v == 1 for v in rs["unf"])
        n_full = sum(v == 1 for k, v in enumerate(ws["full"]) if ws["busy"][k] == 0)
        assert n_ovf and n_unf and n_full, f"stimulus: overflows {n_ovf}, underflows {n_unf}, full clocks {n_full}"
        log.info("%s: %d written, %d read, %d flushed in %d flushes; %d overflows, %d underflows, "
                 "%d full clocks; levels checked at %d + %d clocks; the slowest flush ended %.2f (N+2)(T_wr+T_rd) "
                 "after its last reset", self.name, len(self.writes), len(self.pops), lost, len(epis) - 1,
                 n_ovf, n_unf, n_full, checked_w, checked_r, worst)


@cocotb.test()
@cocotb.parametrize(case=_cases(), rep=range(T.env_int("PHYSEC_CDC_REPEAT", 1)))
async def stream(dut, case, rep):
    rng = np.random.default_rng([T.seed(), sum(map(ord, case[0])), rep])
    run = Run(dut, case, rng)
    dut._log.info("%s: T_wr %d ps, T_rd %d ps, rd_clk offset %d ps, DEPTH %d, SYNC_STAGES %d, "
                  "metastability window %d ps", case[0], run.wc.period, run.rc.period,
                  run.rc.start - run.wc.start, run.depth, run.n, run.win)
    await run.idle()
    w = cocotb.start_soon(run.writer())         # waiting for the first falling edges
    r = cocotb.start_soon(run.reader())
    await run.start()
    await w
    await r
    run.stop()
    run.check(dut._log)


# --------------------------------------------------------------------------- pytest

# Mutants (file, old text, new text, what it breaks): each must make the test fail.
MUTANTS = {
    "binary": [(FIFO, "    return b ^ (b >> 1);", "    return b;"),
               (FIFO, "b[i] = ^(g >> i);", "b[i] = g[i];")],
    "short_sync": [("rtl/common/physec_cdc_sync.sv", "assign q = sync_q[S-1];", "assign q = sync_q[S-2];")],
}


def _sources(mutant: str | None, where: Path) -> list:
    files = RTL + [FIFO]
    if mutant is None:
        return files
    where.mkdir(parents=True, exist_ok=True)
    out = []
    for f in files:
        text = (T.REPO / f).read_text()
        for mf, old, new in MUTANTS[mutant]:
            if mf == f:
                assert text.count(old) == 1, f"mutant {mutant}: {old!r} not found once in {f}"
                text = text.replace(old, new)
        p = where / Path(f).name
        p.write_text(text)
        out.append(str(p))
    return out


def _run(sim, params, meta_ps, mutant=None, slow_cycles=None, cases=None, noise=1, repeat=1):
    name = f"{sim}-{T._param_string(params)}" + (f"-mut-{mutant}" if mutant else "")
    bdir = T.build_dir(Path(__file__).parent, sim, params, build_name=name)
    scale = 10 if os.environ.get("PHYSEC_REGRESS", "") not in ("", "0") else 1
    env = {"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED),
           "PHYSEC_CDC_META_PS": meta_ps,
           "PHYSEC_CDC_SLOW_CYCLES": (slow_cycles or 3000) * scale,
           "PHYSEC_CDC_CASES": ",".join(cases or []), "PHYSEC_CDC_NOISE": noise,
           "PHYSEC_CDC_REPEAT": repeat,
           "PHYSEC_CDC_WIDTH": params["WIDTH"], "PHYSEC_CDC_DEPTH": params["DEPTH"],
           "PHYSEC_CDC_STAGES": params["SYNC_STAGES"]}
    plus = [f"+physec_cdc_meta={meta_ps}", f"+physec_cdc_seed={T.seed()}"] if meta_ps else []
    return T.run_cocotb(TOPLEVEL, _sources(mutant, bdir / "src"), "test_cdc_fifo", Path(__file__).parent,
                        parameters=params, sim=sim, build_name=name, extra_env=env, plusargs=plus)


@pytest.mark.parametrize("sim,params,meta_ps", [
    pytest.param("verilator", {"WIDTH": 40, "DEPTH": 16, "SYNC_STAGES": 2}, 350, id="verilator-D16-S2-meta"),
    pytest.param("verilator", {"WIDTH": 12, "DEPTH": 4, "SYNC_STAGES": 3}, 0, id="verilator-D4-S3"),
    pytest.param("verilator", {"WIDTH": 8, "DEPTH": 2, "SYNC_STAGES": 2}, 350, id="verilator-D2-S2-meta"),
])
def test_cdc_fifo_runner(sim, params, meta_ps):
    _run(sim, params, meta_ps)


def test_cdc_fifo_icarus():
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    _run("icarus", {"WIDTH": 40, "DEPTH": 8, "SYNC_STAGES": 2}, 350, slow_cycles=1000,
         cases=["w3100_r4700", "w13900_r2000", "w4000_r4006"])


@pytest.mark.parametrize("mutant,meta_ps,check", [
    ("binary", 350, r"AssertionError: ((wr|rd)_level .* (outside|> DEPTH)|arrival 0x|.*never arrived)"),
    ("short_sync", 0, r"AssertionError: (rd|wr)_level .* outside"),
])
def test_cdc_fifo_mutant_fails(mutant, meta_ps, check):
    params = {"WIDTH": 40, "DEPTH": 16, "SYNC_STAGES": 2}
    with pytest.raises(AssertionError):
        _run("verilator", params, meta_ps, mutant=mutant, slow_cycles=1500, cases=["w3100_r4700", "w4700_r3100"])
    log = (T.build_dir(Path(__file__).parent, "verilator", params,
                       build_name=f"verilator-{T._param_string(params)}-mut-{mutant}") / "sim.log").read_text()
    assert re.search(check, log), f"mutant {mutant}: the run failed, but not on the check that should catch it"
