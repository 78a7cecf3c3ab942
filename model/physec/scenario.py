# SPDX-License-Identifier: Apache-2.0
"""Named end-to-end scenarios: a reproducible transmit recipe, an impairment of the line
bits, a receiver configuration, and the receiver outcome the spec requires.

Each scenario is a recipe (traffic, Ethernet frames, seed, ppm, security mode, rekey
plan) run through the model's transmitter (``vectorset.generate``), an impairment
applied to the line bits, and a receiver (``deframe`` with ``SecRx``) with the
scenario's keys and policy.  :func:`expect` states the outcome per line frame from
the spec (chapters 4.4, 5.5, 6.4), from the scenario's definition and the
transmitter's Cm sequence only, never from the receiver's output; :func:`check_outcome`
compares a receiver run with it, frame by frame and counter by counter, and proves
that in store-and-forward nothing that failed verification leaves as valid data.

Line frame numbering: frame t starts at line bit t * F.  With lock_good = 2 the
receiver locks on frames 0 and 1 and processes frames 1, 2, ... (5.5); frame 1 is the
first PAD it reads, so it fails "PN not predicted" (6.4), and the last frame fails
"tag lost" (no next PAD).  Frame 1 is thus never verified, so a relative JC in frame 2
is "stale" (4.4 rule 3): impairments start at frame 3 by default.
"""
from __future__ import annotations

import hashlib
import math
import zlib
from dataclasses import dataclass, field

import numpy as np

from .frame import RxResult, am_line_bytes, bits_to_blocks, deframe
from .crc import crc16_oh, crc8_jc
from .gmp import ERROR_257B, jc_decode, slot_map
from .pad import Pad
from .pcs import pcs_rx
from .profile import Profile
from .sec import CUT_THROUGH, STORE_AND_FORWARD, SecKey, SecRx, SecTx
from .traffic import Traffic, expected_rx
from .vectors import Tap, VectorError
from .vectorset import Mismatch
from .xcode257 import Blocks257, detranscode_257b

ARRIVAL = ("PAD invalid", "bypass not allowed", "unknown AN", "replay", "PN not predicted")
LATE = ("tag mismatch", "tag lost")
# rxstat reason bits 7..0, and codes, as the RTL's fr_* / vd_* and st_jc_kind.  "key changed"
# (bit 7) is an arrival reason or a verdict (an erase while the frame was received).
REASON_BITS = {"key changed": 7, **{r: 6 - i for i, r in enumerate(ARRIVAL + LATE)}}
JC_KIND = {"same": 0, "+1": 1, "+2": 2, "-1": 3, "-2": 4, "new": 5, "crc": 6, "pattern": 7, "stale": 8}
VERDICT = {"pass": 0, "fail": 1, "bypass": 2}
REKEY_AN = 1
UNKEYED_AN = 2      # pad_an: an AN no receiver of a scenario holds a key for

# Counters whose excess over the inherent start/end of a stream (first frame not
# predicted, the "stale" frames right after it, last frame's tag lost) is an alarm.
ALARM_RX = ("am_bad", "oh_crc_errors", "jc_crc_errors", "jc_pattern_errors", "unusable_frames", "lock_losses",
            "lost_frames")
ALARM_SEC = ("tag_failures", "tags_lost", "replays", "unknown_an", "pad_errors", "pn_unpredicted", "bypass",
             "key_changed")


K = 3  # the first frame that can pass and be demapped whatever its JC; default impairment position


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str                # one line, for `physec scenarios`
    outcome: str                # the expected receiver outcome, from the spec
    traffic: str = "default"    # default, bulk, or idle (no Ethernet frames)
    frames: int = 24            # Ethernet frames of the canonical set
    ppm: float = 0.0
    mode: str = "encrypt"
    rekey: bool = False         # rekey(AN 1) requested before frame 0: announced in frames 0..7, switch at 8
    rx_keys: str = "same"       # "same" as the transmitter, or "other" (a different AN 0 key)
    allow_bypass: bool = False
    impair: str = "none"        # payload_flip, pad_flip, oh_jc_corrupt, replay, am_loss, bit_slip, jc_forge
    at: int = K                 # line frame of the impairment
    forge: tuple = ()           # jc_forge: (line frame, JC written: "+2", "-2", "pattern", "over", "low", "high",
                                #   "cnd"; see forged_jc)
    false_am: bool = False      # am_loss: the AM bytes also written into the frame at which lock is lost
    rx_key_events: tuple = ()   # the receiver's (line frame t, "install" | "erase", AN): before frame t (6.4)
    client: tuple = ()          # client schedule overrides: (line frame, first clock, clocks, blocks per clock)
    mac: tuple = ()             # MAC events sent in an idle stretch carried by line frame `at` (MAC_EVENTS)
    min_line_frames: int = 5


