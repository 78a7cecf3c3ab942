# SPDX-License-Identifier: Apache-2.0
"""GCM explicit path: NIST CAVP (cryptography-vectors), the library's AESGCM, and the
RTL's two-blocks-per-step GHASH, all bit for bit."""
import os
import random

import pytest
from cavp import read_rsp

from physec.gcm import (GcmError, GcmKey, GcmTrace, GhashKey, InvalidTag, blocks_of, gcm_decrypt, gcm_encrypt, gcm_fast,
                        gf_mult, ghash, ghash_2way, ghash_bytes)

REGRESS = bool(os.environ.get("PHYSEC_REGRESS"))


def AES192(name):
    """PHYSec keys are AES-128 or AES-256 (spec 6.1); GcmKey also takes 192-bit keys, so the
    AES-192 files run in `make regress` (30 s more)."""
    return pytest.param(name, marks=pytest.mark.skipif(not REGRESS, reason="AES-192: regress only"))


def cases(name):
    return [c for c in read_rsp(f"ciphers/AES/GCM/{name}") if c["IVlen"] == "96"]


def h(s):
    return bytes.fromhex(s)


@pytest.mark.parametrize("name", ["gcmEncryptExtIV128.rsp", "gcmEncryptExtIV256.rsp", AES192("gcmEncryptExtIV192.rsp")])
def test_cavp_encrypt(name):
    n = 0
    for c in cases(name):
        k = GcmKey(h(c["Key"]))
        ct, tag = gcm_encrypt(k, h(c["IV"]), h(c["PT"]), h(c["AAD"]), int(c["Taglen"]) // 8)
        assert (ct, tag) == (h(c["CT"]), h(c["Tag"])), c["Count"]
        n += 1
    assert n >= 500


@pytest.mark.parametrize("name", ["gcmDecrypt128.rsp", "gcmDecrypt256.rsp", AES192("gcmDecrypt192.rsp")])
def test_cavp_decrypt_and_every_fail_rejected(name):
    fails = passes = 0
    fail_kinds = set()
    for c in cases(name):
        k = GcmKey(h(c["Key"]))
        if c.get("FAIL"):
            with pytest.raises(InvalidTag):
                gcm_decrypt(k, h(c["IV"]), h(c["CT"]), h(c["AAD"]), h(c["Tag"]))
            fails += 1
            fail_kinds.add((int(c["Taglen"]), c["CT"] == "", c["AAD"] == ""))
        else:
            assert gcm_decrypt(k, h(c["IV"]), h(c["CT"]), h(c["AAD"]), h(c["Tag"])) == h(c["PT"])
            passes += 1
    assert fails > 100 and passes > 100
    # Rejections cover every tag length, with and without payload and AAD.
    assert fail_kinds == {(t, ct, aad) for t in (128, 120, 112, 104, 96, 64, 32)
                          for ct in (False, True) for aad in (False, True)}


def test_other_iv_lengths_refused():
    k = GcmKey(bytes(32))
    for iv in (bytes(8), bytes(16), b""):
        with pytest.raises(GcmError, match="96-bit"):
            gcm_encrypt(k, iv, b"x", b"")
    with pytest.raises(GcmError, match="tag length"):
        gcm_encrypt(k, bytes(12), b"x", b"", tag_len=11)


def test_table_multiply_equals_algorithm_1():
    rng = random.Random(1)
    for _ in range(20):
        hval = rng.getrandbits(128)
        hk = GhashKey(hval)
        for _ in range(20):
            x = rng.getrandbits(128)
            assert hk.mult(x) == gf_mult(x, hval)


def test_ghash_two_per_step_equals_serial():
    rng = random.Random(2)
    k = GcmKey(rng.randbytes(32))
    for n in (1, 2, 3, 10, 5131):
        blocks = [rng.getrandbits(128) for _ in range(n)]
        assert ghash_2way(k.hk, k.hk2, blocks) == ghash(k.hk, blocks)
    assert k.h2 == gf_mult(k.h, k.h)


def test_ghash_kernel_equals_the_table_definition():
    """ghash_bytes (compiled, the explicit path's GHASH) against ghash over blocks_of."""
    rng = random.Random(3)
    for n in (0, 1, 15, 16, 17, 33, 1000, 82120):
        k = GcmKey(rng.randbytes(16))
        data = rng.randbytes(n)
        assert ghash_bytes(k.hk, data) == ghash(k.hk, blocks_of(data)), n
    hk = GhashKey((1 << 128) - 1)
    assert ghash_bytes(hk, b"\xff" * 48) == ghash(hk, blocks_of(b"\xff" * 48))


def test_trace_keystream_blocks():
    k = GcmKey(bytes(range(16)))
    tr = GcmTrace()
    gcm_encrypt(k, bytes(12), bytes(100), b"", 16, tr)
    ks = k.keystream(tr.j0, 7)
    want = [int.from_bytes(ks[16 * i:16 * i + 16], "big") for i in range(7)]
    assert len(tr.keystream) == 7 and list(tr.keystream) == want and tr.keystream[:4] == want[:4]
    assert tr.keystream[-1] == want[-1] and tr.keystream[1:6:2] == want[1:6:2]
    with pytest.raises(IndexError):
        tr.keystream[7]


@pytest.mark.parametrize("tag_len", [16, 12])
def test_explicit_equals_library_on_frame_sized_data(tag_len):
    rng = random.Random(3)
    key, iv = rng.randbytes(32), rng.randbytes(12)
    pt, aad = rng.randbytes(82080), rng.randbytes(80)
    assert gcm_encrypt(GcmKey(key), iv, pt, aad, tag_len) == gcm_fast(key, iv, pt, aad, tag_len)


def test_empty_and_aad_only():
    k = GcmKey(bytes(16))
    # SP 800-38D test case 1 of the original GCM paper (all zero key and IV, no data).
    assert gcm_encrypt(k, bytes(12), b"", b"")[1].hex() == "58e2fccefa7e3061367f1d57a4e7455a"
    assert gcm_encrypt(k, bytes(12), b"", b"abc") == gcm_fast(bytes(16), bytes(12), b"", b"abc")


def test_counter_wraps_in_low_32_bits_only():
    k = GcmKey(bytes(range(32)))
    iv = bytes(12)
    j0 = int.from_bytes(iv, "big") << 32 | 1
    ks = k.keystream(j0 | 0xFFFFFFF0, 32)         # crosses 2^32
    assert ks[16 * 14:16 * 15] == k.encrypt_blocks(bytes(12) + b"\x00\x00\x00\x00")   # 0xFFFFFFFF + 1
    assert blocks_of(b"\x01")[0] == 1 << 120


def _sealed(tag_len, pt=b"frame payload", aad=b"pad header || oh"):
    k, iv = GcmKey(bytes(range(32))), bytes(range(12))
    ct, tag = gcm_encrypt(k, iv, pt, aad, tag_len)
    return k, iv, ct, aad, tag


@pytest.mark.parametrize("tag_len", [16, 15, 14, 13, 12, 8, 4])
def test_tag_bit_flip_at_every_position_rejected(tag_len):
    k, iv, ct, aad, tag = _sealed(tag_len)
    assert gcm_decrypt(k, iv, ct, aad, tag) == b"frame payload"
    for i in range(8 * tag_len):
        bad = bytearray(tag)
        bad[i // 8] ^= 0x80 >> (i % 8)
        with pytest.raises(InvalidTag):
            gcm_decrypt(k, iv, ct, aad, bytes(bad))


@pytest.mark.parametrize("length", [0, 1, 3, 5, 7, 9, 10, 11, 17, 32])
def test_tag_of_a_length_gcm_does_not_define_is_a_clear_error(length):
    """A truncated or extended tag is refused as such (GcmError naming the length),
    never compared as a shorter tag."""
    k, iv, ct, aad, tag = _sealed(16)
    with pytest.raises(GcmError, match=f"tag length {length} bytes"):
        gcm_decrypt(k, iv, ct, aad, (tag * 3)[:length])


def test_truncated_valid_tag_is_only_valid_at_that_length():
    """MSB_t of the 128-bit tag verifies at t; the same bytes at another defined length do not
    (the receiver's tag length is configuration, not taken from the data)."""
    k, iv, ct, aad, tag16 = _sealed(16)
    for t in (15, 14, 13, 12, 8, 4):
        assert gcm_decrypt(k, iv, ct, aad, tag16[:t]) == b"frame payload"
        with pytest.raises(InvalidTag):
            gcm_decrypt(k, iv, ct, aad, tag16[:t - 1].ljust(t, b"\0") if t > 4 else bytes(4))


@pytest.mark.parametrize("pt,aad", [(b"", b""), (b"", b"x" * 40), (b"y" * 33, b""), (bytes(16), bytes(16))])
def test_zero_length_payload_and_aad(pt, aad):
    """Explicit path == library; and the lengths block binds them: moving a byte between
    AAD and payload, or appending a zero byte to either, fails."""
    k, iv, ct, _, tag = _sealed(16, pt, aad)
    assert (ct, tag) == gcm_fast(bytes(range(32)), iv, pt, aad)
    assert gcm_decrypt(k, iv, ct, aad, tag) == pt
    for ct2, aad2 in ((ct + b"\0", aad), (ct, aad + b"\0"), (ct[1:], aad + ct[:1]), (ct + aad[:1], aad[1:])):
        if (ct2, aad2) != (ct, aad):
            with pytest.raises(InvalidTag):
                gcm_decrypt(k, iv, ct2, aad2, tag)
