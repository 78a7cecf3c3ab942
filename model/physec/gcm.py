# SPDX-License-Identifier: Apache-2.0
"""AES-GCM (NIST SP 800-38D) written out: H, J0, the CTR keystream Ek, GHASH, the tag.

This is the "explicit" path of the security stage: every intermediate value can be
dumped for the golden vectors, and it is what the RTL computes (keystream FIFO fed by
AES engines, GHASH two blocks per clock).  ``gcm_fast`` is the same operation through
the ``cryptography`` library's AESGCM; tests require both to agree bit for bit.  The
block cipher itself (AES in ECB) comes from ``cryptography`` in both.

Bit order (SP 800-38D): a 128-bit block is 16 bytes; as an integer it is the bytes
big-endian, so byte 0's MSB is the integer's bit 127.  GCM's field element x^0 is that
bit (the "reflected" convention): multiplying by x shifts the integer right by one.
"""
from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from cryptography.exceptions import InvalidTag as LibraryInvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .jit import kernel

R = 0xE1 << 120                      # x^128 = x^7 + x^2 + x + 1, reflected
MASK128 = (1 << 128) - 1
TAG_LENGTHS = (16, 15, 14, 13, 12, 8, 4)   # bytes; 8 and 4 only within SP 800-38D Appendix C limits


class GcmError(ValueError):
    """An input GCM cannot take (IV length, tag length, key length)."""


class InvalidTag(Exception):
    """Authentication failed."""


def gf_mult(x: int, y: int) -> int:
    """X * Y in GF(2^128), SP 800-38D Algorithm 1, bit by bit."""
    z, v = 0, y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ R if v & 1 else v >> 1
    return z


class GhashKey:
    """Multiplication by a fixed H with byte tables: T[i][b] = (b at byte i) * H."""

    def __init__(self, h: int):
        self.h = h
        # x^j * H for j = 0..127 (x^j is integer bit 127 - j): multiplying by x is a
        # right shift with reduction.  Byte i of X is linear: combine its eight bits.
        xj, v = [], h
        for _ in range(128):
            xj.append(v)
            v = (v >> 1) ^ R if v & 1 else v >> 1
        self.tables = []
        for i in range(16):
            bit = xj[8 * i:8 * i + 8]                                       # k = 0: MSB of byte i
            t = [0] * 256
            for b in range(1, 256):
                low = b & -b
                k = 7 - (low.bit_length() - 1)
                t[b] = t[b ^ low] ^ bit[k]
            self.tables.append(t)

    def mult(self, x: int) -> int:
        t = self.tables
        z = 0
        for i in range(16):
            z ^= t[i][(x >> (120 - 8 * i)) & 0xFF]
        return z

    @property
    def words(self) -> tuple[np.ndarray, np.ndarray]:
        """The tables as two uint64 arrays (16, 256): high and low halves, for the kernel."""
        if not hasattr(self, "_words"):
            m = (1 << 64) - 1
            self._words = (np.array([[v >> 64 for v in t] for t in self.tables], np.uint64),
                           np.array([[v & m for v in t] for t in self.tables], np.uint64))
        return self._words


