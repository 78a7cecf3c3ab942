# SPDX-License-Identifier: Apache-2.0
"""The fast paths of the frame stage against their definitions, bit for bit: the compiled
kernels ``build_payload`` (pack_payload_kernel) against ``words_to_bytes(pack_slots(...))``,
``demap_payload`` (unpack_payload_kernel) against ``select_rows(unpack_slots(p,
bytes_to_words(payload)), data)``, ``gather_blocks_kernel`` against ``gather_blocks`` and
``fifo_fits_kernel`` against ``fifo_fits``; and the receiver's one-pass GCM (``gcm_open_fast``,
tag checked when it arrives) against the explicit ``gcm_open``.  The kernels run on the
real profiles and on geometries made up to hit every edge (one slot, a last group of
one slot or of 63, whole groups only, payload_bits not a multiple of 64 or of 8, fill
up to a whole slot), random slot maps (all stuff, all data, any density, not only the
GMP pattern), random and hostile blocks (header bytes other than 0/1), payloads of any
length and at unaligned addresses."""
import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from physec.frame import (_FILL_BODY, _FILL_HDR, build_payload, bytes_to_words, demap_payload, gather_blocks,
                          gather_blocks_kernel, pack_slots, select_rows, unpack_slots, words_to_bytes)
from physec.gcm import GcmKey, gcm_open, gcm_open_fast
from physec.gmp import GmpMapper, client_valid, fifo_fits, fifo_fits_kernel, slot_map
from physec.profile import PROFILES, Profile
from physec.xcode257 import Blocks257

P = PROFILES["100g"]


def geometry(n_slots: int, fill: int) -> Profile:
    """A frame of ``n_slots`` slots and ``fill`` fill bits (the kernels read only these)."""
    return dataclasses.replace(P, n_slots=n_slots, frame_bits=P.header_bits + 257 * n_slots + fill)


def blocks(rng, n: int, hostile: bool = False) -> Blocks257:
    hdr = rng.integers(0, 256 if hostile else 2, n).astype(np.uint8)
    return Blocks257(hdr, rng.integers(0, 2**64, (n, 4), dtype=np.uint64))


def slot_mask(rng, n: int, kind: str) -> np.ndarray:
    if kind == "stuff":
        return np.zeros(n, bool)
    if kind == "data":
        return np.ones(n, bool)
    if kind == "gmp":
        return slot_map(int(rng.integers(0, n + 1)), n)
    return rng.random(n) < rng.random()


