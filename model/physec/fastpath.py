# SPDX-License-Identifier: Apache-2.0
"""Fused PCS paths: CGMII -> 257b and 257b -> CGMII without the full-size 66b arrays.

Both stages are per transfer (64b/66b) and per group of four transfers (256b/257b), so
a group's 257b block depends on its 32 CGMII characters alone: one compiled kernel
per direction walks the groups, codes each transfer as ``encode_66b`` / ``decode_66b``
do and packs or unpacks the group as ``transcode_257b`` / ``detranscode_257b`` do.
An all-data group (most of a loaded link) is a 257b block with hdr = 1 whose body is
the 32 characters as four little-endian words.  The staged functions stay the
definition and are the test oracle (tests/test_fastpath.py, tests/test_kernels_pcs.py).
"""
from __future__ import annotations

import numpy as np

from .jit import kernel
from .pcs66 import (ALL_LANES, BT_CTRL, BT_OS, BT_START, BT_TERM, CH_ERROR, CH_IDLE, CH_SEQ, CH_START,
                    CH_TERM, EBLOCK_PL, IDLE_PL, Cgmii, _FROM_C7, _TO_C7)
from .xcode257 import NIBBLE_TO_TYPE, Blocks257

_U64 = np.uint64
_BT_TERM = np.array(BT_TERM, _U64)
# uint64 constants of the kernels (numba would mix a plain int with a uint64 into a float).
_ONES_WORD = _U64(ALL_LANES)                           # eight control flags as a word
_IDLE_WORD = _U64(ALL_LANES * CH_IDLE)                 # eight idle characters as a word
_ERROR_WORD = _U64(ALL_LANES * CH_ERROR)
_IDLE_PL, _EBLOCK_PL = _U64(IDLE_PL), _U64(EBLOCK_PL)
_K_CTRL, _K_START, _K_OS = _U64(BT_CTRL), _U64(BT_START), _U64(BT_OS)
_C_START, _C_SEQ, _C_TERM = _U64(CH_START), _U64(CH_SEQ), _U64(CH_TERM)
_U0, _U1, _U4, _U8, _U32, _U60 = (_U64(v) for v in (0, 1, 4, 8, 32, 60))
_LOW4, _LOW7, _LOW8, _LOW32 = _U64(0xF), _U64(0x7F), _U64(0xFF), _U64(0xFFFFFFFF)


@kernel
def _encode_groups(words, cwords, to_c7, bt_term, hdr, body, same):
    """hdr/body of each group of four transfers (words: data, cwords: control flags,
    eight lanes per uint64).  ``same``: ``body`` is ``words`` (a group is read whole
    before it is written; all-data groups are left as they are)."""
    pl = np.empty(4, np.uint64)
    for g in range(words.shape[0]):
        if (cwords[g, 0] | cwords[g, 1] | cwords[g, 2] | cwords[g, 3]) == _U0:
            hdr[g] = 1
            if not same:
                for j in range(4):
                    body[g, j] = words[g, j]
            continue
        flags, f = _U0, 4                                   # data blocks; first control block
        for j in range(4):
            w, c = words[g, j], cwords[g, j]
            if c == _U0:
                pl[j] = w
                flags |= _U1 << _U64(j)
                continue
            f = min(f, j)
            if c == _ONES_WORD and w == _IDLE_WORD:
                pl[j] = _IDLE_PL
                continue
            p = _EBLOCK_PL                                  # no 100GBASE-R format
            b0 = w & _LOW8
            if c == _U1 and b0 == _C_START:
                p = (w & ~_LOW8) | _K_START
            elif c == _U1 and b0 == _C_SEQ and (w >> _U32) == _U0:
                p = (w & _LOW32 & ~_LOW8) | _K_OS
            else:
                k = 0                                       # first control lane
                while (c >> _U64(8 * k)) & _LOW8 == _U0:
                    k += 1
                codes, ok = _U0, True                       # lanes after k: valid control codes
                for lane in range(k + 1, 8):
                    code = to_c7[(w >> _U64(8 * lane)) & _LOW8]
                    if (c >> _U64(8 * lane)) & _LOW8 == _U0 or code == 0xFF:
                        ok = False
                        break
                    codes |= _U64(code) << _U64(8 + 8 * k + (7 - k) + 7 * (lane - k - 1))
                code0 = to_c7[b0]
                if ok and k == 0 and code0 != 0xFF:
                    p = _K_CTRL | (_U64(code0) << _U8) | codes
                elif ok and (w >> _U64(8 * k)) & _LOW8 == _C_TERM:
                    p = ((w & ((_U1 << _U64(8 * k)) - _U1)) << _U8) | codes | bt_term[k]
            pl[j] = p
        # 257b: flags, then the payloads, the first control block (f) without the high
        # nibble of its type; chunks up to f sit 4 bits up, the rest word aligned.
        hdr[g] = 0
        pl[f] = (pl[f] & _LOW4) | ((pl[f] >> _U8) << _U4)
        for j in range(4):
            v = pl[j] << _U4 if j <= f else pl[j]
            if 0 < j <= f:
                v |= pl[j - 1] >> _U60
            body[g, j] = v
        body[g, 0] |= flags


