# SPDX-License-Identifier: Apache-2.0
"""The compiled kernels of the client side against the staged definitions, bit for bit:
``cgmii_to_257b`` against ``encode_66b`` + ``transcode_257b``, ``b257_to_cgmii`` against
``detranscode_257b`` + ``decode_66b``, ``MacTx`` (fast) against ``mac_encode`` and
``MacRx`` (fast) against ``mac_decode`` (frames, reasons and every RxStats counter), on
traffic, on hostile CGMII (control characters in every lane, /Q/, /E/, /S/ off lane 0,
/T/ followed by anything, stray data) and on random 257b blocks."""
import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrays import same_257, same_cgmii
from physec.fastpath import b257_to_cgmii, cgmii_to_257b
from physec.mac import _REASONS, MacRx, MacTx, mac_decode, mac_encode
from physec.pcs import pcs_rx, pcs_rx_frames, pcs_tx, pcs_tx_257b
from physec.pcs66 import BT_TERM, CH_ERROR, CH_IDLE, CH_SEQ, CH_START, CH_TERM, Cgmii, decode_66b, encode_66b
from physec.traffic import make_traffic
from physec.xcode257 import Blocks257, detranscode_257b, transcode_257b

CONTROL = np.array([CH_IDLE, CH_START, CH_TERM, CH_ERROR, CH_SEQ, 0x00, 0x55, 0xD5, 0x1C, 0xFF], np.uint8)
PREAMBLE = [0x55] * 6 + [0xD5]


def hostile_transfer(rng) -> tuple[list[int], list[bool]]:
    """One transfer of one of the shapes that 64b/66b and the MAC treat differently."""
    d = rng.integers(0, 256, 8).tolist()
    kind = int(rng.integers(0, 10))
    lane = int(rng.integers(0, 8))
    after = [CH_IDLE, CH_ERROR, int(rng.choice(CONTROL))][int(rng.integers(0, 3))]
    if kind == 0:                                         # data
        return d, [False] * 8
    if kind == 1:                                         # idles or /E/ with stray characters
        c = rng.random(8) < 0.9
        return [after if x else v for x, v in zip(c, d)], c.tolist()
    if kind == 2:                                         # /S/ in lane 0, good or broken preamble
        if rng.random() < 0.7:
            return [CH_START] + PREAMBLE, [True] + [False] * 7
        k = max(lane, 1)                                  # or a control character in the preamble
        return [CH_START] + d[1:k] + [int(rng.choice(CONTROL))] + d[k + 1:], [i in (0, k) for i in range(8)]
    if kind == 3:                                         # /S/ (or another character) in any lane
        return d[:lane] + [int(rng.choice(CONTROL))] + d[lane + 1:], [i == lane for i in range(8)]
    if kind == 4:                                         # /T/ in any lane, then idles, /E/ or others
        return d[:lane] + [CH_TERM] + [after] * (7 - lane), [False] * lane + [True] * (8 - lane)
    if kind == 5:                                         # /T/ followed by data or mixed lanes
        c = [False] * lane + [True] + (rng.random(7 - lane) < 0.7).tolist()
        return d[:lane] + [CH_TERM] + d[lane + 1:], c
    if kind == 6:                                         # /Q/: valid (bytes 4..7 zero) or not
        tail = [0, 0, 0, 0] if rng.random() < 0.7 else d[4:]
        return [CH_SEQ] + d[1:4] + tail, [True] + [False] * 7
    if kind == 7:                                         # random control characters in random lanes
        c = rng.random(8) < rng.random()
        return [int(rng.choice(CONTROL)) if x else v for x, v in zip(c, d)], c.tolist()
    if kind == 8:                                         # eight idles
        return [CH_IDLE] * 8, [True] * 8
    return [CH_ERROR] * 8, [True] * 8                     # an error block


