# SPDX-License-Identifier: Apache-2.0
"""physec_dexcode_257b (RTL) == physec.xcode257.detranscode_257b (model), bit for bit
(four 66b blocks and err).

cocotb tests (run by ``test_dexcode_257b_runner`` below, one build per simulator
and LATENCY):

* ``random_stream``: PHYSEC_NBLOCKS 257b blocks (default 100,000 under
  Verilator), seed PHYSEC_SEED, random in_valid bubbles: valid encodings,
  random 257-bit values, header 0 with all flags = data, invalid kept nibbles;
  out_valid must be in_valid delayed by LATENCY.
* ``directed_types``: the encodings of each of the 11 block types at each
  position (first control block or not), plus every undecodable form.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import cocotb
import numpy as np
import pytest

import physec_tb as T
from physec_tb import fcov
from physec.pcs66 import Blocks66, VALID_TYPES
from physec.xcode257 import Blocks257, detranscode_257b, transcode_257b

TOPLEVEL = "physec_dexcode_257b"
SOURCES = ["rtl/pcs/physec_pcs_pkg.sv", "rtl/common/physec_pipe.sv", "rtl/xcode257/physec_dexcode_257b.sv"]


def _expected(b257):
    b66, err = detranscode_257b(b257)
    sh = np.asarray(b66.sh).reshape(-1, 4)
    pl = np.asarray(b66.pl).reshape(-1, 4)
    return T.groups_to_ints(sh, pl), [int(e) for e in err]


async def _run(dut, b257, valid, latency, rng=None):
    ins = b257.to_ints()
    exp_blocks, exp_err = _expected(b257)
    idle = T.gen_rx_blocks(rng, 64).to_ints() if rng is not None else [0]
    await T.reset_dut(dut)
    out_valid, got, cycles, secs = await T.drive_stream(
        dut, "in_block", ins, valid, ["out_blocks", "out_err"], latency, idle_values=idle)
    T.check_valid_sequence(valid, out_valid, latency)
    T.check_ints("out_blocks (4 x tx_coded<65:0>)", exp_blocks, got["out_blocks"], 264)
    T.check_ints("out_err", exp_err, got["out_err"], 1)
    fcov.sample("xcode257.rx", fcov.xcode_rx_bins(b257, got["out_blocks"], got["out_err"]))
    return cycles, secs, sum(exp_err)


@cocotb.test()
async def random_stream(dut):
    latency = T.env_int("PHYSEC_LATENCY", 1)
    n = T.env_int("PHYSEC_NBLOCKS", 100_000)
    seed = T.seed()
    dut._log.info("random_stream: seed PHYSEC_SEED=%d, %d 257b blocks, LATENCY=%d", seed, n, latency)
    rng = np.random.default_rng(seed + 2)
    b257 = T.gen_rx_blocks(rng, n)
    T.check_coverage(dut._log, T.rx_coverage(b257))
    valid = T.valid_pattern(rng, n, 0.75)
    cycles, secs, n_err = await _run(dut, b257, valid, latency, rng)
    dut._log.info("random_stream: PASS %d blocks (%d err), %d cycles simulated in %.2f s = %.0f cycles/s",
                  n, n_err, cycles, secs, cycles / secs)


def directed_blocks(rng):
    """Encodings of the TX directed groups (every type at every position) plus
    every undecodable form: header 0 with flags 0xF, and each invalid kept
    nibble at each first-control position."""
    sh, pl = T.directed_tx_groups(rng)
    enc = transcode_257b(Blocks66(sh.reshape(-1), pl.reshape(-1)))
    assert not detranscode_257b(enc)[1].any()
    vals = enc.to_ints()
    rnd = lambda: int.from_bytes(rng.bytes(33), "little") & ((1 << 257) - 1)
    vals.append(rnd() | 1)                                      # header 1, random payloads
    vals.append((rnd() & ~1) | 0b11110)                         # header 0, flags 0xF
    valid_nibs = {t & 0xF for t in VALID_TYPES}
    for f in range(4):
        flags = (1 << f) - 1                                    # blocks 0..f-1 data, f control
        for nib in sorted(set(range(16)) - valid_nibs):
            v = rnd() & ~((1 << 5) - 1) & ~(0xF << (1 + 64 * f + 4))
            vals.append(v | (flags << 1) | (nib << (1 + 64 * f + 4)))
    return Blocks257.from_ints(vals)


@cocotb.test()
async def directed_types(dut):
    latency = T.env_int("PHYSEC_LATENCY", 1)
    rng = np.random.default_rng(T.seed() + 1)
    b257 = directed_blocks(rng)
    _, _, n_err = await _run(dut, b257, [1] * len(b257), latency)
    dut._log.info("directed_types: PASS %d blocks (%d err)", len(b257), n_err)


# --------------------------------------------------------------------------- pytest

@pytest.mark.parametrize("sim,latency", [
    pytest.param("verilator", 1, id="verilator-L1"),
    pytest.param("verilator", 3, id="verilator-L3"),
    pytest.param("icarus", 1, id="icarus-L1"),
])
def test_dexcode_257b_runner(sim, latency):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    n = T.default_nblocks(sim)
    T.run_cocotb(TOPLEVEL, SOURCES, "test_dexcode_257b", Path(__file__).parent,
                 parameters={"LATENCY": latency}, sim=sim,
                 extra_env={"PHYSEC_NBLOCKS": n, "PHYSEC_LATENCY": latency,
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
