# SPDX-License-Identifier: Apache-2.0
"""physec_core (physec_csr + physec_tx + physec_rx) end to end, configured over AXI4-Lite.

Software (cocotbext-axi's AxiLiteMaster) brings the core up as docs/registers.md
describes: ID and VERSION, link IDs, CTRL (TX mode, RX require security), EVENTS
cleared, each key staged (KEY0..7 from ``regmap.key_words``, SALT0..2, KEY_LEN) and
installed with KEY_CMD for AN 0, the TX key activated with REKEY_CMD (AN 0) while frame
0 is on the line; EVENTS read back 0.  Meanwhile the wrapper tb/core/physec_core_tb.sv
plays model client traffic (``default_traffic`` -> ``pcs_tx`` 66b groups after
``vectorset.lead_blocks`` idles, on the ``gmp.client_valid`` schedule) into the TX and
loops the line back into the RX at a random bit offset; it stops feeding the RX after a
computed number of words, so the receiver freezes with exactly the frames the model has
processed.  Checked afterwards:

* the TX line == the model's line (FrameTx with the transcoder's 1-clock delay of the
  valid schedule, frame 0 blank, SecTx with the same key, link ID, mode and rekey) word
  for word, and the TX per-frame records == the model's PAD fields, Cm and MFAS;
* the RX 66b output, frame records and verdicts == the model receiver (Deframer with
  SecRx in the scenario's policy on the same bits, never finished, as the core ties finish low ->
  detranscode_257b); the RX output decodes (decode_66b, mac_decode) to exactly the
  transmitted Ethernet frames, and so does the model's (pcs_rx);
* every counter read over AXI at the end == the model's: RxCounters and SecCounters
  (frozen receiver), TX_CNT_FRAMES == the frames started before the clock the read was
  sampled in (frame t starts in clock 6 + 2570 t), TX underflow / overflow == the model
  mapper's; STATUS (locked, no error bits), EVENTS 0.

Scenarios: ``bringup`` (AES-256, encrypt, one KEY_CMD installs TX and RX at once);
``rekey`` (encrypt; AES-128 key staged for AN 1 on both sides while AN 0 is in use,
REKEY_CMD AN 1 in frame 2: STATUS shows the announcement in frames 8..15 and AN 1 after
the switch at frame 16; RX key_switches == 1; traffic runs across the switch and no
Ethernet frame is lost); ``wrong_key``
(authenticate only, the RX AN 0 key differs: every accepted frame fails its tag, tag
failures over AXI == the model's, the clear payload still delivers every Ethernet frame
in cut-through, set with CTRL.RX_POLICY).  bringup and rekey run the reset default,
store-and-forward.  PHYSEC_REGRESS=1: five times the traffic.

Verilator only: Icarus 11 cannot compile physec_csr_regs, the register block that
peakrdl-regblock generates (its hardware interface is unpacked structs, "sorry: Unpacked
structs not supported"); the chain tops without it still elaborate in Icarus
(tb/chain/test_chain_loop.py).

Environment: PHYSEC_SEED (default physec_tb.DEFAULT_SEED), PHYSEC_REGRESS.
"""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import cocotb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "chain"))

import chainlib as C  # noqa: E402
import physec_tb as T  # noqa: E402
from physec import vectorset  # noqa: E402
from physec.frame import Deframer, FrameTx, RxResult  # noqa: E402
from physec.pad import MODE_AUTH, MODE_BYPASS, MODE_ENCRYPT  # noqa: E402
from physec.pcs import pcs_rx  # noqa: E402
from physec.regmap import (BY_NAME, ID_VALUE, RESP_OKAY, RX_FRAME_COUNTERS, RX_SEC_COUNTERS,  # noqa: E402
                           TX_COUNTERS, VERSION, key_words, salt_words)
from physec.sec import CUT_THROUGH, STORE_AND_FORWARD, SecRx, SecTx  # noqa: E402
from physec.traffic import expected_rx  # noqa: E402
from physec.xcode257 import Blocks257, detranscode_257b  # noqa: E402
from physec_tb.secframes import (P, W, WB, SecFrame, blank_pad, first_diff, make_key, read_hex,  # noqa: E402
                                 secure, write_hex)

