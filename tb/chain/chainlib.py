# SPDX-License-Identifier: Apache-2.0
"""Stimulus, model reference and checks for the chain tops (tb/physec_tx, tb/physec_rx,
tb/chain), all driven through the file player tb/chain/physec_chain_tb.sv.

Model of physec_tx (rtl/top/physec_tx.sv): the 66b blocks of ``pcs_tx`` ->
``transcode_257b`` -> ``FrameTx`` with the client valid schedule seen one clock later
(the transcoder's register), frame 0 blank (no key can be active before it) and
``SecTx`` (what ``FrameTx(p, b257, SecTx)`` applies per frame) from frame 1 on, the
frame the testbench activates the key for.

Model of physec_rx (rtl/top/physec_rx.sv): ``deframe(p, bits, SecRx(..., policy))`` ->
``detranscode_257b``, policy STORE_AND_FORWARD (the RTL's reset default) or CUT_THROUGH
(``rx_cut_through``); per-frame status, verdicts and counters from the same run.

Line words: word k = frame bits [256k, 256k + 255], bit 255 first (spec 2.1).  66b groups:
one int per clock, block j in bits [66j + 65 : 66j] (physec_tb.groups_to_ints).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field

import numpy as np

import physec_tb as T
from physec.frame import Deframer, FrameTx, RxResult, _concat, deframe
from physec.gmp import client_valid
from physec.mac import mac_decode
from physec.pad import MODE_BYPASS, MODE_ENCRYPT
from physec.pcs import pcs_tx
from physec.pcs66 import Blocks66, decode_66b, encode_66b, idle_cgmii
from physec.sec import CUT_THROUGH, STORE_AND_FORWARD, SecRx, SecTx
from physec.traffic import default_traffic, expected_rx
from physec.vectorset import lead_blocks
from physec.xcode257 import detranscode_257b
from physec_tb.secframes import (LINK, SEC_RTL, P, W, WB, SecFrame, blank_pad, first_diff, key_int, make_key, play,
                                 read_hex, secure, words)

TOPLEVEL = "physec_chain_tb"
SOURCES = (["rtl/pcs/physec_pcs_pkg.sv", "rtl/common/physec_crc_pkg.sv"] + SEC_RTL
           + ["rtl/xcode257/physec_xcode_257b.sv", "rtl/xcode257/physec_dexcode_257b.sv",
              "rtl/frame/physec_gmp_map.sv", "rtl/frame/physec_framer.sv", "rtl/frame/physec_slot_gearbox.sv",
              "rtl/frame/physec_frame_tx.sv", "rtl/frame/physec_aligner.sv", "rtl/frame/physec_gmp_demap.sv", "rtl/frame/physec_rx_counters.sv",
              "rtl/top/physec_tx.sv", "rtl/top/physec_rx.sv", "tb/chain/physec_chain_tb.sv"])

TX_LATENCY = 12         # mapper clock -> line word (physec_tx header)
# Line word completing the frame word with a slot's last bit -> its 66b blocks (physec_rx
# header), per policy: cut-through; store-and-forward one frame period more (plus the
# check latency), the same for every block of a stream without pauses.
RX_LATENCY = {CUT_THROUGH: 22, STORE_AND_FORWARD: 22 + 2570}
HOLD = RX_LATENCY[STORE_AND_FORWARD] - RX_LATENCY[CUT_THROUGH]   # a held frame's wait for its verdict
POLICIES = (STORE_AND_FORWARD, CUT_THROUGH)
RESET_ROWS = 4
STIM_W, TAIL = 280, 8         # TAIL: shorter than the GMP FIFO target, so the client never runs dry
F, H = P.frame_bits, P.header_bits
KIND = {"same": 0, "+1": 1, "+2": 2, "-1": 3, "-2": 4, "new": 5, "crc": 6, "pattern": 7, "stale": 8}
RX_COUNTERS = ["frames", "am_bad", "oh_crc_errors", "jc_crc_errors", "jc_pattern_errors", "unusable_frames",
               "lock_losses", "locks", "lost_frames", "error_blocks", "sec_dropped"]
SEC_COUNTERS = ["frames", "passed", "failed", "bypass", "tag_failures", "tags_lost", "replays", "unknown_an",
                "pad_errors", "pn_unpredicted", "key_switches", "key_changed"]
ARRIVAL = ("PAD invalid", "bypass not allowed", "unknown AN", "replay", "PN not predicted", "key changed")
TX_CNT, FLAGS = 23, 26        # cnt.hex words: TX counters, flags
ACTIVATE_CLOCK = 10     # TX rekey_req (activation): after frame 0's line_sof (clock 4 at physec_sec_tx)


def regress() -> bool:
    return os.environ.get("PHYSEC_REGRESS", "") not in ("", "0")


# --------------------------------------------------------------------------- stimulus rows

def row(data=0, c_valid=0, l_valid=0, rst=0, tx_kwe=0, rx_kwe=0, rekey=0, an=0, ksel=0, req=1, fin=0,
        tx_erase=0, rx_erase=0) -> int:
    return (tx_erase << 277 | rx_erase << 276 | rst << 275 | tx_kwe << 274 | rx_kwe << 273 | rekey << 272
            | an << 270 | ksel << 268 | req << 267 | fin << 266 | c_valid << 265 | l_valid << 264 | data)


def key_table(keys) -> tuple[int, dict]:
    """(key_tab port value, {SecKey: entry})."""
    table = {}
    for k in keys:
        table.setdefault(k, len(table))
    assert len(table) <= 4
    v = 0
    for k, i in table.items():
        kv, kl, sv = key_int(k)
        v |= (kv << 97 | kl << 96 | sv) << (353 * i)
    return v, table


IDLE_GROUP = T.groups_to_ints(*(x.reshape(-1, 4) for x in encode_66b(idle_cgmii(32))))[0]


@dataclass
class TxSource:
    """Ethernet traffic through the model PCS, and the client schedule of the TX top."""
    traffic: object
    groups: list                 # 66b groups (ints), idle groups appended to cover the schedule
    valid: np.ndarray            # per TX clock (0 = first clock after reset): client_valid
    n_frames: int                # line frames compared
    b257: object                 # the model's 257b stream (pcs_tx)


def tx_source(n_eth: int, seed: int, ppm: float, extra_frames: int = 0) -> TxSource:
    """Traffic of ``n_eth`` Ethernet frames after the idle lead of the vector sets; line
    frames: enough to carry it all plus two (lock, first PN), plus ``extra_frames``."""
    traffic = default_traffic(n_eth, seed)
    pcs = pcs_tx(traffic, lead_blocks=lead_blocks(P))
    n = math.ceil(len(pcs.b257) / P.cm_nominal) + 2 + extra_frames
    valid = client_valid(P, n + 1, ppm).astype(np.uint8)         # one frame more: the tail keeps feeding
    groups = T.groups_to_ints(pcs.b66.sh.reshape(-1, 4), pcs.b66.pl.reshape(-1, 4))
    groups += [IDLE_GROUP] * max(0, int(valid.sum()) - len(groups))
    return TxSource(traffic, groups, valid, n, pcs.b257)


def model_tx(src: TxSource, key, mode: int = MODE_ENCRYPT) -> tuple[list, list]:
    """(plain TxFrames, SecFrames on the line) of the physec_tx model (module doc)."""
    mapper_valid = np.concatenate(([0], src.valid[:-1]))         # the transcoder's register
    ftx = FrameTx(P, src.b257)
    plain = [ftx.frame(mapper_valid[t * W:(t + 1) * W]) for t in range(src.n_frames)]
    blank = SecFrame(plain[0].oh[0], plain[0].oh, plain[0].plain, blank_pad(), bytes(len(plain[0].plain)),
                     0, 0, MODE_BYPASS, blank=True)
    return plain, [blank] + secure(plain[1:], SecTx(0, key, LINK, mode))


def tx_rows(src: TxSource, table: dict, tx_key, rx_keys: dict | None = None, tail_rows: int = 16) -> list:
    """Reset, TX key install (clock 0), RX key installs, activation at ACTIVATE_CLOCK,
    the client groups on the schedule for n_frames frames plus ``tail_rows`` clocks."""
    rows = [row(rst=1)] * RESET_ROWS
    events = {0: row(tx_kwe=1, an=0, ksel=table[tx_key]), ACTIVATE_CLOCK: row(rekey=1, an=0)}
    for i, (an, k) in enumerate((rx_keys or {}).items()):
        events[1 + i] = row(rx_kwe=1, an=an, ksel=table[k])
    it = iter(src.groups)
    for c in range(src.n_frames * W + tail_rows):
        v = int(src.valid[c])
        rows.append(row(next(it) if v else 0, c_valid=v, req=1) | events.get(c, 0))
    return rows


def rx_rows(words_: list, valid: list, table: dict, rx_keys: dict, require: bool = True) -> list:
    """Reset, RX key installs, 30 idle clocks, the line words (line_valid per ``valid``),
    then idle clocks, finish (SecRx.finish) and idle clocks: a frame more than the
    release buffer holds, so that store-and-forward drains after finish."""
    req = int(require)
    rows = [row(rst=1, req=req)] * RESET_ROWS
    rows += [row(rx_kwe=1, an=an, ksel=table[k], req=req) for an, k in rx_keys.items()]
    rows += [row(req=req)] * 30
    it = iter(words_)
    for v in valid:
        rows.append(row(next(it), l_valid=1, req=req) if v else row(req=req))
    rows += [row(req=req)] * 24 + [row(req=req, fin=1)] + [row(req=req)] * (W + 40)
    return rows


# --------------------------------------------------------------------------- simulation

@dataclass
class Run:
    rows: list
    cap: list
    tfr: list = field(default_factory=list)
    blk: list = field(default_factory=list)
    rfr: list = field(default_factory=list)
    vd: list = field(default_factory=list)
    cnt: list = field(default_factory=list)
    secs: float = 0.0
    sf_leaks: int = 0

    @property
    def clocks(self) -> int:
        return len(self.rows) + TAIL

    @property
    def flags(self) -> int:
        return self.cnt[FLAGS]


async def simulate(dut, rows, key_tab: int, mode: int = MODE_ENCRYPT, rx_off: int = 0,
                   policy: str = STORE_AND_FORWARD) -> Run:
    from cocotb.clock import Clock

    import cocotb

    for f in ("tfr.hex", "blk.hex", "rfr.hex", "vd.hex", "cnt.hex"):
        if os.path.exists(f):
            os.remove(f)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    dut.go.value = 0
    dut.cfg_mode.value = mode
    dut.cfg_link_id.value = LINK
    dut.key_tab.value = key_tab
    dut.rx_off.value = rx_off
    dut.rx_cut_through.value = int(policy == CUT_THROUGH)
    cap, secs = await play(dut, rows, STIM_W, TAIL)
    # Records of clock 0 are the previous run's outputs (reset acts at the end of clock 0).
    rd = lambda f, clk_lsb: [v for v in (read_hex(f) if os.path.exists(f) else []) if v >> clk_lsb]  # noqa: E731
    c = read_hex("cnt.hex")[0]
    return Run(rows, cap, rd("tfr.hex", 95), rd("blk.hex", 265), rd("rfr.hex", 116), rd("vd.hex", 70),
               [(c >> (32 * i)) & 0xFFFFFFFF for i in range(32)], secs, int(dut.sf_leaks.value))


# --------------------------------------------------------------------------- TX checks

def tx_line_words(run: Run) -> tuple[list, list]:
    """(line words from the first line_sof on, clocks of every line_sof).  Clock 0 still
    shows the previous run's outputs (reset acts at its end)."""
    M = (1 << 256) - 1
    sofs = [p for p, c in enumerate(run.cap) if (c >> 256) & 1 and p > 0]
    got = [c & M for p, c in enumerate(run.cap) if (c >> 257) & 1 and sofs and p >= sofs[0]]
    return got, sofs


