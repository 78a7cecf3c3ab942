# SPDX-License-Identifier: Apache-2.0
"""Traffic sources: Ethernet frames (without FCS) and the idle gap requested after each.

Every source is reproducible from its seed (numpy PCG64).  Frame sizes below are
counted with FCS, as Ethernet sizes usually are (64..9216).
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import numpy as np

from .mac import MAX_FRAME, MIN_FRAME, MIN_GAP, pad_frame

PROFILES = ("default", "bulk")
ETHERTYPE_LOCAL = 0x88B5        # IEEE 802 local experimental EtherType
ROCEV2_UDP_PORT = 4791


@dataclass
class Traffic:
    frames: list[bytes]         # without FCS
    gaps: np.ndarray            # requested idle characters after each frame (>= 12)
    profile: str
    seed: int | None

    def __post_init__(self):
        self.gaps = np.asarray(self.gaps, np.int64)
        if len(self.gaps) != len(self.frames):
            raise ValueError("one gap per frame is needed")


def _gaps_for_load(rng, wire_lens: np.ndarray, load: float) -> np.ndarray:
    """Gap after each frame so that the mean utilisation is ``load`` (exponential spread)."""
    if not 0 < load <= 1:
        raise ValueError(f"load must be in (0, 1], got {load}")
    base = wire_lens / load - wire_lens                 # idle characters per frame for that load
    extra = rng.exponential(np.maximum(base - MIN_GAP, 0.0))
    return np.maximum(MIN_GAP, np.rint(extra).astype(np.int64) + MIN_GAP)


def default_traffic(n_frames: int, seed: int, load: float = 0.8) -> Traffic:
    """IMIX-like mix extended to jumbo frames: 40 % 64 B, 25 % 65..1517 B, 20 % 1518 B,
    10 % 1519..9215 B, 5 % 9216 B (sizes with FCS)."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(5, size=n_frames, p=[0.40, 0.25, 0.20, 0.10, 0.05])
    sizes = np.select([kind == 0, kind == 1, kind == 2, kind == 3],
                      [64, rng.integers(65, 1518, n_frames), 1518, rng.integers(1519, 9216, n_frames)], 9216)
    lens = sizes - 4
    payload = rng.integers(0, 256, int(lens.sum()), dtype=np.uint8).tobytes()
    macs = rng.integers(0, 1 << 32, (n_frames, 2))
    frames, off = [], 0
    for i, ln in enumerate(lens):
        hdr = (struct.pack(">H", 0x0200) + int(macs[i, 0]).to_bytes(4, "big")     # locally administered
               + struct.pack(">H", 0x0200) + int(macs[i, 1]).to_bytes(4, "big")
               + struct.pack(">HI", ETHERTYPE_LOCAL, i & 0xFFFFFFFF))
        frames.append(hdr + payload[off:off + ln - len(hdr)])
        off += ln
    return Traffic(frames, _gaps_for_load(rng, lens + 4 + 8, load), "default", seed)


def _ipv4_checksum(hdr: bytes) -> int:
    s = sum(struct.unpack(">10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def bulk_traffic(n_frames: int, seed: int, mtu: int = 4096, burst: int = 64, duty: float = 0.9) -> Traffic:
    """RoCEv2-shaped bulk transfer (KV-cache / weight shipping): RDMA WRITE messages of
    ``burst`` packets with an ``mtu``-byte payload sent back to back (minimum gap),
    messages separated by idle so that the mean load is ``duty``.

    Headers: Ethernet, IPv4 (DSCP 26, ECN ECT(0), UDP), UDP to port 4791, the 12-byte
    InfiniBand BTH (opcodes WRITE First/Middle/Last, PSN counting up), payload, and a
    4-byte trailer in the ICRC position holding a CRC-32 of BTH and payload: shaped like
    RoCEv2, but that trailer is not the ICRC as InfiniBand defines it.
    """
    rng = np.random.default_rng(seed)
    if 14 + 20 + 8 + 12 + mtu + 4 > MAX_FRAME:
        raise ValueError(f"mtu {mtu} makes frames above {MAX_FRAME} bytes")
    macs = [bytes.fromhex("02") + rng.integers(0, 256, 5, dtype=np.uint8).tobytes() for _ in range(2)]
    qp, psn0 = int(rng.integers(1, 1 << 24)), int(rng.integers(0, 1 << 24))
    sport = 0xC000 | (qp & 0x3FFF)
    payload = rng.integers(0, 256, n_frames * mtu, dtype=np.uint8).tobytes()
    frames = []
    gaps = np.full(n_frames, MIN_GAP, np.int64)
    wire = 14 + 20 + 8 + 12 + mtu + 4 + 4 + 8 + MIN_GAP
    for i in range(n_frames):
        pos = i % burst
        opcode = 0x06 if pos == 0 else (0x08 if pos == burst - 1 or i == n_frames - 1 else 0x07)
        bth = struct.pack(">BBHII", opcode, 0x40, 0xFFFF, qp, (psn0 + i) & 0xFFFFFF)
        data = payload[i * mtu:(i + 1) * mtu]
        trailer = zlib.crc32(bth + data).to_bytes(4, "little")
        udp_len = 8 + len(bth) + mtu + 4
        udp = struct.pack(">HHHH", sport, ROCEV2_UDP_PORT, udp_len, 0)
        ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, (26 << 2) | 0b10, 20 + udp_len, i & 0xFFFF,
                                   0x4000, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])))
        ip[10:12] = struct.pack(">H", _ipv4_checksum(bytes(ip)))
        frames.append(macs[0] + macs[1] + b"\x08\x00" + bytes(ip) + udp + bth + data + trailer)
        if pos == burst - 1:
            gaps[i] = MIN_GAP + int(round(burst * wire * (1 - duty) / duty))
    return Traffic(frames, gaps, "bulk", seed)


def make_traffic(profile: str, n_frames: int, seed: int) -> Traffic:
    if n_frames < 1:
        raise ValueError("need at least one frame")
    if profile == "default":
        return default_traffic(n_frames, seed)
    if profile == "bulk":
        return bulk_traffic(n_frames, seed)
    raise ValueError(f"unknown traffic profile {profile!r}; choose one of {', '.join(PROFILES)} or a pcap file")


def expected_rx(frames: list[bytes]) -> list[bytes]:
    """What a receiver must deliver for these transmitted frames (short frames come back padded)."""
    return [pad_frame(bytes(f)) for f in frames]


__all__ = ["Traffic", "PROFILES", "default_traffic", "bulk_traffic", "make_traffic", "expected_rx", "MIN_FRAME"]
