# SPDX-License-Identifier: Apache-2.0
"""Stage `xcode257`: four 66b blocks <-> one 257b block (IEEE 802.3 Clause 91.5.2.5).

Same concept in every layer: ``transcode_257b`` = RTL ``physec_xcode_257b``,
``detranscode_257b`` = RTL ``physec_dexcode_257b``; testbenches ``tb/xcode_257b``
and ``tb/dexcode_257b``; vector tap ``257b``.

Bit order: a 257b block is the integer ``tx_xcoded<256:0>``, bit 0 sent first
(IEEE notation, as for 66b blocks).  In the model ``hdr`` = ``tx_xcoded<0>`` and
``body[:, w]`` = ``tx_xcoded<64w+64 : 64w+1>`` as uint64.

Layout (spec 3.3).  All four blocks data: hdr = 1, body = the four payloads in
order.  Otherwise hdr = 0, body bits 3..0 = flags (bit j = 1 when block j is data),
then the payloads in order starting at body bit 4, except that the first control
block f keeps only the low nibble of its block type (tx_coded<5:2>) and drops the
high one (tx_coded<9:6>): 4 + 60 + 3 x 64 = 256.

Invalid input (spec 3.4):
- transmit: a block whose sync header is not 01/10, or a control block whose type
  is not one of the eleven Clause 82 types, is replaced by EBLOCK_R first;
- receive: hdr = 0 with all four flags = data, or a kept nibble that names no
  Clause 82 type, turns the whole group into four EBLOCK_R and sets ``err``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .pcs66 import EBLOCK_PL, IDLE_PL, SH_CTRL, SH_DATA, VALID_TYPES, Blocks66

_U64 = np.uint64

# Kept nibble (low nibble of the type) -> full block type; 0 marks an invalid nibble.
# The eleven Clause 82 types have distinct low nibbles, which is why one nibble suffices.
NIBBLE_TO_TYPE = np.zeros(16, np.uint64)
for _t in VALID_TYPES:
    NIBBLE_TO_TYPE[_t & 0xF] = _t
assert np.count_nonzero(NIBBLE_TO_TYPE) == len(VALID_TYPES)


class Blocks257(NamedTuple):
    """A stream of 257b blocks: ``hdr`` uint8 (N,), ``body`` uint64 (N, 4)."""

    hdr: np.ndarray
    body: np.ndarray

    def __len__(self) -> int:
        return len(self.hdr)

    def to_ints(self) -> list[int]:
        """Each block as the integer tx_xcoded<256:0>."""
        out = []
        for h, row in zip(self.hdr, self.body):
            v = int(row[0]) | int(row[1]) << 64 | int(row[2]) << 128 | int(row[3]) << 192
            out.append(int(h) | v << 1)
        return out

    @classmethod
    def from_ints(cls, values) -> "Blocks257":
        vals = [int(v) for v in values]
        for v in vals:
            if not 0 <= v < (1 << 257):
                raise ValueError(f"257b block value {v:#x} does not fit in 257 bits")
        m = (1 << 64) - 1
        body = np.array([[(v >> (1 + 64 * w)) & m for w in range(4)] for v in vals], dtype=_U64).reshape(-1, 4)
        return cls(np.array([v & 1 for v in vals], dtype=np.uint8), body)


def sanitize_66b(sh: np.ndarray, pl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transmit rule: invalid sync header or unknown control type -> EBLOCK_R."""
    ok = (sh == SH_DATA) | ((sh == SH_CTRL) & np.isin(pl & _U64(0xFF), np.array(VALID_TYPES, _U64)))
    return np.where(ok, sh, SH_CTRL).astype(np.uint8), np.where(ok, pl, _U64(EBLOCK_PL))


def transcode_257b(b66: Blocks66) -> Blocks257:
    """Transcode a 66b stream (length a multiple of 4) to 257b blocks, vectorised."""
    if len(b66) % 4:
        raise ValueError(f"transcode_257b needs a multiple of 4 blocks, got {len(b66)}")
    n = len(b66) // 4
    sh, pl = np.ascontiguousarray(b66.sh, np.uint8).reshape(n, 4), np.asarray(b66.pl, _U64).reshape(n, 4)
    # All-data groups (most of a loaded link) are the four payloads as they are; groups
    # of four idle blocks (the gaps) one constant; the rest block type by block type.
    all_data = sh.view("<u4").reshape(n) == SH_DATA * 0x01010101
    idle = _idle_groups(sh, pl)
    body = pl.copy()
    body[idle] = _IDLE_BODY
    rows = np.flatnonzero(~all_data & ~idle)
    body[rows] = _transcode_rows(sh[rows], pl[rows])
    return Blocks257(all_data.astype(np.uint8), body)


