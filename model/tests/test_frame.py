# SPDX-License-Identifier: Apache-2.0
"""Stage frame: framer vs a slot-by-slot oracle, and the receiver under impairments."""
import numpy as np
import pytest
from oracle import build_frame_oracle

from physec.frame import (IDLE_257B, FrameTx, am_line_bytes, deframe, frame_tx, line_bits, oh_encode)
from physec.gmp import ERROR_257B, client_valid
from physec.pad import Pad
from physec.profile import PROFILES
from physec.xcode257 import Blocks257

P = PROFILES["100g"]
ERR = ERROR_257B.to_ints()[0]


def unique_client(n, seed=0):
    """All-data 257b blocks with random bodies: every block is distinct."""
    rng = np.random.default_rng(seed)
    return Blocks257(np.ones(n, np.uint8), rng.integers(0, 2**63, (n, 4), dtype=np.uint64) * 2 + 1)


def transmit(n_frames, ppm=0, p=P, edit=None, seed=0):
    client = unique_client(int(p.cm_nominal * (n_frames + 2)), seed)
    v = client_valid(p, n_frames, ppm)
    if edit:
        edit(v)
    return client, frame_tx(p, client, v)


def sent(client, frames):
    """Per frame, the 257b integers its data slots carry."""
    ci = client.to_ints()
    return [[ci[i] if i >= 0 else ERR for i in f.map.slots] for f in frames]


def check_no_garbage(rx_ints, tx_ints):
    """Every block the receiver emits is an error block or the next block of a run of
    transmitted blocks, in order: nothing corrupted, reordered or invented."""
    where = {v: i for i, v in enumerate(tx_ints)}
    prev = None
    for v in rx_ints:
        if v == ERR:
            prev = None
            continue
        assert v in where, "receiver emitted a block that was never sent"
        assert prev is None or where[v] == prev + 1
        prev = where[v]


def test_framer_matches_slot_by_slot_oracle():
    client, frames = transmit(3, ppm=150)
    for f, blocks in zip(frames, sent(client, frames)):
        assert f.line == build_frame_oracle(P, f.pad, f.oh, blocks, f.map.cm)


def test_header_fields():
    client, frames = transmit(2)
    f = frames[1]
    assert f.line[:60] == am_line_bytes(P)
    assert f.line[60:120] == Pad(pn=1).encode(60) == f.pad
    assert f.line[120:160] == f.oh == oh_encode(P, 1, 0, f.jc)
    assert f.oh[0] == 1 and f.oh[8:38] == bytes(30)


@pytest.mark.parametrize("ppm", [-200, 0, 200])
def test_loopback_at_any_bit_offset(ppm):
    client, frames = transmit(16, ppm)
    rng = np.random.default_rng(ppm + 1000)
    off = int(rng.integers(0, P.frame_bits))
    bits = np.concatenate((rng.integers(0, 2, off).astype(np.uint8), line_bits(frames)))
    rx = deframe(P, bits)
    assert rx.frames[0].pos == off + P.frame_bits           # frame 0 confirms nothing; frame 1 locks
    exp = [b for fr in sent(client, frames)[1:] for b in fr]
    assert rx.blocks.to_ints() == exp
    c = rx.counters
    assert (c.frames, c.locks, c.lock_losses, c.am_bad, c.unusable_frames, c.error_blocks) == (15, 1, 0, 0, 0, 0)
    assert [f.mfas for f in rx.frames] == list(range(1, 16))


def _flip(bits, pos):
    bits = bits.copy()
    bits[pos] ^= 1
    return bits


def test_single_bad_am_keeps_lock_and_data():
    client, frames = transmit(8)
    bits = _flip(line_bits(frames), 4 * P.frame_bits + 100)
    rx = deframe(P, bits)
    assert rx.counters.am_bad == 1 and rx.counters.lock_losses == 0
    assert rx.frames[3].usable and not rx.frames[3].am_good
    assert rx.blocks.to_ints() == [b for fr in sent(client, frames)[1:] for b in fr]


