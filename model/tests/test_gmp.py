# SPDX-License-Identifier: Apache-2.0
"""Stage gmp: slot rule in both forms, CRCs, JC signalling, and the Cm rule."""
import random

import numpy as np
import pytest

from physec.crc import crc5_jc, crc8_jc, crc16_oh
from physec.gmp import (ALL_MASK, D_MASK, ERROR_257B, I_MASK, GmpMapper, client_valid, jc_decode, jc_encode,
                        slot_map, slot_map_accumulator)
from physec.profile import PROFILES

P = PROFILES["100g"]


def test_slot_rule_closed_form_equals_accumulator():
    rng = random.Random(5)
    pairs = [(0, 1), (1, 1), (2555, 2555), (0, 2555), (1, 2555), (2432, 2555), (2433, 2555)]
    pairs += [(rng.randint(0, pm), pm) for pm in (rng.randint(1, 12000) for _ in range(150))]
    for cm, pm in pairs:
        a, b = slot_map(cm, pm), slot_map_accumulator(cm, pm)
        assert (a == b).all() and a.sum() == cm, (cm, pm)


def test_slots_are_spread_evenly():
    d = np.flatnonzero(slot_map(2433, 2555))
    assert np.diff(d).max() <= 2 and d[-1] == 2554


def _polymod(v, g):
    """Remainder of v modulo g over GF(2), by aligning the top bits (no shift register)."""
    while v.bit_length() >= g.bit_length():
        v ^= g << (v.bit_length() - g.bit_length())
    return v


def test_crcs_against_plain_polynomial_division():
    rng = random.Random(6)
    for _ in range(500):
        v = rng.getrandbits(16)
        assert crc8_jc(v >> 8, v & 0xFF) == _polymod(v << 8, 0x10D)
        d = rng.getrandbits(10)
        assert crc5_jc(d) == _polymod(d << 5, 0b100011)
        # Receiver property of the brief: the remainder over JC1..JC3 is zero.
        assert _polymod(v << 8 | crc8_jc(v >> 8, v & 0xFF), 0x10D) == 0
    assert crc16_oh(b"123456789") == 0x29B1          # CRC-16/CCITT-FALSE check value


@pytest.mark.parametrize("d,ii,di,mask", [(0, 0, 0, None), (1, 1, 0, I_MASK), (2, 1, 0, ALL_MASK),
                                          (-1, 0, 1, D_MASK), (-2, 0, 1, ALL_MASK), (3, 1, 1, None),
                                          (-300, 1, 1, None)])
def test_jc_signalling(d, ii, di, mask):
    prev = 2432
    jc = jc_encode(prev + d, prev, 17)
    c = jc[0] << 6 | jc[1] >> 2
    assert ((jc[1] >> 1) & 1, jc[1] & 1) == (ii, di)
    assert c == (prev ^ mask if mask else prev + d)
    r = jc_decode(jc, prev)
    assert r.cm == prev + d and r.cnd == 17 and r.crc_ok


def test_jc_every_single_bit_error_is_caught():
    for d in (0, 1, -2, 50):
        jc = bytearray(jc_encode(2400 + d, 2400, 5))
        for bit in range(24):
            bad = bytearray(jc)
            bad[bit // 8] ^= 0x80 >> (bit % 8)
            r = jc_decode(bytes(bad), 2400)
            assert r.cm is None and r.kind == "crc"
        bad = bytearray(jc)
        bad[4] ^= 1
        assert jc_decode(bytes(bad), 2400).cnd is None        # CRC-5 protects CnD


def test_jc_relative_change_needs_a_trusted_previous_cm():
    jc = jc_encode(2401, 2400, 0)                             # +1 relative to 2400
    assert jc_decode(jc, 2400).cm == 2401
    assert jc_decode(jc, 2400 ^ 0x0F0F).kind == "pattern"     # 3 of 7 I bits, 4 of 7 D bits differ
    assert jc_decode(jc, 2400, prev_known=False).kind == "stale"
    assert jc_decode(jc_encode(2401, 2401, 0), 0, prev_known=False).cm == 2401


def run(ppm, frames, edit=None, p=P):
    v = client_valid(p, frames, ppm)
    if edit:
        edit(v)
    m = GmpMapper(p)
    w = p.words_per_frame
    return [m.map_frame(v[t * w:(t + 1) * w]) for t in range(frames)], v


@pytest.mark.parametrize("ppm", [-200, 0, 200])
def test_cm_tracks_client_rate(ppm):
    fms, v = run(ppm, 60)
    cms = np.array([f.cm for f in fms])
    assert cms[0] == P.cm_init - P.fifo_target
    assert set(np.diff(cms[1:])) <= {-1, 0, 1}
    assert abs(cms[1:].mean() - P.cm_nominal * (1 + ppm * 1e-6)) < 0.05
    # The rule's claim: in steady state Cm(t) equals the blocks accepted in frame t-1.
    assert [f.cm for f in fms[2:]] == [f.accepted for f in fms[1:-1]]
    assert sum(f.underflows + f.overflows for f in fms) == 0
    assert max(f.level for f in fms) < P.fifo_target + 4


def test_pause_underflows_then_recovers():
    w = P.words_per_frame

    def pause(v):
        v[10 * w + 100:10 * w + 600] = False
    fms, _ = run(0, 16, pause)
    assert fms[10].underflows > 0 and (fms[10].slots == -1).sum() == fms[10].underflows
    assert fms[11].cm < fms[10].cm - 2                        # a large change
    assert all(f.underflows == 0 for f in fms[12:]) and abs(fms[13].level - P.fifo_target) <= 1


def test_burst_overflows_and_is_counted():
    w = P.words_per_frame

    def burst(v):
        v[5 * w:5 * w + 1500] = True
    fms, _ = run(0, 10, burst)
    assert fms[5].overflows > 0
    assert fms[5].accepted == int(burst_count(5 * w, w)) - fms[5].overflows


def burst_count(start, w):
    v = client_valid(P, 10, 0)
    v[start:start + 1500] = True
    return v[start:start + w].sum()


def test_fast_and_slow_paths_agree():
    fms, v = run(100, 6)
    m = GmpMapper(P)
    w = P.words_per_frame
    for t in range(6):
        lvl = len(m.fifo)
        fast = m.map_frame(v[t * w:(t + 1) * w])
        pop = np.zeros(w, np.int64)
        from physec.gmp import slot_start_clock
        pop[slot_start_clock(P)[slot_map(fast.cm, P.n_slots)]] = 1
        acc, got = m._slow(v[t * w:(t + 1) * w], pop, lvl)
        assert acc.sum() == fast.accepted and got.all()


def test_error_block_is_four_eblocks():
    from physec.pcs66 import EBLOCK_PL, SH_CTRL
    from physec.xcode257 import detranscode_257b
    b66, err = detranscode_257b(ERROR_257B)
    assert not err.any() and (b66.sh == SH_CTRL).all() and (b66.pl == EBLOCK_PL).all()


def test_400g_profile_needs_no_code_change():
    p = PROFILES["400g"]
    fms, _ = run(50, 6, p=p)
    assert abs(np.mean([f.cm for f in fms[1:]]) - p.cm_nominal) < 1
