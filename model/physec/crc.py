# SPDX-License-Identifier: Apache-2.0
"""CRCs of the frame overhead, written as the MSB-first polynomial division of G.709.

All are unreflected with no final XOR.  The RTL computes the same (``physec_crc_pkg``).
``crc_bits`` is the bitwise definition; the per-frame CRCs use faster equal forms (the
C CRC-16/CCITT-FALSE of ``binascii``, tables for the JC CRCs), tested against it.
"""
from __future__ import annotations

import binascii

try:
    # Same function as zlib.crc32 (tested equal), SIMD-accelerated: zlib's runs at about
    # 1 GB/s, which alone would cap the chain near 4 Gb/s per direction.
    from zlib_ng.zlib_ng import crc32
except ImportError:             # requirements.txt pins zlib-ng; the model stays usable without it
    from zlib import crc32

CRC8_JC = (8, 0x0D)       # x^8 + x^3 + x^2 + 1 (G.709 Annex D, JC1..JC3), init 0
CRC5_JC = (5, 0x03)       # x^5 + x + 1 (G.709 Annex D, JC4..JC6), init 0
CRC16_OH = (16, 0x1021)   # x^16 + x^12 + x^5 + 1, init 0xFFFF (CRC-16/CCITT-FALSE), over the OH


def crc_bits(value: int, nbits: int, width: int, poly: int, init: int = 0) -> int:
    """CRC of the ``nbits``-bit ``value`` taken MSB first."""
    top = 1 << (width - 1)
    mask = (1 << width) - 1
    reg = init
    for i in range(nbits - 1, -1, -1):
        fb = ((reg & top) != 0) ^ ((value >> i) & 1)
        reg = (reg << 1) & mask
        if fb:
            reg ^= poly
    return reg


def crc_bytes(data: bytes, width: int, poly: int, init: int = 0) -> int:
    return crc_bits(int.from_bytes(data, "big"), 8 * len(data), width, poly, init)


# Both JC CRCs are linear with init 0: crc(a ^ b) = crc(a) ^ crc(b), so a 16-bit value's
# CRC-8 is the xor of its bytes' (two 256-entry tables) and a 10-bit CnD's CRC-5 a table.
_CRC8_HI = [crc_bits(v << 8, 16, *CRC8_JC) for v in range(256)]
_CRC8_LO = [crc_bits(v, 16, *CRC8_JC) for v in range(256)]
_CRC5 = [crc_bits(v, 10, *CRC5_JC) for v in range(1024)]


def crc8_jc(jc1: int, jc2: int) -> int:
    return _CRC8_HI[jc1 & 0xFF] ^ _CRC8_LO[jc2 & 0xFF]


def crc5_jc(cnd: int) -> int:
    return _CRC5[cnd & 0x3FF]


def crc16_oh(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (init 0xFFFF, polynomial 0x1021, MSB first): binascii's crc_hqx."""
    return binascii.crc_hqx(data, 0xFFFF)
