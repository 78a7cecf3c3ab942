# SPDX-License-Identifier: Apache-2.0
"""physec_sec_tx (RTL) == physec.sec.SecTx (model) on the framer's line words, bit for bit.

Each scenario takes frames of the model framer without security (AM | placeholder PAD |
OH | plain payload: the line before the security stage; the PAD is replaced by random
bytes so that the RTL must overwrite every PAD bit) and the model transmitter
``SecTx.frame`` applied to each (what ``frame_tx(..., sec=SecTx(...))`` does), with
rekeys placed between frames.  The RTL gets the same words one per clock (some
scenarios with random in_valid pauses), keys through its install port, rekey_req
where the model's ``rekey`` happens.  Checked afterwards:

* every output word from the first out_sof on against the model's secured line (first
  mismatch reported as frame, word and field: PAD byte/field, OH byte, payload block);
* the per-frame fr_* strobe (protected, mode, AN, PN, tag valid, key change pending,
  next AN) against the model's PAD fields;
* the latency: out_sof exactly 8 clocks after in_sof; out_valid = in_valid delayed;
* no err_* flag, and alarm_pn / err_*_refused exactly where a scenario expects them.

Blank frames (RTL only, see physec_sec_tx): before an activation and after PN
exhaustion the expected frame is AM | PAD(version 1, mode 0, PN 0) | OH | zeros.

Scenarios (cocotb tests):
  encrypt      16 frames, AES-256, encrypt and authenticate, random input pauses
  auth         16 frames, AES-128, authenticate only (payload clear, tag over it)
  bypass       8 frames, bypass mode (PAD with AN, PN, no tag)
  mode3        4 frames with cfg_mode = 3, which the port list defines as encrypt:
               expected bit for bit = the model's encrypt mode
  rekey        26 frames: rekey to AN 1 before frame 3, announced in frames 8..15,
               switch at 16 (PN 1); a second rekey_req while one is pending and a key
               write into the announced AN are refused
  late_start   frames flow before any key: 3 blank frames, activation at frame 2's
               start, protected from frame 3 on (PN 1)
  smoke        (Icarus, 4-state) reset, install, activation, frame 0 and frame 1's
               header (frame 0's tag)
  pn_exhaust   the RTL's PN register is set to 2^64 - 2 during frame 0 (the model's
               likewise): frames 1, 2 use the last PNs, frame 3 is blank with alarm_pn,
               a fresh key activated then protects frame 4 on
  late_activation  activation requested 12 clocks before frame 3's in_sof (less than the
               24 its keystream needs): frame 3 is blank and err_ks is set (sticky),
               frame 4 takes the parameters (PN 1)

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
from physec.sec import PN_MAX, SecError, SecTx
from physec_tb.secframes import (SEC_RTL, LINK, P, PAD_OFF, W, WB, SecFrame, blank_pad, first_diff, key_int, plain_frames,
                                 play, read_hex, secure, make_key, words)

TOPLEVEL = "physec_sec_tx_tb"
SOURCES = SEC_RTL + ["tb/sec_tx/physec_sec_tx_tb.sv"]
LATENCY = 8                   # physec_sec_tx: out = in + 8 clocks (the tag deadline)


# --------------------------------------------------------------------------- stimulus

@dataclass
class Stim:
    name: str
    mode: int
    frames_in: list                  # pre-security lines (bytes), one per frame
    expect: list                     # SecFrame per frame (blank ones too)
    keys: list                       # (an, SecKey) installed after reset
    activate: int | None             # AN activated before the first frame (None: see events)
    events: dict = field(default_factory=dict)    # frame i -> [("rekey", an) | ("key", an, SecKey)], at its in_sof
    pauses: float = 0.0              # probability of an in_valid = 0 clock
    expect_refused: dict = field(default_factory=dict)   # frame i -> ("rekey" | "key")
    alarm_from: int | None = None    # first frame with alarm_pn set (by its end)
    late_events: dict = field(default_factory=dict)   # frame i -> events, from word W - LATE_AT on
    err_ks_at: int | None = None     # frame at whose in_sof err_ks is set (keystream not ready)


def _pre_security(frames, rng) -> list[bytes]:
    """The framer's lines with the placeholder PAD replaced by random bytes."""
    out = []
    for f in frames:
        line = bytearray(f.line)
        line[PAD_OFF:PAD_OFF + P.pad_bytes] = rng.bytes(P.pad_bytes)
        out.append(bytes(line))
    return out


