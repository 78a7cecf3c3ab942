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

``mac_encode`` / ``mac_decode`` are the definition (numpy and Python); the streaming
``MacTx`` / ``MacRx`` write and scan the characters with compiled kernels by default,
tested equal to them (tests/test_kernels_pcs.py).

RTL: none yet (the RTL chain starts at 66b blocks).
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from .crc import crc32
from .fastpath import _ERROR_WORD, _IDLE_WORD, _LOW8, _ONES_WORD, _U0, _U8, _U64     # the kernels' uint64 constants
from .jit import kernel
from .pcs66 import ALL_LANES, CH_ERROR, CH_IDLE, CH_SEQ, CH_START, CH_TERM, Cgmii

PREAMBLE = bytes([0x55] * 6 + [0xD5])      # after /S/, which replaces the first 0x55
MIN_FRAME = 60                              # without FCS (64 with it)
MAX_FRAME = 9212                            # without FCS (9216 jumbo with it)
MIN_GAP = 12
INF = float("inf")
DIC_MAX = 7                                 # one 8-byte transfer minus one
_CRC32_RESIDUE = 0x2144DF1C                 # CRC-32 of any message followed by its own FCS


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
    """n characters of a run (a view of ``buf`` when it is long enough; its last
    character repeats past its end)."""
    return buf[:n] if n <= len(buf) else bytes(buf) + bytes(buf[-1:]) * (n - len(buf))


_TERM_IDLES = memoryview(_TERM + bytes(_IDLES))
_ONE_ZEROS = memoryview(_ONE + bytes(_ZEROS))


# Deficit idle count after a frame whose nominal next start is r characters past lane 0.
_DIC_NEXT = [[d + r if r and d + r <= DIC_MAX else max(0, d - (8 - r)) if r else d for r in range(8)]
             for d in range(DIC_MAX + 1)]


@kernel
def _tx_chars(data, ctrl, at, joined, foff, starts, crcs):
    """Characters from ``at`` on: idles, and frame i (bytes foff[i]..foff[i+1] of
    ``joined``) as /S/ + preamble, frame, FCS ``crcs[i]``, /T/ from ``starts[i]``.
    (Loops over slices: numba vectorises those, not copies between offset slices.)"""
    p = at
    for i in range(len(starts) + 1):
        s = starts[i] if i < len(starts) else len(data)
        gap_d, gap_c = data[p:s], ctrl[p:s]
        for q in range(s - p):
            gap_d[q], gap_c[q] = CH_IDLE, 1
        if i == len(starts):
            break
        src = joined[foff[i]:foff[i + 1]]
        ln = len(src)
        d, c = data[s:s + 13 + ln], ctrl[s:s + 13 + ln]
        d[0], c[0] = CH_START, 1
        d[1:7], d[7] = 0x55, 0xD5
        body, flags = d[8:8 + ln], c[1:12 + ln]
        for q in range(ln):
            body[q] = src[q]
        for q in range(11 + ln):
            flags[q] = 0
        for k in range(4):
            d[8 + ln + k] = (crcs[i] >> (8 * k)) & 0xFF
        d[12 + ln], c[12 + ln] = CH_TERM, 1
        p = s + 13 + ln