def test_repeated_bad_am_loses_and_regains_lock():
    client, frames = transmit(16)
    bits = line_bits(frames)
    for k in (5, 6, 7):
        bits = _flip(bits, k * P.frame_bits + 7)
    rx = deframe(P, bits)
    c = rx.counters
    assert c.lock_losses == 1 and c.locks == 2 and c.am_bad == 3
    assert [e[1] for e in rx.events] == ["lock", "loss", "lock"]
    # Frames 5 and 6 (bad AM, good OH) demapped; 7 lost at the loss; 8 found, 9 locks.
    assert c.lost_frames == 2 and c.error_blocks == 2 * frames[6].map.cm
    check_no_garbage(rx.blocks.to_ints(), [b for fr in sent(client, frames) for b in fr])


@pytest.mark.parametrize("slip", [+1, -1])
def test_bit_slip(slip):
    """A slip inside frame 6's payload corrupts the rest of that frame undetected at this
    layer (its AM and OH were good: the client FCS or the GCM tag catch it).  Every later
    frame is dropped as error blocks until the receiver has re-locked, then data flows."""
    client, frames = transmit(16)
    bits = line_bits(frames)
    at = 6 * P.frame_bits + 50_000
    bits = np.insert(bits, at, 1) if slip > 0 else np.delete(bits, at)
    rx = deframe(P, bits)
    c = rx.counters
    assert c.lock_losses == 1 and c.locks == 2
    assert c.lost_frames == (1 if slip > 0 else 2)       # a deleted bit puts frame 9 before the search start
    assert [f.usable for f in rx.frames[6:8]] == [False, False]        # frames 7, 8: AM and OH bad
    tx = sent(client, frames)
    out = rx.blocks.to_ints()
    n_before = sum(f.blocks for f in rx.frames[:5])                     # frames 1..5
    assert out[:n_before] == [b for fr in tx[1:6] for b in fr]
    rest = out[n_before + rx.frames[5].blocks:]
    check_no_garbage(rest, [b for fr in tx for b in fr])
    assert sum(b != ERR for b in rest) >= 3 * frames[0].map.cm           # it recovers


def test_jc_crc_error_drops_that_frame_until_cm_is_plain_again():
    client, frames = transmit(10)
    bits = _flip(line_bits(frames), 4 * P.frame_bits + P.am_bits + P.pad_bits + 2 * 8 + 3)   # JC1 of frame 4
    rx = deframe(P, bits)
    c = rx.counters
    assert c.jc_crc_errors == 1 and c.oh_crc_errors == 1 and c.lock_losses == 0
    kinds = [f.jc.kind for f in rx.frames]
    assert kinds[3] == "crc"
    # After an unknown Cm, relative changes (II != DI) are not trusted until a plain one.
    k = 4
    while kinds[k] == "stale":
        k += 1
    assert kinds[k] in ("same", "new") and c.unusable_frames == k - 3
    tx = sent(client, frames)
    exp = ([b for fr in tx[1:4] for b in fr] + [ERR] * (frames[3].map.cm * (k - 3))
           + [b for fr in tx[k + 1:] for b in fr])
    assert rx.blocks.to_ints() == exp


def test_pause_gives_large_cm_change_and_error_slots():
    w = P.words_per_frame

    def pause(v):
        v[6 * w + 10:6 * w + 700] = 0
    client, frames = transmit(12, edit=pause)
    assert frames[6].map.underflows > 0 and frames[7].oh[1] == 1      # STAT: underflow in previous frame
    assert abs(frames[7].map.cm - frames[6].map.cm) > 2
    rx = deframe(P, line_bits(frames))
    assert rx.blocks.to_ints() == [b for fr in sent(client, frames)[1:] for b in fr]
    assert rx.frames[6].jc.kind == "new"


