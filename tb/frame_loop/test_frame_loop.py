# SPDX-License-Identifier: Apache-2.0
"""RTL physec_frame_tx -> RTL physec_frame_rx loopback recovers the exact 257b stream.

The client offers unique random 257b blocks at the nominal rate offset by PHYSEC_PPM;
the receiver locks on frame 1 (frame 0 completes the AM search) and must then emit
exactly the blocks the model's transmitter put into frames 1.. (physec.frame.FrameTx),
with every frame usable and no error block.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import cocotb
import numpy as np
import pytest

import physec_tb as T
from physec.frame import FrameTx
from physec.gmp import client_valid
from physec.pad import Pad
from physec.profile import get_profile
from physec.xcode257 import Blocks257

TOPLEVEL = "physec_frame_loop_tb"
SOURCES = ["rtl/frame/physec_profile_pkg.sv", "rtl/common/physec_crc_pkg.sv", "rtl/common/physec_pipe.sv",
           "rtl/common/physec_sdp_ram.sv", "rtl/frame/physec_gmp_map.sv", "rtl/frame/physec_framer.sv", "rtl/frame/physec_slot_gearbox.sv",
           "rtl/frame/physec_frame_tx.sv", "rtl/frame/physec_aligner.sv", "rtl/frame/physec_gmp_demap.sv", "rtl/frame/physec_rx_counters.sv",
           "rtl/frame/physec_frame_rx.sv", "tb/frame_loop/physec_frame_loop_tb.sv"]
P = get_profile("100g")


@cocotb.test()
async def loopback(dut):
    from cocotb.clock import Clock
    from cocotb.triggers import FallingEdge

    n_frames, ppm = T.env_int("PHYSEC_FRAMES", 16), T.env_int("PHYSEC_PPM", 0)
    rng = np.random.default_rng(T.seed())
    W = P.words_per_frame
    valid = client_valid(P, n_frames + 1, ppm).astype(bool)     # one frame more: the RX streams
    client = Blocks257(np.ones(int(valid.sum()), np.uint8),
                       rng.integers(0, 2**63, (int(valid.sum()), 4), dtype=np.uint64) * 2 + 1)
    ftx = FrameTx(P, client)
    model = [ftx.frame(valid[t * W:(t + 1) * W]) for t in range(n_frames + 1)]
    ci = client.to_ints()
    expect = [ci[i] for f in model[1:] for i in f.map.slots]
    whole = sum(len(f.map.slots) for f in model[1:n_frames])           # frames 1 .. n-1 in full
    pads = [int.from_bytes(Pad(pn=t).encode(P.pad_bytes), "big") for t in range(n_frames + 1)]
    dut._log.info("loopback: %d frames, client %+d ppm, seed %d", n_frames, ppm, T.seed())

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    fe = FallingEdge(dut.clk)
    dut.rst.value = 1
    dut.client_valid.value = 0
    dut.client_block.value = 0
    dut.pad.value = pads[0]
    for _ in range(3):
        await fe
    got, usable, k = [], [], 0
    t0 = time.perf_counter()
    for c in range(n_frames * W + 64):
        await fe
        if c == 0:
            dut.rst.value = 0
        if int(dut.blk_valid.value):
            got.append(int(dut.blk.value))
        if int(dut.st_valid.value):
            usable.append(int(dut.st_usable.value))
        v = bool(valid[c])
        dut.client_valid.value = int(v)
        if v:
            dut.client_block.value = ci[k]
            k += 1
        if c % W == 0:
            dut.pad.value = pads[min(c // W + 1, n_frames)] if c else pads[0]
    secs = time.perf_counter() - t0
    assert int(dut.locked.value) == 1, "receiver did not lock on the RTL transmitter"
    assert all(usable) and len(usable) >= n_frames - 2, f"frame usable flags {usable}"
    assert int(dut.cnt_error_blocks.value) == 0, "error blocks emitted on a clean loopback"
    n = len(got)
    assert whole <= n <= len(expect), f"{n} blocks came out, expected {whole} .. {len(expect)}"
    bad = next((i for i, (g, e) in enumerate(zip(got, expect)) if g != e), None)
    assert bad is None, f"block {bad}: RTL {got[bad]:065x}, model {expect[bad]:065x}"
    dut._log.info("loopback: PASS %d blocks over %d frames bit for bit; %d clocks in %.1f s = %.0f clocks/s",
                  n, len(usable), n_frames * W, secs, n_frames * W / secs)


@pytest.mark.parametrize("ppm", [-200, 200])
def test_frame_loop_runner(ppm):
    T.run_cocotb(TOPLEVEL, SOURCES, "test_frame_loop", Path(__file__).parent, build_name=f"verilator-{ppm}",
                 extra_env={"PHYSEC_PPM": ppm, "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