TOPLEVEL = "physec_core_tb"
SOURCES = (["rtl/csr/physec_csr_regs.vlt", "rtl/csr/physec_csr_regs_pkg.sv"] + [s for s in C.SOURCES if s.startswith("rtl/")]
           + ["rtl/csr/physec_csr_regs.sv", "rtl/csr/physec_csr.sv", "rtl/top/physec_core.sv", "tb/core/physec_core_tb.sv"])
TX_LATENCY = 12                    # clock of frame 0's line_sof (physec_tx header)
STIM_W = 265
MIN_REKEY_FRAMES = 19              # switch at frame 16 (announced in 8..15); traffic past it
REKEY_AT = TX_LATENCY + 2 * W + 600    # REKEY_CMD in frame 2, after its OH (parameters of frame 3 fixed)


@dataclass(frozen=True)
class Scenario:
    mode: int
    ppm: float
    n_eth: int
    rekey: bool = False
    wrong_key: bool = False
    joint_install: bool = False    # one KEY_CMD with TX and RX (the same key both ways)
    cut_through: bool = False      # CTRL.RX_POLICY = 1 (else the reset default, store-and-forward)


SCENARIOS = {
    "bringup": Scenario(MODE_ENCRYPT, 100.0, 20, joint_install=True),
    "rekey": Scenario(MODE_ENCRYPT, -200.0, 600, rekey=True),     # traffic across the switch
    "wrong_key": Scenario(MODE_AUTH, 0.0, 20, wrong_key=True, cut_through=True),
}


def start_of(t: int) -> int:
    """Clock in which frame t's line_sof leaves physec_tx."""
    return TX_LATENCY + t * W


# --------------------------------------------------------------------------- model

def model_tx(src, n: int, key, link: int, mode: int, events: dict) -> tuple[list, list]:
    """(plain frames 0..n-1, line SecFrames) of the TX top: the mapper sees the valid
    schedule one clock late, frame 0 blank, SecTx from frame 1 (``events[t]`` before
    frame t)."""
    mapper_valid = np.concatenate(([0], src.valid[:-1]))
    ftx = FrameTx(P, src.b257)
    plain = [ftx.frame(mapper_valid[t * W:(t + 1) * W]) for t in range(n)]
    blank = SecFrame(plain[0].oh[0], plain[0].oh, plain[0].plain, blank_pad(), bytes(len(plain[0].plain)),
                     0, 0, MODE_BYPASS, blank=True)
    ev = {t - 1: fn for t, fn in events.items()}
    return plain, [blank] + secure(plain[1:], SecTx(0, key, link, mode), ev)


def model_rx(bits: np.ndarray, keys: dict, link: int, policy: str) -> C.RxRef:
    """The receiver of a continuous link: Deframer + SecRx (``policy``) fed ``bits``, never
    finished (the last frame's verdict stays pending, as with finish tied low)."""
    sec = SecRx(keys, link, policy, require_security=True)
    d = Deframer(P, sec)
    outs = d.feed(np.packbits(bits).tobytes(), len(bits))
    b257 = Blocks257(np.concatenate([o.blocks.hdr for o in outs]), np.concatenate([o.blocks.body for o in outs]))
    res = RxResult(b257, [o.status for o in outs if o.status is not None], d.counters, d.events)
    b66, err = detranscode_257b(b257)
    return C.RxRef(res, sec, T.groups_to_ints(b66.sh.reshape(-1, 4), b66.pl.reshape(-1, 4)), [int(e) for e in err])


