# SPDX-License-Identifier: Apache-2.0
"""The RTL assertions (`ifndef SYNTHESIS blocks at the end of the rtl/ modules) fire.

For every assertion a cocotb test brings the DUT into exactly the condition the
assertion forbids, by poking the state (a deposit into the register that holds it, or a
force of a net for one clock, as a design bug would), and the pytest side checks that the
simulation log names exactly that assertion (and no other one).  For every DUT a clean
run with legal stimulus reports none.  After each poke the DUT is put back into reset,
so that follow-on effects of the corrupted state cannot fire other assertions.

Icarus (4-state) runs every case: it is the simulator that sees X/Z, and it goes on after
$error, so the log holds every message.  One Verilator case proves that a Verilator
build (--assert) stops at an assertion and that run_cocotb then fails the test.

Cases: see CASES at the end (DUT, cocotb test, the message it must produce).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import cocotb
import pytest
from cocotb.clock import Clock
from cocotb.handle import Force, Release
from cocotb.triggers import FallingEdge, RisingEdge
from cocotb.types import LogicArray

import physec_tb as T
from physec_tb.secframes import SEC_RTL

HERE = Path(__file__).parent


# --------------------------------------------------------------------------- helpers (simulator)

async def start(dut, **inputs):
    """Start the clock, set ``inputs``, hold rst for 3 clocks; returns at a falling edge
    with rst low."""
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    for k, v in inputs.items():
        getattr(dut, k).value = v
    dut.rst.value = 1
    for _ in range(3):
        await FallingEdge(dut.clk)
    dut.rst.value = 0
    await FallingEdge(dut.clk)


async def clocks(dut, n: int):
    for _ in range(n):
        await FallingEdge(dut.clk)


async def poke_then_reset(dut, fn, rst=None):
    """Run ``fn`` (the poke) at this falling edge; the next rising edge checks; then hold
    reset (``rst``: the handle, default dut.rst) for 2 clocks."""
    fn()
    await FallingEdge(dut.clk)
    h = rst if rst is not None else dut.rst
    h.value = 1
    await clocks(dut, 2)


def xs(handle) -> LogicArray:
    return LogicArray("X" * len(handle))


# --------------------------------------------------------------------------- physec_gmp_map

async def _map_start(dut):
    await start(dut, client_valid=0, client_block=0)


async def _map_feed(dut, n: int):
    """Client blocks at about the line's rate (2 of 3 clocks): the FIFO fills and drains."""
    for c in range(n):
        dut.client_valid.value = int(c % 3 != 2)
        dut.client_block.value = (0x1234567 * (c + 1)) & ((1 << 257) - 1)
        await FallingEdge(dut.clk)
    dut.client_valid.value = 0


@cocotb.test()
async def map_clean(dut):
    await _map_start(dut)
    await _map_feed(dut, 300)


@cocotb.test()
async def map_overflow(dut):
    await _map_start(dut)
    await _map_feed(dut, 20)
    depth = int(dut.FIFO_DEPTH.value)
    await poke_then_reset(dut, lambda: setattr(dut.level_q, "value", depth + 1))


@cocotb.test()
async def map_underflow(dut):
    # The level says one entry more than was written: a pop would read an empty store.
    await _map_start(dut)
    await _map_feed(dut, 6)
    lvl = int(dut.level_q.value)
    await poke_then_reset(dut, lambda: setattr(dut.level_q, "value", lvl + 1))


@cocotb.test()
async def map_x_output(dut):
    await _map_start(dut)
    await _map_feed(dut, 4)
    await poke_then_reset(dut, lambda: setattr(dut.cm_q, "value", xs(dut.cm_q)))


# --------------------------------------------------------------------------- physec_sec_ksgen

KEY = 0x000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F


async def _ks_start(dut):
    await start(dut, job_valid=0, job_iv=0xCAFEBABEDEADBEEF00112233, job_full=1, job_key=KEY,
                job_key_len=1, job_key_id=1, job_tag=0, ks_pop=0, clr=0, kid_inval=0)


