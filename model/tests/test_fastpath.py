# SPDX-License-Identifier: Apache-2.0
"""The fused PCS paths (physec.fastpath) against the staged functions, their definition:
CGMII -> 257b against encode_66b + transcode_257b, 257b -> CGMII against
detranscode_257b + decode_66b, and the fused chain helpers against pcs_tx / pcs_rx, on
default, bulk, random and impaired traffic."""
import numpy as np
import pytest

from arrays import same_257, same_cgmii
from physec.fastpath import b257_to_cgmii, cgmii_to_257b
from physec.mac import mac_encode
from physec.pcs import PcsRxStream, pcs_rx, pcs_rx_frames, pcs_tx, pcs_tx_257b, pcs_tx_stream
from physec.pcs66 import CH_ERROR, CH_IDLE, CH_SEQ, CH_START, CH_TERM, Cgmii, decode_66b, encode_66b
from physec.traffic import make_traffic
from physec.xcode257 import Blocks257, detranscode_257b, transcode_257b

CONTROL_CHARS = np.array([CH_IDLE, CH_START, CH_TERM, CH_ERROR, CH_SEQ, 0x00, 0x55, 0x1C], np.uint8)


def staged_tx(cg: Cgmii) -> Blocks257:
    return transcode_257b(encode_66b(cg))


def staged_rx(b: Blocks257) -> tuple[Cgmii, np.ndarray]:
    b66, err = detranscode_257b(b)
    return decode_66b(b66), err


def traffic_cgmii(profile: str, n: int, seed: int, lead: int = 3) -> Cgmii:
    tr = make_traffic(profile, n, seed)
    return mac_encode(tr.frames, tr.gaps, lead_idle=32 * lead)[0]


def impair_cgmii(cg: Cgmii, rng, n_hits: int) -> Cgmii:
    """Random characters replaced by control or data characters, flags flipped."""
    d, c = cg.data.copy().reshape(-1), cg.ctrl.copy().reshape(-1)
    at = rng.integers(0, len(d), n_hits)
    kind = rng.integers(0, 3, n_hits)
    d[at[kind == 0]], c[at[kind == 0]] = rng.choice(CONTROL_CHARS, int((kind == 0).sum())), True
    d[at[kind == 1]], c[at[kind == 1]] = rng.integers(0, 256, int((kind == 1).sum())), False
    c[at[kind == 2]] ^= True
    return Cgmii(d.reshape(-1, 8), c.reshape(-1, 8))


def random_cgmii(rng, n_groups: int) -> Cgmii:
    """Groups of random shape: all data, all idle, idle/data mixes, random control."""
    m = 4 * n_groups
    d = rng.integers(0, 256, (m, 8), dtype=np.uint8)
    c = rng.random((m, 8)) < rng.choice([0.0, 0.05, 0.5, 1.0], (m, 1))
    d[c] = rng.choice(CONTROL_CHARS, int(c.sum()))
    idle_rows = rng.random(m) < 0.3
    d[idle_rows], c[idle_rows] = CH_IDLE, True
    return Cgmii(d, c)


def cgmii_cases():
    rng = np.random.default_rng(6)
    yield "default", traffic_cgmii("default", 300, 1)
    yield "bulk", traffic_cgmii("bulk", 200, 2)
    yield "no lead", traffic_cgmii("default", 50, 3, lead=0)
    yield "random", random_cgmii(rng, 3000)
    yield "impaired default", impair_cgmii(traffic_cgmii("default", 300, 4), rng, 500)
    yield "impaired bulk", impair_cgmii(traffic_cgmii("bulk", 100, 5), rng, 2000)
    yield "all idle", Cgmii(np.full((40, 8), CH_IDLE, np.uint8), np.ones((40, 8), bool))
    yield "all data", Cgmii(rng.integers(0, 256, (40, 8), dtype=np.uint8), np.zeros((40, 8), bool))
    yield "empty", Cgmii(np.zeros((0, 8), np.uint8), np.zeros((0, 8), bool))


CGMII_CASES = list(cgmii_cases())


@pytest.mark.parametrize("name,cg", CGMII_CASES, ids=[n for n, _ in CGMII_CASES])
def test_cgmii_to_257b_equals_staged(name, cg):
    ref = staged_tx(cg)
    before = (cg.data.copy(), cg.ctrl.copy())
    same_257(cgmii_to_257b(cg), ref)
    same_cgmii(cg, Cgmii(*before))                       # the input is left alone by default
    same_257(cgmii_to_257b(Cgmii(cg.data.copy(), cg.ctrl.copy()), inplace=True), ref)


