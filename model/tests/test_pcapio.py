# SPDX-License-Identifier: Apache-2.0
"""pcap/pcapng I/O: exact round trip and a clear PcapError for every malformed capture."""
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from physec.pcapio import PcapError, read_frames, write_frames

FRAMES = [bytes([i]) * (60 + 97 * i) for i in range(5)] + [bytes(9212)]


@pytest.mark.parametrize("suffix", [".pcap", ".pcapng"])
def test_roundtrip(tmp_path, suffix):
    p = tmp_path / f"x{suffix}"
    write_frames(p, FRAMES)
    assert read_frames(p) == FRAMES


@pytest.mark.parametrize("suffix", [".pcap", ".pcapng"])
def test_every_truncation_is_an_error(tmp_path, suffix):
    p = tmp_path / f"x{suffix}"
    write_frames(p, FRAMES[:3])
    full = p.read_bytes()
    ends = set()
    off = 24 if suffix == ".pcap" else 0
    for cut in range(1, len(full)):
        p.write_bytes(full[:cut])
        try:
            fr = read_frames(p)
        except PcapError as e:
            assert str(p) in str(e)
            continue
        ends.add(cut)
        assert fr == FRAMES[:len(fr)]          # a clean record boundary: a prefix, never a cut frame
    assert all(c >= off for c in ends)


def test_snaplen_cut_and_wrong_link(tmp_path):
    p = tmp_path / "x.pcap"
    write_frames(p, FRAMES[:1])
    b = bytearray(p.read_bytes())
    struct.pack_into("<I", b, 24 + 12, 200)            # orig len > caplen
    p.write_bytes(bytes(b))
    with pytest.raises(PcapError, match="snap length"):
        read_frames(p)
    b = bytearray(p.read_bytes())
    struct.pack_into("<I", b, 20, 101)                 # link type raw IP
    p.write_bytes(bytes(b))
    with pytest.raises(PcapError, match="not Ethernet"):
        read_frames(p)


@given(st.binary(max_size=200))
def test_garbage_gives_pcap_error(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("g") / "g.pcap"
    p.write_bytes(data)
    try:
        read_frames(p)
    except PcapError:
        pass


def test_missing_file(tmp_path):
    with pytest.raises(PcapError, match="cannot read"):
        read_frames(tmp_path / "nope.pcap")


@pytest.mark.parametrize("suffix", [".pcap", ".pcapng"])
def test_streamed_reader_through_a_small_window(tmp_path, suffix, monkeypatch):
    """iter_frames reads through a window: records across its edges, every truncation
    (the same frames or the same error as with the whole file in the window)."""
    from physec import pcapio
    p = tmp_path / f"x{suffix}"
    write_frames(p, FRAMES)
    full = p.read_bytes()
    want = {}
    for cut in range(1, len(full), 97):
        p.write_bytes(full[:cut])
        try:
            want[cut] = read_frames(p)
        except PcapError as e:
            want[cut] = str(e)
    for window in (1, 13, 4096):
        monkeypatch.setattr(pcapio._File, "WINDOW", window)
        p.write_bytes(full)
        assert list(pcapio.iter_frames(p)) == FRAMES
        for cut, w in want.items():
            p.write_bytes(full[:cut])
            try:
                got = list(pcapio.iter_frames(p))
            except PcapError as e:
                got = str(e)
            assert got == w, (window, cut)


def test_frame_writer_in_pieces_equals_write_frames(tmp_path):
    from physec.pcapio import FrameWriter
    for suffix in (".pcap", ".pcapng"):
        write_frames(tmp_path / f"a{suffix}", FRAMES, [7 * i for i in range(len(FRAMES))])
        with FrameWriter(tmp_path / f"b{suffix}") as w:
            w.write(FRAMES[:2], [0, 7])
            w.write(FRAMES[2:], [7 * i for i in range(2, len(FRAMES))])
        assert (tmp_path / f"a{suffix}").read_bytes() == (tmp_path / f"b{suffix}").read_bytes()
    write_frames(tmp_path / "c.pcap", FRAMES)
    with FrameWriter(tmp_path / "d.pcap") as w:
        for f in FRAMES:
            w.write([f])
    assert (tmp_path / "c.pcap").read_bytes() == (tmp_path / "d.pcap").read_bytes()
