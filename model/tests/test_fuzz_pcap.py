# SPDX-License-Identifier: Apache-2.0
"""Hostile captures for the pcap/pcapng reader: valid files of both byte orders built
here from the format documents (independent of dpkt's writers), then truncated,
bit-flipped, given huge length fields, wrong magics and block types.  Outcome: the
frames, or a PcapError naming the file; never another exception, never a cut frame."""
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_vectors import budget

from physec.pcapio import PcapError, read_frames, write_frames

FRAMES = [bytes([i]) * n for i, n in enumerate((60, 61, 63, 1514))]


def pcap_bytes(frames, endian="<", nano=True, linktype=1, snaplen=65535):
    """Classic pcap (libpcap file format): 24-byte header, 16-byte record headers."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for i, f in enumerate(frames):
        out += struct.pack(endian + "IIII", i, 0, len(f), len(f)) + f
    return out


def _block(endian, btype, body):
    n = 12 + len(body) + (-len(body) % 4)
    return struct.pack(endian + "II", btype, n) + body + bytes(-len(body) % 4) + struct.pack(endian + "I", n)


def pcapng_bytes(frames, endian="<", linktype=1, sections=1):
    """pcapng (draft-ietf-opsawg-pcapng): SHB, IDB, one EPB per frame, per section."""
    out = b""
    for _ in range(sections):
        out += _block(endian, 0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1))
        out += _block(endian, 1, struct.pack(endian + "HHI", linktype, 0, 65535))
        for f in frames:
            out += _block(endian, 6, struct.pack(endian + "IIIII", 0, 0, 0, len(f), len(f)) + f)
    return out


BUILDERS = {"pcap-le": lambda f: pcap_bytes(f, "<"), "pcap-be": lambda f: pcap_bytes(f, ">"),
            "pcap-us": lambda f: pcap_bytes(f, "<", nano=False),
            "pcapng-le": lambda f: pcapng_bytes(f, "<"), "pcapng-be": lambda f: pcapng_bytes(f, ">"),
            "pcapng-2sections": lambda f: pcapng_bytes(f, "<", sections=2)}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_files_built_from_the_format_documents_are_read(tmp_path, kind):
    p = tmp_path / "x"
    p.write_bytes(BUILDERS[kind](FRAMES))
    assert read_frames(p) == FRAMES * (2 if kind == "pcapng-2sections" else 1)


@pytest.mark.parametrize("suffix", [".pcap", ".pcapng"])
def test_our_writer_equals_the_built_files(tmp_path, suffix):
    p = tmp_path / f"w{suffix}"
    write_frames(p, FRAMES)
    assert read_frames(p) == FRAMES


def read_or_error(p):
    try:
        return read_frames(p)
    except PcapError as e:
        assert str(p) in str(e)
        return None


@budget(150)
@given(kind=st.sampled_from(sorted(BUILDERS)), n=st.integers(0, 4), data=st.data())
def test_mutated_captures(tmp_path_factory, kind, n, data):
    good = BUILDERS[kind](FRAMES[:n])
    b = bytearray(good)
    op = data.draw(st.sampled_from(["truncate", "flip", "u32", "magic", "append", "splice"]))
    if op == "truncate" and b:
        del b[data.draw(st.integers(0, len(b) - 1)):]
    elif op == "flip" and b:
        i = data.draw(st.integers(0, len(b) - 1))
        b[i] ^= 1 << data.draw(st.integers(0, 7))
    elif op == "u32" and len(b) >= 4:
        # A length, type or link field set to an extreme: must not allocate or loop.
        i = data.draw(st.integers(0, (len(b) - 4) // 4)) * 4
        b[i:i + 4] = struct.pack("<I", data.draw(st.sampled_from([0, 1, 3, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFF0])))
    elif op == "magic":
        b[:4] = data.draw(st.binary(min_size=4, max_size=4))
    elif op == "append":
        b += data.draw(st.binary(max_size=40))
    elif op == "splice":
        other = BUILDERS[data.draw(st.sampled_from(sorted(BUILDERS)))](FRAMES[:2])
        b += other
    p = tmp_path_factory.mktemp("p") / "x.pcap"
    p.write_bytes(bytes(b))
    got = read_or_error(p)
    if got is not None:
        # Whatever is read is whole frames of the file, in file order: never a cut frame.
        assert all(isinstance(f, bytes) for f in got)
        pos = 0
        for f in got:
            pos = bytes(b).find(f, pos)
            assert pos >= 0
            pos += len(f)
        sent = FRAMES[:n] * (2 if kind == "pcapng-2sections" else 1)
        if bytes(b) == good:
            assert got == sent
        if op == "truncate":
            assert got == sent[:len(got)]


@pytest.mark.parametrize("build,message", [
    (lambda: pcap_bytes(FRAMES[:1], linktype=101), "not Ethernet"),
    (lambda: pcapng_bytes(FRAMES[:1], linktype=105), "not Ethernet"),
    (lambda: pcap_bytes(FRAMES[:1])[:20], "truncated pcap file header"),
    (lambda: b"\x0a\x0d\x0d\x0a" + bytes(4), "block header truncated"),
    (lambda: pcapng_bytes([])[:28] + _block("<", 6, struct.pack("<IIIII", 0, 0, 0, 4, 4) + b"abcd"),
     "not described"),
    (lambda: pcapng_bytes([]) + _block("<", 3, struct.pack("<I", 4) + b"abcd"), "simple packet block"),
    (lambda: pcapng_bytes([]) + struct.pack("<II", 6, 0xFFFFFFF0) + bytes(8), "claims"),
    (lambda: pcap_bytes([]) + struct.pack("<IIII", 0, 0, 0xFFFFFFFF, 0xFFFFFFFF), "truncated"),
    (lambda: b"GIF89a" + bytes(40), "not a pcap or pcapng file"),
])
def test_named_errors(tmp_path, build, message):
    p = tmp_path / "x.pcap"
    p.write_bytes(build())
    with pytest.raises(PcapError, match=message):
        read_frames(p)