SCENARIOS = {s.name: s for s in (
    Scenario("clean", "default traffic, encrypt, no impairment",
             "every frame passes except frame 1 (PN not predicted) and the last (tag lost); frame 2 is "
             "'stale' if its JC is relative (frame 1 is not verified; idle lead); all Ethernet frames "
             "delivered"),
    Scenario("ppm_plus200", "client at +200 ppm, no impairment", "as clean; Cm tracks the faster client",
             ppm=200.0),
    Scenario("ppm_minus200", "client at -200 ppm, no impairment", "as clean; Cm tracks the slower client",
             ppm=-200.0),
    Scenario("bulk", "RoCEv2-like RDMA WRITE bursts, no impairment", "as clean", traffic="bulk", frames=12),
    Scenario("idle", "no Ethernet traffic: idle blocks only", "as clean; the client receives idle only",
             traffic="idle", frames=0),
    Scenario("rekey", "hitless rekey: AN 1 announced in frames 0..7, switch at frame 8 (multiframe boundary)",
             "as clean; frames 8.. carry AN 1 with PN 1, 2, ..; one key switch; no frame lost",
             rekey=True, min_line_frames=10),
    Scenario("auth", "authenticate-only (GMAC, payload in clear)", "as clean", mode="auth"),
    Scenario("bypass", "bypass mode, the receiver allows bypass",
             "every processed frame has verdict bypass and is released; no security failure", mode="bypass",
             allow_bypass=True),
    Scenario("payload_flip", "one ciphertext bit flipped in a data slot of line frame 3",
             "frame 3 fails 'tag mismatch' when frame 4's PAD arrives (tag_failures 1); cut-through released "
             "it, store-and-forward emits only ERROR_257B for it; frames after it are 'stale' (Cm' not "
             "verified) until a JC carries Cm plainly; all other frames pass",
             impair="payload_flip"),
    Scenario("pad_flip", "one PN bit of line frame 3's PAD flipped (PAD CRC-32 fails)",
             "frame 3 fails 'PAD invalid' on arrival (pad_errors 1, dropped in both policies); frame 2 fails "
             "'tag lost' (its tag rode in frame 3's PAD); frame 4 is predicted as PN(3) + 1 and passes; frames "
             "after 3 are 'stale' until a JC carries Cm plainly",
             impair="pad_flip", at=3, frames=64, min_line_frames=6),
    Scenario("oh_jc_corrupt", "one JC1 bit of line frame 3's OH flipped (JC CRC-8 and OH CRC-16 fail)",
             "frame 3 is unusable (Cm unknown: Cm' error blocks) and fails 'tag mismatch' (the OH is in the "
             "AAD); frames after it are unusable ('stale') until a JC carries Cm plainly",
             impair="oh_jc_corrupt"),
    Scenario("replay", "line frame 5 replaced by a copy of an earlier frame with the same Cm and a plain JC",
             "frame 4 fails 'tag mismatch' (the copy carries an old TAG), frame 5 'replay', frame 6 'PN not "
             "predicted' (the prediction stays at PN(5)); frame 7 passes; relative JCs after the failed frames "
             "are 'stale' until a JC carries Cm plainly (7, 8)", impair="replay", at=5, frames=140,
             min_line_frames=9),
    Scenario("wrong_key", "the receiver holds another AN 0 key",
             "every frame fails: frame 1 'PN not predicted', then 'tag mismatch' each; store-and-forward "
             "delivers nothing", rx_keys="other"),
    Scenario("am_loss", "AM of line frames 3, 4, 5 corrupted: lock lost at frame 5, re-lock on frames 6, 7",
             "frames 3, 4 are demapped on their OH CRC (am_bad 3); loss at 5 (lock_losses 1, lost_frames 2, "
             "2 Cm' error blocks); frame 4 fails 'tag lost' at the loss (its tag rode in frame 5), frame 7 "
             "'PN not predicted'; after re-lock frames are 'stale' until a plain JC", impair="am_loss", at=3,
             frames=64, min_line_frames=11),
    Scenario("bit_slip", "one bit deleted from the line in the middle of line frame 3",
             "frame 3 fails 'tag lost' (frame 4's PAD is read one bit off); frames 4, 5 have bad AM and OH "
             "CRC (unusable) and 'PAD invalid' (their JC, read one bit late, may pass CRC-8: it is linear); "
             "loss at 6, re-lock at 7, 8 (lost_frames 2); frame 8 'PN not predicted'", impair="bit_slip", at=3,
             frames=64, min_line_frames=11),
    # 0 ppm: frame 3 carries a plain JC and passes, so the forged pattern in frame 4 is
    # decoded against a trusted Cm' (4.4 rule 3); a plain C in frame 5 needs no trust.
    Scenario("jc_forge", "JC1..JC3 and the OH CRC-16 rewritten, CRCs valid: an invalid inversion pattern "
             "in line frame 4, a plain C = Pm + 1 in frame 5",
             "frame 4 is a JC pattern error (unusable, Cm' error blocks); frame 5 decodes 'same' with a Cm "
             "outside 0..Pm (unusable, not a pattern error); both fail 'tag mismatch' (the OH is in the AAD); "
             "frame 6 is 'stale' if its JC is relative", impair="jc_forge", at=4,
             forge=((4, "pattern"), (5, "over")), min_line_frames=7),
    # Idle client (nothing to lose but idle blocks), 0 ppm.  One clock without a block in
    # frame 3 lowers the arrival count by one, and the fraction of 2432.70 makes that a
    # step of -2 in frame 4 and +2 in frame 5.  The pause in frame 6 empties the FIFO
    # (level about 16); the burst (a block every clock instead of 0.9466) gains 0.053
    # blocks per clock, past the depth of 64 after some 900 clocks.
    Scenario("client_rate", "idle client: no block in one clock of line frame 3, paused 200 clocks in frame 6, "
             "a block every clock for 1600 clocks in frame 8",
             "JC '-2' in frame 4 and '+2' in frame 5 (applied to a trusted Cm'); the mapper FIFO underflows in "
             "frame 6 (ERROR_257B in its data slots, STAT bit 0 in frame 7) and overflows in frame 8 (blocks "
             "refused, STAT bit 1 in frame 9); Cm follows the level (JC 'new' where it jumps); every frame "
             "between the first and the last passes", traffic="idle", frames=0,
             client=((3, 1000, 1, 0), (6, 1000, 200, 0), (8, 200, 1600, 1)), min_line_frames=11),
    # Frame 4 (JC "-1" at 0 ppm, relative to frame 3's plain Cm) rebuilt in bypass mode with
    # the TAG of frame 3 kept: one bypass frame among protected ones.
    Scenario("bypass_mixed", "line frame 4 sent in bypass mode among encrypted frames; the receiver allows bypass",
             "frame 3 passes (its tag rode in frame 4's PAD); frame 4 has verdict 'bypass', is demapped and "
             "released in both policies and counts as verified, so frame 5's relative JC is applied; frame 5 "
             "passes (its PN follows frame 4's); bypass 1", impair="bypass_splice", at=4, allow_bypass=True,
             min_line_frames=7),
    Scenario("bypass_refused", "line frame 4 sent in bypass mode among encrypted frames; the receiver requires "
             "security",
             "frame 4 fails 'bypass not allowed' on arrival (dropped in both policies; bypass 1); the prediction "
             "stays at PN(4), so frame 5 fails 'PN not predicted' and is 'stale'; frame 6 is predicted from frame 5's "
             "PAD (only the last frame's 'tag lost')",
             impair="bypass_splice", at=4, min_line_frames=7),
    # Frame 3 passes and is delivered in both policies (plain JC at 0 ppm).
    Scenario("mac_events", "the client sends, in a gap between Ethernet frames carried by line frame 3, a stray "
             "/T/ and a stray /E/, a /Q/, 8 stray data characters, a runt, frames with a bad SFD, a wrong FCS, an /E/, a /Q/ "
             "inside, and one without /T/",
             "every line frame as in clean; the client MAC receiver (both policies) counts 2 stray control "
             "characters besides 32 per ERROR_257B block (all between frames), 1 ordered set, 8 stray data, 1 FCS error and errored frames: 'runt', 'bad preamble/SFD' (2: the frame after the one "
             "without /T/ has SFD 55 too), 'error character', 'control character in frame', 'start before "
             "terminate'; every Ethernet frame of the pcap "
             "is received", impair="none", at=3,
             mac=("stray_terminate", "stray_error", "ordered_set", "stray_data", "runt", "preamble", "fcs", "error_char",
                  "control_char", "no_terminate", "preamble")),
    # Light traffic: the last Ethernet frame starts in line frame 3, delivered in both policies.
    Scenario("stream_end", "3 Ethernet frames; the client sends the last one's /T/ and everything after it as "
             "data, so the client stream ends inside that frame",
             "every line frame as in clean; the client MAC receiver (both policies) reports the last frame "
             "errored 'stream ended inside frame' (after the client stream it holds the GMP's idle fill and, "
             "in store-and-forward, the last line frame's error blocks); the other Ethernet frames are received",
             frames=3, mac=("stream_end",)),
    # Bypass (allowed): a bypass frame counts as verified, so a forged plain C in it is a
    # trusted Cm' for the next frame's relative JC (a protected frame with a forged OH
    # fails its tag, and a relative JC after it is "stale").  Idle client, 0 ppm.
    Scenario("jc_range", "bypass mode, bypass allowed, idle client; OH JC and CRC-16 rewritten: plain C = 1 in line "
             "frame 2, '-2' in 3, plain C = Pm - 1 in 4, '+2' in 5, frame 6's own Cm plainly with a wrong CRC-5",
             "frames 2 and 4 are demapped with Cm 1 and Pm - 1 (verdict bypass: verified); frame 3 decodes '-2' to "
             "Cm -1 and frame 5 '+2' to Pm + 1: unusable, kind and JC CRC ok kept, Cm' error blocks; frame 6 is "
             "'same' and usable with CnD unknown (rxstat bit 8); every frame 'bypass' and released",
             traffic="idle", frames=0, mode="bypass", allow_bypass=True, impair="jc_forge", at=2,
             forge=((2, "low"), (3, "-2"), (4, "high"), (5, "+2"), (6, "cnd")), min_line_frames=7),
    # am_loss with a false AM in frame 5's payload (found first by the search from 5F + 1;
    # its confirming AM fails) and two receiver key events, on an idle client.
    Scenario("restart_keys", "idle client; AM of line frames 3, 4, 5 corrupted and the AM bytes written at line bit "
             "5F + F/2 + 5; the receiver installs AN 0's key again before frame 2 and erases AN 0 before frame 9",
             "frame 2 fails 'key changed' on arrival (its keystream job was bound to the key before the install); "
             "loss at 5; the search matches the false AM, its confirmation fails, the search restarts one bit after "
             "it and locks on frames 6, 7 as in am_loss; frame 4 'tag lost', 7 'PN not predicted'; frame 8 fails "
             "'key changed' at its verdict (the erase cleared its keystream path) and frame 9 'unknown AN'",
             traffic="idle", frames=0, impair="am_loss", at=3, false_am=True,
             rx_key_events=((2, "install", 0), (9, "erase", 0)), min_line_frames=10),
    Scenario("unknown_an", "line frame 4's PAD names AN 2 (no key at the receiver), CRC-32 valid",
             "frame 4 fails 'unknown AN' on arrival (dropped in both policies); the prediction stays at PN(4), "
             "so frame 5 fails 'PN not predicted' and is 'stale'", impair="pad_an", at=4, min_line_frames=7),
)}


