# SPDX-License-Identifier: Apache-2.0
"""physec_frame_tx (RTL) == physec.frame.FrameTx (model), bit for bit and clock for clock.

For each scenario the stimulus is precomputed: a client 257b stream (random blocks,
or the PCS output of ``default_traffic``), the per-clock client valid pattern
(``physec.gmp.client_valid`` plus pauses and bursts) and per frame the PAD
``Pad(pn=frame).encode(pad_bytes)``.  The model maps the same stream frame by frame;
the RTL runs with the same inputs from reset.  Checked afterwards:

* every line word from the first ``line_sof`` on against the model's frame bytes
  (first mismatch reported as frame, word, bit and field: AM / PAD / OH byte n /
  payload slot k), line_valid stays 1, line_sof once per frame, the output latency
  (LATENCY clocks after the mapper's frame clock 0);
* per frame Cm (``cm`` at line_sof) and the cumulative underflow / overflow counts
  (sampled at each frame_start), frame_start at every frame boundary only;
* frame 0 has Cm = CM_INIT - FIFO_TARGET.

cocotb tests (one per scenario, filtered per pytest runner): ``header_first_frame``
(directed: the first header = AM_LINE | PAD | OH, reported field by field),
``ppm_0_traffic``, ``ppm_minus200``, ``ppm_plus200``, ``jc_steps`` (every JC II/DI
variant), ``pause_underflow``, ``burst_overflow``, ``startup_late`` (16 frames each,
Verilator, two builds so that ``pytest -n 2`` uses both cores), ``short_mixed`` (3
frames with underflow and overflow, for the slow Icarus run) and ``wide_400g`` (10
frames of the 400g profile as a parameter override, 4 client lanes, several slots
per line word).  Under PHYSEC_REGRESS=1 also ``mfas_wrap`` (260 frames: MFAS
255 -> 0).  Seed: PHYSEC_SEED.
"""
from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from pathlib import Path

import cocotb
import numpy as np
import pytest

import physec_tb as T
from physec_tb import fcov
from physec.frame import OH_JC, OH_MFAS, OH_STAT, FrameTx, am_line_bytes
from physec.gmp import ERROR_257B, client_valid, slot_map
from physec.pad import Pad
from physec.pcs import pcs_tx
from physec.profile import get_profile
from physec.traffic import default_traffic
from physec.xcode257 import Blocks257

TOPLEVEL = "physec_frame_tx"
SOURCES = ["rtl/frame/physec_profile_pkg.sv", "rtl/common/physec_crc_pkg.sv", "rtl/common/physec_pipe.sv",
           "rtl/common/physec_sdp_ram.sv", "rtl/frame/physec_gmp_map.sv", "rtl/frame/physec_framer.sv", "rtl/frame/physec_slot_gearbox.sv",
           "rtl/frame/physec_frame_tx.sv"]
LATENCY = 4           # frame clock k's line word appears in clock k + LATENCY
RESET_CLOCKS = 3


# --------------------------------------------------------------------------- stimulus

def _perturb(valid: np.ndarray, start: int, delta: int) -> None:
    """Take |delta| blocks away from (delta < 0) or add them to the clocks from start on."""
    want = 1 if delta < 0 else 0
    idx = np.flatnonzero(valid[start:] == want)[:abs(delta)] + start
    valid[idx] = 1 - want


