# SPDX-License-Identifier: Apache-2.0
"""The PCS part of the chain end to end: frames -> CGMII -> 66b -> 257b and back."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mac import RxFrame, RxStats, TxLayout, mac_decode, mac_encode
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


def pcs_rx(b257: Blocks257) -> PcsRx:
    b66, err = detranscode_257b(b257)
    cg = decode_66b(b66)
    frames, stats = mac_decode(cg)
    return PcsRx(b66, err, cg, frames, stats)
