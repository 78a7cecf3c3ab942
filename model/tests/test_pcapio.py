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
