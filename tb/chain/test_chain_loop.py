# SPDX-License-Identifier: Apache-2.0
"""RTL physec_tx -> RTL physec_rx loopback: Ethernet frames out == frames in.

Ethernet traffic through the model PCS gives 66b groups, offered to physec_tx on the
client_valid schedule at a ppm offset; its line, delayed by a random number of bits
(0..255, so the receiver must find the frame at a bit offset), feeds physec_rx; both
tops get the same key (TX: install and activation after frame 0's start; RX: install),
the receiver requires security.  Checked afterwards:

* the Ethernet frames decoded from physec_rx's 66b groups (decode_66b, mac_decode) are
  exactly the transmitted ones, all good;
* cross-check with the model: physec_rx's groups and frame records begin with exactly
  those of the model receiver (a Deframer with SecRx in the run's policy, fed the line
  and never finished, -> detranscode_257b) on the model transmitter's line
  (chainlib.model_tx) with the same bit offset; the RTL has processed one frame more than
  the model (the tail keeps the line running);
* frame 1 (the first the receiver processes) fails "PN not predicted" and is dropped;
  frame 2 may be "stale" (a relative JC after the unverified frame 1, spec 4.4 rule 3;
  it carries idle only, spec 7), at most that one; every later frame is delivered and
  every verdict that arrived passes; no err_ks or TX alarm.

Scenarios: ppm_p200, ppm_m200, 20 Ethernet frames (5 line frames) each, each in both
policies (store-and-forward, cut-through); PHYSEC_REGRESS=1: 100 frames each.

Environment: PHYSEC_SEED (default physec_tb.DEFAULT_SEED), PHYSEC_REGRESS.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import cocotb
import numpy as np
import pytest

import chainlib as C
import physec_tb as T

SCENARIOS = {"ppm_p200": 200.0, "ppm_m200": -200.0}


async def run_chain(dut, name: str, policy: str):
    ppm = SCENARIOS[name]
    t0 = C.now()
    seed = T.seed() + int(ppm)
    src = C.tx_source(100 if C.regress() else 20, seed, ppm)
    key = C.make_key(f"chain-{name}")
    _, expect = C.model_tx(src, key)
    off = int(np.random.default_rng(seed).integers(0, C.P.word_bits))
    ref = C.rx_reference(np.concatenate((np.zeros(off, np.uint8), C.bits_of([f.line for f in expect]))), {0: key},
                         policy=policy, finish=False)
    tab, table = C.key_table([key])
    rows = C.tx_rows(src, table, key, rx_keys={0: key}, tail_rows=C.W - 40)   # frame n starts, not n + 1
    prep = C.now() - t0
    run = await C.simulate(dut, rows, tab, rx_off=off, policy=policy)
    name = f"{name} ({policy})"
    assert run.flags & 0x7F == 0, \
        f"{name}: flags (RX err_buf, err_ks, TX alarm/refusals/err_ks/tag_late) {run.flags:07b}"
    assert run.sf_leaks == 0, f"{name}: data blocks of unreleased frames left the demapper"
    groups = [v & ((1 << 264) - 1) for v in run.blk]
    n_eth = C.check_ethernet(groups, src.traffic, name)
    # Cross-check with the model receiver on the model transmitter's line.
    nm = len(ref.groups)
    assert groups[:nm] == ref.groups and [(v >> 264) & 1 for v in run.blk[:nm]] == ref.err, \
        f"{name}: RTL groups differ from the model receiver's (first at " \
        f"{next((i for i, (a, b) in enumerate(zip(groups, ref.groups)) if a != b), nm)})"
    recs = [C.frame_got(v)[1] for v in run.rfr]
    nf = len(ref.res.frames)
    assert len(recs) == nf + 1, f"{name}: {len(recs)} frames processed, model {nf} (+1: the tail)"
    for t, st in enumerate(ref.res.frames):
        assert recs[t] == C.frame_expect(st), f"{name}: frame {t}: RTL {recs[t]}\n  model {C.frame_expect(st)}"
    assert recs[0]["reasons"] == ["PN not predicted"] and not recs[0]["delivered"]
    k = 2 if recs[1]["jc_kind"] == C.KIND["stale"] else 1
    assert all(r["delivered"] and r["usable"] and not r["reasons"] for r in recs[k:]), f"{name}: frame records {recs}"
    vd = [(v >> 69) & 1 for v in run.vd]
    # Every record but the first (not predicted) has its verdict, except in cut-through the
    # last one's (released on arrival; in store-and-forward its record waits for it).
    assert vd and all(vd) and len(vd) == len(recs) - (2 if policy == C.CUT_THROUGH else 1), \
        f"{name}: verdicts (pass) {vd}"
    C.log_run(dut, name, run, f"{n_eth} Ethernet frames in = out over {len(recs)} frames, {ppm:+.0f} ppm, "
              f"bit offset {off}, {len(vd)} tags verified, RTL RX = model RX on {nm} groups", prep)


@cocotb.test()
async def ppm_p200(dut):
    for policy in C.POLICIES:
        await run_chain(dut, "ppm_p200", policy)


@cocotb.test()
async def ppm_m200(dut):
    for policy in C.POLICIES:
        await run_chain(dut, "ppm_m200", policy)


def test_chain_runner():
    T.run_cocotb(C.TOPLEVEL, C.SOURCES, "test_chain_loop", Path(__file__).parent, build_name="verilator",
                 parameters={"NW": 65536 if not C.regress() else 262144, "NB": 65536 if not C.regress() else 262144,
                             "NF": 256},
                 extra_env={"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})


@pytest.mark.parametrize("top", ["physec_tx", "physec_rx"])
def test_icarus_elaborates(top, tmp_path):
    """Icarus Verilog (-g2012) compiles and elaborates each top without a warning."""
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    srcs = [str(T.REPO / s) for s in C.SOURCES if not s.startswith("tb/")]
    r = subprocess.run(["iverilog", "-g2012", "-s", top, "-o", str(tmp_path / "a.vvp"), *srcs],
                       capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(), r.stdout + r.stderr
