# SPDX-License-Identifier: Apache-2.0
"""physec_cdc_handshake: requests with a payload across unrelated clocks, with resets.

cocotb test ``requests`` (one per clock case: source/destination periods in ps,
fast-to-slow and slow-to-fast up to about 1:7, and a pair 0.15 % apart), random phase:

* stimulus: the source offers requests in bursts and idles (mostly holding src_valid
  until taken, sometimes withdrawing it), each payload = sequence number + hash; resets
  of either side at random times, once of both; at the end the source stops.
* scoreboard (physec_tb.cdc.match): the payloads delivered (dst_valid) are the payloads
  taken, in order, bit for bit, each once; one is missing only where a flush came
  between its take and the next delivery (the request a flush caught in flight), none
  arrives after a whole flush came between, none taken after the last flush is lost.
  dst_data holds the last payload between requests and is 0 after a flush.
* latency, every request away from a flush: delivered at the (N+1)-th dst_clk edge after
  the take, src_ready back after the (N+1)-th src_clk edge after that (one edge more
  only where the edge came within the metastability window), src_ready 0 in between.
* no side flushes alone, none without a reset, each ends within 4 (N + 2) (Ts + Td) of
  the last reset; src_busy implies src_ready = 0; no X after the power-up flush.

pytest runners (one build each): Verilator WIDTH 48 (metastability model on), WIDTH 1
with 3 stages, Icarus (4-state, short), and a mutant whose source ignores the
acknowledgement (it must fail).
"""
from __future__ import annotations

import bisect
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

TOPLEVEL = "physec_cdc_handshake"
RTL = ["rtl/common/physec_cdc_sync.sv", "rtl/common/physec_cdc_flush.sv"]
DUT = "rtl/common/physec_cdc_handshake.sv"

CASES = [
    ("s3100_d4700", 3100, 4700),
    ("s4700_d3100", 4700, 3100),
    ("s2000_d13900", 2000, 13900),
    ("s13900_d2000", 13900, 2000),
    ("s4000_d4006", 4000, 4006),
]


def _cases():
    names = [n for n in os.environ.get("PHYSEC_CDC_CASES", "").split(",") if n]
    return [c for c in CASES if not names or c[0] in names]


def payload(seq: int, width: int) -> int:
    lo = min(width, 16)
    h = (seq * 0x2545F4914F6CDD1D + 0x9E3779B97F4A7C15) & ((1 << 64) - 1)
    return ((seq & ((1 << lo) - 1)) | (h << lo)) & ((1 << width) - 1)