async def _ks_job(dut):
    """Offer one job until it is taken (job_ready high at a rising edge)."""
    dut.job_valid.value = 1
    while True:
        await RisingEdge(dut.clk)
        taken = int(dut.job_ready.value)
        await FallingEdge(dut.clk)
        if taken:
            break
    dut.job_valid.value = 0


@cocotb.test()
async def ks_clean(dut):
    await _ks_start(dut)
    await _ks_job(dut)
    await clocks(dut, 40)                       # the FIFO fills (credits stop the issue)
    dut.ks_pop.value = 1                        # then drains at one entry per clock
    for _ in range(60):
        await FallingEdge(dut.clk)
        dut.ks_pop.value = int(dut.ks_valid.value)
    dut.ks_pop.value = 0


@cocotb.test()
async def ks_overflow(dut):
    # Full FIFO, no pops; credits poked back to 0: the pipes deliver DEPTH more entries.
    await _ks_start(dut)
    await _ks_job(dut)
    await clocks(dut, 60)
    depth = int(dut.DEPTH.value)
    assert int(dut.cnt_f_q.value) == depth, "the keystream FIFO did not fill"
    dut.credit_q.value = 0
    for _ in range(40):
        await FallingEdge(dut.clk)
        if int(dut.a_valid.value):              # the first write into the full FIFO is checked
            break                               # at the coming rising edge
    await poke_then_reset(dut, lambda: None)


@cocotb.test()
async def ks_state(dut):
    await _ks_start(dut)
    await poke_then_reset(dut, lambda: setattr(dut.st_q, "value", 3))


@cocotb.test()
async def ks_job_withdrawn(dut):
    await _ks_start(dut)
    await _ks_job(dut)                          # the generator is busy with it now
    dut.job_valid.value = 1
    await FallingEdge(dut.clk)                  # offered, not taken
    assert int(dut.job_ready.value) == 0
    await poke_then_reset(dut, lambda: setattr(dut.job_valid, "value", 0))


# --------------------------------------------------------------------------- physec_aes_keyexp

async def _kx_start(dut):
    await start(dut, key_valid=0, key_len=1, key=KEY, clr=0)
    dut.key_valid.value = 1
    await FallingEdge(dut.clk)
    dut.key_valid.value = 0


@cocotb.test()
async def kx_clean(dut):
    await _kx_start(dut)
    await clocks(dut, 20)


@cocotb.test()
async def kx_state(dut):
    await _kx_start(dut)
    await clocks(dut, 3)
    await poke_then_reset(dut, lambda: setattr(dut.slot_q, "value", 0))


# --------------------------------------------------------------------------- physec_aligner

async def _al_feed(dut, n: int):
    for c in range(n):
        dut.line_valid.value = int(c % 5 != 4)
        dut.line_word.value = (0x9E3779B97F4A7C15 * (c + 7)) % (1 << 256)
        await FallingEdge(dut.clk)


@cocotb.test()
async def al_clean(dut):
    await start(dut, line_valid=0, line_word=0)
    await _al_feed(dut, 60)


@cocotb.test()
async def al_state(dut):
    await start(dut, line_valid=0, line_word=0)
    await _al_feed(dut, 10)

    def poke():
        dut.locked_q.value = 1
        dut.outage_q.value = 1
    await poke_then_reset(dut, poke)


# --------------------------------------------------------------------------- physec_gmp_demap

async def _dm_start(dut):
    await start(dut, in_valid=0, in_word=0, in_idx=0, in_am_good=0, in_loss=0, vin_valid=0,
                vin_idx=0, vin_lim=0)
    dut.in_drop.value = 0
    dut.in_unverified.value = 0


