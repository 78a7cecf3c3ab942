# SPDX-License-Identifier: Apache-2.0
"""physec_rx (RTL) == deframe(p, bits, SecRx(policy)) -> detranscode_257b (model), block
for block, frame for frame, verdict for verdict and counter for counter, in both policies
(store-and-forward, the reset default, and cut-through), each scenario run once per policy.

Per scenario: Ethernet traffic (default_traffic) through the model's whole transmit chain
(pcs_tx with the vector sets' idle lead -> transcode_257b -> FrameTx(p, b257, SecTx) at a
client ppm offset), an impairment applied to the line bits, a random prefix of 0..2047
bits (the line enters at a random bit offset), the stream ended where the RTL has
processed the same frames as the model (chainlib.cut), packed into 256-bit words and
played into the RTL (some scenarios with line_valid pauses), keys installed after reset,
``finish`` after the last word (deframe calls SecRx.finish).  Checked afterwards:

* every 66b group and its client_err against detranscode_257b(deframe(...).blocks);
* one frame record per processed frame: AM/OH/JC status, usable, Cm, MFAS, STAT, AN, PN,
  mode, the failure reasons on arrival, pending, released, delivered;
* one verdict per frame that was pending, against the model's final verdict;
* all frame-stage (RxCounters, incl. sec_dropped) and security (SecCounters) counters;
* clean: the Ethernet frames decoded from the RTL's 66b groups (decode_66b, mac_decode)
  are exactly the transmitted ones;
* latency (scenarios without pauses or lost frames): every 66b group leaves exactly
  RX_LATENCY[CUT_THROUGH] = 22 clocks after the line word that completes the frame word
  holding its slot's last bit (chainlib.block_latency), plus HOLD = 2570 clocks for a
  frame that store-and-forward holds for its verdict (the last frame is released at
  finish and not measured);
* store-and-forward fails closed, checked without the model: no 66b group that only
  frames the RTL itself failed (its verdict and arrival records, by PN) carried on the
  transmit side leaves the RTL, and no data block of an unreleased frame leaves the
  demapper (physec_chain_tb sf_leaks).
* each scenario's impairment has the effect it is there for (model side: a tag
  mismatch, a PAD error and drop, a replay, no pass, a loss and relock, a relative JC
  after a refused frame left "stale").

Scenarios:
  clean          ppm in [-100, 100], line_valid 90 %, 20 Ethernet frames; the idle lead
                 covers the frames up to the first plain JC after frame 1 (before it a
                 relative JC is "stale": frame 1 is never verified, spec 4.4 rule 3)
  flip_payload   one payload bit of frame 3: tag mismatch verdict; released in cut-through,
                 error blocks in store-and-forward
  flip_pad       one PN bit of frame 3's PAD: PAD invalid, frame 3 dropped (ERROR_257B),
                 frame 2's tag lost
  replay         frame 3 sent again after frame 5: replay, dropped
  wrong_key      the receiver holds another key: every tag fails, data released
  am_loss        AMs of frames 4, 5, 6 corrupted: loss of lock, relock, lost-frame error
                 blocks, the first frame after relock not predicted (dropped)
  replay_rel     0 ppm; frame 2 (JC "+1") sent again after frame 6: the copy and frame 7
                 (authentic, JC "-1", passes) follow a frame that is not verified, so
                 both are "stale" (spec 4.4 rule 3), never demapped with the copy's Cm'
                 and released
PHYSEC_REGRESS=1 runs every scenario with three times the frames.

Environment: PHYSEC_SEED (default physec_tb.DEFAULT_SEED), PHYSEC_REGRESS.
"""
from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import cocotb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "chain"))

import chainlib as C  # noqa: E402
import physec_tb as T  # noqa: E402
from physec.frame import IDLE_257B, FrameTx  # noqa: E402
from physec.gmp import GmpMapper, client_valid, jc_decode  # noqa: E402
from physec.pcs import pcs_tx  # noqa: E402
from physec.sec import CUT_THROUGH, STORE_AND_FORWARD, SecTx  # noqa: E402
from physec.xcode257 import Blocks257, detranscode_257b  # noqa: E402
from physec.traffic import default_traffic  # noqa: E402
from physec.vectorset import lead_blocks  # noqa: E402

SCENARIOS = ["clean", "flip_payload", "flip_pad", "replay", "wrong_key", "am_loss", "replay_rel"]
MIN_FRAMES = {"clean": 0, "flip_payload": 6, "flip_pad": 6, "replay": 7, "wrong_key": 4, "am_loss": 12,
              "replay_rel": 10}
PAD_POS = P_AM = C.P.am_bits                  # line bit of the PAD in a frame
MAX_LEAD_FRAMES = 8                           # clean: longer leads (Cm alternating for long) are redrawn


