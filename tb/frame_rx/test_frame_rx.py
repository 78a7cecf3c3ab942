# SPDX-License-Identifier: Apache-2.0
"""physec_frame_rx (RTL) == physec.frame.deframe (model), bit for bit.

Each scenario builds a line with the model transmitter (``frame_tx`` over
``client_valid`` at a ppm offset, PAD placeholder), prepends a random number of
random bits (so the line enters at a random bit offset), applies impairments at the
bit level, packs it into 256-bit words (first bit = MSB) and drives one word per
clock (clean_0, grid_edge and outage add random line_valid pauses).  The RTL's 257b
blocks, its per-frame status strobes and its counters must equal
``deframe(profile, bits)``'s ``blocks``, ``frames`` and ``counters``.

Where the stream ends: the model only processes whole frames, the RTL emits a frame
as it arrives.  Frame s's last word leaves the RTL's three-word AM window with the
line word two words after its end, and the next frame's AM is looked at one word
later, so the stream is cut right there (``_cut``); the model then processes exactly
the frames the RTL does.

Scenarios (``SCENARIOS``; 16 or more frames each):
  clean_m200, clean_0, clean_p200   random start offset, ppm
  am_once           one AM corrupted: no loss of lock, frame demapped (OH CRC good)
  am_lock_bad       LOCK_BAD AMs in a row corrupted: loss, relock, lost-frame errors
  slip_insert, slip_delete   one bit inserted / deleted in a payload mid-stream
  jc_crc            a bit of JC1 flipped: JC (and OH) CRC error, then "stale" frames
  oh_crc            a reserved OH bit flipped: OH CRC error alone (AM good: usable)
  am_oh_bad         AM and OH of one frame bad: unusable, Cm' error blocks
  pause             client pause in the TX stimulus: underflow, large Cm change
  jc_kinds          JC1..JC3 rewritten (valid CRCs): +1/+2/-1/-2 at the 4-of-7
                    thresholds, pattern, stale, Cm above Pm
  false_am          AM copies in the prefix and in a lost frame's payload: failing
                    search candidates (restart at p + 1) while the lost frames' grid runs
  tick_before, tick_on   after a loss, bits cut so that the relock chain starts one bit
                    before / exactly at a lost-frame tick (q + kF + F/2): that tick does
                    not / does count
  phase_jump        a large bit loss (0.3 F): loss, relock at a new phase
  grid_edge         two losses whose relock puts the new frame's first payload bit
                    q' + H right after the end of a virtual data slot (D mod F = 257 k:
                    that slot is the last lost-frame error block) and on its last bit
                    (D mod F = 257 k - 1: it is not); spec 5.5 lost frames
  outage            the line is all zeros for five frames and loses a random number of
                    bits: four whole virtual frames and a random part of one

pytest runs three builds: Verilator with the scenarios split in two halves (for
``-n 2``) and an Icarus smoke run (clean_0 with PHYSEC_FRAMES_ICARUS = 4 transmitted
frames; Icarus does about 500 clocks/s on this design).

Environment: PHYSEC_SEED (default physec_tb.DEFAULT_SEED), PHYSEC_FRAMES (frames
transmitted per scenario, default 18), PHYSEC_FRAMES_ICARUS (default 4).
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import cocotb
import numpy as np
import pytest

import physec_tb as T
from physec_tb import fcov
from physec.crc import crc8_jc, crc16_oh
from physec.frame import am_line_bytes, deframe, frame_tx, line_bits
from physec.gmp import D_MASK, I_MASK, client_valid, jc_decode
from physec.profile import get_profile
from physec.xcode257 import Blocks257

TOPLEVEL = "physec_frame_rx"
SOURCES = ["rtl/frame/physec_profile_pkg.sv", "rtl/common/physec_crc_pkg.sv", "rtl/frame/physec_aligner.sv",
           "rtl/frame/physec_gmp_demap.sv", "rtl/frame/physec_rx_counters.sv", "rtl/frame/physec_frame_rx.sv"]

P = get_profile("100g")
F, W, WPF = P.frame_bits, P.word_bits, P.words_per_frame
OH_POS = P.am_bits + P.pad_bits                 # bit offset of the OH in a frame
AM = np.unpackbits(np.frombuffer(am_line_bytes(P), np.uint8))
KIND = {"same": 0, "+1": 1, "+2": 2, "-1": 3, "-2": 4, "new": 5, "crc": 6, "pattern": 7, "stale": 8}
COUNTERS = ["frames", "am_bad", "oh_crc_errors", "jc_crc_errors", "jc_pattern_errors", "unusable_frames",
            "lock_losses", "locks", "lost_frames", "error_blocks"]

SCENARIOS = ["clean_m200", "clean_0", "clean_p200", "am_once", "am_lock_bad", "slip_insert", "slip_delete",
             "jc_crc", "oh_crc", "am_oh_bad", "pause", "jc_kinds", "false_am", "tick_before", "tick_on",
             "phase_jump", "grid_edge", "outage"]
GROUPS = {"a": SCENARIOS[0::2], "b": SCENARIOS[1::2], "smoke": ["clean_0"]}


# --------------------------------------------------------------------------- stimulus

@dataclass
class Stim:
    name: str
    words: list                 # line words, ints, bit W-1 first
    valid: list                 # per clock line_valid
    exp: object                 # deframe() result
    labels: list = field(default_factory=list)   # per expected block: where it comes from
    note: str = ""


def _client(rng, n):
    """Random 257b blocks: the receiver does not interpret them."""
    return Blocks257(rng.integers(0, 2, n).astype(np.uint8), rng.integers(0, 1 << 64, (n, 4), dtype=np.uint64))


def _transmit(rng, n_frames, ppm=0.0, pause=None):
    valid = client_valid(P, n_frames, ppm)
    if pause:
        valid[pause[0]:pause[1]] = False
    return frame_tx(P, _client(rng, int(valid.sum())), valid)


def _flip(bits, pos):
    bits[pos] ^= 1


def _put_bytes(bits, pos, data: bytes):
    bits[pos:pos + 8 * len(data)] = np.unpackbits(np.frombuffer(data, np.uint8))


def _set_jc(bits, k, jc12: tuple, oh: bytes) -> bytes:
    """Rewrite JC1, JC2 of frame k with a valid JC3 and OH CRC-16; returns the new OH."""
    b = bytearray(oh)
    b[2], b[3] = jc12
    b[4] = crc8_jc(*jc12)
    b[-2:] = crc16_oh(bytes(b[:-2])).to_bytes(2, "big")
    _put_bytes(bits, k * F + OH_POS, bytes(b))
    return bytes(b)


def _jc12(c, ii, di):
    return c >> 6, (c & 0x3F) << 2 | ii << 1 | di


def _invert(cm_prev, mask, n, rng):
    """cm_prev with n of the 7 bits of mask inverted (random choice)."""
    bits = [b for b in range(14) if mask >> b & 1]
    x = 0
    for b in rng.choice(bits, n, replace=False):
        x |= 1 << int(b)
    return cm_prev ^ x


def _craft_jc(rng, frames, bits):
    """Rewrite the JC of frames 3..14 against the receiver's Cm' (tracked with the model's
    jc_decode; every frame here has a good AM, so usable = Cm known and <= Pm)."""
    plan = {3: ("+1", 4, 0), 4: ("+1", 3, 0), 5: ("plain",), 6: ("-2", 7, 7), 7: ("+2", 5, 4),
            8: ("-1", 0, 7), 9: ("-2", 4, 4), 10: ("new", 3000), 11: ("+1", 7, 0), 12: ("same", 2400),
            13: ("+1", 0, 7), 14: ("plain",), 15: ("-1", 3, 5)}
    cm_prev, known = 0, False
    for k in range(1, len(frames)):
        oh = frames[k].oh
        if k in plan:
            act = plan[k]
            if act[0] == "plain":
                jc = _jc12(frames[k].map.cm, 1, 1)
            elif act[0] in ("new", "same"):
                jc = _jc12(act[1], *((1, 1) if act[0] == "new" else (0, 0)))
            else:
                sign, n_i, n_d = act
                c = _invert(_invert(cm_prev, I_MASK, n_i, rng), D_MASK, n_d, rng)
                jc = _jc12(c, *((1, 0) if sign[0] == "+" else (0, 1)))
            oh = _set_jc(bits, k, jc, oh)
        r = jc_decode(oh[2:8], cm_prev, known)
        usable = r.cm is not None and 0 <= r.cm <= P.n_slots
        if usable:
            cm_prev = r.cm
        known = usable


def _cm_after(frames, lost):
    """The receiver's Cm' after each processed frame k (model jc_decode); ``lost``: the
    frames not processed (loss frame and relock candidate), after which Cm' is untrusted.
    Every processed frame here has a good AM or a good OH CRC."""
    cm, known, out = 0, False, {}
    for k in range(1, len(frames)):                 # frame 0's AM starts the first search
        if k in lost:
            known = False
            continue
        r = jc_decode(frames[k].oh[2:8], cm, known)
        known = r.cm is not None and 0 <= r.cm <= P.n_slots
        cm = r.cm if known else cm
        out[k] = cm
    return out


def _is_data(j, cm):
    """Slot j (1..Pm) carries data under Cm (spec 4.2)."""
    return (j * cm) % P.n_slots < cm


def _relocks(exp):
    """(q, q', D, Cm') for each relock after a loss: spec 5.5 lost frames."""
    lock_at = [pos for pos, ev in exp.events if ev == "lock"]
    out = []
    for qn in lock_at[1:]:
        prev = max((st for st in exp.frames if st.pos < qn), key=lambda st: st.pos)
        out.append((prev.pos, qn, qn - (prev.pos + F), prev.cm))
    return out


def _lost_blocks(d, cm):
    k = min(P.n_slots, (d % F) // P.slot_bits)
    return (d // F) * cm + k * cm // P.n_slots


def _cut(stream):
    """Cut after the word that flushes the last frame the model can finish (module doc)."""
    full = deframe(P, stream)
    for st in reversed(full.frames):
        cut = (st.pos // W + WPF + 2) * W
        if cut <= len(stream):
            return stream[:cut], st.pos
    raise AssertionError("no frame processed")


def _labels(exp):
    """Where each expected block comes from, for mismatch reports."""
    lock_at = {pos for pos, ev in exp.events if ev == "lock"}
    out, prev = [], None
    for i, st in enumerate(exp.frames):
        if prev is not None and st.pos in lock_at:
            d = st.pos - (prev.pos + F)
            n = _lost_blocks(d, prev.cm)
            out += [f"lost-frame error block {j} of {n} before frame {i} (D = {d // F} F + {d % F})"
                    for j in range(n)]
        what = "data" if st.usable else "unusable-frame error"
        out += [f"frame {i} (line bit {st.pos}, MFAS {st.mfas}) {what} block {j} of {st.blocks}"
                for j in range(st.blocks)]
        prev = st
    return out


def build(name: str, seed: int, n_frames: int) -> Stim:
    rng = np.random.default_rng([seed, SCENARIOS.index(name)])
    ppm = {"clean_m200": -200.0, "clean_p200": 200.0}.get(name, float(rng.uniform(-100, 100)))
    pause = (6 * WPF + 10, 6 * WPF + 700) if name == "pause" else None
    frames = _transmit(rng, n_frames, ppm, pause)
    bits = line_bits(frames)
    note = f"ppm {ppm:+.1f}"
    mid = int(rng.integers(20_000, F - 20_000))                     # a payload position
    if name == "am_once":
        _flip(bits, 5 * F + int(rng.integers(0, P.am_bits)))
    elif name == "am_lock_bad":
        for k in range(5, 5 + P.lock_bad):
            _flip(bits, k * F + int(rng.integers(0, P.am_bits)))
    elif name in ("jc_crc", "am_oh_bad", "oh_crc"):
        k = 4
        if name == "jc_crc":
            _flip(bits, k * F + OH_POS + 16 + int(rng.integers(0, 8)))          # JC1
        else:
            _flip(bits, k * F + OH_POS + 8 * int(rng.integers(8, 38)) + int(rng.integers(0, 8)))  # reserved
        if name == "am_oh_bad":
            _flip(bits, k * F + int(rng.integers(0, P.am_bits)))
    elif name == "jc_kinds":
        _craft_jc(rng, frames, bits)
    elif name == "false_am":
        # In the lost frame at 7 (after bad AMs at 5, 6, 7): a search candidate that dies
        # at its confirmation while the lost frames' error blocks are being emitted.
        for k in range(5, 5 + P.lock_bad):
            _flip(bits, k * F + int(rng.integers(0, P.am_bits)))
        at = 7 * F + int(rng.integers(10 * W, 100 * W))
        bits[at:at + len(AM)] = AM
    elif name in ("tick_before", "tick_on"):
        # Loss at frame 7 (last processed frame q6), first tick T1 = q7 + F/2.  Cutting
        # F/2 (+ 1) bits from frame 7's payload puts frame 8's AM, the relock chain's
        # first, at T1 (T1 - 1); frame 9 relocks.
        for k in range(5, 5 + P.lock_bad):
            _flip(bits, k * F + int(rng.integers(0, P.am_bits)))
        at = 7 * F + P.header_bits + int(rng.integers(0, 1000))
        bits = np.delete(bits, slice(at, at + F // 2 + (name == "tick_before")))
    if name in ("slip_insert", "slip_delete"):
        at = 6 * F + mid
        bits = np.insert(bits, at, rng.integers(0, 2)) if name == "slip_insert" else np.delete(bits, at)
    if name == "phase_jump":
        lose = int(0.3 * F) + int(rng.integers(0, W))
        bits = np.delete(bits, slice(6 * F + mid, 6 * F + mid + lose))
        note += f", {lose} bits lost"
    edges = []
    if name == "grid_edge":
        # Loss at frame L (bad AMs at L-2..L; q = frame L-1), x bits deleted from frame L's
        # payload: the chain starts at frame L+1, q' = frame L+2 = q + 3F - x, D = 2F - x.
        # D mod F = F - x = 257 k (exact) or 257 k - 1, slot k a data slot under Cm'.
        lost = {5, 6, 10, 11}
        cms = _cm_after(frames, lost)
        for big, exact in ((10, False), (5, True)):          # the later one first
            for f in range(big - 2, big + 1):
                _flip(bits, f * F + int(rng.integers(0, P.am_bits)))
            cm = cms[big - 1]
            k = int(rng.integers(16, P.n_slots - 8))
            while not _is_data(k, cm):
                k += 1
            r = P.slot_bits * k - (0 if exact else 1)
            at = big * F + int(rng.integers(P.header_bits, r - 1000))
            bits = np.delete(bits, slice(at, at + F - r))
            edges.insert(0, (r, k, cm))
            note += f", loss at frame {big}: D mod F = 257 * {k} - {0 if exact else 1} (Cm' {cm})"
    if name == "outage":
        # Frames 6..10 all zero (AMs bad at 6, 7, 8: loss at 8), then part of frame 11's
        # payload lost: the chain starts at frame 12, q' = frame 13, D = 5F - y.
        bits[6 * F:11 * F] = 0
        lose = int(rng.integers(1, F - P.header_bits - 1000))
        at = 11 * F + P.header_bits + int(rng.integers(0, F - P.header_bits - lose))
        bits = np.delete(bits, slice(at, at + lose))
        note += f", {lose} bits lost"
    off = int(rng.integers(0, 8 * W))
    prefix = rng.integers(0, 2, off).astype(np.uint8)
    if name == "false_am":
        off = int(rng.integers(2 * W, 8 * W))
        prefix = rng.integers(0, 2, off).astype(np.uint8)
        fa = int(rng.integers(0, off - len(AM)))
        prefix[fa:fa + len(AM)] = AM
    stream, _ = _cut(np.concatenate((prefix, bits.astype(np.uint8))))
    exp = deframe(P, stream)
    if name == "grid_edge":                 # the model must see the designed edges
        got = [(d % F, cm) for _, _, d, cm in _relocks(exp)]
        assert got == [(r, cm) for r, _, cm in edges], f"grid_edge: relocks {got}, designed {edges}"
        for r, k, cm in edges:              # slot k is data: it is the edge's (last / first missing) block
            assert k * cm // P.n_slots - (k - 1) * cm // P.n_slots == 1 and r // P.slot_bits in (k, k - 1)
    words = [int.from_bytes(r.tobytes(), "big") for r in np.packbits(stream).reshape(-1, W // 8)]
    valid = [1] * len(words)
    if name in ("clean_0", "grid_edge", "outage"):
        valid = T.valid_pattern(rng, len(words), 0.9)
        note += ", line_valid 90 %"
    return Stim(name, words, valid, exp, _labels(exp), f"{note}, start offset {off} bits")


# --------------------------------------------------------------------------- simulation

async def _run(dut, stim: Stim, tail: int = 64):
    """Drive the words; collect blocks, status strobes and the final counters.  Inputs
    change and outputs are sampled at the falling edge (race-free)."""
    from cocotb.clock import Clock
    from cocotb.triggers import FallingEdge

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    h_lv, h_lw = dut.line_valid, dut.line_word
    h_bv, h_b, h_sv = dut.blk_valid, dut.blk, dut.st_valid
    st_names = ["st_am_good", "st_oh_crc_ok", "st_jc_crc_ok", "st_jc_kind", "st_cnd_ok", "st_cnd", "st_usable",
                "st_cm", "st_mfas", "st_stat", "st_pad"]
    h_st = [getattr(dut, n) for n in st_names]
    dut.rst.value = 1
    h_lv.value = 0
    h_lw.value = 0
    for _ in range(4):
        await FallingEdge(dut.clk)
    dut.rst.value = 0
    blocks, status = [], []
    it = iter(stim.words)
    quiet, cyc = 0, 0
    n_in = len(stim.valid)
    t0 = time.perf_counter()
    while cyc < n_in or quiet < tail:
        await FallingEdge(dut.clk)
        if int(h_bv.value):
            blocks.append(int(h_b.value))
            quiet = 0
        else:
            quiet += 1
        if int(h_sv.value):
            status.append(tuple(int(h.value) for h in h_st))
        if cyc < n_in and stim.valid[cyc]:
            h_lv.value = 1
            h_lw.value = next(it)
        else:
            h_lv.value = 0
        cyc += 1
    secs = time.perf_counter() - t0
    counters = {c: int(getattr(dut, f"cnt_{c}").value) for c in COUNTERS}
    return blocks, status, counters, cyc, secs


def _hex(v, width):
    return f"{v:#0{(width + 3) // 4 + 2}x}"


def check_blocks(stim: Stim, got):
    exp = stim.exp.blocks.to_ints()
    for i, (e, g) in enumerate(zip(exp, got)):
        if e != g:
            raise AssertionError(
                f"{stim.name}: block {i} ({stim.labels[i]}) differs:\n  expected {_hex(e, 257)}\n"
                f"  got      {_hex(g, 257)}\n  xor      {_hex(e ^ g, 257)}")
    if len(exp) != len(got):
        where = stim.labels[len(got)] if len(got) < len(exp) else "after the last expected block"
        raise AssertionError(f"{stim.name}: expected {len(exp)} blocks, got {len(got)} "
                             f"(first missing/extra: {where})")


def expected_status(st):
    pad = int.from_bytes(st.pad, "big")
    return (int(st.am_good), int(st.oh_crc_ok), int(st.jc.crc_ok), KIND[st.jc.kind], int(st.jc.cnd is not None),
            st.jc.cnd, int(st.usable), st.cm, st.mfas, st.stat, pad)


def check_status(stim: Stim, got):
    names = ["am_good", "oh_crc_ok", "jc_crc_ok", "jc_kind", "cnd_ok", "cnd", "usable", "cm", "mfas", "stat", "pad"]
    exp = [expected_status(st) for st in stim.exp.frames]
    # CnD means something only when its CRC-5 holds (the model's cnd is None otherwise).
    got = [g if g[4] else g[:5] + (None,) + g[6:] for g in got]
    for i, (e, g) in enumerate(zip(exp, got)):
        if e != g:
            diff = ", ".join(f"{n}: expected {ev if ev is None else hex(ev)} got {gv if gv is None else hex(gv)}"
                             for n, ev, gv in zip(names, e, g) if ev != gv)
            raise AssertionError(f"{stim.name}: status of frame {i} (line bit {stim.exp.frames[i].pos}, "
                                 f"MFAS {stim.exp.frames[i].mfas}) differs: {diff}")
    if len(exp) != len(got):
        raise AssertionError(f"{stim.name}: expected {len(exp)} frame status strobes, got {len(got)}")


def check_counters(stim: Stim, got):
    exp = {c: getattr(stim.exp.counters, c) for c in COUNTERS}
    bad = [f"{c}: expected {exp[c]} got {got[c]}" for c in COUNTERS if exp[c] != got[c]]
    if bad:
        raise AssertionError(f"{stim.name}: counters differ: " + "; ".join(bad))


def record_coverage(status, counters):
    """Functional bins from the RTL: its per-frame status strobes (JC kind, usable, Cm,
    MFAS, STAT) and its counters."""
    names = {v: k for k, v in KIND.items()}
    kinds = [names.get(g[3], f"code {g[3]}") for g in status]
    fcov.sample("gmp.jc_rx", {k: kinds.count(k) for k in fcov.JC_RX})
    # Cm steps between consecutive (MFAS + 1) usable frames.
    steps = dict.fromkeys(fcov.MODEL["gmp.cm_step"], 0)
    for a, b in zip(status, status[1:]):
        if a[6] and b[6] and b[8] == (a[8] + 1) % 256:
            for k, v in fcov.cm_step_bins([a[7], b[7]]).items():
                steps[k] += v
    fcov.sample("gmp.cm_step", steps)
    clean = (len(status) >= 8 and all(g[6] and g[9] == 0 for g in status) and not counters["lock_losses"]
             and all(b[8] == (a[8] + 1) % 256 for a, b in zip(status, status[1:])))
    if clean:                                  # steady state: the client offset is measurable
        fcov.hit("gmp.ppm", fcov.ppm_bin([g[7] for g in status[1:]], P.cm_nominal))
    fcov.sample("frame_rx.counters", {c: counters[c] for c in fcov.FRAME_RX_COUNTERS})
    fcov.sample("frame_rx.lock", {"lock": counters["locks"], "loss": counters["lock_losses"],
                                  "relock": max(0, counters["locks"] - 1)})


@cocotb.test()
@cocotb.parametrize(scenario=[cocotb.Param(n, n) for n in SCENARIOS])
async def frame_rx(dut, scenario):
    seed = T.seed()
    n_frames = T.env_int("PHYSEC_FRAMES", 18)
    t0 = time.perf_counter()
    stim = build(scenario, seed, n_frames)
    t_build = time.perf_counter() - t0
    c = stim.exp.counters
    dut._log.info("%s: seed %d, %s; %d words, model: %d frames, %d blocks, counters %s (stimulus %.1f s)",
                  scenario, seed, stim.note, len(stim.words), len(stim.exp.frames), len(stim.exp.blocks),
                  {k: getattr(c, k) for k in COUNTERS if getattr(c, k)}, t_build)
    blocks, status, counters, cycles, secs = await _run(dut, stim)
    check_status(stim, status)
    check_blocks(stim, blocks)
    check_counters(stim, counters)
    record_coverage(status, counters)
    dut._log.info("%s: PASS %d blocks, %d frames; %d clocks in %.2f s = %.0f clocks/s", scenario, len(blocks),
                  len(status), cycles, secs, cycles / secs)


# --------------------------------------------------------------------------- pytest

@pytest.mark.parametrize("sim,group", [
    pytest.param("verilator", "a", id="verilator-a"),
    pytest.param("verilator", "b", id="verilator-b"),
    pytest.param("icarus", "smoke", id="icarus-smoke"),
])
def test_frame_rx_runner(sim, group):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    names = GROUPS[group]
    frames = T.env_int("PHYSEC_FRAMES_ICARUS", 4) if sim == "icarus" else T.env_int("PHYSEC_FRAMES", 18)
    T.run_cocotb(TOPLEVEL, SOURCES, "test_frame_rx", Path(__file__).parent, sim=sim,
                 build_name=f"{sim}-{group}",
                 extra_env={"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED),
                            "PHYSEC_FRAMES": frames,
                            "COCOTB_TEST_FILTER": "|".join(rf"frame_rx/scenario={n}$" for n in names)})
