# SPDX-License-Identifier: Apache-2.0
"""Stage sec: PHYSec per-frame GCM on the frame, with every fault the receiver must catch."""
import numpy as np
import pytest
from test_frame import ERR, check_no_garbage, sent, unique_client

from physec.frame import deframe, frame_tx, line_bits
from physec.gcm import gcm_fast
from physec.gmp import client_valid
from physec.pad import MODE_AUTH, MODE_BYPASS, MODE_ENCRYPT, Pad, security_header
from physec.profile import PROFILES
from physec.sec import CUT_THROUGH, PN_MAX, STORE_AND_FORWARD, SecError, SecKey, SecRx, SecTx, make_iv

P = PROFILES["100g"]
K0 = SecKey(bytes(range(32)), bytes(range(100, 112)))
K1 = SecKey(bytes(range(32, 64)), bytes(range(200, 212)))
LINK = 0x01020304


def link(n, mode=MODE_ENCRYPT, key=K0, an=0, explicit=False, tx_hook=None):
    client = unique_client(int(P.cm_nominal * (n + 2)), seed=n)
    tx = SecTx(an, key, LINK, mode, explicit=explicit)
    if tx_hook:
        tx_hook(tx)
    frames = frame_tx(P, client, client_valid(P, n), tx)
    return client, frames


def receive(bits, policy=CUT_THROUGH, keys=None, require=True):
    rx = SecRx(keys or {0: K0}, LINK, policy, require_security=require)
    return deframe(P, bits, rx), rx


def verdicts(res):
    return [f.sec.verdict for f in res.frames]


@pytest.mark.parametrize("policy", [CUT_THROUGH, STORE_AND_FORWARD])
def test_encrypted_loopback(policy):
    client, frames = link(10)
    res, rx = receive(line_bits(frames), policy)
    # The first frame has no prediction (no keystream ready); the last one's tag never comes.
    assert verdicts(res) == ["fail"] + ["pass"] * 7 + ["fail"]
    assert res.frames[0].sec.reasons == ["PN not predicted"]
    tx = sent(client, frames)
    # Frame 2's JC is relative ("+1") to the unverified frame 1: "stale", Cm'(1) error
    # blocks (spec 4.4 rule 3); frame 3's is plain.
    assert [f.jc.kind for f in res.frames[:3]] == ["new", "stale", "same"]
    exp = [ERR] * len(tx[1]) * 2 + [b for fr in tx[3:9] for b in fr]
    if policy == CUT_THROUGH:
        exp += tx[9]
    else:
        exp += [ERR] * len(tx[9])
    assert res.blocks.to_ints() == exp
    assert rx.cnt.passed == 7 and rx.cnt.tags_lost == 1 and rx.cnt.pn_unpredicted == 1


def test_line_is_the_gcm_of_the_frame():
    """The payload on the line and the next PAD's TAG are AES-256-GCM of the plain frame,
    computed independently with the library here."""
    client, frames = link(3)
    f, nxt = frames[1], frames[2]
    iv = make_iv(K0.salt, LINK, 2)
    assert iv == bytes(a ^ b for a, b in zip(K0.salt, LINK.to_bytes(4, "big") + (2).to_bytes(8, "big")))
    ct, tag = gcm_fast(K0.key, iv, f.plain, security_header(f.pad) + f.oh)
    assert f.line[160:] == ct and Pad.decode(nxt.pad)[0].tag == tag
    fields, ok = Pad.decode(f.pad)
    assert ok and (fields.mode, fields.an, fields.pn, fields.tag_valid) == (MODE_ENCRYPT, 0, 2, True)


def test_explicit_and_fast_paths_make_the_same_line():
    _, a = link(3, explicit=True)
    _, b = link(3, explicit=False)
    assert [f.line for f in a] == [f.line for f in b]


def test_authenticate_only_keeps_payload_clear():
    client, frames = link(5, MODE_AUTH)
    assert frames[2].line[160:] == frames[2].plain
    res, _ = receive(line_bits(frames))
    assert verdicts(res)[:3] == ["fail", "pass", "pass"]
    bits = line_bits(frames)
    bits[3 * P.frame_bits + 5000] ^= 1                       # payload bit of frame 3
    assert verdicts(receive(bits)[0])[:3] == ["fail", "pass", "fail"]


def test_bypass():
    client, frames = link(4, MODE_BYPASS)
    res, rx = receive(line_bits(frames), STORE_AND_FORWARD, require=True)
    assert set(verdicts(res)) == {"fail"} and set(res.blocks.to_ints()) == {ERR}
    res, rx = receive(line_bits(frames), STORE_AND_FORWARD, require=False)
    assert set(verdicts(res)) == {"bypass"}
    assert res.blocks.to_ints() == [b for fr in sent(client, frames)[1:] for b in fr]