def first_plain_jc(ppm: float, n: int = MAX_LEAD_FRAMES + 1) -> int:
    """The first line frame t >= 2 whose JC carries Cm plainly ("same" or "new"), from the
    transmitter's Cm sequence (a function of the client valid schedule only); n if none."""
    m = GmpMapper(C.P)
    valid = client_valid(C.P, n, ppm)
    for t in range(n):
        jc = m.jc(m.map_frame(valid[t * C.W:(t + 1) * C.W]))
        if t >= 2 and jc_decode(jc, 0, False).kind in ("same", "new"):
            return t
    return n


def build(name: str, seed: int):
    """(traffic, stream bits, line_valid pattern, rx keys, note, {PN: 66b groups its line
    frame carried})."""
    rng = np.random.default_rng([seed, SCENARIOS.index(name)])
    scale = 3 if C.regress() else 1
    ppm = float(rng.uniform(-100, 100))
    lead = lead_blocks(C.P)
    if name == "clean":
        # Every Ethernet frame must come out: idle until the first plain JC after frame 1.
        while first_plain_jc(ppm) > MAX_LEAD_FRAMES:
            ppm = float(rng.uniform(-100, 100))
        lead = max(lead, first_plain_jc(ppm) * C.P.cm_init + C.P.fifo_depth)
    elif name == "replay_rel":
        ppm = 0.0                             # JCs of frames t >= 2: same, -1, +1 for t mod 3 = 0, 1, 2
    traffic = default_traffic((20 if name == "clean" else 4) * scale, seed)
    pcs = pcs_tx(traffic, lead_blocks=lead)
    n = max(MIN_FRAMES[name] * scale, math.ceil(len(pcs.b257) / C.P.cm_nominal) + 3)
    key = C.make_key(f"rx-{name}")
    ftx = FrameTx(C.P, pcs.b257, SecTx(0, key, C.LINK))
    valid = client_valid(C.P, n, ppm)
    txf = [ftx.frame(valid[t * C.W:(t + 1) * C.W]) for t in range(n)]
    lines = [f.line for f in txf]
    b257 = pcs.b257.to_ints()
    idle = IDLE_257B.to_ints()[0]              # what the client sends past its end (frame.gather_blocks)
    carried = {}
    for f in txf:
        ints = [b257[i] if i < len(b257) else idle for i in f.map.slots if i >= 0]
        b66, _ = detranscode_257b(Blocks257.from_ints(ints))
        carried[f.sec.pn] = set(T.groups_to_ints(b66.sh.reshape(-1, 4), b66.pl.reshape(-1, 4)))
    F = C.F
    note = f"{n} frames, {ppm:+.1f} ppm"
    if name == "replay":
        lines.insert(6, lines[3])
    elif name == "replay_rel":
        lines.insert(7, lines[2])
    bits = C.bits_of(lines)
    if name == "flip_payload":
        at = 3 * F + C.H + int(rng.integers(0, F - C.H))
        bits[at] ^= 1
        note += f", payload bit {at - 3 * F} of frame 3 flipped"
    elif name == "flip_pad":
        bits[3 * F + PAD_POS + 8 * 11 + 7] ^= 1                   # PN LSB (PAD byte 11)
    elif name == "am_loss":
        for k in range(4, 4 + C.P.lock_bad):
            bits[k * F + int(rng.integers(0, C.P.am_bits))] ^= 1
    off = int(rng.integers(0, 8 * C.P.word_bits))
    stream = C.cut(np.concatenate((rng.integers(0, 2, off).astype(np.uint8), bits)))
    nw = len(stream) // C.P.word_bits
    lv = T.valid_pattern(rng, nw, 0.9) if name == "clean" else [1] * nw
    keys = {0: C.make_key("another key") if name == "wrong_key" else key}
    return traffic, stream, lv, keys, f"{note}, start offset {off} bits", carried


def check_closed(run, carried: dict, name: str) -> int:
    """Store-and-forward: the 66b groups carried only by frames the RTL failed (its own
    verdict and arrival records, by PN) never leave it.  Returns how many such groups
    were checked."""
    M = (1 << 64) - 1
    failed = {v & M for v in run.vd if not (v >> 69) & 1}
    passed = {v & M for v in run.vd if (v >> 69) & 1}
    for v in run.rfr:
        _, d = C.frame_got(v)
        if "pn" in d and not d["release"] and not d["pending"]:
            failed.add(d["pn"])
        elif "pn" in d and d["release"]:
            passed.add(d["pn"])
    allowed = set().union(*(carried.get(p, set()) for p in passed))
    forbidden = set().union(*(carried.get(p, set()) for p in failed)) - allowed
    out = {v & ((1 << 264) - 1) for v in run.blk}
    leaked = forbidden & out
    assert not leaked, f"{name}: {len(leaked)} 66b groups of failed frames (PN {sorted(failed)}) left the RTL"
    return len(forbidden)


