# SPDX-License-Identifier: Apache-2.0
"""Stage `sec`: PHYSec, per-frame AES-GCM with its parameters in the PAD field (spec 6).

Same concept in every layer: ``SecTx`` = RTL ``physec_sec_tx``, ``SecRx`` = RTL
``physec_sec_rx``; GCM itself is ``gcm.py`` (explicit path) or the library (fast path).

Per frame n: IV = salt xor (link ID (32 bits) || PN (64 bits)), big-endian;
AAD = PAD security header (PAD bytes before TAG) || OH; plaintext = the payload region
(slots and fill bits, 82,080 bytes in the 100g profile).  Encrypt mode: ciphertext
replaces the payload.  Authenticate-only: the payload stays clear and is appended to
the AAD (GMAC).  Bypass: nothing, no tag.  Frame n's tag travels in frame n+1's PAD.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .gcm import GcmKey, GcmTrace, gcm_encrypt, gcm_fast, gcm_open, gcm_open_fast
from .pad import MODE_AUTH, MODE_BYPASS, MODE_ENCRYPT, TAG_BYTES, VERSION, Pad, security_header

PN_MAX = (1 << 64) - 1


class SecError(ValueError):
    """A request the security layer refuses (PN exhausted, key reuse, bad configuration)."""


@dataclass(frozen=True)
class SecKey:
    key: bytes                 # 16 (AES-128) or 32 (AES-256) bytes
    salt: bytes                # 12 bytes

    def __post_init__(self):
        if len(self.key) not in (16, 32):
            raise SecError(f"keys are 16 or 32 bytes (AES-128/256), got {len(self.key)}")
        if len(self.salt) != 12:
            raise SecError(f"the salt is 12 bytes, got {len(self.salt)}")


def make_iv(salt: bytes, link_id: int, pn: int) -> bytes:
    """XPN-style IV: salt xor (link ID || PN), 96 bits big-endian."""
    x = link_id.to_bytes(4, "big") + pn.to_bytes(8, "big")
    return bytes(a ^ b for a, b in zip(salt, x))


def _aad(pad: bytes, oh: bytes) -> bytes:
    return security_header(pad) + oh


class _Engine:
    """One installed key: the explicit GCM path or the library's AESGCM."""

    def __init__(self, sk: SecKey, explicit: bool):
        self.sk, self.explicit = sk, explicit
        # The explicit path's GHASH tables take milliseconds to build: only when used.
        self.gk = GcmKey(sk.key) if explicit else None
        self.aead = AESGCM(sk.key)                 # key schedule once per installed key

    def seal(self, iv: bytes, pt: bytes, aad: bytes, tag_len: int, trace=None) -> tuple[bytes, bytes]:
        if self.explicit:
            return gcm_encrypt(self.gk, iv, pt, aad, tag_len, trace)
        return gcm_fast(self.aead, iv, pt, aad, tag_len)

    def open(self, iv: bytes, ct: bytes, aad: bytes, tag_len: int):
        """(plaintext, check): ``check(tag)`` tells whether the tag that arrives with the
        next frame is the one the sender must have sent."""
        if self.explicit:
            pt, expect = gcm_open(self.gk, iv, bytes(ct), aad, tag_len)
            return pt, _tag_check(expect)
        return gcm_open_fast(self.sk.key, iv, ct, aad, tag_len)


def _tag_check(expect: bytes):
    """``check(tag)`` against a tag computed at once (compared in constant time)."""
    return lambda tag: hmac.compare_digest(tag, expect)


def protect(eng: _Engine, mode: int, iv: bytes, pad: bytes, oh: bytes, payload: bytes, tag_len: int,
            trace=None) -> tuple[bytes, bytes | None]:
    """(payload on the line, tag) for one frame in ``mode``."""
    aad = _aad(pad, oh)
    if mode == MODE_ENCRYPT:
        return eng.seal(iv, payload, aad, tag_len, trace)
    if mode == MODE_AUTH:
        return payload, eng.seal(iv, b"", aad + payload, tag_len, trace)[1]
    return payload, None