class MacTx:
    """Streaming transmit MAC: frames in, CGMII out in whole groups of ``block_multiple``
    transfers (4 makes whole 257b groups); the state between calls is the position of
    the next /S/ and the deficit idle count, so any split of the frames gives the same
    characters as one call.  ``fast``: the characters are written by a compiled kernel
    instead of joined from pieces (``mac_encode``, the definition, joins them)."""

    def __init__(self, block_multiple: int = 4, lead_idle: int = 0, fast: bool = True):
        self.fast = fast
        self.unit = 8 * block_multiple
        self.pos = -(-lead_idle // 8) * 8       # offset of the next /S/
        self.dic = 0
        self.done = 0                           # characters handed out so far
        self.sent = 0                           # frames sent so far
        # Characters [done, pos) built but not handed out: they do not fill a whole unit.
        self.tail = (bytes([CH_IDLE]) * self.pos, bytes([1]) * self.pos)

    def encode(self, frames, gaps=None, final: bool = False) -> tuple[Cgmii, TxLayout]:
        """The transfers up to the last whole unit (``final``: all, idle-filled to a unit)."""
        if self.pos < self.done:
            raise ValueError("MacTx.encode after the final call")
        n = len(frames)
        gaps = np.full(n, MIN_GAP, np.int64) if gaps is None else np.asarray(gaps, np.int64)
        if len(gaps) != n:
            raise ValueError(f"{n} frames but {len(gaps)} gaps")
        if n and gaps.min() < MIN_GAP:
            raise ValueError(f"gaps must be >= {MIN_GAP} characters, got {int(gaps.min())}")
        frames = [fr if type(fr) is bytes else bytes(fr) for fr in frames]
        lens = list(map(len, frames))
        if n and max(lens) > MAX_FRAME:
            i = next(i for i, ln in enumerate(lens) if ln > MAX_FRAME)
            raise FrameError(f"frame {self.sent + i} is {lens[i]} bytes without FCS; the maximum is "
                             f"{MAX_FRAME} ({MAX_FRAME + 4} with FCS)")
        if n and min(lens) < MIN_FRAME:
            frames = [fr if len(fr) >= MIN_FRAME else fr + _ZEROS[:MIN_FRAME - len(fr)] for fr in frames]
            lens = list(map(len, frames))
        # Layout: starts are lane 0, so the misalignment r of the nominal next start depends
        # on the frame and gap alone; only the deficit idle count is a sequential state
        # (eight values), stepped through a table, the rest is array arithmetic.
        lens_a = np.array(lens, np.int64)
        step = 12 + lens_a + gaps
        r = step % 8
        dic, before = self.dic, []
        for x in r.tolist():
            before.append(dic)
            dic = _DIC_NEXT[dic][x]
        down = (r != 0) & (np.array(before, np.int64) + r <= DIC_MAX)      # start early
        step += np.where(down, -r, np.where(r != 0, 8 - r, 0))                  # else idles added
        cum = self.pos + np.cumsum(step)
        starts_a = np.concatenate(([self.pos], cum[:-1])) if n else cum
        pos = int(cum[-1]) if n else self.pos
        ends_a = starts_a + 12 + lens_a
        if final:
            total = max(self.unit, -(-pos // self.unit) * self.unit) if self.sent + n else self.unit
        else:
            total = pos // self.unit * self.unit
        # Characters [lo, hi): the carried tail [done, self.pos), then per frame its
        # /S/ + preamble, the (padded) frame, the FCS and /T/ + the idles up to the next /S/.
        lo, hi = self.done, max(pos, total)
        if self.fast:
            data, ctrl = np.empty(hi - lo, np.uint8), np.empty(hi - lo, np.uint8)
            at = self.pos - lo
            data[:at], ctrl[:at] = np.frombuffer(self.tail[0], np.uint8), np.frombuffer(self.tail[1], np.uint8)
            _tx_chars(data, ctrl, at, np.frombuffer(b"".join(frames), np.uint8),
                      np.concatenate(([0], np.cumsum(lens_a))), starts_a - lo,
                      np.fromiter(map(crc32, frames), np.uint32, n))
        else:
            data, ctrl = self._join(frames, lens, starts_a.tolist(), ends_a.tolist(), hi)
        self.pos, self.dic, self.sent = pos, dic, self.sent + n
        cut = total - lo
        self.tail = (bytes(data[cut:]), bytes(ctrl[cut:]))
        self.done = total
        out_d = np.frombuffer(data, np.uint8, count=cut)
        out_c = np.frombuffer(ctrl, bool, count=cut)
        return Cgmii(out_d.reshape(-1, 8), out_c.reshape(-1, 8)), TxLayout(starts_a, ends_a)

    def _join(self, frames, lens, starts, ends, hi) -> tuple[bytearray, bytearray]:
        """Data and control flags of the characters, each one join of pieces taken from
        lists in bulk."""
        n = len(frames)
        gap_idles = [s1 - e - 1 for s1, e in zip(starts[1:] + [hi], ends)]     # idles after /T/
        long_gap = n and max(gap_idles) >= len(_ONES)
        head = starts[0] - self.pos if n else hi - self.pos                  # idles before the first /S/
        pieces = [b""] * (4 * n)
        pieces[0::4] = [_START_PREAMBLE] * n
        pieces[1::4] = frames
        pieces[2::4] = [c.to_bytes(4, "little") for c in map(crc32, frames)]
        pieces[3::4] = [_run(_TERM_IDLES, g + 1) for g in gap_idles] if long_gap else \
            [_TERM_IDLES[:g + 1] for g in gap_idles]
        data = bytearray().join([self.tail[0], _run(_IDLES, head)] + pieces)
        flags = [b""] * (2 * n)
        flags[0::2] = [_ONE_ZEROS[:12 + ln] for ln in lens]                  # /S/, preamble, frame, FCS
        flags[1::2] = [_run(_ONES, g + 1) for g in gap_idles] if long_gap else \
            [_ONES[:g + 1] for g in gap_idles]                               # /T/ and idles
        ctrl = bytearray().join([self.tail[1], _run(_ONES, head)] + flags)
        return data, ctrl


def mac_encode(frames, gaps=None, block_multiple: int = 4, lead_idle: int = 0) -> tuple[Cgmii, TxLayout]:
    """Frames (bytes without FCS) -> CGMII transfers.

    ``gaps[i]`` is the requested number of idle characters after frame i (>= 12,
    counted from its /T/); default 12.  The stream is filled with idles up to a
    multiple of ``block_multiple`` transfers (4 makes whole 257b groups).
    """
    return MacTx(block_multiple, lead_idle, fast=False).encode(frames, gaps, final=True)


@dataclass(slots=True)
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
    """Data characters before character offsets: 8 per transfer minus its control
    characters, which are counted only in the transfers that hold any (a few per frame)."""

    def __init__(self, ctrl8: np.ndarray, crow: np.ndarray):
        self.ctrl8, self.crow = ctrl8, crow             # crow: transfers with a control character
        n = (ctrl8.view("<u8").reshape(-1)[crow] * np.uint64(ALL_LANES)) >> np.uint64(56)
        self.cum = np.concatenate(([0], np.cumsum(n.astype(np.int64))))

    def __getitem__(self, off) -> np.ndarray:
        off = np.asarray(off, np.int64)
        row, lane = off // 8, off % 8
        inside = row < len(self.ctrl8)
        part = np.zeros(len(off), np.int64)
        c = self.ctrl8[row[inside]]
        part[inside] = (c & (np.arange(8) < lane[inside, None])).sum(axis=1)
        return off - self.cum[np.searchsorted(self.crow, row)] - part


class MacRx:
    """Streaming receive MAC: feed CGMII chunks (whole transfers), get the frames that
    ended in them.  An unfinished frame is carried (from its /S/) into the next call,
    so any split gives the same frames and counters as one call.  ``fast``: the stream
    is scanned by a compiled kernel (``mac_decode``, the definition, does not)."""

    def __init__(self, fast: bool = True):
        self.fast = fast
        self.stats = RxStats()
        self.carry = Cgmii(np.zeros((0, 8), np.uint8), np.zeros((0, 8), bool))
        self.base = 0                           # character offset of the carry's first transfer

    def decode(self, cg: Cgmii, final: bool = False) -> list[RxFrame]:
        data8 = np.ascontiguousarray(cg.data, np.uint8).reshape(-1, 8)
        ctrl8 = np.ascontiguousarray(cg.ctrl, bool).reshape(-1, 8)
        if len(self.carry.data):
            data8 = np.concatenate((self.carry.data, data8))
            ctrl8 = np.concatenate((self.carry.ctrl, ctrl8))
        frames, cut = (_decode_fast if self.fast else _decode)(data8, ctrl8, self.stats, self.base, final)
        self.carry = Cgmii(data8[cut // 8:], ctrl8[cut // 8:])
        self.base += cut
        return frames


def _decode(data8: np.ndarray, ctrl8: np.ndarray, stats: RxStats, base: int, final: bool) -> tuple[list, int]:
    """Frames of characters [0, cut) and their counts added to ``stats``; ``cut`` is the
    /S/ of a frame still open at the end (unless ``final``), else the end."""
    data, ctrl = data8.reshape(-1), ctrl8.reshape(-1)
    # Control characters other than idle, looked for only in transfers that hold a
    # control character and are not eight idles (whole transfers as 64-bit words).
    # Transfers of eight /E/ (error blocks) are kept as rows, not as eight events each.
    cw = ctrl8.view("<u8").reshape(-1)
    crow = np.flatnonzero(cw)
    full, dwc = cw[crow] == ALL_LANES, data8.view("<u8").reshape(-1)[crow]
    e_row = full & (dwc == ALL_LANES * CH_ERROR)
    cand = crow[~((full & (dwc == ALL_LANES * CH_IDLE)) | e_row)]
    e_rows = crow[e_row] * 8
    r, lane = np.nonzero(ctrl8[cand] & (data8[cand] != CH_IDLE))
    ev = cand[r] * 8 + lane
    ch_arr = data[ev]
    # /E/ never opens or closes a frame: outside one it is a stray control character,
    # inside one it flags the frame if it comes before any other flag.  Runs of /E/
    # (error blocks) are therefore settled below by sorted search, not one by one.
    is_e = ch_arr == CH_ERROR
    e_pos = ev[is_e]
    ev, ch_arr, lane = ev[~is_e], ch_arr[~is_e], lane[~is_e]
    # A well-formed stream alternates lane-0 /S/ and /T/: the loop below would pair them
    # with nothing to flag, so pair them at once (as arrays: no per-frame Python).
    k = len(ev) // 2 * 2
    if (ch_arr[0:k:2] == CH_START).all() and (lane[0:k:2] == 0).all() and (ch_arr[1:k:2] == CH_TERM).all() \
            and (k == len(ev) or (ch_arr[-1] == CH_START and lane[-1] == 0)):
        st, en = ev[0:k:2], ev[1:k:2]
        reason = [""] * len(st)
        flag_at = np.full(len(st), INF)                 # first flag (NaN: none possible, final)
        cur, oss = (int(ev[-1]) if k < len(ev) else None), []
    else:
        st, en, reason, flag_at, cur, oss = _pair_events(ev, ch_arr, lane, stats)
    cut = len(data)
    if cur is not None:
        if final:
            st, en = np.append(st, cur), np.append(en, len(data))
            reason.append("stream ended inside frame")
            flag_at = np.append(flag_at, np.nan)
        else:
            cut = cur                            # everything from this /S/ on is decided later
    # An idle inside a frame is a control character like any other (spec 3.1); idles are
    # not events above (they fill every gap), so frames holding any control character
    # between /S/ and their end are looked at one by one (only flagged frames hold any).
    n_data = _DataCount(ctrl8, crow)
    if len(st):
        inner = (en - st - 1) - (n_data[en] - n_data[st + 1])
        for i in np.flatnonzero(inner > 0).tolist():
            s, e = int(st[i]), int(en[i])
            q = np.flatnonzero(ctrl[s + 1:e] & (data[s + 1:e] == CH_IDLE))
            if len(q) and s + 1 + q[0] < flag_at[i]:                     # NaN compares false
                p = s + 1 + int(q[0])
                reason[i], flag_at[i] = ("control character in frame" if p >= s + 8 else "bad preamble/SFD"), p
    if len(e_pos) or len(e_rows):
        # /E/ inside each frame (no frame boundary lies in a transfer of eight /E/).
        inside, first = 0, np.full(len(st), INF)
        for pos, w in ((e_pos, 1), (e_rows, 8)):
            lo, hi = np.searchsorted(pos, st, "right"), np.searchsorted(pos, en, "left")
            inside += w * (hi - lo)
            if len(pos):
                first = np.minimum(first, np.where(hi > lo, pos[np.minimum(lo, len(pos) - 1)], INF))
            stats.stray_control += w * int(np.searchsorted(pos, cut, "left"))
        for i in np.flatnonzero(first < flag_at).tolist():                   # NaN compares false
            reason[i] = "error character"
        stats.stray_control -= int(np.sum(inside))

    pre_idx = np.minimum(st[:, None] + np.arange(1, 8), len(data) - 1)
    pre_ok = ((data[pre_idx] == np.frombuffer(PREAMBLE, np.uint8)).all(axis=1) & ~ctrl[pre_idx].any(axis=1)
              & (st + 8 <= len(data))) if len(st) else np.zeros(0, bool)
    # Reasons by precedence: an event flag, then a bad preamble, then a runt.
    runt = en - st - 8 < 4 + MIN_FRAME
    if not pre_ok.all() or runt.any():
        reason = [r or ("" if ok else "bad preamble/SFD") or ("runt" if rn else "")
                  for r, ok, rn in zip(reason, pre_ok.tolist(), runt.tolist())]
    os_arr = np.array(oss, np.int64)
    accounted = int((n_data[en] - n_data[st]).sum()) + int((n_data[np.minimum(os_arr + 8, len(data))]
                                                            - n_data[os_arr]).sum())
    stats.ordered_sets += len(oss)
    stats.stray_data += int(n_data[np.array([cut])][0]) - accounted
    return _deliver(data, st, en, reason, base, stats), cut


def _deliver(data: np.ndarray, st: np.ndarray, en: np.ndarray, reason: list, base: int, stats: RxStats) -> list:
    """The frames [st, en) with their reasons ("" when the frame is not errored), FCS
    checked on those that are not errored, counted in ``stats``."""
    view = memoryview(data)
    st_l, en_l = st.tolist(), en.tolist()
    bad = [i for i, r in enumerate(reason) if r]
    # FCS over frame + FCS gives the CRC-32 residue exactly when the FCS is right.
    fcs_ok = [crc32(view[s + 8:e]) == _CRC32_RESIDUE for s, e in zip(st_l, en_l)]
    data_hi = [e - 4 for e in en_l]
    for i in bad:
        fcs_ok[i] = False
        data_hi[i] = en_l[i]
        stats.reasons[reason[i]] = stats.reasons.get(reason[i], 0) + 1
    frames = list(map(RxFrame, [view[s + 8:e].tobytes() for s, e in zip(st_l, data_hi)],
                      (base + st).tolist(), fcs_ok, list(map(bool, reason)), reason))
    n_good = sum(fcs_ok)
    stats.errored += len(bad)
    stats.good += n_good
    stats.fcs_errors += len(frames) - len(bad) - n_good
    stats.frames += len(frames)
    return frames


# Reasons of an errored frame, coded by _scan_rx (their precedence: spec 3.1).
_REASONS = ("", "start before terminate", "control character in frame", "bad preamble/SFD",
            "error character", "stream ended inside frame", "runt")
_PREAMBLE_WORD = _U64(int.from_bytes(PREAMBLE, "little"))


@kernel
def _scan_rx(dw, cw, final):
    """``_decode``'s frames and counts in one pass over the transfers (dw: data, cw:
    control flags, eight lanes per uint64): (starts, ends, reason codes, [stray control,
    stray data, ordered sets, cut])."""
    m = len(cw)
    st, en = np.empty(m + 1, np.int64), np.empty(m + 1, np.int64)
    why = np.empty(m + 1, np.int8)
    nf, cur, bad, bad_at, first_e = 0, -1, 0, 0, -1     # cur: /S/ of the open frame (-1: none)
    stray_c, stray_d, n_os = 0, 0, 0
    for t in range(m):
        c, w = cw[t], dw[t]
        if c == _U0:
            if cur < 0:
                stray_d += 8
            continue
        if c == _ONES_WORD and (w == _IDLE_WORD or w == _ERROR_WORD):
            if w == _ERROR_WORD:
                if cur < 0:
                    stray_c += 8
                elif first_e < 0:
                    first_e = 8 * t
            elif cur >= 0 and bad == 0:                 # idles inside a frame (never its lane 0)
                bad, bad_at = (2 if 8 * t >= cur + 8 else 3), 8 * t
            continue
        os_row = False                                  # a /Q/ owns its transfer's data
        for lane in range(8):
            p = 8 * t + lane
            ch = (w >> _U64(8 * lane)) & _LOW8
            if (c >> _U64(8 * lane)) & _LOW8 == _U0:
                if cur < 0 and not os_row:
                    stray_d += 1
            elif ch == CH_IDLE:
                if cur >= 0 and bad == 0:
                    bad, bad_at = (2 if p >= cur + 8 else 3), p
            elif ch == CH_ERROR:                        # flags a frame, never ends one
                if cur < 0:
                    stray_c += 1
                elif first_e < 0:
                    first_e = p
            elif cur < 0:
                if lane == 0 and ch == CH_START:
                    cur, bad, first_e = p, 0, -1
                elif lane == 0 and ch == CH_SEQ:
                    n_os += 1
                    os_row = True
                else:
                    stray_c += 1
            elif ch == CH_TERM:
                st[nf], en[nf] = cur, p
                why[nf] = 4 if first_e >= 0 and (bad == 0 or first_e < bad_at) else bad
                nf += 1
                cur = -1
            elif lane == 0 and ch == CH_START:
                st[nf], en[nf], why[nf] = cur, p, 1
                nf += 1
                cur, bad, first_e = p, 0, -1
            elif bad == 0:
                bad, bad_at = (2 if p >= cur + 8 else 3), p
    cut = 8 * m
    if cur >= 0:
        if final:
            st[nf], en[nf], why[nf] = cur, 8 * m, 5
            nf += 1
        else:
            cut = cur
    for i in range(nf):                                 # starts are lane 0: the preamble is lanes 1..7
        t = st[i] // 8
        if why[i] == 0 and ((dw[t] >> _U8) != _PREAMBLE_WORD or (cw[t] >> _U8) != _U0):
            why[i] = 3
        if why[i] == 0 and en[i] - st[i] - 8 < 4 + MIN_FRAME:
            why[i] = 6
    return st[:nf], en[:nf], why[:nf], np.array([stray_c, stray_d, n_os, cut], np.int64)


def _decode_fast(data8: np.ndarray, ctrl8: np.ndarray, stats: RxStats, base: int, final: bool) -> tuple[list, int]:
    """``_decode`` with the stream scanned by a kernel."""
    m = len(data8)
    st, en, why, counts = _scan_rx(data8.view("<u8").reshape(m).astype(_U64, copy=False),
                                   ctrl8.view("<u8").reshape(m).astype(_U64, copy=False), final)
    stray_c, stray_d, n_os, cut = counts.tolist()
    stats.stray_control += stray_c
    stats.stray_data += stray_d
    stats.ordered_sets += n_os
    return _deliver(data8.reshape(-1), st, en, [_REASONS[i] for i in why.tolist()], base, stats), cut


def _pair_events(ev: np.ndarray, ch_arr: np.ndarray, lane: np.ndarray, stats: RxStats):
    """The general case, event by event: (starts, ends, reasons, first flag per frame,
    /S/ of a frame still open or None, /Q/ offsets)."""
    spans: list[tuple[int, int, str, float]] = []   # (/S/, end, reason, first flag; NaN: none possible)
    oss: list[int] = []
    cur, bad, bad_at = None, "", INF
    for p, ch, l0 in zip(ev.tolist(), ch_arr.tolist(), (lane == 0).tolist()):
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
            spans.append((cur, p, "start before terminate", np.nan))
            cur, bad, bad_at = p, "", INF
        elif not bad:
            bad, bad_at = ("control character in frame" if p >= cur + 8 else "bad preamble/SFD"), p
    st = np.array([sp[0] for sp in spans], np.int64)
    en = np.array([sp[1] for sp in spans], np.int64)
    return st, en, [sp[2] for sp in spans], np.array([sp[3] for sp in spans], float), cur, oss


def mac_decode(cg: Cgmii) -> tuple[list[RxFrame], RxStats]:
    """CGMII transfers -> received frames and counters (never raises on bad data).

    Only control characters other than idle are visited one by one (a few per frame);
    preamble checks and data counts are vectorised, FCS is zlib per frame."""
    rx = MacRx(fast=False)
    return rx.decode(cg, final=True), rx.stats