async def run_rx(dut, name: str, policy: str):
    t0 = C.now()
    traffic, stream, lv, keys, note, carried = build(name, T.seed())
    ref = C.rx_reference(stream, keys, policy=policy)
    tab, table = C.key_table(list(keys.values()))
    rows = C.rx_rows(C.pack_words(stream), lv, table, keys)
    prep = C.now() - t0
    run = await C.simulate(dut, rows, tab, policy=policy)
    name = f"{name} ({policy})"
    cnt = C.check_rx(run, ref, name)
    c, sc = ref.res.counters, ref.sec.cnt
    fr = ref.res.frames
    refused = [i for i, st in enumerate(fr) if set(st.sec.reasons) & {"PAD invalid", "replay"}]
    after = fr[refused[0] + 1] if refused and refused[0] + 1 < len(fr) else None
    sf = policy == STORE_AND_FORWARD
    assert {"clean": c.sec_dropped == 1 + sf and sc.passed >= 2, "flip_payload": sc.tag_failures == 1,
            "flip_pad": sc.pad_errors == 1 and not fr[refused[0]].delivered,
            "replay": sc.replays == 1 and not fr[refused[0]].delivered,
            "wrong_key": sc.passed == 0 and sc.tag_failures >= 2,
            "am_loss": c.lock_losses == 1 and c.lost_frames >= 1 and sc.pn_unpredicted == 2,
            "replay_rel": sc.replays == 1 and fr[refused[0]].jc.kind == "stale" and after is not None
            and (after.mfas, after.jc.kind, after.sec.verdict, after.delivered) == (7, "stale", "pass", False)
            }[name.split()[0]], f"{name}: the impairment did not act as intended: {c}, {sc}"
    extra = ""
    if name.startswith("clean"):
        extra = f", {C.check_ethernet([g & ((1 << 264) - 1) for g in run.blk], traffic, name)} Ethernet frames = sent"
    if sf:
        extra += f", {check_closed(run, carried, name)} groups of failed frames absent"
    if all(lv) and not ref.res.counters.lost_frames:
        # Store-and-forward holds the first frame that waits for its verdict for HOLD clocks,
        # and every later one as much (the buffer keeps order; reads and writes then move one
        # word per clock): frames before it leave at the cut-through latency.
        acc = [st.sec.accepted for st in ref.res.frames]
        held = [sf and any(acc[:n + 1]) for n in range(len(acc))]
        lat = C.block_latency(run, ref, C.RESET_ROWS + len(keys) + 30, held, skip_last=sf)
        assert lat == {C.RX_LATENCY[CUT_THROUGH]}, \
            f"{name}: latencies {sorted(lat)} (less {C.HOLD} for held frames), documented {C.RX_LATENCY[CUT_THROUGH]}"
        lat = {C.RX_LATENCY[STORE_AND_FORWARD if h else CUT_THROUGH] for h in held[:len(held) - sf]}
        extra += f", latency {sorted(lat)} clocks (every block)"
    C.log_run(dut, name, run, f"{note}: {len(run.blk)} groups, {len(run.rfr)} frames, counters {cnt}{extra}", prep)


@cocotb.test()
async def clean(dut):
    for policy in C.POLICIES:
        await run_rx(dut, "clean", policy)


@cocotb.test()
async def flip_payload(dut):
    for policy in C.POLICIES:
        await run_rx(dut, "flip_payload", policy)


@cocotb.test()
async def flip_pad(dut):
    for policy in C.POLICIES:
        await run_rx(dut, "flip_pad", policy)


@cocotb.test()
async def replay(dut):
    for policy in C.POLICIES:
        await run_rx(dut, "replay", policy)


@cocotb.test()
async def wrong_key(dut):
    for policy in C.POLICIES:
        await run_rx(dut, "wrong_key", policy)


@cocotb.test()
async def am_loss(dut):
    for policy in C.POLICIES:
        await run_rx(dut, "am_loss", policy)


@cocotb.test()
async def replay_rel(dut):
    for policy in C.POLICIES:
        await run_rx(dut, "replay_rel", policy)


def test_physec_rx_runner():
    T.run_cocotb(C.TOPLEVEL, C.SOURCES, "test_physec_rx", Path(__file__).parent, build_name="verilator",
                 parameters={"HAS_TX": 0, "NW": 65536 if not C.regress() else 131072,
                             "NB": 65536 if not C.regress() else 131072, "NF": 128},
                 extra_env={"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
