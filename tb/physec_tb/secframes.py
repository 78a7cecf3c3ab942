# SPDX-License-Identifier: Apache-2.0
"""Stimulus and reference for the security stage testbenches (tb/sec_tx, tb/sec_rx).

Frames come from the model: ``physec.frame.frame_tx`` without a security stage gives
the framer's output (AM | placeholder PAD | OH | plain payload, i.e. the line before
security); ``physec.sec.SecTx.frame`` on each frame's MFAS, OH and payload gives the
secured PAD and payload (exactly what ``FrameTx`` does with ``sec=SecTx(...)``), so
rekeys and other events can be placed between frames.  ``SecRx.frame`` is the
receiver's reference.

Line words: word k of a frame = frame bytes 32k .. 32k + 31 as a big-endian int
(bit 255 = first transmitted bit, spec 2.1).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from physec.frame import am_line_bytes, frame_tx
from physec.gmp import client_valid
from physec.pad import Pad
from physec.profile import get_profile
from physec.sec import CUT_THROUGH, SecKey, SecRx, SecTx
from physec.xcode257 import Blocks257

P = get_profile("100g")
W = P.words_per_frame
WB = P.word_bits // 8
LINK = 0x01020304
PAD_OFF = P.am_bits // 8                     # frame byte offset of the PAD
OH_OFF = PAD_OFF + P.pad_bytes               # of the OH
PL_OFF = P.header_bits // 8                  # of the payload

# RTL of the security stage, packages first (both testbenches build all of it: the RX
# testbench holds a TX for the loopback).
SEC_RTL = ["rtl/frame/physec_profile_pkg.sv", "rtl/aes/physec_aes_pkg.sv", "rtl/aes/physec_aes_sbox.sv", "rtl/ghash/physec_gf128_pkg.sv",
           "rtl/sec/physec_sec_pkg.sv", "rtl/common/physec_pipe.sv", "rtl/common/physec_word_index.sv",
           "rtl/aes/physec_aes_keyexp.sv", "rtl/aes/physec_aes_pipe.sv", "rtl/ghash/physec_gf128_mul.sv",
           "rtl/ghash/physec_ghash.sv", "rtl/sec/physec_sec_keys.sv", "rtl/sec/physec_sec_ksgen.sv", "rtl/sec/physec_sec_jobq.sv",
           "rtl/sec/physec_sec_tx.sv", "rtl/sec/physec_sec_rx.sv", "rtl/common/physec_sdp_ram.sv",
           "rtl/common/physec_fifo_ram.sv", "rtl/sec/physec_sec_rxbuf.sv"]


def make_key(name: str, nbytes: int = 32) -> SecKey:
    """A deterministic test key and salt derived from ``name`` (never a real key)."""
    h = hashlib.sha256(b"physec-sec-tb:" + name.encode()).digest()
    s = hashlib.sha256(b"physec-sec-tb-salt:" + name.encode()).digest()
    return SecKey(h[:nbytes], s[:12])


def key_int(k: SecKey) -> tuple[int, int, int]:
    """(key port value, key_len, salt) of the RTL install port: key byte 0 in key[255:248],
    an AES-128 key in key[255:128]."""
    kv = int.from_bytes(k.key.ljust(32, b"\0"), "big")
    return kv, 1 if len(k.key) == 32 else 0, int.from_bytes(k.salt, "big")


def plain_frames(n: int, seed: int):
    """n frames of the framer (no security): random client 257b blocks at the nominal rate."""
    rng = np.random.default_rng(seed)
    nb = int(P.cm_nominal * (n + 2))
    client = Blocks257(rng.integers(0, 2, nb).astype(np.uint8),
                       rng.integers(0, 1 << 63, (nb, 4), dtype=np.uint64) * 2 + rng.integers(0, 2, (nb, 4), dtype=np.uint64))
    return frame_tx(P, client, client_valid(P, n))


def words(line: bytes) -> list[int]:
    return [int.from_bytes(line[WB * k:WB * k + WB], "big") for k in range(len(line) // WB)]


def line_of(pad: bytes, oh: bytes, payload: bytes) -> bytes:
    return am_line_bytes(P) + pad + oh + payload


@dataclass
class SecFrame:
    """One frame on the line after the security stage, and what produced it."""
    mfas: int
    oh: bytes
    plain: bytes
    pad: bytes
    payload: bytes                 # on the line
    an: int | None = None
    pn: int | None = None
    mode: int | None = None
    blank: bool = False            # the RTL transmitter's blank frame (no model counterpart)
    note: str = ""
    fields: Pad | None = field(default=None, repr=False)

    @property
    def line(self) -> bytes:
        return line_of(self.pad, self.oh, self.payload)


def blank_pad() -> bytes:
    """PAD of a blank frame of physec_sec_tx: version 1, mode 0, AN 0, no flags, PN 0."""
    return Pad(pn=0).encode(P.pad_bytes)


def secure(frames, tx: SecTx, events: dict | None = None) -> list[SecFrame]:
    """Apply ``tx`` to each plain frame in order; ``events[i]`` (a callable taking tx)
    runs before frame i (e.g. a rekey)."""
    out = []
    for i, f in enumerate(frames):
        if events and i in events:
            events[i](tx)
        s = tx.frame(f.oh[0], f.oh, f.plain, P.pad_bytes)
        fields, ok = Pad.decode(s.pad)
        assert ok
        out.append(SecFrame(f.oh[0], f.oh, f.plain, s.pad, s.payload, s.an, s.pn, fields.mode, fields=fields))
    return out


def rx_reference(frames: list[SecFrame], keys: dict, require=True, finish=True,
                 require_at: dict | None = None):
    """Run the model receiver over the frames (cut-through); returns (rx, results)."""
    rx = SecRx(keys, LINK, CUT_THROUGH, require_security=require)
    res = []
    for i, f in enumerate(frames):
        if require_at and i in require_at:
            rx.require = require_at[i]
        res.append(rx.frame(f.mfas, f.pad, f.oh, f.payload))
    if finish:
        rx.finish()
    return rx, res


COUNTERS = ("frames", "passed", "failed", "bypass", "tag_failures", "tags_lost", "replays", "unknown_an",
            "pad_errors", "pn_unpredicted", "key_switches", "key_changed")


def field_of(byte: int) -> str:
    """Name of the frame field holding frame byte ``byte``."""
    if byte < PAD_OFF:
        return "AM"
    if byte < OH_OFF:
        b = byte - PAD_OFF
        name = ("version" if b == 0 else "mode" if b == 1 else "flags" if b == 2 else "PN" if 4 <= b < 12
                else "TAG" if P.pad_bytes - 20 <= b < P.pad_bytes - 4 else "CRC-32" if b >= P.pad_bytes - 4
                else "reserved")
        return f"PAD byte {b} ({name})"
    if byte < PL_OFF:
        return f"OH byte {byte - OH_OFF}"
    return f"payload byte {byte - PL_OFF} (AES block {(byte - PL_OFF) // 16})"


def first_diff(expected: bytes, got: bytes, at=None) -> str:
    """'' or a description of the first differing byte of two frames; ``at(k)``, if
    given, says where line word k of the frame was sampled (e.g. ``cap.at``), appended."""
    if expected == got:
        return ""
    i = next(k for k, (a, b) in enumerate(zip(expected, got)) if a != b) if len(expected) == len(got) else -1
    if i < 0:
        return f"length {len(got)} != {len(expected)}"
    nbad = int(np.count_nonzero(np.frombuffer(expected, np.uint8) != np.frombuffer(got, np.uint8)))
    return (f"word {i // WB}, {field_of(i)}: expected {expected[i]:02x}, got {got[i]:02x} "
            f"({nbad} bytes differ){f'; sampled at {at(i // WB)}' if at else ''}")


# --------------------------------------------------------------------------- stimulus player
# The tb wrappers (tb/sec_tx/physec_sec_tx_tb.sv, tb/sec_rx/physec_sec_rx_tb.sv) play
# stim.hex one line per clock and write cap.hex (one line per clock) and per-strobe
# record files; cocotb only writes and reads files (no per-clock Python).

def write_hex(path: str, rows, width: int) -> None:
    nd = (width + 3) // 4
    with open(path, "w") as fh:
        fh.write("".join(f"{r:0{nd}x}\n" for r in rows))


def read_hex(path: str, allow_x: bool = False) -> list:
    """Values of a $writememh file; a value with X/Z digits is an error, or None with
    ``allow_x`` (4-state simulators record X before reset)."""
    out = []
    with open(path) as fh:
        for ln in fh:
            ln = ln.strip()
            if not ln or ln.startswith("//") or ln.startswith("@"):
                continue
            try:
                out.append(int(ln, 16))
            except ValueError:
                if not allow_x:
                    raise AssertionError(f"{path}: X/Z in a recorded value: {ln[:80]}...") from None
                out.append(None)
    return out


async def play(dut, rows, width: int, tail: int, deposits=(), allow_x: bool = False) -> tuple[list, float]:
    """Play ``rows`` through the wrapper; ``deposits`` = [(clock, callable)] run in that
    stimulus clock (after its rising edge).  Returns (cap.hex values, seconds); the values
    are a ``physec_tb.Samples``: cap[p] holds the outputs of stimulus clock p, which
    starts at the rising edge ``cap.base.time_ns(p)`` (``cap.base.at(p)`` in words)."""
    import os
    import time

    from cocotb.triggers import FallingEdge, Timer

    from physec_tb import Clocks, Samples, sim_time_ns

    for f in ("cap.hex", "fr.hex", "fs.hex", "vd.hex"):
        if os.path.exists(f):
            os.remove(f)
    write_hex("stim.hex", rows, width)
    dut.n_stim.value = len(rows)
    await FallingEdge(dut.clk)
    dut.go.value = 1
    t_go = sim_time_ns()
    await FallingEdge(dut.clk)          # taken at the rising edge before: row 0 is driven now
    dut.go.value = 0
    period = sim_time_ns() - t_go
    base = Clocks(sim_time_ns() - period / 2, period, "stimulus clock")
    t0 = time.perf_counter()
    now = 0                             # stimulus clock at this falling edge
    for clock, fn in sorted(deposits, key=lambda d: d[0]):
        await Timer(10 * (clock - now), unit="ns")
        now = clock
        fn()
    await Timer(10 * (len(rows) + tail + 4 - now), unit="ns")
    secs = time.perf_counter() - t0
    assert int(dut.done.value) == 1, "the stimulus player did not finish"
    cap = read_hex("cap.hex", allow_x)
    return Samples(cap, range(len(cap)), base), secs