class Run:
    def __init__(self, dut, case, rng):
        self.dut = dut
        self.name, ts, td = case
        self.width = T.env_int("PHYSEC_CDC_WIDTH", 0)
        self.n = T.env_int("PHYSEC_CDC_STAGES", 0)
        self.win = T.env_int("PHYSEC_CDC_META_PS", 0)
        t0 = int(get_sim_time(unit="ps")) + 1000
        self.sc = cdc.Clk("src_clk", ts, t0)
        self.dc = cdc.Clk("dst_clk", td, t0 + cdc.pick_offset(rng, ts, td))
        slow = max(ts, td)
        total = T.env_int("PHYSEC_CDC_SLOW_CYCLES", 3000) * slow
        self.ns, self.nd = total // ts + 1, total // td + 1
        pu = t0 + (2 * self.n + 4) * slow           # power-up: both resets, 2 (N + 2) slow periods
        s_rel, d_rel = pu + int(rng.integers(0, 6)) * ts, pu + int(rng.integers(0, 6)) * td
        self.s_rst = [int(self.sc.rise(k) < s_rel) for k in range(self.ns + 2)]
        self.d_rst = [int(self.dc.rise(k) < d_rel) for k in range(self.nd + 2)]
        self.rst_events = [("src", t0, self.sc.rise(self.s_rst.index(0))),
                           ("dst", t0, self.dc.rise(self.d_rst.index(0)))]
        self.rst_events += cdc.reset_schedule(rng, self.sc, self.s_rst, self.dc, self.d_rst, pu + 20 * slow,
                                              t0 + int(0.65 * total), (self.n + 2) * (ts + td), T.env_int("PHYSEC_CDC_NOISE", 1))
        # Offers: bursts and idles; within a burst src_valid is held until taken except
        # in "withdraw" stretches, where it follows the random pattern regardless.
        self.offer = cdc.bursts(rng, self.ns + 2, float(rng.uniform(20, 200)), float(rng.uniform(5, 100)), 0.7)
        self.hold = cdc.bursts(rng, self.ns + 2, 40, 10, 1.0)
        end = t0 + int(0.85 * total)
        for k in range(self.ns + 2):
            if self.sc.rise(k) >= end:
                self.offer[k] = 0
        self.ss = {k: [] for k in ("ready", "busy")}
        self.ds = {k: [] for k in ("valid", "data", "busy")}
        self.takes = []                           # (src edge, payload)

    async def idle(self):
        dut = self.dut
        for sig, v in ((dut.src_clk, 0), (dut.dst_clk, 0), (dut.src_rst, 1), (dut.dst_rst, 1),
                       (dut.src_valid, 0), (dut.src_data, 0)):
            sig.value = v
        await Timer(self.sc.start - 500 - int(get_sim_time(unit="ps")), unit="ps")

    async def start(self):
        dut = self.dut
        await Timer(self.sc.start - int(get_sim_time(unit="ps")), unit="ps")
        self.clocks = [Clock(dut.src_clk, self.sc.period, unit="ps")]
        self.clocks[0].start(start_high=False)
        if self.dc.start > self.sc.start:
            await Timer(self.dc.start - self.sc.start, unit="ps")
        self.clocks.append(Clock(dut.dst_clk, self.dc.period, unit="ps"))
        self.clocks[1].start(start_high=False)

    def stop(self):
        for c in self.clocks:
            c.stop()

    async def source(self):
        dut = self.dut
        seq, want = 0, 0
        for k in range(self.ns):
            await FallingEdge(dut.src_clk)
            ready = cdc.val(dut.src_ready)
            self.ss["ready"].append(ready)
            self.ss["busy"].append(cdc.val(dut.src_busy))
            j = k + 1
            rst = self.s_rst[j]
            want = 1 if (want and self.hold[j]) else self.offer[j]
            dut.src_rst.value = rst
            dut.src_valid.value = want
            dut.src_data.value = payload(seq, self.width)
            if want and ready == 1 and not rst:
                self.takes.append((j, payload(seq, self.width)))
                seq, want = seq + 1, 0
        assert int(get_sim_time(unit="ps")) == self.sc.rise(self.ns - 1) + self.sc.period // 2, "src_clk edge times"

    async def destination(self):
        dut = self.dut
        for k in range(self.nd):
            await FallingEdge(dut.dst_clk)
            self.ds["valid"].append(cdc.val(dut.dst_valid))
            self.ds["data"].append(cdc.val(dut.dst_data))
            self.ds["busy"].append(cdc.val(dut.dst_busy))
            dut.dst_rst.value = self.d_rst[k + 1]
        assert int(get_sim_time(unit="ps")) == self.dc.rise(self.nd - 1) + self.dc.period // 2, "dst_clk edge times"

    def check(self, log):
        sc, dc, n, win = self.sc, self.dc, self.n, self.win
        sb = cdc.intervals(self.ss["busy"], sc)
        db = cdc.intervals(self.ds["busy"], dc)
        alone = cdc.lone_intervals(sb, db) + cdc.lone_intervals(db, sb)
        assert not alone, f"a side flushed alone: {alone[:3]} ps"
        epis = cdc.episodes(sb, db)
        rt = (n + 2) * (sc.period + dc.period)
        worst = 0.0
        for s, e in sb + db:
            assert any(r0 <= s <= r1 + 2 * rt for _, r0, r1 in self.rst_events), \
                f"a flush at {s / 1000:.3f} ns without a reset before it"
            last = max(r1 for _, _, r1 in self.rst_events if r1 <= e)
            worst = max(worst, (e - last) / rt)
            assert e - last <= 4 * rt, f"a flush ended {(e - last) / 1000:.3f} ns after the last reset"
        assert epis, "no power-up flush seen"
        ready_t = epis[0][1]
        deliveries = [(k, self.ds["data"][k]) for k, v in enumerate(self.ds["valid"]) if v == 1]
        msg, _ = cdc.match([(sc.rise(j), p) for j, p in self.takes],
                               [(dc.rise(k), p, dc.at(k)) for k, p in deliveries], sb + db, epis)
        assert not msg, msg

        # Outputs after the power-up flush: no X; busy -> not ready; dst_data holds the
        # last payload of the epoch, 0 after a flush.
        busy_all = sb + db
        for k in range(len(self.ss["ready"])):
            if sc.rise(k) >= ready_t:
                ready, busy = self.ss["ready"][k], self.ss["busy"][k]
                assert min(ready, busy) >= 0, f"X/Z on src_ready / src_busy after {sc.at(k)}"
                assert not (busy and ready), f"src_ready with src_busy after {sc.at(k)}"
        held = 0
        for k in range(len(self.ds["valid"])):
            v, data, busy = self.ds["valid"][k], self.ds["data"][k], self.ds["busy"][k]
            if dc.rise(k) < ready_t:
                continue
            assert min(v, data, busy) >= 0, f"X/Z on a destination output after {dc.at(k)}"
            if busy:
                assert not v, f"dst_valid while busy after {dc.at(k)}"
                held = 0
                continue
            if v:
                held = data
            assert data == held, f"dst_data {data:#x} after {dc.at(k)}, expected {held:#x} (held / 0 after a flush)"

        # Latency of every request away from a flush: one request is in flight at a
        # time, so its delivery is the first dst_valid after the take (no pairing needed).
        skip = 2 * rt
        ready_edges = [k for k, r in enumerate(self.ss["ready"]) if r == 1]
        deliv_t = [dc.rise(k) for k, _ in deliveries]
        checked = 0
        for j, _ in self.takes:
            t = sc.rise(j)
            if t < ready_t or cdc.near_any(busy_all, t - skip, t + skip):
                continue
            q = cdc.count_le(deliv_t, t)
            if q == len(deliveries):
                continue                                   # the end of the run
            k = deliveries[q][0]
            e1 = (t - dc.rise(0)) // dc.period + 1         # first dst edge after t
            ok = {e1 + n} | ({e1 + n + 1} if dc.rise(e1) - t < win else set())
            assert k in ok, (f"the request taken at {sc.at(j)} delivered after {dc.at(k)}, "
                             f"expected after edge {sorted(ok)} (the (N+1)-th dst_clk edge)")
            c = dc.rise(k)
            s1 = (c - sc.rise(0)) // sc.period + 1
            ok = {s1 + n} | ({s1 + n + 1} if sc.rise(s1) - c < win else set())
            q = bisect.bisect_right(ready_edges, j)
            r = ready_edges[q] if q < len(ready_edges) else None
            assert r in ok, (f"after the request taken at {sc.at(j)}, delivered after {dc.at(k)}, "
                             f"src_ready came back after src edge {r}, expected {sorted(ok)}")
            checked += 1
        n_take = len(self.takes)
        assert checked > n_take // 4, f"latency checked for only {checked} of {n_take} requests"
        log.info("%s: %d requests taken, %d delivered, %d flushed in flight in %d flushes; "
                 "latency checked for %d; the slowest flush ended %.2f (N+2)(Ts+Td) after its last reset",
                 self.name, n_take, len(deliveries), n_take - len(deliveries), len(epis) - 1, checked, worst)