def check_tx(run: Run, expect: list, plain: list, name: str) -> list[bytes]:
    """physec_tx's line == the model's, frame for frame; records, latency, flags, counters.
    Returns the line frames as bytes."""
    got, sofs = tx_line_words(run)
    n = len(expect)
    first_valid = next(p for p, c in enumerate(run.cap) if (c >> 257) & 1 and p > 0)
    assert first_valid == RESET_ROWS + TX_LATENCY, f"line_valid from clock {first_valid - RESET_ROWS}"
    assert sofs[:n] == [RESET_ROWS + TX_LATENCY + t * W for t in range(n)], \
        f"{name}: line_sof clocks {[s - RESET_ROWS for s in sofs[:n]]}, expected {TX_LATENCY} + {W} t"
    assert all((c >> 257) & 1 for c in run.cap[first_valid:]), "line_valid dropped"
    frames = []
    for t, e in enumerate(expect):
        line = b"".join(x.to_bytes(WB, "big") for x in got[t * W:(t + 1) * W])
        msg = first_diff(e.line, line, at=lambda k, t=t: run.cap.at(sofs[t] + k))
        assert not msg, f"{name}: frame {t}{' (blank)' if e.blank else ''} (AN {e.an}, PN {e.pn}): {msg}"
        frames.append(line)
    # Records {clock, protected, mode, an, pn, tv, kcp, next_an, cm, mfas}, 2 clocks after line_sof.
    recs = [(v >> 95, (v >> 94) & 1, (v >> 92) & 3, (v >> 90) & 3, (v >> 26) & ((1 << 64) - 1), (v >> 25) & 1,
             (v >> 24) & 1, (v >> 22) & 3, (v >> 8) & 0x3FFF, v & 0xFF) for v in run.tfr]
    for t, e in enumerate(expect):
        f = e.fields
        want = (sofs[t] + 2, 0, MODE_BYPASS, 0, 0, 0, 0, 0) if e.blank else \
               (sofs[t] + 2, 1, f.mode, f.an, f.pn, int(f.tag_valid), int(f.key_change_pending), f.next_an)
        want += (plain[t].map.cm, t & 0xFF)
        assert recs[t] == want, f"{name}: frame {t} record (clock, protected, mode, an, pn, tv, kcp, next_an, cm, " \
                                f"mfas) {recs[t]}, model {want}"
    assert run.flags & 0x1F == 0, f"{name}: TX flags (alarm_pn, key/rekey refused, err_ks, err_tag_late) " \
                                  f"{run.flags & 0x1F:05b}"
    uf = sum(p.map.underflows for p in plain)
    of = sum(p.map.overflows for p in plain)
    assert (run.cnt[TX_CNT + 1], run.cnt[TX_CNT + 2]) == (uf, of), \
        f"underflow/overflow {run.cnt[TX_CNT + 1:TX_CNT + 3]}, model {(uf, of)}"
    assert run.cnt[TX_CNT] == len(sofs), f"cnt_frames {run.cnt[TX_CNT]}, {len(sofs)} line_sof seen"
    return frames


