# SPDX-License-Identifier: Apache-2.0
"""pcap / pcapng reading and writing for Ethernet frames (link type 1, no FCS).

dpkt (maintained, pure Python, no libpcap needed) supplies the record formats and
the writers.  Its readers silently shorten a truncated last record and yield frames
cut by the capture's snap length, so the loop that walks the records is ours and
turns every such case into a :class:`PcapError` naming the record and byte offset.
"""
from __future__ import annotations

import os
import stat
import struct
from collections.abc import Iterator
from pathlib import Path

import dpkt
from dpkt import pcap, pcapng

DLT_EN10MB = pcap.DLT_EN10MB
SNAPLEN = 65535


class PcapError(ValueError):
    """A capture file that cannot be read completely and exactly."""


def read_frames(path) -> list[bytes]:
    """All frames of a pcap or pcapng file, in order (timestamps are not used)."""
    return list(iter_frames(path))


class _File:
    """A capture read through a window: ``size`` and ``get(off, n)`` in place of a bytes
    object's len() and slices (a file that is not a regular file is read whole)."""

    WINDOW = 1 << 22

    def __init__(self, path: Path):
        try:
            self.f = open(path, "rb")
            self.size = os.fstat(self.f.fileno()).st_size
            self.buf, self.at = (b"", 0) if stat.S_ISREG(os.fstat(self.f.fileno()).st_mode) else (self.f.read(), 0)
        except OSError as e:
            raise PcapError(f"{path}: cannot read: {e.strerror}") from None
        if self.buf:
            self.size = len(self.buf)

    def get(self, off: int, n: int) -> bytes:
        if not self.at <= off <= off + n <= self.at + len(self.buf):
            self.f.seek(off)
            self.buf, self.at = self.f.read(max(n, self.WINDOW)), off
        return self.buf[off - self.at:off - self.at + n]


def iter_frames(path) -> Iterator[bytes]:
    """The frames of :func:`read_frames` one by one, the file read in bounded memory;
    the same errors, raised when the reader gets there."""
    path = Path(path)
    buf = _File(path)
    with buf.f:
        if buf.size < 4:
            raise PcapError(f"{path}: {buf.size} bytes is too short for a pcap or pcapng header")
        magic = struct.unpack("<I", buf.get(0, 4))[0]
        try:
            yield from (_read_pcapng if magic == pcapng.PCAPNG_BT_SHB else _read_pcap)(path, buf)
        except (dpkt.UnpackError, struct.error) as e:
            raise PcapError(f"{path}: malformed capture: {e}") from None


def _read_pcap(path, buf: _File) -> Iterator[bytes]:
    fh = pcap.FileHdr(buf.get(0, pcap.FileHdr.__hdr_len__)) if buf.size >= 24 else None
    if fh is None:
        raise PcapError(f"{path}: truncated pcap file header ({buf.size} of 24 bytes)")
    if fh.magic in (pcap.PMUDPCT_MAGIC, pcap.PMUDPCT_MAGIC_NANO):
        fh = pcap.LEFileHdr(buf.get(0, 24))
    if fh.magic not in (pcap.TCPDUMP_MAGIC, pcap.TCPDUMP_MAGIC_NANO):
        raise PcapError(f"{path}: not a pcap or pcapng file (magic {buf.get(0, 4).hex()})")
    if fh.linktype != DLT_EN10MB:
        raise PcapError(f"{path}: link type {fh.linktype} is not Ethernet (1)")
    hdr_cls = pcap.LEPktHdr if isinstance(fh, pcap.LEFileHdr) else pcap.PktHdr
    n, off = 0, 24
    while off < buf.size:
        if off + 16 > buf.size:
            raise PcapError(f"{path}: record {n} header truncated at byte {off}")
        h = hdr_cls(buf.get(off, 16))
        if off + 16 + h.caplen > buf.size:
            raise PcapError(f"{path}: record {n} truncated: {buf.size - off - 16} of {h.caplen} bytes present")
        if h.caplen < h.len:
            raise PcapError(f"{path}: record {n} holds {h.caplen} of the frame's {h.len} bytes "
                            f"(captured with a short snap length)")
        yield buf.get(off + 16, h.caplen)
        n += 1
        off += 16 + h.caplen


def _read_pcapng(path, buf: _File) -> Iterator[bytes]:
    n, off, le, links = 0, 0, True, []
    while off < buf.size:
        if off + 12 > buf.size:
            raise PcapError(f"{path}: block header truncated at byte {off}")
        head = buf.get(off, 12)
        if struct.unpack("<I", head[:4])[0] == pcapng.PCAPNG_BT_SHB:
            le = head[8:12] == struct.pack("<I", pcapng.BYTE_ORDER_MAGIC)
        fmt = "<I" if le else ">I"
        btype, blen = struct.unpack(fmt, head[:4])[0], struct.unpack(fmt, head[4:8])[0]
        if blen < 12 or blen % 4 or off + blen > buf.size:
            raise PcapError(f"{path}: block at byte {off} claims {blen} bytes, {buf.size - off} present")
        blk = buf.get(off, blen)
        if btype == pcapng.PCAPNG_BT_SHB:
            links = []
        elif btype == pcapng.PCAPNG_BT_IDB:
            links.append((pcapng.InterfaceDescriptionBlockLE if le else pcapng.InterfaceDescriptionBlock)(blk).linktype)
        elif btype == pcapng.PCAPNG_BT_EPB:
            epb = (pcapng.EnhancedPacketBlockLE if le else pcapng.EnhancedPacketBlock)(blk)
            if epb.iface_id >= len(links):
                raise PcapError(f"{path}: packet {n} names interface {epb.iface_id}, which is not described")
            if links[epb.iface_id] != DLT_EN10MB:
                raise PcapError(f"{path}: packet {n} is on link type {links[epb.iface_id]}, not Ethernet (1)")
            if len(epb.pkt_data) != epb.caplen or epb.caplen < epb.pkt_len:
                raise PcapError(f"{path}: packet {n} holds {len(epb.pkt_data)} of the frame's {epb.pkt_len} bytes")
            yield bytes(epb.pkt_data)
            n += 1
        elif btype in (pcapng.PCAPNG_BT_PB, pcapng.PCAPNG_BT_SPB):
            raise PcapError(f"{path}: obsolete/simple packet block at byte {off} is not supported")
        off += blen


def write_frames(path, frames, times_ns=None) -> None:
    """Write frames (no FCS) as pcap, or pcapng when the name ends in .pcapng.

    ``times_ns`` gives each frame's timestamp in nanoseconds (default: 0, 1, 2 ... us)."""
    with FrameWriter(path) as w:
        w.write(frames, times_ns)


class FrameWriter:
    """:func:`write_frames` piece by piece: ``write`` as often as needed, then ``close``."""

    def __init__(self, path):
        path = Path(path)
        self.f = open(path, "wb")
        self.n = 0
        if path.suffix == ".pcapng":
            self.w = pcapng.Writer(self.f, snaplen=SNAPLEN, linktype=DLT_EN10MB)
        else:
            self.w = pcap.Writer(self.f, snaplen=SNAPLEN, linktype=DLT_EN10MB, nano=True)

    def write(self, frames, times_ns=None) -> None:
        frames = list(frames)
        times = times_ns if times_ns is not None else [(self.n + i) * 1000 for i in range(len(frames))]
        for fr, t in zip(frames, times):
            self.w.writepkt(bytes(fr), ts=t / 1e9)
        self.n += len(frames)

    def close(self) -> None:
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