def hostile_cgmii(rng, n_groups: int) -> Cgmii:
    """Groups of hostile transfers; one group in five all data."""
    rows = [hostile_transfer(rng) for _ in range(4 * n_groups)]
    d = np.array([r[0] for r in rows], np.uint8).reshape(-1, 8)
    c = np.array([r[1] for r in rows], bool).reshape(-1, 8)
    c[np.repeat(rng.random(n_groups) < 0.2, 4)] = False
    return Cgmii(d, c)


def traffic_cgmii(profile: str, n: int, seed: int, lead: int = 96) -> Cgmii:
    tr = make_traffic(profile, n, seed)
    return mac_encode(tr.frames, tr.gaps, lead_idle=lead)[0]


def impaired(cg: Cgmii, rng, n_hits: int) -> Cgmii:
    """Whole transfers of a stream replaced by hostile ones."""
    d, c = cg.data.copy(), cg.ctrl.copy()
    hits = hostile_cgmii(rng, -(-n_hits // 4))
    at = rng.integers(0, len(d), n_hits)
    d[at], c[at] = hits.data[:n_hits], hits.ctrl[:n_hits]
    return Cgmii(d, c)


def check_tx(cg: Cgmii) -> Blocks257:
    ref = transcode_257b(encode_66b(cg))
    same_257(cgmii_to_257b(cg), ref)
    same_257(cgmii_to_257b(Cgmii(cg.data.copy(), cg.ctrl.copy()), inplace=True), ref)
    return ref


def check_rx(b: Blocks257) -> np.ndarray:
    b66, ref_err = detranscode_257b(b)
    cg, err = b257_to_cgmii(b)
    same_cgmii(cg, decode_66b(b66))
    np.testing.assert_array_equal(err, ref_err)
    return err


def astuples(frames):
    return [dataclasses.astuple(f) for f in frames]


def check_mac_rx(cg: Cgmii, chunk_rng=None) -> tuple[list, dict]:
    """MacRx (fast) in one call, and in random chunks, against mac_decode."""
    want, wst = mac_decode(cg)
    rx = MacRx()
    assert rx.fast
    got = rx.decode(cg, final=True)
    assert astuples(got) == astuples(want) and rx.stats == wst
    if chunk_rng is not None:
        rx, got, i = MacRx(), [], 0
        while i < len(cg.data):
            k = int(chunk_rng.integers(0, 300))
            got += rx.decode(Cgmii(cg.data[i:i + k], cg.ctrl[i:i + k]))
            i += k
        got += rx.decode(Cgmii(cg.data[:0], cg.ctrl[:0]), final=True)
        assert astuples(got) == astuples(want) and rx.stats == wst
    return want, wst


# ---- CGMII -> 257b --------------------------------------------------------------------

def tx_cases():
    rng = np.random.default_rng(61)
    yield "default", traffic_cgmii("default", 300, 1)
    yield "bulk", traffic_cgmii("bulk", 150, 2)
    yield "hostile", hostile_cgmii(rng, 3000)
    yield "impaired default", impaired(traffic_cgmii("default", 200, 3), rng, 800)
    yield "empty", Cgmii(np.zeros((0, 8), np.uint8), np.zeros((0, 8), bool))


TX_CASES = list(tx_cases())


@pytest.mark.parametrize("name,cg", TX_CASES, ids=[n for n, _ in TX_CASES])
def test_cgmii_to_257b_kernel(name, cg):
    ref = check_tx(cg)
    if name == "hostile":                                  # every 66b block type and EBLOCK_R occur
        types = set((encode_66b(cg).pl & np.uint64(0xFF)).tolist())
        assert {0x1E, 0x78, 0x4B, *BT_TERM} <= types
        assert (ref.hdr == 0).any() and (ref.hdr == 1).any()


@given(st.lists(st.tuples(st.lists(st.sampled_from([0x00, 0x55, 0xD5, CH_IDLE, CH_START, CH_TERM, CH_ERROR,
                                                    CH_SEQ, 0x1C]), min_size=8, max_size=8),
                          st.integers(0, 255)), min_size=4, max_size=32).filter(lambda v: len(v) % 4 == 0))
def test_cgmii_to_257b_kernel_property(rows):
    d = np.array([r[0] for r in rows], np.uint8)
    c = np.array([[(r[1] >> i) & 1 for i in range(8)] for r in rows], bool)
    check_tx(Cgmii(d, c))


# ---- 257b -> CGMII --------------------------------------------------------------------

def rx_cases():
    rng = np.random.default_rng(62)
    for name, cg in TX_CASES:
        yield "257b of " + name, transcode_257b(encode_66b(cg))
    b = transcode_257b(encode_66b(hostile_cgmii(rng, 2000)))
    body, hdr = b.body.copy(), b.hdr.copy()
    rows = rng.integers(0, len(body), 1500)
    body[rows, rng.integers(0, 4, 1500)] ^= np.uint64(1) << rng.integers(0, 64, 1500).astype(np.uint64)
    hdr[rng.integers(0, len(hdr), 200)] ^= 1
    yield "bit flips", Blocks257(hdr, body)
    n = 5000                                               # random headers and bodies, odd header values
    body = rng.integers(0, 2 ** 64, (n, 4), dtype=np.uint64)
    # Small flag values make the first control block early; every kept nibble occurs.
    body[:, 0] = (body[:, 0] & ~np.uint64(0xFF)) | rng.integers(0, 256, n).astype(np.uint64)
    yield "random 257b", Blocks257(rng.choice(np.array([0, 0, 1, 2, 255], np.uint8), n), body)


RX_CASES = list(rx_cases())


@pytest.mark.parametrize("name,b", RX_CASES, ids=[n for n, _ in RX_CASES])
def test_b257_to_cgmii_kernel(name, b):
    err = check_rx(b)
    if name in ("bit flips", "random 257b"):
        assert err.any() and not err.all()


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 15), st.integers(0, 15),
                          st.lists(st.integers(0, 2 ** 64 - 1), min_size=4, max_size=4)), min_size=1, max_size=40))
