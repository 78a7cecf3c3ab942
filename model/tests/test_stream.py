# SPDX-License-Identifier: Apache-2.0
"""The fast and streaming paths against plainly written references.

- slots on 64-bit words (pack_slots / unpack_slots) against the bit-string frame oracle
  and the one-byte-per-bit helpers;
- the streaming receiver (Deframer fed in chunks split at every awkward place, and in
  any pieces hypothesis draws) against itself fed at once, and against
  ``deframe_per_bit`` below: the receiver as first written, one numpy byte per line
  bit, kept here as the cross-check;
- chunked MAC/PCS transmit and receive against the one-call functions;
- the security stage's library fast path (AES-CTR keystream) against the explicit GCM;
- bounded memory of the streaming paths.
"""
import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import build_frame_oracle
from test_fuzz_vectors import budget

import zlib

from physec.crc import CRC5_JC, CRC8_JC, CRC16_OH, crc5_jc, crc8_jc, crc16_oh, crc32, crc_bits, crc_bytes
from physec.frame import (Deframer, FrameTx, bitrev64, bits_to_blocks, build_payload, deframe, deframe_bytes,
                          find_am, frame_tx, line_bits, unpack_slots, am_line_bytes)
from physec.gcm import GcmKey, gcm_open, gcm_fast
from physec.gmp import ERROR_257B, client_valid, jc_decode, slot_map
from physec.mac import MacRx, MacTx, mac_decode, mac_encode
from physec.pcs import PcsRxStream, pcs_rx, pcs_tx, pcs_tx_stream
from physec.pcs66 import Cgmii
from physec.profile import PROFILES
from physec.sec import CUT_THROUGH, STORE_AND_FORWARD, SecKey, SecRx, SecTx
from physec.traffic import Traffic, make_traffic
from physec.xcode257 import Blocks257

P = PROFILES["100g"]
F = P.frame_bits
KEY = SecKey(bytes(range(32)), bytes(range(12)))


def rand_blocks(rng, n):
    return Blocks257(rng.integers(0, 2, n).astype(np.uint8), rng.integers(0, 2**64, (n, 4), dtype=np.uint64))


def astuples(xs):
    return [dataclasses.astuple(x) for x in xs]


# ---- the receiver as first written: one numpy byte per line bit ---------------------