def _idle_groups(sh: np.ndarray, pl: np.ndarray) -> np.ndarray:
    """Groups (n, 4) of four idle control blocks."""
    n = len(sh)
    return (sh.view("<u4").reshape(n) == SH_CTRL * 0x01010101) & \
        (np.ascontiguousarray(pl == _U64(IDLE_PL)).view("<u4").reshape(n) == 0x01010101)


def _transcode_rows(sh: np.ndarray, pl: np.ndarray) -> np.ndarray:
    """Bodies of groups (n, 4) that hold a control block (or are invalid)."""
    sh, pl = sanitize_66b(sh, pl)
    is_data = sh == SH_DATA                              # after sanitising, never all data
    f = np.argmin(is_data, axis=1)                       # first control block
    w = np.arange(4)
    at_f = w[None, :] == f[:, None]
    chunk = np.where(at_f, (pl & _U64(0xF)) | ((pl >> _U64(8)) << _U64(4)), pl)
    # Chunks 0..f sit 4 bits up (after the flags); chunks after f are word aligned
    # again because chunk f is 60 bits long.
    up = w[None, :] <= f[:, None]
    body = np.where(up, chunk << _U64(4), chunk)
    carry = chunk >> _U64(60)
    body[:, 1:] |= np.where(w[None, :3] < f[:, None], carry[:, :3], _U64(0))
    flags = (is_data.astype(np.uint64) << w.astype(np.uint64)).sum(axis=1, dtype=np.uint64)
    body[:, 0] |= flags
    return body


def detranscode_257b(b257: Blocks257) -> tuple[Blocks66, np.ndarray]:
    """Inverse of :func:`transcode_257b`.  Returns the 66b stream and ``err`` (bool per
    257b block) marking groups that could not be decoded and became four EBLOCK_R."""
    hdr = np.asarray(b257.hdr, np.uint8)
    body = np.asarray(b257.body, _U64).reshape(-1, 4)
    # hdr = 1: the four payloads as they are; four idle or error blocks; the rest group by group
    # (only groups with hdr != 1 are looked at, found in one pass).
    pl = body.copy()
    sh = np.full(pl.shape, SH_DATA, np.uint8)
    rows = np.flatnonzero(hdr != 1)
    h0, b0 = hdr[rows] == 0, body[rows]
    for const, pl66 in ((_IDLE_BODY, IDLE_PL), (_ERROR_BODY, EBLOCK_PL)):     # four idle / error blocks
        hit = h0 & (b0 == const).all(axis=1)
        sh[rows[hit]], pl[rows[hit]] = SH_CTRL, _U64(pl66)
        rows, h0, b0 = rows[~hit], h0[~hit], b0[~hit]
    sh[rows], pl[rows], err_rows = _detranscode_rows(hdr[rows], body[rows])
    err = np.zeros(len(hdr), bool)
    err[rows] = err_rows
    return Blocks66(sh.reshape(-1), pl.reshape(-1)), err


def _detranscode_rows(hdr: np.ndarray, body: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sh, pl, err) of groups with hdr = 0 (flags, then payloads)."""
    n = len(hdr)
    w = np.arange(4)
    flags = (body[:, 0] & _U64(0xF)).astype(np.intp)
    is_data = ((flags[:, None] >> w[None, :]) & 1).astype(bool)
    f = np.argmin(is_data, axis=1)

    nxt = np.zeros_like(body)
    nxt[:, :3] = body[:, 1:]
    chunk = np.where(w[None, :] < f[:, None], (body >> _U64(4)) | (nxt << _U64(60)),
                     np.where(w[None, :] == f[:, None], body >> _U64(4), body))
    cf = chunk[np.arange(n), f]
    btype = NIBBLE_TO_TYPE[(cf & _U64(0xF)).astype(np.intp)]
    chunk[np.arange(n), f] = btype | ((cf >> _U64(4)) << _U64(8))

    err = (flags == 0xF) | (btype == 0)
    sh = np.where(is_data, SH_DATA, SH_CTRL).astype(np.uint8)
    pl = chunk
    sh[err], pl[err] = SH_CTRL, _U64(EBLOCK_PL)
    return sh, pl, err


# The bodies of a group of four idle and of four error blocks, from the general rule.
_IDLE_BODY = _transcode_rows(np.full((1, 4), SH_CTRL, np.uint8), np.full((1, 4), IDLE_PL, _U64))[0]
_ERROR_BODY = _transcode_rows(np.full((1, 4), SH_CTRL, np.uint8), np.full((1, 4), EBLOCK_PL, _U64))[0]
