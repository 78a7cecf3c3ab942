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

import bisect
import zlib
from dataclasses import dataclass, field

import numpy as np

from .pcs66 import ALL_LANES, CH_ERROR, CH_IDLE, CH_SEQ, CH_START, CH_TERM, Cgmii

PREAMBLE = bytes([0x55] * 6 + [0xD5])      # after /S/, which replaces the first 0x55
MIN_FRAME = 60                              # without FCS (64 with it)
MAX_FRAME = 9212                            # without FCS (9216 jumbo with it)
MIN_GAP = 12
INF = float("inf")
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


_ZEROS = memoryview(bytes(8 + MAX_FRAME + 4))
_IDLES = memoryview(bytes([CH_IDLE]) * 65536)
_ONES = memoryview(bytes([1]) * 65536)
_START_PREAMBLE, _TERM, _ONE = bytes([CH_START]) + PREAMBLE, bytes([CH_TERM]), b"\x01"


def _run(buf: memoryview, n: int):
    """n characters of a constant run (a view of ``buf`` when it is long enough)."""
    return buf[:n] if n <= len(buf) else bytes(buf[:1]) * n


class MacTx:
    """Streaming transmit MAC: frames in, CGMII out in whole groups of ``block_multiple``
    transfers (4 makes whole 257b groups); the state between calls is the position of
    the next /S/ and the deficit idle count, so any split of the frames gives the same
    characters as one call."""

    def __init__(self, block_multiple: int = 4, lead_idle: int = 0):
        self.unit = 8 * block_multiple
        self.pos = -(-lead_idle // 8) * 8       # offset of the next /S/
        self.dic = 0
        self.done = 0                           # characters handed out so far
        self.sent = 0                           # frames sent so far
        # Characters [done, pos) built but not handed out: they do not fill a whole unit.
        self.tail = (bytearray([CH_IDLE]) * self.pos, bytearray([1]) * self.pos)

    def encode(self, frames, gaps=None, final: bool = False) -> tuple[Cgmii, TxLayout]:
        """The transfers up to the last whole unit (``final``: all, idle-filled to a unit)."""
        n = len(frames)
        gaps = np.full(n, MIN_GAP, np.int64) if gaps is None else np.asarray(gaps, np.int64)
        if len(gaps) != n:
            raise ValueError(f"{n} frames but {len(gaps)} gaps")
        if n and gaps.min() < MIN_GAP:
            raise ValueError(f"gaps must be >= {MIN_GAP} characters, got {int(gaps.min())}")
        frames = [bytes(fr) for fr in frames]
        for i, fr in enumerate(frames):
            if len(fr) > MAX_FRAME:
                raise FrameError(f"frame {self.sent + i} is {len(fr)} bytes without FCS; the maximum is "
                                 f"{MAX_FRAME} ({MAX_FRAME + 4} with FCS)")
        # Layout on Python ints: starts are lane 0, so r depends on the frame and gap only.
        starts, ends = [], []
        pos, dic = self.pos, self.dic
        for fr, gap in zip(frames, gaps.tolist()):
            starts.append(pos)
            end = pos + 8 + max(len(fr), MIN_FRAME) + 4
            ends.append(end)
            nominal = end + gap
            r = nominal % 8
            if r and dic + r <= DIC_MAX:
                pos, dic = nominal - r, dic + r
            elif r:
                pos, dic = nominal + 8 - r, max(0, dic - (8 - r))
            else:
                pos = nominal
        if final:
            total = max(self.unit, -(-pos // self.unit) * self.unit) if self.sent + n else self.unit
        else:
            total = pos // self.unit * self.unit
        # Characters [lo, hi): the carried tail [done, self.pos), then per frame the idles
        # before it and the frame, then idles; data and ctrl each as one join of pieces.
        lo, hi = self.done, max(pos, total)
        data, ctrl = [self.tail[0]], [self.tail[1]]
        cur = self.pos
        for fr, s, e in zip(frames, starts, ends):
            pad = e - 4 - (s + 8 + len(fr))
            crc = zlib.crc32(_ZEROS[:pad], zlib.crc32(fr)) if pad else zlib.crc32(fr)
            data += [_run(_IDLES, s - cur), _START_PREAMBLE, fr, _ZEROS[:pad], crc.to_bytes(4, "little"), _TERM]
            ctrl += [_run(_ONES, s - cur + 1), _ZEROS[:e - s - 1], _ONE]
            cur = e + 1
        data.append(_run(_IDLES, hi - cur))
        ctrl.append(_run(_ONES, hi - cur))
        data, ctrl = bytearray().join(data), bytearray().join(ctrl)
        self.pos, self.dic, self.sent = pos, dic, self.sent + n
        cut = total - lo
        self.tail = (data[cut:], ctrl[cut:])
        self.done = total
        out_d = np.frombuffer(data, np.uint8, count=cut)
        out_c = np.frombuffer(ctrl, bool, count=cut)
        return Cgmii(out_d.reshape(-1, 8), out_c.reshape(-1, 8)), TxLayout(np.array(starts, np.int64),
                                                                           np.array(ends, np.int64))


def mac_encode(frames, gaps=None, block_multiple: int = 4, lead_idle: int = 0) -> tuple[Cgmii, TxLayout]:
    """Frames (bytes without FCS) -> CGMII transfers.

    ``gaps[i]`` is the requested number of idle characters after frame i (>= 12,
    counted from its /T/); default 12.  The stream is filled with idles up to a
    multiple of ``block_multiple`` transfers (4 makes whole 257b groups).
    """
    return MacTx(block_multiple, lead_idle).encode(frames, gaps, final=True)


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


class _DataCount:
    """Data characters before character offsets: a prefix count per transfer (not per
    character) plus the lanes of the offset's own transfer."""

    def __init__(self, ctrl8: np.ndarray):
        self.ctrl8 = ctrl8
        per = 8 - ((ctrl8.view("<u8").reshape(-1) * np.uint64(ALL_LANES)) >> np.uint64(56)).astype(np.int64)
        self.rows = np.concatenate(([0], np.cumsum(per)))

    def __getitem__(self, off) -> np.ndarray:
        off = np.asarray(off, np.int64)
        row, lane = off // 8, off % 8
        inside = row < len(self.ctrl8)
        part = np.zeros(len(off), np.int64)
        c = self.ctrl8[row[inside]]
        part[inside] = (~c & (np.arange(8) < lane[inside, None])).sum(axis=1)
        return self.rows[row] + part


class MacRx:
    """Streaming receive MAC: feed CGMII chunks (whole transfers), get the frames that
    ended in them.  An unfinished frame is carried (from its /S/) into the next call,
    so any split gives the same frames and counters as one call."""

    def __init__(self):
        self.stats = RxStats()
        self.carry = Cgmii(np.zeros((0, 8), np.uint8), np.zeros((0, 8), bool))
        self.base = 0                           # character offset of the carry's first transfer

    def decode(self, cg: Cgmii, final: bool = False) -> list[RxFrame]:
        data8 = np.ascontiguousarray(cg.data, np.uint8).reshape(-1, 8)
        ctrl8 = np.ascontiguousarray(cg.ctrl, bool).reshape(-1, 8)
        if len(self.carry.data):
            data8 = np.concatenate((self.carry.data, data8))
            ctrl8 = np.concatenate((self.carry.ctrl, ctrl8))
        frames, cut = _decode(data8, ctrl8, self.stats, self.base, final)
        self.carry = Cgmii(data8[cut // 8:], ctrl8[cut // 8:])
        self.base += cut
        return frames


def _decode(data8: np.ndarray, ctrl8: np.ndarray, stats: RxStats, base: int, final: bool) -> tuple[list, int]:
    """Frames of characters [0, cut) and their counts added to ``stats``; ``cut`` is the
    /S/ of a frame still open at the end (unless ``final``), else the end."""
    data, ctrl = data8.reshape(-1), ctrl8.reshape(-1)
    # Control characters other than idle, looked for only in transfers that hold a
    # control character and are not eight idles (whole transfers as 64-bit words).
    cw = ctrl8.view("<u8").reshape(-1)
    cand = np.flatnonzero((cw != 0) & ~((cw == ALL_LANES) & (data8.view("<u8").reshape(-1) == ALL_LANES * CH_IDLE)))
    r, lane = np.nonzero(ctrl8[cand] & (data8[cand] != CH_IDLE))
    ev = cand[r] * 8 + lane
    ch_arr = data[ev]
    # /E/ never opens or closes a frame: outside one it is a stray control character,
    # inside one it flags the frame if it comes before any other flag.  Runs of /E/
    # (error blocks) are therefore settled below with bisection, not one by one.
    is_e = ch_arr == CH_ERROR
    e_pos = ev[is_e].tolist()
    ev, ch_arr, lane = ev[~is_e], ch_arr[~is_e], lane[~is_e]
    spans: list[tuple[int, int, str, float | None]] = []   # (/S/, end, reason, first flag or None if final)
    oss: list[int] = []                          # offsets of /Q/ ordered sets
    cur, bad, bad_at = None, "", INF
    # A well-formed stream alternates lane-0 /S/ and /T/: the loop below would pair them
    # with nothing to flag, so pair them at once.
    k = len(ev) // 2 * 2
    if (ch_arr[0:k:2] == CH_START).all() and (lane[0:k:2] == 0).all() and (ch_arr[1:k:2] == CH_TERM).all() \
            and (k == len(ev) or (ch_arr[-1] == CH_START and lane[-1] == 0)):
        spans = [(s0, e0, "", INF) for s0, e0 in zip(ev[0:k:2].tolist(), ev[1:k:2].tolist())]
        cur = int(ev[-1]) if k < len(ev) else None
        ev = ev[:0]
    for p, ch, l0 in zip(ev.tolist(), ch_arr[:len(ev)].tolist(), (lane[:len(ev)] == 0).tolist()):
        start = l0 and ch == CH_START
        if cur is None:
            if start:
                cur, bad, bad_at = p, "", INF
            elif l0 and ch == CH_SEQ:
                oss.append(p)
            else:
                stats.stray_control += 1
        elif ch == CH_TERM:
            spans.append((cur, p, bad, bad_at))
            cur = None
        elif start:
            spans.append((cur, p, "start before terminate", None))
            cur, bad, bad_at = p, "", INF
        elif not bad:
            bad, bad_at = ("control character in frame" if p >= cur + 8 else "bad preamble/SFD"), p
    cut = len(data)
    if cur is not None:
        if final:
            spans.append((cur, len(data), "stream ended inside frame", None))
        else:
            cut = cur                            # everything from this /S/ on is decided later
    inside = 0
    for i, (s0, e0, reason, flag_at) in enumerate(spans):
        lo, hi = bisect.bisect_right(e_pos, s0), bisect.bisect_left(e_pos, e0)
        inside += hi - lo
        if hi > lo and flag_at is not None and e_pos[lo] < flag_at:
            spans[i] = (s0, e0, "error character", None)
    stats.stray_control += bisect.bisect_left(e_pos, cut) - inside

    n_data = _DataCount(ctrl8)
    st = np.array([sp[0] for sp in spans], np.int64)
    en = np.array([sp[1] for sp in spans], np.int64)
    pre_idx = np.minimum(st[:, None] + np.arange(1, 8), len(data) - 1)
    pre_ok = ((data[pre_idx] == np.frombuffer(PREAMBLE, np.uint8)).all(axis=1) & ~ctrl[pre_idx].any(axis=1)
              & (st + 8 <= len(data))) if len(st) else np.zeros(0, bool)
    os_arr = np.array(oss, np.int64)
    accounted = int((n_data[en] - n_data[st]).sum()) + int((n_data[np.minimum(os_arr + 8, len(data))]
                                                            - n_data[os_arr]).sum())
    raw = data.tobytes()
    view = memoryview(raw)
    st_l, en_l = st.tolist(), en.tolist()
    reasons = [r or ("" if ok else "bad preamble/SFD") or ("runt" if e - s - 8 < 4 + MIN_FRAME else "")
               for (_, _, r, _), ok, s, e in zip(spans, pre_ok.tolist(), st_l, en_l)]
    fcs_ok = [not r and zlib.crc32(view[s + 8:e - 4]) == int.from_bytes(view[e - 4:e], "little")
              for r, s, e in zip(reasons, st_l, en_l)]
    frames = [RxFrame(raw[s + 8:e - 4] if not r else raw[s + 8:e], base + s, ok, bool(r), r)
              for r, ok, s, e in zip(reasons, fcs_ok, st_l, en_l)]
    for r in reasons:
        if r:
            stats.reasons[r] = stats.reasons.get(r, 0) + 1
    n_bad = sum(map(bool, reasons))
    n_good = sum(fcs_ok)
    stats.errored += n_bad
    stats.good += n_good
    stats.fcs_errors += len(frames) - n_bad - n_good
    stats.frames += len(frames)
    stats.ordered_sets += len(oss)
    stats.stray_data += int(n_data[np.array([cut])][0]) - accounted
    return frames, cut


def mac_decode(cg: Cgmii) -> tuple[list[RxFrame], RxStats]:
    """CGMII transfers -> received frames and counters (never raises on bad data).

    Only control characters other than idle are visited one by one (a few per frame);
    preamble checks and data counts are vectorised, FCS is zlib per frame."""
    rx = MacRx()
    return rx.decode(cg, final=True), rx.stats
