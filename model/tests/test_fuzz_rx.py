# SPDX-License-Identifier: Apache-2.0
"""Hostile line streams into the model receiver (deframe + SecRx), both policies.

Streams are real encrypted links, then bit-flipped, truncated, spliced with another link
(another key, or the same key misused with other data), frames replayed, dropped,
reordered, shifted by random bits, or forged with valid AM/PAD/OH around a random payload
(including bypass and unknown-AN PADs).  Properties (spec 5.5, 6.4):

- deframe terminates and never raises; its counters agree with the per-frame records;
- every frame that passes is bit for bit (outside the unauthenticated AM) a frame some
  transmitter sent; store-and-forward releases nothing else, so every data block it
  emits is a transmitted block in transmitted order;
- cut-through emits exactly the store-and-forward output, plus the frames whose tag
  failed one frame later (never a frame that failed on arrival); verdicts and counters
  are identical under both policies;
- each failed frame carries exactly one reason, and each reason its counter.
"""
import dataclasses
import time

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from test_frame import ERR, check_no_garbage, sent, unique_client
from test_fuzz_vectors import budget

from physec.frame import deframe, frame_tx, line_bits, oh_encode
from physec.gmp import client_valid, jc_decode, jc_encode
from physec.pad import MODE_BYPASS, Pad
from physec.profile import PROFILES
from physec.sec import CUT_THROUGH, STORE_AND_FORWARD, SecKey, SecRx, SecTx

P = PROFILES["100g"]
F, AM, PADB = P.frame_bits, P.am_bits, P.pad_bits
K0 = SecKey(bytes(range(32)), bytes(range(100, 112)))
K1 = SecKey(bytes(range(32, 64)), bytes(range(200, 212)))
LINK = 0x01020304
N = 8                   # frames per link
MAX_FRAMES = 14         # bound on a fuzzed stream: the receiver's work is linear in it

REASON_COUNTER = {"tag mismatch": "tag_failures", "tag lost": "tags_lost", "replay": "replays",
                  "unknown AN": "unknown_an", "PAD invalid": "pad_errors", "PN not predicted": "pn_unpredicted",
                  "bypass not allowed": "bypass"}
ON_ARRIVAL = set(REASON_COUNTER) - {"tag mismatch", "tag lost"}


def make_link(key, seed):
    client = unique_client(int(P.cm_nominal * (N + 2)), seed=seed)
    frames = frame_tx(P, client, client_valid(P, N), SecTx(0, key, LINK))
    return line_bits(frames), [b for fr in sent(client, frames) for b in fr], frames


# A: the link under test (key K0); B: another key; C: K0 misused on other data (same PNs).
LINKS = {name: make_link(k, s) for name, k, s in (("A", K0, 1), ("B", K1, 2), ("C", K0, 3))}
SENT_FRAMES = {np.packbits(bits[i * F + AM:(i + 1) * F]).tobytes()
               for bits, _, _ in LINKS.values() for i in range(N)}
SENT_BLOCKS = [b for _, blocks, _ in LINKS.values() for b in blocks]


def frames_of(bits):
    return [bits[i:i + F] for i in range(0, len(bits) - F + 1, F)]


