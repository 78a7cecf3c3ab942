# SPDX-License-Identifier: Apache-2.0
"""Stage mac: FCS, preamble, inter-packet gap with DIC, and the receiver's error handling."""
import zlib

import numpy as np
import pytest

from physec.mac import DIC_MAX, MIN_GAP, FrameError, MacRx, fcs, mac_decode, mac_encode
from physec.pcs66 import CH_ERROR, CH_IDLE, CH_SEQ, CH_START, CH_TERM, Cgmii
from physec.traffic import default_traffic


def test_fcs_is_ieee_crc32():
    # CRC-32 check value of the ASCII string "123456789" (IEEE 802.3 polynomial, reflected).
    assert int.from_bytes(fcs(b"123456789"), "little") == 0xCBF43926
    # The residue property: CRC over frame + FCS is the constant 0x2144DF1C.
    frame = bytes(range(60))
    assert int.from_bytes(fcs(frame + fcs(frame)), "little") == 0x2144DF1C


def test_frame_on_the_wire():
    cg, lay = mac_encode([bytes(range(60))])
    flat_d, flat_c = cg.data.reshape(-1), cg.ctrl.reshape(-1)
    assert lay.starts[0] == 0 and flat_d[0] == CH_START and flat_c[0]
    assert flat_d[1:8].tolist() == [0x55] * 6 + [0xD5] and not flat_c[1:8].any()
    assert flat_d[8:68].tobytes() == bytes(range(60))
    assert flat_d[68:72].tobytes() == fcs(bytes(range(60)))
    assert flat_d[72] == CH_TERM and flat_c[72:].all() and (flat_d[73:] == CH_IDLE).all()
    assert len(flat_d) % 32 == 0


def test_gap_with_deficit_idle_count():
    t = default_traffic(3000, seed=5, load=1.0)            # every gap requested = 12
    _, lay = mac_encode(t.frames, t.gaps)
    gaps = lay.starts[1:] - lay.ends[:-1]
    assert (lay.starts % 8 == 0).all()
    assert gaps.min() >= MIN_GAP - DIC_MAX and gaps.max() <= MIN_GAP + 7
    assert abs(gaps.mean() - MIN_GAP) < 0.1                 # DIC keeps the mean at 12


def test_short_frames_padded_and_oversize_refused():
    cg, _ = mac_encode([b"\x01" * 20])
    frames, st = mac_decode(cg)
    assert frames[0].data == b"\x01" * 20 + bytes(40) and st.good == 1
    with pytest.raises(FrameError, match="maximum"):
        mac_encode([bytes(9213)])


def _stream(frames):
    cg, lay = mac_encode(frames)
    return cg.data.reshape(-1).copy(), cg.ctrl.reshape(-1).copy(), lay


def _decode(d, c):
    return mac_decode(Cgmii(d.reshape(-1, 8), c.reshape(-1, 8)))


def test_receiver_flags_every_error_kind():
    frames = [bytes([i]) * 100 for i in range(5)]
    d, c, lay = _stream(frames)
    d[lay.starts[0] + 20] ^= 1                              # FCS error
    d[lay.starts[1] + 30], c[lay.starts[1] + 30] = CH_ERROR, True      # /E/ inside a frame
    d[lay.starts[2] + 3] = 0x54                             # broken preamble
    d[lay.ends[3]], c[lay.ends[3]] = CH_IDLE, True          # lost /T/: frame 3 runs into frame 4's /S/
    out, st = _decode(d, c)
    assert [f.good for f in out] == [False, False, False, False, True]
    assert not out[0].errored and not out[0].fcs_ok
    assert out[1].reason == "error character" and out[2].reason == "bad preamble/SFD"
    assert out[3].reason == "start before terminate"
    assert (st.good, st.fcs_errors, st.errored) == (1, 1, 3)