@dataclass
class TxFrameSec:
    pad: bytes
    payload: bytes
    tag: bytes | None
    an: int
    pn: int
    iv: bytes | None
    trace: GcmTrace | None = None   # intermediates, when the transmitter uses the explicit path


class SecTx:
    """Transmit side.  Call :meth:`frame` once per frame, in order, with the frame's MFAS."""

    def __init__(self, an: int, key: SecKey, link_id: int, mode: int = MODE_ENCRYPT, tag_len: int = TAG_BYTES,
                 multiframe: int = 8, explicit: bool = False):
        if mode not in (MODE_BYPASS, MODE_AUTH, MODE_ENCRYPT):
            raise SecError(f"mode {mode} is not bypass (0), authenticate-only (1) or encrypt (2)")
        self.mode, self.link_id, self.tag_len, self.mf = mode, link_id, tag_len, multiframe
        self.explicit = explicit
        self.used: set[bytes] = set()
        self.an, self.eng, self.pn = an, self._install(key), 1
        self.prev_tag: bytes | None = None
        self.pending: tuple[int, SecKey] | None = None   # requested rekey
        self.announce_left = 0                           # frames of announcement still to send

    @staticmethod
    def _fingerprint(key: SecKey) -> bytes:
        return hashlib.sha256(key.key + key.salt).digest()

    def _install(self, key: SecKey) -> _Engine:
        fp = self._fingerprint(key)
        if fp in self.used:
            raise SecError("this key and salt were used before: PNs would repeat under them")
        self.used.add(fp)
        return _Engine(key, self.explicit)

    def rekey(self, an: int, key: SecKey) -> None:
        """Announce ``an`` for the whole next multiframe, switch at the boundary after it."""
        if not 0 <= an < 4 or an == self.an:
            raise SecError(f"the next AN must be 0..3 and differ from the current {self.an}")
        if self.pending:
            raise SecError("a key change is already under way")
        if self._fingerprint(key) in self.used:
            raise SecError("this key and salt were used before: PNs would repeat under them")
        self.pending = (an, key)
        self.announce_left = -1                          # starts at the next multiframe boundary

    def frame(self, mfas: int, oh: bytes, payload: bytes, pad_bytes: int) -> TxFrameSec:
        boundary = mfas % self.mf == 0
        if self.pending and boundary:
            if self.announce_left == 0:                  # a whole multiframe announced: switch
                an, key = self.pending
                self.an, self.eng, self.pn = an, self._install(key), 1
                self.pending = None
            elif self.announce_left < 0:
                self.announce_left = self.mf
        if self.pn > PN_MAX:
            raise SecError(f"PN space of AN {self.an} exhausted: install a new key")
        kcp = bool(self.pending) and self.announce_left > 0
        pad = Pad(VERSION, self.mode, self.an, self.prev_tag is not None, kcp,
                  self.pending[0] if kcp else 0, self.pn,
                  (self.prev_tag or b"").ljust(TAG_BYTES, b"\0")).encode(pad_bytes)
        if kcp:
            self.announce_left -= 1
        iv = make_iv(self.eng.sk.salt, self.link_id, self.pn) if self.mode != MODE_BYPASS else None
        trace = GcmTrace() if self.explicit and iv else None
        out, tag = protect(self.eng, self.mode, iv, pad, oh, payload, self.tag_len, trace) \
            if iv else (payload, None)
        res = TxFrameSec(pad, out, tag, self.an, self.pn, iv, trace)
        self.prev_tag = tag
        self.pn += 1
        return res


# ---- receive ---------------------------------------------------------------------

CUT_THROUGH, STORE_AND_FORWARD = "cut-through", "store-and-forward"


@dataclass
class RxFrameSec:
    index: int                  # frame number at this receiver
    an: int | None
    pn: int | None
    mode: int | None
    payload: bytes              # decrypted (or clear) payload as computed at once
    verdict: str = "pending"    # "pass", "fail", "bypass", "pending" (no next PAD yet)
    reasons: list = field(default_factory=list)
    released: bool = False      # payload handed on as client data (cut-through: at once
                                # unless it failed on arrival; store-and-forward: after "pass")
    accepted: bool = False      # passed the arrival checks: its verdict waited for the next PAD


