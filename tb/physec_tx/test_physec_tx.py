# SPDX-License-Identifier: Apache-2.0
"""physec_tx (RTL) == the model's transmit chain, bit for bit, and the model receiver
recovers the traffic from the RTL's line.

Per scenario: Ethernet traffic (physec.traffic.default_traffic) through the model PCS
(``pcs_tx`` with the vector sets' idle lead) gives 66b groups, offered to the RTL on the
schedule ``physec.gmp.client_valid`` at the scenario's ppm; the key is installed after
reset and activated after frame 0's start (frame 0 leaves blank).  Checked afterwards:

* every line word of every frame against the model (chainlib.model_tx: transcode_257b ->
  FrameTx with the schedule one clock later -> SecTx from frame 1 on; frame 0 blank),
  first mismatch reported as frame, word and field;
* latency: line_valid from clock TX_LATENCY = 12 after reset, line_sof of frame t exactly in
  clock 6 + 2570 t;
* the per-frame record (PAD fields, Cm, MFAS) 2 clocks after each line_sof, the FIFO
  underflow/overflow counters against the model's mapper, cnt_frames, no alarm or error;
* the model receiver (deframe with SecRx cut-through -> pcs_rx decode) on the RTL's line
  delivers every transmitted Ethernet frame, good, in order.

Scenarios: ppm_0 (encrypt), ppm_p200 (encrypt), ppm_m200 (authenticate only): 20 Ethernet
frames each (5 line frames); PHYSEC_REGRESS=1: 120 frames each.

Environment: PHYSEC_SEED (default physec_tb.DEFAULT_SEED), PHYSEC_REGRESS.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import cocotb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "chain"))

import chainlib as C  # noqa: E402
import physec_tb as T  # noqa: E402
from physec.pad import MODE_AUTH, MODE_ENCRYPT  # noqa: E402
from physec.pcs import pcs_rx  # noqa: E402

SCENARIOS = {"ppm_0": (0.0, MODE_ENCRYPT), "ppm_p200": (200.0, MODE_ENCRYPT), "ppm_m200": (-200.0, MODE_AUTH)}


async def run_tx(dut, name: str):
    ppm, mode = SCENARIOS[name]
    t0 = C.now()
    n_eth = 120 if C.regress() else 20
    src = C.tx_source(n_eth, T.seed() + int(ppm), ppm)
    key = C.make_key(f"tx-{name}", 32 if mode == MODE_ENCRYPT else 16)
    plain, expect = C.model_tx(src, key, mode)
    tab, table = C.key_table([key])
    rows = C.tx_rows(src, table, key)
    prep = C.now() - t0
    run = await C.simulate(dut, rows, tab, mode)
    frames = C.check_tx(run, expect, plain, name)
    # The model receiver on the RTL's line recovers the traffic.
    ref = C.rx_reference(C.bits_of(frames), {0: key})
    rx = pcs_rx(ref.res.blocks)
    n = C.check_ethernet(T.groups_to_ints(rx.b66.sh.reshape(-1, 4), rx.b66.pl.reshape(-1, 4)), src.traffic, name)
    C.log_run(dut, name, run, f"{len(expect)} line frames bit for bit (frame 0 blank, {mode=}), {ppm:+.0f} ppm, "
              f"latency {C.TX_LATENCY} clocks; model RX recovers {n} Ethernet frames", prep)


@cocotb.test()
async def ppm_0(dut):
    await run_tx(dut, "ppm_0")


@cocotb.test()
async def ppm_p200(dut):
    await run_tx(dut, "ppm_p200")


@cocotb.test()
async def ppm_m200(dut):
    await run_tx(dut, "ppm_m200")


def test_physec_tx_runner():
    T.run_cocotb(C.TOPLEVEL, C.SOURCES, "test_physec_tx", Path(__file__).parent, build_name="verilator",
                 parameters={"HAS_RX": 0, "NW": 65536 if not C.regress() else 262144, "NB": 2, "NF": 256},
                 extra_env={"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