def test_idle_inside_a_frame_flags_it():
    frames = [bytes([i]) * 100 for i in range(5)]
    d, c, lay = _stream(frames)
    d[lay.starts[0] + 40], c[lay.starts[0] + 40] = CH_IDLE, True      # in the data
    d[lay.starts[1] + 2], c[lay.starts[1] + 2] = CH_IDLE, True        # in the preamble
    d[lay.starts[2] + 30], c[lay.starts[2] + 30] = CH_IDLE, True      # idle, then /E/: the first wins
    d[lay.starts[2] + 50], c[lay.starts[2] + 50] = CH_ERROR, True
    d[lay.starts[3] + 30], c[lay.starts[3] + 30] = CH_ERROR, True     # /E/, then idle
    d[lay.starts[3] + 50], c[lay.starts[3] + 50] = CH_IDLE, True
    w = (lay.starts[4] // 8 + 3) * 8                                  # a whole transfer of idles
    d[w:w + 8], c[w:w + 8] = CH_IDLE, True
    for fast in (False, True):
        rx = MacRx(fast=fast)
        out = rx.decode(Cgmii(d.reshape(-1, 8), c.reshape(-1, 8)), final=True)
        assert [f.reason for f in out] == ["control character in frame", "bad preamble/SFD",
                                           "control character in frame", "error character",
                                           "control character in frame"], fast
        assert (rx.stats.errored, rx.stats.good, rx.stats.stray_control) == (5, 0, 0)


def test_truncated_stream_and_stray_characters():
    d, c, lay = _stream([bytes(100)])
    out, st = _decode(d[:64], c[:64])
    assert out[0].reason == "stream ended inside frame" and st.good == 0
    d, c, lay = _stream([bytes(100)])
    d[lay.ends[0] + 8:lay.ends[0] + 16], c[lay.ends[0] + 8:lay.ends[0] + 16] = 0xAB, False
    out, st = _decode(d, c)
    assert st.good == 1 and st.stray_data == 8


def test_ordered_set_between_frames_is_counted_not_stray():
    cg, lay = mac_encode([bytes(100), bytes(100)], gaps=[40, 12])
    d, c = cg.data.reshape(-1).copy(), cg.ctrl.reshape(-1).copy()
    q = (lay.ends[0] // 8 + 1) * 8                          # an idle transfer after frame 0
    assert q + 8 <= lay.starts[1]
    d[q:q + 8], c[q:q + 8] = [CH_SEQ, 0, 0, 1, 0, 0, 0, 0], [True] + [False] * 7   # local fault
    out, st = _decode(d, c)
    assert st.good == 2 and st.ordered_sets == 1 and st.stray_data == 0 and st.stray_control == 0


# ---- the vectorised MAC against plain per-character versions --------------------------

def encode_plain(frames, gaps, lead_idle=0, unit=32):
    """The transmit rule written out frame by frame: lane-0 /S/, DIC of at most 7."""
    d, c, pos, dic = [CH_IDLE] * lead_idle, [True] * lead_idle, lead_idle, 0
    for fr, gap in zip(frames, gaps):
        fr = fr.ljust(60, b"\0")
        body = bytes([CH_START]) + bytes([0x55] * 6 + [0xD5]) + fr + zlib.crc32(fr).to_bytes(4, "little")
        d += list(body) + [CH_TERM]
        c += [True] + [False] * (len(body) - 1) + [True]
        nominal = len(d) + gap - 1                          # gap counted from /T/
        r = nominal % 8
        if r and dic + r <= DIC_MAX:
            nxt, dic = nominal - r, dic + r
        elif r:
            nxt, dic = nominal + 8 - r, max(0, dic - (8 - r))
        else:
            nxt = nominal
        d += [CH_IDLE] * (nxt - len(d))
        c += [True] * (nxt - len(c))
    total = max(unit, -(-len(d) // unit) * unit)
    d += [CH_IDLE] * (total - len(d))
    c += [True] * (total - len(c))
    return np.array(d, np.uint8), np.array(c, bool)


def decode_plain(d, c):
    """The receive rule character by character: (frames as tuples, counters)."""
    d, c = d.tolist(), c.tolist()
    st = dict(good=0, fcs_errors=0, errored=0, stray_data=0, stray_control=0, ordered_sets=0)
    spans, cur, flag, os_left = [], None, "", 0
    for i, (ch, k) in enumerate(zip(d, c)):
        if os_left:                                     # data of a /Q/ ordered set
            os_left -= 1
            if not k:
                continue
        if not k:
            st["stray_data"] += cur is None
            continue
        if ch == CH_IDLE:                               # nothing between frames, a flag inside one
            if cur is not None and not flag:
                flag = "control character in frame" if i >= cur + 8 else "bad preamble/SFD"
            continue
        lane0_start = i % 8 == 0 and ch == CH_START
        if cur is None:
            if lane0_start:
                cur, flag = i, ""
            elif i % 8 == 0 and ch == CH_SEQ:
                st["ordered_sets"] += 1
                os_left = 7
            else:
                st["stray_control"] += 1
        elif ch == CH_TERM:
            spans.append((cur, i, flag))
            cur = None
        elif lane0_start:
            spans.append((cur, i, "start before terminate"))
            cur, flag = i, ""
        elif not flag:
            flag = "error character" if ch == CH_ERROR else \
                "control character in frame" if i >= cur + 8 else "bad preamble/SFD"
    if cur is not None:
        spans.append((cur, len(d), "stream ended inside frame"))
    out = []
    for s, e, r in spans:
        pre_ok = s + 8 <= len(d) and d[s + 1:s + 8] == [0x55] * 6 + [0xD5] and not any(c[s + 1:s + 8])
        r = r or ("" if pre_ok else "bad preamble/SFD") or ("runt" if e - s - 8 < 64 else "")
        body = bytes(d[s + 8:e])
        ok = not r and zlib.crc32(body[:-4]).to_bytes(4, "little") == body[-4:]
        out.append((body if r else body[:-4], s, ok, bool(r), r))
        st["good"] += ok
        st["errored"] += bool(r)
        st["fcs_errors"] += not r and not ok
    return out, st


def _impair(rng, d, c, n):
    for _ in range(n):
        i = int(rng.integers(0, len(d)))
        kind = rng.integers(0, 6)
        if kind == 0:                                   # a transfer of eight /E/ (an error block)
            i -= i % 8
            d[i:i + 8], c[i:i + 8] = CH_ERROR, True
        elif kind == 1:
            d[i], c[i] = CH_ERROR, True
        elif kind == 2:
            d[i] ^= 1 << int(rng.integers(0, 8))
        elif kind == 3:                                 # a control character becomes data or back
            c[i] = not c[i]
        elif kind == 4:
            d[i], c[i] = rng.choice([CH_START, CH_TERM, CH_SEQ, CH_IDLE]), True
        else:
            d[i - i % 8:i - i % 8 + 8], c[i - i % 8:i - i % 8 + 8] = [CH_SEQ, 1, 2, 3, 0, 0, 0, 0], \
                [True] + [False] * 7


@pytest.mark.parametrize("seed", range(6))
def test_mac_against_plain_per_character_versions(seed):
    rng = np.random.default_rng(seed)
    t = default_traffic(300, seed=seed)
    frames = t.frames[:200] + [bytes(rng.integers(0, 256, int(n), dtype=np.uint8)) for n in rng.integers(0, 80, 20)]
    gaps = np.concatenate((t.gaps[:200], rng.integers(MIN_GAP, 90, 20)))
    lead = 8 * int(rng.integers(0, 5))
    cg, lay = mac_encode(frames, gaps, lead_idle=lead)
    d, c = encode_plain(frames, gaps, lead)
    assert np.array_equal(cg.data.reshape(-1), d) and np.array_equal(cg.ctrl.reshape(-1), c)
    for n_imp in (0, 5, 40):
        di, ci = d.copy(), c.copy()
        _impair(rng, di, ci, n_imp)
        want, wst = decode_plain(di, ci)
        got, st = _decode(di, ci)
        rx = MacRx(fast=True)
        fast = rx.decode(Cgmii(di.reshape(-1, 8), ci.reshape(-1, 8)), final=True)
        for frames, stats in ((got, st), (fast, rx.stats)):
            assert [(f.data, f.start, f.fcs_ok, f.errored, f.reason) for f in frames] == want
            assert {k: getattr(stats, k) for k in wst} == wst