def check_rx(run: C.Run, ref: C.RxRef, name: str) -> dict:
    """RTL client groups, frame records, verdicts and counters == the model receiver's
    (chainlib's record decoders; a continuous link: the model's last accepted frame
    still waits for its verdict, and the RTL has given none for it).  Returns the
    non-zero model counters."""
    got = [(v & ((1 << 264) - 1), (v >> 264) & 1) for v in run.blk]
    want = list(zip(ref.groups, ref.err))
    bad = next((i for i, (g, e) in enumerate(zip(got, want)) if g != e), None)
    assert bad is None, f"{name}: 66b group {bad} differs: model {want[bad][0]:#068x} err {want[bad][1]}\n" \
                        f"  RTL {got[bad][0]:#068x} err {got[bad][1]}"
    assert len(got) == len(want), f"{name}: {len(got)} client groups, model {len(want)}"
    frames = ref.res.frames
    assert len(run.rfr) == len(frames), f"{name}: {len(run.rfr)} frame records, model {len(frames)}"
    for t, (v, st) in enumerate(zip(run.rfr, frames)):
        d, e = C.frame_got(v)[1], C.frame_expect(st)
        assert d == e, f"{name}: RX frame {t} (line bit {st.pos}, MFAS {st.mfas}): RTL {d}\n  model {e}"
    decided = [st.sec for st in frames if C.frame_expect(st)["pending"] and st.sec.verdict != "pending"]
    assert len(run.vd) == len(decided), f"{name}: {len(run.vd)} verdicts, model {len(decided)}"
    for v, s in zip(run.vd, decided):
        g = ((v >> 69) & 1, (v >> 68) & 1, (v >> 67) & 1, (v >> 66) & 1, (v >> 64) & 3, v & ((1 << 64) - 1))
        w = (int(s.verdict == "pass"), int("tag lost" in s.reasons), int("tag mismatch" in s.reasons),
             int("key changed" in s.reasons), s.an, s.pn)
        assert g == w, f"{name}: verdict (pass, lost, mismatch, key changed, an, pn) RTL {g}, model {w}"
    model = {f"RX_CNT_{c.upper()}": getattr(ref.res.counters, c) for c, _ in RX_FRAME_COUNTERS}
    model.update({f"RX_CNT_SEC_{c.upper()}": getattr(ref.sec.cnt, c) for c, _ in RX_SEC_COUNTERS})
    axi = {k: run.cnt[k] for k in model}
    assert axi == model, f"{name}: counters over AXI {axi}\n  model {model}"
    return {k: v for k, v in model.items() if v}


# --------------------------------------------------------------------------- bus

class Soft:
    """The management software: register accesses by name (docs/registers.md)."""

    def __init__(self, dut):
        from cocotbext.axi import AxiLiteBus, AxiLiteMaster

        self.dut = dut
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        for i in (self.axil.write_if, self.axil.read_if):
            i.log.setLevel(logging.WARNING)        # one line per access otherwise

    def cyc(self) -> int:
        return int(self.dut.cyc.value)

    async def write(self, name: str, value: int) -> None:
        r = BY_NAME[name]
        resp = await self.axil.write(r.offset, value.to_bytes(4, "little"))
        assert int(resp.resp) == RESP_OKAY, f"write {name}: resp {int(resp.resp)}"

    async def read(self, name: str) -> tuple[int, int]:
        """(value, clock the value was sampled in)."""
        r = BY_NAME[name]
        resp = await self.axil.read(r.offset, 4)
        assert int(resp.resp) == RESP_OKAY, f"read {name}: resp {int(resp.resp)}"
        return int.from_bytes(resp.data, "little"), int(self.dut.ar_cyc.value)

    async def field(self, reg: str, fld: str) -> int:
        f = next(f for f in BY_NAME[reg].fields if f.name == fld)
        return ((await self.read(reg))[0] >> f.lsb) & ((1 << f.width) - 1)

    @staticmethod
    def pack(reg: str, **fields) -> int:
        fl = {f.name: f for f in BY_NAME[reg].fields}
        return sum(v << fl[k].lsb for k, v in fields.items())

    async def install(self, key, an: int, tx: bool, rx: bool) -> None:
        """Key install (docs/registers.md, Sequences): stage, then KEY_CMD."""
        for i, w in enumerate(key_words(key.key)):
            await self.write(f"KEY{i}", w)
        for i, w in enumerate(salt_words(key.salt)):
            await self.write(f"SALT{i}", w)
        if len(key.key) == 16:
            await self.write("KEY_LEN", self.pack("KEY_LEN", AES256=0))
        await self.write("KEY_CMD", self.pack("KEY_CMD", TX=int(tx), RX=int(rx), AN=an))

    async def until(self, clock: int) -> None:
        """Wait until clock ``clock`` has begun."""
        from cocotb.triggers import FallingEdge, Timer

        now = self.cyc()
        assert now <= clock, f"the bus sequence is late: clock {now}, needed by clock {clock}"
        if clock > now:
            await Timer(10 * (clock - now), unit="ns")
        while self.cyc() < clock:
            await FallingEdge(self.dut.clk)


# --------------------------------------------------------------------------- the run