def forge(frame_bits, rng, mode=None, an=None, pn_delta=0, random_payload=True, random_tag=False):
    """A frame with a valid AM, a PAD re-encoded with a correct CRC-32 and the given
    changes, the original OH, and (by default) a random payload: what an attacker who
    knows the format but not the key can send."""
    b = np.packbits(frame_bits).tobytes()
    pad, _ = Pad.decode(b[AM // 8:(AM + PADB) // 8])
    pad = dataclasses.replace(pad, mode=pad.mode if mode is None else mode, an=pad.an if an is None else an,
                              pn=(pad.pn + pn_delta) % (1 << 64),
                              tag=rng.bytes(16) if random_tag else pad.tag)
    payload = rng.bytes(len(b) - P.header_bits // 8) if random_payload else b[P.header_bits // 8:]
    out = b[:AM // 8] + pad.encode(PADB // 8) + b[(AM + PADB) // 8:P.header_bits // 8] + payload
    return np.unpackbits(np.frombuffer(out, np.uint8))


@st.composite
def streams(draw):
    """A real link edited by 1..3 hostile operations, at most MAX_FRAMES frames long."""
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32)))
    bits = LINKS["A"][0].copy()
    ops = draw(st.lists(st.sampled_from(["flip", "flip payload", "truncate", "splice", "replay", "drop", "swap",
                                         "shift", "forge", "forge bypass", "forge AN", "forge PN", "random"]),
                        min_size=1, max_size=3))
    for op in ops:
        fr = frames_of(bits)
        k = int(rng.integers(0, max(len(fr), 1)))
        if op == "flip" and len(bits):
            for i in rng.integers(0, len(bits), draw(st.integers(1, 8))):
                bits[i] ^= 1
        elif op == "flip payload" and fr:
            bits[k * F + P.header_bits + int(rng.integers(0, F - P.header_bits))] ^= 1
        elif op == "truncate":
            bits = bits[:int(rng.integers(0, len(bits) + 1))]
        elif op == "splice":
            other = LINKS[draw(st.sampled_from("ABC"))][0]
            cut, at = int(rng.integers(0, len(bits) + 1)), int(rng.integers(0, len(other)))
            bits = np.concatenate((bits[:cut], other[at:]))
        elif op == "replay" and fr:
            j = int(rng.integers(0, len(fr) + 1))
            bits = np.concatenate(fr[:j] + [fr[k]] + fr[j:] + [bits[len(fr) * F:]])
        elif op == "drop" and fr:
            bits = np.concatenate(fr[:k] + fr[k + 1:] + [bits[len(fr) * F:]])
        elif op == "swap" and len(fr) > 1:
            j = (k + 1) % len(fr)
            fr[k], fr[j] = fr[j], fr[k]
            bits = np.concatenate(fr + [bits[len(fr) * F:]])
        elif op == "shift":
            at = int(rng.integers(0, len(bits) + 1))
            bits = np.concatenate((bits[:at], rng.integers(0, 2, draw(st.integers(1, 700)), dtype=np.uint8),
                                   bits[at:]))
        elif op.startswith("forge") and fr:
            kw = {"forge": {"random_tag": draw(st.booleans())}, "forge bypass": {"mode": MODE_BYPASS},
                  "forge AN": {"an": draw(st.integers(1, 3))},
                  "forge PN": {"pn_delta": draw(st.sampled_from([-1, 1, 2, 1 << 40])),
                               "random_payload": draw(st.booleans())}}[op]
            fr[k] = forge(fr[k], rng, **kw)
            bits = np.concatenate(fr + [bits[len(fr) * F:]])
        elif op == "random":
            bits = rng.integers(0, 2, int(rng.integers(0, 3 * F)), dtype=np.uint8)
        bits = bits[:MAX_FRAMES * F]
    return ops, np.ascontiguousarray(bits, np.uint8)


def receive(bits, policy):
    srx = SecRx({0: K0}, LINK, policy)
    t0 = time.perf_counter()
    res = deframe(P, bits, srx)
    return res, srx, time.perf_counter() - t0


def check_consistent(res, srx, bits):
    c, s = res.counters, srx.cnt
    assert c.frames == len(res.frames) == s.frames
    assert c.unusable_frames == sum(not f.usable for f in res.frames)
    assert c.sec_dropped == sum(f.usable and not f.delivered for f in res.frames)
    assert c.locks - c.lock_losses in (0, 1) and c.am_bad >= c.lock_losses * P.lock_bad
    assert res.blocks.to_ints().count(ERR) >= c.error_blocks
    verdicts = [f.sec.verdict for f in res.frames]
    assert set(verdicts) <= {"pass", "fail"}                   # every verdict final after finish()
    assert verdicts.count("pass") == s.passed and verdicts.count("fail") == s.failed
    for f in res.frames:
        assert len(f.sec.reasons) == (f.sec.verdict == "fail")
    for reason, counter in REASON_COUNTER.items():
        assert getattr(s, counter) == sum(f.sec.reasons == [reason] for f in res.frames), reason
    for f in res.frames:
        if f.sec.verdict == "pass":
            # A frame that passes was sent, bit for bit outside the AM (which GCM does not cover).
            assert np.packbits(bits[f.pos + AM:f.pos + F]).tobytes() in SENT_FRAMES


@budget(60)
@given(streams())
def test_hostile_streams(case):
    ops, bits = case
    ct, ct_rx, t_ct = receive(bits, CUT_THROUGH)
    sf, sf_rx, t_sf = receive(bits, STORE_AND_FORWARD)
    assert max(t_ct, t_sf) < 30, "receiver took too long on a bounded stream"
    for res, srx in ((ct, ct_rx), (sf, sf_rx)):
        check_consistent(res, srx, bits)
    assert [f.sec.verdict for f in ct.frames] == [f.sec.verdict for f in sf.frames]
    assert ct_rx.cnt == sf_rx.cnt
    # Store-and-forward: only verified frames leave; every data block was sent, in order.
    assert all(f.sec.verdict == "pass" for f in sf.frames if f.delivered)
    check_no_garbage(sf.blocks.to_ints(), SENT_BLOCKS)
    # Cut-through: the same output plus the frames whose tag failed later, never a frame
    # refused on arrival.
    a, b = ct.blocks.to_ints(), sf.blocks.to_ints()
    assert len(a) == len(b) and all(x == y or y == ERR for x, y in zip(a, b))
    for f in ct.frames:
        assert f.sec.released == (not set(f.sec.reasons) & ON_ARRIVAL)


@budget(20)
@given(st.integers(0, 2 ** 32), st.integers(0, 4 * F))
def test_random_line_releases_nothing(seed, n):
    bits = np.random.default_rng(seed).integers(0, 2, n, dtype=np.uint8)
    for policy in (CUT_THROUGH, STORE_AND_FORWARD):
        res, srx, _ = receive(bits, policy)
        assert res.counters.locks == 0 and len(res.blocks) == 0 and srx.cnt.frames == 0


def test_forged_frames_never_pass():
    """Valid AM, PAD (CRC, predicted PN) and OH around random payloads: store-and-forward
    releases none of them; cut-through releases those it can demap and fails each one a frame
    later."""
    rng = np.random.default_rng(7)
    fr = frames_of(LINKS["A"][0])
    bits = np.concatenate(fr[:3] + [forge(f, rng, random_tag=True) for f in fr[3:6]] + fr[6:])
    ct, ct_rx, _ = receive(bits, CUT_THROUGH)
    sf, sf_rx, _ = receive(bits, STORE_AND_FORWARD)
    # rx frame i is line frame i + 1 (frame 0 acquires lock).  Line frames 3..5 are forged;
    # frame 2 fails too (frame 3's PAD carries a forged tag for it), and frame 6 carries
    # frame 5's real tag, which cannot match the forged payload.
    assert [(f.mfas, f.sec.reasons) for f in sf.frames] == [
        (1, ["PN not predicted"]), (2, ["tag mismatch"]), (3, ["tag mismatch"]), (4, ["tag mismatch"]),
        (5, ["tag mismatch"]), (6, []), (7, ["tag lost"])]
    assert [f.delivered for f in sf.frames] == [False] * 5 + [True, False]
    # Cut-through releases every frame not refused on arrival that it can demap: JCs of line
    # frames 2..7 are +1, same, -1, +1, same, -1, and a relative one after a frame that is
    # not verified (1, and the forged 3, 4) is "stale" (spec 4.4 rule 3).
    assert [f.jc.kind for f in ct.frames] == ["new", "stale", "same", "stale", "stale", "same", "-1"]
    assert [f.delivered for f in ct.frames] == [False, False, True, False, False, True, True]
    assert sf_rx.cnt == ct_rx.cnt and sf_rx.cnt.tag_failures == 4
    check_no_garbage(sf.blocks.to_ints(), SENT_BLOCKS)


def test_forged_relative_jc_leaves_the_next_cm_unknown():
    """Spec 4.4 rule 3: line frame 4 forged with a relative JC for a wrong Cm ("+1" instead
    of "-1"; JC CRC-8 and OH CRC-16 recomputed: no key needed) around its authentic PAD and
    payload.  It is demapped with the forged Cm (frame 3 was verified) and fails its tag a
    frame later.  Line frame 5, authentic with a relative JC ("+1"), follows a frame that is
    not verified: "stale", its Cm' error blocks only, never its slots read with the forged
    Cm' and released (its own tag passes: the tag covers the line, not the slot map)."""
    fr, tx = frames_of(LINKS["A"][0]), LINKS["A"][2]
    k, cm3 = 4, tx[3].map.cm
    # JCs of line frames 3, 4, 5: "same", "-1", "+1".
    assert [tx[t].map.cm - tx[t - 1].map.cm for t in (3, 4, 5)] == [0, -1, 1]
    forged_cm = cm3 + 1
    # The attack is real: with Cm' = the forged Cm, frame 5's JC decodes to a wrong Cm.
    assert jc_decode(tx[5].jc, forged_cm).cm not in (None, tx[5].map.cm)
    b = np.packbits(fr[k]).tobytes()
    o = (AM + PADB) // 8
    oh = oh_encode(P, b[o], b[o + 1], jc_encode(forged_cm, cm3, tx[k].map.cnd))
    fr[k] = np.unpackbits(np.frombuffer(b[:o] + oh + b[o + P.oh_bytes:], np.uint8))
    bits = np.concatenate(fr)
    for policy in (CUT_THROUGH, STORE_AND_FORWARD):
        res, srx, _ = receive(bits, policy)
        check_consistent(res, srx, bits)
        st = {f.mfas: f for f in res.frames}       # rx frame i is line frame i + 1
        assert st[4].oh_crc_ok and st[4].jc.kind == "+1" and st[4].usable and st[4].cm == forged_cm
        assert st[4].sec.reasons == ["tag mismatch"]
        assert st[5].jc.kind == "stale" and not st[5].usable and not st[5].delivered
        assert st[5].sec.verdict == "pass" and st[5].blocks == forged_cm
        assert st[6].jc.kind == "same" and st[6].delivered and st[6].cm == tx[6].map.cm
        i = sum(f.blocks for f in res.frames if f.mfas < 5)
        assert res.blocks.to_ints()[i:i + forged_cm] == [ERR] * forged_cm
        if policy == STORE_AND_FORWARD:
            assert not st[4].delivered
            check_no_garbage(res.blocks.to_ints(), SENT_BLOCKS)


def test_replayed_first_frame_releases_nothing_unsent():
    """Line frame 0 replayed after frame 3: the copy (plain JC, Cm 2416) is refused as a
    replay, so the relative JCs of line frames 4 and 5 after it are "stale" (spec 4.4 rule
    3); store-and-forward releases no block that was never sent (it released 231 when the
    copy's Cm was trusted)."""
    fr = frames_of(LINKS["A"][0])
    bits = np.concatenate(fr[:4] + [fr[0]] + fr[4:])
    for policy in (CUT_THROUGH, STORE_AND_FORWARD):
        res, srx, _ = receive(bits, policy)
        check_consistent(res, srx, bits)
        assert [(f.mfas, f.sec.reasons, f.jc.kind) for f in res.frames[3:6]] == [
            (0, ["replay"], "new"), (4, [], "stale"), (5, [], "stale")]
        if policy == STORE_AND_FORWARD:
            check_no_garbage(res.blocks.to_ints(), SENT_BLOCKS)