def test_b257_to_cgmii_kernel_property(groups):
    """Random headers, flags and kept type nibbles (valid or not) before random payloads."""
    hdr = np.array([g[0] for g in groups], np.uint8)
    body = np.array([g[3] for g in groups], np.uint64)
    nib = np.array([g[1] | g[2] << 4 for g in groups], np.uint64)
    body[:, 0] = (body[:, 0] & ~np.uint64(0xFF)) | nib
    check_rx(Blocks257(hdr, body))


def test_round_trip_of_hostile_groups():
    """The receive kernel undoes the transmit kernel wherever 64b/66b can carry the group."""
    cg = hostile_cgmii(np.random.default_rng(63), 500)
    back, err = b257_to_cgmii(cgmii_to_257b(cg))
    same_cgmii(back, decode_66b(encode_66b(cg)))
    assert not err.any()


# ---- MAC ------------------------------------------------------------------------------

def test_mac_tx_kernel_against_mac_encode():
    rng = np.random.default_rng(64)
    for it in range(12):
        tr = make_traffic("default" if it % 2 else "bulk", int(rng.integers(1, 120)), it)
        frames = tr.frames + [rng.bytes(int(n)) for n in rng.integers(0, 70, 5)]      # short frames padded
        gaps = np.concatenate((tr.gaps, rng.integers(12, 3000, 5)))
        lead = int(rng.integers(0, 300))
        ref, lay = mac_encode(frames, gaps, lead_idle=lead)
        m = MacTx(4, lead)
        assert m.fast
        got, glay = m.encode(frames, gaps, final=True)
        same_cgmii(got, ref)
        np.testing.assert_array_equal(glay.starts, lay.starts)
        np.testing.assert_array_equal(glay.ends, lay.ends)
        m, parts, i = MacTx(4, lead), [], 0                      # the same, frames fed in pieces
        while i < len(frames):
            k = int(rng.integers(0, 30))
            parts.append(m.encode(frames[i:i + k], gaps[i:i + k])[0])
            i += k
        parts.append(m.encode([], final=True)[0])
        same_cgmii(Cgmii(np.concatenate([p.data for p in parts]), np.concatenate([p.ctrl for p in parts])), ref)