@cocotb.test()
async def dm_clean(dut):
    await _dm_start(dut)
    wpf = int(dut.WORDS_PER_FRAME.value)
    for k in range(40):                         # the first 40 words of a frame, garbage data
        dut.in_valid.value = 1
        dut.in_idx.value = k % wpf
        dut.in_word.value = (0xD1B54A32D192ED03 * (k + 3)) % (1 << 256)
        await FallingEdge(dut.clk)
    dut.in_valid.value = 0
    await clocks(dut, 6)


@cocotb.test()
async def dm_two_blocks(dut):
    await _dm_start(dut)

    def poke():
        dut.s1_v.value = 1
        dut.vs1_v.value = 1
    await poke_then_reset(dut, poke)


@cocotb.test()
async def dm_slot_state(dut):
    await _dm_start(dut)
    await poke_then_reset(dut, lambda: setattr(dut.ss_q, "value", (1 << len(dut.ss_q)) - 1))


# --------------------------------------------------------------------------- physec_sec_tx (its tb wrapper)
# Rows of tb/sec_tx/physec_sec_tx_tb.sv (see there): rst 264, key_we 263, rekey_req 262,
# AN 261:260, key table entry 259:258, in_valid 257, in_sof 256, in_word 255:0.

def _tx_row(word=0, valid=0, sof=0, rst=0, key_we=0, rekey=0, an=0) -> int:
    return rst << 264 | key_we << 263 | rekey << 262 | an << 260 | valid << 257 | sof << 256 | word


def _key_tab() -> int:
    from physec_tb.secframes import key_int, make_key

    kv, kl, sv = key_int(make_key("assertions-k0"))
    return kv << 97 | kl << 96 | sv


def _frame_rows(nwords: int, seed: int) -> list:
    return [_tx_row((0x2545F4914F6CDD1D * (seed + k + 1)) % (1 << 256), 1, int(k == 0)) for k in range(nwords)]


async def _tx_play(dut, mode: int, frames: list, idle: int, deposits):
    """Reset, key install into AN 0, activation, ``idle`` clocks, the frames (lists of
    rows), 2 reset rows; ``deposits(sofs)`` -> [(clock, fn)]."""
    from physec_tb.secframes import LINK, play

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    rows = [_tx_row(rst=1)] * 4 + [_tx_row(key_we=1), _tx_row(rekey=1)] + [_tx_row()] * idle
    sofs = []
    for f in frames:
        sofs.append(len(rows))
        rows += f
    rows += [_tx_row()] * 4 + [_tx_row(rst=1)] * 2
    dut.go.value = 0
    dut.cfg_mode.value = mode
    dut.cfg_link_id.value = LINK
    dut.key_tab.value = _key_tab()
    await play(dut, rows, 265, 16, deposits(sofs), allow_x=True)     # 16: the wrapper's TAIL


def _pn_poke(dut, value: int):
    def fn():
        dut.u_dut.pn_q.value = value
    return fn


@cocotb.test()
async def tx_clean(dut):
    # Bypass frames of 8 words (the PN logic needs no keystream): PN 1, 2, 3 under AN 0.
    await _tx_play(dut, 0, [_frame_rows(8, s) for s in range(3)], 2, lambda sofs: [])


@cocotb.test()
async def tx_pn_reuse(dut):
    # Frame 1's PN is decided during frame 0 (after its word 3) from pn_q: poked back to 1.
    await _tx_play(dut, 0, [_frame_rows(8, s) for s in range(3)], 2,
                   lambda sofs: [(sofs[0] + 1, _pn_poke(dut, 1))])


@cocotb.test()
async def tx_pn_not_reset(dut):
    # The activation decided frame 0's parameters (PN 1) before it: poked to 7 (and the
    # next PN to 8, so that frame 1 does not repeat one).
    def poke():
        dut.u_dut.nxt_pn_q.value = 7
        dut.u_dut.pn_q.value = 8
    await _tx_play(dut, 0, [_frame_rows(8, s) for s in range(2)], 2, lambda sofs: [(sofs[0] - 1, poke)])