def deframe_per_bit(p, bits, sec=None):
    """(blocks as ints, [(pos, am_good, oh_ok, mfas, usable, cm)], counters, events)."""
    bits = np.asarray(bits, np.uint8)
    am = np.unpackbits(np.frombuffer(am_line_bytes(p), np.uint8))
    H = p.header_bits
    am_at = lambda q: q + len(am) <= len(bits) and np.array_equal(bits[q:q + len(am)], am)  # noqa: E731
    a0, a1 = p.am_bits // 8, (p.am_bits + p.pad_bits) // 8
    cnt = dict(frames=0, am_bad=0, oh_crc_errors=0, jc_crc_errors=0, jc_pattern_errors=0, unusable_frames=0,
               lock_losses=0, locks=0, lost_frames=0, error_blocks=0, sec_dropped=0)
    err = ERROR_257B.to_ints()[0]
    out, frames, events = [], [], []
    cm_prev, cm_known, cursor, last, locked, nxt, bad = 0, False, 0, None, False, 0, 0
    prev_rs = None                          # security result of the previous processed frame

    def find(start):
        for q in range(start, len(bits) - len(am) + 1):
            if am_at(q):
                return q
        return None

    while True:
        if not locked:
            q = find(cursor)
            if q is None or q + (p.lock_good - 1) * F + len(am) > len(bits):
                break
            if not all(am_at(q + k * F) for k in range(1, p.lock_good)):
                cursor = q + 1
                continue
            locked, nxt, bad = True, q + (p.lock_good - 1) * F, 0
            cnt["locks"] += 1
            events.append((nxt, "lock"))
            if last is not None:
                cnt["lost_frames"] += max(0, (nxt - last - F // 2) // F)
                gap = nxt - (last + F)
                k = min(p.n_slots, (gap % F) // p.slot_bits)
                n = (gap // F) * cm_prev + k * cm_prev // p.n_slots
                cnt["error_blocks"] += n
                out.append((None, [err] * n))
        q = nxt
        if q + F > len(bits):
            break
        good = am_at(q)
        bad = 0 if good else bad + 1
        cnt["am_bad"] += not good
        if bad >= p.lock_bad:
            locked, cursor, cm_known = False, q + 1, False
            cnt["lock_losses"] += 1
            events.append((q, "loss"))
            continue
        hdr = np.packbits(bits[q:q + H]).tobytes()
        oh = hdr[a1:]
        oh_ok = crc_bytes(oh[:-2], *CRC16_OH, init=0xFFFF) == int.from_bytes(oh[-2:], "big")
        payload = bits[q + H:q + F]
        rs = None
        if sec is not None:
            rs = sec.frame(oh[0], hdr[a0:a1], oh, np.packbits(payload).tobytes())
            payload = np.unpackbits(np.frombuffer(rs.payload, np.uint8))
            # Spec 4.4 rule 3: Cm' only from a frame with no failure (its tag was in this PAD).
            cm_known = cm_known and not prev_rs.reasons
            prev_rs = rs
        jc = jc_decode(oh[2:8], cm_prev, cm_known)
        usable = jc.cm is not None and 0 <= jc.cm <= p.n_slots and (good or oh_ok)
        cm_known = usable
        cnt["frames"] += 1
        cnt["oh_crc_errors"] += not oh_ok
        cnt["jc_crc_errors"] += not jc.crc_ok
        cnt["jc_pattern_errors"] += jc.kind in ("pattern", "stale")
        if usable:
            cm_prev = jc.cm
        frames.append((q, good, oh_ok, oh[0], usable, cm_prev))
        if usable:
            slots = payload[:p.n_slots * p.slot_bits].reshape(p.n_slots, p.slot_bits)
            out.append((rs, bits_to_blocks(slots[slot_map(jc.cm, p.n_slots)]).to_ints()))
        else:
            cnt["unusable_frames"] += 1
            cnt["error_blocks"] += cm_prev
            out.append((None, [err] * cm_prev))
        last, nxt = q, q + F
    if sec is not None:
        sec.finish()
    blocks = []
    for rs, b in out:
        if rs is not None and not rs.released:
            cnt["sec_dropped"] += 1
            cnt["error_blocks"] += len(b)
            b = [err] * len(b)
        blocks += b
    return blocks, frames, cnt, events


def summary(rx):
    return (rx.blocks.to_ints(), [(f.pos, f.am_good, f.oh_crc_ok, f.mfas, f.usable, f.cm) for f in rx.frames],
            dataclasses.asdict(rx.counters), rx.events)


# ---- slots on words ----------------------------------------------------------------

def test_bitrev64():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2**64, 500, dtype=np.uint64)
    assert [int(v) for v in bitrev64(x)] == [int(f"{int(v):064b}"[::-1], 2) for v in x]


@pytest.mark.parametrize("name", ["100g", "400g"])
@pytest.mark.parametrize("cm", [0, 1, 2, 1000, 2400, "max"])
def test_pack_slots_matches_bit_string_oracle(name, cm):
    p = PROFILES[name]
    cm = p.n_slots if cm == "max" else cm
    rng = np.random.default_rng(cm)
    b = rand_blocks(rng, cm)
    payload = build_payload(p, b, slot_map(cm, p.n_slots))
    pad, oh = rng.bytes(p.pad_bytes), rng.bytes(p.oh_bytes)
    frame = build_frame_oracle(p, pad, oh, b.to_ints(), cm)
    assert am_line_bytes(p) + pad + oh + payload == frame
    back = unpack_slots(p, np.frombuffer(payload + bytes(-len(payload) % 8), ">u8").astype(np.uint64))
    data = slot_map(cm, p.n_slots)
    assert Blocks257(back.hdr[data], back.body[data]).to_ints() == b.to_ints()
    bits = np.unpackbits(np.frombuffer(payload, np.uint8))[:p.n_slots * 257].reshape(-1, 257)
    ref = bits_to_blocks(bits)                      # the one-byte-per-bit path
    assert (ref.hdr == back.hdr).all() and (ref.body == back.body).all()


def test_find_am_at_every_phase_and_against_a_per_bit_search():
    rng = np.random.default_rng(7)
    am = np.unpackbits(np.frombuffer(am_line_bytes(P), np.uint8))
    for off in list(range(0, 17)) + [int(x) for x in rng.integers(0, 3000, 10)]:
        bits = rng.integers(0, 2, 4000).astype(np.uint8)
        bits[off:off + len(am)] = am
        for start in (0, off, off + 1):
            exp = next((q for q in range(start, len(bits) - len(am) + 1)
                        if np.array_equal(bits[q:q + len(am)], am)), None)
            assert find_am(bits, am, start) == exp
    # A match cut by the end of the data is no match.
    bits = np.concatenate((rng.integers(0, 2, 13).astype(np.uint8), am[:-1]))
    assert find_am(bits, am, 0) is None


# ---- the streaming receiver --------------------------------------------------------

def _client(n, seed):
    rng = np.random.default_rng(seed)
    return Blocks257(np.ones(n, np.uint8), rng.integers(0, 2**63, (n, 4), dtype=np.uint64) * 2 + 1)


def _line(n_frames, ppm=0, sec=None, seed=0):
    client = _client(int(P.cm_nominal * (n_frames + 2)), seed)
    return line_bits(frame_tx(P, client, client_valid(P, n_frames, ppm), sec))


def impaired(kind, rng):
    """A line of up to 9 frames with one kind of impairment (bit level)."""
    bits = _line(9, ppm=int(rng.integers(-200, 201)), seed=int(rng.integers(1 << 30)))
    off = rng.integers(0, 2, int(rng.integers(0, 3 * P.am_bits))).astype(np.uint8)
    bits = np.concatenate((off, bits))
    o = len(off)
    if kind == "slip":
        at = o + int(rng.integers(2 * F, 6 * F))
        bits = np.insert(bits, at, rng.integers(0, 2, int(rng.integers(1, 9)))) if rng.random() < .5 \
            else np.delete(bits, slice(at, at + int(rng.integers(1, 9))))
    elif kind == "am_loss":                          # three bad AMs: lock lost, then regained
        for k in (3, 4, 5):
            bits[o + k * F + int(rng.integers(0, P.am_bits))] ^= 1
    elif kind == "one_bad_am":
        bits[o + 3 * F + int(rng.integers(0, P.am_bits))] ^= 1
    elif kind == "oh":
        bits[o + 4 * F + P.am_bits + P.pad_bits + int(rng.integers(0, P.oh_bits))] ^= 1
    elif kind == "gap":                              # a stretch of random line: lost frames
        at = o + int(rng.integers(2 * F, 4 * F))
        bits = np.concatenate((bits[:at], rng.integers(0, 2, int(rng.integers(1, 2 * F))).astype(np.uint8),
                               bits[at + F:]))
    elif kind == "truncated":
        bits = bits[:len(bits) - int(rng.integers(1, F))]
    return bits


KINDS = ["clean", "slip", "am_loss", "one_bad_am", "oh", "gap", "truncated"]


def awkward_cuts(nbytes, rng):
    """Chunk boundaries (bytes): around every frame's AM, PAD, OH and payload start and
    its end, one byte apart, plus random ones."""
    cuts = set()
    for k in range(nbytes // (F // 8) + 2):
        base = k * (F // 8) + int(rng.integers(0, 3 * P.am_bits // 8))
        for d in (0, P.am_bits // 8, (P.am_bits + P.pad_bits) // 8, P.header_bits // 8, F // 8):
            cuts.update(base + d + e for e in (-1, 0, 1))
    cuts.update(int(x) for x in rng.integers(0, nbytes, 20))
    return sorted(c for c in cuts if 0 < c < nbytes)


@pytest.mark.parametrize("kind", KINDS)
def test_deframer_chunks_and_whole_array_and_per_bit_oracle_agree(kind):
    rng = np.random.default_rng(KINDS.index(kind) + 100)
    bits = impaired(kind, rng)
    whole = deframe(P, bits)
    assert whole.counters.frames > 0
    oracle = deframe_per_bit(P, bits)
    got = summary(whole)
    assert got[0] == oracle[0]
    assert got[1] == oracle[1]
    assert got[2] == oracle[2]
    assert got[3] == oracle[3]
    packed = np.packbits(bits).tobytes()
    cuts = [0] + awkward_cuts(len(packed), rng) + [len(packed)]
    d = Deframer(P)
    outs = []
    for a, b in zip(cuts, cuts[1:]):
        nb = min(8 * (b - a), len(bits) - 8 * a)
        outs += d.feed(packed[a:b], nb)
    outs += d.finish()
    assert [v for o in outs for v in o.blocks.to_ints()] == got[0]
    assert [(o.status.pos, o.status.mfas) for o in outs if o.status] == [(f[0], f[3]) for f in got[1]]
    assert dataclasses.asdict(d.counters) == got[2] and d.events == got[3]


@pytest.mark.parametrize("policy", [CUT_THROUGH, STORE_AND_FORWARD])
@pytest.mark.parametrize("kind", ["clean", "slip", "am_loss"])
def test_secured_deframer_in_chunks_against_per_bit_oracle(policy, kind):
    rng = np.random.default_rng(len(kind) + (policy == CUT_THROUGH))
    bits = _line(8, sec=SecTx(0, KEY, 5), seed=3)
    if kind == "slip":
        bits = np.delete(bits, 3 * F + 12345)
    elif kind == "am_loss":
        for k in (3, 4, 5):
            bits[k * F + 77] ^= 1
    oracle = deframe_per_bit(P, bits, SecRx({0: KEY}, 5, policy))
    packed = np.packbits(bits).tobytes()
    rx = deframe_bytes(P, packed, SecRx({0: KEY}, 5, policy), len(bits), chunk=int(rng.integers(1000, 30000)))
    got = summary(rx)
    assert got[0] == oracle[0] and got[1] == oracle[1] and got[2] == oracle[2] and got[3] == oracle[3]
    assert rx.counters.sec_dropped >= 1                 # the first frame is never predicted


F8, AM8, PAD8, H8 = F // 8, P.am_bits // 8, P.pad_bits // 8, P.header_bits // 8
N_ANY = 8                   # frames: lock lost at line frame 4 (bad AMs 2..4) is regained at 6
LINES_ANY = {False: _line(N_ANY, seed=11), True: _line(N_ANY, sec=SecTx(0, KEY, 5), seed=12)}


@st.composite
def pieces_of_lines(draw):
    """(secured, line bits, cuts in bytes, piece type): a line clean or with a bit slip,
    a lost AM (loss and relock), one bad AM or an end inside a byte, at any bit offset;
    cut into pieces of cycled sizes (1 byte to three frames) plus a run of 1-byte pieces
    around one AM, PAD, OH, payload start or frame end."""
    secured = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    off = draw(st.integers(0, 2 * P.am_bits))
    bits = np.concatenate((rng.integers(0, 2, off).astype(np.uint8), LINES_ANY[secured]))
    kind = draw(st.sampled_from(["clean", "slip", "am_loss", "one_bad_am", "truncated"]))
    if kind == "slip":
        at, n = off + draw(st.integers(F, (N_ANY - 2) * F)), draw(st.integers(1, 8))
        bits = np.insert(bits, at, rng.integers(0, 2, n).astype(np.uint8)) if draw(st.booleans()) \
            else np.delete(bits, slice(at, at + n))
    elif kind in ("am_loss", "one_bad_am"):
        for k in (2, 3, 4) if kind == "am_loss" else (3,):
            bits[off + k * F + draw(st.integers(0, P.am_bits - 1))] ^= 1
    elif kind == "truncated":
        bits = bits[:len(bits) - draw(st.integers(1, F))]
    nbytes = -(-len(bits) // 8)
    size = st.one_of(st.integers(1, 64), st.integers(65, 9000), st.integers(F8 - 64, F8 + 64),
                     st.integers(F8 + 1, 3 * F8))
    sizes = draw(st.lists(size, min_size=1, max_size=5))
    if sum(sizes) < 2048:                       # a bounded number of feeds per line
        sizes.append(draw(st.integers(2048, 3 * F8)))
    cuts, at = set(), 0
    while at < nbytes:
        at += sizes[len(cuts) % len(sizes)]
        cuts.add(at)
    edge = off // 8 + draw(st.integers(0, N_ANY)) * F8 + draw(st.sampled_from([0, AM8, AM8 + PAD8, H8]))
    cuts.update(range(edge - 16, edge + 16))
    return secured, bits, sorted(c for c in cuts if 0 < c < nbytes), draw(st.sampled_from(["bytes", "view", "reused"]))


@budget(40)
@given(pieces_of_lines(), st.sampled_from([CUT_THROUGH, STORE_AND_FORWARD]))
def test_deframer_fed_in_any_pieces_equals_one_piece(case, policy):
    """Any chunking gives the one-piece output bit for bit: blocks, frame records (with
    their security results), counters, lock events.  Pieces are bytes, views of bytes
    (kept without a copy) or one bytearray overwritten after each feed (must be copied)."""
    secured, bits, cuts, kind = case
    packed = np.packbits(bits).tobytes()
    srx = [SecRx({0: KEY}, 5, policy) if secured else None for _ in range(2)]
    whole = deframe_bytes(P, packed, srx[0], len(bits))
    d = Deframer(P, srx[1])
    outs, scratch = [], bytearray()
    for a, b in zip([0, *cuts], [*cuts, len(packed)]):
        nb = min(8 * (b - a), len(bits) - 8 * a)
        if kind == "reused":
            scratch[:] = packed[a:b]
            outs += d.feed(scratch, nb)
            scratch[:] = bytes(len(scratch))
        else:
            outs += d.feed(packed[a:b] if kind == "bytes" else memoryview(packed)[a:b], nb)
    outs += d.finish()
    assert whole.counters.frames > 0
    got_hdr = np.concatenate([np.zeros(0, np.uint8)] + [o.blocks.hdr for o in outs])
    got_body = np.concatenate([np.zeros((0, 4), np.uint64)] + [o.blocks.body for o in outs])
    assert np.array_equal(got_hdr, whole.blocks.hdr) and np.array_equal(got_body, whole.blocks.body)
    assert [o.status for o in outs if o.status is not None] == whole.frames
    assert d.counters == whole.counters and d.events == whole.events
    if secured:
        assert srx[1].cnt == srx[0].cnt


def test_deframer_feed_rules():
    d = Deframer(P)
    d.feed(b"\x00" * 10, 75)
    with pytest.raises(ValueError, match="inside a byte"):
        d.feed(b"\x00")
    with pytest.raises(ValueError, match="nbits"):
        Deframer(P).feed(b"\x00", 9)


def test_deframer_memory_is_bounded():
    line = np.packbits(_line(30)).tobytes()
    d = Deframer(P)
    biggest = 0
    n_blocks = 0
    for i in range(0, len(line), 7919):
        for o in d.feed(line[i:i + 7919]):
            n_blocks += len(o.blocks)
        biggest = max(biggest, len(d.buf) + sum(map(len, d.more)))
    d.finish()
    assert n_blocks > 25 * 2400
    assert biggest <= 2 * F // 8 + 7919, "the receiver keeps more than about two frames of line"


# ---- streaming transmit ------------------------------------------------------------

def test_frame_tx_from_client_chunks_equals_whole_client():
    rng = np.random.default_rng(3)
    n = 6
    client = _client(int(P.cm_nominal * (n + 2)), 9)
    valid = client_valid(P, n, 120)
    whole = frame_tx(P, client, valid, SecTx(0, KEY, 2))
    cuts = np.sort(rng.integers(0, len(client), 15))
    chunks = [Blocks257(client.hdr[a:b], client.body[a:b]) for a, b in zip([0, *cuts], [*cuts, len(client)])]
    ftx = FrameTx(P, iter(chunks), SecTx(0, KEY, 2))
    w = P.words_per_frame
    streamed = [ftx.frame(valid[i:i + w]) for i in range(0, len(valid), w)]
    assert [f.line for f in streamed] == [f.line for f in whole]
    assert len(ftx.feed.hdr) < 2 * P.n_slots, "the transmitter keeps client blocks it has mapped"


def test_frame_tx_past_the_end_of_a_streamed_client_sends_idle():
    client = _client(3000, 4)
    valid = client_valid(P, 4)
    whole = frame_tx(P, client, valid)
    ftx = FrameTx(P, iter([Blocks257(client.hdr[:1000], client.body[:1000]),
                           Blocks257(client.hdr[1000:], client.body[1000:])]))
    w = P.words_per_frame
    assert [ftx.frame(valid[i:i + w]).line for i in range(0, len(valid), w)] == [f.line for f in whole]


@pytest.mark.parametrize("traffic", ["default", "bulk"])
def test_pcs_streams_equal_the_one_call_functions(traffic):
    tr = make_traffic(traffic, 60, 5)
    ref = pcs_tx(tr, 77)
    for chunk in (1, 13, 1000):
        parts = list(pcs_tx_stream(tr, 77, chunk))
        assert np.array_equal(np.concatenate([b.hdr for b in parts]), ref.b257.hdr)
        assert np.array_equal(np.concatenate([b.body for b in parts]), ref.b257.body)
    rx = pcs_rx(ref.b257)
    b = ref.b257
    for chunk in (7, 29, 4000):
        s = PcsRxStream()
        got = []
        for i in range(0, len(b), chunk):
            got += s.feed(Blocks257(b.hdr[i:i + chunk], b.body[i:i + chunk]))
        got += s.finish()
        assert astuples(got) == astuples(rx.frames) and s.stats == rx.stats


def test_pcs_tx_stream_from_a_generator_of_traffic_pieces():
    pieces = [make_traffic("default", 20, s) for s in range(4)]
    whole = Traffic([f for t in pieces for f in t.frames], np.concatenate([t.gaps for t in pieces]), "default", 0)
    ref = pcs_tx(whole, 5).b257
    parts = list(pcs_tx_stream((t for t in pieces), 5))
    assert np.array_equal(np.concatenate([b.body for b in parts]), ref.body)


def test_mac_in_chunks_with_impairments():
    rng = np.random.default_rng(11)
    chars = np.array([0x07, 0xFB, 0xFD, 0xFE, 0x9C, 0x00, 0x55, 0xD5], np.uint8)
    for it in range(40):
        tr = make_traffic("default" if it % 2 else "bulk", int(rng.integers(1, 20)), it)
        lead = int(rng.integers(0, 100))
        cg, _ = mac_encode(tr.frames, tr.gaps, lead_idle=lead)
        m = MacTx(4, lead)
        parts, i = [], 0
        while i < len(tr.frames):
            k = int(rng.integers(0, 5))
            parts.append(m.encode(tr.frames[i:i + k], tr.gaps[i:i + k])[0])
            i += k
        parts.append(m.encode([], final=True)[0])
        assert np.array_equal(np.concatenate([p.data for p in parts]), cg.data)
        assert np.array_equal(np.concatenate([p.ctrl for p in parts]), cg.ctrl)
        d, c = cg.data.copy(), cg.ctrl.copy()
        idx = rng.integers(0, d.size, int(rng.integers(0, 30)))
        d.reshape(-1)[idx] = chars[rng.integers(0, 8, len(idx))]
        c.reshape(-1)[idx] = rng.random(len(idx)) < 0.5
        frames, stats = mac_decode(Cgmii(d, c))
        rx, got, i = MacRx(), [], 0
        while i < len(d):
            k = int(rng.integers(0, 200))
            got += rx.decode(Cgmii(d[i:i + k], c[i:i + k]))
            i += k
        got += rx.decode(Cgmii(d[:0], c[:0]), final=True)
        assert astuples(got) == astuples(frames) and rx.stats == stats


# ---- the security stage's fast path --------------------------------------------------

def test_open_and_fast_seal_agree():
    rng = np.random.default_rng(2)
    for key_len in (16, 32):
        k = GcmKey(rng.bytes(key_len))
        for n in (0, 1, 15, 16, 17, 82080):
            iv, ct, aad = rng.bytes(12), rng.bytes(n), rng.bytes(int(rng.integers(0, 100)))
            pt, tag = gcm_open(k, iv, ct, aad, 16)
            assert gcm_fast(k.key, iv, pt, aad, 16) == (ct, tag)


def test_fast_and_explicit_receivers_agree():
    bits = _line(5, sec=SecTx(0, KEY, 1), seed=5)
    bits[3 * F + 50_000] ^= 1                             # frame 3 fails its tag
    fast = deframe(P, bits, SecRx({0: KEY}, 1, CUT_THROUGH))
    expl = deframe(P, bits, SecRx({0: KEY}, 1, CUT_THROUGH, explicit=True))
    assert fast.blocks.to_ints() == expl.blocks.to_ints()
    assert [(f.sec.verdict, f.sec.reasons, f.sec.payload) for f in fast.frames] == \
        [(f.sec.verdict, f.sec.reasons, f.sec.payload) for f in expl.frames]
    # First frame: nothing predicted; frame 3: tag mismatch; the last: its tag never comes.
    assert [f.sec.verdict for f in fast.frames] == ["fail", "pass", "fail", "fail"]


# ---- the fast CRCs against the bitwise definition ---------------------------------------

def test_fast_crcs_equal_the_bitwise_definition():
    rng = np.random.default_rng(16)
    for n in list(range(0, 70)) + [2000]:
        b = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert crc16_oh(b) == crc_bytes(b, *CRC16_OH, init=0xFFFF)
        assert crc32(b) == zlib.crc32(b) and crc32(b, n) == zlib.crc32(b, n)
    for v in range(1 << 16):
        assert crc8_jc(v >> 8, v & 0xFF) == crc_bits(v, 16, *CRC8_JC)
    for v in range(1 << 10):
        assert crc5_jc(v) == crc_bits(v, 10, *CRC5_JC)