MAC_RX_CASES = [("default", 0), ("bulk", 0), ("default", 20), ("default", 300), ("bulk", 1000)]


@pytest.mark.parametrize("profile,n_hits", MAC_RX_CASES)
def test_mac_rx_kernel_against_mac_decode(profile, n_hits):
    rng = np.random.default_rng(65 + n_hits)
    cg = traffic_cgmii(profile, 200, n_hits)
    frames, stats = check_mac_rx(impaired(cg, rng, n_hits), rng)
    assert stats.frames > 0
    if n_hits == 0:
        assert stats.good == stats.frames == 200 and stats.stray_data == stats.stray_control == 0


def test_mac_rx_kernel_on_hostile_streams_reaches_every_reason_and_counter():
    rng = np.random.default_rng(66)
    reasons, counters = set(), dict.fromkeys(("fcs_errors", "stray_data", "stray_control", "ordered_sets"), 0)
    for it in range(30):
        if it % 3 == 0:
            cg = hostile_cgmii(rng, int(rng.integers(1, 400)))
        else:
            cg = impaired(traffic_cgmii("default", 60, it, lead=int(rng.integers(0, 5)) * 32), rng,
                          int(rng.integers(1, 200)))
        frames, stats = check_mac_rx(cg, rng if it % 2 else None)
        reasons |= set(stats.reasons)
        for k in counters:
            counters[k] += getattr(stats, k)
    assert reasons == set(_REASONS[1:])
    assert all(counters.values())


def test_mac_rx_kernel_on_small_streams():
    """Frames cut by the end of the stream, streams of a few transfers, runts."""
    rng = np.random.default_rng(67)
    cg = traffic_cgmii("default", 5, 7, lead=0)
    for end in range(0, min(len(cg.data), 60)):
        check_mac_rx(Cgmii(cg.data[:end], cg.ctrl[:end]), rng)
    cg, lay = mac_encode([bytes(61)] * 3)
    for cut, reasons in ((40, {"runt": 1}), (63, {"runt": 1}), (64, {})):      # characters after the SFD
        d, c = cg.data.copy().reshape(-1), cg.ctrl.copy().reshape(-1)
        d[lay.starts[1] + 8 + cut], c[lay.starts[1] + 8 + cut] = CH_TERM, True  # the second frame cut short
        _, stats = check_mac_rx(Cgmii(d.reshape(-1, 8), c.reshape(-1, 8)))
        assert stats.reasons == reasons and stats.good == 2 and stats.fcs_errors == 1 - len(reasons)
        assert stats.stray_data == 64 - cut and stats.stray_control == 1           # the frame's own /T/
    _, stats = check_mac_rx(Cgmii(cg.data[:1], cg.ctrl[:1]))
    assert stats.reasons == {"stream ended inside frame": 1}


def test_fast_chain_helpers_against_staged_chain():
    for profile, n, seed in (("default", 300, 71), ("bulk", 100, 72)):
        tr = make_traffic(profile, n, seed)
        tx = pcs_tx(tr, lead_blocks=3)
        b = pcs_tx_257b(tr, lead_blocks=3)
        same_257(b, tx.b257)
        rng = np.random.default_rng(seed)
        body, hdr = b.body.copy(), b.hdr.copy()
        rows = rng.integers(0, len(body), 100)
        body[rows, rng.integers(0, 4, 100)] ^= np.uint64(1) << rng.integers(0, 64, 100).astype(np.uint64)
        hdr[rng.integers(0, len(hdr), 20)] ^= 1
        for blocks in (b, Blocks257(hdr, body)):
            rx = pcs_rx(blocks)
            frames, stats, err = pcs_rx_frames(blocks)
            assert astuples(frames) == astuples(rx.frames) and stats == rx.stats
            np.testing.assert_array_equal(err, rx.xcode_err)
