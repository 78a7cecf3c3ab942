# SPDX-License-Identifier: Apache-2.0
"""Plainly written per-block reference implementations, used only as test oracles.

They work on Python integers (tx_coded<65:0>, tx_xcoded<256:0>) and share no code
with the vectorised model beyond the table of valid block types from the standard.
"""
from physec.pcs66 import VALID_TYPES

EBLOCK = 0b01 | (0x1E << 2) | sum(0x1E << (2 + 8 + 7 * i) for i in range(8))


def transcode_257b_one(blocks):
    """Four 66b integers -> one 257b integer, following Clause 91.5.2.5 step by step."""
    clean = []
    for b in blocks:
        sh, pl = b & 3, b >> 2
        if sh == 0b10 or (sh == 0b01 and (pl & 0xFF) in VALID_TYPES):
            clean.append(b)
        else:
            clean.append(EBLOCK)
    if all(b & 3 == 0b10 for b in clean):
        bits = "1" + "".join(format(b >> 2, "064b")[::-1] for b in clean)
    else:
        flags = "".join("1" if b & 3 == 0b10 else "0" for b in clean)
        bits, first = "0" + flags, True
        for b in clean:
            payload = format(b >> 2, "064b")[::-1]          # payload bits in transmit order
            if b & 3 == 0b01 and first:
                payload = payload[:4] + payload[8:]          # drop tx_coded<9:6>
                first = False
            bits += payload
    assert len(bits) == 257
    return int(bits[::-1], 2)


def detranscode_257b_one(x):
    """One 257b integer -> (four 66b integers, err)."""
    bits = format(x, "0257b")[::-1]                       # transmit order
    if bits[0] == "1":
        return [0b10 | int(bits[1 + 64 * j:65 + 64 * j][::-1], 2) << 2 for j in range(4)], False
    flags = bits[1:5]
    if flags == "1111":
        return [EBLOCK] * 4, True
    pos, out, first = 5, [], True
    for j in range(4):
        if flags[j] == "1":
            out.append(0b10 | int(bits[pos:pos + 64][::-1], 2) << 2)
            pos += 64
        elif first:
            nib = int(bits[pos:pos + 4][::-1], 2)
            types = [t for t in VALID_TYPES if t & 0xF == nib]
            if not types:
                return [EBLOCK] * 4, True
            rest = int(bits[pos + 4:pos + 60][::-1], 2)
            out.append(0b01 | (types[0] | rest << 8) << 2)
            pos += 60
            first = False
        else:
            out.append(0b01 | int(bits[pos:pos + 64][::-1], 2) << 2)
            pos += 64
    assert pos == 257
    return out, False


# --- 64b/66b, one CGMII transfer at a time (Clause 49/82 block formats as bit strings) ---
_TERM = {0: 0x87, 1: 0x99, 2: 0xAA, 3: 0xB4, 4: 0xCC, 5: 0xD2, 6: 0xE1, 7: 0xFF}
_C7 = {0x07: 0x00, 0xFE: 0x1E}


def _bits(v, n):
    return format(v, f"0{n}b")[::-1]                       # LSB first = transmit order


def encode_66b_one(data, ctrl):
    """(8 data bytes, 8 ctrl flags) -> 66b integer."""
    if not any(ctrl):
        s = "01" + "".join(_bits(b, 8) for b in data)
        return int(s[::-1], 2)
    body = None
    if all(ctrl) and all(b in _C7 for b in data):
        body = _bits(0x1E, 8) + "".join(_bits(_C7[b], 7) for b in data)
    elif ctrl[0] and data[0] == 0xFB and not any(ctrl[1:]):
        body = _bits(0x78, 8) + "".join(_bits(b, 8) for b in data[1:])
    elif ctrl[0] and data[0] == 0x9C and not any(ctrl[1:]) and not any(data[4:]):
        body = _bits(0x4B, 8) + "".join(_bits(b, 8) for b in data[1:4]) + "0" * 32
    else:
        for k in range(8):
            if (not any(ctrl[:k]) and ctrl[k] and data[k] == 0xFD
                    and all(ctrl[i] and data[i] in _C7 for i in range(k + 1, 8))):
                body = (_bits(_TERM[k], 8) + "".join(_bits(b, 8) for b in data[:k]) + "0" * (7 - k)
                        + "".join(_bits(_C7[data[i]], 7) for i in range(k + 1, 8)))
                break
    if body is None:
        body = _bits(0x1E, 8) + _bits(0x1E, 7) * 8
    assert len(body) == 64
    return int(("10" + body)[::-1], 2)


# --- the frame, built slot by slot as bit strings (G.709 closed form written out) ---
def build_frame_oracle(p, pad: bytes, oh: bytes, blocks: list, cm: int) -> bytes:
    """AM | PAD | OH | slots | fill; ``blocks`` are tx_xcoded<256:0> integers for the data slots."""
    am = "".join(format(b, "08b")[::-1] for lane in p.am_lanes for b in lane)   # IEEE bytes go LSB first
    bits = am + "".join(format(b, "08b") for b in pad + oh)
    it = iter(blocks)
    for j in range(1, p.n_slots + 1):
        if (j * cm) % p.n_slots < cm:
            bits += format(next(it), "0257b")[::-1]          # tx_xcoded<0> first
        else:
            bits += "0" * p.slot_bits
    bits += "0" * p.fill_bits
    assert len(bits) == p.frame_bits
    return int(bits, 2).to_bytes(p.frame_bits // 8, "big")
