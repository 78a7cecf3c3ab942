# SPDX-License-Identifier: Apache-2.0
"""The PAD field: security parameters carried in the frame's otherwise unused AM pad.

Layout (spec 5.3), offsets in bytes from the start of PAD, multi-byte fields big-endian,
each byte sent MSB first; P = pad_bytes (60 in the 100g profile):

    0        version (1)
    1        mode: 0 bypass, 1 authenticate only, 2 encrypt and authenticate
    2        bits 7..6 AN, bit 5 tag valid, bit 4 key change pending, bits 3..2 next AN, 1..0 zero
    3        zero
    4..11    PN, 64 bits
    12..P-21 reserved, zero
    P-20..P-5 TAG of the previous frame (16 bytes; a shorter tag is left-aligned, zero-filled)
    P-4..P-1 CRC-32 (IEEE 802.3 polynomial, zlib) over bytes 0..P-5

The security header is bytes 0..P-21 (everything before TAG): it is what GCM
authenticates as AAD together with the OH.  The TAG sits at the end so that the
transmitter has the whole PAD time to finish the previous frame's GHASH.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

VERSION = 1
MODE_BYPASS, MODE_AUTH, MODE_ENCRYPT = 0, 1, 2
TAG_BYTES = 16


@dataclass(frozen=True)
class Pad:
    version: int = VERSION
    mode: int = MODE_BYPASS
    an: int = 0
    tag_valid: bool = False
    key_change_pending: bool = False
    next_an: int = 0
    pn: int = 0
    tag: bytes = bytes(TAG_BYTES)

    def encode(self, pad_bytes: int) -> bytes:
        if not (0 <= self.an < 4 and 0 <= self.next_an < 4 and 0 <= self.pn < 1 << 64 and len(self.tag) <= TAG_BYTES):
            raise ValueError(f"PAD field out of range: {self}")
        b = bytearray(pad_bytes)
        b[0], b[1] = self.version, self.mode
        b[2] = self.an << 6 | self.tag_valid << 5 | self.key_change_pending << 4 | self.next_an << 2
        b[4:12] = self.pn.to_bytes(8, "big")
        b[pad_bytes - 20:pad_bytes - 20 + len(self.tag)] = self.tag
        b[pad_bytes - 4:] = zlib.crc32(bytes(b[:pad_bytes - 4])).to_bytes(4, "big")
        return bytes(b)

    @classmethod
    def decode(cls, b: bytes) -> tuple["Pad", bool]:
        """Fields and whether the CRC-32 holds (fields are returned either way)."""
        n = len(b)
        crc_ok = zlib.crc32(b[:n - 4]).to_bytes(4, "big") == b[n - 4:]
        return cls(b[0], b[1], b[2] >> 6, bool(b[2] >> 5 & 1), bool(b[2] >> 4 & 1), b[2] >> 2 & 3,
                   int.from_bytes(b[4:12], "big"), bytes(b[n - 20:n - 4])), crc_ok


def security_header(pad: bytes) -> bytes:
    """The PAD bytes authenticated as AAD: everything before TAG."""
    return pad[:len(pad) - 20]
