# SPDX-License-Identifier: Apache-2.0
"""Stage `frame`: the coherent frame AM | PAD | OH | payload on the line, and its receiver.

Same concept in every layer: ``frame_tx`` = RTL ``physec_frame_tx`` (``physec_gmp_map``
+ ``physec_framer`` + 257->256 gearbox); ``deframe`` = RTL ``physec_frame_rx``
(``physec_aligner`` + ``physec_gmp_demap``); spec chapter 5.

Bit order: the line is in transmission order, packed MSB first (spec 2.1).  This is
the one place where IEEE order meets line order: the AM bytes (IEEE, LSB first) are
bit-reversed per byte, and a 257b block's tx_xcoded<0> becomes the first line bit of
its slot.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .crc import crc16_oh
from .gmp import ERROR_257B, FrameMap, GmpMapper, JcResult, jc_decode, slot_map
from .jit import helper, kernel
from .pad import Pad
from .sec import STORE_AND_FORWARD, RxFrameSec, SecRx, SecTx, TxFrameSec
from .pcs66 import encode_66b, idle_cgmii
from .profile import Profile
from .xcode257 import Blocks257, transcode_257b

OH_MFAS, OH_STAT, OH_JC = 0, 1, 2          # byte offsets; CRC-16 in the last two OH bytes
STAT_UNDERFLOW, STAT_OVERFLOW = 0x01, 0x02  # in the previous frame

IDLE_257B = transcode_257b(encode_66b(idle_cgmii(4)))


def _bitrev8(b: int) -> int:
    return int(f"{b:08b}"[::-1], 2)


def am_line_bytes(p: Profile) -> bytes:
    """The AM field in line order: each IEEE byte reversed, lanes in order."""
    return bytes(_bitrev8(b) for lane in p.am_lanes for b in lane)


def oh_encode(p: Profile, mfas: int, stat: int, jc: bytes) -> bytes:
    b = bytearray(p.oh_bytes)
    b[OH_MFAS], b[OH_STAT] = mfas & 0xFF, stat
    b[OH_JC:OH_JC + 6] = jc
    b[-2:] = crc16_oh(bytes(b[:-2])).to_bytes(2, "big")
    return bytes(b)


def block_bits(b: Blocks257) -> np.ndarray:
    """(N, 257) uint8 bits in transmission order: tx_xcoded<0> first (for traces and tests)."""
    body = np.ascontiguousarray(np.asarray(b.body, np.uint64).astype("<u8")).view(np.uint8).reshape(-1, 32)
    bits = np.unpackbits(body, axis=1, bitorder="little")
    return np.concatenate((np.asarray(b.hdr, np.uint8)[:, None], bits), axis=1)


def bits_to_blocks(bits: np.ndarray) -> Blocks257:
    bits = np.asarray(bits, np.uint8).reshape(-1, 257)
    body = np.packbits(bits[:, 1:], axis=1, bitorder="little").view("<u8").astype(np.uint64)
    return Blocks257(bits[:, 0].copy(), body.reshape(-1, 4))


# ---- slots on 64-bit words ------------------------------------------------------
# The payload is handled as big-endian uint64 words, never one byte per bit: 64 slots
# of 257 bits are exactly 257 words, and slot r of such a group starts at bit r of word
# 4r (its body at bit r + 1).  A block body word (tx_xcoded bit 64w+1 in its LSB, sent
# first) becomes a line word (sent first = MSB) by reversing its 64 bits.
_GROUP = 64
_J = np.arange(4 * _GROUP, dtype=np.uint64) // np.uint64(4)    # slot r of each of the group's first 256 words
_RSH = _J + np.uint64(1)                 # word j of slot r: the body starts r + 1 bits into word 4r
_LSH = np.uint64(63) - _J                # 64 - (r + 1); numpy gives 0 for a shift by 64
_HSH = np.uint64(63) - np.arange(_GROUP, dtype=np.uint64)   # the 257b header bit of slot r: bit r of word 4r
_KM = [(np.uint64(k), np.uint64(m)) for k, m in ((1, 0x5555555555555555), (2, 0x3333333333333333),
                                                 (4, 0x0F0F0F0F0F0F0F0F))]


def bitrev64(x: np.ndarray) -> np.ndarray:
    """Every uint64 with its bit order reversed (bit 0 <-> bit 63): bits within bytes by
    three swap steps, in place on one copy (few temporaries), then the byte order."""
    x = np.array(x, np.uint64)
    t = np.empty_like(x)
    for k, m in _KM:
        np.right_shift(x, k, out=t)
        t &= m
        x &= m
        x <<= k
        x |= t
    return x.byteswap(inplace=True)


def _groups(p: Profile) -> int:
    if p.slot_bits != 257:
        raise ValueError(f"profile {p.name}: a slot is one 257b block, not {p.slot_bits} bits")
    return -(-p.payload_bits // (_GROUP * 257))


def _rows(a: np.ndarray) -> np.ndarray:
    """(N, 4) uint64 as N 32-byte items: row selection is then one memcpy per row."""
    return np.ascontiguousarray(a, np.uint64).view("V32").reshape(-1)


def pack_slots(p: Profile, slot_blocks: Blocks257, data: np.ndarray) -> np.ndarray:
    """The payload region as big-endian words (native uint64): data slots carry
    ``slot_blocks`` in order; stuff slots, fill and the words past the payload are zero."""
    g = _groups(p)
    line = np.zeros((g * _GROUP, 4), np.uint64)
    hdr = np.zeros(g * _GROUP, np.uint64)
    _rows(line)[:p.n_slots][data] = _rows(bitrev64(np.asarray(slot_blocks.body, np.uint64)))
    hdr[:p.n_slots][data] = slot_blocks.hdr
    line = line.reshape(g, 4 * _GROUP)
    out = np.zeros((g, 257), np.uint64)
    out[:, :256] = line >> _RSH
    out[:, 1:] |= line << _LSH
    out[:, 0:256:4] |= hdr.reshape(g, _GROUP) << _HSH
    return out.reshape(-1)


def unpack_slots(p: Profile, words: np.ndarray) -> Blocks257:
    """All ``n_slots`` slots of a payload given as big-endian words (native uint64), as blocks."""
    g = _groups(p)
    w = np.zeros(g * 257, np.uint64)
    n = min(len(words), len(w))
    w[:n] = words[:n]
    w = w.reshape(g, 257)
    line = (w[:, :256] << _RSH) | (w[:, 1:] >> _LSH)
    hdr = (w[:, 0:256:4] >> _HSH) & np.uint64(1)
    body = bitrev64(line.reshape(-1, 4)[:p.n_slots])
    return Blocks257(hdr.reshape(-1)[:p.n_slots].astype(np.uint8), body)


def select_rows(b: Blocks257, sel: np.ndarray) -> Blocks257:
    """The blocks where ``sel`` (bool) is set."""
    return Blocks257(b.hdr[sel], _rows(b.body)[sel].view(np.uint64).reshape(-1, 4))


def words_to_bytes(w: np.ndarray, nbytes: int) -> bytes:
    b = w[:-(-nbytes // 8)].astype(">u8").tobytes()
    return b if len(b) == nbytes else b[:nbytes]


def bytes_to_words(b: bytes) -> np.ndarray:
    """Big-endian words of ``b`` (zero-padded to whole words) as native uint64."""
    pad = -len(b) % 8
    return np.frombuffer(bytes(b) + bytes(pad) if pad else b, ">u8").astype(np.uint64)


# ---- the same, compiled --------------------------------------------------------------
# Naming: the numpy functions above (bitrev64, pack_slots, unpack_slots, select_rows,
# words_to_bytes, bytes_to_words) are the definition; a ``*_kernel`` is a compiled
# counterpart fusing some of them per frame, and the function calling it (build_payload,
# demap_payload) states which.  model/tests/test_kernels_frame.py compares the two.
# Each kernel works in passes that the compiler vectorises (bit reversal, byte swap)
# around one pass over the slots.
_M1, _M2, _M4 = (np.uint64(m) for m in (0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F))
_M8, _M16 = np.uint64(0x00FF00FF00FF00FF), np.uint64(0x0000FFFF0000FFFF)
_U1, _U2, _U4, _U8, _U16, _U32, _U63 = (np.uint64(k) for k in (1, 2, 4, 8, 16, 32, 63))



@helper
def _bswap_word(x):
    """The byte order of a uint64 reversed (swap steps of 8, 16 and 32 bits)."""
    x = ((x >> _U8) & _M8) | ((x & _M8) << _U8)
    x = ((x >> _U16) & _M16) | ((x & _M16) << _U16)
    return (x >> _U32) | (x << _U32)


@helper
def _bitrev_word(x):
    """The bit order of a uint64 reversed: bits within bytes, then the bytes."""
    x = ((x >> _U1) & _M1) | ((x & _M1) << _U1)
    x = ((x >> _U2) & _M2) | ((x & _M2) << _U2)
    x = ((x >> _U4) & _M4) | ((x & _M4) << _U4)
    return _bswap_word(x)


@kernel
def pack_payload_kernel(hdr, body, data, nwords):
    """words_to_bytes(pack_slots(...)) for ``nwords`` words: the payload bytes, as the
    memory of a uint64 array (each word stored big-endian)."""
    rb = np.empty(4 * hdr.shape[0], np.uint64)          # body words bit-reversed: line words
    flat = body.reshape(-1)
    for t in range(rb.shape[0]):
        rb[t] = _bitrev_word(flat[t])
    out = np.empty(nwords, np.uint64)
    # Slot s = 64g + r starts at bit r of word 257g + 4r: each word is written once, the
    # last body word's low bits carried into the next slot's first word.  The right
    # shift by r + 1 is done in two steps (a shift by 64 is undefined, numpy gives 0).
    carry, k, i = np.uint64(0), 0, -5
    for s in range(data.shape[0]):
        r = np.uint64(s & 63)
        i = 257 * (s >> 6) + 4 * (s & 63)
        if data[s]:
            h, v0, v1, v2, v3 = np.uint64(hdr[k]), rb[4 * k], rb[4 * k + 1], rb[4 * k + 2], rb[4 * k + 3]
            k += 1
        else:
            h = v0 = v1 = v2 = v3 = np.uint64(0)
        sl = _U63 - r
        out[i] = carry | (h << sl) | ((v0 >> r) >> _U1)
        out[i + 1] = (v0 << sl) | ((v1 >> r) >> _U1)
        out[i + 2] = (v1 << sl) | ((v2 >> r) >> _U1)
        out[i + 3] = (v2 << sl) | ((v3 >> r) >> _U1)
        carry = v3 << sl
        if r == 63:
            out[i + 4], carry = carry, np.uint64(0)
    if data.shape[0] & 63:
        out[i + 4] = carry
    for t in range(max(i + 5, 0), nwords):                 # fill and the words past the payload
        out[t] = 0
    for t in range(nwords):
        out[t] = _bswap_word(out[t])
    return out


@kernel
def unpack_payload_kernel(payload, data, nwords):
    """select_rows(unpack_slots(p, words), data) with ``words`` = bytes_to_words(payload),
    ``payload`` given as uint64 (its bytes in memory order, any length), ``nwords`` = the
    groups' 257 words each: (hdr, body) of the data slots."""
    w = np.zeros(nwords + 1, np.uint64)                  # the words as integers, zero-padded
    for t in range(min(payload.shape[0], nwords)):
        w[t] = _bswap_word(payload[t])
    n = 0
    for s in range(data.shape[0]):
        n += data[s]
    hdr = np.empty(n, np.uint8)
    body = np.empty((n, 4), np.uint64)
    k = 0
    for s in range(data.shape[0]):
        if data[s]:
            r = np.uint64(s & 63)
            i = 257 * (s >> 6) + 4 * (s & 63)
            hdr[k] = np.uint8((w[i] >> (_U63 - r)) & _U1)
            for j in range(4):
                body[k, j] = ((w[i + j] << r) << _U1) | (w[i + j + 1] >> (_U63 - r))
            k += 1
    flat = body.reshape(-1)
    for t in range(flat.shape[0]):
        flat[t] = _bitrev_word(flat[t])
    return hdr, body


