# SPDX-License-Identifier: Apache-2.0
"""GHASH RTL == the GCM model (physec.gcm), bit for bit.

Two DUTs, one cocotb module (each cocotb test runs only under its own toplevel):

``physec_gf128_mul`` against ``physec.gcm.gf_mult``, several STAGES values per
build (the wrapper ``tb_gf128_mul_stages``; MUL_STAGES below):

* ``mul_random``: every pair of the edge values (0, 1 = 1 << 127, x^127 = 1,
  all-ones, R = 0xE1 << 120, x^63, x^64, ...), each edge value times random
  values, then PHYSEC_NPAIRS random pairs (20,000 under Verilator), with random
  in_valid bubbles and garbage operands in the bubbles; out_valid must be
  in_valid delayed by STAGES.

``physec_ghash`` against ``physec.gcm.ghash(GhashKey(h), blocks)``.  Every clock
of ``out`` and ``ready`` is compared with a clock-accurate reference built from
the model's one-block GHASH step (so bubbles, holds and starts are checked too),
and the value at each message's end also with the model's whole-message ghash:

* ``ghash_random_lengths``: messages of each length 1..40 blocks, random beat
  patterns (two-block beats, one-block beats in either lane anywhere in the
  message, bubbles with garbage data), start on the first beat or as a
  separate pulse, back-to-back messages, a few H reloads in between.
* ``ghash_frame_sized``: 5136 blocks as the security stage sends them (5 AAD
  blocks as 2 + 2 + 1, 2565 ciphertext beats, the length block alone, no
  bubbles), and 5131 / 5137 / 5136 blocks with random patterns.
* ``ghash_gcm_tag``: random AES-128/256 key, IV, AAD and plaintext (and the
  frame-sized case, 80-byte AAD + 82,080-byte payload): GHASH of
  blocks_of(AAD) + blocks_of(CT) + [lengths] equals ``GcmTrace.s`` of
  ``gcm_encrypt``, and out ^ E_K(J0) equals the tag of the library's AESGCM.
* ``ghash_key_reload``: H reloads between messages (H = 0, 1, random, back to
  an earlier key), ready low for exactly the clock after h_load, beats presented
  while ready = 0 or together with h_load ignored.
"""
from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import cocotb
import pytest

import physec_tb as T
from physec.gcm import R, GcmKey, GcmTrace, GhashKey, blocks_of, gcm_encrypt, gf_mult, ghash

TB_DIR = Path(__file__).parent
PKG = "rtl/ghash/physec_gf128_pkg.sv"
MUL_SOURCES = [PKG, "rtl/ghash/physec_gf128_mul.sv"]
GHASH_SOURCES = MUL_SOURCES + ["rtl/ghash/physec_ghash.sv"]

MASK128 = (1 << 128) - 1
ONE = 1 << 127                 # the field element 1 (coefficient of x^0 = bit 127)
GHASH_LATENCY = 2              # a beat in clock c is in `out` from clock c + 2

_TOP = os.environ.get("COCOTB_TOPLEVEL", "")


# --------------------------------------------------------------------------- simulator side

async def _start_clock(dut):
    from cocotb.clock import Clock

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))


def _read(handle, what: str, cyc: int) -> int:
    try:
        return int(handle.value)
    except ValueError:
        raise AssertionError(f"{what} has X/Z bits at cycle {cyc}: {handle.value}") from None


def _edge_values() -> list[int]:
    """0, 1, x^127, all-ones, R, x^64, x^63, 1 + x^127, R + x^127, all-ones - 1."""
    return [0, ONE, 1, MASK128, R, 1 << 63, 1 << 64, ONE | 1, R | 1, MASK128 ^ ONE]


