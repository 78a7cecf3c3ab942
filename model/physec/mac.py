# SPDX-License-Identifier: Apache-2.0
"""Stage `mac`: Ethernet frames <-> CGMII character stream (MAC + reconciliation sublayer).

Transmit: each frame (without FCS) is padded to 60 bytes, gets its FCS (CRC-32,
sent least significant byte first, as zlib computes it) and is sent as
/S/ 55 55 55 55 55 55 D5 <frame> <FCS> /T/, the /S/ always in lane 0.  The gap
after a frame is the traffic's requested gap (>= 12 bytes counted from /T/),
moved to a lane-0 start by a deficit idle count (DIC) of at most 7 bytes: a start
comes up to 7 bytes early while the deficit allows, otherwise idles are added, so
every gap is >= 5 bytes and the mean gap equals the requested one (spec 3.1).

Receive: frames are the characters between a lane-0 /S/ and the next /T/.  A frame
is *errored* when it holds /E/ or any other control character, when a new /S/
arrives before /T/, when the stream ends inside it, or when the preamble/SFD is
wrong; FCS is checked on every frame that is not errored.

RTL: none yet (the RTL chain starts at 66b blocks).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from .pcs66 import CH_ERROR, CH_IDLE, CH_SEQ, CH_START, CH_TERM, Cgmii

PREAMBLE = bytes([0x55] * 6 + [0xD5])      # after /S/, which replaces the first 0x55
MIN_FRAME = 60                              # without FCS (64 with it)
MAX_FRAME = 9212                            # without FCS (9216 jumbo with it)
MIN_GAP = 12
DIC_MAX = 7                                 # one 8-byte transfer minus one


class FrameError(ValueError):
    """A frame that the MAC cannot send."""


def fcs(frame: bytes) -> bytes:
    return zlib.crc32(frame).to_bytes(4, "little")


def pad_frame(frame: bytes) -> bytes:
    return frame if len(frame) >= MIN_FRAME else frame + bytes(MIN_FRAME - len(frame))


@dataclass
class TxLayout:
    """Where each frame landed in the CGMII stream (character offsets)."""

    starts: np.ndarray          # offset of /S/
    ends: np.ndarray            # offset of /T/


def mac_encode(frames, gaps=None, block_multiple: int = 4, lead_idle: int = 0) -> tuple[Cgmii, TxLayout]:
    """Frames (bytes without FCS) -> CGMII transfers.

    ``gaps[i]`` is the requested number of idle characters after frame i (>= 12,
    counted from its /T/); default 12.  The stream is filled with idles up to a
    multiple of ``block_multiple`` transfers (4 makes whole 257b groups).
    """
    n = len(frames)
    gaps = np.full(n, MIN_GAP, np.int64) if gaps is None else np.asarray(gaps, np.int64)
    if len(gaps) != n:
        raise ValueError(f"{n} frames but {len(gaps)} gaps")
    if n and gaps.min() < MIN_GAP:
        raise ValueError(f"gaps must be >= {MIN_GAP} characters, got {int(gaps.min())}")
    wire = []
    for i, fr in enumerate(frames):
        if len(fr) > MAX_FRAME:
            raise FrameError(f"frame {i} is {len(fr)} bytes without FCS; the maximum is {MAX_FRAME} "
                             f"({MAX_FRAME + 4} with FCS)")
        fr = pad_frame(bytes(fr))
        wire.append(fr + fcs(fr))

    starts = np.empty(n, np.int64)
    ends = np.empty(n, np.int64)
    pos, dic = -(-lead_idle // 8) * 8, 0
    for i, w in enumerate(wire):
        starts[i] = pos
        ends[i] = pos + 8 + len(w)
        nominal = int(ends[i] + gaps[i])
        r = nominal % 8
        if r and dic + r <= DIC_MAX:
            pos, dic = nominal - r, dic + r
        elif r:
            pos, dic = nominal + 8 - r, max(0, dic - (8 - r))
        else:
            pos = nominal
    total = pos if n else 0
    unit = 8 * block_multiple
    total = max(unit, -(-total // unit) * unit)

    data = np.full(total, CH_IDLE, np.uint8)
    ctrl = np.ones(total, bool)
    for s, e, w in zip(starts, ends, wire):
        data[s] = CH_START
        data[s + 1:s + 8] = np.frombuffer(PREAMBLE, np.uint8)
        data[s + 8:e] = np.frombuffer(w, np.uint8)
        ctrl[s + 1:e] = False
        data[e] = CH_TERM
    return Cgmii(data.reshape(-1, 8), ctrl.reshape(-1, 8)), TxLayout(starts, ends)


@dataclass
class RxFrame:
    data: bytes                 # without FCS (for an errored frame: what arrived, FCS included)
    start: int                  # character offset of /S/
    fcs_ok: bool
    errored: bool
    reason: str = ""

    @property
    def good(self) -> bool:
        return self.fcs_ok and not self.errored


@dataclass
class RxStats:
    frames: int = 0
    good: int = 0
    fcs_errors: int = 0
    errored: int = 0
    stray_data: int = 0         # data characters outside any frame
    stray_control: int = 0      # /T/ outside a frame, /E/ between frames
    ordered_sets: int = 0       # /Q/ sequence ordered sets between frames
    reasons: dict = field(default_factory=dict)


def mac_decode(cg: Cgmii) -> tuple[list[RxFrame], RxStats]:
    """CGMII transfers -> received frames and counters (never raises on bad data).

    Only control characters other than idle are visited one by one (a few per frame);
    preamble checks and data counts are vectorised, FCS is zlib per frame."""
    data = np.asarray(cg.data, np.uint8).reshape(-1)
    ctrl = np.asarray(cg.ctrl, bool).reshape(-1)
    stats = RxStats()
    ev = np.flatnonzero(ctrl & (data != CH_IDLE))
    ev_ch = data[ev].tolist()
    ev_lane0 = (ev % 8 == 0).tolist()
    spans: list[tuple[int, int, str]] = []       # (offset of /S/, end, reason so far)
    oss: list[int] = []                          # offsets of /Q/ ordered sets
    cur, bad = None, ""
    for p, ch, l0 in zip(ev.tolist(), ev_ch, ev_lane0):
        start = l0 and ch == CH_START
        if cur is None:
            if start:
                cur, bad = p, ""
            elif l0 and ch == CH_SEQ:
                oss.append(p)
            else:
                stats.stray_control += 1
        elif ch == CH_TERM:
            spans.append((cur, p, bad))
            cur = None
        elif start:
            spans.append((cur, p, "start before terminate"))
            cur, bad = p, ""
        elif p >= cur + 8 or ch == CH_ERROR:
            bad = bad or ("error character" if ch == CH_ERROR else "control character in frame")
        else:
            bad = bad or "bad preamble/SFD"
    if cur is not None:
        spans.append((cur, len(data), "stream ended inside frame"))

    n_data = np.concatenate(([0], np.cumsum(~ctrl)))         # data characters before each offset
    st = np.array([sp[0] for sp in spans], np.int64)
    en = np.array([sp[1] for sp in spans], np.int64)
    pre_idx = np.minimum(st[:, None] + np.arange(1, 8), len(data) - 1)
    pre_ok = ((data[pre_idx] == np.frombuffer(PREAMBLE, np.uint8)).all(axis=1) & ~ctrl[pre_idx].any(axis=1)
              & (st + 8 <= len(data))) if len(st) else np.zeros(0, bool)
    os_arr = np.array(oss, np.int64)
    accounted = int((n_data[en] - n_data[st]).sum()) + int((n_data[np.minimum(os_arr + 8, len(data))]
                                                            - n_data[os_arr]).sum())
    raw = data.tobytes()
    frames: list[RxFrame] = []
    for (s0, e0, reason), ok in zip(spans, pre_ok.tolist()):
        body = raw[s0 + 8:e0]
        reason = reason or ("" if ok else "bad preamble/SFD")
        if not reason and len(body) < 4 + MIN_FRAME:
            reason = "runt"
        fcs_ok = not reason and fcs(body[:-4]) == body[-4:]
        frames.append(RxFrame(body[:-4] if not reason else body, s0, fcs_ok, bool(reason), reason))
        if reason:
            stats.errored += 1
            stats.reasons[reason] = stats.reasons.get(reason, 0) + 1
        elif not fcs_ok:
            stats.fcs_errors += 1
        else:
            stats.good += 1
    stats.frames = len(frames)
    stats.ordered_sets = len(oss)
    stats.stray_data = int(n_data[-1]) - accounted
    return frames, stats
