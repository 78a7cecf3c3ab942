# SPDX-License-Identifier: Apache-2.0
"""physec_xcode_257b (RTL) == physec.xcode257.transcode_257b (model), bit for bit.

cocotb tests (run by ``test_xcode_257b_runner`` below, one build per simulator
and LATENCY):

* ``random_stream``: PHYSEC_NBLOCKS groups of four 66b blocks (default 100,000
  under Verilator), seed PHYSEC_SEED, random in_valid bubbles; stimulus and
  expected output precomputed with the model; out_valid must be in_valid
  delayed by LATENCY.
* ``directed_types``: each of the 11 block types at each position, all-data,
  all-EBLOCK, invalid sync headers and unknown types at each position.
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
from physec.pcs66 import Blocks66
from physec.xcode257 import transcode_257b

TOPLEVEL = "physec_xcode_257b"
SOURCES = ["rtl/pcs/physec_pcs_pkg.sv", "rtl/common/physec_pipe.sv", "rtl/xcode257/physec_xcode_257b.sv"]


def _expected(sh, pl) -> list[int]:
    return transcode_257b(Blocks66(sh.reshape(-1), pl.reshape(-1))).to_ints()


async def _run(dut, sh, pl, valid, latency, rng=None):
    ins = T.groups_to_ints(sh, pl)
    exp = _expected(sh, pl)
    idle = [int(v) for v in T.groups_to_ints(*T.gen_tx_groups(rng, 64))] if rng is not None else [0]
    await T.reset_dut(dut)
    out_valid, got, cycles, secs = await T.drive_stream(
        dut, "in_blocks", ins, valid, ["out_block"], latency, idle_values=idle)
    T.check_valid_sequence(valid, out_valid, latency)
    T.check_ints("out_block (tx_xcoded<256:0>)", exp, got["out_block"], 257)
    fcov.sample("xcode257.tx", fcov.xcode_tx_bins(sh, pl, got["out_block"]))
    return cycles, secs


@cocotb.test()
async def random_stream(dut):
    latency = T.env_int("PHYSEC_LATENCY", 1)
    n = T.env_int("PHYSEC_NBLOCKS", 100_000)
    seed = T.seed()
    dut._log.info("random_stream: seed PHYSEC_SEED=%d, %d groups, LATENCY=%d", seed, n, latency)
    rng = np.random.default_rng(seed)
    sh, pl = T.gen_tx_groups(rng, n)
    T.check_coverage(dut._log, T.tx_coverage(sh, pl))
    valid = T.valid_pattern(rng, n, 0.75)
    cycles, secs = await _run(dut, sh, pl, valid, latency, rng)
    dut._log.info("random_stream: PASS %d groups, %d cycles simulated in %.2f s = %.0f cycles/s",
                  n, cycles, secs, cycles / secs)


@cocotb.test()
async def directed_types(dut):
    latency = T.env_int("PHYSEC_LATENCY", 1)
    rng = np.random.default_rng(T.seed() + 1)
    sh, pl = T.directed_tx_groups(rng)
    await _run(dut, sh, pl, [1] * len(sh), latency)
    dut._log.info("directed_types: PASS %d groups", len(sh))


# --------------------------------------------------------------------------- pytest

@pytest.mark.parametrize("sim,latency", [
    pytest.param("verilator", 1, id="verilator-L1"),
    pytest.param("verilator", 3, id="verilator-L3"),
    pytest.param("icarus", 1, id="icarus-L1"),
])
def test_xcode_257b_runner(sim, latency):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    n = T.default_nblocks(sim)
    T.run_cocotb(TOPLEVEL, SOURCES, "test_xcode_257b", Path(__file__).parent,
                 parameters={"LATENCY": latency}, sim=sim,
                 extra_env={"PHYSEC_NBLOCKS": n, "PHYSEC_LATENCY": latency,
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