@pytest.mark.parametrize("policy", [CUT_THROUGH, STORE_AND_FORWARD])
def test_payload_bit_flip_fails_that_frame_only(policy):
    client, frames = link(8)
    bits = line_bits(frames)
    bits[4 * P.frame_bits + 300_000] ^= 1
    res, rx = receive(bits, policy)
    assert verdicts(res)[:6] == ["fail", "pass", "pass", "fail", "pass", "pass"]     # rx frame 3 = frame 4
    assert rx.cnt.tag_failures == 1
    out = res.blocks.to_ints()
    tx = sent(client, frames)
    n = [f.blocks for f in res.frames]
    frame4 = out[sum(n[:3]):sum(n[:4])]
    if policy == STORE_AND_FORWARD:
        assert frame4 == [ERR] * len(tx[4])                  # nothing unverified leaves
        assert res.counters.sec_dropped >= 1
    else:
        assert sum(a != b for a, b in zip(frame4, tx[4])) == 1   # released, marked bad
    # Frame 5's relative JC follows the failed frame 4: "stale", Cm'(4) error blocks (spec
    # 4.4 rule 3); frame 6's JC is plain.
    assert out[sum(n[:4]):sum(n[:6])] == [ERR] * len(tx[4]) + tx[6]


def test_pad_bit_flip():
    client, frames = link(8)
    bits = line_bits(frames)
    bits[4 * P.frame_bits + P.am_bits + 5 * 8 + 1] ^= 1      # PN byte of frame 4's PAD
    res, rx = receive(bits, STORE_AND_FORWARD)
    v = verdicts(res)
    assert v[2] == "fail" and v[3] == "fail" and v[4] == "pass"      # frame 3 lost its tag, 4 its PAD
    assert rx.cnt.pad_errors == 1 and rx.cnt.tags_lost >= 1
    check_no_garbage(res.blocks.to_ints(), [b for fr in sent(client, frames) for b in fr])


def test_oh_bit_flip_is_caught_by_the_tag():
    client, frames = link(8)
    bits = line_bits(frames)
    bits[4 * P.frame_bits + P.am_bits + P.pad_bits + 20 * 8] ^= 1    # reserved OH byte: framing still fine
    res, rx = receive(bits, STORE_AND_FORWARD)
    assert res.frames[3].usable and verdicts(res)[3] == "fail" and rx.cnt.tag_failures == 1


def test_replayed_frame():
    client, frames = link(10)
    bits = line_bits(frames)
    F = P.frame_bits
    bits = np.concatenate((bits[:6 * F], bits[2 * F:3 * F], bits[6 * F:]))   # frame 2 again after frame 5
    res, rx = receive(bits, STORE_AND_FORWARD)
    v = verdicts(res)
    assert "replay" in res.frames[5].sec.reasons and rx.cnt.replays == 1
    assert v[4] == "fail"                       # frame 5's tag was displaced by the replayed PAD
    assert v[:4] == ["fail"] + ["pass"] * 3 and v[6:9] == ["pass"] * 3
    check_no_garbage(res.blocks.to_ints(), [b for fr in sent(client, frames) for b in fr])


def test_wrong_key():
    _, frames = link(5)
    res, rx = receive(line_bits(frames), STORE_AND_FORWARD, keys={0: K1})
    assert "pass" not in verdicts(res) and rx.cnt.tag_failures == 2
    assert set(res.blocks.to_ints()) == {ERR}


def test_unannounced_an_change_fails_until_resync():
    def hook(tx):
        orig = tx.frame

        def frame(mfas, oh, payload, pad_bytes):
            if mfas == 4:                                  # switch to AN 1 without announcing it
                tx.an, tx.eng, tx.pn = 1, tx._install(K1), 1
            return orig(mfas, oh, payload, pad_bytes)
        tx.frame = frame
    _, frames = link(8, tx_hook=hook)
    res, rx = receive(line_bits(frames), STORE_AND_FORWARD, keys={0: K0, 1: K1})
    v = verdicts(res)
    assert v[:3] == ["fail", "pass", "pass"] and v[3] == "fail" and "PN not predicted" in res.frames[3].sec.reasons
    assert v[4:6] == ["pass", "pass"]
    res, rx = receive(line_bits(frames), STORE_AND_FORWARD, keys={0: K0})
    assert rx.cnt.unknown_an >= 3


def test_hitless_rekey():
    def hook(tx):
        orig = tx.frame

        def frame(mfas, oh, payload, pad_bytes):
            if mfas == 3:
                tx.rekey(1, K1)
            return orig(mfas, oh, payload, pad_bytes)
        tx.frame = frame
    _, frames = link(20, tx_hook=hook)
    pads = [Pad.decode(f.pad)[0] for f in frames]
    assert [p.key_change_pending for p in pads[7:17]] == [False] + [True] * 8 + [False]
    assert [(p.an, p.pn) for p in pads[15:18]] == [(0, 16), (1, 1), (1, 2)]
    res, rx = receive(line_bits(frames), STORE_AND_FORWARD, keys={0: K0, 1: K1})
    assert verdicts(res)[:-1] == ["fail"] + ["pass"] * 17 and rx.cnt.key_switches == 1