@cocotb.test()
async def tx_ks_dry(dut):
    # Encrypt: the keystream FIFO head is forced empty for one payload word.
    def force():
        dut.u_dut.ks_valid.value = Force(0)

    def release():
        dut.u_dut.ks_valid.value = Release()
    await _tx_play(dut, 2, [_frame_rows(8, 0)], 40, lambda sofs: [(sofs[0] + 7, force), (sofs[0] + 8, release)])


@cocotb.test()
async def tx_ghash_not_ready(dut):
    def force():
        dut.u_dut.gh_ready.value = Force(0)

    def release():
        dut.u_dut.gh_ready.value = Release()
    # ready low in the clock the frame's GHASH message begins: word 3 + GH_DELAY (4).
    await _tx_play(dut, 2, [_frame_rows(8, 0)], 40, lambda sofs: [(sofs[0] + 7, force), (sofs[0] + 8, release)])


@cocotb.test()
async def tx_state(dut):
    def poke():
        dut.u_dut.act_q.value = 1
    await _tx_play(dut, 0, [_frame_rows(8, 0)], 2, lambda sofs: [(sofs[0] + 2, poke)])


@cocotb.test()
async def tx_x_output(dut):
    def poke():
        dut.u_dut.alarm_q.value = LogicArray("X")
    await _tx_play(dut, 0, [_frame_rows(8, 0)], 2, lambda sofs: [(sofs[0] + 2, poke)])


# --------------------------------------------------------------------------- physec_sec_rx (its tb wrapper)
# Rows of tb/sec_rx/physec_sec_rx_tb.sv: rst 268, valid 257, sof 256, word 255:0 (the RX
# input; loop = 0); no key: the first frame runs on the null job's keystream.

async def _rx_play(dut, deposits):
    from physec_tb.secframes import LINK, play

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    rows = [1 << 268] * 4 + [0] * 30
    sof = len(rows)
    rows += [1 << 257 | int(k == 0) << 256 | (0x94D049BB133111EB * (k + 5)) % (1 << 256) for k in range(10)]
    rows += [0] * 4 + [1 << 268] * 2
    dut.go.value = 0
    dut.cfg_mode.value = 2
    dut.cfg_link_id.value = LINK
    dut.key_tab.value = _key_tab()
    await play(dut, rows, 272, 16, deposits(sof), allow_x=True)


@cocotb.test()
async def rx_clean(dut):
    await _rx_play(dut, lambda sof: [])


@cocotb.test()
async def rx_ks_dry(dut):
    def force():
        dut.u_rx.ks_valid.value = Force(0)

    def release():
        dut.u_rx.ks_valid.value = Release()
    await _rx_play(dut, lambda sof: [(sof + 7, force), (sof + 8, release)])     # a payload word


@cocotb.test()
async def rx_ghash_not_ready(dut):
    def force():
        dut.u_rx.gh_ready.value = Force(0)

    def release():
        dut.u_rx.gh_ready.value = Release()
    await _rx_play(dut, lambda sof: [(sof + 7, force), (sof + 8, release)])     # word 3 + GH_DELAY


def _jq_valid(dut, v0, v1):
    def poke():
        dut.u_rx.u_jobq.jq_valid_q[0].value = v0
        dut.u_rx.u_jobq.jq_valid_q[1].value = v1
    return poke


@cocotb.test()
async def rx_job_queue(dut):
    # One clock in the illegal state, then the empty queue it had (the first job is taken).
    await _rx_play(dut, lambda sof: [(sof - 10, _jq_valid(dut, 0, 1)), (sof - 9, _jq_valid(dut, 0, 0))])


@cocotb.test()
async def rx_job_full(dut):
    # The queue made full before the frame's push (its check stage 2, word 5).
    await _rx_play(dut, lambda sof: [(sof + 2, _jq_valid(dut, 1, 1))])


