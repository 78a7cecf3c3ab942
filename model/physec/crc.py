# SPDX-License-Identifier: Apache-2.0
"""CRCs of the frame overhead, written as the MSB-first polynomial division of G.709.

All are unreflected with no final XOR.  The RTL computes the same (``physec_crc_pkg``).
"""
from __future__ import annotations

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


def crc8_jc(jc1: int, jc2: int) -> int:
    return crc_bits(jc1 << 8 | jc2, 16, *CRC8_JC)


def crc5_jc(cnd: int) -> int:
    return crc_bits(cnd, 10, *CRC5_JC)


def crc16_oh(data: bytes) -> int:
    return crc_bytes(data, *CRC16_OH, init=0xFFFF)