# --------------------------------------------------------------------------- RX reference and checks

def bits_of(frames_bytes) -> np.ndarray:
    return np.unpackbits(np.frombuffer(b"".join(frames_bytes), np.uint8))


def cut(stream: np.ndarray) -> np.ndarray:
    """End the stream where the RTL has processed exactly the frames the model does: frame
    s's last word leaves the aligner's AM window with the line word two words after its
    end, and the next AM is looked at one word later (as tb/frame_rx)."""
    full = deframe(P, stream)
    for st in reversed(full.frames):
        c = (st.pos // P.word_bits + W + 2) * P.word_bits
        if c <= len(stream):
            return stream[:c]
    raise AssertionError("no frame processed")


def pack_words(bits: np.ndarray) -> list:
    return [int.from_bytes(r.tobytes(), "big") for r in np.packbits(bits).reshape(-1, P.word_bits // 8)]


@dataclass
class RxRef:
    res: object                  # RxResult
    sec: SecRx
    groups: list                 # 66b groups (ints)
    err: list                    # per group: detranscode_257b err


def rx_reference(bits: np.ndarray, keys: dict, require: bool = True, policy: str = STORE_AND_FORWARD,
                 finish: bool = True) -> RxRef:
    """The model receiver on ``bits``; ``finish`` = False: a live link (the stream does not
    end, so the last frame keeps its verdict pending and, in store-and-forward, its data)."""
    sec = SecRx(keys, LINK, policy, require_security=require)
    if finish:
        res = deframe(P, bits, sec)
    else:
        d = Deframer(P, sec)
        outs = d.feed(np.packbits(bits).tobytes(), len(bits))
        res = RxResult(_concat([o.blocks for o in outs]), [o.status for o in outs if o.status is not None],
                       d.counters, d.events)
    b66, err = detranscode_257b(res.blocks)
    return RxRef(res, sec, T.groups_to_ints(b66.sh.reshape(-1, 4), b66.pl.reshape(-1, 4)),
                 [int(e) for e in err])


def frame_expect(st) -> dict:
    s = st.sec
    arrival = [] if s.accepted else list(s.reasons)
    d = dict(am_good=int(st.am_good), oh_crc_ok=int(st.oh_crc_ok), jc_crc_ok=int(st.jc.crc_ok),
             jc_kind=KIND[st.jc.kind], usable=int(st.usable), cm=st.cm, mfas=st.mfas, stat=st.stat,
             reasons=sorted(arrival), bypass=int(s.mode == MODE_BYPASS),
             pending=int(s.accepted),
             release=int(s.released), delivered=int(st.delivered))
    if s.mode is not None:
        d.update(an=s.an, pn=s.pn, mode=s.mode)
    return d


def frame_got(v: int) -> tuple[int, dict]:
    b = lambda i: (v >> i) & 1                                  # noqa: E731
    reasons = [r for r, i in zip(ARRIVAL, (9, 7, 6, 5, 4, 3)) if b(i)]
    d = dict(am_good=b(115), oh_crc_ok=b(114), jc_crc_ok=b(113), jc_kind=(v >> 109) & 15, usable=b(108),
             cm=(v >> 94) & 0x3FFF, mfas=(v >> 86) & 0xFF, stat=(v >> 78) & 0xFF, reasons=sorted(reasons),
             bypass=b(8), pending=b(2), release=b(1), delivered=b(0))
    if not b(9):                                                 # a valid PAD: its fields
        d.update(an=(v >> 76) & 3, pn=(v >> 12) & ((1 << 64) - 1), mode=(v >> 10) & 3)
    return v >> 116, d


def check_rx(run: Run, ref: RxRef, name: str) -> dict:
    """RTL client blocks, per-frame records, verdicts, counters == the model's."""
    res = ref.res
    M264 = (1 << 264) - 1
    got = [v & M264 for v in run.blk]
    err = [(v >> 264) & 1 for v in run.blk]
    for i, (e, g) in enumerate(zip(ref.groups, got)):
        if e != g or ref.err[i] != err[i]:
            raise AssertionError(f"{name}: 66b group {i} (257b block {i}) differs, sampled at "
                                 f"{run.cap.base.at(run.blk[i] >> 265)}: model {e:#068x} err "
                                 f"{ref.err[i]}\n  RTL {g:#068x} err {err[i]}")
    assert len(got) == len(ref.groups), f"{name}: {len(got)} client groups, model {len(ref.groups)}"
    assert len(run.rfr) == len(res.frames), f"{name}: {len(run.rfr)} frame records, model {len(res.frames)}"
    for t, (v, st) in enumerate(zip(run.rfr, res.frames)):
        _, d = frame_got(v)
        e = frame_expect(st)
        assert d == e, f"{name}: frame {t} (line bit {st.pos}, MFAS {st.mfas}) record at " \
                       f"{run.cap.base.at(v >> 115)}: RTL {d}\n  model {e}"
    pend = [st.sec for st in res.frames if frame_expect(st)["pending"]]
    assert len(run.vd) == len(pend), f"{name}: {len(run.vd)} verdicts, model {len(pend)}"
    for v, s in zip(run.vd, pend):
        g = ((v >> 69) & 1, (v >> 68) & 1, (v >> 67) & 1, (v >> 66) & 1, (v >> 64) & 3, v & ((1 << 64) - 1))
        w = (int(s.verdict == "pass"), int("tag lost" in s.reasons), int("tag mismatch" in s.reasons),
             int("key changed" in s.reasons), s.an, s.pn)
        assert g == w, f"{name}: verdict (pass, lost, mismatch, key changed, an, pn) RTL {g}, model {w}"
    cnt = {c: run.cnt[i] for i, c in enumerate(RX_COUNTERS)}
    want = {c: getattr(res.counters, c) for c in RX_COUNTERS}
    assert cnt == want, f"{name}: frame counters RTL {cnt}\n  model {want}"
    scnt = {c: run.cnt[11 + i] for i, c in enumerate(SEC_COUNTERS)}
    swant = {c: getattr(ref.sec.cnt, c) for c in SEC_COUNTERS}
    assert scnt == swant, f"{name}: security counters RTL {scnt}\n  model {swant}"
    assert not (run.flags >> 5) & 3, f"{name}: RX err_ks / err_buf {(run.flags >> 5) & 3:02b}"
    if ref.sec.policy == STORE_AND_FORWARD:
        assert run.sf_leaks == 0, f"{name}: {run.sf_leaks} data blocks of unreleased frames left the demapper"
    return {k: v for k, v in {**want, **{f"sec_{k}": v for k, v in swant.items()}}.items() if v}


def ethernet(groups: list) -> list:
    """Ethernet frames (mac_decode) of a 66b group stream."""
    sh, pl = T.ints_to_groups(groups)
    frames, _ = mac_decode(decode_66b(Blocks66(sh.reshape(-1), pl.reshape(-1))))
    return frames


def check_ethernet(groups: list, traffic, name: str) -> int:
    """Every transmitted Ethernet frame comes out, good, in order, and nothing else."""
    fr = ethernet(groups)
    exp = expected_rx(traffic.frames)
    bad = [f for f in fr if not f.good]
    assert not bad, f"{name}: {len(bad)} bad Ethernet frames out ({bad[0].reason})"
    assert [f.data for f in fr] == exp, f"{name}: {len(fr)} Ethernet frames out, {len(exp)} in; first difference " \
        f"at {next((i for i, (a, b) in enumerate(zip(fr, exp)) if a.data != b), min(len(fr), len(exp)))}"
    return len(fr)


def block_latency(run: Run, ref: RxRef, first_row: int, held=None, skip_last: bool = False) -> set:
    """Clocks from the line word that completes the frame word holding a slot's last bit
    (the frame words are the frame's 256-bit grid, at the line's bit offset) to the slot's
    66b group, per block, for a stream without pauses or lost frames (blocks = the frames'
    data slots in order).  ``skip_last``: not the last frame's (store-and-forward releases
    it at finish)."""
    from physec.gmp import slot_map

    lat, i = set(), 0
    for n, st in enumerate(ref.res.frames):   # an unusable frame: error blocks at the data slots of Cm'
        for j in np.flatnonzero(slot_map(st.cm, P.n_slots)):
            k = (H + (int(j) + 1) * P.slot_bits - 1) // P.word_bits        # frame word
            if not (skip_last and n == len(ref.res.frames) - 1):
                lat.add((run.blk[i] >> 297 - 32) - (first_row + (st.pos + P.word_bits * k + P.word_bits - 1)
                                                    // P.word_bits) - (held and held[n]) * HOLD)
            i += 1
    assert i == len(run.blk), "block_latency: blocks other than the frames' slots"
    return lat


def log_run(dut, name: str, run: Run, extra: str = "", prep: float = 0.0):
    dut._log.info("%s: PASS %s; %d clocks in %.1f s = %.0f clocks/s (model %.1f s)", name, extra, run.clocks,
                  run.secs, run.clocks / max(run.secs, 1e-9), prep)


def now() -> float:
    return time.perf_counter()


__all__ = ["TOPLEVEL", "SOURCES", "TX_LATENCY", "RX_LATENCY", "make_key", "words", "LINK", "P", "W", "CUT_THROUGH",
           "STORE_AND_FORWARD"]
