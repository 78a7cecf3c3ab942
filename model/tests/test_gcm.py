# SPDX-License-Identifier: Apache-2.0
"""GCM explicit path: NIST CAVP (cryptography-vectors), the library's AESGCM, and the
RTL's two-blocks-per-step GHASH, all bit for bit."""
import os
import random

import pytest
from cavp import read_rsp

from physec.gcm import (GcmError, GcmKey, GhashKey, InvalidTag, blocks_of, gcm_decrypt, gcm_encrypt, gcm_fast,
                        gf_mult, ghash, ghash_2way)

REGRESS = bool(os.environ.get("PHYSEC_REGRESS"))


def cases(name):
    return [c for c in read_rsp(f"ciphers/AES/GCM/{name}") if c["IVlen"] == "96"]


def h(s):
    return bytes.fromhex(s)


@pytest.mark.parametrize("name", ["gcmEncryptExtIV128.rsp", "gcmEncryptExtIV256.rsp"])
def test_cavp_encrypt(name):
    n = 0
    for c in cases(name):
        k = GcmKey(h(c["Key"]))
        ct, tag = gcm_encrypt(k, h(c["IV"]), h(c["PT"]), h(c["AAD"]), int(c["Taglen"]) // 8)
        assert (ct, tag) == (h(c["CT"]), h(c["Tag"])), c["Count"]
        n += 1
    assert n >= 500


@pytest.mark.parametrize("name", ["gcmDecrypt128.rsp", "gcmDecrypt256.rsp"])
def test_cavp_decrypt_and_every_fail_rejected(name):
    fails = passes = 0
    for c in cases(name):
        k = GcmKey(h(c["Key"]))
        if c.get("FAIL"):
            with pytest.raises(InvalidTag):
                gcm_decrypt(k, h(c["IV"]), h(c["CT"]), h(c["AAD"]), h(c["Tag"]))
            fails += 1
        else:
            assert gcm_decrypt(k, h(c["IV"]), h(c["CT"]), h(c["AAD"]), h(c["Tag"])) == h(c["PT"])
            passes += 1
    assert fails > 100 and passes > 100


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
