# SPDX-License-Identifier: Apache-2.0
"""Aggregated GHASH RTL (physec_ghash, physec_gf128_mul) == the GCM model
(physec.gcm), bit for bit.

Two DUTs, one cocotb module (each cocotb test runs only under its own toplevel):

``physec_gf128_mul`` (in the wrapper ``tb_gf128_mul``: its caller's register, a
two-stage pipelined multiplier) against ``physec.gcm.gf_mult``:

* ``mul_random``: every pair of the edge values (0, 1 = 1 << 127, x^127 = 1,
  all-ones, R = 0xE1 << 120, x^63, x^64, ...), each edge value times random
  values, then PHYSEC_NPAIRS random pairs (20,000 under Verilator), with random
  in_valid bubbles and garbage operands in the bubbles (the partial products must
  hold); out_valid must be in_valid delayed by 2; a clr at the end zeroises.

``physec_ghash`` for BLOCKS = 2, 4 and 8 (one build each) against
``physec.gcm.ghash(GhashKey(h), blocks)``.  Every clock of ``out``, ``out_valid``
and ``ready`` is compared with the contract of the module's header (out_valid
LATENCY = 5 clocks after a message's last beat, out held until the next one and
zero after rst / clr; ready low for INSTALL = 4 * BLOCKS - 2 clocks from h_load),
the value at each message's end with the model's whole-message ghash:

* ``ghash_random_lengths``: messages of each length 1..(8 * BLOCKS + 9) blocks,
  random beat patterns (short first and last beats with any subset of the slots,
  full beats between, bubbles with garbage data), start on the first beat, as a
  separate pulse or not at all (after a last), back-to-back messages, H reloads in
  between, edge-valued keys and blocks.
* ``ghash_frame_sized``: 5136 blocks as the security stage sends them (full beats,
  no bubbles), and 5131 / 5137 / 5136 blocks with random patterns.
* ``ghash_gcm_tag``: random AES-128/256 key, IV, AAD and plaintext (and the
  frame-sized case, 80-byte AAD + 82,080-byte payload): GHASH of
  blocks_of(AAD) + blocks_of(CT) + [lengths] equals ``GcmTrace.s`` of
  ``gcm_encrypt``, and out ^ E_K(J0) equals the tag of the library's AESGCM.
* ``ghash_key_zeroise``: H reloads (H = 0, 1, random, back to an earlier key,
  a reload during an install, reloads inside a message and in the clock after its
  last beat: the message keeps the powers it began with), beginnings (with start
  and last) presented while ready = 0 or with h_load ignored, a start discarding
  an unfinished message; clr and
  rst between messages, in the middle of one and while a last beat is in the
  pipeline: out is 0 after them, results under the cleared key are GHASH with
  H = 0, nothing of the old key or message survives into the next one (the
  module's zeroisation assertion checks every data register after each clear).
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
LATENCY = 5                    # physec_ghash: out_valid 5 clocks after the last beat
MUL_LATENCY = 2                # tb_gf128_mul: partial products, output register

_TOP = os.environ.get("COCOTB_TOPLEVEL", "")


def install_clocks(b: int) -> int:
    """physec_ghash header: ready = 1 again 4 * BLOCKS - 2 clocks after h_load."""
    return 4 * b - 2


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


@cocotb.test(skip=_TOP != "tb_gf128_mul")
async def mul_random(dut):
    import numpy as np
    from cocotb.triggers import FallingEdge

    n = T.env_int("PHYSEC_NPAIRS", 20_000)
    rng = random.Random(T.seed())
    edges = _edge_values()
    pairs = [(a, b) for a in edges for b in edges]
    pairs += [(e, rng.getrandbits(128)) for e in edges for _ in range(8)]
    pairs += [(rng.getrandbits(128), e) for e in edges for _ in range(8)]
    n_edge = len(pairs)
    pairs += [(rng.getrandbits(128), rng.getrandbits(128)) for _ in range(n)]
    valid = T.valid_pattern(np.random.default_rng(T.seed()), len(pairs), 0.85)
    dut._log.info("mul_random: %d pairs (%d with edge values), seed PHYSEC_SEED=%d",
                  len(pairs), n_edge, T.seed())

    await _start_clock(dut)
    dut.rst.value = 1
    dut.clr.value = 0
    dut.in_valid.value = 1
    for cyc in range(4):
        await FallingEdge(dut.clk)
        if cyc > 0:
            assert not _read(dut.out_valid, "out_valid", cyc), "out_valid = 1 during reset"
    dut.rst.value = 0
    dut.in_valid.value = 0

    h_valid, h_x, h_y, h_ov, h_z = dut.in_valid, dut.in_x, dut.in_y, dut.out_valid, dut.out_z
    k = 0
    ovs, zs = [], []
    n_cycles = len(valid) + MUL_LATENCY + 2
    t0 = time.perf_counter()
    for cyc in range(n_cycles):
        await FallingEdge(dut.clk)
        ov = _read(h_ov, "out_valid", cyc)
        ovs.append(ov)
        zs.append(_read(h_z, "out_z", cyc) if ov else None)
        if cyc < len(valid) and valid[cyc]:
            h_valid.value = 1
            h_x.value, h_y.value = pairs[k]
            k += 1
        else:
            h_valid.value = 0
            h_x.value = rng.getrandbits(128)      # garbage the DUT must ignore
            h_y.value = rng.getrandbits(128)
    secs = time.perf_counter() - t0
    T.check_valid_sequence(valid, ovs, MUL_LATENCY)
    T.check_ints("out_z", [gf_mult(a, b) for a, b in pairs], [z for z in zs if z is not None], 128)
    # clr zeroises the partial products (and the wrapper's output register).
    dut.clr.value = 1
    await FallingEdge(dut.clk)
    dut.clr.value = 0
    await FallingEdge(dut.clk)
    assert _read(dut.u_mul.pp_q, "pp_q", n_cycles) == 0, "partial products after clr"
    assert _read(h_z, "out_z", n_cycles) == 0, "out_z after clr"
    dut._log.info("mul_random: PASS %d products, %d cycles simulated in %.2f s = %.0f cycles/s",
                  len(pairs), n_cycles, secs, n_cycles / secs)


# ---- GHASH stimulus: one tuple per clock, built and checked in plain Python.

class Stim:
    """Clock-by-clock inputs of physec_ghash, the messages sent (first and last beat
    clock, blocks, key) and the rst / clr / h_load clocks; ``expected`` derives the
    outputs of every clock from them and the header's contract, the values from the
    model's ghash."""

    def __init__(self, rng: random.Random, b: int):
        self.rng = rng
        self.b = b
        self.cycles = []          # (rst, clr, h_load, h_in, start, last, in_valid, in_data)
        self.msgs = []            # (first clock, last clock, blocks, h, name)
        self.ready_from = None    # the clock from which ready = 1 (None: no key)
        self.h = None             # the key of the messages sent now (0 after clr)

    def _garbage(self) -> int:
        return self.rng.getrandbits(128 * self.b)

    def _push(self, rst=0, clr=0, hl=0, hin=None, st=0, la=0, v=0, d=None):
        self.cycles.append((rst, clr, hl, self.rng.getrandbits(128) if hin is None else hin,
                            st, la, v, self._garbage() if d is None else d))

    def ready(self) -> bool:
        c = len(self.cycles)
        return self.ready_from is not None and c >= self.ready_from

    def idle(self, n: int = 1, start: int = 0):
        for _ in range(n):
            self._push(st=start)

    def noise(self):
        """A random beat with random start / last: the DUT must ignore it."""
        self._push(st=self.rng.randint(0, 1), la=self.rng.randint(0, 1),
                   v=self.rng.randrange(1 << self.b))

    def load_key(self, h: int, noisy: bool = False):
        """h_load, then the install (beats in it ignored when noisy)."""
        if noisy:
            self._push(hl=1, hin=h, st=1, la=self.rng.randint(0, 1), v=(1 << self.b) - 1)
        else:
            self._push(hl=1, hin=h)
        self.ready_from = len(self.cycles) - 1 + install_clocks(self.b)
        self.h = h
        while not self.ready():
            self.noise() if noisy else self.idle()

    def clr(self):
        self._push(clr=1)
        self.h = 0                # key erased: ready kept, powers 0

    def rst(self):
        self._push(rst=1)
        self.ready_from, self.h = None, None

    def beat_sizes(self, n: int, p_short: float) -> list[int]:
        b, rng = self.b, self.rng
        if n <= b and rng.random() < 0.5:
            return [n]
        first = rng.randint(1, min(b, n)) if rng.random() < p_short else min(b, n)
        r = n - first
        if r == 0:
            return [first]
        last = (r - 1) % b + 1             # the middle beats are full
        return [first] + [b] * ((r - last) // b) + [last]

    def message(self, blocks: list[int], name: str, p_short: float = 0.3,
                p_bubble: float = 0.2, start_mode: str = "with", beats=None, check: bool = True,
                reload=None):
        """Send ``blocks`` as one message.  start_mode: "with" (start on the first
        beat), "before" (a lone start pulse, maybe bubbles, then the beats) or "none"
        (after a last).  With check False the message is expected to be cut off.
        reload = (j, h): h_load of h with beat j >= 1 (j = len(beats): the clock after
        the last beat; with beat 0 the message could not begin); the message keeps its key, the next ones wait for the install."""
        assert self.ready() and blocks
        rng, b = self.rng, self.b
        if start_mode == "before":
            self.idle(1, start=1)
            if rng.random() < 0.5:
                self.idle(rng.randint(1, 3))
        if beats is None:
            beats = self.beat_sizes(len(blocks), p_short)
        assert sum(beats) == len(blocks)
        i = 0
        first = None
        for j, k in enumerate(beats):
            while rng.random() < p_bubble:
                self.idle(1)
            slots = sorted(rng.sample(range(b), k), reverse=True)    # first block highest
            v, d = 0, self._garbage()
            for s, x in zip(slots, blocks[i:i + k]):
                v |= 1 << s
                d = d & ~(MASK128 << (128 * s)) | x << (128 * s)
            if first is None:
                first = len(self.cycles)
            hl = int(reload is not None and reload[0] == j)
            if hl:
                hl_clock = len(self.cycles)
            self._push(st=int(j == 0 and start_mode == "with"), la=int(j == len(beats) - 1), v=v, d=d,
                       hl=hl, hin=reload[1] if hl else None)
            i += k
        self.msgs.append((first, len(self.cycles) - 1, list(blocks), self.h, name, check))
        if reload is not None:
            if reload[0] == len(beats):
                hl_clock = len(self.cycles)
                self._push(hl=1, hin=reload[1])
            self.ready_from = hl_clock + install_clocks(self.b)
            self.h = reload[1]
            while not self.ready():
                self.idle()

    def expected(self):
        """(out_valid, out, ready) per sampled clock (sample c = the outputs during
        clock c, whose inputs are cycles[c]), and the messages' (end clock, value, name)."""
        n = len(self.cycles)
        ends = {}
        resets = [c for c, cy in enumerate(self.cycles) if cy[0]]
        clears = [c for c, cy in enumerate(self.cycles) if cy[0] or cy[1]]
        for first, lastc, blocks, h, name, check in self.msgs:
            e = lastc + LATENCY
            if any(first <= z < e for z in resets):
                assert not check, f"{name} cut by a reset"
                continue
            cleared = any(first <= z < e for z in clears) or not h
            ends[e] = (0 if cleared else ghash(GhashKey(h), blocks), name)
        ov, out, rdy = [0] * n, [0] * n, [0] * n
        y, r, rfrom = 0, 0, None
        for c in range(n):
            if c in ends:
                y = ends[c][0]
            ov[c], out[c] = int(c in ends), y
            if rfrom is not None and c >= rfrom:
                r = 1
            rdy[c] = r
            rs, cl, hl = self.cycles[c][:3]
            if rs or cl:
                y = 0
            if rs:
                r, rfrom = 0, None
            elif hl:
                r, rfrom = 0, c + install_clocks(self.b)
        return ov, out, rdy, ends


async def _run_ghash(dut, stim: Stim, what: str):
    from cocotb.triggers import FallingEdge

    stim.idle(LATENCY + 2)                     # let the last message reach `out`
    b = stim.b
    await _start_clock(dut)
    sigs = (dut.rst, dut.clr, dut.h_load, dut.h_in, dut.start, dut.last, dut.in_valid, dut.in_data)
    for s in sigs:
        s.value = 0
    dut.rst.value = 1
    dut.h_load.value = 1                      # a reset must win over these
    dut.in_valid.value = (1 << b) - 1
    for _ in range(3):
        await FallingEdge(dut.clk)
    # (the reset clocks are not part of the stimulus: cycles[0] follows them)
    dut.h_load.value = 0
    dut.in_valid.value = 0
    dut.rst.value = 0
    await FallingEdge(dut.clk)
    out, out_valid, ready = dut.out, dut.out_valid, dut.ready
    got_ov, got_out, got_ready = [], [], []
    t0 = time.perf_counter()
    for cyc, vals in enumerate(stim.cycles):
        got_ov.append(_read(out_valid, "out_valid", cyc))
        got_out.append(_read(out, "out", cyc))
        got_ready.append(_read(ready, "ready", cyc))
        for s, x in zip(sigs, vals):
            s.value = x
        await FallingEdge(dut.clk)
    secs = time.perf_counter() - t0
    n = len(stim.cycles)

    exp_ov, exp_out, exp_ready, ends = stim.expected()
    for c in range(n):
        if got_ready[c] != exp_ready[c]:
            raise AssertionError(f"{what}: ready at clock {c}: expected {exp_ready[c]}, got {got_ready[c]}")
    for c in range(n):
        if got_ov[c] != exp_ov[c]:
            near = [f"{e} ({nm})" for e, (_, nm) in ends.items() if abs(e - c) < 20]
            raise AssertionError(f"{what}: out_valid at clock {c}: expected {exp_ov[c]}, got {got_ov[c]}"
                                 f" (message ends near: {near})")
    for e, (val, name) in sorted(ends.items()):
        if got_out[e] != val:
            raise AssertionError(f"{what}: GHASH of {name} at clock {e}:\n"
                                 f"  expected {val:#034x}\n  got      {got_out[e]:#034x}")
    T.check_ints(f"{what}: out per clock", exp_out, got_out, 128)
    dut._log.info("%s: PASS %d messages (BLOCKS=%d), %d clocks simulated in %.2f s = %.0f clocks/s",
                  what, len(ends), b, n, secs, n / secs)
    return got_out


def _rand_blocks(rng, n):
    return [rng.getrandbits(128) for _ in range(n)]


def _blocks_param(dut) -> int:
    return len(dut.in_valid)


@cocotb.test(skip=_TOP != "physec_ghash")
async def ghash_random_lengths(dut):
    b = _blocks_param(dut)
    rng = random.Random(T.seed() + 1)
    st = Stim(rng, b)
    lengths = list(range(1, 8 * b + 10))
    rng.shuffle(lengths)
    st.load_key(rng.getrandbits(128))
    for i, n in enumerate(lengths):
        if i % 13 == 12:                                # H reload between messages
            st.load_key(rng.getrandbits(128))
        mode = ["with", "with", "before", "none"][i % 4]
        p_bubble = 0.0 if i % 5 == 0 else 0.3          # some back-to-back, no bubbles
        st.message(_rand_blocks(rng, n), f"message {i} ({n} blocks)", p_short=[0.0, 0.5, 1.0][i % 3],
                   p_bubble=p_bubble, start_mode=mode)
        if rng.random() < 0.5:
            st.idle(rng.randint(1, 4))
    # All-ones and all-zero blocks, edge-valued keys, one-block messages.
    for h in (ONE, MASK128, R):
        st.load_key(h)
        st.message([MASK128] * (2 * b + 3), f"all-ones, H={h:#x}")
        st.message([0] * (b + 1), f"zeros, H={h:#x}", p_bubble=0.0)
        st.message([MASK128], f"one block, H={h:#x}", p_bubble=0.0)
    dut._log.info("ghash_random_lengths: BLOCKS=%d, seed PHYSEC_SEED=%d, %d messages", b, T.seed(), len(st.msgs))
    await _run_ghash(dut, st, "ghash_random_lengths")


@cocotb.test(skip=_TOP != "physec_ghash")
async def ghash_frame_sized(dut):
    b = _blocks_param(dut)
    rng = random.Random(T.seed() + 2)
    st = Stim(rng, b)
    st.load_key(rng.getrandbits(128))
    # As the security stage sends a frame: 5 AAD blocks, 5130 ciphertext blocks and the
    # length block, in full beats (5136 is a multiple of 2, 4 and 8); no bubbles.
    st.message(_rand_blocks(rng, 5136), "frame, stage pattern", beats=[b] * (5136 // b), p_bubble=0.0)
    randoms = ((5131, 0.5, 0.02), (5137, 1.0, 0.1), (5136, 0.0, 0.0))
    if not T.env_int("PHYSEC_GHASH_LONG", 1):          # the Icarus smoke run: one frame only
        randoms = ()
    for n, p_short, p_bubble in randoms:
        st.message(_rand_blocks(rng, n), f"frame-sized random ({n} blocks)",
                   p_short=p_short, p_bubble=p_bubble, start_mode=rng.choice(["with", "before", "none"]))
    await _run_ghash(dut, st, "ghash_frame_sized")


@cocotb.test(skip=_TOP != "physec_ghash")
async def ghash_gcm_tag(dut):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    b = _blocks_param(dut)
    rng = random.Random(T.seed() + 3)
    st = Stim(rng, b)
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
        st.message(blocks, f"GCM AAD {n_aad} B, PT {n_pt} B, AES-{8 * klen}", p_short=0.3, p_bubble=0.05)
        cases.append((st.msgs[-1][1] + LATENCY, tr, key, iv, pt, aad))
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
async def ghash_key_zeroise(dut):
    b = _blocks_param(dut)
    rng = random.Random(T.seed() + 4)
    st = Stim(rng, b)
    ha, hb = rng.getrandbits(128), rng.getrandbits(128)
    msg = _rand_blocks(rng, 3 * b + 1)
    for h in (ha, hb, 0, ONE, ha):
        st.load_key(h, noisy=True)              # beats in the install are ignored
        st.message(msg, f"same message, H={h:#x}")
        st.idle(1)
    # A reload during an install; reload right after a message's last beat (the beat
    # in flight uses the old powers: its products are taken before the install writes).
    st._push(hl=1, hin=hb)
    st.idle(3)
    st.load_key(ha)
    for h in (hb, ha, hb):
        st.message(_rand_blocks(rng, 2 * b + 1), "message before reload", p_bubble=0.0)
        st.load_key(h)
        st.message(_rand_blocks(rng, 3 * b), "message after reload", p_bubble=0.0)
    # Reloads inside a message (with a beat, also its first or last) and in the clock
    # after its last beat: the message is hashed with the key it began with.
    for j in (1, 2, 3, 4):
        h_new = rng.getrandbits(128)
        st.message(_rand_blocks(rng, 3 * b + 1), f"reload with beat {j}", reload=(j, h_new),
                   beats=[b, b, b, 1], p_bubble=0.2)
        st.message(_rand_blocks(rng, 2 * b), f"after the reload with beat {j}", p_bubble=0.0)
    # A start discards an unfinished message (no last).
    for _ in range(b + 2):
        st._push(v=(1 << b) - 1)
    st.message(_rand_blocks(rng, 2 * b + 2), "after an unfinished message", start_mode="with")
    for _ in range(3):
        st._push(v=(1 << b) - 1)
    st.message(_rand_blocks(rng, b + 1), "after a lone start", start_mode="before")
    # clr between messages: ready kept, H = 0 until the next install.
    st.clr()
    st.message(_rand_blocks(rng, 2 * b + 1), "with the erased key (H = 0)")
    st.load_key(hb)
    st.message(_rand_blocks(rng, 2 * b + 1), "after clr and a new key")
    # clr in the middle of a message, and while its last beat is in the pipeline.
    st.message(_rand_blocks(rng, b), "before the clr", p_bubble=0.0, beats=[b])
    st.clr()
    st.load_key(ha)
    st._push(st=1, v=(1 << b) - 1)
    st._push(v=(1 << b) - 1)
    st.clr()
    st.message(_rand_blocks(rng, 2 * b), "cleared in the middle", start_mode="none", beats=[b, b])
    st.load_key(hb)
    for delay in range(LATENCY + 1):
        st.message(_rand_blocks(rng, 2 * b), f"last beat {delay} clocks before a clr", beats=[b, b], p_bubble=0.0)
        st.idle(delay)
        st.clr()
        st.load_key(hb)
        st.message(_rand_blocks(rng, 2 * b + 1), "next message after the clr")
    # rst between messages and in the middle of one (no result for it).
    st.idle(LATENCY)
    st.rst()
    st.load_key(ha)
    st.message(_rand_blocks(rng, 2 * b + 1), "after rst")
    st.message(_rand_blocks(rng, 3 * b), "cut by rst", p_bubble=0.0, check=False)
    st.idle(2)
    st.rst()
    st.load_key(ha)
    st.message(_rand_blocks(rng, 2 * b + 1), "after rst in a message", start_mode="none")
    await _run_ghash(dut, st, "ghash_key_zeroise")


# --------------------------------------------------------------------------- pytest

def _icarus_or_skip(sim):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_gf128_mul_runner(sim):
    _icarus_or_skip(sim)
    n = T.env_int("PHYSEC_NPAIRS", 20_000 if sim == "verilator" else 1_000)
    T.run_cocotb("tb_gf128_mul", MUL_SOURCES + ["tb/ghash/tb_gf128_mul.sv"],
                 "test_ghash", TB_DIR, sim=sim,
                 extra_env={"PHYSEC_NPAIRS": n,
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})


# BLOCKS per simulator: the 256-bit bus today, 512 and 1024 bits later.  Icarus (4-state,
# a few hundred clocks/s here) runs BLOCKS = 2 with one frame-sized message.
GHASH_RUNS = [("verilator", 2), ("verilator", 4), ("verilator", 8), ("icarus", 2)]


@pytest.mark.parametrize("sim,blocks", GHASH_RUNS, ids=[f"{s}-B{b}" for s, b in GHASH_RUNS])
def test_ghash_runner(sim, blocks):
    _icarus_or_skip(sim)
    T.run_cocotb("physec_ghash", GHASH_SOURCES, "test_ghash", TB_DIR, sim=sim,
                 parameters={"BLOCKS": blocks},
                 extra_env={"PHYSEC_GHASH_LONG": int(sim != "icarus"),
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