def scenario_valid(p, name: str):
    """Per-clock client blocks offered (counts) and the number of frames."""
    W = p.words_per_frame
    if name == "header_first_frame":
        return client_valid(p, 1), 1
    if name in ("ppm_0_traffic", "ppm_minus200", "ppm_plus200"):
        ppm = {"ppm_0_traffic": 0, "ppm_minus200": -200, "ppm_plus200": 200}[name]
        return client_valid(p, 16, ppm), 16
    v = client_valid(p, 16).copy()
    if name == "jc_steps":
        # A(t) changes by delta -> Cm(t+1) - Cm(t) ~ delta, Cm(t+2) - Cm(t+1) ~ -delta
        # (plus the natural 0/1 steps); the test asserts that all variants occur.
        for f, d in ((3, 2), (5, -2), (7, 1), (9, -1), (11, 6), (13, 2)):
            _perturb(v, f * W + 200, d)
    elif name == "pause_underflow":
        v[int(3.5 * W):int(5.2 * W)] = 0          # empties the FIFO: Cm falls to CM_INIT - target
        v[10 * W + 1200:10 * W + 1230] = 0        # 30 clocks: a few underflows only
    elif name == "burst_overflow":
        v[int(6.3 * W):int(6.3 * W) + 2500] = 1   # fills the FIFO, then refuses blocks
    elif name == "startup_late":
        v[:int(1.3 * W)] = 0                      # frames 0 and 1 run dry from reset on
    elif name == "mfas_wrap":                     # PHYSEC_REGRESS only: MFAS passes 255 -> 0
        return client_valid(p, 260, 100), 260
    elif name == "short_mixed":                   # a short run of everything, for Icarus
        v = client_valid(p, 3).copy()
        v[int(0.4 * W):int(1.0 * W)] = 0
        v[int(1.2 * W):int(1.2 * W) + 2000] = 1
        return v, 3
    elif name == "wide_400g":
        v = client_valid(p, 10).copy()
        v[int(2.5 * W):int(3.6 * W)] = 0          # several pops per clock find the FIFO empty
        v[int(6.2 * W):int(6.2 * W) + 1500] = 4   # 4 lanes every clock: the FIFO overflows
        return v, 10
    else:
        raise ValueError(name)
    return v, 16


