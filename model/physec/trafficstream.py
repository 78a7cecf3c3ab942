# SPDX-License-Identifier: Apache-2.0
"""The traffic of ``traffic.make_traffic`` in pieces of bounded size, for sets and
captures of any length: the same frames and gaps, from the same random draws.

``make_traffic`` (the definition) draws each quantity for all frames in turn (a
profile's frame kinds, then its sizes, then the payload bytes, ...).  Here each of
those draws has its own copy of the generator, started where the definition starts
that draw, and every copy draws piece by piece: numpy's generators give the same
values for one call of n as for calls of n1, n2, ... that add up to n (the byte draws
in multiples of four, since a call uses a 32-bit word for four bytes).  The starting
points are found by one pass of the same draws, kept nowhere.  model/tests/
test_trafficstream.py compares the pieces with ``make_traffic``.
"""
from __future__ import annotations

import copy
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .mac import MAX_FRAME, MIN_GAP
from .traffic import ETHERTYPE_LOCAL, PROFILES, ROCEV2_UDP_PORT, Traffic, _gaps_for_load, _ipv4_checksum

PIECE = 2048                   # Ethernet frames per piece
_BYTES = 1 << 22               # payload bytes drawn per call (a multiple of 4)
DEFAULT_P = [0.40, 0.25, 0.20, 0.10, 0.05]


@dataclass
class TrafficSource:
    """A stream of Traffic pieces that can be started again (``pieces()``), and the same
    pieces' shapes alone (``shapes()``: frame lengths and gaps, what the MAC layout of
    the stream depends on), which cost little to make."""

    profile: str
    n_frames: int
    seed: int | None
    pieces: Callable[[], Iterator[Traffic]]
    shapes: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]]


def source(profile: str, n_frames: int, seed: int, piece: int = PIECE) -> TrafficSource:
    if n_frames < 1:
        raise ValueError("need at least one frame")
    if profile not in PROFILES:
        raise ValueError(f"unknown traffic profile {profile!r}; choose one of {', '.join(PROFILES)} or a pcap file")
    if profile == "default":
        return TrafficSource(profile, n_frames, seed, lambda: default_pieces(n_frames, seed, piece),
                             lambda: default_pieces(n_frames, seed, piece, shapes=True))
    return TrafficSource(profile, n_frames, seed, lambda: bulk_pieces(n_frames, seed, piece),
                         lambda: bulk_pieces(n_frames, seed, piece, shapes=True))


def _shapes(pieces) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for t in pieces:
        yield np.fromiter(map(len, t.frames), np.int64, len(t.frames)), t.gaps


def whole(t: Traffic) -> TrafficSource:
    """A Traffic already in memory as a source of one piece."""
    return TrafficSource(t.profile, len(t.frames), t.seed, lambda: iter([t]), lambda: _shapes([t]))