@cocotb.test()
async def rx_job_arrival(dut):
    def poke():
        dut.u_rx.u_jobq.sa_taken_q.value = 2    # as if two jobs were taken for this frame
    await _rx_play(dut, lambda sof: [(sof, poke)])


@cocotb.test()
async def rx_job_tag(dut):
    def poke():
        dut.u_rx.u_jobq.jr_nul_q.value = 0      # the job taken is not the one whose entry 0 comes
        dut.u_rx.u_jobq.jr_an_q.value = 2
    await _rx_play(dut, lambda sof: [(sof, poke)])


@cocotb.test()
async def rx_job_other_key(dut):
    def force():
        dut.u_rx.r_accept.value = Force(1)      # a frame accepted although its job is null

    def release():
        dut.u_rx.r_accept.value = Release()
    # in the check's second stage: word 3 + OUT_DELAY (6) + 2
    await _rx_play(dut, lambda sof: [(sof + 11, force), (sof + 12, release)])


@cocotb.test()
async def rx_x_output(dut):
    def poke():
        dut.u_rx.cnt_frames.value = xs(dut.u_rx.cnt_frames)
    await _rx_play(dut, lambda sof: [(sof + 2, poke)])


# --------------------------------------------------------------------------- physec_sec_rxbuf
# Small geometry (8-bit words, 8 words per frame, 32 entries): frames of words 0..7.

async def _buf_start(dut):
    await start(dut, cut_through=0, in_valid=0, in_fw=0, in_sof=0, in_word=0, in_side=0, fs_valid=0, fs_rec=0,
                fs_pending=0, fs_release=0, vd_valid=0, vd_pass=0)


async def _buf_frame(dut, fs_pending=1, fs_release=1):
    """One frame of 8 words, its arrival strobe after word 3."""
    for k in range(8):
        dut.in_valid.value = dut.in_fw.value = 1
        dut.in_sof.value = int(k == 0)
        dut.in_word.value = 0x40 + k
        dut.fs_valid.value = int(k == 5)
        dut.fs_pending.value = fs_pending
        dut.fs_release.value = fs_release
        await FallingEdge(dut.clk)
    dut.in_valid.value = dut.in_fw.value = dut.in_sof.value = dut.fs_valid.value = 0


@cocotb.test()
async def buf_clean(dut):
    await _buf_start(dut)
    await _buf_frame(dut)                       # pending: waits for its verdict
    await clocks(dut, 4)
    dut.vd_valid.value = dut.vd_pass.value = 1
    await FallingEdge(dut.clk)
    dut.vd_valid.value = 0
    await clocks(dut, 16)


@cocotb.test()
async def buf_early_release(dut):
    await _buf_start(dut)
    await _buf_frame(dut)                       # pending: its payload waits at word 4
    await clocks(dut, 2)

    def force():
        for i in range(4):
            dut.r_rel[i].value = 1              # found released, not decided
        dut.go.value = Force(1)                 # and a gate that lets it go

    def release():
        dut.go.value = Release()
    force()
    await clocks(dut, 2)                        # word 4, then the first payload word
    release()
    await poke_then_reset(dut, lambda: None)


@cocotb.test()
async def buf_overflow(dut):
    await _buf_start(dut)
    await _buf_frame(dut)                       # pending, no verdict: everything behind waits
    dut.in_valid.value = 1                      # virtual beats until the RAM is full and one more
    for _ in range(40):
        await FallingEdge(dut.clk)
    dut.in_valid.value = 0
    await poke_then_reset(dut, lambda: None)


@cocotb.test()
async def buf_in_flight(dut):
    await _buf_start(dut)
    dut.sa_open.value = 4                       # four frames' records in use
    await _buf_frame(dut, fs_pending=0)
    await poke_then_reset(dut, lambda: None)


