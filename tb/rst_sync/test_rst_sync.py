# SPDX-License-Identifier: Apache-2.0
"""physec_rst_sync: asynchronous assertion, synchronous release.

cocotb test ``pulses`` (a random clock period and phase, the clock stopped now and then):
rst_in pulses of random length (from 50 ps to many periods) at random times, not aligned
to the clock.  Every change of rst_out is recorded with its time and checked:

* assertion: rst_out is 1 at the time rst_in rises (the same time step, no clock edge
  needed; also while the clock is stopped) and stays 1 while rst_in is 1;
* release: rst_out falls only at a clk rising edge, the STAGES-th one after rst_in fell,
  or the (STAGES+1)-th where the first of them came within the metastability window
  (+physec_cdc_meta); with the clock stopped it does not fall at all;
* no other change (no glitch); rst_out is never X after the first pulse.

pytest runners (one build each): Verilator STAGES 2 and 3 (metastability model on for
3), Icarus, and two mutants that must fail: a synchronous assertion (the flops lose
their asynchronous set) and a chain one stage short.
"""
from __future__ import annotations

import os
import re
import shutil
from bisect import bisect_right
from pathlib import Path

import cocotb
import numpy as np
import pytest
from cocotb.triggers import Edge, Timer
from cocotb.utils import get_sim_time

import physec_tb as T

TOPLEVEL = "physec_rst_sync"
DUT = "rtl/common/physec_rst_sync.sv"


def now() -> int:
    return int(get_sim_time(unit="ps"))


