# SPDX-License-Identifier: Apache-2.0
"""The cocotb twin of tb/vectors/tb_chain_files.sv, for the simulation-speed comparison
of issue 6 (tb/simbench/simbench.py runs both on one vector set).

Same DUT tops (physec_tx and physec_rx on one clock, wired out by simbench_top.sv), same
files (read with physec.vectors readers), same stimulus clock by clock and the same
checks, done in Python as the testbench does them: every TX line word in the compare
ranges against line.hex, line_sof, the TX frame records (Cm, MFAS, protected, mode), no
TX alarm, every RX 66b group against rx66b.hex, the RX frame records with their verdicts
against rxstat.hex, the counters against rxcnt.hex; a prefix of +FRAMES line frames
checks what tb_chain_files.sv checks for it.  The header of tb_chain_files.sv is the
specification of the schedule (START, ACTIVATE, rekey clocks, RX flush and finish);
the constants below are its.

Timing: inputs of clock c are written at the falling edge before it, as the testbench
does; outputs are read at that same falling edge, which shows what the testbench's
monitors see at the rising edge ending clock c (all DUT outputs are registered).

Environment: PHYSEC_VECDIR (the set), PHYSEC_RX_POLICY (sf, the default, or ct: the
receiver's policy and reference taps, as +RX_POLICY), PHYSEC_FRAMES (line frames to play, empty = all),
PHYSEC_SIMBENCH_OUT (JSON file for clocks, wall and CPU seconds).  A mismatch fails the
test with "FAIL <set>: ..." (run_cocotb then raises).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge

from physec.profile import get_profile
from physec.scenario import RX_TAPS
from physec.vectors import TAP_66B, read_listed_tap, read_manifest
from physec.vectorset import CFG_KEYS, CHAIN_TAPS, RX_COUNTERS, frame_taps

ACTIVATE = 4                  # TX activation clock, after the key installs (clocks 0..3)
START = ACTIVATE + 2 + 14     # physec_tx start: keystream ready (RPR = 1)
RX_START = 30                 # first RX line word
FLUSH_WORDS = 2
IDLE_GROUP = sum(0x79 << 66 * j for j in range(4))   # four idle control blocks (type 0x1E)
CNT_NAMES = list(RX_COUNTERS["rx"]) + [f"sec.{n}" for n in RX_COUNTERS["sec"]] + ["undecodable groups"]
ONES = (1 << 256) - 1


class Fail(AssertionError):
    pass


def load(vecdir: Path, frames: int, sfx: str) -> dict:
    man = read_manifest(vecdir)
    p = get_profile(man.get("profile", "100g"))
    taps = {**frame_taps(p), **RX_TAPS, **CHAIN_TAPS, "66b": TAP_66B}
    v = {n: read_listed_tap(vecdir, man, taps[n]) for n in ("cfg", "line", "66b", "valid", "cm")}
    v.update({n: read_listed_tap(vecdir, man, taps[n + sfx]) for n in ("rx66b", "rxstat", "rxcnt")})
    cfg, w = v["cfg"], p.words_per_frame
    n_frames = cfg[3]
    sh = 32 if sfx else 0                            # cfg words 5, 6: store-and-forward counts in [63:32]
    n_rx66, n_stat = cfg[5] >> sh & 0xFFFFFFFF, cfg[6] >> sh & 0xFFFFFFFF
    for name, n in (("line", n_frames * w), ("66b", cfg[4]), ("rx66b", n_rx66), ("valid", n_frames),
                    ("cm", n_frames), ("rxstat", n_stat)):
        if len(v[name]) != n:
            raise Fail(f"{name}.hex: {len(v[name])} words, cfg.hex says {n}")
    if cfg[4] % 4 or n_rx66 % 4:
        raise Fail("cfg.hex: 66b counts are not multiples of 4")
    if v["valid"][0] & 1:
        raise Fail("valid.hex: frame 0 offers a block in clock 0 (physec_tx cannot take it)")
    n_ranges, n_rekeys = cfg[7], cfg[8]
    base = CFG_KEYS + 16
    v.update(W=w, MF=p.multiframe, n_frames=n_frames, n_run=frames if 0 < frames < n_frames else n_frames,
             link=cfg[0] & 0xFFFFFFFF, mode=cfg[1] & 3, require=cfg[2] & 1,
             ranges=[(r >> 32 & 0xFFFFFFFF, r & 0xFFFFFFFF) for r in cfg[base:base + n_ranges]],
             rekeys=[(r >> 32 & 0xFFFFFFFF, r & 3) for r in cfg[base + n_ranges:base + n_ranges + n_rekeys]])
    return v


def groups(blocks: list) -> list:
    """66b blocks -> one int per group of four, block j in bits [66j + 65 : 66j]."""
    return [b[0] | b[1] << 66 | b[2] << 132 | b[3] << 198 for b in zip(*[iter(blocks)] * 4)]


def events(dut, v: dict, rx_end: int) -> dict:
    """Sparse writes {clock: [(handle, value)]}: reset release, key installs, activation,
    rekey requests, start, end of the RX line, finish (tb_chain_files.sv's stimulus)."""
    ev: dict = {}

    def at(c, *writes):
        ev.setdefault(c, []).extend(writes)

    cfg, W = v["cfg"], v["W"]
    at(0, (dut.rst, 0))
    for an in range(4):
        for pre, base in (("tx_", CFG_KEYS), ("rx_", CFG_KEYS + 8)):
            k, s = cfg[base + 2 * an], cfg[base + 2 * an + 1]
            at(an, *((getattr(dut, pre + n), x) for n, x in (("key_we", s >> 97 & 1), ("key_an", an), ("key", k),
                                                                ("key_len", s >> 96 & 1), ("salt", s & (1 << 96) - 1))))
    at(4, (dut.tx_key_we, 0), (dut.rx_key_we, 0))
    at(START, (dut.tx_start, 1))
    at(START + 1, (dut.tx_start, 0))
    # Activation of AN 0, then the rekey requests: before line frame t = in the clock
    # after frame t-1's framer start; t = 0 as t = 1 (tb_chain_files.sv header).  A later
    # request of the same clock wins, as there.
    req = {ACTIVATE: 0}
    for t, an in v["rekeys"]:
        req[START + 5 + W * (0 if t < 1 else t - 1)] = an
    for c, an in req.items():
        at(c, (dut.tx_rekey_req, 1), (dut.tx_rekey_an, an))
        if c + 1 not in req:
            at(c + 1, (dut.tx_rekey_req, 0))
    rx_stop = RX_START + v["n_run"] * W + (FLUSH_WORDS if v["n_run"] == v["n_frames"] else 0)
    at(RX_START, (dut.rx_line_valid, 1))
    at(rx_stop, (dut.rx_line_valid, 0), (dut.rx_line_word, 0))
    if v["n_run"] == v["n_frames"]:          # a prefix does not end the stream
        at(rx_end, (dut.rx_finish, 1))
        at(rx_end + 1, (dut.rx_finish, 0))
    return ev


@cocotb.test()
async def chain_files(dut):
    t_start, cpu_start = time.time(), time.process_time()
    vecdir = Path(os.environ["PHYSEC_VECDIR"]).resolve()
    policy = os.environ.get("PHYSEC_RX_POLICY", "sf")
    if policy not in ("sf", "ct"):
        raise Fail(f"PHYSEC_RX_POLICY={policy}: sf or ct")
    v = load(vecdir, int(os.environ.get("PHYSEC_FRAMES") or 0), "_sf" if policy == "sf" else "")
    W, MF, mode, n_run, n_frames = v["W"], v["MF"], v["mode"], v["n_run"], v["n_frames"]
    line, cm, rstat, rcnt = v["line"], v["cm"], v["rxstat"], v["rxcnt"]
    n_line, n_stat = len(line), len(rstat)
    tx_groups = groups(v["66b"])
    rx_groups = groups(v["rx66b"])
    rx66 = v["rx66b"]
    ranges = v["ranges"]
    rk_early = any(t == 0 for t, _ in v["rekeys"])
    rx_end = RX_START + n_run * W + FLUSH_WORDS + 24
    rx_line_end = RX_START + n_run * W
    # client_valid per clock: mapper clock c - START + 1's valid.hex bit
    vld = v["valid"]
    sched = bytes(1 if 0 <= m < n_line and vld[m // W] >> (m % W) & 1 else 0
                  for m in range(-START + 1, n_line + 1))

    def fail(msg):
        raise Fail(f"FAIL {vecdir}: {msg}")

    def tx_mask(fi, kw):
        """Bits compared (tb_chain_files.sv tx_mask): all, but for a rekey request before
        frame 0 not the PAD and not the ciphertext after the model's key switch."""
        if not rk_early:
            return ONES
        if kw == 1:
            return ONES ^ 0xFFFFFFFF
        if kw == 2:
            return 0
        if kw == 3:
            return (1 << 64) - 1
        if kw >= 5 and fi >= MF and mode == 2:
            return 0
        return ONES

    # ---- handles
    clk = dut.clk
    h_c_valid, h_c_blocks = dut.tx_client_valid, dut.tx_client_blocks
    h_r_word = dut.rx_line_word
    h_lv, h_sof, h_lw = dut.tx_line_valid, dut.tx_line_sof, dut.tx_line_word
    h_alarms = h_a0, h_a1, h_a2, h_a3, h_a4 = (dut.tx_alarm_pn, dut.tx_err_key_refused, dut.tx_err_rekey_refused,
                                               dut.tx_err_ks, dut.tx_err_tag_late)
    h_tfv = dut.tx_fr_valid
    h_rks, h_ov, h_ob, h_oe = dut.rx_err_ks, dut.rx_client_valid, dut.rx_client_blocks, dut.rx_client_err
    h_fv, h_vv = dut.rx_fr_valid, dut.rx_vd_valid

    # ---- reset: all inputs 0, rst for 4 rising edges; then the clock loop
    dut.rst.value = 1
    for name in ("tx_start", "tx_client_valid", "tx_client_blocks", "tx_key_we", "tx_key_an", "tx_key", "tx_key_len",
                 "tx_salt", "tx_rekey_req", "tx_rekey_an", "rx_line_valid", "rx_line_word", "rx_key_we", "rx_key_an",
                 "rx_key", "rx_key_len", "rx_salt", "rx_finish"):
        getattr(dut, name).value = 0
    dut.rx_cut_through.value = int(policy == "ct")
    dut.tx_cfg_mode.value = mode
    dut.tx_cfg_link_id.value = v["link"]
    dut.rx_cfg_link_id.value = v["link"]
    dut.rx_require_security.value = v["require"]
    ev = events(dut, v, rx_end)
    cocotb.start_soon(Clock(clk, 10, unit="ns").start(start_high=False))
    for _ in range(4):
        await RisingEdge(clk)
    tx_words = tx_cmp_words = tx_cmp_bits = tx_frames_seen = rng = n_groups = 0
    n_out = n_err = n_fr = n_vd = vd_next = 0
    got_stat, pend, vq = [], [], []
    tx_done = rx_done = False
    n_tx = n_run * W
    last_cv = 0
    fe = FallingEdge(clk)
    c = 0
    done = False
    while not done:
        await fe
        # The testbench ends its loop after the stimulus of the first clock whose
        # preceding edges set both done flags; the monitors still see that clock's edge.
        done = tx_done and rx_done
        # Outputs first: what the testbench's monitors see at the edge that ends clock c.
        lv = int(h_lv.value)
        tfv = int(h_tfv.value)
        ov, fv, vv = int(h_ov.value), int(h_fv.value), int(h_vv.value)
        if int(h_a0.value) | int(h_a1.value) | int(h_a2.value) | int(h_a3.value) | int(h_a4.value):
            fail(f"physec_tx alarm at clock {c + 1}: alarm_pn, err_key_refused, err_rekey_refused, err_ks, "
                 f"err_tag_late = {[int(h.value) for h in h_alarms]}")
        if int(h_rks.value):
            fail(f"physec_rx err_ks at clock {c + 1}")

        # ---- stimulus of clock c
        for h, x in ev.get(c, ()):
            h.value = x
        cv = sched[c] if c < len(sched) else 0
        if cv != last_cv:
            h_c_valid.value = last_cv = cv
        if cv:
            h_c_blocks.value = tx_groups[n_groups] if n_groups < len(tx_groups) else IDLE_GROUP
            n_groups += 1
        if RX_START <= c < rx_line_end + (FLUSH_WORDS if n_run == n_frames else 0):
            h_r_word.value = line[c - RX_START] if c < rx_line_end else line[c - RX_START - W]

        # ---- TX checks (the edge ending clock c)
        if lv and tx_words == 0 and c != START + 6:
            fail(f"TX: first line word in clock {c}, expected START + 6 = {START + 6}")
        if lv and not tx_done:
            frame, k = divmod(tx_words, W)
            m = tx_mask(frame, k)
            if int(h_sof.value) != (k == 0):
                fail(f"TX frame {frame} word {k}: line_sof = {int(h_sof.value)}")
            while rng < len(ranges) and tx_words >= ranges[rng][1]:
                rng += 1
            if rng < len(ranges) and tx_words >= ranges[rng][0]:
                got = int(h_lw.value)
                x = (got ^ line[tx_words]) & m
                if x:
                    b = x.bit_length() - 1
                    fail(f"TX frame {frame} word {k} (line word {tx_words}) bit {b} of the word (sent {255 - b}-th): "
                         f"got {got:064x}, expected {line[tx_words]:064x} (mask {m:064x})")
                tx_cmp_words += 1
                tx_cmp_bits += 256 if m == ONES else bin(m).count("1")
            tx_words += 1
            tx_done = tx_words == n_tx
        elif not lv and c + 1 > START + 6 and not tx_done:
            fail(f"TX: line_valid low at clock {c + 1}")
        if tfv and tx_frames_seen < n_run:
            f = tx_frames_seen
            got = (int(dut.tx_fr_cm.value), int(dut.tx_fr_mfas.value), int(dut.tx_fr_protected.value),
                   int(dut.tx_fr_mode.value))
            if got != (cm[f] & 0x3FFF, f & 0xFF, 1, mode):
                fail(f"TX frame {f} record: Cm, MFAS, protected, mode = {got}, expected "
                     f"{(cm[f] & 0x3FFF, f & 0xFF, 1, mode)}")
            tx_frames_seen += 1

        # ---- RX checks
        if ov:
            if 4 * n_out + 3 >= len(rx66):
                fail(f"RX: more than the {len(rx66) // 4} 66b groups of rx66b.hex")
            got = int(h_ob.value)
            if got != rx_groups[n_out]:
                for j in range(4):
                    g, e = got >> (66 * j) & (1 << 66) - 1, rx66[4 * n_out + j]
                    if g != e:
                        b = ((g ^ e) & -(g ^ e)).bit_length() - 1
                        fail(f"RX 66b block {4 * n_out + j} (group {n_out}, block {j}) bit {b}: "
                             f"got {g:017x}, expected {e:017x}")
            n_err += int(h_oe.value)
            n_out += 1
        if fv:
            if n_fr >= n_stat:
                fail(f"RX: more frame records than the {n_stat} of rxstat.hex")
            r = {n: int(getattr(dut, "rx_fr_" + n).value) for n in (
                "pad_invalid", "bypass_refused", "unknown_an", "replay", "pn_unpredicted", "key_changed", "pn",
                "mfas", "stat", "cm", "jc_kind", "am_good", "oh_crc_ok", "jc_crc_ok", "usable", "an", "mode",
                "bypass", "release", "delivered", "pending")}
            arrival = (r["key_changed"] << 7 | r["pad_invalid"] << 6 | r["bypass_refused"] << 5
                       | r["unknown_an"] << 4 | r["replay"] << 3 | r["pn_unpredicted"] << 2)
            verdict = 1 if arrival else 2 if r["bypass"] else 0xF
            got_stat.append(r["pn"] << 64 | r["mfas"] << 56 | r["stat"] << 48 | r["cm"] << 32 | r["jc_kind"] << 28
                            | r["am_good"] << 27 | r["oh_crc_ok"] << 26 | r["jc_crc_ok"] << 25 | r["usable"] << 24
                            | r["an"] << 22 | r["mode"] << 20 | verdict << 16 | r["release"] << 15
                            | r["delivered"] << 14 | arrival)
            pend.append(r["pending"])
            n_fr += 1
        if vv:
            vq.append((int(dut.rx_vd_an.value), int(dut.rx_vd_pn.value), int(dut.rx_vd_pass.value),
                       int(dut.rx_vd_key_changed.value), int(dut.rx_vd_tag_mismatch.value),
                       int(dut.rx_vd_tag_lost.value)))
        # Verdicts meet their pending records in order, whichever comes first (in
        # store-and-forward a frame's record follows its verdict).
        while (fv or vv) and n_vd < len(vq):
            while vd_next < n_fr and not pend[vd_next]:
                vd_next += 1
            if vd_next >= n_fr:
                break
            v_an, v_pn, v_pass, v_key, v_mism, v_lost = vq[n_vd]
            s = got_stat[vd_next]
            if (v_an, v_pn) != (s >> 22 & 3, s >> 64):
                fail(f"RX: verdict for AN {v_an} PN {v_pn}, the oldest pending frame (record {vd_next}) has "
                     f"AN {s >> 22 & 3} PN {s >> 64}")
            s &= ~(0xF << 16 | 3)
            s |= (0 if v_pass else 1) << 16 | v_key << 7 | v_mism << 1 | v_lost
            got_stat[vd_next] = s
            pend[vd_next] = 0
            n_vd += 1
        rx_done = rx_done or c + 1 == rx_end + 40 + W      # store-and-forward drains after finish
        c += 1
    await fe                                   # the testbench's summary is one negedge later

    # ---- end of run (tb_chain_files.sv summary)
    if tx_frames_seen != n_run:
        fail(f"TX: {tx_frames_seen} frame records, expected {n_run}")
    if n_run < n_frames:
        if n_fr < 1:
            fail(f"RX: no frame record in the first {n_run} frames")
    else:
        if 4 * n_out != len(rx66):
            fail(f"RX: {4 * n_out} 66b blocks out, rx66b.hex has {len(rx66)}")
        if n_fr != n_stat:
            fail(f"RX: {n_fr} frame records, rxstat.hex has {n_stat}")
    for i in range(n_fr):
        if not pend[i] and got_stat[i] != rstat[i]:
            fail(f"RX frame record {i} (rxstat.hex word {i}) bit {(got_stat[i] ^ rstat[i]).bit_length() - 1}: "
                 f"got {got_stat[i]:032x}, expected {rstat[i]:032x}")
    if n_run == n_frames:
        cnt = int(dut.rx_cnt.value)
        got_cnt = [cnt >> (32 * i) & 0xFFFFFFFF for i in range(len(CNT_NAMES) - 1)] + [n_err]
        for name, g, e in zip(CNT_NAMES, got_cnt, rcnt):
            if g != e:
                fail(f"RX counter {name} = {g}, rxcnt.hex {e}")
    notes = ((f" (rekey requested before frame 0: PAD bits and ciphertext from frame {MF} not compared)"
              if rk_early else "")
             + (f" (prefix of {n_run} of {n_frames} line frames: RX counts and counters not compared)"
                if n_run < n_frames else ""))
    dut._log.info(f"PASS {vecdir}: TX {n_run} line frames, {tx_cmp_words} words in range compared "
                  f"({tx_cmp_bits} bits), {tx_frames_seen} frame records; RX {4 * n_out} 66b blocks ({n_err} "
                  f"undecodable groups), {n_fr} frame records, {n_vd} verdicts, {len(CNT_NAMES)} counters; "
                  f"{c} clocks{notes}")
    out = os.environ.get("PHYSEC_SIMBENCH_OUT")
    if out:
        Path(out).write_text(json.dumps({
            # from the test's start (vectors read) to here
            "clocks": c, "wall": time.time() - t_start, "cpu": time.process_time() - cpu_start, "t_start": t_start,
            "tx_words": tx_cmp_words, "rx_blocks": 4 * n_out, "frame_records": n_fr, "verdicts": n_vd}) + "\n")
