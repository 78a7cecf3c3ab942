# SPDX-License-Identifier: Apache-2.0
"""Fused PCS paths: CGMII -> 257b and 257b -> CGMII without the full-size 66b arrays.

Both stages are per transfer (64b/66b) and per group of four transfers (256b/257b), so
a group's 257b block depends on its 32 CGMII characters alone.  A group of 32 data
characters is a 257b block with hdr = 1 whose body is those characters as they are
(four little-endian words: 66b data payloads are the eight bytes as a word, and
all-data groups carry the four payloads unchanged).  Only the few groups holding a
control character (frame starts and ends, gaps) go through the staged functions
``encode_66b`` + ``transcode_257b`` (and ``detranscode_257b`` + ``decode_66b`` on
receive), which stay the definition and are the test oracle (tests/test_fastpath.py).
"""
from __future__ import annotations

import numpy as np

from .pcs66 import ALL_LANES, CH_IDLE, Cgmii, decode_66b, encode_66b, idle_cgmii
from .xcode257 import Blocks257, detranscode_257b, transcode_257b

_U64 = np.uint64
_IDLE_WORD = _U64(ALL_LANES * CH_IDLE)                 # eight idle characters as a word
_ONES_WORD = _U64(ALL_LANES)                           # eight control flags as a word
# A group of 32 idle characters as a 257b block, from the staged definition.
_IDLE_257 = transcode_257b(encode_66b(idle_cgmii(4)))
assert _IDLE_257.hdr[0] == 0
_IDLE_ITEM = np.ascontiguousarray(_IDLE_257.body[0], _U64).view("V32")[0]


def _items(a: np.ndarray, n: int) -> np.ndarray:
    """A C-contiguous array of n groups as n 32-byte items: row selection is one memcpy."""
    return a.reshape(-1).view("V32").reshape(n)


def cgmii_to_257b(cg: Cgmii, inplace: bool = False) -> Blocks257:
    """``transcode_257b(encode_66b(cg))`` (a whole number of groups).  ``inplace``: the
    body may be a view of ``cg.data`` (which it then overwrites), saving a copy."""
    data = np.ascontiguousarray(cg.data, np.uint8).reshape(-1, 8)
    ctrl = np.ascontiguousarray(cg.ctrl, bool).reshape(-1, 8)
    if len(data) % 4 or data.shape != ctrl.shape:
        raise ValueError(f"cgmii_to_257b needs data and ctrl of the same multiple of 4 transfers, "
                         f"got {data.shape} and {ctrl.shape}")
    n = len(data) // 4
    if not (inplace and data.flags.writeable):
        data = data.copy()
    cw = ctrl.view("<u8").reshape(n, 4)
    rows = np.flatnonzero((cw[:, 0] | cw[:, 1]) | (cw[:, 2] | cw[:, 3]))    # groups with control
    ci, di = _items(ctrl, n)[rows], _items(data, n)[rows]
    off = (ci.view("<u8").reshape(-1, 4) ^ _ONES_WORD) | (di.view("<u8").reshape(-1, 4) ^ _IDLE_WORD)
    idle = ((off[:, 0] | off[:, 1]) | (off[:, 2] | off[:, 3])) == 0
    rest = np.flatnonzero(~idle)
    # Starts, ends and odd transfers: the staged code on their groups only.
    sub = transcode_257b(encode_66b(Cgmii(di[rest].view(np.uint8).reshape(-1, 8),
                                          ci[rest].view(bool).reshape(-1, 8))))
    words = data.view("<u8").reshape(n, 4)
    body = words if words.dtype == _U64 else words.astype(_U64)    # big-endian hosts: native words
    hdr = np.ones(n, np.uint8)
    hdr[rows] = _IDLE_257.hdr[0]
    _items(body, n)[rows[idle]] = _IDLE_ITEM
    rest = rows[rest]
    hdr[rest], body[rest] = sub.hdr, sub.body
    return Blocks257(hdr, body)


def b257_to_cgmii(b257: Blocks257) -> tuple[Cgmii, np.ndarray]:
    """``decode_66b`` of ``detranscode_257b(b257)``, and its ``err`` per 257b block."""
    hdr = np.asarray(b257.hdr, np.uint8).reshape(-1)
    body = np.asarray(b257.body, _U64).reshape(-1, 4)
    n = len(hdr)
    if body.shape != (n, 4):
        raise ValueError(f"b257_to_cgmii: {n} headers but body of shape {body.shape}")
    words = body.astype("<u8")
    cw = np.zeros((n, 4), "<u8")
    err = np.zeros(n, bool)
    rows = np.flatnonzero(hdr != 1)
    idle = (hdr[rows] == _IDLE_257.hdr[0]) & (body[rows] == _IDLE_257.body[0]).all(axis=1)
    words[rows[idle]], cw[rows[idle]] = _IDLE_WORD, _ONES_WORD
    rest = rows[~idle]
    b66, err[rest] = detranscode_257b(Blocks257(hdr[rest], body[rest]))
    cg = decode_66b(b66)
    _items(words, n)[rest] = _items(np.ascontiguousarray(cg.data), len(rest))
    _items(cw, n)[rest] = _items(np.ascontiguousarray(cg.ctrl), len(rest))
    return Cgmii(words.view(np.uint8).reshape(n * 4, 8), cw.view(bool).reshape(n * 4, 8)), err
