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
    """CGMII transfers -> received frames and counters (never raises on bad data)."""
    data = np.asarray(cg.data, np.uint8).reshape(-1)
    ctrl = np.asarray(cg.ctrl, bool).reshape(-1)
    stats = RxStats()
    frames: list[RxFrame] = []
    lane0 = (np.arange(len(data)) % 8) == 0
    is_start = ctrl & (data == CH_START) & lane0
    # Events: every control character that is not an idle, plus data outside frames
    # (found afterwards from the frame extents).
    ev = np.flatnonzero(ctrl & (data != CH_IDLE))
    cur = None                   # offset of the open frame's /S/
    bad = ""
    accounted = 0                # data characters inside frames and ordered sets

    def close(end: int, reason: str):
        nonlocal accounted
        body = data[cur + 8:end].tobytes()
        accounted += int(np.count_nonzero(~ctrl[cur:end]))
        pre_ok = data[cur + 1:cur + 8].tobytes() == PREAMBLE and not ctrl[cur + 1:cur + 8].any()
        reason = reason or ("" if pre_ok else "bad preamble/SFD")
        if not reason and len(body) < 4 + MIN_FRAME:
            reason = "runt"
        fcs_ok = not reason and fcs(body[:-4]) == body[-4:]
        fr = RxFrame(body[:-4] if not reason else body, int(cur), fcs_ok, bool(reason), reason)
        frames.append(fr)
        stats.frames += 1
        if reason:
            stats.errored += 1
            stats.reasons[reason] = stats.reasons.get(reason, 0) + 1
        elif not fcs_ok:
            stats.fcs_errors += 1
        else:
            stats.good += 1

    for p in ev:
        ch = data[p]
        if cur is None:
            if is_start[p]:
                cur, bad = p, ""
            elif lane0[p] and ch == CH_SEQ:
                stats.ordered_sets += 1
                accounted += int(np.count_nonzero(~ctrl[p:p + 8]))
            else:
                stats.stray_control += 1
        elif ch == CH_TERM:
            close(p, bad)
            cur = None
        elif is_start[p]:
            close(p - 1, "start before terminate")
            cur, bad = p, ""
        elif p >= cur + 8 or ch == CH_ERROR:
            bad = bad or ("error character" if ch == CH_ERROR else "control character in frame")
        else:
            bad = bad or "bad preamble/SFD"
    if cur is not None:
        close(len(data), "stream ended inside frame")
    stats.stray_data = int(np.count_nonzero(~ctrl)) - accounted
    return frames, stats