def test_transmitter_refuses_pn_and_key_reuse():
    tx = SecTx(0, K0, LINK)
    tx.pn = PN_MAX
    tx.frame(0, bytes(40), bytes(100), 60)
    with pytest.raises(SecError, match="exhausted"):
        tx.frame(1, bytes(40), bytes(100), 60)
    with pytest.raises(SecError, match="used before"):
        tx.rekey(1, K0)
    with pytest.raises(SecError, match="12 bytes"):
        SecKey(bytes(32), bytes(8))


def test_traffic_is_hidden():
    """Chi-square of payload byte values against uniform (255 degrees of freedom): an
    encrypted idle link and an encrypted loaded link both pass at the 0.1 % level
    (threshold 330.5); the same idle link in bypass is far off."""
    def chi2(frames):
        data = np.frombuffer(b"".join(f.line[160:] for f in frames), np.uint8)
        counts = np.bincount(data, minlength=256)
        e = len(data) / 256
        return float(((counts - e) ** 2 / e).sum())

    from physec.frame import IDLE_257B
    from physec.xcode257 import Blocks257
    idle = Blocks257(np.repeat(IDLE_257B.hdr, 20000), np.repeat(IDLE_257B.body, 20000, axis=0))
    for mode, expect_hidden in ((MODE_ENCRYPT, True), (MODE_BYPASS, False)):
        stats = []
        for client in (idle, unique_client(20000, 1)):
            tx = SecTx(0, K0, LINK, mode)
            stats.append(chi2(frame_tx(P, client, client_valid(P, 6), tx)))
        if expect_hidden:
            assert max(stats) < 330.5, stats
        else:
            assert stats[0] > 100 * 330.5, stats


@pytest.mark.parametrize("policy", [CUT_THROUGH, STORE_AND_FORWARD])
def test_frames_under_an_an_without_key(policy):
    """A link on AN 2 into a receiver that holds only AN 0: every frame fails on arrival
    ("unknown AN"), nothing is released, no tag is ever compared, nothing is predicted."""
    _, frames = link(5, an=2)
    res, rx = receive(line_bits(frames), policy)
    assert [f.sec.reasons for f in res.frames] == [["unknown AN"]] * 4
    assert rx.cnt.unknown_an == 4 and rx.cnt.tag_failures == rx.cnt.tags_lost == rx.cnt.pn_unpredicted == 0
    assert rx.pred is None and set(res.blocks.to_ints()) == {ERR}


def test_pn_at_the_top_of_its_range():
    """The transmitter sends PN 2^64 - 1 and refuses the frame after it; the receiver
    predicts and verifies up to there, and once PN 2^64 - 1 is accepted under a key it
    takes no frame under that key again (every PN is a replay) until the key is replaced."""
    start = lambda tx: setattr(tx, "pn", PN_MAX - 3)      # noqa: E731
    client, frames = link(4, tx_hook=start)
    assert [Pad.decode(f.pad)[0].pn for f in frames] == [PN_MAX - 3, PN_MAX - 2, PN_MAX - 1, PN_MAX]
    with pytest.raises(SecError, match="exhausted"):
        link(5, tx_hook=start)
    res, rx = receive(line_bits(frames), STORE_AND_FORWARD)
    assert verdicts(res) == ["fail", "pass", "fail"] and rx.last_pn[0] == PN_MAX - 1   # last: tag never comes
    assert res.frames[2].sec.reasons == ["tag lost"]
    rx = SecRx({0: K0}, LINK, STORE_AND_FORWARD)
    rx.last_pn[0] = PN_MAX                                  # as after accepting PN 2^64 - 1
    res = deframe(P, line_bits(frames), rx)
    assert [f.sec.reasons for f in res.frames] == [["replay"]] * 3 and set(res.blocks.to_ints()) == {ERR}
    rx.install(0, K1)
    assert 0 not in rx.last_pn


def test_key_reuse_refused_after_it_was_retired():
    """A key and salt installed once are refused for good, even after a switch away from
    them (their PNs 1, 2, ... would repeat); the same key with a new salt is a new IV space."""
    tx = SecTx(0, K0, LINK)
    tx.rekey(1, K1)
    for mfas in range(17):                                 # announce a multiframe, then switch
        tx.frame(mfas, bytes(40), bytes(100), 60)
    assert tx.an == 1
    with pytest.raises(SecError, match="used before"):
        tx.rekey(0, K0)
    with pytest.raises(SecError, match="used before"):
        tx.rekey(2, K1)
    tx.rekey(2, SecKey(K0.key, bytes(12)))