class _Bytes:
    """Uniform bytes from one generator, served in any amounts (drawn 4 MB at a time)."""

    def __init__(self, rng):
        self.rng, self.buf, self.at = rng, b"", 0

    def take(self, n: int) -> memoryview:
        if self.at + n > len(self.buf):
            rest = self.buf[self.at:]
            draw = -(-(n - len(rest)) // _BYTES) * _BYTES
            self.buf, self.at = rest + self.rng.integers(0, 256, draw, dtype=np.uint8).tobytes(), 0
        self.at += n
        return memoryview(self.buf)[self.at - n:self.at]


def _skip_bytes(rng, n: int) -> None:
    """Draw n bytes (as one call of n would) and drop them."""
    while n > 0:
        k = min(n, _BYTES)
        rng.integers(0, 256, k, dtype=np.uint8)
        n -= k


def _sizes(kind, s1, s2):
    return np.select([kind == 0, kind == 1, kind == 2, kind == 3], [64, s1, 1518, s2], 9216)


def default_pieces(n: int, seed: int, piece: int = PIECE, load: float = 0.8, shapes: bool = False):
    """traffic.default_traffic(n, seed, load), ``piece`` frames at a time (``shapes``:
    only (frame lengths, gaps) of each piece)."""
    cdf = np.cumsum(DEFAULT_P)
    cdf /= cdf[-1]                              # as Generator.choice(5, p=...) does
    rng = np.random.default_rng(seed)
    at = {}                                     # the generator where each draw starts
    for name, draw in (("kind", lambda r, k: r.random(k)), ("s1", lambda r, k: r.integers(65, 1518, k)),
                       ("s2", lambda r, k: r.integers(1519, 9216, k))):
        at[name] = copy.deepcopy(rng)
        for i in range(0, n, piece):
            draw(rng, min(piece, n - i))
    at["payload"] = copy.deepcopy(rng)
    # The payload is sum(lens) bytes: the kinds and sizes again, from their own copies.
    kr, r1, r2 = (copy.deepcopy(at[k]) for k in ("kind", "s1", "s2"))
    total = 0
    for i in range(0, n, piece):
        k = min(piece, n - i)
        total += int((_sizes(cdf.searchsorted(kr.random(k), side="right"), r1.integers(65, 1518, k),
                             r2.integers(1519, 9216, k)) - 4).sum())
    _skip_bytes(rng, total)
    at["macs"] = copy.deepcopy(rng)
    for i in range(0, n, piece):
        rng.integers(0, 1 << 32, (min(piece, n - i), 2))
    gr = rng                                    # the gaps come last
    kr, r1, r2, mr = at["kind"], at["s1"], at["s2"], at["macs"]
    pay = _Bytes(at["payload"])
    for i in range(0, n, piece):
        k = min(piece, n - i)
        lens = _sizes(cdf.searchsorted(kr.random(k), side="right"), r1.integers(65, 1518, k),
                      r2.integers(1519, 9216, k)) - 4
        if shapes:
            yield lens, _gaps_for_load(gr, lens + 4 + 8, load)
            continue
        macs = mr.integers(0, 1 << 32, (k, 2))
        frames = []
        for j, ln in enumerate(lens.tolist()):
            hdr = (struct.pack(">H", 0x0200) + int(macs[j, 0]).to_bytes(4, "big")
                   + struct.pack(">H", 0x0200) + int(macs[j, 1]).to_bytes(4, "big")
                   + struct.pack(">HI", ETHERTYPE_LOCAL, (i + j) & 0xFFFFFFFF))
            frames.append(hdr + pay.take(ln)[:ln - len(hdr)])
        yield Traffic(frames, _gaps_for_load(gr, lens + 4 + 8, load), "default", seed)


def bulk_pieces(n: int, seed: int, piece: int = PIECE, mtu: int = 4096, burst: int = 64, duty: float = 0.9,
                shapes: bool = False):
    """traffic.bulk_traffic(n, seed, mtu, burst, duty), ``piece`` frames at a time
    (``shapes``: only (frame lengths, gaps) of each piece)."""
    rng = np.random.default_rng(seed)
    if 14 + 20 + 8 + 12 + mtu + 4 > MAX_FRAME:
        raise ValueError(f"mtu {mtu} makes frames above {MAX_FRAME} bytes")
    macs = [bytes.fromhex("02") + rng.integers(0, 256, 5, dtype=np.uint8).tobytes() for _ in range(2)]
    qp, psn0 = int(rng.integers(1, 1 << 24)), int(rng.integers(0, 1 << 24))
    sport = 0xC000 | (qp & 0x3FFF)
    if mtu % 4:
        raise ValueError("the payload is drawn in pieces of whole 32-bit words: mtu must be a multiple of 4")
    pay = _Bytes(rng)
    wire = 14 + 20 + 8 + 12 + mtu + 4 + 4 + 8 + MIN_GAP
    for i0 in range(0, n, piece):
        frames = []
        gaps = np.full(min(piece, n - i0), MIN_GAP, np.int64)
        if shapes:
            gaps[(np.arange(i0, i0 + len(gaps)) % burst) == burst - 1] += int(round(burst * wire * (1 - duty) / duty))
            yield np.full(len(gaps), 14 + 20 + 8 + 12 + mtu + 4, np.int64), gaps
            continue
        for i in range(i0, min(i0 + piece, n)):
            pos = i % burst
            opcode = 0x06 if pos == 0 else (0x08 if pos == burst - 1 or i == n - 1 else 0x07)
            bth = struct.pack(">BBHII", opcode, 0x40, 0xFFFF, qp, (psn0 + i) & 0xFFFFFF)
            data = bytes(pay.take(mtu))
            trailer = zlib.crc32(bth + data).to_bytes(4, "little")
            udp_len = 8 + len(bth) + mtu + 4
            udp = struct.pack(">HHHH", sport, ROCEV2_UDP_PORT, udp_len, 0)
            ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, (26 << 2) | 0b10, 20 + udp_len, i & 0xFFFF,
                                       0x4000, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])))
            ip[10:12] = struct.pack(">H", _ipv4_checksum(bytes(ip)))
            frames.append(macs[0] + macs[1] + b"\x08\x00" + bytes(ip) + udp + bth + data + trailer)
            if pos == burst - 1:
                gaps[i - i0] = MIN_GAP + int(round(burst * wire * (1 - duty) / duty))
        yield Traffic(frames, gaps, "bulk", seed)


def pcap_source(path, limit: int = 0, piece: int = PIECE) -> TrafficSource:
    """The first ``limit`` frames of a capture (0: all) in pieces; counted by a first pass."""
    from .pcapio import PcapError, iter_frames
    n = 0
    for _ in iter_frames(path):
        n += 1
        if n == limit:
            break
    if not n:
        raise PcapError(f"{path}: the capture holds no frames")

    def pieces():
        buf = []
        for i, f in enumerate(iter_frames(path)):
            if i == n:
                break
            buf.append(f)
            if len(buf) == piece:
                yield Traffic(buf, [12] * len(buf), "pcap", None)
                buf = []
        if buf:
            yield Traffic(buf, [12] * len(buf), "pcap", None)
    return TrafficSource("pcap", n, None, pieces, lambda: _shapes(pieces()))


__all__ = ["TrafficSource", "source", "whole", "default_pieces", "bulk_pieces", "pcap_source", "PIECE"]