def _blank(f) -> SecFrame:
    return SecFrame(f.oh[0], f.oh, f.plain, blank_pad(), bytes(len(f.plain)), 0, 0, MODE_BYPASS, blank=True)


def build(name: str, seed: int) -> Stim:
    rng = np.random.default_rng(seed)
    k0, k1 = make_key(f"{name}-k0"), make_key(f"{name}-k1")
    if name in ("encrypt", "auth", "bypass"):
        n = 8 if name == "bypass" else 16
        fr = plain_frames(n, seed)
        key = make_key(f"{name}-k0", 16 if name == "auth" else 32)
        mode = {"encrypt": MODE_ENCRYPT, "auth": MODE_AUTH, "bypass": MODE_BYPASS}[name]
        exp = secure(fr, SecTx(0, key, LINK, mode))
        return Stim(name, mode, _pre_security(fr, rng), exp, [(0, key)], 0,
                    pauses=0.02 if name == "encrypt" else 0.0)
    if name == "mode3":
        fr = plain_frames(4, seed)
        key = make_key(f"{name}-k0")
        return Stim(name, 3, _pre_security(fr, rng), secure(fr, SecTx(0, key, LINK, MODE_ENCRYPT)), [(0, key)], 0)
    if name == "rekey":
        fr = plain_frames(26, seed)
        exp = secure(fr, SecTx(0, k0, LINK), {3: lambda tx: tx.rekey(1, k1)})
        assert [f.an for f in exp[15:17]] == [0, 1] and exp[16].pn == 1
        assert [f.fields.key_change_pending for f in exp[7:17]] == [False] + [True] * 8 + [False]
        return Stim(name, MODE_ENCRYPT, _pre_security(fr, rng), exp, [(0, k0), (1, k1)], 0,
                    events={2: [("rekey", 1)], 5: [("rekey", 2)], 6: [("key", 1, make_key("other"))]},
                    expect_refused={5: "rekey", 6: "key"})
    if name == "late_start":
        fr = plain_frames(16, seed)
        exp = [_blank(f) for f in fr[:3]] + secure(fr[3:], SecTx(2, k1, LINK))
        return Stim(name, MODE_ENCRYPT, _pre_security(fr, rng), exp, [(2, k1)], None,
                    events={2: [("rekey", 2)]})
    if name == "late_activation":
        fr = plain_frames(8, seed)
        exp = [_blank(f) for f in fr[:4]] + secure(fr[4:], SecTx(2, k1, LINK))
        return Stim(name, MODE_ENCRYPT, _pre_security(fr, rng), exp, [(2, k1)], None,
                    late_events={2: [("rekey", 2)]}, err_ks_at=3)
    if name == "pn_exhaust":
        fr = plain_frames(7, seed)
        tx = SecTx(0, k0, LINK)
        exp = secure(fr[:3], tx, {1: lambda t: setattr(t, "pn", PN_MAX - 1)})
        assert [f.pn for f in exp] == [1, PN_MAX - 1, PN_MAX]
        try:
            tx.frame(fr[3].oh[0], fr[3].oh, fr[3].plain, P.pad_bytes)
            raise AssertionError("the model did not refuse the PN after 2^64 - 1")
        except SecError:
            pass
        exp += [_blank(fr[3])] + secure(fr[4:], SecTx(1, k1, LINK))
        return Stim(name, MODE_ENCRYPT, _pre_security(fr, rng), exp, [(0, k0), (1, k1)], 0,
                    events={3: [("rekey", 1)]}, alarm_from=3)
    raise ValueError(name)


# --------------------------------------------------------------------------- simulation
# Stimulus rows of physec_sec_tx_tb (see its header): bit positions.
R_RST, R_KWE, R_REKEY, R_AN, R_KSEL, R_VALID, R_SOF = 264, 263, 262, 260, 258, 257, 256
STIM_W, TAIL = 265, 16
LATE_AT = 12                             # late_events: clocks before the next in_sof


def row(word=0, valid=0, sof=0, rst=0, key_we=0, rekey=0, an=0, ksel=0) -> int:
    return (rst << R_RST | key_we << R_KWE | rekey << R_REKEY | an << R_AN | ksel << R_KSEL
            | valid << R_VALID | sof << R_SOF | word)