def blocks_of(data: bytes) -> list[int]:
    """Data zero-padded to whole 16-byte blocks, as 128-bit integers."""
    n = -(-len(data) // 16)
    padded = data + bytes(16 * n - len(data))
    return [int.from_bytes(padded[16 * i:16 * i + 16], "big") for i in range(n)]


def ghash(hk: GhashKey, blocks: list[int], y: int = 0) -> int:
    for x in blocks:
        y = hk.mult(y ^ x)
    return y


@kernel
def ghash_kernel(th, tl, x):
    """``ghash`` compiled: the blocks as big-endian uint64 pairs ``x`` (2n), tables as
    ``GhashKey.words``: the 128-bit result as (high, low) uint64."""
    yh, yl = np.uint64(0), np.uint64(0)
    for b in range(0, x.shape[0], 2):
        xh, xl = yh ^ x[b], yl ^ x[b + 1]
        zh, zl = np.uint64(0), np.uint64(0)
        for i in range(8):
            c = (xh >> np.uint64(56 - 8 * i)) & np.uint64(0xFF)
            zh ^= th[i, c]
            zl ^= tl[i, c]
            c = (xl >> np.uint64(56 - 8 * i)) & np.uint64(0xFF)
            zh ^= th[8 + i, c]
            zl ^= tl[8 + i, c]
        yh, yl = zh, zl
    return yh, yl


def ghash_bytes(hk: GhashKey, data: bytes) -> int:
    """ghash(hk, blocks_of(data)) by the kernel."""
    pad = -len(data) % 16
    x = np.frombuffer(bytes(data) + bytes(pad) if pad else data, ">u8").astype(np.uint64)
    yh, yl = ghash_kernel(*hk.words, x)
    return int(yh) << 64 | int(yl)


def ghash_2way(hk: GhashKey, hk2: GhashKey, blocks: list[int]) -> int:
    """The RTL's form, two blocks per step: Y <- (Y ^ X1) * H^2 ^ X2 * H."""
    y = 0
    if len(blocks) % 2:
        blocks = [0] + list(blocks)      # a leading zero block leaves GHASH unchanged
    for x1, x2 in zip(blocks[0::2], blocks[1::2]):
        y = hk2.mult(y ^ x1) ^ hk.mult(x2)
    return y


def inc32(block: int) -> int:
    return (block & ~0xFFFFFFFF) | ((block + 1) & 0xFFFFFFFF)


class Blocks128(Sequence):
    """16-byte blocks as 128-bit integers, converted when read (a frame has 5,130
    keystream blocks; the vectors keep four)."""

    def __init__(self, data: bytes):
        self.data = data

    def __len__(self) -> int:
        return len(self.data) // 16

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return int.from_bytes(self.data[16 * i:16 * i + 16], "big")


@dataclass
class GcmTrace:
    """Intermediate values of one GCM operation (for golden vectors)."""

    h: int = 0
    h2: int = 0
    j0: int = 0
    ek_j0: int = 0
    keystream: Sequence = field(default_factory=list)   # E_K(inc32^i(J0)), i = 1..n, as ints
    s: int = 0                                      # GHASH output
    tag: bytes = b""


class GcmKey:
    """An installed key: the AES schedule (in the library), H and H^2 computed once."""

    def __init__(self, key: bytes):
        if len(key) not in (16, 24, 32):
            raise GcmError(f"AES keys are 16, 24 or 32 bytes, got {len(key)}")
        self.key = bytes(key)
        self._ecb = Cipher(algorithms.AES(self.key), modes.ECB())
        self.h = int.from_bytes(self.encrypt_blocks(bytes(16)), "big")
        self.h2 = gf_mult(self.h, self.h)
        self.hk = GhashKey(self.h)
        self._hk2 = None

    @property
    def hk2(self) -> GhashKey:
        if self._hk2 is None:
            self._hk2 = GhashKey(self.h2)
        return self._hk2

    def encrypt_blocks(self, data: bytes) -> bytes:
        enc = self._ecb.encryptor()
        return enc.update(data) + enc.finalize()

    def keystream(self, j0: int, n_blocks: int) -> bytes:
        """E_K(inc32^i(J0)) for i = 1..n_blocks, concatenated."""
        prefix = np.frombuffer((j0 >> 32).to_bytes(12, "big"), np.uint8)
        ctr = ((j0 & 0xFFFFFFFF) + 1 + np.arange(n_blocks, dtype=np.uint64)) & 0xFFFFFFFF
        blocks = np.empty((n_blocks, 16), np.uint8)
        blocks[:, :12] = prefix
        blocks[:, 12:] = ctr.astype(">u4").view(np.uint8).reshape(n_blocks, 4)
        return self.encrypt_blocks(blocks.tobytes())


def j0_of(iv: bytes) -> int:
    if len(iv) != 12:
        raise GcmError(f"only 96-bit IVs are supported (J0 = IV || 0^31 || 1), got {8 * len(iv)} bits")
    return int.from_bytes(iv, "big") << 32 | 1


def _xor(a: bytes, b: bytes) -> bytes:
    return (np.frombuffer(a, np.uint8) ^ np.frombuffer(b[:len(a)], np.uint8)).tobytes()


def _s(k: GcmKey, aad: bytes, ct: bytes) -> int:
    """GHASH_H(AAD, C) = ghash(k.hk, blocks_of(aad) + blocks_of(ct) + [lengths]), compiled."""
    lens = ((8 * len(aad)) << 64 | (8 * len(ct))).to_bytes(16, "big")
    return ghash_bytes(k.hk, b"".join((aad, bytes(-len(aad) % 16), ct, bytes(-len(ct) % 16), lens)))


def _check_tag_len(tag_len: int) -> None:
    if tag_len not in TAG_LENGTHS:
        raise GcmError(f"tag length {tag_len} bytes is not one of {TAG_LENGTHS}")


def gcm_encrypt(k: GcmKey, iv: bytes, pt: bytes, aad: bytes, tag_len: int = 16,
                trace: GcmTrace | None = None) -> tuple[bytes, bytes]:
    """GCM-AE, explicit path.  Returns (ciphertext, tag)."""
    _check_tag_len(tag_len)
    j0 = j0_of(iv)
    n = -(-len(pt) // 16)
    ks = k.keystream(j0, n)
    ct = _xor(pt, ks)
    ek_j0 = int.from_bytes(k.encrypt_blocks(j0.to_bytes(16, "big")), "big")
    s = _s(k, aad, ct)
    tag = ((s ^ ek_j0).to_bytes(16, "big"))[:tag_len]
    if trace is not None:
        trace.h, trace.h2, trace.j0, trace.ek_j0, trace.s, trace.tag = k.h, k.h2, j0, ek_j0, s, tag
        trace.keystream = Blocks128(ks)
    return ct, tag


def gcm_open(k: GcmKey, iv: bytes, ct: bytes, aad: bytes, tag_len: int = 16) -> tuple[bytes, bytes]:
    """Plaintext and the tag the sender must have sent, without comparing: PHYSec gets
    a frame's tag only with the next frame."""
    _check_tag_len(tag_len)
    j0 = j0_of(iv)
    ek_j0 = int.from_bytes(k.encrypt_blocks(j0.to_bytes(16, "big")), "big")
    return _xor(ct, k.keystream(j0, -(-len(ct) // 16))), ((_s(k, aad, ct) ^ ek_j0).to_bytes(16, "big"))[:tag_len]


def gcm_decrypt(k: GcmKey, iv: bytes, ct: bytes, aad: bytes, tag: bytes) -> bytes:
    """GCM-AD, explicit path: the plaintext, or InvalidTag (tag compared in constant time)."""
    pt, expect = gcm_open(k, iv, ct, aad, len(tag))
    if not hmac.compare_digest(expect, tag):
        raise InvalidTag("GCM tag mismatch")
    return pt


def gcm_fast(key: bytes | AESGCM, iv: bytes, pt: bytes, aad: bytes, tag_len: int = 16) -> tuple[bytes, bytes]:
    """The same GCM-AE through the library's AESGCM (the tag is the MSB_t of its 128-bit tag).
    ``key``: the key, or an AESGCM made from it once (saves the key schedule per call)."""
    _check_tag_len(tag_len)
    j0_of(iv)
    out = (key if isinstance(key, AESGCM) else AESGCM(key)).encrypt(iv, pt, aad)
    return out[:-16], out[-16:][:tag_len]


def gcm_open_fast(key: bytes, iv: bytes, ct: bytes, aad: bytes, tag_len: int = 16):
    """``gcm_open`` through the library in one pass (AES-CTR and GHASH together): the
    plaintext, and ``check(tag)``, whether ``tag`` is the tag the sender must have sent
    (compared in constant time by the library once the tag has arrived; call it once)."""
    _check_tag_len(tag_len)
    j0_of(iv)
    dec = Cipher(algorithms.AES(key), modes.GCM(iv, min_tag_length=tag_len)).decryptor()
    dec.authenticate_additional_data(aad)
    pt = dec.update(ct)

    def check(tag: bytes) -> bool:
        try:
            dec.finalize_with_tag(tag)
        except LibraryInvalidTag:
            return False
        return True
    return pt, check
