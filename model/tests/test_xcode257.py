# SPDX-License-Identifier: Apache-2.0
"""Stage xcode257: the vectorised transcoder vs the plain per-block oracle, and the invalid classes."""
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import EBLOCK, detranscode_257b_one, transcode_257b_one

from physec.pcs66 import VALID_TYPES, Blocks66
from physec.xcode257 import Blocks257, detranscode_257b, transcode_257b


def rand66(rng, p_invalid=0.1):
    r = rng.random()
    if r < 0.45:
        return 0b10 | rng.getrandbits(64) << 2
    if r < 1 - p_invalid:
        return 0b01 | (rng.choice(VALID_TYPES) | rng.getrandbits(56) << 8) << 2
    if r < 1 - p_invalid / 2:
        return rng.choice([0, 3]) | rng.getrandbits(64) << 2          # invalid sync header
    return 0b01 | rng.getrandbits(64) << 2                              # mostly unknown types


def test_transcode_matches_oracle():
    rng = random.Random(11)
    blocks = [rand66(rng) for _ in range(4 * 20000)]
    got = transcode_257b(Blocks66.from_ints(blocks)).to_ints()
    assert got == [transcode_257b_one(blocks[i:i + 4]) for i in range(0, len(blocks), 4)]


def test_detranscode_matches_oracle_on_random_257b():
    rng = random.Random(12)
    vals = [rng.getrandbits(257) for _ in range(20000)]
    b66, err = detranscode_257b(Blocks257.from_ints(vals))
    exp = [detranscode_257b_one(v) for v in vals]
    assert b66.to_ints() == [b for e in exp for b in e[0]]
    assert list(err) == [e[1] for e in exp]
    assert 0.05 < err.mean() < 0.5


valid66 = st.one_of(
    st.integers(0, (1 << 64) - 1).map(lambda p: 0b10 | p << 2),
    st.tuples(st.sampled_from(VALID_TYPES), st.integers(0, (1 << 56) - 1)).map(lambda t: 0b01 | (t[0] | t[1] << 8) << 2))


@given(st.lists(valid66, min_size=4, max_size=64).map(lambda l: l[:len(l) // 4 * 4]))
def test_roundtrip_identity_for_valid_blocks(blocks):
    b257 = transcode_257b(Blocks66.from_ints(blocks))
    back, err = detranscode_257b(b257)
    assert back.to_ints() == blocks and not err.any()


@pytest.mark.parametrize("first", range(4))
def test_first_control_position(first):
    """Flags and nibble land where Clause 91.5.2.5 puts them for each first-control position."""
    blocks = [0b10 | (0x1111111111111111 * (j + 1)) << 2 for j in range(4)]
    blocks[first] = 0b01 | (0xCC | 0xABCDEF0123456 << 8) << 2
    v = transcode_257b(Blocks66.from_ints(blocks)).to_ints()[0]
    assert v & 1 == 0
    assert (v >> 1) & 0xF == 0xF & ~(1 << first)
    pos = 5 + 64 * first
    assert (v >> pos) & 0xF == 0xC                                     # kept nibble tx_coded<5:2>
    assert (v >> (pos + 4)) & ((1 << 56) - 1) == 0xABCDEF0123456       # rest of the block, nibble 2 dropped


def err_classes():
    """One 257b value per receive error class: (name, value)."""
    rng = random.Random(3)
    good = transcode_257b_one([0b01 | 0x1E << 2, *(0b10 | rng.getrandbits(64) << 2 for _ in range(3))])
    out = [("all flags data with header 0", (rng.getrandbits(252) << 5) | 0b11110)]
    for nib in range(16):
        if nib not in {t & 0xF for t in VALID_TYPES}:
            out.append((f"invalid nibble {nib:x}", (good & ~(0xF << 5)) | nib << 5))
    return out


@pytest.mark.parametrize("name,value", err_classes())
def test_invalid_257b_classes_become_error_blocks(name, value):
    b66, err = detranscode_257b(Blocks257.from_ints([value]))
    assert err.tolist() == [True], name
    assert b66.to_ints() == [EBLOCK] * 4


def test_transmit_invalid_input_becomes_error_blocks():
    """Invalid sync headers and unknown control types never pass as data or valid control."""
    d = 0b10 | 0x0123456789ABCDEF << 2
    for bad in (0 | 5 << 2, 3 | 5 << 2, 0b01 | 0x00 << 2, 0b01 | 0x2D << 2):
        back, err = detranscode_257b(transcode_257b(Blocks66.from_ints([d, bad, d, d])))
        assert back.to_ints() == [d, EBLOCK, d, d] and not err.any()


def test_length_must_be_multiple_of_four():
    with pytest.raises(ValueError, match="multiple of 4"):
        transcode_257b(Blocks66(np.zeros(3, np.uint8), np.zeros(3, np.uint64)))