def get_scenario(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
    return SCENARIOS[name]


# ---- transmitter and receiver configuration ------------------------------------

def _key(label: str, seed: int | None) -> SecKey:
    d = lambda s: hashlib.sha256(f"physec-{s}-{seed or 0}".encode()).digest()  # noqa: E731
    return SecKey(d(label), d(label + "-salt")[:12])


def keys(sc: Scenario, seed: int | None) -> tuple[int, dict[int, SecKey], dict[int, SecKey]]:
    """(link ID, transmitter keys by AN, receiver keys by AN): test keys from the seed."""
    from .vectorset import test_keys
    link, tx = test_keys(seed)
    tx = dict(tx)
    if sc.rekey:
        tx[REKEY_AN] = _key("rekey", seed)
    rx = {0: _key("other", seed)} if sc.rx_keys == "other" else dict(tx)
    return link, tx, rx


def make_sec_tx(sc: Scenario, recipe) -> SecTx:
    from .vectorset import sec_tx
    s = sec_tx(recipe)
    if sc.rekey:
        s.rekey(REKEY_AN, keys(sc, recipe.seed)[1][REKEY_AN])
    return s


def traffic(sc: Scenario, frames: int, seed: int | None) -> Traffic:
    if sc.traffic == "idle":
        if frames:
            raise ValueError(f"scenario {sc.name} sends no Ethernet frames; use --frames 0")
        return Traffic([], [], "idle", seed)
    from .traffic import make_traffic
    return make_traffic(sc.traffic, frames, seed)


KEY_OPS = ("install", "erase")


def key_events(sc: Scenario, p: Profile, srx: SecRx, rx: dict[int, SecKey]):
    """The Deframer's before_frame hook that applies the scenario's receiver key events:
    an event "before line frame t" acts before the first processed frame at or after t
    (a frame read a bit off still counts as its line frame)."""
    todo = sorted(sc.rx_key_events)
    for t, op, an in todo:
        if op not in KEY_OPS or an not in range(4) or t < 2:
            raise ValueError(f"scenario {sc.name}: key event {(t, op, an)}: op in {KEY_OPS}, AN 0..3, frame >= 2")
        if op == "install" and an not in rx:
            raise ValueError(f"scenario {sc.name}: key event {(t, op, an)}: the receiver holds no key of AN {an}")

    def before(q: int) -> None:
        while todo and todo[0][0] <= (q + p.frame_bits // 2) // p.frame_bits:
            _, op, an = todo.pop(0)
            if op == "install":
                srx.install(an, rx[an])
            else:
                srx.erase(an)
    return before


def receive(sc: Scenario, p: Profile, bits: np.ndarray, seed: int | None, policy: str):
    """(RxResult, SecCounters) of the scenario's receiver on ``bits``."""
    link, _, rx = keys(sc, seed)
    srx = SecRx(rx, link, policy, require_security=not sc.allow_bypass)
    return deframe(p, bits, srx, key_events(sc, p, srx, rx) if sc.rx_key_events else None), srx.cnt


# ---- MAC events in the client stream -------------------------------------------

def _frame_chars(body: bytes, sfd: int = 0xD5, fcs_xor: int = 0, at_e: int | None = None, at_q: int | None = None,
                 terminate: bool = True) -> tuple[list[int], list[bool]]:
    """/S/ 55 x 6 SFD + body + FCS (+ /T/), whole transfers (idles after /T/); ``at_e``: that
    body byte sent as /E/; ``at_q``: the transfer of that body offset replaced by a /Q/."""
    d = [0xFB, *[0x55] * 6, sfd, *body, *(zlib.crc32(body) ^ fcs_xor).to_bytes(4, "little")]
    c = [True] + [False] * (len(d) - 1)
    if at_e is not None:
        d[8 + at_e], c[8 + at_e] = 0xFE, True
    if at_q is not None:
        q = (8 + at_q) // 8 * 8
        d[q:q + 8], c[q:q + 8] = [0x9C, 0, 0, 1, 0, 0, 0, 0], [True] + [False] * 7
    if terminate:
        d, c = d + [0xFD], c + [True]
    pad = -len(d) % 8
    return d + [0x07] * pad, c + [True] * pad


def _mac_event(kind: str) -> tuple[list[int], list[bool]]:
    """CGMII characters of one event, whole transfers: a /Q/ between frames (lane 0, O0 = 0,
    lanes 4-7 zero, spec 3.2), a transfer of stray data, or a frame that is a
    runt (40 bytes, 44 with FCS), has SFD 55, a wrong FCS, an /E/, a /Q/ inside, or no /T/
    (the next event's /S/ comes first)."""
    body = bytes(range(60))
    return {"ordered_set": ([0x9C, 0, 0, 1, 0, 0, 0, 0], [True] + [False] * 7),
            "stray_terminate": ([0xFD] + [0x07] * 7, [True] * 8), "stray_error": ([0xFE] + [0x07] * 7, [True] * 8),
            "stray_data": (list(range(1, 9)), [False] * 8),
            "runt": _frame_chars(body[:40]), "preamble": _frame_chars(body, sfd=0x55),
            "fcs": _frame_chars(body, fcs_xor=1), "error_char": _frame_chars(body, at_e=20),
            "control_char": _frame_chars(body, at_q=24), "no_terminate": _frame_chars(body[:20], terminate=False),
            }[kind]


# event -> the MAC receiver's count of it (RxStats field, or its reason); stray /T/, /E/
# are counted apart (stray_control_counts)
MAC_EVENTS = {"ordered_set": "ordered_sets", "stray_data": "stray_data",
              "runt": "runt", "preamble": "bad preamble/SFD", "fcs": "fcs_errors", "error_char": "error character",
              "control_char": "control character in frame", "no_terminate": "start before terminate",
              "stream_end": "stream ended inside frame"}
# counted per character, not per event
MAC_PER_CHAR = {"stray_data": 8}
# /T/ and /E/ between frames: counted as stray_control, which every ERROR_257B block between
# frames adds to as well (4 error blocks of 8 /E/, 3.4), so that count is per policy
STRAY_CONTROL = ("stray_terminate", "stray_error")
E_PER_ERROR_257B = 32


def mac_counts(sc: Scenario) -> dict:
    """What the client MAC receiver counts of the scenario's MAC events (spec 3.1)."""
    return {v: sc.mac.count(k) * MAC_PER_CHAR.get(k, 1) for k, v in MAC_EVENTS.items()}


def stray_control_counts(sc: Scenario, exp) -> dict | None:
    """The client MAC receiver's stray_control per policy (spec 3.1): the scenario's stray
    /T/ and /E/ plus 32 per error block, when the scenario sends stray control; valid when
    every error block lies between Ethernet frames (check_outcome makes sure of it)."""
    if not set(sc.mac) & set(STRAY_CONTROL):
        return None
    own = sum(sc.mac.count(k) for k in STRAY_CONTROL)
    return {pol: own + E_PER_ERROR_257B * c["rx"]["error_blocks"] for pol, c in exp.counters.items()}


def mac_inject(sc: Scenario, frames, cg, layout):
    """The CGMII stream with the scenario's MAC events, one idle transfer apart, in the first
    gap between Ethernet frames that holds them, at least 16 idles from both frames, and
    whose 257b blocks line frame ``sc.at`` carries (its data slots' client blocks).  The
    event "stream_end" is not placed there: the last Ethernet frame's /T/ and every
    character after it become data characters, so the client stream ends inside it."""
    from .pcs66 import Cgmii
    d, c = cg.data.copy(), cg.ctrl.copy()
    kinds = [k for k in sc.mac if k != "stream_end"]
    if "stream_end" in sc.mac:
        if not len(layout.ends):
            raise ValueError(f"scenario {sc.name}: stream_end needs an Ethernet frame")
        a = int(layout.ends[-1])
        d.reshape(-1)[a:] = np.arange(d.size - a) & 0xFF
        c.reshape(-1)[a:] = False
    if not kinds:
        return Cgmii(d, c)
    ev = [_mac_event(k) for k in kinds]
    # one idle transfer after each event, none after a frame without /T/ (the next /S/ ends it)
    gap = [[] if k == "no_terminate" else [0x07] * 8 for k in kinds]
    data = [x for (e, _), g in zip(ev, gap) for x in e + g]
    ctrl = [x for (_, f), g in zip(ev, gap) for x in f + [True] * len(g)]
    slots = frames[sc.at].map.slots
    lo, hi = 32 * int(slots[slots >= 0].min()), 32 * (int(slots.max()) + 1)
    for e, s in zip(layout.ends[:-1], layout.starts[1:]):
        a = max(-(-(int(e) + 16) // 8) * 8, lo)
        if a + len(data) <= min(int(s) - 16, hi):
            d.reshape(-1)[a:a + len(data)] = data
            c.reshape(-1)[a:a + len(ctrl)] = ctrl
            return Cgmii(d, c)
    raise ValueError(f"scenario {sc.name}: no gap in line frame {sc.at} holds the MAC events")


# ---- impairments -----------------------------------------------------------------

@dataclass
class Impaired:
    bits: np.ndarray
    description: str
    flips: list = field(default_factory=list)     # line bit positions flipped
    replay_source: int | None = None
    false_am: int | None = None                    # line bit of a planted copy of the AM bytes
    tx_ranges: list = field(default_factory=list)  # [start, end) line words equal to the transmitter's output


def _data_slot_bit(p: Profile, cm: int, bit: int) -> int:
    """Frame bit of ``bit`` in the middle data slot of a frame with this Cm."""
    j = int(np.flatnonzero(slot_map(cm, p.n_slots))[cm // 2])
    return p.header_bits + j * p.slot_bits + bit


def replay_source(sc: Scenario, cms: list[int]) -> int:
    """The latest frame j <= at - 2 whose JC is plain ("same") and whose Cm equals frame
    ``at``'s: the copy is then demapped with the right Cm, so its error blocks and Cm' are
    the transmitter's (the frames after it are "stale" until a plain JC: 4.4 rule 3)."""
    k = sc.at
    for j in range(k - 2, 1, -1):
        if cms[j] == cms[j - 1] == cms[k]:
            return j
    raise ValueError(f"scenario {sc.name}: no earlier frame to replay with Cm {cms[k]} and a plain JC")


ALL_BITS = 0x3FFF  # C1..C14


# jc_forge's plain values of C: (line frame's own Cm) -> C
FORGED_PLAIN = {"over": lambda p, cm: p.n_slots + 1, "low": lambda p, cm: 1, "high": lambda p, cm: p.n_slots - 1,
                "cnd": lambda p, cm: cm}


def forged_jc(p: Profile, kind: str, cm_prev: int, cm: int) -> bytes:
    """JC1..JC3 that decode as ``kind`` against Cm' (spec 4.4), with a valid CRC-8: "+2"
    and "-2" (all 14 bits inverted), "pattern" (II = 1 with one I bit inverted, C14: fewer
    than 4 of 7), and plain (II = DI = 0) "over" C = Pm + 1 (outside 0..Pm), "low" C = 1,
    "high" C = Pm - 1, "cnd" C = the frame's own Cm (its CRC-5 is made wrong, _forge_oh)."""
    if kind in FORGED_PLAIN:
        c, ii, di = FORGED_PLAIN[kind](p, cm), 0, 0
    else:
        c, ii, di = {"+2": (cm_prev ^ ALL_BITS, 1, 0), "-2": (cm_prev ^ ALL_BITS, 0, 1),
                     "pattern": (cm_prev ^ 1, 1, 0)}[kind]
    jc1, jc2 = c >> 6, (c & 0x3F) << 2 | ii << 1 | di
    return bytes((jc1, jc2, crc8_jc(jc1, jc2)))


def _forge_oh(p: Profile, bits: np.ndarray, t: int, jc: bytes, cnd_bad: bool = False) -> list[int]:
    """Line bits to flip so that frame t's OH carries ``jc`` as JC1..JC3 (``cnd_bad``: and
    JC6's CRC-5 with its last bit inverted) and a valid CRC-16."""
    o = t * p.frame_bits + p.am_bits + p.pad_bits
    oh = bytearray(np.packbits(bits[o:o + p.oh_bits]).tobytes())
    new = bytearray(oh)
    new[2:5] = jc
    new[7] ^= cnd_bad
    new[-2:] = crc16_oh(bytes(new[:-2])).to_bytes(2, "big")
    diff = np.unpackbits(np.frombuffer(bytes(a ^ b for a, b in zip(oh, new)), np.uint8))
    return [o + int(i) for i in np.flatnonzero(diff)]


def _rewrite_pad(p: Profile, bits: np.ndarray, t: int, byte: int, value: int) -> None:
    """Frame t's PAD byte ``byte`` set to ``value``, the CRC-32 recomputed (6.2), in place."""
    o = t * p.frame_bits + p.am_bits
    pad = bytearray(np.packbits(bits[o:o + p.pad_bits]).tobytes())
    pad[byte] = value
    pad[-4:] = zlib.crc32(bytes(pad[:-4])).to_bytes(4, "big")
    bits[o:o + p.pad_bits] = np.unpackbits(np.frombuffer(bytes(pad), np.uint8))


def _pad_byte(p: Profile, bits: np.ndarray, t: int, byte: int) -> int:
    o = t * p.frame_bits + p.am_bits + 8 * byte
    return int(np.packbits(bits[o:o + 8])[0])


def impair(sc: Scenario, p: Profile, bits: np.ndarray, cms: list[int], plain: list[bytes] | None = None) -> Impaired:
    """The scenario's line; ``plain``: the frames' clear payloads (needed by bypass_splice)."""
    F, k = p.frame_bits, sc.at
    n_words = len(bits) // p.word_bits
    bits = bits.copy()
    flips = []
    if sc.impair == "none":
        return Impaired(bits, "none", tx_ranges=[[0, n_words]])
    if sc.impair in ("payload_flip", "pad_flip", "oh_jc_corrupt", "am_loss", "jc_forge"):
        if sc.impair == "jc_forge":
            # A relative JC is forged against the Cm the frame before gives the receiver:
            # the transmitter's, or the one forged into it.
            cm_rx = list(cms)
            for t, kind in sc.forge:
                flips += _forge_oh(p, bits, t, forged_jc(p, kind, cm_rx[t - 1], cms[t]), kind == "cnd")
                if kind in ("low", "high"):
                    cm_rx[t] = FORGED_PLAIN[kind](p, cms[t])
            what = (f"JC1..JC{6 if any(k == 'cnd' for _, k in sc.forge) else 3} and OH CRC-16 ("
                    + ", ".join(f"{t}: {kind}" for t, kind in sc.forge) + ")")
        elif sc.impair == "payload_flip":
            flips = [k * F + _data_slot_bit(p, cms[k], 100)]
            what = "payload bit 100 of the middle data slot"
        elif sc.impair == "pad_flip":
            flips = [k * F + p.am_bits + 11 * 8 + 7]
            what = "PAD byte 11 bit 0 (PN LSB)"
        elif sc.impair == "oh_jc_corrupt":
            flips = [k * F + p.am_bits + p.pad_bits + 2 * 8 + 3]
            what = "OH byte 2 (JC1) bit 4"
        else:
            flips = [t * F + 5 for t in range(k, k + p.lock_bad)]
            what = f"AM bit 5 of {p.lock_bad} consecutive frames"
        fa = None
        if sc.false_am:
            # In the frame at which lock is lost, past the search's restart one bit after its
            # start and off the byte grid: the search matches it before the next frame's AM.
            fa = (k + p.lock_bad - 1) * F + F // 2 + 5
            am = np.unpackbits(np.frombuffer(am_line_bytes(p), np.uint8))
            flips += [fa + int(i) for i in np.flatnonzero(bits[fa:fa + len(am)] != am)]
            what += f", and the AM bytes written at line bit {fa}"
        bits[flips] ^= 1
        w = sorted({f // p.word_bits for f in flips})
        ranges = [[a + 1, b] for a, b in zip([-1] + w, w + [n_words])]
        return Impaired(bits, f"line frame {k}: {what} flipped (line bits {flips})", flips, false_am=fa,
                        tx_ranges=[r for r in ranges if r[0] < r[1]])
    if sc.impair == "replay":
        j = replay_source(sc, cms)
        bits[k * F:(k + 1) * F] = bits[j * F:(j + 1) * F]
        w0, w1 = k * p.words_per_frame, (k + 1) * p.words_per_frame
        return Impaired(bits, f"line frame {k} replaced by a copy of line frame {j}", replay_source=j,
                        tx_ranges=[[0, w0], [w1, n_words]])
    if sc.impair in ("bypass_splice", "pad_an"):
        # TAG and tag-valid flag kept: the previous frame's verdict is unaffected.
        if sc.impair == "bypass_splice":
            _rewrite_pad(p, bits, k, 1, 0)
            bits[k * F + p.header_bits:(k + 1) * F] = np.unpackbits(np.frombuffer(plain[k], np.uint8))[
                :F - p.header_bits]
            what = "sent in bypass (PAD mode 0, CRC-32 recomputed, payload in clear)"
        else:
            _rewrite_pad(p, bits, k, 2, _pad_byte(p, bits, k, 2) & 0x3F | UNKEYED_AN << 6)
            what = f"PAD AN set to {UNKEYED_AN} (CRC-32 recomputed)"
        w0, w1 = k * p.words_per_frame, (k + 1) * p.words_per_frame
        return Impaired(bits, f"line frame {k} {what}", tx_ranges=[[0, w0], [w1, n_words]])
    if sc.impair == "bit_slip":
        q = k * F + F // 2
        # One bit deleted; a zero appended keeps whole words (it lands in the last frame's fill).
        bits = np.concatenate((bits[:q], bits[q + 1:], np.zeros(1, np.uint8)))
        return Impaired(bits, f"line bit {q} (middle of line frame {k}) deleted, a 0 appended at the end",
                        tx_ranges=[[0, q // p.word_bits]])
    raise ValueError(f"unknown impairment {sc.impair!r}")


# ---- the expected outcome, from the spec --------------------------------------

@dataclass
class FrameExp:
    line: int                   # line frame
    an: int
    pn: int
    am_good: bool = True
    oh_ok: bool = True
    jc_crc_ok: bool = True
    cnd_ok: bool = True         # JC6's CRC-5 and the JC4..JC6 zero bits hold (4.4 rule 5)
    key_on_arrival: bool = False  # "key changed" on arrival (else, if at all, at its verdict)
    pad_ok: bool = True
    reasons: list = field(default_factory=list)
    relocked: bool = False      # first frame after a (re)lock: Cm' not trusted (4.4 rule 3)
    forged: str = ""            # jc_forge: the JC written into this frame
    bypass: bool = False        # sent in bypass mode (bypass_splice)
    late: int = 0               # the receiver reads this frame this many bits late (bit slip)
    # derived by expect()
    jc_kind: str = ""
    usable: bool = False
    cm: int = 0
    verdict: str = ""
    released: dict = field(default_factory=dict)   # policy -> released


@dataclass
class Expected:
    frames: list[FrameExp]
    gaps: list                  # (after line frame, error blocks, lost frames) per loss of lock
    counters: dict              # policy -> {"rx": {...}, "sec": {...}}
    alarms: dict                # counter -> excess over the inherent start/end failures


def _plan(sc: Scenario, n: int, cms: list[int], p: Profile):
    """Processed frames with their header/security facts, and the losses of lock, from
    the scenario's definition and spec 5.5 / 6.4."""
    k, F = sc.at, p.frame_bits
    mf = p.multiframe

    def anpn(t):
        if sc.rekey and t >= mf:
            return REKEY_AN, t - mf + 1
        return 0, t + 1
    proc = list(range(1, n))
    skip, gaps, relock = set(), [], set()
    fr = {t: FrameExp(t, *anpn(t)) for t in proc}
    if sc.impair == "payload_flip":
        fr[k].reasons.append("tag mismatch")
    elif sc.impair == "pad_flip":
        fr[k].pad_ok = False
        fr[k].reasons.append("PAD invalid")
        fr[k - 1].reasons.append("tag lost")
    elif sc.impair == "oh_jc_corrupt":
        fr[k].oh_ok = fr[k].jc_crc_ok = False
        fr[k].reasons.append("tag mismatch")
    elif sc.impair == "replay":
        j = replay_source(sc, cms)
        fr[k].an, fr[k].pn = anpn(j)
        fr[k - 1].reasons.append("tag mismatch")
        fr[k].reasons.append("replay")
        fr[k + 1].reasons.append("PN not predicted")
    elif sc.impair == "jc_forge":
        for t, kind in sc.forge:
            fr[t].forged = kind
            fr[t].cnd_ok = kind != "cnd"
            if sc.mode != "bypass":
                fr[t].reasons.append("tag mismatch")    # the OH is in the AAD
    elif sc.impair == "bypass_splice":
        fr[k].bypass = True
        if not sc.allow_bypass:
            fr[k].reasons.append("bypass not allowed")
            fr[k + 1].reasons.append("PN not predicted")     # refused: the prediction stays at PN(k)
    elif sc.impair == "pad_an":
        fr[k].an = UNKEYED_AN
        fr[k].reasons.append("unknown AN")
        fr[k + 1].reasons.append("PN not predicted")     # refused: the prediction stays at PN(k)
    elif sc.impair == "am_loss":
        # Frames k, k+1 demapped on their OH CRC; loss at k+2 (lock_bad = 3); the search
        # from (k+2)F + 1 finds frame k+3, confirmed by k+4, the first one processed.
        for t in (k, k + 1):
            fr[t].am_good = False
        skip = {k + 2, k + 3}
        gaps = [(k + 1, (k + 1) * F, (k + 4) * F)]
        relock = {k + 4}
        fr[k + 1].reasons.append("tag lost")            # its tag rode in frame k+2, where lock is lost
        fr[k + 4].reasons.append("PN not predicted")
    elif sc.impair == "bit_slip":
        # Frames k+1, k+2 are read one bit late: AM, OH, JC and PAD checks fail; loss at
        # k+3; the search from (k+3)F + 1 finds frame k+4 at (k+4)F - 1, confirmed by k+5.
        for t in (k + 1, k + 2):
            fr[t].am_good = fr[t].oh_ok = fr[t].pad_ok = False
            fr[t].late = 1
            fr[t].reasons.append("PAD invalid")
        fr[k].reasons.append("tag lost")
        skip = {k + 3, k + 4}
        gaps = [(k + 2, (k + 2) * F, (k + 5) * F - 1)]
        relock = {k + 5}
        fr[k + 5].reasons.append("PN not predicted")
    for t, op, an in sc.rx_key_events:
        # 6.4: an install changes the identity frame t's job was bound to (arrival); an
        # erase clears the path holding frame t-1 (pending: its verdict) and the key.
        if fr[t if op == "install" else t - 1].reasons:
            raise ValueError(f"scenario {sc.name}: the key event before frame {t} meets another failure, "
                             f"which this expectation does not combine")
        if op == "install":
            fr[t].reasons.append("key changed")
            fr[t].key_on_arrival = True
        else:
            fr[t - 1].reasons.append("key changed")
            for u in proc:
                if u >= t and u not in skip and fr[u].an == an:
                    fr[u].reasons = ["unknown AN"]
    if sc.mode != "bypass":
        first = fr[1]
        if not first.reasons:
            first.reasons.append("PN not predicted")
        if not set(fr[n - 1].reasons) & set(ARRIVAL):
            fr[n - 1].reasons.append("tag lost")
    if sc.rx_keys == "other":
        for t in proc[1:-1]:
            if not fr[t].reasons:
                fr[t].reasons.append("tag mismatch")
    for t in relock:
        fr[t].relocked = True
    return [fr[t] for t in proc if t not in skip], gaps


def _jc(d: int) -> str:
    """JC kind the transmitter signals for a Cm change d (spec 4.4 table)."""
    return {0: "same", 1: "+1", 2: "+2", -1: "-1", -2: "-2"}.get(d, "new")


def _late_jc(jc: bytes, shift: int) -> bytes:
    """JC1..JC6 as read ``shift`` bits late: the next OH byte (reserved) is zero."""
    v = int.from_bytes(jc + b"\0", "big") << shift
    return (v >> 8 & (1 << 48) - 1).to_bytes(6, "big")


def expect(sc: Scenario, p: Profile, n_line: int, cms: list[int], jcs: list[bytes]) -> Expected:
    """The receiver outcome the spec requires, per processed frame and in counters, for
    ``n_line`` transmitted line frames with the transmitter's Cm sequence ``cms`` (and JC
    bytes ``jcs``, only for frames read misaligned, whose Cm no spec rule predicts)."""
    frames, gaps = _plan(sc, n_line, cms, p)
    F = p.frame_bits
    cm_prev, trusted, prev_line = 0, False, None
    gap_at = {g[0]: g for g in gaps}
    gap_out = []
    for f in frames:
        if f.relocked:
            trusted = False
        elif prev_line is not None and f.line != prev_line + 1:
            trusted = False
        src = f.line
        if sc.impair == "replay" and f.line == sc.at:
            src = replay_source(sc, cms)
        d = cms[src] - (cms[src - 1] if src else 0)
        kind = _jc(d)
        if f.late:
            # Bits read late: the JC decoder (spec 4.4, unit-tested in test_gmp) on them.
            r = jc_decode(_late_jc(jcs[src], f.late), cm_prev, trusted)
            f.jc_crc_ok, kind, cm, f.cnd_ok = r.crc_ok, r.kind, r.cm, r.cnd is not None
        elif not f.jc_crc_ok:
            kind, cm = "crc", None
        elif f.forged in FORGED_PLAIN:
            # plain: needs no trusted Cm'; "over" is outside 0..Pm: unusable (4.4)
            kind, cm = "same", FORGED_PLAIN[f.forged](p, cms[src])
        elif f.forged and not trusted:
            kind, cm = "stale", None
        elif f.forged == "pattern":
            kind, cm = "pattern", None
        elif f.forged:
            kind, cm = f.forged, cm_prev + int(f.forged)
        elif kind in ("same", "new"):
            cm = cms[src]
        elif not trusted:
            kind, cm = "stale", None
        else:
            cm = cm_prev + d            # a relative change from the trusted Cm'
        f.jc_kind = kind
        f.usable = cm is not None and 0 <= cm <= p.n_slots and (f.am_good or f.oh_ok)
        if f.usable:
            cm_prev = cm
        f.cm = cm_prev
        if sc.mode == "bypass" and not sc.allow_bypass:
            f.reasons = ["bypass not allowed"]
        f.verdict = "fail" if f.reasons else "bypass" if sc.mode == "bypass" or f.bypass else "pass"
        # 4.4 rule 3: the next frame may apply a relative change to this Cm only if this
        # frame was demapped and verified (its verdict is known at the next frame's PAD).
        trusted = f.usable and f.verdict in ("pass", "bypass")
        f.released = {CUT_THROUGH: not (set(f.reasons) & set(ARRIVAL) or f.key_on_arrival),
                      STORE_AND_FORWARD: f.verdict in ("pass", "bypass")}
        if f.line in gap_at:
            _, q, q2 = gap_at[f.line]
            # Spec 5.5: ticks q + kF + F/2 <= q'; D = q' - (q + F) error blocks on Cm' grid.
            lost = sum(1 for kk in range(1, 64) if q + kk * F + F // 2 <= q2)
            dd = q2 - (q + F)
            kk = min(p.n_slots, (dd % F) // p.slot_bits)
            gap_out.append((f.line, (dd // F) * cm_prev + kk * cm_prev // p.n_slots, lost))
        prev_line = f.line
    counters = {}
    for pol in (CUT_THROUGH, STORE_AND_FORWARD):
        delivered = [f.usable and f.released[pol] for f in frames]
        rx = {"frames": len(frames),
              # the frame at which lock is lost has a bad AM too (it is not processed)
              "am_bad": sum(not f.am_good for f in frames) + len(gaps),
              "oh_crc_errors": sum(not f.oh_ok for f in frames),
              "jc_crc_errors": sum(not f.jc_crc_ok for f in frames),
              "jc_pattern_errors": sum(f.jc_kind in ("pattern", "stale") for f in frames),
              "unusable_frames": sum(not f.usable for f in frames),
              "lock_losses": len(gaps), "locks": 1 + len(gaps),
              "lost_frames": sum(g[2] for g in gap_out),
              "error_blocks": sum(f.cm for f, d in zip(frames, delivered) if not d) + sum(g[1] for g in gap_out),
              "sec_dropped": sum(f.usable and not d for f, d in zip(frames, delivered))}
        reasons = [r for f in frames for r in f.reasons]
        sec = {"frames": len(frames), "passed": sum(f.verdict == "pass" for f in frames),
               "failed": sum(f.verdict == "fail" for f in frames),
               "bypass": sum((sc.mode == "bypass" or f.bypass) and f.pad_ok for f in frames),
               "tag_failures": reasons.count("tag mismatch"), "tags_lost": reasons.count("tag lost"),
               "replays": reasons.count("replay"), "unknown_an": reasons.count("unknown AN"),
               "pad_errors": reasons.count("PAD invalid"), "pn_unpredicted": reasons.count("PN not predicted"),
               # the prediction switches AN after the last announcing frame (MFAS 7)
               "key_switches": int(sc.rekey and any(f.line == p.multiframe - 1 for f in frames)),
               "key_changed": reasons.count("key changed")}
        counters[pol] = {"rx": rx, "sec": sec}
    c = counters[CUT_THROUGH]
    inherent = {"pn_unpredicted": 1, "tags_lost": 1} if sc.mode != "bypass" else {}
    if sc.mode == "bypass" and sc.allow_bypass:
        inherent["bypass"] = c["sec"]["frames"]
    # Frame 1 is never verified, so the frames right after it whose JC is relative are
    # "stale" (4.4 rule 3): inherent too (the idle lead of a golden set covers them).
    n_stale = next((i for i, f in enumerate(frames[1:]) if f.jc_kind != "stale"), len(frames[1:]))
    inherent.update({"rx.jc_pattern_errors": n_stale, "rx.unusable_frames": n_stale})
    alarms = {f"rx.{n}": c["rx"][n] - inherent.get(f"rx.{n}", 0) for n in ALARM_RX
              if c["rx"][n] > inherent.get(f"rx.{n}", 0)}
    alarms.update({f"sec.{n}": c["sec"][n] - inherent.get(n, 0) for n in ALARM_SEC
                   if c["sec"][n] > inherent.get(n, 0)})
    return Expected(frames, gap_out, counters, alarms)


# ---- receiver taps -------------------------------------------------------------

# The receiver taps, per policy: cut-through without a suffix, store-and-forward (the
# RTL's reset default) with "_sf" (spec 7).
RX_POLICY_SUFFIX = {CUT_THROUGH: "", STORE_AND_FORWARD: "_sf"}
_RXSTAT = ("one word per processed frame: [127:64] PN (PAD as received) [63:56] MFAS [55:48] STAT "
           "[47:32] Cm (14 bits used) [31:28] JC kind (0 same 1 +1 2 +2 3 -1 4 -2 5 new 6 crc "
           "7 pattern 8 stale) [27] AM good [26] OH CRC ok [25] JC CRC ok [24] usable [23:22] AN "
           "[21:20] mode [19:16] verdict (0 pass 1 fail 2 bypass) [15] released [14] delivered "
           "[13:9] 0 [8] CnD unknown (JC6 CRC-5 or JC4..JC6 zero bits bad) [7] key changed [6] PAD invalid [5] bypass not allowed [4] unknown AN [3] replay "
           "[2] PN not predicted [1] tag mismatch [0] tag lost")
RX_TAPS, RX_TITLES = {}, {}
for _pol, _s in RX_POLICY_SUFFIX.items():
    for _t, _title in ((Tap(f"rx257b{_s}", 257, f"tx_xcoded<256:0> as tap 257b; the receiver's client blocks out of "
                                                f"deframe ({_pol}), ERROR_257B included"),
                        f"receiver 257b blocks (model RX, {_pol})"),
                       (Tap(f"rx66b{_s}", 66, f"tx_coded<65:0> as tap 66b; detranscode_257b of rx257b{_s}, 4 per "
                                              f"257b block, block 0 first"),
                        f"receiver 66b blocks (rx257b{_s} detranscoded, {_pol})"),
                       (Tap(f"rxstat{_s}", 128, f"{_RXSTAT} ({_pol}: released = {'on arrival' if not _s else 'after its verdict'})"),
                        f"receiver status per processed frame (model RX, {_pol})")):
        RX_TAPS[_t.name], RX_TITLES[_t.name] = _t, _title


def rxstat_word(st) -> int:
    f, _ = Pad.decode(st.pad)
    s = st.sec
    reasons = sum(1 << REASON_BITS[r] for r in (s.reasons if s else []))
    verdict = VERDICT[s.verdict] if s else VERDICT["bypass"]
    return (f.pn << 64 | st.mfas << 56 | st.stat << 48 | st.cm << 32 | JC_KIND[st.jc.kind] << 28
            | st.am_good << 27 | st.oh_crc_ok << 26 | st.jc.crc_ok << 25 | st.usable << 24
            | f.an << 22 | (st.pad[1] & 3) << 20 | verdict << 16
            | bool(s is None or s.released) << 15 | st.delivered << 14 | (st.jc.cnd is None) << 8 | reasons)


def rxstat_fields(w: int) -> dict:
    inv = {v: k for k, v in JC_KIND.items()}
    return {"pn": w >> 64, "mfas": w >> 56 & 0xFF, "stat": w >> 48 & 0xFF, "cm": w >> 32 & 0xFFFF,
            "jc_kind": inv.get(w >> 28 & 0xF, "?"), "am_good": w >> 27 & 1, "oh_crc_ok": w >> 26 & 1,
            "jc_crc_ok": w >> 25 & 1, "usable": w >> 24 & 1, "an": w >> 22 & 3, "mode": w >> 20 & 3,
            "verdict": {v: k for k, v in VERDICT.items()}.get(w >> 16 & 0xF, "?"), "released": w >> 15 & 1,
            "delivered": w >> 14 & 1, "cnd_unknown": w >> 8 & 1, "reasons": [r for r, b in REASON_BITS.items() if w >> b & 1]}


def rx_tap_values(rx: RxResult, policy: str) -> dict[str, list[int]]:
    s = RX_POLICY_SUFFIX[policy]
    b66, _ = detranscode_257b(rx.blocks)
    return {f"rx257b{s}": rx.blocks.to_ints(), f"rx66b{s}": b66.to_ints(),
            f"rxstat{s}": [rxstat_word(st) for st in rx.frames]}


# ---- comparison of a receiver run with the expectation --------------------------

class OutcomeMismatch(Mismatch):
    """A receiver run differs from what the spec requires."""


def _tx_blocks(p: Profile, f, cm: int | None = None) -> Blocks257:
    """The 257b blocks a transmitted frame carries in its data slots (from its clear payload);
    ``cm``: those of the slot map of another Cm (a forged plain C, read from a clear payload)."""
    bits = np.unpackbits(np.frombuffer(f.plain, np.uint8))[:p.n_slots * p.slot_bits].reshape(p.n_slots, -1)
    return bits_to_blocks(bits[slot_map(f.map.cm if cm is None else cm, p.n_slots)])


def lost_ethernet_frames(p: Profile, tx_frames, layout, exp: Expected, policy: str) -> set[int]:
    """Ethernet frames with a 257b block in a line frame that is not delivered (spec: its
    data becomes error blocks), from the transmitter's slot assignment."""
    good = delivered_blocks(tx_frames, exp, policy)
    return {i for i, (a, e) in enumerate(zip(layout.starts, layout.ends)) if not good[a // 32:e // 32 + 1].all()}


def delivered_blocks(tx_frames, exp: Expected, policy: str) -> np.ndarray:
    """Per client 257b block (the transmitter's slot assignment): does it reach the client as sent."""
    good = np.zeros(max((int(f.map.slots.max()) + 1 for f in tx_frames), default=0), bool)
    for e in exp.frames:
        if e.usable and e.released[policy]:
            s = tx_frames[e.line].map.slots
            good[s[s >= 0]] = True
    return good


def check_outcome(sc: Scenario, p: Profile, exp: Expected, rx: RxResult, sec_counters, policy: str, tx_frames,
                  layout=None, eth_frames=None) -> None:
    """Raise OutcomeMismatch at the first difference between a receiver run and ``exp``."""
    def fail(msg):
        raise OutcomeMismatch(f"scenario {sc.name}, {policy}: {msg}")
    if len(rx.frames) != len(exp.frames):
        fail(f"{len(rx.frames)} frames processed, expected {len(exp.frames)} (line frames "
             f"{[f.line for f in exp.frames]})")
    F = p.frame_bits
    for st, e in zip(rx.frames, exp.frames):
        where = f"line frame {e.line}"
        if st.pos // F != e.line and (st.pos + 1) // F != e.line:
            fail(f"{where}: processed at bit {st.pos}")
        got = {"am_good": st.am_good, "oh_crc_ok": st.oh_crc_ok, "jc_crc_ok": st.jc.crc_ok,
               "cnd_ok": st.jc.cnd is not None, "jc_kind": st.jc.kind, "usable": st.usable, "cm": st.cm, "verdict": st.sec.verdict,
               "reasons": st.sec.reasons, "released": st.sec.released}
        want = {"am_good": e.am_good, "oh_crc_ok": e.oh_ok, "jc_crc_ok": e.jc_crc_ok, "cnd_ok": e.cnd_ok,
                "jc_kind": e.jc_kind,
                "usable": e.usable, "cm": e.cm, "verdict": e.verdict, "reasons": e.reasons,
                "released": e.released[policy]}
        if e.pad_ok:
            got.update(an=st.sec.an, pn=st.sec.pn)
            want.update(an=e.an, pn=e.pn)
        for key in want:
            if got[key] != want[key]:
                fail(f"{where}: {key} is {got[key]!r}, expected {want[key]!r}")
    c = exp.counters[policy]
    for grp, have in (("rx", rx.counters), ("sec", sec_counters)):
        for name, v in c[grp].items():
            if getattr(have, name) != v:
                fail(f"counter {grp}.{name} is {getattr(have, name)}, expected {v}")
    # Block by block: a delivered frame's blocks equal the transmitted ones; every other
    # frame and every lost stretch leaves only ERROR_257B (cut-through: a frame that fails
    # late has left already, so only frames that failed on arrival are checked as errors).
    got = rx.blocks.to_ints()
    err = ERROR_257B.to_ints()[0]
    pos = 0
    gaps = {g[0]: g[1] for g in exp.gaps}
    for st, e in zip(rx.frames, exp.frames):
        blk = got[pos:pos + st.blocks]
        if e.usable and e.released[policy]:
            want = _tx_blocks(p, tx_frames[e.line], e.cm if e.forged in FORGED_PLAIN else None).to_ints()
            if policy == STORE_AND_FORWARD or e.verdict == "pass":
                if blk != want:
                    i = next((i for i, (a, b) in enumerate(zip(blk, want)) if a != b), min(len(blk), len(want)))
                    fail(f"line frame {e.line} released, block {i} differs from the transmitted block")
        elif any(b != err for b in blk) or len(blk) != e.cm:
            fail(f"line frame {e.line} not delivered but its {len(blk)} blocks are not {e.cm} ERROR_257B")
        pos += st.blocks
        if e.line in gaps:
            if any(b != err for b in got[pos:pos + gaps[e.line]]):
                fail(f"after line frame {e.line}: lost frames' blocks are not all ERROR_257B")
            pos += gaps[e.line]
    if pos != len(got):
        fail(f"{len(got)} blocks out, the frames account for {pos}")
    if sc.mac:
        # the count of "stream ended inside frame" holds when the cut frame's /S/ reaches the client
        if "stream_end" in sc.mac and (layout is None or not delivered_blocks(tx_frames, exp, policy)[
                layout.starts[-1] // 32]):
            fail("the cut Ethernet frame's /S/ is not in a delivered line frame: the client would not see it")
        st = pcs_rx(rx.blocks).stats
        got = {v: getattr(st, v) if hasattr(st, v) else st.reasons.get(v, 0) for v in MAC_EVENTS.values()}
        want = mac_counts(sc)
        if got != want:
            fail(f"client MAC receiver: {got} MAC events, expected {want}")
        stray = stray_control_counts(sc, exp)
        if stray is not None:
            if layout is None or lost_ethernet_frames(p, tx_frames, layout, exp, policy):
                fail("stray_control is expected only where no error block falls inside an Ethernet frame")
            if st.stray_control != stray[policy]:
                fail(f"client MAC receiver: stray_control {st.stray_control}, expected {stray[policy]}")
    if eth_frames is not None and policy == STORE_AND_FORWARD:
        lost = lost_ethernet_frames(p, tx_frames, layout, exp, policy)
        if "stream_end" in sc.mac:
            lost.add(len(eth_frames) - 1)        # never good: the stream ends inside it
        want = [f for i, f in enumerate(expected_rx(eth_frames)) if i not in lost]
        good = [f.data for f in pcs_rx(rx.blocks).frames if f.good]
        if good != want:
            fail(f"{len(good)} good Ethernet frames received, expected the {len(want)} of the pcap not touched "
                 f"by an undelivered line frame")


def outcome_meta(sc: Scenario, exp: Expected) -> dict:
    return {"rx_frames": [f.line for f in exp.frames],
            # the client MAC receiver's counts of the scenario's MAC events (spec 3.1), both policies
            "mac_events": mac_counts(sc),
            # its stray_control per policy where the scenario sends stray /T/, /E/ (else null)
            "mac_stray_control": stray_control_counts(sc, exp),
            "verdicts": {str(f.line): [f.verdict, *f.reasons] for f in exp.frames},
            "alarms": exp.alarms,
            "counters": {pol: c for pol, c in exp.counters.items()}}


def line_frames_for(sc: Scenario, n_257b: int, p: Profile) -> int:
    return max(math.ceil(n_257b / p.cm_nominal) + 2, sc.min_line_frames)


# ---- a scenario end to end; its vector set ---------------------------------------

COMPACT_DROP = ("cgmii", "line_plain")     # left out of compact sets (size); 66b/257b and line stay


@dataclass
class Run:
    p: Profile
    taps: dict                  # transmitter taps (line before the impairment)
    tx: object                  # PcsTx
    frames: list                # TxFrame
    imp: Impaired
    exp: Expected
    seed: int | None


def recipe_for(sc: Scenario, frames: int | None, seed: int | None, profile: str = "100g",
               word_bits: int | None = None):
    """The scenario's recipe, in the frame profile ``profile`` at ``word_bits`` (None: its
    own width).  A client schedule (``Scenario.client``) is given in clocks of the 100g
    profile's 256-bit words, so such a scenario exists there only."""
    from .vectorset import Recipe
    r = Recipe(sc.traffic, sc.frames if frames is None else frames, seed, profile, sc.ppm, sc.mode, word_bits)
    if sc.client and (r.profile, r.word_bits) != ("100g", 256):
        raise ValueError(f"scenario {sc.name}: its client schedule is given in clocks of 256-bit words of the "
                         f"100g profile; it has no {r.profile} {r.word_bits}-bit form")
    return r


def transmit(sc: Scenario, recipe, traffic_: Traffic) -> Run:
    from .frame import line_bits
    from .vectorset import generate
    p = recipe.frame_profile()
    taps, tx, frames = generate(recipe, traffic_, make_sec_tx(sc, recipe), sc.min_line_frames, sc.client)
    if sc.mac:      # Cm does not depend on the content: the first run says which blocks frame `at` carries
        taps, tx, frames = generate(recipe, traffic_, make_sec_tx(sc, recipe), sc.min_line_frames, sc.client,
                                    lambda cg, layout: mac_inject(sc, frames, cg, layout))
    cms = [f.map.cm for f in frames]
    imp = impair(sc, p, line_bits(frames), cms, [f.plain for f in frames])
    return Run(p, taps, tx, frames, imp, expect(sc, p, len(frames), cms, [f.jc for f in frames]), recipe.seed)


def line_words(p: Profile, bits: np.ndarray) -> list[int]:
    b = np.packbits(bits).tobytes()
    wb = p.word_bits // 8
    return [int.from_bytes(b[i:i + wb], "big") for i in range(0, len(b), wb)]


def verify_run(sc: Scenario, run: Run, eth_frames) -> dict:
    """Receive the impaired line with both policies, compare with the expectation
    (OutcomeMismatch otherwise); returns the receiver taps of both."""
    out = {}
    for pol in (CUT_THROUGH, STORE_AND_FORWARD):
        rx, cnt = receive(sc, run.p, run.imp.bits, run.seed, pol)
        check_outcome(sc, run.p, run.exp, rx, cnt, pol, run.frames, run.tx.layout, eth_frames)
        out.update(rx_tap_values(rx, pol))
    return out


def scenario_meta(sc: Scenario, recipe, run: Run, compact: bool) -> dict:
    link, txk, rxk = keys(sc, recipe.seed)
    hexkeys = lambda ks: {str(an): {"key": k.key.hex(), "salt": k.salt.hex()} for an, k in ks.items()}  # noqa: E731
    return {"scenario": {
        "name": sc.name, "summary": sc.summary, "outcome": sc.outcome, "compact": compact,
        "line_frames": len(run.frames),
        "impairment": {"kind": sc.impair, "frame": sc.at if sc.impair != "none" else None,
                       "description": run.imp.description, "flipped_line_bits": run.imp.flips,
                       "replay_source": run.imp.replay_source, "false_am_bit": run.imp.false_am,
                       "line_tx_ranges": run.imp.tx_ranges},
        "rekey": ({"an": REKEY_AN, "requested_before_frame": 0, "announced_frames": [0, run.p.multiframe - 1],
                   "switch_frame": run.p.multiframe} if sc.rekey else None),
        "rx_key_events": [{"before_line_frame": t, "op": op, "an": an} for t, op, an in sc.rx_key_events],
        "tx_keys": hexkeys(txk),
        "rx": {"taps": rx_taps_meta(), "require_security": not sc.allow_bypass, "link_id": f"{link:08x}",
               "keys": hexkeys(rxk)},
        **outcome_meta(sc, run.exp)}}


def rx_taps_meta() -> dict:
    """The manifest's names of the receiver taps per policy (with the counters file)."""
    return {pol: [f"{n}{s}.hex" for n in ("rx257b", "rx66b", "rxstat", "rxcnt")]
            for pol, s in RX_POLICY_SUFFIX.items()}


def scenario_set(sc: Scenario, recipe, traffic_: Traffic, compact: bool):
    """For vectorset.write_set: (taps, tx, frames, tap definitions, titles, extra manifest)."""
    from .vectorset import TITLES, all_tx_taps
    run = transmit(sc, recipe, traffic_)
    taps = dict(run.taps)
    taps["line"] = line_words(run.p, run.imp.bits)
    taps.update(verify_run(sc, run, traffic_.frames))
    defs = {n: t for n, t in all_tx_taps(run.p, recipe.mode).items() if not (compact and n in COMPACT_DROP)}
    defs.update(RX_TAPS)
    titles = {**TITLES, **RX_TITLES,
              "line": f"the line after security AND the impairment of scenario '{sc.name}' "
                      f"({run.imp.description}); the transmitter's own output equals it in the word ranges "
                      f"manifest scenario.impairment.line_tx_ranges"}
    return taps, run.tx, run.frames, defs, titles, scenario_meta(sc, recipe, run, compact)


def check_rx_and_regenerate(d, man: dict, sc: Scenario, recipe, vals: dict, pcap_frames, log) -> str:
    """`physec check` of a scenario set, after the PCS and framer steps: the receiver taps
    against a fresh model RX run on line.hex, the outcome against the spec's expectation
    (both policies), and the whole set against a regeneration from the recipe."""
    import json
    from .vectorset import PCAP_NAME, _first_diff
    p = recipe.frame_profile()
    bits = np.unpackbits(np.frombuffer(b"".join(v.to_bytes(p.word_bits // 8, "big") for v in vals["line"]),
                                       np.uint8))
    for pol in RX_POLICY_SUFFIX:
        rx, _ = receive(sc, p, bits, recipe.seed, pol)
        for name, want in rx_tap_values(rx, pol).items():
            _first_diff(f"model RX ({pol}) on line.hex vs {name}.hex", vals[name], want, RX_TAPS[name].width)
    log(f"model RX on line.hex reproduces the receiver taps of both policies ({len(rx.frames)} frames processed)")
    tr = traffic(sc, recipe.frames, recipe.seed)
    taps, _, frames, defs, _, meta = scenario_set(sc, recipe, tr, bool(man["scenario"]["compact"]))
    log(f"scenario {sc.name}: the receiver outcome (both policies) is the one the spec requires")
    for name, got in vals.items():
        _first_diff(f"regenerated {name}.hex vs file", got, taps[name], defs[name].width)
    if [bytes(f) for f in tr.frames] != pcap_frames:
        raise Mismatch(f"regenerated frames differ from {PCAP_NAME}")
    if json.loads(json.dumps(meta["scenario"])) != man["scenario"]:
        k = next(k for k in meta["scenario"] if json.loads(json.dumps(meta["scenario"][k])) != man["scenario"].get(k))
        raise Mismatch(f"{d}/manifest.json: scenario/{k} differs from what the scenario makes")
    log("regenerated from the manifest's recipe and scenario: identical")
    c = man["scenario"]["counters"][CUT_THROUGH]
    return (f"scenario {sc.name}: {len(pcap_frames)} frames, {len(frames)} line frames ({len(vals['line'])} "
            f"words), {c['sec']['passed']} passed, {c['sec']['failed']} failed, alarms "
            f"{', '.join(f'{k} {v}' for k, v in man['scenario']['alarms'].items()) or 'none'}")


def rx_status_lines(d, man: dict, frame: int) -> list[str]:
    """`physec inspect` of a scenario set: the impairment and the receiver's status and
    verdict of line frame ``frame`` (rxstat.hex), with the expected verdict."""
    from .vectors import read_listed_tap
    sm = man["scenario"]
    stat = read_listed_tap(d, man, RX_TAPS["rxstat"])
    out = [f"  SCENARIO {sm['name']}: {sm['impairment']['description']}"]
    if len(stat) != len(sm["rx_frames"]):
        raise VectorError(f"{d}: rxstat.hex has {len(stat)} words, scenario/rx_frames lists {len(sm['rx_frames'])}")
    if frame not in sm["rx_frames"]:
        return out + ["  RX   not processed by the receiver (acquiring lock, or lost)"]
    x = rxstat_fields(stat[sm["rx_frames"].index(frame)])
    out += [f"  RX   AM {'good' if x['am_good'] else 'BAD'}  OH CRC {'ok' if x['oh_crc_ok'] else 'BAD'}  JC CRC "
            f"{'ok' if x['jc_crc_ok'] else 'BAD'} ({x['jc_kind']}){'  CnD unknown' if x['cnd_unknown'] else ''}  usable {x['usable']}  Cm {x['cm']}  MFAS "
            f"{x['mfas']}  STAT {x['stat']:02x}",
            f"       PAD AN {x['an']} PN {x['pn']} mode {x['mode']}  verdict {x['verdict']}"
            f"{' (' + ', '.join(x['reasons']) + ')' if x['reasons'] else ''}  released {x['released']}  "
            f"delivered {x['delivered']}",
            f"       expected verdict: {', '.join(sm['verdicts'][str(frame)])}"]
    return out
