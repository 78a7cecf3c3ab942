# SPDX-License-Identifier: Apache-2.0
"""Stage mac: FCS, preamble, inter-packet gap with DIC, and the receiver's error handling."""
import numpy as np
import pytest

from physec.mac import DIC_MAX, MIN_GAP, FrameError, fcs, mac_decode, mac_encode
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