@cocotb.test(skip=_TOP != "tb_gf128_mul_stages")
async def mul_random(dut):
    import numpy as np
    from cocotb.triggers import FallingEdge

    stages_list = [int(v) for v in os.environ.get("PHYSEC_STAGES_LIST", "0,5").split(",")]
    n = T.env_int("PHYSEC_NPAIRS", 20_000)
    rng = random.Random(T.seed())
    edges = _edge_values()
    pairs = [(a, b) for a in edges for b in edges]
    pairs += [(e, rng.getrandbits(128)) for e in edges for _ in range(8)]
    pairs += [(rng.getrandbits(128), e) for e in edges for _ in range(8)]
    n_edge = len(pairs)
    pairs += [(rng.getrandbits(128), rng.getrandbits(128)) for _ in range(n)]
    valid = T.valid_pattern(np.random.default_rng(T.seed()), len(pairs), 0.85)
    dut._log.info("mul_random: STAGES %s, %d pairs (%d with edge values), seed PHYSEC_SEED=%d",
                  stages_list, len(pairs), n_edge, T.seed())

    await _start_clock(dut)
    dut.rst.value = 1
    dut.in_valid.value = 1
    for cyc in range(4):
        await FallingEdge(dut.clk)
        if cyc > 0:                   # STAGES >= 1 instances: no valid out of reset
            ov = _read(dut.out_valid, "out_valid", cyc)
            for k, st in enumerate(stages_list):
                assert st == 0 or not (ov >> k) & 1, f"out_valid = 1 during reset (STAGES={st})"
    dut.rst.value = 0
    dut.in_valid.value = 0

    # Inputs change just after a falling edge and are sampled at the next ones: a
    # combinational result shows at the next sample, a registered one STAGES later.
    h_valid, h_x, h_y, h_ov, h_z = dut.in_valid, dut.in_x, dut.in_y, dut.out_valid, dut.out_z
    k = 0
    ovs, zs = [], []
    n_cycles = len(valid) + max(stages_list) + 2
    t0 = time.perf_counter()
    for cyc in range(n_cycles):
        await FallingEdge(dut.clk)
        ov = _read(h_ov, "out_valid", cyc)
        ovs.append(ov)
        # Only the valid instances' slices need be 0/1 (pipeline data registers
        # have no reset): keep the bit string, convert per slice afterwards.
        zs.append(str(h_z.value) if ov else "")
        if cyc < len(valid) and valid[cyc]:
            h_valid.value = 1
            h_x.value, h_y.value = pairs[k]
            k += 1
        else:
            h_valid.value = 0
            h_x.value = rng.getrandbits(128)      # garbage the DUT must ignore
            h_y.value = rng.getrandbits(128)
    secs = time.perf_counter() - t0
    exp = [gf_mult(a, b) for a, b in pairs]
    width = 128 * len(stages_list)
    for k, st in enumerate(stages_list):
        out_valid = [(v >> k) & 1 for v in ovs]
        T.check_valid_sequence(valid, out_valid, max(1, st))
        got = []
        for cyc, (v, z) in enumerate(zip(out_valid, zs)):
            if v:
                bits = z[width - 128 * (k + 1):width - 128 * k]     # MSB first
                try:
                    got.append(int(bits, 2))
                except ValueError:
                    raise AssertionError(f"out_z (STAGES={st}) has X/Z bits at cycle {cyc}: {bits}") from None
        T.check_ints(f"out_z (STAGES={st})", exp, got, 128)
    dut._log.info("mul_random: PASS %d products x %d multipliers (STAGES %s), %d cycles "
                  "simulated in %.2f s = %.0f cycles/s", len(pairs), len(stages_list), stages_list,
                  n_cycles, secs, n_cycles / secs)


# ---- GHASH stimulus: one tuple per clock, built and checked in plain Python.