def test_random_line_never_locks():
    bits = np.random.default_rng(3).integers(0, 2, 3 * P.frame_bits).astype(np.uint8)
    rx = deframe(P, bits)
    assert len(rx.blocks) == 0 and rx.counters.locks == 0


def test_idle_client_fills_with_idle_blocks():
    p = P
    tx = FrameTx(p, Blocks257(np.zeros(0, np.uint8), np.zeros((0, 4), np.uint64)))
    f = tx.frame(client_valid(p, 1))
    assert f.map.cm == p.cm_init - p.fifo_target
    assert f.line[160:160 + 33] == build_frame_oracle(p, f.pad, f.oh, [IDLE_257B.to_ints()[0]] * f.map.cm,
                                                      f.map.cm)[160:193]


def test_400g_profile_loopback():
    p = PROFILES["400g"]
    client, frames = transmit(4, 100, p=p)
    assert all(f.line[:p.am_bits // 8] == am_line_bytes(p) for f in frames)
    rx = deframe(p, line_bits(frames))
    assert rx.counters.locks == 1
    assert rx.blocks.to_ints() == [b for fr in sent(client, frames)[1:] for b in fr]


def test_400g_receiver_refuses_the_100g_markers_repeated():
    """The 400g AM is 16 distinct lanes: a line that carries the four 100G markers four
    times (the old test profile) never locks."""
    p = PROFILES["400g"]
    _, frames = transmit(3, p=p)
    old = bytes(int(f"{b:08b}"[::-1], 2) for lane in PROFILES["100g"].am_lanes * 4 for b in lane)
    line = b"".join(old + f.line[len(old):] for f in frames)
    rx = deframe(p, np.unpackbits(np.frombuffer(line, np.uint8)))
    assert rx.counters.locks == 0 and len(rx.blocks) == 0


def test_phase_jump_error_blocks_follow_the_lost_slot_grid():
    """A 0.3-frame bit loss: lock is lost and regained at a new phase; the error blocks
    continue the lost frames' slot grid (spec 5.5), and nothing corrupted leaks."""
    client, frames = transmit(14)
    bits = line_bits(frames)
    cut = 6 * P.frame_bits + 1000
    bits = np.delete(bits, np.arange(cut, cut + int(0.3 * P.frame_bits)))
    rx = deframe(P, bits)
    assert rx.counters.lock_losses == 1 and rx.counters.locks == 2
    lock2 = rx.events[-1][0]
    last = max(f.pos for f in rx.frames if f.pos < lock2)
    gap = lock2 - (last + P.frame_bits)
    cm = frames[5].map.cm
    k = min(P.n_slots, (gap % P.frame_bits) // P.slot_bits)
    expect_lost = (gap // P.frame_bits) * cm + k * cm // P.n_slots
    unusable = sum(f.blocks for f in rx.frames if not f.usable)
    assert rx.counters.error_blocks == expect_lost + unusable
    tx = [b for fr in sent(client, frames) for b in fr]
    out = rx.blocks.to_ints()
    n_before = sum(f.blocks for f in rx.frames[:5])
    check_no_garbage(out[n_before + rx.frames[5].blocks:], tx)


def test_decrement_below_zero_is_not_usable():
    from physec.frame import oh_encode
    from physec.gmp import jc_encode
    client, frames = transmit(4)
    bits = line_bits(frames)
    # Frame 2 claims Cm = 0 plainly, frame 3 then signals -1: Cm would be -1.
    for t, jc in ((2, jc_encode(0, 2433, 0)), (3, jc_encode(0, 1, 0))):
        oh = oh_encode(P, t, 0, jc)
        start = t * P.frame_bits + P.am_bits + P.pad_bits
        bits[start:start + P.oh_bits] = np.unpackbits(np.frombuffer(oh, np.uint8))
    rx = deframe(P, bits)
    assert rx.frames[1].usable and rx.frames[1].cm == 0
    assert rx.frames[2].jc.cm == -1 and not rx.frames[2].usable