class _Hooked(SecRx):
    """A receiver that runs ``actions[n]`` (install/erase) between its n-th and n+1-th
    frame, as the model defines them (spec 6.4: between one PAD and the next frame)."""

    def __init__(self, actions, **kw):
        super().__init__({0: K0}, LINK, **kw)
        self.actions = actions

    def frame(self, *a):
        f = super().frame(*a)
        for act in self.actions.get(self.n_frames, ()):
            act(self)
        return f


def _hooked_run(actions, n=9, policy=STORE_AND_FORWARD):
    client, frames = link(n)
    rx = _Hooked(actions, policy=policy)
    res = deframe(P, line_bits(frames), rx)
    return res, rx, sent(client, frames)


def test_key_installed_for_the_predicted_an_fails_the_next_frame_closed():
    """The race of issue 16: a key installed for the AN of the next frame after its
    keystream job was prepared.  Even the same key again counts (its identity changed):
    the next frame fails "key changed" on arrival (never decrypted with a keystream of
    another key), the frame before it (keystream taken before the install) passes, and
    the frame after it, whose job is bound to the new key, passes."""
    res, rx, tx = _hooked_run({3: [lambda r: r.install(0, K0)]})
    reasons = [f.sec.reasons for f in res.frames]
    assert reasons[:6] == [["PN not predicted"], [], [], ["key changed"], [], []]
    assert rx.cnt.key_changed == 1 and rx.cnt.failed == 3 and rx.cnt.pn_unpredicted == 1
    # Store-and-forward: none of line frame 4's blocks leaves (the client stream skips
    # them: unique blocks, so their absence is checked directly), nothing else is garbage.
    blocks = res.blocks.to_ints()
    assert not set(tx[4]) & set(blocks) and set(tx[3]) <= set(blocks) and set(tx[6]) <= set(blocks)
    check_no_garbage(blocks, [b for fr in tx for b in fr])


def test_erase_of_the_an_in_use_clears_the_path_and_fails_closed():
    """Erase of AN 0 while frame 3's keystream is in use: frame 3 fails "key changed" at
    its verdict (its tag cannot be checked), every later frame "unknown AN"; nothing after
    the erase is released."""
    res, rx, tx = _hooked_run({3: [lambda r: r.erase(0)]})
    reasons = [f.sec.reasons for f in res.frames]
    assert reasons[2] == ["key changed"] and reasons[3:] == [["unknown AN"]] * (len(reasons) - 3)
    assert rx.cnt.key_changed == 1 and 0 not in rx.engines and rx.pred[0] == 0
    assert [f.sec.released for f in res.frames[2:]] == [False] * (len(res.frames) - 2)


def test_erase_and_reinstall_fails_two_frames_then_recovers():
    """Erase and reinstall of the same key between frames 3 and 4: frame 3 (path cleared)
    and frame 4 (its job was invalidated) fail "key changed"; frame 5 passes again."""
    res, rx, _ = _hooked_run({3: [lambda r: r.erase(0), lambda r: r.install(0, K0)]})
    reasons = [f.sec.reasons for f in res.frames]
    assert reasons[2:6] == [["key changed"], ["key changed"], [], []]
    assert rx.cnt.key_changed == 2 and rx.cnt.passed == len(reasons) - 4


def test_erase_of_an_unused_an_changes_nothing():
    res, rx, _ = _hooked_run({2: [lambda r: r.install(1, K1)], 4: [lambda r: r.erase(1)]})
    ref, ref_rx, _ = _hooked_run({})
    assert [f.sec.reasons for f in res.frames] == [f.sec.reasons for f in ref.frames]
    assert res.blocks.to_ints() == ref.blocks.to_ints() and rx.cnt.key_changed == 0 and 1 not in rx.engines


def test_loss_of_lock_ends_the_pending_verdict():
    """Three bad AMs from line frame 5 on: lock is lost at frame 7, whose PAD carried
    frame 6's tag; frame 6 fails "tag lost" at the loss, in both policies, and in
    store-and-forward its data never leave."""
    client, frames = link(12)
    bits = line_bits(frames)
    for t in (5, 6, 7):
        bits[t * P.frame_bits] ^= 1
    for policy in (CUT_THROUGH, STORE_AND_FORWARD):
        rx = SecRx({0: K0}, LINK, policy)
        res = deframe(P, bits, rx)
        by_line = {f.pos // P.frame_bits: f for f in res.frames}
        assert 7 not in by_line and by_line[6].sec.reasons == ["tag lost"]
        assert rx.cnt.tag_failures == 0 and rx.cnt.tags_lost == 2       # and the last frame's
        assert by_line[6].sec.released == (policy == CUT_THROUGH)