@cocotb.test()
async def fifo_outregs(dut):
    await _buf_start(dut)

    def poke():
        dut.u_fifo.ocnt_q.value = 3             # four words for three output registers
        dut.u_fifo.inflight_q.value = 1
    await poke_then_reset(dut, poke)


# --------------------------------------------------------------------------- pytest

PROFILE = ["rtl/frame/physec_profile_pkg.sv"]
AES = ["rtl/aes/physec_aes_pkg.sv", "rtl/aes/physec_aes_sbox.sv", "rtl/common/physec_pipe.sv", "rtl/aes/physec_aes_keyexp.sv",
       "rtl/aes/physec_aes_pipe.sv"]
DUTS = {
    # name: (toplevel, sources, parameters)
    "gmp_map": ("physec_gmp_map", PROFILE + ["rtl/common/physec_crc_pkg.sv", "rtl/common/physec_sdp_ram.sv", "rtl/frame/physec_gmp_map.sv"], None),
    "ksgen": ("physec_sec_ksgen", AES + ["rtl/sec/physec_sec_ksgen.sv"], {"ENTRIES": 64}),
    "keyexp": ("physec_aes_keyexp", ["rtl/aes/physec_aes_pkg.sv", "rtl/aes/physec_aes_sbox.sv", "rtl/aes/physec_aes_keyexp.sv"], None),
    "aligner": ("physec_aligner", PROFILE + ["rtl/frame/physec_aligner.sv"], None),
    "demap": ("physec_gmp_demap", PROFILE + ["rtl/common/physec_crc_pkg.sv", "rtl/frame/physec_gmp_demap.sv"], None),
    "sec_tx": ("physec_sec_tx_tb", SEC_RTL + ["tb/sec_tx/physec_sec_tx_tb.sv"], {"NW": 256, "NF": 4}),
    "sec_rx": ("physec_sec_rx_tb", SEC_RTL + ["tb/sec_rx/physec_sec_rx_tb.sv"], {"NW": 256, "NF": 4}),
    "rxbuf": ("physec_sec_rxbuf", PROFILE + ["rtl/common/physec_sdp_ram.sv", "rtl/common/physec_fifo_ram.sv",
                                             "rtl/sec/physec_sec_rxbuf.sv"],
              {"WORD_BITS": 8, "WORDS_PER_FRAME": 8, "DEPTH": 32}),
}