def stimulus(st: Stim, seed: int):
    """Rows, the clock of each in_sof, key table {SecKey: index}."""
    table = {}
    for _, k in st.keys + [(e[1], e[2]) for evs in st.events.values() for e in evs if e[0] == "key"]:
        table.setdefault(k, len(table))
    assert len(table) <= 4
    rows = [row(rst=1)] * 4
    for an, k in st.keys:
        rows.append(row(key_we=1, an=an, ksel=table[k]))
    if st.activate is not None:
        rows.append(row(rekey=1, an=st.activate))
    rows += [row()] * 40                  # the first keystream entry: AES latency + FIFO
    rng = np.random.default_rng(seed + 11)
    sofs = []
    for t, line in enumerate(st.frames_in):
        evs = list(st.events.get(t, []))
        for k, w in enumerate(words(line)):
            if st.pauses and rng.random() < st.pauses:
                rows.append(row())
            if k == W - LATE_AT:
                evs += st.late_events.get(t, [])
            r = row(w, 1, int(k == 0))
            if k == 0:
                sofs.append(len(rows))
            if evs:                       # one event per word from the frame's in_sof on
                ev = evs.pop(0)
                if ev[0] == "rekey":
                    r |= row(rekey=1, an=ev[1])
                else:
                    r |= row(key_we=1, an=ev[1], ksel=table[ev[2]])
            rows.append(r)
    return rows, sofs, table


def key_table(table) -> int:
    v = 0
    for k, i in table.items():
        kv, kl, sv = key_int(k)
        v |= (kv << 97 | kl << 96 | sv) << (353 * i)
    return v


async def _simulate(dut, st: Stim, deposits=()) -> dict:
    from cocotb.clock import Clock

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    rows, sofs, table = stimulus(st, T.seed())
    dut.go.value = 0
    dut.cfg_mode.value = st.mode
    dut.cfg_link_id.value = LINK
    dut.key_tab.value = key_table(table)
    cap, secs = await play(dut, rows, STIM_W, TAIL, deposits(sofs) if deposits else ())
    frs = read_hex("fr.hex") if int(dut.n_fr.value) else []
    return dict(rows=rows, sofs=sofs, cap=cap, frs=frs, clocks=len(rows) + TAIL, secs=secs)