async def run_core(dut, name: str):
    from cocotb.clock import Clock
    from cocotb.triggers import ClockCycles, FallingEdge

    sc = SCENARIOS[name]
    t0 = C.now()
    seed = T.seed() + sum(map(ord, name))
    rng = np.random.default_rng(seed)
    link, keys = vectorset.test_keys(seed)
    key0 = keys[0]
    key1 = make_key(f"core-{name}-an1", 16)
    rx_key0 = make_key(f"core-{name}-wrong") if sc.wrong_key else key0
    n_eth = sc.n_eth * (5 if C.regress() else 1)
    src = C.tx_source(n_eth, seed, sc.ppm, extra_frames=1)
    n = src.n_frames
    assert not sc.rekey or n >= MIN_REKEY_FRAMES, f"{name}: traffic of {n} line frames ends before the key switch"
    # The TX model covers one frame more than the line compared: the counters are read
    # while frame n is on the line.
    events = {4: lambda tx: tx.rekey(1, key1)} if sc.rekey else {}
    plain, expect = model_tx(src, n + 1, key0, link, sc.mode, events)
    off = int(rng.integers(0, P.word_bits))
    stream = C.cut(np.concatenate((np.zeros(off, np.uint8), C.bits_of([f.line for f in expect[:n]]))))
    rx_words = len(stream) // P.word_bits
    rx_keys = {0: rx_key0, 1: key1} if sc.rekey else {0: rx_key0}
    ref = model_rx(stream, rx_keys, link, CUT_THROUGH if sc.cut_through else STORE_AND_FORWARD)
    n_stim = len(src.valid)
    for f in ("cap.hex", "tfr.hex", "blk.hex", "rfr.hex", "vd.hex"):      # a previous test's records
        if os.path.exists(f):
            os.remove(f)
    it = iter(src.groups)
    write_hex("stim.hex", [(1 << 264 | next(it)) if v else 0 for v in src.valid], STIM_W)
    prep = C.now() - t0

    # Reset, stimulus load, then clock 0 = the first clock with rst low.
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    dut.rst.value = 1
    dut.load.value = 0
    dut.dump.value = 0
    dut.n_stim.value = n_stim
    dut.rx_words.value = rx_words
    dut.rx_off.value = off
    sw = Soft(dut)
    await ClockCycles(dut.clk, 2)
    await FallingEdge(dut.clk)
    dut.load.value = 1
    await FallingEdge(dut.clk)
    dut.load.value = 0
    await ClockCycles(dut.clk, 2)
    await FallingEdge(dut.clk)
    dut.rst.value = 0
    t_sim = C.now()

    # ---- bring-up (docs/registers.md): identify, configure, keys, activation
    ident, _ = await sw.read("ID")
    assert ident == ID_VALUE, f"ID {ident:#010x}, expected {ID_VALUE:#010x}"
    assert await sw.field("VERSION", "MAJOR") == VERSION[0], "register map major version"
    await sw.write("TX_LINK_ID", link)
    await sw.write("RX_LINK_ID", link)
    ctrl = sw.pack("CTRL", TX_MODE=sc.mode, RX_REQUIRE_SECURITY=1, RX_POLICY=int(sc.cut_through))
    await sw.write("CTRL", ctrl)
    assert (await sw.read("CTRL"))[0] == ctrl, "CTRL read-back"
    await sw.write("EVENTS", sw.pack("EVENTS", TX_KEY_REFUSED=1, TX_REKEY_REFUSED=1))
    if sc.joint_install:
        await sw.install(key0, 0, tx=True, rx=True)
    else:
        await sw.install(key0, 0, tx=True, rx=False)
        await sw.install(rx_key0, 0, tx=False, rx=True)
    # Activation: after frame 0 started, at least 24 clocks before frame 1 (physec_sec_tx).
    assert start_of(0) < sw.cyc() < start_of(1) - 100, f"activation at clock {sw.cyc()}: not inside frame 0"
    await sw.write("REKEY_CMD", sw.pack("REKEY_CMD", REQ=1, AN=0))
    assert (await sw.read("EVENTS"))[0] == 0, "a key install or the activation was refused"
    bringup_clocks = sw.cyc()

    await sw.until(start_of(1) + W // 2)
    st = (await sw.read("STATUS"))[0]
    assert st & 7 == sw.pack("STATUS", TX_ACTIVE=1, TX_AN=0), f"STATUS {st:#x} in frame 1: AN 0 not active"

    if sc.rekey:
        # AN 1 staged on both sides while AN 0 is in use; REKEY_CMD in frame 2.
        await sw.install(key1, 1, tx=True, rx=False)
        await sw.install(key1, 1, tx=False, rx=True)
        await sw.until(REKEY_AT)
        await sw.write("REKEY_CMD", sw.pack("REKEY_CMD", REQ=1, AN=1))
        assert sw.cyc() < start_of(3), "REKEY_CMD left frame 2 (the model applies it before frame 4)"
        assert (await sw.read("EVENTS"))[0] == 0, "the AN 1 install or the rekey was refused"
        for t, want in ((12, dict(TX_ACTIVE=1, TX_AN=0, TX_REKEY_PENDING=1)),
                        (17, dict(TX_ACTIVE=1, TX_AN=1, TX_REKEY_PENDING=0))):
            await sw.until(start_of(t) + W // 2)
            st = (await sw.read("STATUS"))[0]
            assert st & 0xF == sw.pack("STATUS", **want), f"STATUS {st:#x} in frame {t}, expected {want}"

    # ---- the receiver freezes after rx_words words; read every counter.
    await sw.until(TX_LATENCY + rx_words + 40)
    assert int(dut.rx_fed.value) == rx_words, f"{name}: the receiver got {int(dut.rx_fed.value)} line words"
    regs = ([f"TX_CNT_{c.upper()}" for c, _, _ in TX_COUNTERS] + [f"RX_CNT_{c.upper()}" for c, _ in RX_FRAME_COUNTERS]
            + [f"RX_CNT_SEC_{c.upper()}" for c, _ in RX_SEC_COUNTERS] + ["STATUS", "EVENTS"])
    cnt = {reg: await sw.read(reg) for reg in regs}
    assert sw.cyc() < n_stim, "counters read after the client stimulus ended (the TX FIFO would underflow)"
    await FallingEdge(dut.clk)
    dut.dump.value = 1
    await FallingEdge(dut.clk)
    dut.dump.value = 0
    secs = C.now() - t_sim
    clocks = sw.cyc()

    # ---- TX: line word for word (the last frame captured in part), per-frame records, counters.
    M = (1 << 256) - 1
    cap = read_hex("cap.hex")
    n_tx = -(-(len(cap) - TX_LATENCY) // W)          # frames started; the last one in part
    assert n_tx <= len(expect)
    sofs = [c for c, v in enumerate(cap) if (v >> 256) & 1]
    assert sofs == [start_of(t) for t in range(len(sofs))], f"{name}: line_sof clocks {sofs[:4]}..."
    assert all((v >> 257) & 1 for v in cap[TX_LATENCY:]) and not any((v >> 257) & 1 for v in cap[:TX_LATENCY]), \
        f"{name}: line_valid not 1 from clock {TX_LATENCY} on"
    for t, e in enumerate(expect[:n_tx]):
        nw = min(W, len(cap) - start_of(t))
        line = b"".join((cap[start_of(t) + k] & M).to_bytes(WB, "big") for k in range(nw))
        msg = first_diff(e.line[:nw * WB], line)
        assert not msg, f"{name}: TX frame {t}{' (blank)' if e.blank else ''} (AN {e.an}, PN {e.pn}): {msg}"
    tfr = read_hex("tfr.hex")
    assert len(tfr) in (n_tx - 1, n_tx), f"{name}: {len(tfr)} TX frame records for {n_tx} frames started"
    for t, e in enumerate(expect[:len(tfr)]):
        v = tfr[t]
        got = (v >> 95, (v >> 94) & 1, (v >> 92) & 3, (v >> 90) & 3, (v >> 26) & ((1 << 64) - 1), (v >> 25) & 1,
               (v >> 24) & 1, (v >> 22) & 3, (v >> 8) & 0x3FFF, v & 0xFF)
        f = e.fields
        want = (start_of(t) + 2, 0, MODE_BYPASS, 0, 0, 0, 0, 0) if e.blank else \
            (start_of(t) + 2, 1, f.mode, f.an, f.pn, int(f.tag_valid), int(f.key_change_pending), f.next_an)
        want += (plain[t].map.cm, t & 0xFF)
        assert got == want, f"{name}: TX frame {t} record (clock, protected, mode, an, pn, tv, kcp, next_an, cm, " \
                            f"mfas) {got}, model {want}"
    v, c = cnt["TX_CNT_FRAMES"]
    assert v == sum(start_of(t) < c for t in range(n + 2)), f"{name}: TX_CNT_FRAMES {v} sampled in clock {c}"
    for reg, attr in (("TX_CNT_UNDERFLOW", "underflows"), ("TX_CNT_OVERFLOW", "overflows")):
        v, c = cnt[reg]
        t_cur = c // W                # the frame the mapper works on (its words leave 6 clocks later)
        lo = sum(getattr(p.map, attr) for p in plain[:t_cur])
        assert lo == sum(getattr(p.map, attr) for p in plain[:t_cur + 1]), \
            f"{name}: test design: the model's frame {t_cur} has {attr} (the read would be ambiguous)"
        assert v == lo, f"{name}: {reg} {v}, model {lo}"
    assert frozenset(e.an for e in expect[1:n]) == ({0, 1} if sc.rekey else {0}), f"{name}: TX ANs used"

    # ---- RX: blocks, records, verdicts and every counter from AXI; Ethernet frames out.
    status = cnt["STATUS"][0]
    assert status & sw.pack("STATUS", RX_LOCKED=1), f"{name}: STATUS {status:#x}: RX not locked"
    assert status & sw.pack("STATUS", TX_ALARM_PN=1, TX_ERR_KS=1, TX_ERR_TAG_LATE=1, RX_ERR_KS=1) == 0, \
        f"{name}: STATUS {status:#x}: alarm or error bits"
    assert cnt["EVENTS"][0] == 0, f"{name}: EVENTS {cnt['EVENTS'][0]:#x}"
    run = C.Run([], cap, tfr, read_hex("blk.hex"), read_hex("rfr.hex"),
                read_hex("vd.hex") if os.path.exists("vd.hex") else [], {k: v for k, (v, _) in cnt.items()}, secs)
    nz = check_rx(run, ref, name)
    groups = [b & ((1 << 264) - 1) for b in run.blk]
    # With the wrong key no frame verifies, so relative JCs are stale (spec 4.4 rule 3) and
    # those frames' data is lost: there the groups = model check above is the whole claim.
    if sc.wrong_key:
        n_out = len(C.ethernet(groups))
    else:
        n_out = C.check_ethernet(groups, src.traffic, name)
        model_eth = [f.data for f in pcs_rx(ref.res.blocks).frames]
        assert model_eth == expected_rx(src.traffic.frames), f"{name}: the model receiver's Ethernet frames differ"

    sec = ref.sec.cnt
    recs = [C.frame_got(r)[1] for r in run.rfr]
    assert recs[0]["reasons"] == ["PN not predicted"], f"{name}: frame 1 (the first processed): {recs[0]}"
    # Frame 2 follows the unverifiable frame 1, so a relative JC there is stale (8); the
    # idle lead covers it.  Every other frame of a verified link is delivered.
    STALE = 8
    assert all(r["delivered"] for r in recs[1:] if r["jc_kind"] != STALE), \
        f"{name}: a frame after the first was not delivered"
    if not sc.wrong_key:
        assert all(r["jc_kind"] != STALE for r in recs[2:]), f"{name}: a stale frame after frame 2"
    # Every record but the first has its verdict, but in cut-through the last one's (in
    # store-and-forward a frame's record waits for it).
    n_judged = len(recs) - (2 if sc.cut_through else 1)
    if sc.wrong_key:
        assert sec.tag_failures == n_judged > 0 and sec.passed == 0, f"{name}: model {sec}"
    else:
        assert sec.tag_failures == 0 and sec.passed == n_judged, f"{name}: model {sec}"
    assert sec.key_switches == int(sc.rekey), f"{name}: model key switches {sec.key_switches}"
    dut._log.info("%s: PASS %d TX frames = model word for word, %d RX frames, %d Ethernet frames out = in, "
                  "bit offset %d, bring-up %d clocks; AXI counters = model (non-zero: %s); %d clocks in %.1f s "
                  "= %.0f clocks/s (model %.1f s)", name, n_tx, len(recs), n_out, off, bringup_clocks, nz, clocks,
                  secs, clocks / max(secs, 1e-9), prep)


@cocotb.test()
async def bringup(dut):
    await run_core(dut, "bringup")


@cocotb.test()
async def rekey(dut):
    await run_core(dut, "rekey")


@cocotb.test()
async def wrong_key(dut):
    await run_core(dut, "wrong_key")


def test_core_runner():
    big = 5 * 65536 if C.regress() else 65536
    T.run_cocotb(TOPLEVEL, SOURCES, "test_core", Path(__file__).parent,
                 build_name="verilator-regress" if C.regress() else "verilator",
                 parameters={"NW": big, "NB": big, "NF": 512 if C.regress() else 64},
                 extra_env={"PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})