# (DUT, cocotb test, the assertion message it must produce: a prefix; None = clean run).
CASES = [
    ("gmp_map", "map_clean", None),
    ("gmp_map", "map_overflow", "physec_gmp_map: FIFO overflow"),
    ("gmp_map", "map_underflow", "physec_gmp_map: FIFO underflow"),
    ("gmp_map", "map_x_output", "physec_gmp_map: X/Z on an output after reset"),
    ("ksgen", "ks_clean", None),
    ("ksgen", "ks_overflow", "physec_sec_ksgen: keystream FIFO overflow"),
    ("ksgen", "ks_state", "physec_sec_ksgen: illegal state"),
    ("ksgen", "ks_job_withdrawn", "physec_sec_ksgen: job_valid withdrawn before job_ready"),
    ("keyexp", "kx_clean", None),
    ("keyexp", "kx_state", "physec_aes_keyexp: illegal state"),
    ("aligner", "al_clean", None),
    ("aligner", "al_state", "physec_aligner: illegal state"),
    ("demap", "dm_clean", None),
    ("demap", "dm_two_blocks", "physec_gmp_demap: a real and a virtual slot block in one clock"),
    ("demap", "dm_slot_state", "physec_gmp_demap: illegal slot state"),
    ("sec_tx", "tx_clean", None),
    ("sec_tx", "tx_pn_reuse", "physec_sec_tx: PN reuse"),
    ("sec_tx", "tx_pn_not_reset", "physec_sec_tx: first PN under a new key"),
    ("sec_tx", "tx_ks_dry", "physec_sec_tx: keystream FIFO ran dry while payload data flows"),
    ("sec_tx", "tx_ghash_not_ready", "physec_sec_tx: GHASH beat while GHASH is not ready"),
    ("sec_tx", "tx_state", "physec_sec_tx: illegal state"),
    ("sec_tx", "tx_x_output", "physec_sec_tx: X/Z on an output after reset"),
    ("sec_rx", "rx_clean", None),
    ("sec_rx", "rx_ks_dry", "physec_sec_rx: keystream FIFO ran dry while payload data flows"),
    ("sec_rx", "rx_ghash_not_ready", "physec_sec_rx: GHASH beat while GHASH is not ready"),
    ("sec_rx", "rx_job_queue", "physec_sec_jobq: illegal job queue state"),
    ("sec_rx", "rx_job_full", "physec_sec_jobq: a job pushed into a full queue"),
    ("sec_rx", "rx_job_arrival", "physec_sec_jobq: a frame arrived with 2 jobs taken"),
    ("sec_rx", "rx_x_output", "physec_sec_rx: X/Z on an output after reset"),
    ("sec_rx", "rx_job_tag", "physec_sec_rx: a frame's keystream entry 0 is not of the job taken for it"),
    ("sec_rx", "rx_job_other_key", "physec_sec_rx: a frame accepted with a job of another key"),
    ("rxbuf", "buf_clean", None),
    ("rxbuf", "buf_early_release", "physec_sec_rxbuf: store-and-forward released a payload word before its verdict"),
    ("rxbuf", "buf_overflow", "physec_sec_rxbuf: a beat was lost to a full buffer"),
    ("rxbuf", "buf_in_flight", "physec_sec_rxbuf: more than 4 frames in flight"),
    ("rxbuf", "fifo_outregs", "physec_fifo_ram: output registers overrun"),
]


def _skip_without_icarus():
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")


REGRESS = os.environ.get("PHYSEC_REGRESS", "") not in ("", "0")
QUICK = 3      # cases per DUT in `make test` (the clean run first); all under PHYSEC_REGRESS=1


@pytest.mark.parametrize("dut", list(DUTS))
def test_assertions_fire(dut):
    """Every case of the DUT in its own Icarus run (one build each: they are small).  The
    security stages' runs cost ~10 s each on Icarus, so `make test` proves the first
    QUICK cases of each DUT and `make regress` all of them."""
    _skip_without_icarus()
    top, srcs, params = DUTS[dut]
    cases = [c for c in CASES if c[0] == dut]
    failures = []
    for d, test, want in cases if REGRESS else cases[:QUICK]:
        fired = T.run_cocotb(top, srcs, "test_assertions", HERE, parameters=params, sim="icarus",
                             build_name=f"icarus-{test}", expect_assertions=True,
                             extra_env={"COCOTB_TEST_FILTER": rf"\.{test}$"})
        if want is None and fired:
            failures.append(f"{test}: a clean run fired {fired[:5]}")
        elif want is not None and not (fired and all(m.startswith(want) for m in fired)):
            failures.append(f"{test}: expected '{want}' (and no other assertion), got {fired[:5]}")
    assert not failures, "\n".join(failures)


def test_assertion_fails_a_verilator_run():
    """A Verilator (--assert) run that hits an assertion stops there, and run_cocotb fails
    the pytest test naming it (the clean case runs first in the same simulation)."""
    top, srcs, params = DUTS["gmp_map"]
    with pytest.raises(AssertionError, match="physec_gmp_map: FIFO overflow") as exc:
        T.run_cocotb(top, srcs, "test_assertions", HERE, parameters=params, sim="verilator",
                     build_name="verilator-gmp_map",
                     extra_env={"COCOTB_TEST_FILTER": r"\.(map_clean|map_overflow)$"})
    assert "map_clean" in str(exc.value) or "map_clean" in T._tail(T.build_dir(HERE, build_name="verilator-gmp_map") / "sim.log", 400)