def b257_cases():
    rng = np.random.default_rng(7)
    for name, cg in CGMII_CASES:
        if name in ("default", "bulk", "impaired default", "random", "empty"):
            yield "257b of " + name, staged_tx(cg)
    b = staged_tx(traffic_cgmii("default", 300, 8))
    body = b.body.copy()
    rows = rng.integers(0, len(body), 400)
    body[rows, rng.integers(0, 4, 400)] ^= np.uint64(1) << rng.integers(0, 64, 400).astype(np.uint64)
    hdr = b.hdr.copy()
    hdr[rng.integers(0, len(hdr), 100)] ^= 1
    yield "bit flips", Blocks257(hdr, body)
    n = 4000                                              # random headers and bodies, some odd header values
    yield "random 257b", Blocks257(rng.choice(np.array([0, 0, 1, 1, 1, 2], np.uint8), n),
                              rng.integers(0, 2 ** 64, (n, 4), dtype=np.uint64))


B257_CASES = list(b257_cases())


@pytest.mark.parametrize("name,b", B257_CASES, ids=[n for n, _ in B257_CASES])
def test_b257_to_cgmii_equals_staged(name, b):
    ref, ref_err = staged_rx(b)
    cg, err = b257_to_cgmii(b)
    same_cgmii(cg, ref)
    np.testing.assert_array_equal(err, ref_err)
    if name in ("bit flips", "random 257b"):
        assert err.any() and not err.all()                # the undecodable groups are exercised


def test_fused_round_trip_and_chain_helpers():
    for profile, n, seed in (("default", 400, 11), ("bulk", 150, 12)):
        tr = make_traffic(profile, n, seed)
        tx = pcs_tx(tr, lead_blocks=5)
        b = pcs_tx_257b(tr, lead_blocks=5)
        same_257(b, tx.b257)
        same_cgmii(b257_to_cgmii(b)[0], tx.cgmii)        # round trip to the MAC's characters
        rx = pcs_rx(tx.b257)
        frames, stats, err = pcs_rx_frames(b)
        assert frames == rx.frames and stats == rx.stats
        np.testing.assert_array_equal(err, rx.xcode_err)
        assert stats.good == stats.frames == len(tr.frames)


def test_fused_receive_on_impaired_line():
    """pcs_rx_frames and PcsRxStream (fused) against pcs_rx (staged) with broken groups."""
    rng = np.random.default_rng(13)
    b = pcs_tx(make_traffic("default", 300, 14), lead_blocks=2).b257
    body, hdr = b.body.copy(), b.hdr.copy()
    rows = rng.integers(0, len(body), 300)
    body[rows, rng.integers(0, 4, 300)] ^= np.uint64(1) << rng.integers(0, 64, 300).astype(np.uint64)
    hdr[rng.integers(0, len(hdr), 50)] ^= 1
    bad = Blocks257(hdr, body)
    rx = pcs_rx(bad)
    frames, stats, err = pcs_rx_frames(bad)
    assert frames == rx.frames and stats == rx.stats and err.sum() == rx.xcode_err.sum() > 0
    assert stats.good < stats.frames                      # the impairment reached the MAC
    s = PcsRxStream()
    got = [f for i in range(0, len(bad), 777) for f in s.feed(Blocks257(hdr[i:i + 777], body[i:i + 777]))]
    got += s.finish()
    assert got == rx.frames and s.stats == rx.stats and s.xcode_errors == int(rx.xcode_err.sum())


def test_fused_stream_transmit_equals_staged():
    tr = make_traffic("bulk", 300, 15)
    parts = list(pcs_tx_stream(tr, lead_blocks=4, chunk_frames=37))
    same_257(Blocks257(np.concatenate([p.hdr for p in parts]), np.concatenate([p.body for p in parts])),
             pcs_tx(tr, lead_blocks=4).b257)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="multiple of 4"):
        cgmii_to_257b(Cgmii(np.zeros((6, 8), np.uint8), np.zeros((6, 8), bool)))
    with pytest.raises(ValueError, match="headers"):
        b257_to_cgmii(Blocks257(np.zeros(3, np.uint8), np.zeros((2, 4), np.uint64)))