@kernel
def _decode_groups(hdr, body, from_c7, nib_to_type, bt_term, words, cwords, err):
    """Inverse of _encode_groups: data and control words of each group's four transfers,
    and ``err`` for groups that become four EBLOCK_R (error characters)."""
    ch = np.empty(4, np.uint64)
    for g in range(hdr.shape[0]):
        err[g] = False
        if hdr[g] == 1:
            for j in range(4):
                words[g, j], cwords[g, j] = body[g, j], _U0
            continue
        flags = body[g, 0] & _LOW4
        f = 0
        while f < 4 and (flags >> _U64(f)) & _U1 == _U1:
            f += 1
        bt = _U0
        if f < 4:
            for j in range(4):
                if j < f:
                    ch[j] = (body[g, j] >> _U4) | (body[g, j + 1] << _U60)
                elif j == f:
                    ch[j] = body[g, j] >> _U4
                else:
                    ch[j] = body[g, j]
            bt = nib_to_type[ch[f] & _LOW4]
            ch[f] = bt | ((ch[f] >> _U4) << _U8)
        if bt == _U0:                                       # all flags data, or no such type
            err[g] = True
            for j in range(4):
                words[g, j], cwords[g, j] = _ERROR_WORD, _ONES_WORD
            continue
        for j in range(4):
            p = ch[j]
            if (flags >> _U64(j)) & _U1 == _U1:
                words[g, j], cwords[g, j] = p, _U0
                continue
            w, c = _ERROR_WORD, _ONES_WORD                  # invalid: eight /E/
            t = p & _LOW8
            if p == _IDLE_PL:
                w = _IDLE_WORD
            elif t == _K_CTRL:
                v, ok = _U0, True
                for lane in range(8):
                    x = from_c7[(p >> _U64(8 + 7 * lane)) & _LOW7]
                    ok = ok and x != 0xFF
                    v |= _U64(x) << _U64(8 * lane)
                if ok:
                    w = v
            elif t == _K_START:
                w, c = (p & ~_LOW8) | _C_START, _U1
            elif t == _K_OS:
                if (p >> _U32) == _U0:
                    w, c = (p & ~_LOW8) | _C_SEQ, _U1
            else:
                for k in range(8):
                    if t == bt_term[k]:
                        v, ok = (p >> _U8) & ((_U1 << _U64(8 * k)) - _U1), True
                        v |= _C_TERM << _U64(8 * k)
                        for lane in range(k + 1, 8):
                            x = from_c7[(p >> _U64(8 + 8 * k + (7 - k) + 7 * (lane - k - 1))) & _LOW7]
                            ok = ok and x != 0xFF
                            v |= _U64(x) << _U64(8 * lane)
                        if ok:
                            w, c = v, _ONES_WORD << _U64(8 * k)
            words[g, j], cwords[g, j] = w, c


def cgmii_to_257b(cg: Cgmii, inplace: bool = False) -> Blocks257:
    """``transcode_257b(encode_66b(cg))`` (a whole number of groups).  ``inplace``: the
    body may be a view of ``cg.data`` (which it then overwrites), saving a copy."""
    data = np.ascontiguousarray(cg.data, np.uint8).reshape(-1, 8)
    ctrl = np.ascontiguousarray(cg.ctrl, bool).reshape(-1, 8)
    if len(data) % 4 or data.shape != ctrl.shape:
        raise ValueError(f"cgmii_to_257b needs data and ctrl of the same multiple of 4 transfers, "
                         f"got {data.shape} and {ctrl.shape}")
    n = len(data) // 4
    words = data.view("<u8").reshape(n, 4).astype(_U64, copy=False)    # a view on little-endian hosts
    same = inplace and data.flags.writeable
    body = words if same else np.empty((n, 4), _U64)
    hdr = np.empty(n, np.uint8)
    _encode_groups(words, ctrl.view("<u8").reshape(n, 4).astype(_U64, copy=False), _TO_C7, _BT_TERM, hdr, body,
                   same)
    return Blocks257(hdr, body)


def b257_to_cgmii(b257: Blocks257) -> tuple[Cgmii, np.ndarray]:
    """``decode_66b`` of ``detranscode_257b(b257)``, and its ``err`` per 257b block."""
    hdr = np.ascontiguousarray(b257.hdr, np.uint8).reshape(-1)
    body = np.ascontiguousarray(b257.body, _U64).reshape(-1, 4)
    n = len(hdr)
    if body.shape != (n, 4):
        raise ValueError(f"b257_to_cgmii: {n} headers but body of shape {body.shape}")
    words, cwords = np.empty((n, 4), _U64), np.empty((n, 4), _U64)
    err = np.empty(n, bool)
    _decode_groups(hdr, body, _FROM_C7, NIBBLE_TO_TYPE, _BT_TERM, words, cwords, err)
    words, cwords = words.astype("<u8", copy=False), cwords.astype("<u8", copy=False)
    return Cgmii(words.view(np.uint8).reshape(n * 4, 8), cwords.view(bool).reshape(n * 4, 8)), err
