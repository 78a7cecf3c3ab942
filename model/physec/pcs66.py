# SPDX-License-Identifier: Apache-2.0
"""Stage `pcs66`: CGMII characters <-> 64b/66b blocks (IEEE 802.3 Clause 82 style).

Bit order (the one place where IEEE LSB-first notation is kept, see spec 2.2):
a 66b block is the integer ``tx_coded<65:0>``; bit 0 is transmitted first.
``sh`` = ``tx_coded<1:0>`` and ``pl`` = ``tx_coded<65:2>`` as a uint64, so the
block type field (hex in the standard, sent LSB first) is simply ``pl & 0xFF``
and CGMII lane k sits in ``pl`` bits 8k+7..8k.  The sync header written "01" in
transmission order is ``sh == 0b10`` (data); "10" is ``sh == 0b01`` (control).

RTL: no module in this stage yet (the transcoder consumes 66b blocks directly).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

SH_DATA = 0b10
SH_CTRL = 0b01

# CGMII control characters.
CH_IDLE, CH_START, CH_TERM, CH_ERROR, CH_SEQ = 0x07, 0xFB, 0xFD, 0xFE, 0x9C
# 7-bit control codes inside 66b control blocks.
C7_IDLE, C7_ERROR = 0x00, 0x1E

BT_CTRL = 0x1E     # C0..C7
BT_START = 0x78    # /S/ in lane 0, D1..D7
BT_OS = 0x4B       # /Q/ in lane 0, D1..D3, O0 = 0
# Terminate with k data bytes before /T/ (k = 0..7).
BT_TERM = (0x87, 0x99, 0xAA, 0xB4, 0xCC, 0xD2, 0xE1, 0xFF)
# The 100GBASE-R (Clause 82) block types; everything else is invalid.
VALID_TYPES = (BT_CTRL, BT_START, BT_OS) + BT_TERM

# EBLOCK_R: a control block of eight /E/ codes.
EBLOCK_PL = BT_CTRL | sum(C7_ERROR << (8 + 7 * i) for i in range(8))
IDLE_PL = BT_CTRL | sum(C7_IDLE << (8 + 7 * i) for i in range(8))      # eight idles

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
ALL_LANES = 0x0101010101010101                      # 1 in every byte of a 64-bit word


class Blocks66(NamedTuple):
    """A stream of 66b blocks: ``sh`` uint8 (N,), ``pl`` uint64 (N,)."""

    sh: np.ndarray
    pl: np.ndarray

    def __len__(self) -> int:
        return len(self.sh)

    def to_ints(self) -> list[int]:
        """Each block as the integer tx_coded<65:0>."""
        return [int(s) | (int(p) << 2) for s, p in zip(self.sh, self.pl)]

    @classmethod
    def from_ints(cls, values) -> "Blocks66":
        vals = [int(v) for v in values]
        for v in vals:
            if not 0 <= v < (1 << 66):
                raise ValueError(f"66b block value {v:#x} does not fit in 66 bits")
        return cls(np.array([v & 3 for v in vals], dtype=np.uint8),
                   np.array([v >> 2 for v in vals], dtype=_U64))


class Cgmii(NamedTuple):
    """CGMII characters, one 8-lane transfer per row: ``data`` uint8 (M, 8), ``ctrl`` bool (M, 8).

    Lane 0 is the first character in time.
    """

    data: np.ndarray
    ctrl: np.ndarray


def error_blocks(n: int) -> Blocks66:
    return Blocks66(np.full(n, SH_CTRL, np.uint8), np.full(n, EBLOCK_PL, _U64))


# CGMII control character -> 7-bit code (0xFF: not representable) and back.
_TO_C7 = np.full(256, 0xFF, np.uint8)
_TO_C7[CH_IDLE], _TO_C7[CH_ERROR] = C7_IDLE, C7_ERROR
_FROM_C7 = np.full(128, 0xFF, np.uint8)
_FROM_C7[C7_IDLE], _FROM_C7[C7_ERROR] = CH_IDLE, CH_ERROR


def _term_code_shift(k: int, lane: int) -> int:
    """Bit offset in ``pl`` of the 7-bit code of ``lane`` (> k) in a terminate block with k data bytes."""
    return 8 + 8 * k + (7 - k) + 7 * (lane - k - 1)


def encode_66b(cg: Cgmii) -> Blocks66:
    """Encode CGMII transfers to 66b blocks; any transfer that has no 100GBASE-R block
    format becomes an error block (EBLOCK_R), as the Clause 49/82 encoder does."""
    d_all = np.ascontiguousarray(cg.data, dtype=np.uint8).reshape(-1, 8)
    c_all = np.ascontiguousarray(cg.ctrl, dtype=bool).reshape(-1, 8)
    m = d_all.shape[0]
    word_all = d_all.view("<u8").reshape(m)
    ctrl_word = c_all.view("<u8").reshape(m)            # one byte (0/1) per lane: whole transfers at once
    has_ctrl = ctrl_word != 0
    sh = np.where(has_ctrl, np.uint8(SH_CTRL), np.uint8(SH_DATA))
    pl = word_all.astype(_U64)

    # Only transfers holding a control character need classifying; the commonest,
    # eight idles, is C0..C7 with all codes zero.
    idle = has_ctrl & (ctrl_word == _U64(ALL_LANES)) & (word_all == _U64(ALL_LANES * CH_IDLE))
    pl[idle] = IDLE_PL
    rows = np.flatnonzero(has_ctrl & ~idle)
    d, c, word = d_all[rows], c_all[rows], word_all[rows].astype(_U64)
    code7 = _TO_C7[d].astype(_U64)
    ctrl_ok = c & (code7 != 0xFF)
    n_ctrl_before = np.cumsum(c, axis=1) - c      # control lanes strictly before lane k
    rest_data = ~c[:, 1:].any(axis=1)
    out = np.full(len(rows), EBLOCK_PL, _U64)

    sel = ctrl_ok.all(axis=1)
    out[sel] = BT_CTRL | sum(code7[sel, i] << _U64(8 + 7 * i) for i in range(8))

    sel = c[:, 0] & (d[:, 0] == CH_START) & rest_data
    out[sel] = (word[sel] & _U64(~0xFF & _MASK64)) | _U64(BT_START)

    sel = c[:, 0] & (d[:, 0] == CH_SEQ) & rest_data & (d[:, 4:] == 0).all(axis=1)
    out[sel] = (word[sel] & _U64(0xFFFFFF00)) | _U64(BT_OS)

    for k, bt in enumerate(BT_TERM):
        sel = (n_ctrl_before[:, k] == 0) & c[:, k] & (d[:, k] == CH_TERM) & ctrl_ok[:, k + 1:].all(axis=1)
        if not sel.any():
            continue
        v = (word[sel] & _U64((1 << 8 * k) - 1)) << _U64(8) if k else np.zeros(int(sel.sum()), _U64)
        for lane in range(k + 1, 8):
            v |= code7[sel, lane] << _U64(_term_code_shift(k, lane))
        out[sel] = v | _U64(bt)
    pl[rows] = out
    return Blocks66(sh, pl)


def decode_66b(b: Blocks66) -> Cgmii:
    """Decode 66b blocks to CGMII.  An invalid sync header, an unknown block type, an
    invalid 7-bit control code or an ordered set other than /Q/ gives eight /E/ lanes."""
    sh = np.asarray(b.sh, np.uint8)
    pl = np.asarray(b.pl, _U64)
    # Whole transfers as 64-bit words: data blocks (most) as they are, found in one pass
    # over the sync headers; idle and error blocks constants; the rest (a few per Ethernet frame)
    # block type by block type.
    m = len(sh)
    crow = np.flatnonzero(sh != SH_DATA)
    data = pl.astype("<u8")
    ctrl = np.zeros(m, "<u8")
    is_c, pc = sh[crow] == SH_CTRL, pl[crow]
    idle, err = is_c & (pc == _U64(IDLE_PL)), is_c & (pc == _U64(EBLOCK_PL))
    data[crow[idle]], data[crow[err]], ctrl[crow] = _U64(ALL_LANES * CH_IDLE), _U64(ALL_LANES * CH_ERROR), \
        _U64(ALL_LANES)
    rest = crow[~(idle | err)]
    data, ctrl = data.view(np.uint8).reshape(m, 8), ctrl.view(bool).reshape(m, 8)
    data[rest], ctrl[rest] = _decode_rows(sh[rest], pl[rest])
    return Cgmii(data, ctrl)


def _decode_rows(sh: np.ndarray, pl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = len(sh)
    data = np.full((m, 8), CH_ERROR, np.uint8)
    ctrl = np.ones((m, 8), bool)
    pl_bytes = pl.astype("<u8").view(np.uint8).reshape(m, 8)
    btype = pl_bytes[:, 0]
    is_ctrl = sh == SH_CTRL

    sel = sh == SH_DATA
    data[sel], ctrl[sel] = pl_bytes[sel], False

    def codes(rows, shifts):
        if not shifts:
            return np.zeros((len(rows), 0), np.uint8)
        return np.stack([_FROM_C7[((pl[rows] >> _U64(s)) & _U64(0x7F)).astype(np.intp)] for s in shifts], axis=1)

    sel = np.flatnonzero(is_ctrl & (btype == BT_CTRL))
    ch = codes(sel, [8 + 7 * i for i in range(8)])
    ok = sel[(ch != 0xFF).all(axis=1)]
    data[ok] = ch[(ch != 0xFF).all(axis=1)]

    sel = is_ctrl & (btype == BT_START)
    data[sel] = pl_bytes[sel]
    data[sel, 0] = CH_START
    ctrl[sel, 1:] = False

    sel = is_ctrl & (btype == BT_OS) & ((pl >> _U64(32)) == 0)
    data[sel, 0] = CH_SEQ
    data[sel, 1:4] = pl_bytes[sel, 1:4]
    data[sel, 4:] = 0
    ctrl[sel, 1:] = False

    for k, bt in enumerate(BT_TERM):
        sel = np.flatnonzero(is_ctrl & (btype == bt))
        if not len(sel):
            continue
        ch = codes(sel, [_term_code_shift(k, lane) for lane in range(k + 1, 8)])
        good = (ch != 0xFF).all(axis=1)
        rows = sel[good]
        data[rows, :k] = pl_bytes[rows, 1:k + 1]
        ctrl[rows, :k] = False
        data[rows, k] = CH_TERM
        data[rows, k + 1:] = ch[good]
    return data, ctrl


def idle_cgmii(n: int) -> Cgmii:
    return Cgmii(np.full((n, 8), CH_IDLE, np.uint8), np.ones((n, 8), bool))
