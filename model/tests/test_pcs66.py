# SPDX-License-Identifier: Apache-2.0
"""Stage pcs66: vectorised encoder/decoder vs the per-transfer oracle and the standard's formats."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import encode_66b_one

from physec.pcs66 import (BT_TERM, CH_ERROR, CH_IDLE, CH_SEQ, CH_START, CH_TERM, EBLOCK_PL, SH_CTRL, SH_DATA,
                          Blocks66, Cgmii, decode_66b, encode_66b)

CTRL_CHARS = [CH_IDLE, CH_ERROR]


def transfers(rng, n):
    """Random CGMII transfers covering every block format and many invalid ones."""
    data = rng.integers(0, 256, (n, 8), dtype=np.uint8)
    ctrl = np.zeros((n, 8), bool)
    kind = rng.integers(0, 7, n)
    for i in range(n):
        if kind[i] == 1:                              # all control
            ctrl[i] = True
            data[i] = rng.choice(CTRL_CHARS, 8)
        elif kind[i] == 2:                            # start
            ctrl[i, 0], data[i, 0] = True, CH_START
        elif kind[i] == 3:                            # terminate after k data bytes
            k = rng.integers(0, 8)
            ctrl[i, k:] = True
            data[i, k] = CH_TERM
            data[i, k + 1:] = rng.choice(CTRL_CHARS, 7 - k)
        elif kind[i] == 4:                            # ordered set
            ctrl[i, 0], data[i, 0] = True, CH_SEQ
            data[i, 4:] = 0
        elif kind[i] == 5:                            # garbage control mix
            ctrl[i] = rng.integers(0, 2, 8).astype(bool)
    return Cgmii(data, ctrl)


def test_encode_matches_oracle():
    cg = transfers(np.random.default_rng(7), 20000)
    got = encode_66b(cg).to_ints()
    exp = [encode_66b_one(list(d), list(c)) for d, c in zip(cg.data, cg.ctrl)]
    assert got == exp


def test_decode_inverts_encode_for_valid_transfers():
    cg = transfers(np.random.default_rng(8), 20000)
    b = encode_66b(cg)
    back = decode_66b(b)
    valid = b.pl != EBLOCK_PL                         # transfers that had a block format
    assert valid.mean() > 0.7
    assert (back.data[valid] == cg.data[valid]).all() and (back.ctrl[valid] == cg.ctrl[valid]).all()
    assert (back.data[~valid] == CH_ERROR).all() and back.ctrl[~valid].all()


@pytest.mark.parametrize("k", range(8))
def test_terminate_layout(k):
    """Terminate block with k data bytes: type, D0..Dk-1, 7-k zero pad bits, then 7-bit codes."""
    data = [0x10 + i for i in range(k)] + [CH_TERM] + [CH_IDLE] * (7 - k)
    b = encode_66b(Cgmii(np.array([data], np.uint8), np.array([[False] * k + [True] * (8 - k)])))
    assert b.sh[0] == SH_CTRL
    pl = int(b.pl[0])
    assert pl & 0xFF == BT_TERM[k]
    assert [(pl >> (8 + 8 * i)) & 0xFF for i in range(k)] == data[:k]
    assert pl >> (8 + 8 * k) == 0                     # pad and idle codes are all zero


def test_data_block_and_start_layout():
    cg = Cgmii(np.array([[1, 2, 3, 4, 5, 6, 7, 8], [CH_START, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xD5]], np.uint8),
               np.array([[False] * 8, [True] + [False] * 7]))
    b = encode_66b(cg)
    assert list(b.sh) == [SH_DATA, SH_CTRL]
    assert int(b.pl[0]) == 0x0807060504030201
    assert int(b.pl[1]) == 0xD555555555555578


@given(st.lists(st.integers(0, (1 << 66) - 1), min_size=1, max_size=50))
def test_decode_never_yields_unknown_characters(vals):
    """Any 66b input decodes to data or to the control characters the encoder knows."""
    cg = decode_66b(Blocks66.from_ints(vals))
    assert np.isin(cg.data[cg.ctrl], [CH_IDLE, CH_ERROR, CH_START, CH_TERM, CH_SEQ]).all()
    invalid_sh = np.array([v & 3 for v in vals]) % 3 == 0
    assert (cg.data[invalid_sh] == CH_ERROR).all() and cg.ctrl[invalid_sh].all()