@cocotb.test()
@cocotb.parametrize(case=_cases(), rep=range(T.env_int("PHYSEC_CDC_REPEAT", 1)))
async def requests(dut, case, rep):
    rng = np.random.default_rng([T.seed(), sum(map(ord, case[0])), rep])
    run = Run(dut, case, rng)
    dut._log.info("%s: Ts %d ps, Td %d ps, dst_clk offset %d ps, WIDTH %d, SYNC_STAGES %d, "
                  "metastability window %d ps", case[0], run.sc.period, run.dc.period,
                  run.dc.start - run.sc.start, run.width, run.n, run.win)
    await run.idle()
    s = cocotb.start_soon(run.source())
    d = cocotb.start_soon(run.destination())
    await run.start()
    await s
    await d
    run.stop()
    run.check(dut._log)


# --------------------------------------------------------------------------- pytest

FLUSH = "rtl/common/physec_cdc_flush.sv"
MUTANTS = {
    # The source takes the next request without waiting for the acknowledgement.
    "no_ack": [(DUT, "src_ready_q <= !s_flush && !take && ack_seen == src_tgl_q;",
                "src_ready_q <= !s_flush && !take;")],
    # The flush handshake's ack forced low during a side's own reset (an earlier design:
    # the other side takes the low for "my request was seen low" and starts the next
    # handshake on a stale acknowledgement).
    "ack_forced_low": [(FLUSH, "      ack_q  <= r_req;", "      ack_q  <= !rst[x] && r_req;")],
}