class Stim:
    """Clock-by-clock inputs of physec_ghash and, alongside, the expected `out` and
    `ready` of every clock (a clock-accurate reference made of the model's
    one-block step), plus the messages' end points."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cycles = []          # (h_load, h_in, start, in_valid, in_data)
        self.checks = []          # (cycle whose sample shows the end, blocks, h, name)

    def _garbage(self) -> int:
        return self.rng.getrandbits(256)

    def idle(self, n: int = 1, start: int = 0):
        for _ in range(n):
            self.cycles.append((0, self.rng.getrandbits(128), start, 0, self._garbage()))

    def load_key(self, h: int, beats_while_loading: bool = False):
        """h_load for one clock, then the clock in which ready is low.  With
        beats_while_loading, random beats ride along on both clocks (ignored)."""
        for hl in (1, 0):
            v = self.rng.choice([1, 2, 3]) if beats_while_loading else 0
            self.cycles.append((hl, h if hl else self.rng.getrandbits(128), 0, v, self._garbage()))

    def message(self, h: int, blocks: list[int], name: str, p_single: float = 0.2,
                p_bubble: float = 0.2, start_mode: str = "with", beats=None):
        """Send ``blocks`` as one message.  beats: optional list of beat sizes
        (1 or 2); otherwise random with p_single.  start_mode: "with" (start on
        the first beat) or "before" (a lone start pulse, maybe bubbles, then the
        beats without start)."""
        rng = self.rng
        if start_mode == "before":
            self.idle(1, start=1)
            if rng.random() < 0.5:
                self.idle(rng.randint(1, 3))
        if beats is None:
            beats, left = [], len(blocks)
            while left:
                k = 1 if left == 1 or rng.random() < p_single else 2
                beats.append(k)
                left -= k
        assert sum(beats) == len(blocks)
        i = 0
        for j, k in enumerate(beats):
            while rng.random() < p_bubble:
                self.idle(1)
            st = 1 if (j == 0 and start_mode == "with") else 0
            if k == 2:
                v, d = 3, blocks[i] << 128 | blocks[i + 1]
            elif rng.random() < 0.5:
                v, d = 2, blocks[i] << 128 | rng.getrandbits(128)     # X1 lane
            else:
                v, d = 1, rng.getrandbits(128) << 128 | blocks[i]     # X2 lane
            self.cycles.append((0, rng.getrandbits(128), st, v, d))
            i += k
        if not beats:                     # empty message: just the start
            if start_mode == "with":
                self.idle(1, start=1)
        self.checks.append((len(self.cycles) - 1 + GHASH_LATENCY, list(blocks), h, name))

    def expected(self):
        """(out per sampled clock, ready per sampled clock) after reset.  Sample c
        is taken just before the inputs of clock c are applied."""
        ready, pend, hk_cur, y = 0, 0, None, 0
        pipe = None                           # the registered beat: (start, blocks, hk)
        keys = {}
        exp_out, exp_ready = [], []
        for (hl, hin, st, v, d) in self.cycles:
            exp_out.append(y)
            exp_ready.append(ready)
            # clock edge: the Y stage uses the beat registered at the previous edge
            if pipe is not None:
                st_q, blks, hk = pipe
                base = 0 if st_q else y
                y = ghash(hk, blks, base) if blks else base
            accept = ready and not hl
            vv = v if accept else 0
            blks = ([d >> 128] if vv & 2 else []) + ([d & MASK128] if vv & 1 else [])
            pipe = (st, blks, hk_cur)
            if hl:
                ready, pend = 0, 1
                if hin not in keys:
                    keys[hin] = GhashKey(hin)
                hk_cur = keys[hin]
            elif pend:
                ready, pend = 1, 0
        return exp_out, exp_ready


async def _reset_ghash(dut):
    from cocotb.triggers import FallingEdge

    await _start_clock(dut)
    dut.rst.value = 1
    dut.clr.value = 0
    dut.h_load.value = 1                      # a reset must win over these
    dut.h_in.value = 0
    dut.start.value = 0
    dut.in_valid.value = 3
    dut.in_data.value = 0
    for _ in range(3):
        await FallingEdge(dut.clk)
    dut.rst.value = 0
    dut.h_load.value = 0
    dut.in_valid.value = 0


async def _run_ghash(dut, stim: Stim, what: str):
    from cocotb.triggers import FallingEdge

    stim.idle(GHASH_LATENCY + 1)              # let the last message reach `out`
    await _reset_ghash(dut)
    h_load, h_in, start, in_valid, in_data = dut.h_load, dut.h_in, dut.start, dut.in_valid, dut.in_data
    out, ready = dut.out, dut.ready
    got_out, got_ready = [], []
    t0 = time.perf_counter()
    for cyc, (hl, hin, st, v, d) in enumerate(stim.cycles):
        await FallingEdge(dut.clk)
        got_out.append(_read(out, "out", cyc))
        got_ready.append(_read(ready, "ready", cyc))
        h_load.value = hl
        h_in.value = hin
        start.value = st
        in_valid.value = v
        in_data.value = d
    secs = time.perf_counter() - t0
    n = len(stim.cycles)

    exp_out, exp_ready = stim.expected()
    for c in range(n):
        if got_ready[c] != exp_ready[c]:
            raise AssertionError(f"{what}: ready at clock {c}: expected {exp_ready[c]}, got {got_ready[c]}")
    # Message ends: the model's whole-message GHASH, against the reference and the DUT.
    for cyc, blocks, h, name in stim.checks:
        model = ghash(GhashKey(h), blocks)
        assert exp_out[cyc] == model, f"{what}: testbench reference disagrees with the model ({name})"
        if got_out[cyc] != model:
            raise AssertionError(f"{what}: GHASH of {name} ({len(blocks)} blocks, H={h:#034x}):\n"
                                 f"  expected {model:#034x}\n  got      {got_out[cyc]:#034x}")
    T.check_ints(f"{what}: out per clock", exp_out, got_out, 128)
    dut._log.info("%s: PASS %d messages, %d clocks simulated in %.2f s = %.0f clocks/s",
                  what, len(stim.checks), n, secs, n / secs)
    return got_out


def _rand_blocks(rng, n):
    return [rng.getrandbits(128) for _ in range(n)]


@cocotb.test(skip=_TOP != "physec_ghash")
async def ghash_random_lengths(dut):
    rng = random.Random(T.seed() + 1)
    st = Stim(rng)
    lengths = list(range(1, 41))
    rng.shuffle(lengths)
    h = rng.getrandbits(128)
    st.load_key(h)
    for i, n in enumerate(lengths):
        if i in (13, 27):                               # H reload between messages
            h = rng.getrandbits(128)
            st.load_key(h)
        blocks = _rand_blocks(rng, n)
        mode = "before" if i % 4 == 3 else "with"
        p_bubble = 0.0 if i % 5 == 0 else 0.3          # some back-to-back, no bubbles
        st.message(h, blocks, f"message {i}", p_single=[0.0, 0.2, 0.5][i % 3],
                   p_bubble=p_bubble, start_mode=mode)
        if rng.random() < 0.5:
            st.idle(rng.randint(1, 4))
    # All-zero blocks, all-ones blocks, edge-valued keys.
    for h in (ONE, MASK128, R):
        st.load_key(h)
        st.message(h, [MASK128] * 7, f"all-ones x7, H={h:#x}")
        st.message(h, [0] * 4, f"zeros x4, H={h:#x}")
    # Empty message: a lone start gives GHASH() = 0.
    st.message(h, [], "empty message", start_mode="before")
    dut._log.info("ghash_random_lengths: seed PHYSEC_SEED=%d, %d messages", T.seed(), len(st.checks))
    await _run_ghash(dut, st, "ghash_random_lengths")


@cocotb.test(skip=_TOP != "physec_ghash")
async def ghash_frame_sized(dut):
    rng = random.Random(T.seed() + 2)
    st = Stim(rng)
    h = rng.getrandbits(128)
    st.load_key(h)
    # As the security stage sends a frame: AAD 5 blocks (2 + 2 + 1), 5130
    # ciphertext blocks in 2565 beats, the length block on its own; no bubbles.
    st.message(h, _rand_blocks(rng, 5136), "frame, stage pattern",
               beats=[2, 2, 1] + [2] * 2565 + [1], p_bubble=0.0)
    randoms = ((5131, 0.01, 0.02), (5137, 0.05, 0.1), (5136, 0.002, 0.0))
    if not T.env_int("PHYSEC_GHASH_LONG", 1):          # the Icarus smoke run: one frame only
        randoms = ()
    for n, p_single, p_bubble in randoms:
        st.message(h, _rand_blocks(rng, n), f"frame-sized random ({n} blocks)",
                   p_single=p_single, p_bubble=p_bubble, start_mode=rng.choice(["with", "before"]))
    await _run_ghash(dut, st, "ghash_frame_sized")


@cocotb.test(skip=_TOP != "physec_ghash")
async def ghash_gcm_tag(dut):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    rng = random.Random(T.seed() + 3)
    st = Stim(rng)
    cases = []
    sizes = [(80, 82080, 32)]                            # the frame: PAD header + OH, payload
    if not T.env_int("PHYSEC_GHASH_LONG", 1):          # the Icarus smoke run: no frame here
        sizes = []
    sizes += [(rng.randint(0, 70), rng.randint(0, 300), rng.choice([16, 32])) for _ in range(10)]
    sizes += [(0, 0, 32), (0, 17, 16), (33, 0, 32)]
    for n_aad, n_pt, klen in sizes:
        key = rng.randbytes(klen)
        iv = rng.randbytes(12)
        aad = rng.randbytes(n_aad)
        pt = rng.randbytes(n_pt)
        k = GcmKey(key)
        tr = GcmTrace()
        ct, tag = gcm_encrypt(k, iv, pt, aad, trace=tr)
        assert ct + tag == AESGCM(key).encrypt(iv, pt, aad)      # the model agrees with the library
        blocks = blocks_of(aad) + blocks_of(ct) + [(8 * n_aad) << 64 | (8 * n_pt)]
        st.load_key(tr.h)
        st.message(tr.h, blocks, f"GCM AAD {n_aad} B, PT {n_pt} B, AES-{8 * klen}",
                   p_single=0.05, p_bubble=0.05)
        cases.append((st.checks[-1][0], tr, key, iv, pt, aad))
        st.idle(rng.randint(0, 2))
    got = await _run_ghash(dut, st, "ghash_gcm_tag")
    # _run_ghash compared the DUT with ghash(); here with the trace's S and, as a
    # tag (S ^ E_K(J0)), with the library's AESGCM.
    for cyc, tr, key, iv, pt, aad in cases:
        s = got[cyc]
        what = f"AAD {len(aad)} B, PT {len(pt)} B"
        assert s == tr.s, f"GHASH {s:#034x} != GcmTrace.s {tr.s:#034x} ({what})"
        assert (s ^ tr.ek_j0).to_bytes(16, "big") == AESGCM(key).encrypt(iv, pt, aad)[-16:], what
    dut._log.info("ghash_gcm_tag: PASS %d GCM operations (GHASH = GcmTrace.s, tag = AESGCM's)", len(cases))


@cocotb.test(skip=_TOP != "physec_ghash")
async def ghash_key_reload(dut):
    rng = random.Random(T.seed() + 4)
    st = Stim(rng)
    ha, hb = rng.getrandbits(128), rng.getrandbits(128)
    msg = _rand_blocks(rng, 9)
    for h in (ha, hb, 0, ONE, ha):
        st.load_key(h, beats_while_loading=True)     # beats in these two clocks are ignored
        st.message(h, msg, f"same message, H={h:#x}")
        st.idle(1)
    # Reload right after a message's last beat (the beat in flight uses the old H),
    # then back to back: load, one clock not ready, message.
    for h in (hb, ha, hb):
        st.message(ha if h == hb else hb, _rand_blocks(rng, 5), "message before reload", p_bubble=0.0)
        st.load_key(h)
        st.message(h, _rand_blocks(rng, 6), "message after reload", p_bubble=0.0)
    await _run_ghash(dut, st, "ghash_key_reload")


# --------------------------------------------------------------------------- pytest

def _icarus_or_skip(sim):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")


# STAGES values per simulator, all in one build (tb_gf128_mul_stages): between
# them every row of physec_gf128_mul's cut table (5 = the 4 cuts plus one more
# output register).
MUL_STAGES = {"verilator": (0, 5), "icarus": (0, 1, 2, 3)}


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_gf128_mul_runner(sim):
    _icarus_or_skip(sim)
    stages = MUL_STAGES[sim]
    n = T.env_int("PHYSEC_NPAIRS", 20_000 if sim == "verilator" else 1_000)
    T.run_cocotb("tb_gf128_mul_stages", MUL_SOURCES + ["tb/ghash/tb_gf128_mul_stages.sv"],
                 "test_ghash", TB_DIR, sim=sim,
                 parameters={"N": len(stages),
                             "STAGES_LIST": sum(s << (4 * k) for k, s in enumerate(stages))},
                 extra_env={"PHYSEC_NPAIRS": n,
                            "PHYSEC_STAGES_LIST": ",".join(map(str, stages)),
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_ghash_runner(sim):
    """Icarus (4-state, a few hundred clocks/s here) runs one frame-sized message
    (the stage's beat pattern) instead of five; Verilator runs all of it."""
    _icarus_or_skip(sim)
    T.run_cocotb("physec_ghash", GHASH_SOURCES, "test_ghash", TB_DIR, sim=sim,
                 extra_env={"PHYSEC_GHASH_LONG": int(sim != "icarus"),
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
