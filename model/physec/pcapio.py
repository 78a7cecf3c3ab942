# SPDX-License-Identifier: Apache-2.0
"""pcap / pcapng reading and writing for Ethernet frames (link type 1, no FCS).

dpkt (maintained, pure Python, no libpcap needed) supplies the record formats and
the writers.  Its readers silently shorten a truncated last record and yield frames
cut by the capture's snap length, so the loop that walks the records is ours and
turns every such case into a :class:`PcapError` naming the record and byte offset.
"""
from __future__ import annotations

import struct
from pathlib import Path

import dpkt
from dpkt import pcap, pcapng

DLT_EN10MB = pcap.DLT_EN10MB
SNAPLEN = 65535


class PcapError(ValueError):
    """A capture file that cannot be read completely and exactly."""


def read_frames(path) -> list[bytes]:
    """All frames of a pcap or pcapng file, in order (timestamps are not used)."""
    path = Path(path)
    try:
        buf = path.read_bytes()
    except OSError as e:
        raise PcapError(f"{path}: cannot read: {e.strerror}") from None
    if len(buf) < 4:
        raise PcapError(f"{path}: {len(buf)} bytes is too short for a pcap or pcapng header")
    magic = struct.unpack("<I", buf[:4])[0]
    try:
        if magic == pcapng.PCAPNG_BT_SHB:
            return _read_pcapng(path, buf)
        return _read_pcap(path, buf)
    except (dpkt.UnpackError, struct.error) as e:
        raise PcapError(f"{path}: malformed capture: {e}") from None


def _read_pcap(path, buf) -> list[bytes]:
    fh = pcap.FileHdr(buf[:pcap.FileHdr.__hdr_len__]) if len(buf) >= 24 else None
    if fh is None:
        raise PcapError(f"{path}: truncated pcap file header ({len(buf)} of 24 bytes)")
    if fh.magic in (pcap.PMUDPCT_MAGIC, pcap.PMUDPCT_MAGIC_NANO):
        fh = pcap.LEFileHdr(buf[:24])
    if fh.magic not in (pcap.TCPDUMP_MAGIC, pcap.TCPDUMP_MAGIC_NANO):
        raise PcapError(f"{path}: not a pcap or pcapng file (magic {buf[:4].hex()})")
    if fh.linktype != DLT_EN10MB:
        raise PcapError(f"{path}: link type {fh.linktype} is not Ethernet (1)")
    hdr_cls = pcap.LEPktHdr if isinstance(fh, pcap.LEFileHdr) else pcap.PktHdr
    frames, off = [], 24
    while off < len(buf):
        n = len(frames)
        if off + 16 > len(buf):
            raise PcapError(f"{path}: record {n} header truncated at byte {off}")
        h = hdr_cls(buf[off:off + 16])
        if off + 16 + h.caplen > len(buf):
            raise PcapError(f"{path}: record {n} truncated: {len(buf) - off - 16} of {h.caplen} bytes present")
        if h.caplen < h.len:
            raise PcapError(f"{path}: record {n} holds {h.caplen} of the frame's {h.len} bytes "
                            f"(captured with a short snap length)")
        frames.append(buf[off + 16:off + 16 + h.caplen])
        off += 16 + h.caplen
    return frames


def _read_pcapng(path, buf) -> list[bytes]:
    frames, off, le, links = [], 0, True, []
    while off < len(buf):
        if off + 12 > len(buf):
            raise PcapError(f"{path}: block header truncated at byte {off}")
        if struct.unpack("<I", buf[off:off + 4])[0] == pcapng.PCAPNG_BT_SHB:
            le = buf[off + 8:off + 12] == struct.pack("<I", pcapng.BYTE_ORDER_MAGIC)
        fmt = "<I" if le else ">I"
        btype, blen = struct.unpack(fmt, buf[off:off + 4])[0], struct.unpack(fmt, buf[off + 4:off + 8])[0]
        if blen < 12 or blen % 4 or off + blen > len(buf):
            raise PcapError(f"{path}: block at byte {off} claims {blen} bytes, {len(buf) - off} present")
        blk = buf[off:off + blen]
        if btype == pcapng.PCAPNG_BT_SHB:
            links = []
        elif btype == pcapng.PCAPNG_BT_IDB:
            links.append((pcapng.InterfaceDescriptionBlockLE if le else pcapng.InterfaceDescriptionBlock)(blk).linktype)
        elif btype == pcapng.PCAPNG_BT_EPB:
            epb = (pcapng.EnhancedPacketBlockLE if le else pcapng.EnhancedPacketBlock)(blk)
            n = len(frames)
            if epb.iface_id >= len(links):
                raise PcapError(f"{path}: packet {n} names interface {epb.iface_id}, which is not described")
            if links[epb.iface_id] != DLT_EN10MB:
                raise PcapError(f"{path}: packet {n} is on link type {links[epb.iface_id]}, not Ethernet (1)")
            if len(epb.pkt_data) != epb.caplen or epb.caplen < epb.pkt_len:
                raise PcapError(f"{path}: packet {n} holds {len(epb.pkt_data)} of the frame's {epb.pkt_len} bytes")
            frames.append(bytes(epb.pkt_data))
        elif btype in (pcapng.PCAPNG_BT_PB, pcapng.PCAPNG_BT_SPB):
            raise PcapError(f"{path}: obsolete/simple packet block at byte {off} is not supported")
        off += blen
    return frames


def write_frames(path, frames, times_ns=None) -> None:
    """Write frames (no FCS) as pcap, or pcapng when the name ends in .pcapng.

    ``times_ns`` gives each frame's timestamp in nanoseconds (default: 0, 1, 2 ... us)."""
    path = Path(path)
    times = times_ns if times_ns is not None else [i * 1000 for i in range(len(frames))]
    with open(path, "wb") as f:
        if path.suffix == ".pcapng":
            w = pcapng.Writer(f, snaplen=SNAPLEN, linktype=DLT_EN10MB)
            for fr, t in zip(frames, times):
                w.writepkt(bytes(fr), ts=t / 1e9)
        else:
            w = pcap.Writer(f, snaplen=SNAPLEN, linktype=DLT_EN10MB, nano=True)
            for fr, t in zip(frames, times):
                w.writepkt(bytes(fr), ts=t / 1e9)