def _check(dut, st: Stim, r: dict):
    nf = len(st.expect)
    rows, cap, sofs = r["rows"], r["cap"], r["sofs"]
    bit = lambda v, b: (v >> b) & 1                                     # noqa: E731
    # Latency and valid: cap[p] holds the outputs of clock p.
    out_sofs = [p for p, c in enumerate(cap) if bit(c, 256)]
    lat = [o - s for o, s in zip(out_sofs, sofs)]
    assert len(out_sofs) == nf and set(lat) == {LATENCY}, f"out_sof - in_sof per frame: {lat}"
    iv = [bit(x, R_VALID) for x in rows] + [0] * TAIL
    ov = [bit(c, 257) for c in cap]
    assert ov[LATENCY:] == iv[:len(ov) - LATENCY], f"out_valid is not in_valid delayed by {LATENCY} clocks"
    # Words.
    pos = [p for p, c in enumerate(cap) if bit(c, 257) and p >= out_sofs[0]]
    got_w = [cap[p] & ((1 << 256) - 1) for p in pos]
    assert len(got_w) == nf * W, f"{len(got_w)} words from the first out_sof on, expected {nf * W}"
    for t, e in enumerate(st.expect):
        got = b"".join(x.to_bytes(WB, "big") for x in got_w[t * W:(t + 1) * W])
        msg = first_diff(e.line, got, at=lambda k, t=t: cap.at(pos[t * W + k]))
        assert not msg, f"{st.name}: frame {t}{' (blank)' if e.blank else ''} (AN {e.an}, PN {e.pn}): {msg}"
    # Per-frame PAD fields: {clock, protected, mode, an, pn, tv, kcp, next_an}.
    frs = [(v >> 73, (v >> 72) & 1, (v >> 70) & 3, (v >> 68) & 3, (v >> 4) & ((1 << 64) - 1), (v >> 3) & 1,
            (v >> 2) & 1, v & 3) for v in r["frs"]]
    assert len(frs) == nf, f"{len(frs)} fr_valid strobes, expected {nf}"
    for t, (e, g) in enumerate(zip(st.expect, frs)):
        f = e.fields
        want = (sofs[t] + 1, 0, MODE_BYPASS, 0, 0, 0, 0, 0) if e.blank else \
               (sofs[t] + 1, 1, f.mode, f.an, f.pn, int(f.tag_valid), int(f.key_change_pending), f.next_an)
        assert g == want, f"frame {t}: fr_(clock, protected, mode, an, pn, tag_valid, kcp, next_an) = {g}, " \
                          f"model {want}"
    # Flags after the reset rows (an earlier test may leave them set until then):
    # err_tag_late 0, err_ks too unless expected (then sticky from that frame's in_sof on);
    # refusal pulses where expected; alarm_pn.
    frame_of = lambda p: max([t for t, s in enumerate(sofs) if s < p], default=-1)   # noqa: E731
    assert not any(bit(c, 258) for c in cap[4:]), "err_tag_late raised"
    ks = [p for p, c in enumerate(cap) if p >= 4 and bit(c, 259)]
    if st.err_ks_at is None:
        assert not ks, f"err_ks raised in clock {ks[0] if ks else None}"
    else:
        assert ks and frame_of(ks[0]) == st.err_ks_at and ks[0] - sofs[st.err_ks_at] <= 2 and \
            ks == list(range(ks[0], len(cap))), \
            f"err_ks: first set in clock {ks[0] if ks else None}, expected right after frame " \
            f"{st.err_ks_at}'s in_sof (clock {sofs[st.err_ks_at]}), then sticky"
    refused = sorted([(frame_of(p), "rekey") for p, c in enumerate(cap) if bit(c, 261)] +
                     [(frame_of(p), "key") for p, c in enumerate(cap) if bit(c, 260)])
    exp_ref = sorted(st.expect_refused.items())
    assert refused == exp_ref, f"refusals (frame, kind) {refused}, expected {exp_ref}"
    alarm = [bit(cap[s], 262) for s in sofs] + [bit(cap[-1], 262)]
    if st.alarm_from is None:
        assert not any(alarm), f"alarm_pn at the in_sof clocks: {alarm}"
    else:
        # raised when frame alarm_from's parameters were due (during the frame before), cleared
        # by the activation decided during frame alarm_from
        assert alarm[st.alarm_from] == 1 and not any(alarm[:st.alarm_from]) and alarm[-1] == 0, \
            f"alarm_pn at the in_sof clocks: {alarm}"


MODE_NAMES = {MODE_ENCRYPT: "encrypt", MODE_AUTH: "auth", MODE_BYPASS: "bypass"}


def record_coverage(r: dict):
    """Functional bins from the RTL: its fr_* strobes (fr.hex) and flags (cap.hex)."""
    frs = [((v >> 72) & 1, (v >> 70) & 3, (v >> 68) & 3, (v >> 4) & ((1 << 64) - 1), (v >> 2) & 1)
           for v in r["frs"]]                                  # protected, mode, an, pn, kcp
    modes = [MODE_NAMES.get(m, f"mode{m}") if p else "blank" for p, m, *_ in frs]
    fcov.sample("sec.mode_tx", {m: modes.count(m) for m in fcov.MODEL["sec.mode_tx"]})
    prev = [(0,) + (None,) * 4] + frs[:-1]
    fcov.sample("sec.rekey", {
        "tx_activation": sum(f[0] and not q[0] for f, q in zip(frs, prev)),
        "tx_announce": sum(f[0] and f[4] for f in frs),
        "tx_switch": sum(f[0] and q[0] and f[2] != q[2] and f[3] == 1 for f, q in zip(frs, prev))})
    cap = r["cap"][4:]                                        # after the reset rows
    bits = {"alarm_pn": 262, "err_rekey_refused": 261, "err_key_refused": 260, "err_ks": 259, "err_tag_late": 258}
    fcov.sample("sec_tx.alarms", {n: sum((c >> b) & 1 for c in cap) for n, b in bits.items()})


