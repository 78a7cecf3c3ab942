# SPDX-License-Identifier: Apache-2.0
"""The PCS part of the chain end to end: frames -> CGMII -> 66b -> 257b and back."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .fastpath import b257_to_cgmii, cgmii_to_257b
from .mac import MacRx, MacTx, RxFrame, RxStats, TxLayout, mac_decode, mac_encode
from .pcs66 import Blocks66, Cgmii, decode_66b, encode_66b
from .traffic import Traffic
from .xcode257 import Blocks257, detranscode_257b, transcode_257b


@dataclass
class PcsTx:
    cgmii: Cgmii
    b66: Blocks66
    b257: Blocks257
    layout: TxLayout


@dataclass
class PcsRx:
    b66: Blocks66
    xcode_err: np.ndarray       # per 257b block: group undecodable, became EBLOCK_R
    cgmii: Cgmii
    frames: list[RxFrame]
    stats: RxStats


def pcs_tx(traffic: Traffic, lead_blocks: int = 0) -> PcsTx:
    """``lead_blocks``: idle 257b blocks (32 CGMII characters each) before the first frame."""
    cg, layout = mac_encode(traffic.frames, traffic.gaps, block_multiple=4, lead_idle=32 * lead_blocks)
    b66 = encode_66b(cg)
    return PcsTx(cg, b66, transcode_257b(b66), layout)


def pcs_tx_257b(traffic: Traffic, lead_blocks: int = 0) -> Blocks257:
    """``pcs_tx(traffic, lead_blocks).b257`` by the fast paths (no 66b arrays)."""
    cg, _ = MacTx(block_multiple=4, lead_idle=32 * lead_blocks).encode(traffic.frames, traffic.gaps, final=True)
    return cgmii_to_257b(cg, inplace=True)


def pcs_rx(b257: Blocks257) -> PcsRx:
    b66, err = detranscode_257b(b257)
    cg = decode_66b(b66)
    frames, stats = mac_decode(cg)
    return PcsRx(b66, err, cg, frames, stats)


def pcs_rx_frames(b257: Blocks257) -> tuple[list[RxFrame], RxStats, np.ndarray]:
    """``pcs_rx(b257)``'s frames, stats and xcode_err by the fast paths (no 66b arrays)."""
    cg, err = b257_to_cgmii(b257)
    rx = MacRx()
    return rx.decode(cg, final=True), rx.stats, err


def pcs_tx_stream(traffic: Traffic | Iterable[Traffic], lead_blocks: int = 0,
                  chunk_frames: int = 256) -> Iterator[Blocks257]:
    """The 257b stream of :func:`pcs_tx`, chunk by chunk: ``traffic`` is one Traffic (cut
    into ``chunk_frames`` pieces) or an iterable of Traffic pieces (e.g. a generator);
    memory depends on the piece size, not on the length of the stream."""
    if isinstance(traffic, Traffic):
        t = traffic
        traffic = (Traffic(t.frames[i:i + chunk_frames], t.gaps[i:i + chunk_frames], t.profile, t.seed)
                   for i in range(0, len(t.frames), chunk_frames))
    mac = MacTx(block_multiple=4, lead_idle=32 * lead_blocks)
    it = iter(traffic)
    piece = next(it, None)
    while True:
        nxt = next(it, None) if piece is not None else None
        frames, gaps = (piece.frames, piece.gaps) if piece is not None else ([], None)
        cg, _ = mac.encode(frames, gaps, final=nxt is None)
        if len(cg.data):
            yield cgmii_to_257b(cg, inplace=True)     # cg is this call's own buffer
        if nxt is None:
            return
        piece = nxt


class PcsRxStream:
    """:func:`pcs_rx` chunk by chunk: feed 257b blocks, get the Ethernet frames that
    ended in them; ``finish`` at the end of the stream."""

    def __init__(self):
        self.mac = MacRx()
        self.xcode_errors = 0

    @property
    def stats(self) -> RxStats:
        return self.mac.stats

    def feed(self, b257: Blocks257) -> list[RxFrame]:
        cg, err = b257_to_cgmii(b257)
        self.xcode_errors += int(err.sum())
        return self.mac.decode(cg)

    def finish(self) -> list[RxFrame]:
        return self.mac.decode(Cgmii(np.zeros((0, 8), np.uint8), np.zeros((0, 8), bool)), final=True)