def _check_map(p: Profile, data: np.ndarray) -> np.ndarray:
    """The slot map, checked: the kernels index without bounds checks."""
    _groups(p)
    if p.n_slots * p.slot_bits > p.payload_bits:
        raise ValueError(f"profile {p.name}: {p.n_slots} slots do not fit in the payload")
    data = np.asarray(data)
    if data.dtype != np.bool_ or data.shape != (p.n_slots,):
        raise ValueError(f"the slot map must be {p.n_slots} booleans")
    return data


def build_payload(p: Profile, slot_blocks: Blocks257, data: np.ndarray) -> bytes:
    """The payload region: data slots carry ``slot_blocks`` in order, stuff slots and fill
    zero (= words_to_bytes(pack_slots(...), payload_bits // 8))."""
    data = _check_map(p, data)
    hdr, body = np.ascontiguousarray(slot_blocks.hdr, np.uint8), np.ascontiguousarray(slot_blocks.body, np.uint64)
    if body.shape != (len(hdr), 4) or np.count_nonzero(data) != len(hdr):
        raise ValueError(f"{np.count_nonzero(data)} data slots, {len(hdr)} blocks of shape {body.shape}")
    words = pack_payload_kernel(hdr, body, data, -(-p.payload_bits // 64))
    return words.view(np.uint8)[:p.payload_bits // 8].tobytes()


def demap_payload(p: Profile, payload: bytes, data: np.ndarray) -> Blocks257:
    """The blocks of the data slots (``data``) of a payload region (= select_rows(
    unpack_slots(p, bytes_to_words(payload)), data))."""
    data = _check_map(p, data)
    pad = -len(payload) % 8
    hdr, body = unpack_payload_kernel(np.frombuffer(bytes(payload) + bytes(pad) if pad else payload, np.uint64),
                                      data, _groups(p) * 257)
    return Blocks257(hdr, body)


@dataclass
class TxFrame:
    map: FrameMap
    jc: bytes
    oh: bytes
    pad: bytes
    line: bytes                 # frame_bits / 8 bytes, MSB first
    plain: bytes                # the payload region before the security stage
    sec: TxFrameSec | None = None


def gather_blocks(hdr: np.ndarray, body: np.ndarray, idx: np.ndarray, base: int) -> Blocks257:
    """Blocks ``idx`` (absolute indices, -1 = FIFO empty) of a client whose block ``base``
    is hdr[0]: past the client's end the client sends idle; an empty FIFO sends ERROR_257B."""
    rel = idx - base
    n = len(hdr)
    take = np.clip(rel, 0, max(n - 1, 0))
    hdr = hdr[take] if n else np.zeros(len(idx), np.uint8)
    body = body[take] if n else np.zeros((len(idx), 4), np.uint64)
    for mask, fill in ((rel >= n, IDLE_257B), (idx < 0, ERROR_257B)):
        if mask.any():
            hdr = np.where(mask, fill.hdr[0], hdr)
            body = np.where(mask[:, None], fill.body[0], body)
    return Blocks257(hdr.astype(np.uint8), body)


_FILL_HDR = np.concatenate((IDLE_257B.hdr, ERROR_257B.hdr)).astype(np.uint8)
_FILL_BODY = np.concatenate((IDLE_257B.body, ERROR_257B.body)).astype(np.uint64)


@kernel
def gather_blocks_kernel(hdr, body, idx, base, fill_hdr, fill_body):
    """gather_blocks compiled, ``fill_*`` = (IDLE_257B, ERROR_257B): (hdr, body)."""
    n = hdr.shape[0]
    out_hdr = np.zeros(idx.shape[0], np.uint8)
    out_body = np.zeros((idx.shape[0], 4), np.uint64)
    for i in range(idx.shape[0]):
        r = idx[i] - base
        if idx[i] < 0 or r >= n:
            f = 1 if idx[i] < 0 else 0
            out_hdr[i] = fill_hdr[f]
            for w in range(4):
                out_body[i, w] = fill_body[f, w]
        elif n:
            j = min(max(r, 0), n - 1)
            out_hdr[i] = hdr[j]
            for w in range(4):
                out_body[i, w] = body[j, w]
    return out_hdr, out_body


class _ClientFeed:
    """Client 257b blocks by absolute index: a whole ``Blocks257``, or an iterable of
    chunks pulled only as far as the mapper needs and dropped once mapped (bounded memory)."""

    def __init__(self, client):
        if isinstance(client, Blocks257):
            self.hdr, self.body, self.it = np.asarray(client.hdr, np.uint8), np.asarray(client.body, np.uint64), None
        else:
            self.hdr, self.body, self.it = np.zeros(0, np.uint8), np.zeros((0, 4), np.uint64), iter(client)
        self.base = 0                       # absolute index of hdr[0]

    def take(self, idx: np.ndarray) -> Blocks257:
        """Blocks ``idx`` (ascending; -1 = FIFO empty): past the client's end, idle."""
        need = int(idx[-1]) + 1 if len(idx) else 0
        while self.it is not None and self.base + len(self.hdr) < need:
            chunk = next(self.it, None)
            if chunk is None:
                self.it = None
            else:
                self.hdr = np.concatenate((self.hdr, np.asarray(chunk.hdr, np.uint8)))
                self.body = np.concatenate((self.body, np.asarray(chunk.body, np.uint64).reshape(-1, 4)))
        if len(idx):
            a, z = int(idx[0]) - self.base, int(idx[-1]) - self.base
            if 0 <= a and z < len(self.hdr) and z - a == len(idx) - 1:
                return Blocks257(self.hdr[a:z + 1], self.body[a:z + 1])       # a run: no copy
        hdr, body = gather_blocks_kernel(self.hdr, self.body, np.asarray(idx, np.int64), self.base,
                                         _FILL_HDR, _FILL_BODY)
        return Blocks257(hdr, body)

    def drop_before(self, index: int) -> None:
        if self.it is not None and index > self.base:       # a whole client array stays as it is
            k = min(index - self.base, len(self.hdr))
            self.hdr, self.body, self.base = self.hdr[k:], self.body[k:], self.base + k


class FrameTx:
    """Streaming transmitter: client 257b blocks and per-clock valid in, frames out.

    ``client`` is a whole ``Blocks257`` or an iterable of ``Blocks257`` chunks (e.g.
    :func:`physec.pcs.pcs_tx_stream`); either way the frames are the same."""

    def __init__(self, p: Profile, client, sec: SecTx | None = None):
        self.p, self.sec = p, sec
        self.feed = _ClientFeed(client)
        self.mapper = GmpMapper(p)
        self.stat = 0
        self._am = am_line_bytes(p)

    def frame(self, valid: np.ndarray) -> TxFrame:
        """One frame; without a security stage the PAD is the placeholder Pad(pn=frame index)."""
        p = self.p
        fm = self.mapper.map_frame(valid)
        jc = self.mapper.jc(fm)
        oh = oh_encode(p, fm.index, self.stat, jc)
        self.stat = (STAT_UNDERFLOW if fm.underflows else 0) | (STAT_OVERFLOW if fm.overflows else 0)
        plain = build_payload(p, self.feed.take(fm.slots), slot_map(fm.cm, p.n_slots))
        self.feed.drop_before(int(self.mapper.fifo[0]) if len(self.mapper.fifo) else self.mapper.next_client)
        if self.sec is None:
            sec, pad, payload = None, Pad(pn=fm.index).encode(p.pad_bytes), plain
        else:
            sec = self.sec.frame(fm.index, oh, plain, p.pad_bytes)
            pad, payload = sec.pad, sec.payload
        return TxFrame(fm, jc, oh, pad, b"".join((self._am, pad, oh, payload)), plain, sec)


def frame_tx(p: Profile, client: Blocks257, valid: np.ndarray, sec: SecTx | None = None) -> list[TxFrame]:
    """Map a client stream into len(valid) / words_per_frame frames."""
    w = p.words_per_frame
    if len(valid) % w:
        raise ValueError(f"valid must cover whole frames ({w} clocks each)")
    tx = FrameTx(p, client, sec)
    return [tx.frame(valid[i:i + w]) for i in range(0, len(valid), w)]


# ---- receive ---------------------------------------------------------------------

@dataclass
class RxFrameStatus:
    pos: int                    # bit offset of the frame in the line stream
    am_good: bool
    oh_crc_ok: bool
    mfas: int
    stat: int
    jc: JcResult
    cm: int                     # Cm used for demapping (the previous one when not usable)
    usable: bool                # framing allowed demapping (Cm known, AM or OH CRC good)
    pad: bytes
    blocks: int                 # 257b blocks emitted for this frame
    sec: RxFrameSec | None = None

    @property
    def delivered(self) -> bool:
        """Its client data left the receiver as valid blocks."""
        return self.usable and (self.sec is None or self.sec.released)


@dataclass
class RxCounters:
    frames: int = 0
    am_bad: int = 0
    oh_crc_errors: int = 0
    jc_crc_errors: int = 0
    jc_pattern_errors: int = 0
    unusable_frames: int = 0
    lock_losses: int = 0
    locks: int = 0
    lost_frames: int = 0        # frame periods skipped between a loss of lock and re-lock
    error_blocks: int = 0       # ERROR_257B emitted for unusable, lost or security-failed frames
    sec_dropped: int = 0        # usable frames not released by the security stage
    # frames .. unusable_frames, error_blocks and sec_dropped count what leaves the receiver
    # (the demapper's view: in store-and-forward a frame when its release is decided);
    # am_bad, locks, lock_losses and lost_frames count at the line (the aligner's view).


@dataclass
class RxResult:
    blocks: Blocks257
    frames: list[RxFrameStatus]
    counters: RxCounters
    events: list = field(default_factory=list)      # (bit position, "lock" | "loss")


@dataclass
class RxOut:
    """Blocks leaving the receiver, in order: one frame's (``status`` set) or the error
    blocks standing for frame periods lost between a loss of lock and re-lock."""

    status: RxFrameStatus | None
    blocks: Blocks257


def _error_blocks(n: int) -> Blocks257:
    return Blocks257(np.repeat(ERROR_257B.hdr, n), np.repeat(ERROR_257B.body, n, axis=0))


class _AmSearch:
    """Exact search for the AM at any bit offset of a byte string: at bit phase ph
    the AM covers a partial first byte, whole middle bytes (found with bytes.find) and
    a partial last byte."""

    def __init__(self, am: bytes):
        self.n = n = len(am)
        v = int.from_bytes(am, "big")
        self.phases = [(0, am, None)]
        for ph in range(1, 8):
            b = (v << (8 - ph)).to_bytes(n + 1, "big")
            lo, hi = (1 << (8 - ph)) - 1, (0xFF << (8 - ph)) & 0xFF
            self.phases.append((ph, b[1:n], (b[0], lo, b[n], hi)))

    def find(self, buf: bytes, start: int, end: int, window: int = 1 << 16) -> int | None:
        """First bit offset q >= start with the whole AM in buf's bits [q, q + 8n), q + 8n <= end.
        Searched ``window`` bytes at a time, so that the phases the line does not use
        are not scanned to the end of a long buffer."""
        lo = max(0, start // 8 - 1)
        while 8 * lo < end:
            q = self._find(buf, start, end, lo + window + self.n + 1)
            if q is not None:
                return q
            lo += window
            start = max(start, 8 * lo)
        return None

    def _find(self, buf: bytes, start: int, end: int, stop: int) -> int | None:
        best = None
        for ph, mid, edge in self.phases:
            b = max(0, -(-(start - ph) // 8))                 # first byte with 8b + ph >= start
            while True:
                i = buf.find(mid, b + (ph > 0), stop)
                if i < 0:
                    break
                b = i - (ph > 0)
                q = 8 * b + ph
                if q + 8 * self.n > end or (best is not None and q >= best):
                    break
                if edge is None or (buf[b] & edge[1] == edge[0] and buf[b + self.n] & edge[3] == edge[2]):
                    best = q
                    break
                b += 1
        return best


def find_am(bits: np.ndarray, am: np.ndarray, start: int) -> int | None:
    """First bit offset >= start where the whole AM matches exactly (bits: uint8 0/1)."""
    bits = np.asarray(bits, np.uint8)
    return _AmSearch(np.packbits(am).tobytes()).find(np.packbits(bits).tobytes(), start, len(bits))


class Deframer:
    """Streaming receiver (RTL ``physec_frame_rx``): feed line bytes in chunks of any
    size, get each frame's blocks as soon as they are decided; memory stays bounded
    (about two frames of line) however long the stream.

    Find, lock, (decrypt,) and demap frames in a raw line stream (MSB first, any bit
    offset).  With a security stage, a usable frame's blocks leave as valid data only
    if the stage releases the frame (cut-through: unless it failed on arrival;
    store-and-forward: once its tag verified, i.e. one frame later); otherwise as many
    ERROR_257B blocks."""

    def __init__(self, p: Profile, sec: SecRx | None = None, before_frame=None):
        # before_frame(q): called before the frame at line bit q is processed, after the
        # previous frame's PAD (key installs and erases act there, spec 6.4)
        self.p, self.sec, self.before_frame = p, sec, before_frame
        self.am = am_line_bytes(p)
        self.search = _AmSearch(self.am)
        self.counters = RxCounters()
        self.events: list = []                  # (bit position, "lock" | "loss")
        self.buf, self.base, self.end = b"", 0, 0   # buf[0] is line bit `base`; `end` bits known
        self.more: list[bytes] = []             # pieces fed after buf, not joined yet
        self.need = 0                           # no step can be taken before `end` reaches this
        self.partial = False                    # the last feed ended inside a byte
        self.cm_prev, self.cm_known, self.cursor, self.last = 0, False, 0, None
        self.prev_sec: RxFrameSec | None = None  # the previous processed frame's security result
        self.locked, self.nxt, self.bad = False, 0, 0
        self.pending: list = []                 # RxOut whose release is not decided yet, in order
        self.done = False

    # -- input -------------------------------------------------------------------
    def feed(self, data: bytes, nbits: int | None = None) -> list[RxOut]:
        """Append line bytes (``nbits``: only the first nbits of them, for a stream that
        does not end on a byte boundary; then no more data may follow).  Until the next
        step can be taken (a whole frame when locked) a piece is only put aside, in a
        constant number of operations (bytes and views of bytes without a copy)."""
        if self.done or self.partial:
            raise ValueError("no line data can follow finish() or a feed that ended inside a byte")
        n = 8 * len(data)
        if nbits is not None and nbits != n:
            if not 0 <= nbits <= n:
                raise ValueError(f"nbits {nbits} outside 0..{n}")
            data, n = data[:-(-nbits // 8)], nbits
            self.partial = nbits % 8 != 0
        if type(data) is not bytes and not (type(data) is memoryview and type(data.obj) is bytes
                                            and data.format == "B" and data.contiguous):
            data = bytes(data)                  # kept until its frame is done: the caller may reuse it
        self.end += n
        self.more.append(data)
        if self.end < self.need:
            return []
        self._join()
        return self._run()

    def _join(self) -> None:
        """The line from the next undecided bit on as one buffer, made only once the next
        step can be taken (``need``): a piece is copied once here (the undecided tail of
        the buffer again); a lone piece starting where the decided line ends is used as
        it is (the whole line in one piece: no copy)."""
        keep = ((self.nxt if self.locked else self.cursor) - self.base) // 8   # bits before are done
        if keep == len(self.buf) and len(self.more) == 1 and type(self.more[0]) is bytes:
            self.buf = self.more[0]
        else:
            self.buf = b"".join((self.buf[keep:], *self.more))
        self.base += 8 * keep
        self.more = []

    def finish(self) -> list[RxOut]:
        """End of stream: the last frame's tag never arrives; everything pending leaves."""
        self._join()
        out = self._run()
        self.done = True
        if self.sec is not None:
            self.sec.finish()
        return out + self._flush()

    # -- line access ---------------------------------------------------------------
    def _words(self, q: int, nbits: int) -> np.ndarray:
        """Line bits [q, q + nbits) (a multiple of 64) as big-endian words."""
        b, ph = (q - self.base) // 8, (q - self.base) % 8
        x = bytes_to_words(self.buf[b:b + nbits // 8 + 8])
        n = nbits // 64
        if len(x) < n + 1:
            x = np.concatenate((x, np.zeros(n + 1 - len(x), np.uint64)))
        ph = np.uint64(ph)
        return (x[:n] << ph) | (x[1:n + 1] >> (np.uint64(64) - ph))

    def _bytes(self, q: int, n: int) -> bytes:
        b, ph = (q - self.base) // 8, (q - self.base) % 8
        raw = self.buf[b:b + n + 1]
        if not ph:
            return raw[:n]
        v = int.from_bytes(raw.ljust(n + 1, b"\0"), "big") >> (8 - ph)
        return (v & ((1 << 8 * n) - 1)).to_bytes(n, "big")

    def _am_at(self, q: int) -> bool:
        return q + 8 * len(self.am) <= self.end and self._bytes(q, len(self.am)) == self.am

    # -- the receiver ----------------------------------------------------------------
    def _emit(self, status, blocks) -> None:
        self.pending.append(RxOut(status, blocks))

    def _emit_errors(self, n: int, status: RxFrameStatus | None = None) -> None:
        self._emit(status, _error_blocks(n))

    def _flush(self) -> list[RxOut]:
        """Hand on every leading item whose release is decided (store-and-forward: once the
        next frame's PAD, or the end of the stream, gave the verdict)."""
        out, cnt = [], self.counters
        while self.pending:
            o = self.pending[0]
            st = o.status
            if st is not None and st.sec is not None and st.usable:
                if self.sec.policy == STORE_AND_FORWARD and st.sec.verdict == "pending":
                    break
                if not st.delivered:
                    cnt.sec_dropped += 1
                    o = RxOut(st, _error_blocks(len(o.blocks)))
            if st is not None:
                cnt.frames += 1
                cnt.oh_crc_errors += not st.oh_crc_ok
                cnt.jc_crc_errors += not st.jc.crc_ok
                cnt.jc_pattern_errors += st.jc.kind in ("pattern", "stale")
                cnt.unusable_frames += not st.usable
            if st is None or not st.delivered:
                cnt.error_blocks += len(o.blocks)
            out.append(o)
            self.pending.pop(0)
        return out

    def _run(self) -> list[RxOut]:
        """Every step the data so far allows; the end of the stream changes no rule, it
        only means that the waiting steps never happen."""
        p, cnt = self.p, self.counters
        F, H = p.frame_bits, p.header_bits
        a0, a1 = p.am_bits // 8, (p.am_bits + p.pad_bits) // 8
        out: list[RxOut] = []
        while True:
            if not self.locked:
                q = self.search.find(self.buf, self.cursor - self.base, self.end - self.base)
                if q is None:
                    # No AM can start before the last am_bits - 1 bits seen so far.
                    self.cursor = max(self.cursor, self.end - 8 * len(self.am) + 1)
                    self.need = self.cursor + 8 * len(self.am)
                    break
                q += self.base
                self.cursor = q
                self.need = q + (p.lock_good - 1) * F + 8 * len(self.am)
                if self.need > self.end:
                    break                       # wait for the confirming AMs (or the end)
                if not all(self._am_at(q + k * F) for k in range(1, p.lock_good)):
                    self.cursor = q + 1
                    continue
                self.locked, self.nxt, self.bad = True, q + (p.lock_good - 1) * F, 0
                cnt.locks += 1
                self.events.append((self.nxt, "lock"))
                if self.last is not None:
                    # Frame-period ticks last + k*F + F/2 (k >= 1) that passed before the new frame.
                    cnt.lost_frames += max(0, (self.nxt - self.last - F // 2) // F)
                    # Error blocks continue the lost frames' slot grid with Cm': every data
                    # slot that would have ended before the new frame's payload (spec 5.5).
                    gap = self.nxt - (self.last + F)
                    k = min(p.n_slots, (gap % F) // p.slot_bits)
                    self._emit_errors((gap // F) * self.cm_prev + k * self.cm_prev // p.n_slots)
            q = self.nxt
            self.need = q + F
            if self.need > self.end:
                break
            self._frame(q, F, H, a0, a1)
            out += self._flush()
        return out + self._flush()

    def _frame(self, q: int, F: int, H: int, a0: int, a1: int) -> None:
        p, cnt, sec = self.p, self.counters, self.sec
        if self.before_frame is not None:
            self.before_frame(q)
        good = self._am_at(q)
        self.bad = 0 if good else self.bad + 1
        cnt.am_bad += not good
        if self.bad >= p.lock_bad:
            self.locked, self.cursor, self.cm_known = False, q + 1, False
            cnt.lock_losses += 1
            self.events.append((q, "loss"))
            if sec is not None:
                sec.lost()                  # the pending frame's tag was in this frame (spec 6.4)
            return
        if (q - self.base) % 8:
            line, b = words_to_bytes(self._words(q, F), F // 8), 0      # realigned to bytes
        else:
            line, b = self.buf, (q - self.base) // 8
        hdr = line[b:b + H // 8]
        oh = hdr[a1:]
        oh_ok = crc16_oh(oh[:-2]) == int.from_bytes(oh[-2:], "big")
        pad = hdr[a0:a1]
        payload = memoryview(line)[b + H // 8:b + F // 8]        # not copied: read only
        rs, trusted = None, self.cm_known
        if sec is not None:
            # This PAD (before the OH) carries the previous frame's tag: its verdict is final
            # now.  Cm' is trusted only if that frame was verified (spec 4.4 rule 3): a refused
            # or forged frame must not steer the demapping of the next one.
            rs = sec.frame(oh[OH_MFAS], pad, oh, payload)
            payload = rs.payload
            trusted = trusted and self.prev_sec.verdict in ("pass", "bypass")
            self.prev_sec = rs
        jc = jc_decode(oh[OH_JC:OH_JC + 6], self.cm_prev, trusted)
        usable = jc.cm is not None and 0 <= jc.cm <= p.n_slots and (good or oh_ok)
        self.cm_known = usable
        if usable:
            self.cm_prev = jc.cm
        st = RxFrameStatus(q, good, oh_ok, oh[OH_MFAS], oh[OH_STAT], jc, self.cm_prev, usable, pad, self.cm_prev, rs)
        if usable:
            self._emit(st, demap_payload(p, payload, slot_map(jc.cm, p.n_slots)))
        else:
            self._emit_errors(self.cm_prev, st)
        self.last, self.nxt = q, q + F


def _concat(parts: list[Blocks257]) -> Blocks257:
    if not parts:
        return Blocks257(np.zeros(0, np.uint8), np.zeros((0, 4), np.uint64))
    return Blocks257(np.concatenate([b.hdr for b in parts]), np.concatenate([b.body for b in parts]))


def deframe(p: Profile, bits: np.ndarray, sec: SecRx | None = None, before_frame=None) -> RxResult:
    """The whole line at once (uint8 0/1 per bit, any offset): :class:`Deframer` fed one chunk."""
    bits = np.asarray(bits, np.uint8)
    return deframe_bytes(p, np.packbits(bits).tobytes(), sec, len(bits), before_frame=before_frame)


def deframe_bytes(p: Profile, line: bytes, sec: SecRx | None = None, nbits: int | None = None,
                  chunk: int | None = None, before_frame=None) -> RxResult:
    """The same on packed line bytes (MSB first), fed in ``chunk``-byte pieces if given."""
    nbits = 8 * len(line) if nbits is None else nbits
    if not 0 <= nbits <= 8 * len(line):
        raise ValueError(f"nbits {nbits} outside 0..{8 * len(line)}")
    d = Deframer(p, sec, before_frame)
    step = chunk or max(len(line), 1)
    src = memoryview(line) if chunk and type(line) is bytes else line    # pieces without a copy each
    nb = -(-nbits // 8)                                 # the bytes past nbits are not line
    last = (nb - 1) // step * step if nb else 0
    outs = []
    for i in range(0, last, step):
        outs += d.feed(src[i:i + step])
    if nb:
        outs += d.feed(src[last:nb], nbits - 8 * last)
    outs += d.finish()
    return RxResult(_concat([o.blocks for o in outs]), [o.status for o in outs if o.status is not None],
                    d.counters, d.events)


def line_bits(frames: list[TxFrame]) -> np.ndarray:
    return np.unpackbits(np.frombuffer(b"".join(f.line for f in frames), np.uint8))


__all__ = ["am_line_bytes", "oh_encode", "block_bits", "bits_to_blocks", "build_payload", "demap_payload", "pack_slots",
           "unpack_slots", "bitrev64", "FrameTx", "frame_tx", "Deframer", "RxOut", "deframe", "deframe_bytes",
           "find_am", "line_bits", "RxResult", "RxFrameStatus", "RxCounters", "TxFrame",
           "IDLE_257B"]