async def run_scenario(dut, name: str):
    t0 = time.perf_counter()
    st = build(name, T.seed())
    prep = time.perf_counter() - t0
    deposits = None
    if name == "pn_exhaust":
        # The PN after frame 0's: 2^64 - 2, written into the RTL's PN register during frame 0
        # (after its parameters were decided, before frame 1's are); the model likewise.
        def deposits(sofs):
            def poke():
                dut.u_dut.pn_q.value = PN_MAX - 1
            return [(sofs[0] + 1, poke)]
    r = await _simulate(dut, st, deposits)
    _check(dut, st, r)
    record_coverage(r)
    prot = sum(not e.blank for e in st.expect)
    dut._log.info("%s: PASS %d frames (%d protected, %d blank) bit for bit, latency %d clocks; %d clocks in %.1f s "
                  "= %.0f clocks/s (stimulus + model %.2f s)", name, len(st.expect), prot, len(st.expect) - prot,
                  LATENCY, r["clocks"], r["secs"], r["clocks"] / r["secs"], prep)


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
async def mode3(dut):
    await run_scenario(dut, "mode3")


@cocotb.test()
async def rekey(dut):
    await run_scenario(dut, "rekey")


@cocotb.test()
async def late_start(dut):
    await run_scenario(dut, "late_start")


@cocotb.test()
async def late_activation(dut):
    await run_scenario(dut, "late_activation")


@cocotb.test()
async def pn_exhaust(dut):
    await run_scenario(dut, "pn_exhaust")


@cocotb.test()
async def smoke(dut):
    """Short run for a 4-state simulator (Icarus): reset, key install, activation, frame 0
    and the first 6 words of frame 1; every output word equals the model's (frame 1's word
    3 carries frame 0's tag and the CRC-32 over it) and nothing after reset is X/Z."""
    from cocotb.clock import Clock

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    k0 = make_key("smoke-k0")
    fr = plain_frames(2, T.seed())
    exp = secure(fr, SecTx(0, k0, LINK))
    pre = _pre_security(fr, np.random.default_rng(T.seed()))
    rows = [row(rst=1)] * 4 + [row(key_we=1, an=0, ksel=0), row(rekey=1, an=0)] + [row()] * 30
    sof = len(rows)
    want = words(exp[0].line) + words(exp[1].line)[:6]
    rows += [row(w, 1, int(k == 0)) for k, w in enumerate(words(pre[0]))]
    rows += [row(w, 1, int(k == 0)) for k, w in enumerate(words(pre[1])[:6])]
    dut.go.value = 0
    dut.cfg_mode.value = MODE_ENCRYPT
    dut.cfg_link_id.value = LINK
    dut.key_tab.value = key_table({k0: 0})
    cap, secs = await play(dut, rows, STIM_W, TAIL, allow_x=True)
    bad = [p for p, c in enumerate(cap) if p >= 4 and c is None]
    assert not bad, f"X/Z recorded after reset in clocks {bad[:10]}"
    got = [cap[sof + LATENCY + k] for k in range(len(want))]
    assert all((c >> 257) & 1 for c in got), "out_valid missing"
    for k, (g, w) in enumerate(zip(got, want)):
        g &= (1 << 256) - 1
        assert g == w, f"frame {k // W} word {k % W}: RTL {g:064x}\n        model {w:064x}"
    assert not any((c >> 258) & 3 for c in cap[4:]), "err_ks / err_tag_late"
    dut._log.info("smoke: PASS, frame 0 and frame 1's header (with frame 0's tag) bit for bit (%d clocks in "
                  "%.1f s)", len(rows) + TAIL, secs)


# --------------------------------------------------------------------------- pytest

RUNS = {
    # id: (simulator, testbench parameters, cocotb tests)
    "verilator": ("verilator", None, "encrypt,auth,bypass,mode3,rekey,late_start,pn_exhaust,late_activation"),
    "icarus": ("icarus", {"NW": 8192, "NF": 4}, "smoke"),
}


@pytest.mark.parametrize("run", list(RUNS))
def test_sec_tx_runner(run):
    sim, params, tests = RUNS[run]
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    regex = r"\.(" + "|".join(tests.split(",")) + r")$"
    T.run_cocotb(TOPLEVEL, SOURCES, "test_sec_tx", Path(__file__).parent, parameters=params, sim=sim,
                 build_name=run,
                 extra_env={"COCOTB_TEST_FILTER": regex,
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