def client_stream(n: int, kind: str, seed: int) -> Blocks257:
    if kind == "traffic":
        b, frames = None, max(64, n // 40)
        while b is None or len(b) < n:
            b = pcs_tx(default_traffic(frames, seed)).b257
            frames *= 2
        return Blocks257(np.asarray(b.hdr)[:n], np.asarray(b.body)[:n])
    rng = np.random.default_rng(seed)
    return Blocks257(rng.integers(0, 2, n).astype(np.uint8),
                     rng.integers(0, 1 << 64, (n, 4), dtype=np.uint64))


class Stimulus:
    """Everything a scenario needs, precomputed: RTL inputs per clock and model frames."""

    def __init__(self, p, name: str, seed: int):
        self.p, self.name = p, name
        valid, self.n_frames = scenario_valid(p, name)
        valid = np.asarray(valid, np.int64)
        n = int(valid.sum())
        client = client_stream(n, "traffic" if name == "ppm_0_traffic" else "random", seed)
        W = p.words_per_frame
        tx = FrameTx(p, client)
        self.frames = [tx.frame(valid[t * W:(t + 1) * W]) for t in range(self.n_frames)]
        # The model's placeholder PAD (no security stage); the RTL gets the same bytes.
        self.pads = [Pad(pn=t).encode(p.pad_bytes) for t in range(self.n_frames)]
        assert [f.pad for f in self.frames] == self.pads, "model PAD is not Pad(pn=frame index)"
        self.line = b"".join(f.line for f in self.frames)
        # RTL inputs: lane mask and the concatenated lanes (lane i at bits 257i+256:257i).
        ints = client.to_ints()
        self.vmask = [(1 << int(c)) - 1 for c in valid]
        self.blocks, k = [], 0
        for c in valid.tolist():
            v = 0
            for i in range(c):
                v |= ints[k + i] << (257 * i)
            self.blocks.append(v)
            k += c
        self.pad_ints = [int.from_bytes(b, "big") for b in self.pads]
        self.cm = [f.map.cm for f in self.frames]
        self.underflow = np.cumsum([f.map.underflows for f in self.frames]).tolist()
        self.overflow = np.cumsum([f.map.overflows for f in self.frames]).tolist()
        prev = [0] + self.cm[:-1]
        self.jc_kinds = Counter(_jc_kind(c - q) for c, q in zip(self.cm, prev))


def _jc_kind(d: int) -> str:
    return {0: "same", 1: "+1", 2: "+2", -1: "-1", -2: "-2"}.get(d, "new")


# --------------------------------------------------------------------------- reporting

def _oh_field(p, n: int) -> str:
    names = {OH_MFAS: "MFAS", OH_STAT: "STAT", p.oh_bytes - 2: "CRC-16 MSB", p.oh_bytes - 1: "CRC-16 LSB"}
    names.update({OH_JC + i: f"JC{i + 1}" for i in range(6)})
    return f"OH byte {n} ({names.get(n, 'reserved')})"


def field_of(p, fm, bit: int) -> str:
    """Name of frame bit ``bit`` (line order, 0 = first bit of the frame)."""
    if bit < p.am_bits:
        return f"AM (lane {bit // 120}, AM byte {bit // 8})"
    if bit < p.am_bits + p.pad_bits:
        return f"PAD byte {(bit - p.am_bits) // 8}"
    if bit < p.header_bits:
        return _oh_field(p, (bit - p.am_bits - p.pad_bits) // 8)
    s, b = divmod(bit - p.header_bits, p.slot_bits)
    if s >= p.n_slots:
        return f"fill bit {bit - p.header_bits - p.n_slots * p.slot_bits}"
    data = slot_map(fm.cm, p.n_slots)
    if not data[s]:
        what = "stuff"
    else:
        blk = int(fm.slots[int(data[:s].sum())])
        what = "ERROR_257B (underflow)" if blk < 0 else f"client block {blk}"
    return f"payload slot {s + 1} (line bit {b} = tx_xcoded<{b}>, {what})"


def first_mismatch(p, frames, expected: bytes, got: bytes, at=None) -> str:
    """'' or the first differing bit, named; ``at(k)`` says where line word k was sampled."""
    wb = p.word_bits // 8
    fb = p.frame_bits // 8
    n = min(len(expected), len(got))
    e = np.frombuffer(expected[:n], np.uint8)
    g = np.frombuffer(got[:n], np.uint8)
    diff = np.flatnonzero(e != g)
    if len(diff) == 0:
        return "" if len(expected) == len(got) else f"length: expected {len(expected)} bytes, got {len(got)}"
    i = int(diff[0])
    x = int(e[i]) ^ int(g[i])
    bit_in_byte = 8 - x.bit_length()                 # first differing bit in line order
    t, fbyte = divmod(i, fb)
    word, wbyte = divmod(fbyte, wb)
    fbit = 8 * fbyte + bit_in_byte
    port_bit = p.word_bits - 1 - (8 * wbyte + bit_in_byte)
    n_bad = int(np.unpackbits(e[diff] ^ g[diff]).sum())
    return (f"first mismatch: frame {t}, word {word}, line_word[{port_bit}] (frame bit {fbit}) in "
            f"{field_of(p, frames[t].map, fbit)}: expected {(e[i] >> (7 - bit_in_byte)) & 1}, "
            f"got {(g[i] >> (7 - bit_in_byte)) & 1}; expected word "
            f"{expected[t * fb + word * wb:t * fb + (word + 1) * wb].hex()}, got "
            f"{got[t * fb + word * wb:t * fb + (word + 1) * wb].hex()}; {n_bad} bits differ in all"
            + (f"; sampled at {at(i // wb)}" if at else ""))


# --------------------------------------------------------------------------- simulation

async def _simulate(dut, st: Stimulus):
    """Reset, then drive the precomputed inputs clock by clock; only stores outputs."""
    from cocotb.clock import Clock
    from cocotb.triggers import FallingEdge

    p = st.p
    W = p.words_per_frame
    n_clk = st.n_frames * W
    total = n_clk + LATENCY + 2
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    h_valid, h_block, h_pad = dut.client_valid, dut.client_block, dut.pad
    h_fs, h_lv, h_lw, h_sof, h_cm = dut.frame_start, dut.line_valid, dut.line_word, dut.line_sof, dut.cm
    h_uf, h_of = dut.underflow_count, dut.overflow_count
    rng = np.random.default_rng(T.seed() + 7)
    junk_pad = [int.from_bytes(rng.bytes(p.pad_bytes), "big") for _ in range(st.n_frames + 1)]
    junk_blk = int.from_bytes(rng.bytes(33 * len(dut.client_valid)), "big") % (1 << (257 * len(dut.client_valid)))

    dut.rst.value = 1
    h_valid.value = (1 << len(dut.client_valid)) - 1       # ignored in reset
    h_block.value = junk_blk
    h_pad.value = junk_pad[-1]
    fe = FallingEdge(dut.clk)
    for _ in range(RESET_CLOCKS):
        await fe
    lv, lw, sof, cms, fs_err, counts = [], [], [], [], [], []
    vmask, blocks, pads = st.vmask, st.blocks, st.pad_ints
    last_v = -1
    t_before = T.sim_time_ns()
    t0 = time.perf_counter()
    for c in range(total):
        await fe                                    # middle of clock c: sample, then drive
        if c == 0:
            dut.rst.value = 0
        fc = c % W
        if fc == 0 or fc == 1 or fc == W - 1:
            want = int(fc == 0)
            if int(h_fs.value) != want:
                fs_err.append((c, want))
            if fc == 0:
                counts.append((int(h_uf.value), int(h_of.value)))
        lv.append(h_lv.value)
        lw.append(h_lw.value)
        try:
            s = int(h_sof.value)
            if s:
                cms.append(int(h_cm.value))
        except ValueError:
            raise AssertionError(f"X/Z on line_sof or cm in clock {c}") from None
        sof.append(s)
        if c < n_clk:
            m = vmask[c]
            if m != last_v:
                h_valid.value = m
                last_v = m
                if not m:
                    h_block.value = junk_blk                 # must not be written
            if m:
                h_block.value = blocks[c]
            if fc == 0:
                h_pad.value = pads[c // W]
            elif fc == 1:
                h_pad.value = junk_pad[c // W]             # PAD is sampled with frame_start only
        elif c == n_clk:
            h_valid.value = 0
    secs = time.perf_counter() - t0
    period = (T.sim_time_ns() - t_before) / total
    base = T.Clocks(t_before + period, period, "clock")     # sampled mid-clock (falling edge)
    # Line words from the first line_sof on (its clock is checked against LATENCY later).
    first = sof.index(1) if 1 in sof else len(sof)
    try:
        lv = [int(x) for x in lv]
        words = [int(x) for x in lw[first:first + n_clk]]
    except ValueError as exc:                   # X/Z (4-state simulators)
        raise AssertionError(f"X/Z on line_valid or on line_word after the first line_sof: {exc}") from None
    return dict(lv=lv, words=T.Samples(words, range(first, first + len(words)), base), sof=sof, cm=cms,
                fs_err=fs_err, counts=counts, clocks=total, secs=secs)


def _check(dut, st: Stimulus, r: dict, header_only: bool = False):
    p = st.p
    W = p.words_per_frame
    n_clk = st.n_frames * W
    assert not r["fs_err"], f"frame_start wrong at (clock, expected): {r['fs_err'][:5]}"
    first = r["sof"].index(1) if 1 in r["sof"] else None
    assert first == LATENCY, f"first line_sof in clock {first} after reset, expected {LATENCY} (latency)"
    assert len(r["words"]) == n_clk, f"{len(r['words'])} line words captured, expected {n_clk}"
    lv = r["lv"]
    assert not any(lv[:LATENCY]), f"line_valid = 1 before the first word: {lv[:LATENCY]}"
    bub = [c for c in range(LATENCY, len(lv)) if not lv[c]]
    assert not bub, f"line_valid bubble at clocks {bub[:10]}"
    sofs = [c for c, s in enumerate(r["sof"]) if s]
    want_sofs = [LATENCY + t * W for t in range(st.n_frames + 1) if LATENCY + t * W < len(r["sof"])]
    assert sofs == want_sofs, f"line_sof at clocks {sofs[:6]}..., expected {want_sofs[:6]}..."
    got = b"".join(w.to_bytes(p.word_bits // 8, "big") for w in r["words"])
    if header_only:
        hb = p.header_bits // 8
        exp_h = am_line_bytes(p) + st.frames[0].pad + st.frames[0].oh
        assert st.line[:hb] == exp_h, "model frame does not start with AM | PAD | OH"
        msg = first_mismatch(p, st.frames, exp_h, got[:hb])
        assert not msg, "header of frame 0: " + msg
        dut._log.info("header of frame 0 = AM_LINE | PAD | OH (%d words) OK", p.header_words)
    msg = first_mismatch(p, st.frames, st.line, got, at=r["words"].at)
    assert not msg, f"{st.name}: {msg}"
    assert r["cm"][:st.n_frames] == st.cm, \
        f"cm per frame: first difference at frame " \
        f"{next(i for i, (a, b) in enumerate(zip(r['cm'], st.cm)) if a != b)}: RTL {r['cm'][:st.n_frames]}, model {st.cm}"
    assert st.cm[0] == p.cm_init - p.fifo_target, f"model frame 0 Cm {st.cm[0]}"
    exp_counts = [(0, 0)] + list(zip(st.underflow, st.overflow))
    for t, (g, e) in enumerate(zip(r["counts"], exp_counts)):
        assert g == e, f"(underflow, overflow) counts at the start of frame {t}: RTL {g}, model {e}"
    assert len(r["counts"]) >= st.n_frames + 1


def record_coverage(st: Stimulus, r: dict, prof: str):
    """Functional bins from the RTL's outputs: its cm per frame, the OH bytes of its line
    words (JC2's II/DI, STAT, MFAS) and its underflow / overflow counts."""
    p = st.p
    n = st.n_frames
    fb, wb = p.frame_bits // 8, p.word_bits // 8
    line = b"".join(w.to_bytes(wb, "big") for w in r["words"])
    ohs = [line[t * fb + (p.am_bits + p.pad_bits) // 8:][:p.oh_bytes] for t in range(n)]
    cm = r["cm"][:n]
    fcov.sample("gmp.cm_step", fcov.cm_step_bins(cm))
    kinds = Counter(fcov.jc_tx_kind(oh[OH_JC + 1], c, q) for oh, c, q in zip(ohs, cm, [0] + cm[:-1]))
    fcov.sample("gmp.jc_tx", {k: kinds[k] for k in fcov.JC_TX})
    uf, of = r["counts"][n]                     # cumulative, at the start of frame n
    if (uf, of) == (0, 0) and n >= 8:             # steady state: the client offset is measurable
        fcov.hit("gmp.ppm", fcov.ppm_bin(cm[1:], p.cm_nominal))
    mfas = [oh[OH_MFAS] for oh in ohs]
    fcov.sample("gmp.fifo", {"underflow": uf, "overflow": of,
                             "stat_underflow": sum(oh[OH_STAT] & 1 for oh in ohs),
                             "stat_overflow": sum(oh[OH_STAT] >> 1 & 1 for oh in ohs),
                             "mfas_wrap": sum(a == 255 and b == 0 for a, b in zip(mfas, mfas[1:])),
                             "profile_400g": int(prof == "400g")})


async def run_scenario(dut, name: str):
    prof = os.environ.get("PHYSEC_PROFILE", "100g")
    p = get_profile(prof)
    t0 = time.perf_counter()
    st = Stimulus(p, name, T.seed())
    prep = time.perf_counter() - t0
    r = await _simulate(dut, st)
    _check(dut, st, r, header_only=(name == "header_first_frame"))
    record_coverage(st, r, prof)
    uf, of = st.underflow[-1], st.overflow[-1]
    stat = Counter(f.oh[OH_STAT] for f in st.frames)
    dut._log.info("%s [%s]: PASS %d frames, %d clocks in %.2f s = %.0f clocks/s (stimulus + model %.2f s); "
                  "Cm %d..%d, JC variants %s, underflows %d, overflows %d, STAT values %s",
                  name, prof, st.n_frames, r["clocks"], r["secs"], r["clocks"] / r["secs"], prep,
                  min(st.cm), max(st.cm), dict(st.jc_kinds), uf, of, dict(stat))
    return st


@cocotb.test()
async def header_first_frame(dut):
    """Directed: frame 0's header words = AM_LINE | PAD | OH of the model."""
    await run_scenario(dut, "header_first_frame")


@cocotb.test()
async def ppm_0_traffic(dut):
    st = await run_scenario(dut, "ppm_0_traffic")
    assert st.jc_kinds["+1"] and st.jc_kinds["-1"], st.jc_kinds


@cocotb.test()
async def ppm_minus200(dut):
    st = await run_scenario(dut, "ppm_minus200")
    assert st.jc_kinds["+1"] and st.jc_kinds["-1"], st.jc_kinds


@cocotb.test()
async def ppm_plus200(dut):
    st = await run_scenario(dut, "ppm_plus200")
    assert st.jc_kinds["+1"] and st.jc_kinds["-1"], st.jc_kinds


@cocotb.test()
async def jc_steps(dut):
    st = await run_scenario(dut, "jc_steps")
    missing = {"same", "+1", "+2", "-1", "-2", "new"} - set(st.jc_kinds)
    assert not missing, f"JC variants not exercised: {missing} ({st.jc_kinds})"


@cocotb.test()
async def pause_underflow(dut):
    st = await run_scenario(dut, "pause_underflow")
    assert st.underflow[-1] > 0 and any(f.oh[OH_STAT] & 1 for f in st.frames), "no underflow"
    assert min(st.cm) == st.p.cm_init - st.p.fifo_target and st.jc_kinds["new"] >= 2


@cocotb.test()
async def burst_overflow(dut):
    st = await run_scenario(dut, "burst_overflow")
    assert st.overflow[-1] > 0 and any(f.oh[OH_STAT] & 2 for f in st.frames), "no overflow"
    assert max(st.cm) == st.p.cm_init + st.p.fifo_depth - st.p.fifo_target


@cocotb.test()
async def startup_late(dut):
    st = await run_scenario(dut, "startup_late")
    assert st.frames[0].map.underflows == st.cm[0], "frame 0 should carry only ERROR_257B"


@cocotb.test()
async def mfas_wrap(dut):
    st = await run_scenario(dut, "mfas_wrap")
    assert [f.oh[OH_MFAS] for f in st.frames[255:258]] == [255, 0, 1]


@cocotb.test()
async def short_mixed(dut):
    st = await run_scenario(dut, "short_mixed")
    assert st.underflow[-1] > 0 and st.overflow[-1] > 0


@cocotb.test()
async def wide_400g(dut):
    st = await run_scenario(dut, "wide_400g")
    assert st.underflow[-1] > 0 and st.overflow[-1] > 0


# --------------------------------------------------------------------------- pytest

def profile_parameters(name: str) -> dict:
    """Module parameters of physec_frame_tx for a profile other than the package's."""
    p = get_profile(name)
    return {"FRAME_BITS": p.frame_bits, "WORD_BITS": p.word_bits, "WORDS_PER_FRAME": p.words_per_frame,
            "AM_BITS": p.am_bits, "PAD_BITS": p.pad_bits, "OH_BITS": p.oh_bits,
            "HEADER_BITS": p.header_bits, "HEADER_WORDS": p.header_words, "SLOT_BITS": p.slot_bits,
            "N_SLOTS": p.n_slots, "FILL_BITS": p.fill_bits, "CM_INIT": p.cm_init,
            "FIFO_DEPTH": p.fifo_depth, "FIFO_TARGET": p.fifo_target,
            "CLIENT_LANES": 4, "AM_LINE": f"{p.am_bits}'h{am_line_bytes(p).hex()}",
            "ERROR_257B": f"257'h{ERROR_257B.to_ints()[0]:065x}"}


RUNS = {
    # id: (simulator, profile, cocotb tests)
    "verilator-100g-a": ("verilator", "100g", "header_first_frame,ppm_0_traffic,ppm_minus200,ppm_plus200"),
    "verilator-100g-b": ("verilator", "100g", "jc_steps,pause_underflow,burst_overflow,startup_late"),
    "verilator-400g": ("verilator", "400g", "wide_400g"),
    "icarus-100g": ("icarus", "100g", "header_first_frame,short_mixed"),
    "verilator-100g-long": ("verilator", "100g", "mfas_wrap"),       # PHYSEC_REGRESS=1 only
}


@pytest.mark.parametrize("run", list(RUNS))
def test_frame_tx_runner(run):
    sim, prof, tests = RUNS[run]
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    if run.endswith("-long") and os.environ.get("PHYSEC_REGRESS", "") in ("", "0"):
        pytest.skip("long run: PHYSEC_REGRESS=1 (make regress)")
    params = profile_parameters(prof) if prof != "100g" else None
    regex = r"\.(" + "|".join(tests.split(",")) + r")$"
    T.run_cocotb(TOPLEVEL, SOURCES, "test_frame_tx", Path(__file__).parent, parameters=params, sim=sim,
                 build_name=run,
                 extra_env={"PHYSEC_PROFILE": prof, "COCOTB_TEST_FILTER": regex,
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