@dataclass
class SecCounters:
    frames: int = 0
    passed: int = 0
    failed: int = 0
    bypass: int = 0
    tag_failures: int = 0
    tags_lost: int = 0          # the next PAD did not deliver a usable tag (or lock was lost)
    replays: int = 0
    unknown_an: int = 0
    pad_errors: int = 0         # CRC, version or mode invalid
    pn_unpredicted: int = 0     # keystream was precomputed for another AN/PN
    key_switches: int = 0
    key_changed: int = 0        # the frame's keystream job was not bound to its AN's current key


class SecRx:
    """Receive side: verify each frame's tag when the next PAD arrives.

    The receiver precomputes the keystream of the frame it expects next: the AN and PN
    of the last frame whose PAD it could read, PN + 1, or the announced AN with PN = 1
    at the multiframe boundary after an announcement.  A frame that arrives with other
    parameters, or the first frame (nothing predicted yet), cannot be decrypted in time
    and fails ("pn_unpredicted"), as in the RTL; its PAD seeds the prediction.  The
    keystream job is bound to the identity of the predicted AN's key (spec 6.4): a key
    installed or erased for that AN before the frame arrives fails it ("key changed").
    ``install`` and ``erase`` act between two frames.
    """

    def __init__(self, keys: dict[int, SecKey], link_id: int, policy: str = STORE_AND_FORWARD,
                 tag_len: int = TAG_BYTES, multiframe: int = 8, require_security: bool = True,
                 explicit: bool = False):
        if policy not in (CUT_THROUGH, STORE_AND_FORWARD):
            raise SecError(f"policy must be {CUT_THROUGH!r} or {STORE_AND_FORWARD!r}")
        self.explicit = explicit
        self.engines = {an: _Engine(k, explicit) for an, k in keys.items()}
        self.link_id, self.policy, self.tag_len, self.mf = link_id, policy, tag_len, multiframe
        self.require = require_security
        self.last_pn: dict[int, int] = {}
        self.key_id: dict[int, int] = {an: 0 for an in range(4)}   # changes at each install/erase
        self.pred: tuple[int, int] | None = None         # (AN, PN) expected next; None until a PAD was read
        self.job_next = None                             # (AN, key identity) of the next frame's job; None = null
        self.job_cur = None                              # the job of the last frame received
        self.flushed = False                             # an erase cleared the last frame's keystream path
        self.announced: int | None = None
        self.prev: RxFrameSec | None = None
        self.prev_tag_check = None                      # the pending frame's tag check (Engine.open)
        self.cnt = SecCounters()
        self.n_frames = 0                                # frames seen (none is kept: bounded memory)

    def install(self, an: int, key: SecKey) -> None:
        self.engines[an] = _Engine(key, self.explicit)
        self.last_pn.pop(an, None)
        self.key_id[an] += 1

    def erase(self, an: int) -> None:
        """Clear the AN's key; if the keystream path holds its material (the last frame's
        or the next frame's job), the path is cleared and both frames fail (spec 6.4)."""
        self.engines.pop(an, None)
        self.last_pn.pop(an, None)
        self.key_id[an] += 1
        if any(j is not None and j[0] == an for j in (self.job_cur, self.job_next)):
            self.flushed = True
            self.job_next = (an, -1)                     # matches no key identity

    @staticmethod
    def _fail(f: RxFrameSec, reason: str) -> None:
        f.reasons.append(reason)

    def _close(self, f: RxFrameSec) -> None:
        """Count a frame whose verdict is final; store-and-forward releases it now or never."""
        if f.verdict == "pending":
            f.verdict = "fail" if f.reasons else "pass"
        if f.verdict == "pass":
            self.cnt.passed += 1
            self.last_pn[f.an] = f.pn
        elif f.verdict == "fail":
            self.cnt.failed += 1
        if self.policy == STORE_AND_FORWARD:
            f.released = f.verdict in ("pass", "bypass")

    def _end_pending(self, tag=None) -> None:
        """Step 1 for the pending frame: ``tag`` from the next PAD, or None when none
        comes (PAD unreadable, tag not valid, loss of lock, end of stream)."""
        p, c = self.prev, self.cnt
        if p is None or p.verdict != "pending":
            return
        if self.flushed:
            c.key_changed += 1
            self._fail(p, "key changed")
        elif tag is None:
            c.tags_lost += 1
            self._fail(p, "tag lost")
        elif not self.prev_tag_check(tag):
            c.tag_failures += 1
            self._fail(p, "tag mismatch")
        self._close(p)

    def frame(self, mfas: int, pad: bytes, oh: bytes, payload: bytes) -> RxFrameSec:
        """``payload``: bytes, or a read-only view of the line (not copied unless kept)."""
        c = self.cnt
        c.frames += 1
        fields, crc_ok = Pad.decode(pad)
        ok = crc_ok and fields.version == VERSION and fields.mode in (MODE_BYPASS, MODE_AUTH, MODE_ENCRYPT)
        f = RxFrameSec(self.n_frames, fields.an if ok else None, fields.pn if ok else None,
                       fields.mode if ok else None, payload)
        self.n_frames += 1

        # 1. The previous frame's verdict, from the tag this PAD carries.
        self._end_pending(fields.tag[:self.tag_len] if ok and fields.tag_valid else None)

        # 2. This frame's parameters, checked against the job prepared for it.
        self.prev_tag_check = None
        self.job_cur, self.flushed = self.job_next, False
        if not ok:
            c.pad_errors += 1
            self._fail(f, "PAD invalid")
        elif fields.mode == MODE_BYPASS:
            f.verdict = "bypass"
            c.bypass += 1
            if self.require:
                self._fail(f, "bypass not allowed")
        elif fields.an not in self.engines:
            c.unknown_an += 1
            self._fail(f, "unknown AN")
        elif fields.pn <= self.last_pn.get(fields.an, 0):
            c.replays += 1
            self._fail(f, "replay")
        elif (fields.an, fields.pn) != self.pred:          # also the first frame: nothing predicted yet
            c.pn_unpredicted += 1
            self._fail(f, "PN not predicted")
        elif self.job_cur != (fields.an, self.key_id[fields.an]):
            c.key_changed += 1
            self._fail(f, "key changed")
        else:
            eng = self.engines[fields.an]
            iv = make_iv(eng.sk.salt, self.link_id, fields.pn)
            aad = _aad(pad, oh)
            if fields.mode == MODE_ENCRYPT:
                f.payload, self.prev_tag_check = eng.open(iv, payload, aad, self.tag_len)
            else:
                self.prev_tag_check = _tag_check(eng.seal(iv, b"", aad + payload, self.tag_len)[1])
        if f.payload is payload:
            f.payload = bytes(payload)          # not decrypted: the frame keeps its own copy
        if f.reasons:
            f.verdict = "fail"
        f.accepted = f.verdict == "pending"
        if self.policy == CUT_THROUGH:
            f.released = not f.reasons          # a frame known bad on arrival is never released
        if f.verdict != "pending":
            self._close(f)

        # 3. Prediction of the next frame's parameters: from this PAD; from the previous
        # prediction when the PAD is unreadable; unchanged when the frame was refused
        # outright (a replayed or foreign frame must not derail the receiver).
        refused = ok and not set(f.reasons) <= {"PN not predicted", "key changed"}
        if ok and not refused:
            if fields.key_change_pending:
                self.announced = fields.next_an
            nxt = (fields.an, fields.pn + 1)
        elif not ok and self.pred is not None:
            nxt = (self.pred[0], self.pred[1] + 1)
        else:
            nxt = self.pred
        if nxt is not None and not refused:
            if (mfas + 1) % self.mf == 0 and self.announced is not None:
                nxt, self.announced = (self.announced, 1), None
                c.key_switches += 1
        self.pred = nxt
        self.job_next = (nxt[0], self.key_id[nxt[0]]) if (nxt is not None and nxt[1] <= PN_MAX
                                                         and nxt[0] in self.engines) else None
        self.prev = f
        return f

    def lost(self) -> None:
        """Loss of lock: the pending frame's tag rode in the lost frame (spec 6.4)."""
        self._end_pending()

    def finish(self) -> None:
        """End of stream: the last frame's tag never arrives."""
        self._end_pending()