def _run(sim, params, meta_ps, mutant=None, slow_cycles=3000, cases=None, noise=1, repeat=1):
    name = f"{sim}-{T._param_string(params)}" + (f"-mut-{mutant}" if mutant else "")
    bdir = T.build_dir(Path(__file__).parent, sim, params, build_name=name)
    srcs = RTL + [DUT]
    if mutant:
        (bdir / "src").mkdir(parents=True, exist_ok=True)
        out = []
        for f in srcs:
            text = (T.REPO / f).read_text()
            for mf, old, new in MUTANTS[mutant]:
                if mf == f:
                    assert text.count(old) == 1, f"mutant {mutant}: {old!r} not found once in {f}"
                    text = text.replace(old, new)
            (bdir / "src" / Path(f).name).write_text(text)
            out.append(str(bdir / "src" / Path(f).name))
        srcs = out
    scale = 10 if os.environ.get("PHYSEC_REGRESS", "") not in ("", "0") else 1
    env = {"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED), "PHYSEC_CDC_META_PS": meta_ps,
           "PHYSEC_CDC_SLOW_CYCLES": slow_cycles * scale, "PHYSEC_CDC_CASES": ",".join(cases or []), "PHYSEC_CDC_NOISE": noise,
           "PHYSEC_CDC_REPEAT": repeat,
           "PHYSEC_CDC_WIDTH": params["WIDTH"], "PHYSEC_CDC_STAGES": params["SYNC_STAGES"]}
    plus = [f"+physec_cdc_meta={meta_ps}", f"+physec_cdc_seed={T.seed()}"] if meta_ps else []
    return T.run_cocotb(TOPLEVEL, srcs, "test_cdc_handshake", Path(__file__).parent, parameters=params,
                        sim=sim, build_name=name, extra_env=env, plusargs=plus)


@pytest.mark.parametrize("params,meta_ps", [
    pytest.param({"WIDTH": 48, "SYNC_STAGES": 2}, 350, id="verilator-W48-S2-meta"),
    pytest.param({"WIDTH": 1, "SYNC_STAGES": 3}, 0, id="verilator-W1-S3"),
])
def test_cdc_handshake_runner(params, meta_ps):
    _run("verilator", params, meta_ps)


def test_cdc_handshake_icarus():
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    _run("icarus", {"WIDTH": 16, "SYNC_STAGES": 2}, 350, slow_cycles=1000,
         cases=["s3100_d4700", "s13900_d2000", "s4000_d4006"])


# The messages of the checks that catch a broken protocol (not the stimulus sanity checks).
DETECT = r"AssertionError: (arrival 0x|.*never arrived|after the request .* src_ready came back|the request .* delivered after|a side flushed alone|a flush .*reset)"


@pytest.mark.parametrize("mutant,cases,noise,repeat", [
    ("no_ack", ["s3100_d4700", "s4700_d3100"], 1, 1),
    # A rare race (a reset on one side while the other is between two handshakes):
    # many short runs with reset noise; any one catching it is enough.
    ("ack_forced_low", [c[0] for c in CASES], 4, 6),
])
def test_cdc_handshake_mutant_fails(mutant, cases, noise, repeat):
    params = {"WIDTH": 48, "SYNC_STAGES": 2}
    with pytest.raises(AssertionError):
        _run("verilator", params, 350, mutant=mutant, slow_cycles=1000, cases=cases, noise=noise, repeat=repeat)
    log = (T.build_dir(Path(__file__).parent, "verilator", params,
                       build_name=f"verilator-{T._param_string(params)}-mut-{mutant}") / "sim.log").read_text()
    caught = re.findall(DETECT, log)
    assert caught, f"mutant {mutant}: the run failed, but not on a protocol check"
