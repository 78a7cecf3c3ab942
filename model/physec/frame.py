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
from .pad import Pad
from .sec import RxFrameSec, SecRx, SecTx, TxFrameSec
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
    """(N, 257) uint8 bits in transmission order: tx_xcoded<0> first."""
    body = np.ascontiguousarray(np.asarray(b.body, np.uint64).astype("<u8")).view(np.uint8).reshape(-1, 32)
    bits = np.unpackbits(body, axis=1, bitorder="little")
    return np.concatenate((np.asarray(b.hdr, np.uint8)[:, None], bits), axis=1)


def bits_to_blocks(bits: np.ndarray) -> Blocks257:
    bits = np.asarray(bits, np.uint8).reshape(-1, 257)
    body = np.packbits(bits[:, 1:], axis=1, bitorder="little").view("<u8").astype(np.uint64)
    return Blocks257(bits[:, 0].copy(), body.reshape(-1, 4))


@dataclass
class TxFrame:
    map: FrameMap
    jc: bytes
    oh: bytes
    pad: bytes
    line: bytes                 # frame_bits / 8 bytes, MSB first
    plain: bytes                # the payload region before the security stage
    sec: TxFrameSec | None = None


def build_payload(p: Profile, slot_blocks: Blocks257, data: np.ndarray) -> bytes:
    """The payload region: data slots carry ``slot_blocks`` in order, stuff slots and fill zero."""
    slots = np.zeros((p.n_slots, p.slot_bits), np.uint8)
    slots[data] = block_bits(slot_blocks)
    return np.packbits(np.concatenate((slots.reshape(-1), np.zeros(p.fill_bits, np.uint8)))).tobytes()


class FrameTx:
    """Streaming transmitter: client 257b blocks and per-clock valid in, frames out."""

    def __init__(self, p: Profile, client: Blocks257, sec: SecTx | None = None):
        self.p, self.client, self.sec = p, client, sec
        self.mapper = GmpMapper(p)
        self.stat = 0

    def _slot_blocks(self, idx: np.ndarray) -> Blocks257:
        n = len(self.client)
        take = np.clip(idx, 0, max(n - 1, 0))
        hdr = np.asarray(self.client.hdr)[take] if n else np.zeros(len(idx), np.uint8)
        body = np.asarray(self.client.body)[take] if n else np.zeros((len(idx), 4), np.uint64)
        # Past the client's end the client sends idle; an empty FIFO sends ERROR_257B.
        for mask, fill in ((idx >= n, IDLE_257B), (idx < 0, ERROR_257B)):
            hdr = np.where(mask, fill.hdr[0], hdr)
            body = np.where(mask[:, None], fill.body[0], body)
        return Blocks257(hdr.astype(np.uint8), body.astype(np.uint64))

    def frame(self, valid: np.ndarray) -> TxFrame:
        """One frame; without a security stage the PAD is the placeholder Pad(pn=frame index)."""
        p = self.p
        fm = self.mapper.map_frame(valid)
        jc = self.mapper.jc(fm)
        oh = oh_encode(p, fm.index, self.stat, jc)
        self.stat = (STAT_UNDERFLOW if fm.underflows else 0) | (STAT_OVERFLOW if fm.overflows else 0)
        plain = build_payload(p, self._slot_blocks(fm.slots), slot_map(fm.cm, p.n_slots))
        if self.sec is None:
            sec, pad, payload = None, Pad(pn=fm.index).encode(p.pad_bytes), plain
        else:
            sec = self.sec.frame(fm.index, oh, plain, p.pad_bytes)
            pad, payload = sec.pad, sec.payload
        return TxFrame(fm, jc, oh, pad, am_line_bytes(p) + pad + oh + payload, plain, sec)


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


@dataclass
class RxResult:
    blocks: Blocks257
    frames: list[RxFrameStatus]
    counters: RxCounters
    events: list = field(default_factory=list)      # (bit position, "lock" | "loss")


def _am_bits(p: Profile) -> np.ndarray:
    return np.unpackbits(np.frombuffer(am_line_bytes(p), np.uint8))


