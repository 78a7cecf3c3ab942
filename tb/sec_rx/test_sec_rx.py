# SPDX-License-Identifier: Apache-2.0
"""physec_sec_rx (RTL) == physec.sec.SecRx (model, cut-through), and the RTL loopback.

Each scenario secures frames with the model transmitter (``SecTx.frame`` on frames of
the model framer, rekeys between frames), applies an impairment to the line frames
(bit flips, a replayed frame, a wrong key, an unannounced AN change, ...) and drives the
frame-aligned line words one per clock (one scenario with random pauses) into the RTL
receiver, keys through its install port.  The model receiver ``SecRx`` gets the same
frames (``frame(mfas, pad, oh, payload)`` per frame, ``finish()`` at the end, which the
RTL gets as its ``finish`` input).  Checked afterwards:

* every output word: header words unchanged; the payload of every released frame equal
  to the model's payload (decrypted; the plain payload of the transmitter); the payload
  of a frame that is not released is undefined and not compared;
* per frame (fs_* strobe): AN, PN, mode of a readable PAD, the failure reasons on
  arrival, pending, release, against the model's state right after ``SecRx.frame``;
* per verdict (vd_* strobe): pass / tag lost / tag mismatch with AN and PN, in the same
  clock as the next frame's fs_* strobe, against the model's final verdicts;
* all twelve counters against ``SecCounters``; no err_ks;
* latency: every output word exactly 7 clocks after its input word (the decrypt latency
  from ciphertext word in to plaintext word out: 1 clock, plus 6 with which the PAD
  checks wait for the previous frame's expected tag).

The model reference is ``physec.sec.SecRx`` (cut-through); the first frame a receiver
sees fails as "PN not predicted" (nothing was predicted, so no keystream is ready).

Scenarios (cocotb tests), 10 frames unless noted:
  encrypt        16 frames, AES-256, encrypt and authenticate, random input pauses
  auth           16 frames, AES-128, authenticate only
  bypass         bypass frames: accepted while require_security = 0 (frames 0..4),
                 refused when it is 1
  rekey          26 frames: hitless rekey to AN 1 (announced frames 8..15, switch at 16)
  flip_payload   one payload bit of frame 5: frame 5 fails (tag mismatch), 6 on pass
  flip_pad       one PN bit of frame 5's PAD: CRC-32 error, frame 4 "tag lost", 5 "PAD
                 invalid", the prediction carries on, 6 on pass
  flip_oh        one reserved OH bit of frame 5: frame 5 fails (the OH is AAD)
  replay         frame 5 sent again after frame 7: "replay" (and frame 7's tag lost)
  wrong_key      the receiver has another key for AN 0: every frame fails
  unannounced    frames 5.. from a transmitter restarted on AN 1 without announcement
  unknown_an     frames 5.. on AN 3, for which the receiver has no key
  smoke          (Icarus, 4-state) frames 0, 1 and the start of 2: frame 1 decrypted and
                 verified, no X/Z after reset
  loopback       20 frames through the RTL transmitter into the RTL receiver (rekey to
                 AN 1 announced at frame 8, switch at 16): the transmitter's output equals
                 the model's line, every frame but the first (no prediction) and the last
                 (no next PAD) verifies, and every released payload is the plain one.
Keys bound to jobs and zeroisation (issue 16; the model applies install/erase/lost after
SecRx.frame of the frame in whose word k the RTL gets it):
  race_queued    the same key installed again for AN 0 at frame 4 word 12, after frame
                 5's job was pushed: frame 5 fails "key changed" (frame 4 passes, 6 too)
  race_taken     the same at frame 4 word W - 4, after the generator took frame 5's job
  overwrite      another key over AN 0 at frame 4 word 1000: frame 4 passes (its keystream
                 came from the old key), 5 "key changed", then "tag mismatch"
  erase          AN 0 erased at frame 4 word 1000: frame 4 "key changed" at its verdict,
                 later frames "unknown AN"; no payload word after the erase is decrypted
                 with the key; in the next clock every key register of the stage reads 0
  erase_reinstall  erase, then the same key back at word 1200: frames 4 and 5 fail
                 "key changed", 6 passes
  erase_other    erase of AN 2 (installed, never used): nothing changes, no flush
  lost           a loss of lock after frame 5: its verdict "tag lost" at once
  pn_end         PNs 2^64 - 6 .. 2^64 - 1, then frame 3 again: "replay"
  tag_flips      each of the 128 TAG bits flipped in a PAD of its own (CRC-32 recomputed):
                 each fails its frame with "tag mismatch"
  tx_erase       loopback; the transmitter's AN 0 erased at frame 6 word 1000: the rest
                 of frame 6 leaves with zero payload, later frames blank (PAD mode 0, PN
                 0, zero payload), the receiver fails them; the transmitter's key
                 registers read 0 in the next clock

Environment: PHYSEC_SEED (default physec_tb.DEFAULT_SEED).
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
from physec.pad import MODE_AUTH, MODE_BYPASS, MODE_ENCRYPT
from physec.sec import CUT_THROUGH, PN_MAX, SecTx
from physec_tb.secframes import (SEC_RTL, COUNTERS, LINK, OH_OFF, PAD_OFF, PL_OFF, P, W, WB, SecFrame, SecRx,
                                 blank_pad, first_diff, key_int, make_key, plain_frames, play, read_hex, secure, words)

TOPLEVEL = "physec_sec_rx_tb"
SOURCES = SEC_RTL + ["tb/sec_rx/physec_sec_rx_tb.sv"]
LATENCY = 7                   # physec_sec_rx: out = in + 7 clocks (decrypt 1, the tag deadline 6)
FS_AFTER_W3 = 9               # physec_sec_rx: fs_valid 9 clocks after word 3 (with out word 5)
STIM_W, TAIL = 272, 16
R_TERASE, R_RERASE, R_LOST, R_RST, R_LOOP, R_REQ, R_FIN, R_TREKEY, R_RKWE, R_TKWE, R_AN, R_KSEL, R_VALID, R_SOF = \
    271, 270, 269, 268, 267, 266, 265, 264, 263, 262, 260, 258, 257, 256


def row(word=0, valid=0, sof=0, rst=0, loop=0, req=0, fin=0, trekey=0, rkwe=0, tkwe=0, an=0, ksel=0,
        rerase=0, terase=0, lost=0) -> int:
    return (terase << R_TERASE | rerase << R_RERASE | lost << R_LOST | rst << R_RST | loop << R_LOOP
            | req << R_REQ | fin << R_FIN | trekey << R_TREKEY | rkwe << R_RKWE | tkwe << R_TKWE | an << R_AN
            | ksel << R_KSEL | valid << R_VALID | sof << R_SOF | word)


# --------------------------------------------------------------------------- stimulus

@dataclass
class Stim:
    name: str
    line: list                       # SecFrame per frame as sent on the line (the RX input, or
                                     # in loopback the model's expectation of the TX output)
    rx_keys: dict                    # AN -> SecKey installed in the receiver
    require: list                    # require_security per frame
    mode: int = MODE_ENCRYPT
    pauses: float = 0.0
    loop_in: list | None = None      # loopback: the TX input lines (pre-security)
    tx_keys: list = field(default_factory=list)
    tx_events: dict = field(default_factory=dict)    # frame -> TX rekey AN, at its in_sof
    plain_ok: bool = True            # a released payload must be the transmitter's plain one
    # Key management during the run (spec 6.4): (frame t, word k, op, AN, key) with op
    # "install" or "erase" (RX), "tx_erase", or "lost" (RX loss of lock), applied in the
    # clock of frame t's word k; the model applies them after SecRx.frame of frame t.
    actions: list = field(default_factory=list)
    action_rows: dict = field(default_factory=dict)  # (t, k) -> stimulus row (clock), set by stimulus()
    lost_after: set = field(default_factory=set)      # frames whose verdict comes at a loss, not a PAD


def _flip(f: SecFrame, byte: int, bit: int) -> SecFrame:
    """The frame with line bit (byte, bit) flipped; ``byte`` counts from the frame start."""
    line = bytearray(f.line)
    line[byte] ^= 0x80 >> bit
    pad = bytes(line[PAD_OFF:OH_OFF])
    oh = bytes(line[OH_OFF:PL_OFF])
    return SecFrame(oh[0], oh, f.plain, pad, bytes(line[PL_OFF:]), f.an, f.pn, f.mode, note="flipped")


def build(name: str, seed: int) -> Stim:
    k0, k1, k3 = make_key(f"{name}-k0"), make_key(f"{name}-k1"), make_key(f"{name}-k3")
    n = {"encrypt": 16, "auth": 16, "rekey": 26}.get(name, 10)
    fr = plain_frames(n, seed)
    req = [True] * n
    if name in ("encrypt", "flip_payload", "flip_pad", "flip_oh", "replay", "wrong_key"):
        line = secure(fr, SecTx(0, k0, LINK))
        keys = {0: k0}
        if name == "flip_payload":
            line[5] = _flip(line[5], PL_OFF + 40_000, 3)
        elif name == "flip_pad":
            line[5] = _flip(line[5], PAD_OFF + 11, 0)                 # PN LSB
        elif name == "flip_oh":
            line[5] = _flip(line[5], OH_OFF + 20, 6)                  # reserved OH byte
        elif name == "replay":
            line = line[:8] + [line[5]] + line[8:]
            req = [True] * len(line)
        elif name == "wrong_key":
            keys = {0: make_key("another key")}
        return Stim(name, line, keys, req, pauses=0.02 if name == "encrypt" else 0.0,
                    plain_ok=name != "wrong_key")
    if name == "auth":
        k = make_key(f"{name}-k0", 16)
        return Stim(name, secure(fr, SecTx(0, k, LINK, MODE_AUTH)), {0: k}, req, MODE_AUTH)
    if name == "bypass":
        return Stim(name, secure(fr, SecTx(2, k0, LINK, MODE_BYPASS)), {2: k0}, [i >= 5 for i in range(n)],
                    MODE_BYPASS)
    if name == "rekey":
        line = secure(fr, SecTx(0, k0, LINK), {3: lambda tx: tx.rekey(1, k1)})
        assert line[16].an == 1 and line[16].pn == 1
        return Stim(name, line, {0: k0, 1: k1}, req)
    if name == "unannounced":
        return Stim(name, secure(fr[:5], SecTx(0, k0, LINK)) + secure(fr[5:], SecTx(1, k1, LINK)),
                    {0: k0, 1: k1}, req)
    if name == "unknown_an":
        return Stim(name, secure(fr[:5], SecTx(0, k0, LINK)) + secure(fr[5:], SecTx(3, k3, LINK)), {0: k0}, req)
    line = secure(fr, SecTx(0, k0, LINK))
    if name == "race_queued":       # the same key again after frame 4's job was pushed (queued)
        return Stim(name, line, {0: k0}, req, actions=[(4, 12, "install", 0, k0)])
    if name == "race_taken":        # ... after the ksgen took frame 5's job (the frame's last words)
        return Stim(name, line, {0: k0}, req, actions=[(4, W - 4, "install", 0, k0)])
    if name == "overwrite":         # another key over the AN in use, mid-frame 4
        return Stim(name, line, {0: k0}, req, actions=[(4, 1000, "install", 0, k1)], plain_ok=False)
    if name == "erase":             # erase of the AN in use mid-frame 4: path cleared, fail closed
        return Stim(name, line, {0: k0}, req, actions=[(4, 1000, "erase", 0, None)], plain_ok=False)
    if name == "erase_reinstall":   # erase, then the same key back: two frames fail, then pass
        return Stim(name, line, {0: k0}, req, actions=[(4, 1000, "erase", 0, None), (4, 1200, "install", 0, k0)])
    if name == "erase_other":       # erase of an AN with a key that no job uses: nothing changes
        return Stim(name, line, {0: k0, 2: k3}, req, actions=[(4, 1000, "erase", 2, None)])
    if name == "lost":              # a loss of lock after frame 5: its verdict "tag lost" at once
        return Stim(name, line, {0: k0}, req, actions=[(5, W - 20, "lost", 0, None)], lost_after={5})
    if name == "pn_end":            # PNs up to 2^64 - 1, then frame 3 again (a replay)
        tx = SecTx(0, k0, LINK)
        tx.pn = PN_MAX - 5
        line = secure(fr[:6], tx)
        return Stim(name, line + [line[3]], {0: k0}, [True] * 7)
    raise ValueError(name)


def build_tag_flips(seed: int) -> Stim:
    """Each of the 128 TAG bits flipped in a PAD of its own (its CRC-32 recomputed, so only
    the tag is wrong): frame i + 2's PAD carries frame i + 1's tag with bit i flipped
    (frame 0 is never pending: nothing predicted it)."""
    k0 = make_key("tagflip-k0")
    fr = plain_frames(131, seed)
    line = secure(fr, SecTx(0, k0, LINK))
    for i in range(128):
        line[i + 2] = with_tag_bit_flipped(line[i + 2], i)
    return Stim("tag_flips", line, {0: k0}, [True] * len(line))


def with_tag_bit_flipped(f: SecFrame, bit: int) -> SecFrame:
    """The frame with TAG bit ``bit`` (0 = MSB of TAG byte 0) flipped and the PAD CRC-32
    recomputed (zlib, spec 6.2)."""
    import zlib

    pad = bytearray(f.pad)
    pad[40 + bit // 8] ^= 0x80 >> (bit % 8)
    pad[56:60] = zlib.crc32(bytes(pad[:56])).to_bytes(4, "big")
    return SecFrame(f.mfas, f.oh, f.plain, bytes(pad), f.payload, f.an, f.pn, f.mode, note=f"TAG bit {bit}")


def build_loopback(seed: int) -> Stim:
    k0, k1 = make_key("loopback-k0"), make_key("loopback-k1", 16)
    fr = plain_frames(20, seed)
    rng = np.random.default_rng(seed + 5)
    pre = []
    for f in fr:
        b = bytearray(f.line)
        b[PAD_OFF:OH_OFF] = rng.bytes(P.pad_bytes)
        pre.append(bytes(b))
    line = secure(fr, SecTx(0, k0, LINK), {1: lambda tx: tx.rekey(1, k1)})
    assert line[16].an == 1 and line[16].pn == 1 and line[8].fields.key_change_pending
    return Stim("loopback", line, {0: k0, 1: k1}, [True] * len(fr), loop_in=pre,
                tx_keys=[(0, k0), (1, k1)], tx_events={0: 1})


def build_tx_erase(seed: int) -> Stim:
    """Loopback; the transmitter's AN 0 erased at frame 6 word 1000: the rest of frame 6
    leaves with zero payload, every later frame blank; the receiver fails frame 6 ("tag
    lost": frame 7's blank PAD has no tag) and refuses the blank frames."""
    k0 = make_key("txerase-k0")
    fr = plain_frames(10, seed)
    rng = np.random.default_rng(seed + 7)
    pre = []
    for f in fr:
        b = bytearray(f.line)
        b[PAD_OFF:OH_OFF] = rng.bytes(P.pad_bytes)
        pre.append(bytes(b))
    line = secure(fr[:7], SecTx(0, k0, LINK))
    k = 1000
    f6 = line[6]
    cut = (k + 1) * WB - PL_OFF                  # payload bytes before frame word k + 1
    line[6] = SecFrame(f6.mfas, f6.oh, f6.plain, f6.pad, f6.payload[:cut] + bytes(len(f6.payload) - cut),
                       f6.an, f6.pn, f6.mode, note="erased")
    for f in fr[7:]:
        line.append(SecFrame(f.oh[0], f.oh, f.plain, blank_pad(), bytes(len(f.plain)), 0, 0, MODE_BYPASS,
                             blank=True))
    return Stim("tx_erase", line, {0: k0}, [True] * len(fr), loop_in=pre, tx_keys=[(0, k0)], plain_ok=False,
                actions=[(6, k, "tx_erase", 0, None)])


def stimulus(st: Stim, seed: int):
    """Rows and the key table {SecKey: index}."""
    table = {}
    for k in list(st.rx_keys.values()) + [k for _, k in st.tx_keys] + [a[4] for a in st.actions if a[4]]:
        table.setdefault(k, len(table))
    assert len(table) <= 4
    loop = int(st.loop_in is not None)
    req0 = int(st.require[0])
    base = dict(loop=loop, req=req0)
    rows = [row(rst=1, **base)] * 4
    for an, k in st.rx_keys.items():
        rows.append(row(rkwe=1, an=an, ksel=table[k], **base))
    for an, k in st.tx_keys:
        rows.append(row(tkwe=1, an=an, ksel=table[k], **base))
    if loop:
        rows.append(row(trekey=1, an=0, **base))          # TX activation on AN 0
    rows += [row(**base)] * 40
    rng = np.random.default_rng(seed + 13)
    src = st.loop_in if loop else [f.line for f in st.line]
    acts = {(t, k): (op, an, key) for t, k, op, an, key in st.actions}
    st.action_rows = {}
    for t, line in enumerate(src):
        b = dict(loop=loop, req=int(st.require[t]))
        for k, w in enumerate(words(line)):
            if st.pauses and rng.random() < st.pauses:
                rows.append(row(**b))
            r = row(w, 1, int(k == 0), **b)
            if k == 0 and t in st.tx_events:
                r |= row(trekey=1, an=st.tx_events[t])
            if (t, k) in acts:
                op, an, key = acts[(t, k)]
                r |= {"install": lambda: row(rkwe=1, an=an, ksel=table[key]), "erase": lambda: row(rerase=1, an=an),
                      "tx_erase": lambda: row(terase=1, an=an), "lost": lambda: row(lost=1)}[op]()
                st.action_rows[(t, k)] = len(rows)
            rows.append(r)
    b = dict(loop=loop, req=int(st.require[-1]))
    rows += [row(**b)] * 12 + [row(fin=1, **b)] + [row(**b)] * 4
    return rows, table


def key_table(table) -> int:
    v = 0
    for k, i in table.items():
        kv, kl, sv = key_int(k)
        v |= (kv << 97 | kl << 96 | sv) << (353 * i)
    return v


# --------------------------------------------------------------------------- reference

@dataclass
class Ref:
    snaps: list            # per frame, right after SecRx.frame: (verdict, reasons, released, an, pn, mode)
    final: list            # per frame: final verdict and reasons
    payload: list          # per frame: the model's payload (decrypted when it decrypted)
    counters: dict


def reference(st: Stim) -> Ref:
    rx = SecRx(st.rx_keys, LINK, CUT_THROUGH, require_security=st.require[0])
    snaps, res = [], []
    for i, f in enumerate(st.line):
        rx.require = st.require[i]
        r = rx.frame(f.mfas, f.pad, f.oh, f.payload)
        snaps.append((r.verdict, list(r.reasons), r.released, r.an, r.pn, r.mode))
        res.append(r)
        for t, _, op, an, key in st.actions:
            if t == i:
                {"install": lambda: rx.install(an, key), "erase": lambda: rx.erase(an), "lost": rx.lost,
                 "tx_erase": lambda: None}[op]()
    rx.finish()
    return Ref(snaps, [(r.verdict, list(r.reasons)) for r in res], [r.payload for r in res],
               {c: getattr(rx.cnt, c) for c in COUNTERS})


# --------------------------------------------------------------------------- simulation

async def _simulate(dut, st: Stim) -> dict:
    from cocotb.clock import Clock

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    rows, table = stimulus(st, T.seed())
    dut.go.value = 0
    dut.tx_en.value = int(st.loop_in is not None)
    dut.cfg_mode.value = st.mode
    dut.cfg_link_id.value = LINK
    dut.key_tab.value = key_table(table)
    zero = []                              # (clock, registers found non-zero) after a flushing erase
    deposits = []
    for (t, k), clk in st.action_rows.items():
        op, an = next((a[2], a[3]) for a in st.actions if a[:2] == (t, k))
        if op in ("erase", "tx_erase"):
            side = dut.u_rx if op == "erase" else dut.u_tx
            deposits.append((clk + 1, lambda side=side, an=an, clk=clk, op=op:
                             zero.append((clk + 1, op, key_material(side, an, flushed=op == "tx_erase" or
                                                                    an in {f.an for f in st.line})))))
    cap, secs = await play(dut, rows, STIM_W, TAIL, deposits)
    for clk, op, bad in zero:
        assert not bad, f"{st.name}: {op} in clock {clk - 1}: key material left in {bad[:8]}"
    fs = read_hex("fs.hex") if int(dut.n_fs.value) else []
    vd = read_hex("vd.hex") if int(dut.n_vd.value) else []
    cnt = {c: int(getattr(dut.u_rx, f"cnt_{c}").value) for c in COUNTERS}
    return dict(rows=rows, cap=cap, fs=fs, vd=vd, cnt=cnt, clocks=len(rows) + TAIL, secs=secs)


def key_material(sec, an: int, flushed: bool) -> list:
    """Names of the registers of a security stage (u_rx / u_tx) that hold anything but
    zero among those that hold key material: the erased AN's key slot, and when the erase
    cleared the keystream path, the ksgen key and IV, round keys and key window, both AES
    pipes' state, the keystream FIFO's data, GHASH's H, H^2 and operands, the expected tag
    and E_K(J0) registers (spec 6.4, erase)."""
    bad = []

    def chk(h, name, mask=None):
        v = int(h.value)
        if mask is not None:
            v &= mask
        if v:
            bad.append(name)
    chk(sec.u_keys.key_q[an], f"key slot {an}")
    chk(sec.u_keys.salt_q[an], f"salt slot {an}")
    if flushed:
        kg = sec.u_ksgen
        chk(kg.key_q, "ksgen key")
        chk(kg.iv_q, "ksgen IV")
        for j in range(15):
            chk(kg.u_keyexp.rk_q[j], f"round key {j}")
            chk(kg.u_aes_a.st_q[j], f"pipe A state {j}")
            chk(kg.u_aes_b.st_q[j], f"pipe B state {j}")
        for i in range(8):
            chk(kg.u_keyexp.w_q[i], f"key window {i}")
        for i in range(len(kg.mem)):
            chk(kg.mem[i], f"FIFO entry {i}", (1 << 256) - 1)
        gh = sec.u_ghash
        for n in ("pw_q", "mp_q", "ix_q", "x_q", "s_q", "a_q", "a_prev_q", "fq1_q", "fq2_q", "fs1_q", "fs2_q",
                  "st_q", "out"):
            chk(getattr(gh, n), f"GHASH {n}")
        for name, m in (("u_inst", gh.u_inst), ("u_ring", gh.u_ring), ("u_fold1", gh.u_fold1),
                        ("u_fold2", gh.u_fold2), ("g_ff[0]", gh.g_ff[0].u_mul), ("g_ff[1]", gh.g_ff[1].u_mul)):
            chk(m.pp_q, f"GHASH {name} partial products")
        for n in ("ekj0_cur_q", "ekj0_fin_q", "tag_exp_q" if hasattr(sec, "tag_exp_q") else "tag_q"):
            chk(getattr(sec, n), n)
    return bad


REASON_BITS = (("PAD invalid", 8), ("bypass not allowed", 6), ("unknown AN", 5), ("replay", 4),
               ("PN not predicted", 3), ("key changed", 2))
FS_CLOCK, VD_CLOCK = 77, 70           # fs.hex / vd.hex: the clock's LSB


def _check(dut, st: Stim, ref: Ref, r: dict) -> dict:
    cap = r["cap"]
    M = (1 << 256) - 1
    bit = lambda v, b: (v >> b) & 1                                     # noqa: E731
    nf = len(st.line)
    assert not any(bit(c, 518) or bit(c, 517) or bit(c, 516) for c in cap), "an err_ks / err_tag_late flag"
    # Input side (the RX input: stimulus, or the TX output in loopback).
    in_rows = [p for p, c in enumerate(cap) if bit(c, 515)]
    in_sof = [p for p in in_rows if bit(cap[p], 514)]
    assert len(in_sof) == nf, f"{len(in_sof)} frames at the receiver input, expected {nf}"
    in_words = [(cap[p] >> 258) & M for p in in_rows if p >= in_sof[0]]
    assert len(in_words) == nf * W
    if st.loop_in is not None:        # the RTL transmitter's output = the model's line
        for t, f in enumerate(st.line):
            got = b"".join(x.to_bytes(WB, "big") for x in in_words[t * W:(t + 1) * W])
            msg = first_diff(f.line, got)
            assert not msg, f"loopback: transmitter frame {t} (AN {f.an}, PN {f.pn}): {msg}"
    # Latency: every input word comes out exactly LATENCY clocks later.
    ov = [bit(c, 257) for c in cap]
    iv = [bit(c, 515) for c in cap]
    assert ov[LATENCY:] == iv[:len(iv) - LATENCY], f"out_valid is not in_valid delayed by {LATENCY} clocks"
    out_sof = [p for p, c in enumerate(cap) if bit(c, 256)]
    assert [o - i for o, i in zip(out_sof, in_sof)] == [LATENCY] * nf, f"out_sof is not in_sof + {LATENCY}"
    out_words = [cap[p + LATENCY] & M for p in in_rows if p >= in_sof[0]]
    # Words: header unchanged; released payloads = the model's payload.
    hw = P.header_words
    released = 0
    # A flushing erase at frame t word k: no payload word after k is decrypted with the
    # key.  The FIFO entries already made were zeroed (those words leave as they came);
    # the rest of the job comes from all-zero round keys and IV (key-free, not zero).
    cleared = {t: k for t, k, op, an, _ in st.actions if op == "erase" and an == st.line[t].an}
    for t, f in enumerate(st.line):
        o = out_words[t * W:(t + 1) * W]
        assert o[:hw] == in_words[t * W:t * W + hw], f"frame {t}: header words changed"
        if t in cleared:
            k = cleared[t]
            dec = [int.from_bytes(ref.payload[t][i:i + WB], "big") for i in range(0, len(ref.payload[t]), WB)]
            assert o[hw:k + 1] == dec[:k + 1 - hw], f"frame {t}: not decrypted before the erase (word {k})"
            assert o[k + 1:k + 9] == in_words[t * W + k + 1:t * W + k + 9], \
                f"frame {t}: the keystream queued at the erase (word {k}) was not zeroed"
            same = [hw + i for i, (a, b) in enumerate(zip(o[hw:], dec)) if a == b and hw + i > k]
            assert not same, f"frame {t}: payload words {same[:4]} after the erase (word {k}) decrypted with the key"
            continue
        if ref.snaps[t][2]:
            released += 1
            got = b"".join(x.to_bytes(WB, "big") for x in o[hw:])
            if got != ref.payload[t]:
                i = next(k for k, (a, b) in enumerate(zip(ref.payload[t], got)) if a != b)
                raise AssertionError(f"{st.name}: frame {t} released, payload byte {i} (word {hw + i // WB}, AES "
                                     f"block {i // 16}): model {ref.payload[t][i]:02x}, RTL {got[i]:02x}")
            if f.note != "flipped" and st.plain_ok:
                assert got == f.plain, f"frame {t}: released payload is not the transmitter's plain payload"
    # Per-frame strobe: {clock, an, pn, mode, pad_invalid, bypass, bp_refused, unknown, replay, unpred,
    # pending, release}.
    fs = r["fs"]
    assert len(fs) == nf, f"{len(fs)} fs_valid strobes, expected {nf}"
    for t, (v, s) in enumerate(zip(fs, ref.snaps)):
        verdict, reasons, rel, an, pn, mode = s
        want = {"reasons": sorted(x for x, b in REASON_BITS if x in reasons),
                "bypass": int(mode == MODE_BYPASS), "pending": int(verdict == "pending"), "release": int(rel)}
        got = {"reasons": sorted(x for x, b in REASON_BITS if bit(v, b)),
               "bypass": bit(v, 7), "pending": bit(v, 1), "release": bit(v, 0)}
        if an is not None:
            want.update(an=an, pn=pn, mode=mode)
            got.update(an=(v >> 75) & 3, pn=(v >> 11) & ((1 << 64) - 1), mode=(v >> 9) & 3)
        assert got == want, f"{st.name}: frame {t} on arrival: RTL {got}, model {want}"
        w3 = in_rows[in_rows.index(in_sof[t]) + 3]
        assert v >> FS_CLOCK == w3 + FS_AFTER_W3, \
            f"frame {t}: fs_valid in clock {v >> FS_CLOCK}, expected {FS_AFTER_W3} clocks after word 3 ({w3})"
    # Verdicts: {clock, pass, lost, mismatch, an, pn}; one per frame that was pending.
    pend = [t for t, s in enumerate(ref.snaps) if s[0] == "pending"]
    vd = r["vd"]
    assert len(vd) == len(pend), f"{len(vd)} vd_valid strobes, expected {len(pend)} (frames {pend})"
    fs_clk = [v >> FS_CLOCK for v in fs]
    for t, v in zip(pend, vd):
        verdict, reasons = ref.final[t]
        want = (int(verdict == "pass"), int("tag lost" in reasons), int("tag mismatch" in reasons),
                int("key changed" in reasons), ref.snaps[t][3], ref.snaps[t][4])
        got = ((v >> 69) & 1, (v >> 68) & 1, (v >> 67) & 1, (v >> 66) & 1, (v >> 64) & 3, v & ((1 << 64) - 1))
        assert got == want, \
            f"{st.name}: verdict of frame {t}: RTL (pass, lost, mismatch, key changed, an, pn) {got}, model {want}"
        if t + 1 < nf and t not in st.lost_after:
            assert v >> VD_CLOCK == fs_clk[t + 1], f"frame {t}'s verdict not with frame {t + 1}'s strobe"
    # Counters.
    assert r["cnt"] == ref.counters, f"{st.name}: counters RTL {r['cnt']}\n   model {ref.counters}"
    verdicts = [v for v, _ in ref.final]
    return dict(released=released, passed=verdicts.count("pass"), failed=verdicts.count("fail"),
                bypass=verdicts.count("bypass"))


def record_coverage(r: dict):
    """Functional bins from the RTL: the mode of every readable PAD (fs_* strobes), its
    counters, its err_ks and, in the loopback, the RTL transmitter's flags."""
    names = {MODE_ENCRYPT: "encrypt", MODE_AUTH: "auth", MODE_BYPASS: "bypass"}
    modes = [names.get((v >> 9) & 3, f"mode{(v >> 9) & 3}") for v in r["fs"] if not (v >> 8) & 1]
    fcov.sample("sec.mode_rx", {m: modes.count(m) for m in fcov.MODEL["sec.mode_rx"]})
    fcov.sample("sec.rekey", {"rx_switch": r["cnt"]["key_switches"]})
    fcov.sample("sec_rx.counters", {c: r["cnt"][c] for c in fcov.SEC_RX_COUNTERS})
    cap = r["cap"]
    fcov.sample("sec_rx.alarms", {"err_ks": sum((c >> 516) & 1 for c in cap)})
    fcov.sample("sec_tx.alarms", {"err_ks": sum((c >> 518) & 1 for c in cap),
                                  "err_tag_late": sum((c >> 517) & 1 for c in cap)})


async def run_scenario(dut, name: str):
    t0 = time.perf_counter()
    st = {"loopback": build_loopback, "tag_flips": build_tag_flips, "tx_erase": build_tx_erase}.get(
        name, lambda sd: build(name, sd))(T.seed())
    ref = reference(st)
    prep = time.perf_counter() - t0
    r = await _simulate(dut, st)
    s = _check(dut, st, ref, r)
    record_coverage(r)
    dut._log.info("%s: PASS %d frames (%d pass, %d fail, %d bypass, %d released), counters %s, "
                  "decrypt latency %d clock; %d clocks in %.1f s = %.0f clocks/s (stimulus + model %.2f s)",
                  name, len(st.line), s["passed"], s["failed"], s["bypass"], s["released"],
                  {k: v for k, v in r["cnt"].items() if v}, LATENCY, r["clocks"], r["secs"],
                  r["clocks"] / r["secs"], prep)
    return st, ref


@cocotb.test()
async def encrypt(dut):
    await run_scenario(dut, "encrypt")


@cocotb.test()
async def auth(dut):
    await run_scenario(dut, "auth")


@cocotb.test()
async def bypass(dut):
    await run_scenario(dut, "bypass")


@cocotb.test()
async def rekey(dut):
    _, ref = await run_scenario(dut, "rekey")
    assert ref.counters["key_switches"] == 1 and ref.counters["passed"] == 24


@cocotb.test()
async def flip_payload(dut):
    _, ref = await run_scenario(dut, "flip_payload")
    assert ref.final[5] == ("fail", ["tag mismatch"]) and ref.final[6][0] == "pass"


@cocotb.test()
async def flip_pad(dut):
    _, ref = await run_scenario(dut, "flip_pad")
    assert ref.final[4] == ("fail", ["tag lost"]) and ref.final[5] == ("fail", ["PAD invalid"])
    assert ref.final[6][0] == "pass"


@cocotb.test()
async def flip_oh(dut):
    _, ref = await run_scenario(dut, "flip_oh")
    assert ref.final[5] == ("fail", ["tag mismatch"]) and ref.final[6][0] == "pass"


@cocotb.test()
async def replay(dut):
    _, ref = await run_scenario(dut, "replay")
    assert ref.final[8] == ("fail", ["replay"]) and ref.counters["replays"] == 1


@cocotb.test()
async def wrong_key(dut):
    _, ref = await run_scenario(dut, "wrong_key")
    assert ref.counters["passed"] == 0 and ref.counters["tag_failures"] == 8


@cocotb.test()
async def unannounced(dut):
    _, ref = await run_scenario(dut, "unannounced")
    assert ref.final[5] == ("fail", ["PN not predicted"]) and ref.final[6][0] == "pass"


@cocotb.test()
async def unknown_an(dut):
    _, ref = await run_scenario(dut, "unknown_an")
    assert ref.counters["unknown_an"] == 5


@cocotb.test()
async def loopback(dut):
    st, ref = await run_scenario(dut, "loopback")
    v = [f[0] for f in ref.final]
    assert v == ["fail"] + ["pass"] * (len(v) - 2) + ["fail"], v
    assert ref.final[0][1] == ["PN not predicted"] and ref.final[-1][1] == ["tag lost"]
    dut._log.info("loopback: frames 1..%d verified (tag pass, plain payload out), frame 0 has no prediction, "
                  "frame %d no next PAD", len(v) - 2, len(v) - 1)


@cocotb.test()
async def race_queued(dut):
    """Issue 16's race: a key installed for the predicted AN after the next frame's job
    was prepared; the frame fails "key changed" (never decrypted with the old job)."""
    _, ref = await run_scenario(dut, "race_queued")
    assert [r for _, r in ref.final[3:7]] == [[], [], ["key changed"], []], ref.final[3:7]


@cocotb.test()
async def race_taken(dut):
    _, ref = await run_scenario(dut, "race_taken")
    assert [r for _, r in ref.final[3:7]] == [[], [], ["key changed"], []], ref.final[3:7]


@cocotb.test()
async def overwrite(dut):
    """Another key over the AN in use mid-frame: that frame passes (its keystream came from
    the old key), the next fails "key changed", the rest "tag mismatch" (the transmitter
    kept the old key)."""
    _, ref = await run_scenario(dut, "overwrite")
    assert [r for _, r in ref.final[4:8]] == [[], ["key changed"], ["tag mismatch"], ["tag mismatch"]]


@cocotb.test()
async def erase(dut):
    _, ref = await run_scenario(dut, "erase")
    assert ref.final[4] == ("fail", ["key changed"]) and all(r == ["unknown AN"] for _, r in ref.final[5:])


@cocotb.test()
async def erase_reinstall(dut):
    _, ref = await run_scenario(dut, "erase_reinstall")
    assert [r for _, r in ref.final[4:7]] == [["key changed"], ["key changed"], []]


@cocotb.test()
async def erase_other(dut):
    _, ref = await run_scenario(dut, "erase_other")
    assert ref.counters["key_changed"] == 0 and ref.counters["passed"] == 8


@cocotb.test()
async def lost(dut):
    _, ref = await run_scenario(dut, "lost")
    assert ref.final[5] == ("fail", ["tag lost"]) and ref.final[6][0] == "pass"


@cocotb.test()
async def pn_end(dut):
    _, ref = await run_scenario(dut, "pn_end")
    assert ref.final[6] == ("fail", ["replay"]) and ref.counters["passed"] == 4


@cocotb.test()
async def tag_flips(dut):
    """Every one of the 128 TAG bits, flipped with the PAD CRC recomputed: each fails its
    frame with "tag mismatch" (frames 1..128), nothing else fails."""
    _, ref = await run_scenario(dut, "tag_flips")
    assert all(ref.final[i] == ("fail", ["tag mismatch"]) for i in range(1, 129))
    assert ref.final[129][0] == "pass" and ref.counters["tag_failures"] == 128


@cocotb.test()
async def tx_erase(dut):
    _, ref = await run_scenario(dut, "tx_erase")
    assert ref.final[6] == ("fail", ["tag lost"]) and all(r == ["bypass not allowed"] for _, r in ref.final[7:])


@cocotb.test()
async def smoke(dut):
    """Short run for a 4-state simulator (Icarus): reset, key install, frames 0 and 1 and the
    first 8 words of frame 2: frame 1 is decrypted to its plain payload and verified by
    frame 2's PAD (frame 0 has no prediction), and nothing after reset is X/Z."""
    from cocotb.clock import Clock

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    k0 = make_key("smoke-k0")
    fr = plain_frames(3, T.seed())
    line = secure(fr, SecTx(0, k0, LINK))
    rows = [row(rst=1, req=1)] * 4 + [row(rkwe=1, an=0, ksel=0, req=1)] + [row(req=1)] * 30
    sofs = []
    for t, f in enumerate(line):
        sofs.append(len(rows))
        rows += [row(w, 1, int(k == 0), req=1) for k, w in enumerate(words(f.line)[:W if t < 2 else 8])]
    dut.go.value = 0
    dut.tx_en.value = 0
    dut.cfg_mode.value = MODE_ENCRYPT
    dut.cfg_link_id.value = LINK
    dut.key_tab.value = key_table({k0: 0})
    cap, secs = await play(dut, rows, STIM_W, TAIL, allow_x=True)
    bad = [p for p, c in enumerate(cap) if p >= 4 and c is None]
    assert not bad, f"X/Z recorded after reset in clocks {bad[:10]}"
    M = (1 << 256) - 1
    out1 = b"".join((cap[sofs[1] + LATENCY + k] & M).to_bytes(WB, "big") for k in range(W))
    assert out1 == line[1].line[:PL_OFF] + fr[1].plain, "frame 1 is not decrypted to the plain frame"
    fs = read_hex("fs.hex")
    vd = read_hex("vd.hex")
    assert [(v >> 3) & 1 for v in fs] == [1, 0, 0], "PN not predicted: frame 0 only"
    assert [v & 1 for v in fs] == [0, 1, 1], "release"
    assert len(vd) == 1 and (vd[0] >> 69) & 1 and (vd[0] & ((1 << 64) - 1)) == 2, "frame 1 (PN 2) verified"
    dut._log.info("smoke: PASS, frame 1 decrypted and verified (%d clocks in %.1f s)", len(rows) + TAIL, secs)


# --------------------------------------------------------------------------- pytest

TESTS = ("encrypt,auth,bypass,rekey,flip_payload,flip_pad,flip_oh,replay,wrong_key,unannounced,unknown_an,"
         "loopback,race_queued,race_taken,overwrite,erase,erase_reinstall,erase_other,lost,pn_end,tag_flips,"
         "tx_erase")


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_sec_rx_runner(sim):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    tests = TESTS if sim == "verilator" else "smoke"
    params = {"NW": 8192, "NF": 4} if sim == "icarus" else {"NW": 132 * 2570, "NF": 160}
    regex = r"\.(" + "|".join(tests.split(",")) + r")$"
    T.run_cocotb(TOPLEVEL, SOURCES, "test_sec_rx", Path(__file__).parent, sim=sim, build_name=sim,
                 parameters=params,
                 extra_env={"COCOTB_TEST_FILTER": regex,
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