@cocotb.test()
async def pulses(dut):
    stages = T.env_int("PHYSEC_CDC_STAGES", 2)
    win = T.env_int("PHYSEC_CDC_META_PS", 0)
    n = T.env_int("PHYSEC_CDC_PULSES", 400)
    rng = np.random.default_rng(T.seed())
    period = 2 * int(rng.integers(1000, 5000))           # even ps
    dut.clk.value = 0
    dut.rst_in.value = 1
    await Timer(int(rng.integers(1, period)), unit="ps")
    rises, changes = [], []                               # clk rising edges; (t, rst_out)
    state = {"run": True, "stop_until": -1}

    async def clock():
        # Toggles the clock itself, so that it can be held low for a while.
        while state["run"]:
            t = now()
            if t < state["stop_until"]:
                await Timer(state["stop_until"] - t, unit="ps")
                continue
            dut.clk.value = 1
            rises.append(now())
            await Timer(period // 2, unit="ps")
            dut.clk.value = 0
            await Timer(period // 2, unit="ps")

    async def monitor():
        while True:
            await Edge(dut.rst_out)
            try:
                changes.append((now(), int(dut.rst_out.value)))
            except ValueError:
                changes.append((now(), -1))

    cocotb.start_soon(clock())
    cocotb.start_soon(monitor())
    await Timer(5 * period + 7, unit="ps")
    dut.rst_in.value = 0                                  # the power-up reset ends
    await Timer((stages + 3) * period, unit="ps")
    assert int(dut.rst_out.value) == 0, "rst_out still 1 after the power-up reset"
    events = []                                           # (rise t, fall t, clock stopped?)
    stopped = 0
    for i in range(n):
        await Timer(int(rng.integers(1, 3 * period)), unit="ps")
        stop = i % 10 == 9
        if stop:                                           # hold the clock low for a while
            state["stop_until"] = now() + 30 * period
            await Timer(period, unit="ps")                 # let the current period end
        t_rise = now()
        dut.rst_in.value = 1
        await Timer(1, unit="ps")
        assert int(dut.rst_out.value) == 1, f"rst_out not 1 1 ps after rst_in rose at {t_rise} ps"
        ln = int(rng.choice([50, 300, period // 3, period, 5 * period]) + rng.integers(0, period))
        t = now() + ln                                     # never on a clock edge (a tie)
        if (t - rises[-1]) % period == 0 or t == state["stop_until"]:
            ln += 1
        await Timer(ln, unit="ps")
        t_fall = now()
        dut.rst_in.value = 0
        if stop:
            await Timer(10 * period, unit="ps")            # the clock is still stopped
            assert int(dut.rst_out.value) == 1, f"rst_out released with the clock stopped (rst_in fell at {t_fall} ps)"
            stopped += 1
        events.append((t_rise, t_fall))
        await Timer((stages + 3) * period, unit="ps")
        while now() < state["stop_until"]:
            await Timer(period, unit="ps")
        await Timer((stages + 3) * period, unit="ps")
    state["run"] = False

    # Checks from the records: every change of rst_out is explained by a pulse.
    expected = []
    for t_rise, t_fall in events:
        expected.append((t_rise, 1, {t_rise}))
        k = bisect_right(rises, t_fall)                    # first rising edge after the fall
        ok = {rises[k + stages - 1]}
        if win and rises[k] - t_fall < win:
            ok.add(rises[k + stages])
        expected.append((t_fall, 0, ok))
    got = [(t, v) for t, v in changes if t >= events[0][0]]
    assert len(got) == len(expected), (f"{len(got)} changes of rst_out for {len(events)} pulses "
                                       f"(expected {len(expected)}): a glitch or a missed release")
    late = 0
    for (t, v), (t_ref, v_ref, ok) in zip(got, expected):
        assert v == v_ref, f"rst_out went to {v} at {t} ps, expected {v_ref} (pulse edge at {t_ref} ps)"
        assert t in ok, (f"rst_out went to {v} at {t} ps; rst_in changed at {t_ref} ps, expected at "
                         f"{sorted(ok)} ps (clock edges {[r for r in rises if t_ref - period < r < t_ref + 5 * period]})")
        late += v == 0 and t != min(ok)
    dut._log.info("pulses: %d pulses (%d with the clock stopped), period %d ps, STAGES %d, window %d ps: "
                  "%d releases one edge late (metastability model)", len(events), stopped, period, stages, win, late)


# --------------------------------------------------------------------------- pytest

MUTANTS = {
    "sync_assert": [("always_ff @(posedge clk or posedge rst_in) begin", "always_ff @(posedge clk) begin")],
    "short": [("assign rst_out = sync_q[S-1];", "assign rst_out = sync_q[S-2];")],
}


def _run(sim, stages, meta_ps, mutant=None, pulses=None):
    params = {"STAGES": stages}
    name = f"{sim}-{T._param_string(params)}" + (f"-mut-{mutant}" if mutant else "")
    bdir = T.build_dir(Path(__file__).parent, sim, params, build_name=name)
    src = DUT
    if mutant:
        text = (T.REPO / DUT).read_text()
        for old, new in MUTANTS[mutant]:
            assert text.count(old) == 1, f"mutant {mutant}: {old!r} not found once"
            text = text.replace(old, new)
        (bdir / "src").mkdir(parents=True, exist_ok=True)
        src = str(bdir / "src" / Path(DUT).name)
        Path(src).write_text(text)
    scale = 10 if os.environ.get("PHYSEC_REGRESS", "") not in ("", "0") else 1
    env = {"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED), "PHYSEC_CDC_STAGES": stages,
           "PHYSEC_CDC_META_PS": meta_ps, "PHYSEC_CDC_PULSES": (pulses or 400) * scale}
    plus = [f"+physec_cdc_meta={meta_ps}", f"+physec_cdc_seed={T.seed()}"] if meta_ps else []
    T.run_cocotb(TOPLEVEL, [src], "test_rst_sync", Path(__file__).parent, parameters=params, sim=sim,
                 build_name=name, extra_env=env, plusargs=plus)
    return bdir


@pytest.mark.parametrize("stages,meta_ps", [pytest.param(2, 0, id="S2"), pytest.param(3, 300, id="S3-meta")])
def test_rst_sync_runner(stages, meta_ps):
    _run("verilator", stages, meta_ps)


def test_rst_sync_icarus():
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    _run("icarus", 2, 300, pulses=150)


@pytest.mark.parametrize("mutant,check", [
    ("sync_assert", r"rst_out not 1 1 ps after rst_in rose"),
    ("short", r"rst_out went to 0 at \d+ ps; rst_in changed"),
])
def test_rst_sync_mutant_fails(mutant, check):
    with pytest.raises(AssertionError):
        _run("verilator", 2, 0, mutant=mutant, pulses=60)
    log = (T.build_dir(Path(__file__).parent, "verilator", {"STAGES": 2},
                       build_name=f"verilator-STAGES2-mut-{mutant}") / "sim.log").read_text()
    assert re.search(check, log), f"mutant {mutant}: the run failed, but not on the check that should catch it"
