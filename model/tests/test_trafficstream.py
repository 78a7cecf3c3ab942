# SPDX-License-Identifier: Apache-2.0
"""Traffic in pieces (physec.trafficstream) against make_traffic, frame for frame and
gap for gap, for any piece size, and pcap sources against read_frames."""
import numpy as np
import pytest

from physec import trafficstream as ts
from physec.pcapio import PcapError, write_frames
from physec.traffic import make_traffic


def joined(src):
    frames, gaps = [], []
    for t in src.pieces():
        assert t.profile == src.profile and t.seed == src.seed and len(t.frames) == len(t.gaps)
        frames += t.frames
        gaps.append(t.gaps)
    return frames, np.concatenate(gaps) if gaps else np.zeros(0, np.int64)


@pytest.mark.parametrize("profile", ["default", "bulk"])
@pytest.mark.parametrize("n,seed,piece", [(1, 1, 2048), (2, 5, 1), (64, 2, 7), (200, 1, 64), (1025, 3, 1000),
                                          (3000, 9, 2048)])
def test_pieces_equal_make_traffic(profile, n, seed, piece):
    want = make_traffic(profile, n, seed)
    src = ts.source(profile, n, seed, piece)
    assert src.n_frames == n
    for _ in range(2):                                       # a source starts again
        frames, gaps = joined(src)
        assert frames == want.frames
        assert gaps.dtype == want.gaps.dtype and np.array_equal(gaps, want.gaps)
    shapes = list(src.shapes())                              # lengths and gaps alone, piece by piece
    assert [len(s[0]) for s in shapes] == [len(t.frames) for t in src.pieces()]
    assert np.array_equal(np.concatenate([s[0] for s in shapes]), [len(f) for f in want.frames])
    assert np.array_equal(np.concatenate([s[1] for s in shapes]), want.gaps)


def test_source_refuses_what_make_traffic_refuses():
    for args, msg in ((("default", 0, 1), "at least one frame"), (("nosuch", 3, 1), "unknown traffic profile")):
        with pytest.raises(ValueError, match=msg):
            make_traffic(*args)
        with pytest.raises(ValueError, match=msg):
            ts.source(*args)


def test_pcap_source(tmp_path):
    frames = [bytes([i]) * (60 + i) for i in range(10)]
    p = tmp_path / "x.pcap"
    write_frames(p, frames)
    for limit, piece in ((0, 3), (4, 3), (10, 1), (99, 100)):
        src = ts.pcap_source(p, limit, piece)
        want = frames[:limit] if limit else frames
        assert src.n_frames == len(want) and src.profile == "pcap"
        got, gaps = joined(src)
        assert got == want and list(gaps) == [12] * len(want)
        shapes = list(src.shapes())
        assert [list(s[0]) for s in shapes] == [[len(f) for f in t.frames] for t in src.pieces()]
    write_frames(p, [])
    with pytest.raises(PcapError, match="holds no frames"):
        ts.pcap_source(p)
