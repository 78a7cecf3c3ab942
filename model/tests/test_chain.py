# SPDX-License-Identifier: Apache-2.0
"""frames -> CGMII -> 66b -> 257b -> 66b -> CGMII -> frames is the identity for valid traffic."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from physec.pcs import pcs_rx, pcs_tx
from physec.pcs66 import Blocks66
from physec.traffic import Traffic, bulk_traffic, default_traffic, expected_rx, make_traffic
from physec.xcode257 import Blocks257

frame = st.integers(1, 9212).flatmap(lambda n: st.binary(min_size=n, max_size=n))


@given(st.lists(st.tuples(frame, st.integers(12, 40)), min_size=1, max_size=12))
def test_roundtrip_identity(items):
    t = Traffic([f for f, _ in items], [g for _, g in items], "hypothesis", None)
    rx = pcs_rx(pcs_tx(t).b257)
    assert [f.data for f in rx.frames] == expected_rx(t.frames)
    assert all(f.good for f in rx.frames) and not rx.xcode_err.any()
    assert rx.stats.stray_data == rx.stats.stray_control == 0


def test_profiles_roundtrip_and_are_reproducible():
    for t in (default_traffic(300, 1), bulk_traffic(200, 2)):
        tx = pcs_tx(t)
        rx = pcs_rx(tx.b257)
        assert [f.data for f in rx.frames] == expected_rx(t.frames)
        again = pcs_tx(make_traffic(t.profile, len(t.frames), t.seed))
        assert again.b257.to_ints() == tx.b257.to_ints()


def test_default_mix_covers_sizes():
    sizes = np.array([len(f) + 4 for f in default_traffic(4000, 3).frames])
    assert sizes.min() == 64 and sizes.max() == 9216
    assert 0.35 < (sizes == 64).mean() < 0.45


def test_bulk_is_rocev2_shaped():
    t = bulk_traffic(130, 4, burst=64)
    f = t.frames[0]
    assert f[12:14] == b"\x08\x00" and f[23] == 17                    # IPv4, UDP
    assert int.from_bytes(f[36:38], "big") == 4791                   # RoCEv2 port
    assert [t.frames[i][42] for i in (0, 1, 63, 64)] == [0x06, 0x07, 0x08, 0x06]   # WRITE first/middle/last
    assert (t.gaps[:63] == 12).all() and t.gaps[63] > 1000           # bursts, then idle


@given(st.lists(st.integers(0, (1 << 257) - 1), min_size=1, max_size=40))
def test_garbage_line_never_yields_good_frames_silently(vals):
    """Random 257b blocks: the receiver may find frames, but never one whose FCS it did not check."""
    rx = pcs_rx(Blocks257.from_ints(vals))
    for f in rx.frames:
        assert f.errored or not f.good or len(f.data) >= 60


def test_corrupted_257b_stream_marks_frames_bad():
    t = default_traffic(50, 9)
    tx = pcs_tx(t)
    ints = tx.b257.to_ints()
    rng = np.random.default_rng(0)
    hits = rng.choice(len(ints), 40, replace=False)
    for i in hits:
        ints[i] ^= 1 << int(rng.integers(0, 257))
    rx = pcs_rx(Blocks257.from_ints(ints))
    exp = expected_rx(t.frames)
    good = [f.data for f in rx.frames if f.good]
    assert all(g in exp for g in good)                    # nothing corrupted passes as good
    assert len(good) < len(exp)
    assert isinstance(rx.b66, Blocks66)