def pack_ref(p, b: Blocks257, data) -> bytes:
    return words_to_bytes(pack_slots(p, b, data), p.payload_bits // 8)


def demap_ref(p, payload: bytes, data) -> Blocks257:
    return select_rows(unpack_slots(p, bytes_to_words(payload)), data)


def check(p, rng, kind: str, hostile: bool = False) -> None:
    data = slot_mask(rng, p.n_slots, kind)
    b = blocks(rng, int(data.sum()), hostile)
    payload = build_payload(p, b, data)
    assert payload == pack_ref(p, b, data)
    got, ref = demap_payload(p, payload, data), demap_ref(p, payload, data)
    assert got.hdr.dtype == np.uint8 and got.body.dtype == np.uint64
    assert np.array_equal(got.hdr, ref.hdr) and np.array_equal(got.body, ref.body)
    if not hostile and p.payload_bits % 8 == 0:          # a round trip (whole bytes, headers 0/1)
        assert np.array_equal(got.hdr, b.hdr) and np.array_equal(got.body, b.body)


EDGES = [(1, 0), (1, 256), (63, 0), (64, 0), (65, 0), (65, 8), (127, 100), (128, 0), (129, 63),
         (200, 7), (200, 64 * 5 + 3), (P.n_slots, P.fill_bits)]


@pytest.mark.parametrize("n_slots,fill", EDGES)
@pytest.mark.parametrize("kind", ["stuff", "data", "gmp", "random"])
def test_kernels_on_edge_geometries(n_slots, fill, kind):
    p = geometry(n_slots, fill)
    assert p.payload_bits == 257 * n_slots + fill
    rng = np.random.default_rng(n_slots * 1000 + fill)
    for _ in range(3):
        check(p, rng, kind)


@pytest.mark.parametrize("name", ["100g", "400g"])
@pytest.mark.parametrize("kind", ["stuff", "data", "gmp", "random"])
def test_kernels_on_the_profiles(name, kind):
    check(PROFILES[name], np.random.default_rng(len(kind)), kind)


@given(st.integers(1, 700), st.integers(0, 256), st.sampled_from(["stuff", "data", "gmp", "random"]),
       st.booleans(), st.integers(0, 2**32 - 1))
def test_kernels_on_random_geometries(n_slots, fill, kind, hostile, seed):
    check(geometry(n_slots, fill), np.random.default_rng(seed), kind, hostile)


@given(st.integers(1, 300), st.integers(0, 256), st.integers(-40, 40), st.integers(0, 7), st.integers(0, 2**32 - 1))
def test_demap_of_any_payload_length_and_alignment(n_slots, fill, extra, offset, seed):
    """Payloads shorter (zero-padded) or longer (ignored) than the frame's, as bytes or as
    a view at any address, like the Deframer's view of its line buffer."""
    p, rng = geometry(n_slots, fill), np.random.default_rng(seed)
    data = slot_mask(rng, n_slots, "random")
    raw = rng.bytes(offset + max(0, p.payload_bits // 8 + extra))
    payload = memoryview(raw)[offset:]
    ref = demap_ref(p, bytes(payload), data)
    for given_as in (bytes(payload), payload):
        got = demap_payload(p, given_as, data)
        assert np.array_equal(got.hdr, ref.hdr) and np.array_equal(got.body, ref.body)


def test_pack_of_non_contiguous_blocks():
    rng = np.random.default_rng(3)
    data = slot_mask(rng, P.n_slots, "gmp")
    n = int(data.sum())
    wide = blocks(rng, 2 * n)
    b = Blocks257(wide.hdr[::2], wide.body[::2])          # strided views, as a caller may pass
    assert build_payload(P, b, data) == pack_ref(P, b, data)


def test_kernels_refuse_what_they_cannot_index():
    rng = np.random.default_rng(4)
    data = slot_map(100, P.n_slots)
    with pytest.raises(ValueError):
        build_payload(P, blocks(rng, 99), data)           # fewer blocks than data slots
    with pytest.raises(ValueError):
        build_payload(P, blocks(rng, 101), data)          # more
    with pytest.raises(ValueError):
        build_payload(P, blocks(rng, 100), data[:-1])     # a map of the wrong length
    with pytest.raises(ValueError):
        demap_payload(P, bytes(100), data.astype(np.uint8))   # not booleans
    with pytest.raises(ValueError):
        demap_payload(dataclasses.replace(geometry(10, 0), n_slots=11), bytes(400), np.ones(11, bool))  # beyond
    with pytest.raises(ValueError):
        build_payload(dataclasses.replace(P, slot_bits=66), blocks(rng, 100), data)


@given(st.integers(1, 3000), st.integers(0, 80), st.integers(1, 80), st.integers(0, 3), st.integers(0, 2**32 - 1))
def test_fifo_fits_kernel(n, level0, depth, maxv, seed):
    """The mapper's fast-path test on random per-clock valid and pop counts: levels that
    stay inside, run empty or overflow, at the first clock, the last or anywhere."""
    rng = np.random.default_rng(seed)
    valid = rng.integers(0, maxv + 1, n).astype(np.int64)
    pop = rng.integers(0, 2, n).astype(np.int64)
    assert fifo_fits_kernel(valid, pop, level0, depth) == fifo_fits(valid, pop, level0, depth)


def test_fifo_fits_kernel_on_the_mapper_s_pop_patterns():
    m = GmpMapper(P)
    valid = client_valid(P, 1)
    outcomes = set()
    for cm in (0, 1, P.cm_init - 1, P.cm_init, P.cm_init + 1, P.n_slots):
        for level0 in (0, 1, P.fifo_target, P.fifo_depth - 1, P.fifo_depth):
            got = fifo_fits_kernel(valid, m._pops(cm), level0, P.fifo_depth)
            assert got == fifo_fits(valid, m._pops(cm), level0, P.fifo_depth)
            outcomes.add(got[1])
    assert outcomes == {True, False}


@given(st.integers(0, 300), st.integers(0, 300), st.integers(0, 50), st.integers(0, 2**32 - 1))
def test_gather_blocks_kernel(n, m, base, seed):
    """Client blocks by absolute index: inside the client, past its end (idle), FIFO empty
    (-1, ERROR_257B), below ``base`` (clipped), and with no client blocks at all."""
    rng = np.random.default_rng(seed)
    b = blocks(rng, n)
    idx = np.sort(rng.integers(-1, base + n + 20, m)).astype(np.int64)
    ref = gather_blocks(b.hdr, b.body, idx, base)
    hdr, body = gather_blocks_kernel(b.hdr, b.body, idx, base, _FILL_HDR, _FILL_BODY)
    assert hdr.dtype == np.uint8 and np.array_equal(hdr, ref.hdr) and np.array_equal(body, ref.body)


@pytest.mark.parametrize("tag_len", [16, 12, 4])
def test_one_pass_gcm_open_agrees_with_the_explicit_path(tag_len):
    rng = np.random.default_rng(tag_len)
    for key_len in (16, 32):
        k = GcmKey(rng.bytes(key_len))
        for n in (0, 1, 17, 82080):
            iv, ct, aad = rng.bytes(12), rng.bytes(n), rng.bytes(int(rng.integers(0, 100)))
            pt, tag = gcm_open(k, iv, ct, aad, tag_len)
            bad = bytearray(tag)
            bad[int(rng.integers(0, tag_len))] ^= 1 << int(rng.integers(0, 8))
            for cand, ok in ((tag, True), (bytes(bad), False)):
                got, check = gcm_open_fast(k.key, iv, memoryview(ct), aad, tag_len)
                assert got == pt and check(cand) is ok