def find_am(bits: np.ndarray, am: np.ndarray, start: int) -> int | None:
    """First bit offset >= start where the whole AM matches exactly."""
    key = np.packbits(am).tobytes()
    best = None
    for ph in range(8):
        seg = bits[start + ph:]
        packed = np.packbits(seg[:len(seg) // 8 * 8]).tobytes()
        i = packed.find(key)
        if i >= 0 and (best is None or start + ph + 8 * i < best):
            best = start + ph + 8 * i
    return best


def deframe(p: Profile, bits: np.ndarray, sec: SecRx | None = None) -> RxResult:
    """Find, lock, (decrypt,) and demap frames in a raw line bit stream (uint8 0/1, any offset).

    With a security stage, a usable frame's blocks leave as valid data only if the stage
    releases the frame (cut-through: unless it failed on arrival; store-and-forward: once
    its tag verified); otherwise as many ERROR_257B blocks."""
    bits = np.asarray(bits, np.uint8)
    am = _am_bits(p)
    F, H = p.frame_bits, p.header_bits
    am_at = lambda q: q + len(am) <= len(bits) and np.array_equal(bits[q:q + len(am)], am)  # noqa: E731
    a0, a1 = p.am_bits // 8, (p.am_bits + p.pad_bits) // 8
    cnt = RxCounters()
    out: list = []              # Blocks257, or (RxFrameStatus, blocks) decided after the loop
    frames: list[RxFrameStatus] = []
    events = []
    cm_prev, cm_known, cursor, last = 0, False, 0, None
    locked, nxt, bad = False, 0, 0

    def emit_errors(n):
        cnt.error_blocks += n
        out.append(Blocks257(np.repeat(ERROR_257B.hdr, n), np.repeat(ERROR_257B.body, n, axis=0)))

    while True:
        if not locked:
            q = find_am(bits, am, cursor)
            if q is None or q + (p.lock_good - 1) * F + len(am) > len(bits):
                break
            if not all(am_at(q + k * F) for k in range(1, p.lock_good)):
                cursor = q + 1
                continue
            locked, nxt, bad = True, q + (p.lock_good - 1) * F, 0
            cnt.locks += 1
            events.append((nxt, "lock"))
            if last is not None:
                # Frame-period ticks last + k*F + F/2 (k >= 1) that passed before the new frame.
                cnt.lost_frames += max(0, (nxt - last - F // 2) // F)
                # Error blocks continue the lost frames' slot grid with Cm': every data
                # slot that would have ended before the new frame's payload (spec 5.5).
                gap = nxt - (last + F)
                k = min(p.n_slots, (gap % F) // p.slot_bits)
                emit_errors((gap // F) * cm_prev + k * cm_prev // p.n_slots)
        q = nxt
        if q + F > len(bits):
            break
        good = am_at(q)
        bad = 0 if good else bad + 1
        cnt.am_bad += not good
        if bad >= p.lock_bad:
            locked, cursor, cm_known = False, q + 1, False
            cnt.lock_losses += 1
            events.append((q, "loss"))
            continue
        hdr = np.packbits(bits[q:q + H]).tobytes()
        oh = hdr[a1:]
        oh_ok = crc16_oh(oh[:-2]) == int.from_bytes(oh[-2:], "big")
        jc = jc_decode(oh[OH_JC:OH_JC + 6], cm_prev, cm_known)
        usable = jc.cm is not None and 0 <= jc.cm <= p.n_slots and (good or oh_ok)
        cm_known = usable
        cnt.frames += 1
        cnt.oh_crc_errors += not oh_ok
        cnt.jc_crc_errors += not jc.crc_ok
        cnt.jc_pattern_errors += jc.kind in ("pattern", "stale")
        pad = hdr[a0:a1]
        payload = bits[q + H:q + F]
        rs = None
        if sec is not None:
            rs = sec.frame(oh[OH_MFAS], pad, oh, np.packbits(payload).tobytes())
            payload = np.unpackbits(np.frombuffer(rs.payload, np.uint8))
        if usable:
            cm_prev = jc.cm
        st = RxFrameStatus(q, good, oh_ok, oh[OH_MFAS], oh[OH_STAT], jc, cm_prev, usable, pad, cm_prev, rs)
        if usable:
            slots = payload[:p.n_slots * p.slot_bits].reshape(p.n_slots, p.slot_bits)
            out.append((st, bits_to_blocks(slots[slot_map(jc.cm, p.n_slots)])))
        else:
            cnt.unusable_frames += 1
            emit_errors(cm_prev)
        frames.append(st)
        last, nxt = q, q + F
    if sec is not None:
        sec.finish()
    parts = []
    for item in out:
        if not isinstance(item, Blocks257):
            st, b = item
            if not st.delivered:
                cnt.sec_dropped += 1
                cnt.error_blocks += len(b)
                b = Blocks257(np.repeat(ERROR_257B.hdr, len(b)), np.repeat(ERROR_257B.body, len(b), axis=0))
            item = b
        parts.append(item)
    blocks = Blocks257(np.concatenate([b.hdr for b in parts]) if parts else np.zeros(0, np.uint8),
                       np.concatenate([b.body for b in parts]) if parts else np.zeros((0, 4), np.uint64))
    return RxResult(blocks, frames, cnt, events)


def line_bits(frames: list[TxFrame]) -> np.ndarray:
    return np.unpackbits(np.frombuffer(b"".join(f.line for f in frames), np.uint8))


__all__ = ["am_line_bytes", "oh_encode", "block_bits", "bits_to_blocks", "build_payload", "FrameTx", "frame_tx",
           "deframe", "find_am", "line_bits", "RxResult", "RxFrameStatus", "RxCounters", "TxFrame",
           "IDLE_257B"]
