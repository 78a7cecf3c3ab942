# SPDX-License-Identifier: Apache-2.0
"""Golden vector sets of the whole implemented chain, and their end-to-end check.

A set is generated from a recipe (traffic, frame count, seed, profile, client ppm):

    frames.pcap -> cgmii.hex -> 66b.hex -> 257b.hex -> [GMP + framer] -> line.hex
                                                        cm.hex, slotmap.hex, valid.hex, oh.hex, pad.hex

The client stream starts with idle blocks covering line frames 0, 1 and 2: a receiver
spends frame 0 acquiring lock (spec 5.5) and frame 1 learning the PN to predict (6.4);
frame 1 is therefore not verified, so frame 2's Cm is unknown if its JC is relative
(4.4 rule 3).  Every Ethernet frame is then recoverable from the line when frame 2 or
3 carries its Cm plainly, as at 0 and +-200 ppm (spec 7).

Sets of any length are written and checked in bounded memory: the traffic comes in
pieces (trafficstream), the chain runs frame by frame, and every tap is written and
read a block at a time through the streamed codec (hexio).  Which taps a set holds is
data: the transmitter's (``all_tx_taps``, one row function per frame tap in
``frame_rows``), the receiver's (``RX_TAP_SOURCES``: the receiver policy and the part
of its output each one holds) and the chain testbench's (``CHAIN_TAPS``).
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .frame import Deframer, FrameTx, RxOut, TxFrame, am_line_bytes, line_bits
from .gmp import client_valid, slot_map
from .hexio import (TapReader, TapWriter, b66_rows, b257_rows, bytes_rows, cgmii_rows, count_words, first_diff,
                    ints_to_rows, read_rows, row_bytes, rows_b66, rows_b257, rows_cgmii, rows_to_ints)
from .mac import MAX_FRAME, MacRx, MacTx
from .pcapio import FrameWriter, PcapError, iter_frames
from .pad import MODE_AUTH, MODE_BYPASS, MODE_ENCRYPT
from .pcs import PcsTx, pcs_tx
from .pcs66 import decode_66b, encode_66b
from .progress import Progress
from .sec import CUT_THROUGH, STORE_AND_FORWARD, SecKey, SecRx, SecTx
from .profile import Profile, get_profile
from .traffic import PROFILES as TRAFFIC_PROFILES
from .traffic import Traffic, expected_rx
from .trafficstream import TrafficSource, pcap_source, source, whole
from .vectors import (TAP_66B, TAP_257B, TAP_CGMII, TAP_GAP, Blocks257, Tap, cgmii_to_ints, MANIFEST, VectorError,
                      read_listed_tap, read_manifest, verify_hashes, write_manifest)
from .xcode257 import detranscode_257b, transcode_257b

PCAP_NAME = "frames.pcap"
CHAR_RATE = 100e9 / 8          # CGMII characters per second, for pcap timestamps only


class Mismatch(Exception):
    """A check found a difference; the message names the first one."""


@dataclass(frozen=True)
class Recipe:
    traffic: str               # traffic profile name, or "pcap" (frames come from frames.pcap)
    frames: int                # Ethernet frames
    seed: int | None
    profile: str = "100g"
    ppm: float = 0.0           # client rate offset
    mode: str = "encrypt"      # security mode: encrypt, auth, bypass
    word_bits: int | None = None   # line word width; None: the profile's own (then resolved)

    def __post_init__(self):
        if not (isinstance(self.ppm, (int, float)) and abs(self.ppm) <= PPM_LIMIT):    # also refuses NaN
            raise ValueError(f"the client offset must be within +-{PPM_LIMIT} ppm, got {self.ppm!r}")
        # Resolved and validated here, so that a manifest always states the width.
        object.__setattr__(self, "word_bits", get_profile(self.profile).at_width(self.word_bits).word_bits)

    def frame_profile(self) -> Profile:
        """The recipe's frame profile at its line word width."""
        return get_profile(self.profile).at_width(self.word_bits)


PPM_LIMIT = 10_000             # +-1 %: far beyond any Ethernet clock; keeps <= 1 block per clock in 100g at 256 bits


MODES = {"encrypt": MODE_ENCRYPT, "auth": MODE_AUTH, "bypass": MODE_BYPASS}
KS_SAMPLES = 4                 # keystream blocks per frame written to keystream.hex


def test_keys(seed: int | None) -> tuple[int, dict[int, SecKey]]:
    """Link ID and the AN 0 key/salt of a vector set, derived from its seed with SHA-256.
    Published test keys: never use them on a real link."""
    d = lambda label: hashlib.sha256(f"physec-{label}-{seed or 0}".encode()).digest()  # noqa: E731
    return int.from_bytes(d("link")[:4], "big"), {0: SecKey(d("key"), d("salt")[:12])}


def sec_tx(recipe: Recipe) -> SecTx:
    if recipe.mode not in MODES:
        raise ValueError(f"security mode {recipe.mode!r} is not one of {', '.join(MODES)}")
    link, keys = test_keys(recipe.seed)
    return SecTx(0, keys[0], link, MODES[recipe.mode], explicit=True)


def frame_taps(p: Profile) -> dict[str, Tap]:
    per_clock = 1 if p.cm_nominal <= p.words_per_frame else 4
    return {t.name: t for t in (
        Tap("line", p.word_bits, f"line word; bit {p.word_bits - 1} first transmitted (ITU order); "
                                 f"{p.words_per_frame} words per frame, word 0 starts with the AM"),
        Tap("oh", p.oh_bits, f"OH of each frame, byte 0 (MFAS) in bits {p.oh_bits - 1}:{p.oh_bits - 8}"),
        Tap("pad", p.pad_bits, f"PAD of each frame, byte 0 in bits {p.pad_bits - 1}:{p.pad_bits - 8}"),
        Tap("cm", 16, "Cm of each frame (data slots)"),
        Tap("slotmap", p.n_slots, "per frame: bit j-1 = 1 when slot j carries data"),
        Tap("valid", per_clock * p.words_per_frame,
            f"per frame: client blocks offered in clock c, {per_clock} bit(s) at bit {per_clock}*c"),
        Tap("line_plain", p.word_bits, "the line before the security stage (payload in clear), as line.hex"),
    )}


def sec_taps(mode: str) -> dict[str, Tap]:
    """Per-frame GCM intermediates; 128-bit blocks have byte 0 in bits 127:120."""
    if mode == "bypass":
        return {}
    taps = [Tap("iv", 96, "IV = salt xor (link ID || PN) of each frame, byte 0 in bits 95:88"),
            Tap("h", 128, "H = E_K(0^128) of the frame's key"),
            Tap("j0", 128, "J0 = IV || 0^31 || 1 of each frame"),
            Tap("ekj0", 128, "E_K(J0) of each frame"),
            Tap("ghash", 128, "S = GHASH_H(AAD, C) of each frame"),
            Tap("tag", 128, "tag of each frame (carried in the next frame's PAD)")]
    if mode == "encrypt":
        taps.append(Tap("keystream", 128 * KS_SAMPLES,
                        f"Ek_1..Ek_{KS_SAMPLES} = E_K(inc32^i(J0)) of each frame, Ek_1 in the top 128 bits"))
    return {t.name: t for t in taps}


def lead_blocks(p: Profile) -> int:
    """Idle 257b blocks before the traffic: more than frames 0, 1 and 2 can carry."""
    return 3 * p.cm_init + p.fifo_depth


def load_traffic(spec: str, frames: int, seed: int | None) -> TrafficSource:
    """A traffic profile, or the first ``frames`` frames of a capture (0: all), in pieces."""
    if spec in TRAFFIC_PROFILES:
        return source(spec, frames, seed)
    if not Path(spec).exists():
        raise ValueError(f"traffic {spec!r} is neither a profile ({', '.join(TRAFFIC_PROFILES)}) "
                         f"nor an existing pcap file")
    return pcap_source(spec, frames)


def generate(recipe: Recipe, traffic: Traffic, sec: SecTx | None = None, min_line_frames: int = 0,
             client_edits: tuple = (), cgmii_edit=None):
    """All taps as integer lists, plus the PCS and frame transmit results.  ``sec``: a
    prepared transmitter (a scenario's rekey plan) instead of ``sec_tx(recipe)``;
    ``client_edits``: (line frame, first clock, clocks, blocks per clock) overriding the
    client's schedule there (a scenario's pause or burst); ``cgmii_edit(cgmii, layout)``:
    the MAC's stream as the client sends it (a scenario's MAC events in an idle stretch)."""
    p = recipe.frame_profile()
    tx = pcs_tx(traffic, lead_blocks=lead_blocks(p))
    if cgmii_edit is not None:
        cg = cgmii_edit(tx.cgmii, tx.layout)
        b66 = encode_66b(cg)
        tx = PcsTx(cg, b66, transcode_257b(b66), tx.layout)
    n_line = max(math.ceil(len(tx.b257) / p.cm_nominal) + 2, min_line_frames)
    valid = client_valid(p, n_line, recipe.ppm)
    for t, c0, n, v in client_edits:
        valid[t * p.words_per_frame + c0:t * p.words_per_frame + c0 + n] = v
    ftx = FrameTx(p, tx.b257, sec or sec_tx(recipe))
    w = p.words_per_frame
    frames = [ftx.frame(valid[i * w:(i + 1) * w]) for i in range(n_line)]
    taps = {TAP_CGMII.name: cgmii_to_ints(tx.cgmii), TAP_66B.name: tx.b66.to_ints(), TAP_257B.name: tx.b257.to_ints(),
            TAP_GAP.name: [int(g) for g in traffic.gaps]}
    taps.update(frame_tap_values(p, frames, valid))
    taps.update(sec_tap_values(recipe.mode, frames))
    return taps, tx, frames


def sec_tap_values(mode: str, frames: list[TxFrame]) -> dict[str, list[int]]:
    if mode == "bypass":
        return {}
    tr = [f.sec.trace for f in frames]
    out = {"iv": [int.from_bytes(f.sec.iv, "big") for f in frames], "h": [t.h for t in tr],
           "j0": [t.j0 for t in tr],
           "ekj0": [t.ek_j0 for t in tr], "ghash": [t.s for t in tr],
           "tag": [int.from_bytes(t.tag.ljust(16, b"\0"), "big") for t in tr]}
    if mode == "encrypt":
        out["keystream"] = [sum(k << (128 * (KS_SAMPLES - 1 - i)) for i, k in enumerate(t.keystream[:KS_SAMPLES]))
                            for t in tr]
    return out


def frame_tap_values(p: Profile, frames: list[TxFrame], valid: np.ndarray) -> dict[str, list[int]]:
    wb = p.word_bits // 8
    return {
        "line": [int.from_bytes(f.line[i:i + wb], "big") for f in frames for i in range(0, len(f.line), wb)],
        **_frame_scalars(p, frames, valid),
        "line_plain": [int.from_bytes(b[i:i + wb], "big") for f in frames
                       for b in [f.line[:p.header_bits // 8] + f.plain] for i in range(0, len(b), wb)],
    }


def _frame_scalars(p: Profile, frames: list[TxFrame], valid: np.ndarray) -> dict[str, list[int]]:
    """The one-word-per-frame taps of frame_tap_values."""
    per_clock = frame_taps(p)["valid"].width // p.words_per_frame
    w = p.words_per_frame
    return {
        "oh": [int.from_bytes(f.oh, "big") for f in frames],
        "pad": [int.from_bytes(f.pad, "big") for f in frames],
        "cm": [f.map.cm for f in frames],
        "slotmap": [_bits_le(slot_map(f.map.cm, p.n_slots)) for f in frames],
        "valid": [_pack_le(valid[t * w:(t + 1) * w], per_clock) for t in range(len(frames))],
    }


def _pack_le(vals: np.ndarray, bits: int) -> int:
    """sum(v << (bits * c) for c, v in enumerate(vals)), values below 2**bits packed at once."""
    v = np.asarray(vals, np.int64)
    if len(v) and (v.min() < 0 or v.max() >> bits):
        return sum(int(x) << (bits * c) for c, x in enumerate(v))
    b = ((v[:, None] >> np.arange(bits)) & 1).astype(np.uint8).reshape(-1)
    return int.from_bytes(np.packbits(b, bitorder="little").tobytes(), "little")


def _bits_le(mask: np.ndarray) -> int:
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


TITLES = {"cgmii": "MAC framing output (frames with preamble, FCS, IPG)", "66b": "64b/66b encoder output",
          "257b": "256b/257b transcoder output: the start of the GMP client stream, which continues with "
                  "IDLE_257B to the last line frame (spec 7)",
          "gap": "requested inter-frame gap per Ethernet frame (idle characters from and including /T/)", "line": "the line (after security)",
          "line_plain": "framer output before the security stage", "oh": "OH field per frame",
          "pad": "PAD field per frame", "cm": "GMP Cm per frame", "slotmap": "GMP slot map per frame",
          "valid": "client valid schedule per frame", "iv": "GCM IV per frame", "h": "GHASH key per frame",
          "j0": "GCM J0 per frame", "ekj0": "E_K(J0) per frame", "ghash": "GHASH output per frame",
          "tag": "GCM tag per frame",
          "keystream": f"first {KS_SAMPLES} keystream blocks per frame"}


def all_tx_taps(p: Profile, mode: str) -> dict[str, Tap]:
    return {TAP_CGMII.name: TAP_CGMII, TAP_66B.name: TAP_66B, TAP_257B.name: TAP_257B, TAP_GAP.name: TAP_GAP,
            **frame_taps(p),
            **sec_taps(mode)}


# ---- the transmitter, streamed ---------------------------------------------------

def tx_pcs(pieces, lead: int):
    """``pcs_tx`` piece by piece: (frames, requested gaps, /S/ offsets, CGMII, 66b, 257b) per Traffic piece."""
    mac = MacTx(block_multiple=4, lead_idle=32 * lead)
    it = iter(pieces)
    piece = next(it, None) or Traffic([], [], "", None)
    while piece is not None:
        nxt = next(it, None)
        cg, layout = mac.encode(piece.frames, piece.gaps, final=nxt is None)
        b66 = encode_66b(cg)
        yield piece.frames, piece.gaps, layout.starts, cg, b66, transcode_257b(b66)
        piece = nxt


class _Lookahead:
    """The client 257b stream for FrameTx, read ahead when the frame count needs to know
    whether more blocks come; ``on_piece`` sees every PCS piece once, in order."""

    def __init__(self, pcs, on_piece):
        self.pcs, self.on_piece = pcs, on_piece
        self.ahead: deque = deque()
        self.n, self.done = 0, False            # 257b blocks produced; the PCS ended

    def _pull(self) -> bool:
        got = next(self.pcs, None)
        if got is None:
            self.done = True
            return False
        self.on_piece(*got)
        self.ahead.append(got[-1])
        self.n += len(got[-1])
        return True

    def until(self, enough) -> None:
        while not enough(self.n) and self._pull():
            pass

    def blocks(self):
        while self.ahead or self._pull():
            yield self.ahead.popleft()

    def drain(self) -> None:
        while self._pull():
            pass


def tx_frames(p: Profile, recipe: Recipe, src: TrafficSource, sec: SecTx, on_piece, min_line_frames: int = 0):
    """``generate`` frame by frame: (line frame index, TxFrame, its valid schedule), as many
    frames as ``generate`` makes (ceil(257b blocks / nominal Cm) + 2); ``on_piece`` gets
    every PCS piece (all of them, also those past the last frame)."""
    client = _Lookahead(tx_pcs(src.pieces(), lead_blocks(p)), on_piece)
    ftx = FrameTx(p, client.blocks(), sec)
    more = lambda n, k: math.ceil(n / p.cm_nominal) + 2 > k      # noqa: E731  (k < n_line)
    k = 0
    while True:
        if k >= min_line_frames:
            client.until(lambda n: more(n, k))
            if not more(client.n, k):
                break
        valid = client_valid(p, 1, recipe.ppm, start_frame=k)
        yield k, ftx.frame(valid), valid
        k += 1
    client.drain()


def tx_counts(p: Profile, src: TrafficSource, mode: str, min_line_frames: int = 0) -> dict[str, int]:
    """The word count of every transmitter tap before the chain runs, from the traffic's
    shapes alone: the MAC layout (MacTx on zero frames of the same lengths; it depends on
    lengths and gaps only) gives the 257b blocks, they the line frames (as in generate)."""
    mac = MacTx(block_multiple=4, lead_idle=32 * lead_blocks(p))
    zero = bytes(MAX_FRAME + 1)
    it = iter(src.shapes())
    shape = next(it, None) or (np.zeros(0, np.int64), np.zeros(0, np.int64))
    transfers = n_frames = 0
    while shape is not None:
        nxt = next(it, None)
        lens, gaps = shape
        cg, _ = mac.encode([zero[:ln] if ln <= MAX_FRAME else bytes(ln) for ln in lens.tolist()], gaps,
                           final=nxt is None)
        transfers += len(cg.data)
        n_frames += len(lens)
        shape = nxt
    n257 = transfers // 4
    n_line = max(math.ceil(n257 / p.cm_nominal) + 2, min_line_frames)
    counts = {TAP_CGMII.name: transfers, TAP_66B.name: transfers, TAP_257B.name: n257, TAP_GAP.name: n_frames}
    counts.update({n: n_line * (p.words_per_frame if n in ("line", "line_plain") else 1) for n in frame_taps(p)})
    counts.update({n: n_line for n in sec_taps(mode)})
    return counts


def frame_rows(p: Profile, f: TxFrame, valid: np.ndarray, mode: str) -> dict[str, np.ndarray]:
    """The transmitter's per-frame taps of one frame as rows, in tap order."""
    wb = p.word_bits // 8
    ft, st = frame_taps(p), sec_taps(mode)
    rows = {"line": bytes_rows(f.line, wb)}
    for name, v in _frame_scalars(p, [f], valid).items():
        rows[name] = ints_to_rows(v, row_bytes(ft[name]))
    rows["line_plain"] = bytes_rows(f.line[:p.header_bits // 8] + f.plain, wb)
    for name, v in sec_tap_values(mode, [f]).items():
        rows[name] = ints_to_rows(v, row_bytes(st[name]))
    return rows


def _valid_of(row: np.ndarray, per_clock: int, w: int) -> np.ndarray:
    """valid.hex's word of one frame back to its schedule (clock c in bits per_clock*c)."""
    bits = np.unpackbits(row[::-1], bitorder="little")[:per_clock * w].reshape(w, per_clock).astype(np.int64)
    return bits @ (1 << np.arange(per_clock, dtype=np.int64))


# ---- the receiver taps -------------------------------------------------------------
# name -> (receiver policy, what of its output the tap holds): "blocks" the 257b blocks,
# "66b" them detranscoded, "status" one rxstat word per processed frame.
# Receiver taps: (the policy of the receiver that makes it, the kind of rows); cut-through
# without a suffix, store-and-forward (the RTL's reset default) with "_sf" (spec 7).
RX_TAP_SOURCES = {f"{n}{s}": (pol, kind) for pol, s in ((CUT_THROUGH, ""), (STORE_AND_FORWARD, "_sf"))
                  for n, kind in (("rx257b", "blocks"), ("rx66b", "66b"), ("rxstat", "status"))}


def set_receivers(p: Profile, keys: dict, link: int, require_security: bool, sources=RX_TAP_SOURCES) -> dict:
    """One Deframer (with its SecRx) per receiver policy the receiver taps use."""
    out = {}
    for pol, _ in sources.values():
        if pol not in out:
            srx = SecRx(keys, link, pol, require_security=require_security)
            out[pol] = (Deframer(p, srx), srx)
    return out


class RxTaps:
    """Receiver outputs, as they leave a Deframer, to the rows of every kind of receiver
    tap (RX_TAP_SOURCES).  A frame's status leaves with its blocks, but its verdict may
    still be pending (cut-through: until the next frame's PAD): status words wait for it,
    in order.  ``bad``: the 257b blocks detranscode_257b cannot decode (rxcnt.hex)."""

    def __init__(self):
        self.waiting: deque = deque()
        self.bad = 0

    def rows(self, outs: list[RxOut], final: bool = False) -> dict[str, np.ndarray]:
        from .scenario import RX_TAPS, rxstat_word
        blocks = Blocks257(np.concatenate([o.blocks.hdr for o in outs]) if outs else np.zeros(0, np.uint8),
                           np.concatenate([o.blocks.body for o in outs]) if outs else np.zeros((0, 4), np.uint64))
        b66, err = detranscode_257b(blocks)
        self.bad += int(err.sum())
        self.waiting.extend(o.status for o in outs if o.status is not None)
        done = []
        while self.waiting and (final or self.waiting[0].sec is None or self.waiting[0].sec.verdict != "pending"):
            done.append(rxstat_word(self.waiting.popleft()))
        return {"blocks": b257_rows(blocks), "66b": b66_rows(b66),
                "status": ints_to_rows(done, row_bytes(RX_TAPS["rxstat"]))}


# ---- writing a set ---------------------------------------------------------------------

class _SetFiles:
    """The files of a set being written: one TapWriter per tap and the pcap; ``close``
    writes the manifest, ``abort`` leaves no part files."""

    def __init__(self, out: Path, taps: dict[str, Tap], titles: dict[str, str], counts: dict | None = None):
        self.out, self.taps, self.titles = Path(out), dict(taps), titles
        self.w: dict[str, TapWriter] = {}
        self.pcap = FrameWriter(self.out / PCAP_NAME)
        try:
            for name, tap in taps.items():      # a count known beforehand: the file is written once
                self.w[name] = TapWriter(self.out, tap, titles[name], (counts or {}).get(name))
        except BaseException:
            self.abort()
            raise

    def write(self, name: str, rows: np.ndarray) -> None:
        self.w[name].write(rows)

    def counts(self) -> dict[str, int]:
        return {name: w.count for name, w in self.w.items()}

    def close(self, meta: dict) -> None:
        self.pcap.close()
        digests = {w.path.name: w.close() for w in self.w.values()}
        files = {PCAP_NAME: "transmitted Ethernet frames without FCS (pcap, ns timestamps of /S/ at 100 Gb/s)"}
        files.update({t.file: f"tap {t.name}: {self.titles[t.name]}" for t in self.taps.values()})
        write_manifest(self.out, meta, files, {t.file: t for t in self.taps.values()}, digests)

    def abort(self) -> None:
        """Remove what was written: no tap file may look complete."""
        self.pcap.close()
        (self.out / PCAP_NAME).unlink(missing_ok=True)
        for w in self.w.values():
            w.abort()


def write_set(out: Path, recipe: Recipe, traffic, log=lambda m: None, scenario=None, compact: bool = False,
              progress=None) -> dict:
    """Write a set; ``traffic``: a Traffic or a TrafficSource (pieces).  With ``scenario``
    (scenario.Scenario) the line is impaired and the receiver outcome is added
    (``compact``: without cgmii, line_plain).  ``progress``: a stream for progress lines,
    or None.  Returns the word count of every tap."""
    p = recipe.frame_profile()
    src = traffic if isinstance(traffic, TrafficSource) else whole(traffic)
    if scenario is not None:
        return _write_scenario_set(out, recipe, src, log, scenario, compact)
    progress = Progress("vectors", stream=progress)
    all_taps = {**all_tx_taps(p, recipe.mode), **{n: _rx_tap(n) for n in RX_TAP_SOURCES}, **CHAIN_TAPS}
    titles = {**TITLES, **_rx_titles(), **CHAIN_TITLES}
    files = _SetFiles(out, all_taps, titles, tx_counts(p, src, recipe.mode))
    try:
        def on_piece(frames, gaps, starts, cg, b66, b257):
            files.pcap.write(frames, [int(s * 1e9 / CHAR_RATE) for s in starts])
            files.write("gap", ints_to_rows(gaps, row_bytes(TAP_GAP)))
            files.write("cgmii", cgmii_rows(cg))
            files.write("66b", b66_rows(b66))
            files.write("257b", b257_rows(b257))

        link, keys = test_keys(recipe.seed)
        rxs = set_receivers(p, keys, link, recipe.mode != "bypass")
        taps_of = {pol: RxTaps() for pol in rxs}

        def received(pol, outs, final=False):
            rows = taps_of[pol].rows(outs, final)
            for name, (pl, kind) in RX_TAP_SOURCES.items():
                if pl == pol:
                    files.write(name, rows[kind])

        n_line = 0
        est = lambda: src.n_frames * max(1, files.w["257b"].count) / max(1, files.pcap.n) / p.cm_nominal  # noqa: E731
        for k, f, valid in tx_frames(p, recipe, src, sec_tx(recipe), on_piece):
            for name, rows in frame_rows(p, f, valid, recipe.mode).items():
                files.write(name, rows)
            for pol, (rx, _) in rxs.items():
                received(pol, rx.feed(f.line))
            n_line = k + 1
            progress.update(n_line, est())
        for pol, (rx, _) in rxs.items():
            received(pol, rx.finish(), final=True)
        progress.close()
        counts = files.counts()
        log(f"TX chain: {counts['66b']} 66b -> {counts['257b']} 257b -> {n_line} line frames of "
            f"{p.words_per_frame} words")
        side = chain_side(p, {"mode": recipe.mode, "security": security_meta(recipe)}, counts,
                          {pol: t.bad for pol, t in taps_of.items()},
                          {pol: {"rx": asdict(rx.counters), "sec": asdict(srx.cnt)} for pol, (rx, srx) in rxs.items()})
        for name, v in side.items():
            files.w[name].write_ints(v)
        files.close(_set_meta(p, recipe, files.counts(), {}))
    except BaseException:
        files.abort()
        raise
    return files.counts()


def _rx_tap(name: str) -> Tap:
    from .scenario import RX_TAPS
    return RX_TAPS[name]


def _rx_titles() -> dict:
    from .scenario import RX_TITLES
    return RX_TITLES


def am_meta(p: Profile) -> dict:
    """The AM of every lane (spec 5.2) in both notations, 15 bytes each in hex."""
    line = am_line_bytes(p)
    return {"ieee": [bytes(a).hex() for a in p.am_lanes],
            "line": [line[15 * i:15 * i + 15].hex() for i in range(len(p.am_lanes))]}


def _set_meta(p: Profile, recipe: Recipe, counts: dict, extra: dict) -> dict:
    return {"stage": "pcs+frame+sec", **asdict(recipe), "lead_idle_blocks": lead_blocks(p), "am": am_meta(p),
            "security": {**security_meta(recipe),
                         "note": "test keys derived from the seed with SHA-256; never use them on a real link"},
            "counts": counts, **extra}


def _write_scenario_set(out: Path, recipe: Recipe, src: TrafficSource, log, scenario, compact: bool) -> dict:
    """A scenario set (short by design: an impairment at a given line frame) is made in
    memory by scenario.scenario_set and written through the same tap writers."""
    from .scenario import scenario_set
    p = recipe.frame_profile()
    pieces = list(src.pieces())
    traffic = Traffic([f for t in pieces for f in t.frames], np.concatenate([t.gaps for t in pieces]),
                      src.profile, src.seed) if len(pieces) != 1 else pieces[0]
    taps, tx, frames, all_taps, titles, extra = scenario_set(scenario, recipe, traffic, compact)
    log(f"TX chain: {len(taps['66b'])} 66b -> {len(taps['257b'])} 257b "
        f"-> {len(frames)} line frames of {p.words_per_frame} words")
    counts = {k: len(v) for k, v in taps.items() if k in all_taps}
    bad = {pol: _undecodable(taps[f"rx257b{sfx}"]) for pol, sfx in ((CUT_THROUGH, ""), (STORE_AND_FORWARD, "_sf"))}
    taps.update(chain_side(p, {"mode": recipe.mode, "security": security_meta(recipe), **extra}, counts, bad, None))
    all_taps, titles = {**all_taps, **CHAIN_TAPS}, {**titles, **CHAIN_TITLES}
    files = _SetFiles(out, all_taps, titles)
    try:
        files.pcap.write(traffic.frames, [int(s * 1e9 / CHAR_RATE) for s in tx.layout.starts])
        for name in all_taps:
            files.w[name].write_ints(taps[name])
        files.close(_set_meta(p, recipe, files.counts(), extra))
    except BaseException:
        files.abort()
        raise
    return files.counts()


def security_meta(recipe: Recipe) -> dict:
    """The manifest's security parameters: what a user's RTL takes its keys from."""
    link, keys = test_keys(recipe.seed)
    return {"mode": recipe.mode, "link_id": f"{link:08x}", "tag_bytes": 16,
            "keys": {str(an): {"key": k.key.hex(), "salt": k.salt.hex()} for an, k in keys.items()}}


# ---- side files of the file-driven chain testbench (tb/vectors/tb_chain_files.sv) -----
# What a testbench without Python needs from the manifest, as $readmemh words.

RX_COUNTERS = {"rx": ("frames", "am_bad", "oh_crc_errors", "jc_crc_errors", "jc_pattern_errors", "unusable_frames",
                      "lock_losses", "locks", "lost_frames", "error_blocks", "sec_dropped"),
               "sec": ("frames", "passed", "failed", "bypass", "tag_failures", "tags_lost", "replays", "unknown_an",
                       "pad_errors", "pn_unpredicted", "key_switches", "key_changed")}
CFG_KEYS = 9                   # cfg word of the TX key of AN 0; RX keys follow at CFG_KEYS + 8
CHAIN_TAPS = {t.name: t for t in (
    Tap("cfg", 256, "word 0 link ID; 1 mode (0 bypass 1 auth 2 encrypt); 2 receiver require_security; 3 line "
                    "frames; 4 66b.hex words; 5 rx66b.hex words [31:0], rx66b_sf.hex words [63:32]; 6 rxstat.hex "
                    "words [31:0], rxstat_sf.hex words [63:32]; 7 R = TX compare ranges; "
                    "8 [31:0] E = rekey requests, [63:32] K = receiver key events; 9..16 TX key of AN 0..3 and 17..24 RX key of AN 0..3, two words "
                    "each: key (byte 0 in bits 255:248, AES-128 in 255:128), then [97] installed [96] AES-256 "
                    "[95:0] salt (byte 0 in bits 95:88); 25..24+R TX compare ranges of line.hex words "
                    "[63:32] first [31:0] end (exclusive); then E rekey requests [63:32] before line frame "
                    "[1:0] AN; then K receiver key events [63:32] before line frame [8] erase (0: install "
                    "the RX key of that AN) [1:0] AN"),
    *(Tap(f"rxcnt{s}", 32, f"the model receiver's final counters ({pol}): RxCounters "
          + " ".join(RX_COUNTERS["rx"]) + ", SecCounters " + " ".join(RX_COUNTERS["sec"])
          + f", then the rx257b{s}.hex blocks detranscode_257b cannot decode (4 EBLOCK_R each)")
      for pol, s in ((CUT_THROUGH, ""), (STORE_AND_FORWARD, "_sf"))),
)}
CHAIN_TITLES = {"cfg": "chain testbench configuration (from the manifest)",
                "rxcnt": "receiver counters at the end of the line (model RX, cut-through)",
                "rxcnt_sf": "receiver counters at the end of the line (model RX, store-and-forward)"}


def chain_side(p: Profile, man: dict, counts: dict, rx_undecodable: dict,
               rx_counters: dict | None) -> dict[str, list[int]]:
    """cfg.hex, rxcnt.hex and rxcnt_sf.hex of a set, from its manifest (``rx_counters``: a
    plain set's by policy, which its manifest does not hold; a scenario set's come from its
    manifest), and by policy the number of rx257b*.hex blocks detranscode_257b cannot decode."""
    sc = man.get("scenario")
    sec = man["security"]
    txk, rxk = (sc["tx_keys"], sc["rx"]["keys"]) if sc else (sec["keys"], sec["keys"])
    ranges = sc["impairment"]["line_tx_ranges"] if sc else [[0, counts["line"]]]
    rekeys = [(sc["rekey"]["requested_before_frame"], sc["rekey"]["an"])] if sc and sc["rekey"] else []
    kev = [(e["before_line_frame"], e["op"] == "erase", e["an"]) for e in (sc["rx_key_events"] if sc else [])]

    def key_words(keys: dict) -> list[int]:
        out = []
        for an in range(4):
            k = keys.get(str(an))
            kb = bytes.fromhex(k["key"]) if k else b""
            out += [int.from_bytes(kb.ljust(32, b"\0"), "big"),
                    (1 << 97 | (len(kb) == 32) << 96 | int(k["salt"], 16)) if k else 0]
        return out
    cfg = [int(sec["link_id"], 16), MODES[man["mode"]], int(sc["rx"]["require_security"] if sc
                                                           else man["mode"] != "bypass"),
           counts["line"] // p.words_per_frame, counts["66b"], counts["rx66b_sf"] << 32 | counts["rx66b"],
           counts["rxstat_sf"] << 32 | counts["rxstat"], len(ranges),
           len(kev) << 32 | len(rekeys), *key_words(txk), *key_words(rxk), *(a << 32 | b for a, b in ranges),
           *(t << 32 | an for t, an in rekeys), *(t << 32 | erase << 8 | an for t, erase, an in kev)]
    out = {"cfg": cfg}
    for pol, sfx in ((CUT_THROUGH, ""), (STORE_AND_FORWARD, "_sf")):
        c = sc["counters"][pol] if sc else rx_counters[pol]
        out[f"rxcnt{sfx}"] = [c[g][n] for g, names in RX_COUNTERS.items() for n in names] + [rx_undecodable[pol]]
    return out


def _undecodable(rx257b: list[int]) -> int:
    return int(detranscode_257b(Blocks257.from_ints(rx257b))[1].sum())


def _first_diff(name: str, got: list[int], exp: list[int], width: int) -> None:
    if got == exp:
        return
    if len(got) != len(exp):
        raise Mismatch(f"{name}: {len(got)} words, expected {len(exp)}")
    i = next(i for i, (g, e) in enumerate(zip(got, exp)) if g != e)
    raise Mismatch(_diff_message(name, i, got[i], exp[i], width))


def _diff_message(name: str, i: int, got: int, exp: int, width: int) -> str:
    d = (width + 3) // 4
    return (f"{name}: first difference at word {i}: got {got:0{d}x}, expected {exp:0{d}x} "
            f"(highest differing bit {(got ^ exp).bit_length() - 1})")


class _Compare:
    """A model stream against a tap file as they come, piece by piece: ``result`` says
    what ``_first_diff`` says of the whole lists (a length difference first, then the
    first differing word).  ``model_is_got``: which side the message calls "got"."""

    def __init__(self, name: str, width: int, model_is_got: bool):
        self.name, self.width, self.model_is_got = name, width, model_is_got
        self.n_model = self.n_file = 0
        self.first = None                       # (word, model value, file value)

    def feed(self, model: np.ndarray, file: np.ndarray) -> None:
        """``file``: the file's next words, as many as ``model`` has (fewer at its end)."""
        if self.first is None:
            j = first_diff(model[:len(file)], file)
            if j is not None:
                self.first = (self.n_file + j, int.from_bytes(model[j].tobytes(), "big"),
                              int.from_bytes(file[j].tobytes(), "big"))
        self.n_model += len(model)
        self.n_file += len(file)

    def result(self, n_file: int) -> None:
        """Raise Mismatch if they differ; ``n_file``: the words the file holds."""
        got, exp = (self.n_model, n_file) if self.model_is_got else (n_file, self.n_model)
        if got != exp:
            raise Mismatch(f"{self.name}: {got} words, expected {exp}")
        self.check()

    def check(self) -> None:
        """Raise at the first differing word at once (the lengths are known to agree)."""
        if self.first is not None:
            i, m, f = self.first
            raise Mismatch(_diff_message(self.name, i, *((m, f) if self.model_is_got else (f, m)), self.width))


STAGE_TAPS = {t.name: t for t in (TAP_CGMII, TAP_66B, TAP_257B)}


def _finish(readers) -> None:
    """Read the files to their ends: their word counts checked, words past the checks too."""
    for r in readers:
        r.finish()
PIECE_257B = 1 << 13            # 257b blocks per step of the PCS checks


def _check_listing(d: Path, man: dict, tap: Tap) -> None:
    """The manifest lists the tap's file with the tap's name, width and bit order."""
    info = man["files"].get(tap.file)
    where = Path(d) / MANIFEST
    if not isinstance(info, dict):
        raise VectorError(f"{where}: {tap.file} is not listed")
    for key in ("tap", "width", "bit_order"):
        if info.get(key) != getattr(tap, "name" if key == "tap" else key):
            raise VectorError(f"{where}: files/{tap.file}/{key} is {str(info.get(key))[:80]!r}, not the tap's")


def _check_count(d: Path, man: dict, tap: Tap, n: int) -> int:
    if man["counts"].get(tap.name) != n:
        raise VectorError(f"{Path(d) / tap.file}: {n} words, the manifest counts {man['counts'].get(tap.name)!r}")
    return n


def _listed_count(d: Path, man: dict, tap: Tap) -> int:
    """read_listed_tap's checks (listed with the tap's width, well formed, the manifest's
    word count) in bounded memory: the number of words."""
    _check_listing(d, man, tap)
    return _check_count(d, man, tap, count_words(Path(d) / tap.file, tap))


def check_set(d: Path, log=lambda m: None, progress=None, word_bits: int | None = None) -> str:
    """Check a set end to end; returns a one-line summary or raises Mismatch/VectorError.
    Every file is read a block at a time: memory does not grow with the set.
    ``progress``: a stream for progress lines (Progress), or None; ``word_bits``: the
    line word width the set must be at (None: the one its manifest states)."""
    d = Path(d)
    man = read_manifest(d)
    verify_hashes(d, man)
    try:
        recipe = Recipe(man["traffic"], int(man["frames"]), man["seed"], man["profile"], float(man["ppm"]),
                        man["mode"], man["word_bits"])
        p = recipe.frame_profile()
    except ValueError as e:
        raise VectorError(f"{d / MANIFEST}: {e}") from None
    check_word_width(d, man, p, word_bits)
    sc = None
    if "scenario" in man:                               # a scenario set (scenario.py): impaired line, RX taps
        from . import scenario as scn
        try:
            sc = scn.get_scenario(man["scenario"]["name"])
        except ValueError as e:
            raise VectorError(f"{d / MANIFEST}: scenario/name: {e}") from None
    log(f"{d}: manifest and SHA-256 of {len(man['files'])} files ok")
    from .scenario import RX_TAPS
    ftaps = {**frame_taps(p), **sec_taps(recipe.mode), **RX_TAPS}
    taps = {t.name: t for t in (TAP_CGMII, TAP_66B, TAP_257B, TAP_GAP, *ftaps.values())
            if sc is None or t.name not in scn.COMPACT_DROP or not man["scenario"]["compact"]}
    counts = _manifest_counts(d, man, taps)
    try:
        return _check_files(d, man, recipe, p, sc, taps, counts, log, progress)
    except (Mismatch, VectorError, PcapError, ValueError):
        # The tap files are read as the checks go; a fault in one (bad line, word count)
        # comes before any difference, in tap order, as when each was read whole first.
        for t in taps.values():
            _listed_count(d, man, t)
        raise


def _manifest_counts(d: Path, man: dict, taps: dict) -> dict[str, int]:
    """The word counts the manifest promises (each reader checks its file's at its end)."""
    counts = {name: man["counts"].get(name) for name in taps}
    try:
        for t in taps.values():
            _check_listing(d, man, t)
    except VectorError:
        counts = {}
    if any(type(c) is not int for c in counts.values()) or not counts:
        for t in taps.values():                     # raises at the first fault, in tap order
            _listed_count(d, man, t)
    return counts


def _check_files(d: Path, man: dict, recipe: Recipe, p: Profile, sc, taps: dict, counts: dict, log,
                 progress) -> str:
    from .scenario import RX_TAPS
    if sc:
        from . import scenario as scn
    side = {t.name: read_listed_tap(d, man, t) for t in CHAIN_TAPS.values()}
    if PCAP_NAME not in man["files"]:
        raise VectorError(f"{d / MANIFEST}: {PCAP_NAME} is not listed")
    n_pcap = sum(1 for _ in iter_frames(d / PCAP_NAME))
    # What the manifest publishes beyond the recipe must be what the recipe makes.
    published = {k: man["security"].get(k) for k in ("mode", "link_id", "tag_bytes", "keys")}
    if published != security_meta(recipe) or man["lead_idle_blocks"] != lead_blocks(p):
        raise Mismatch(f"{d / MANIFEST}: security parameters or lead_idle_blocks differ from what the recipe "
                       f"(seed {recipe.seed}, mode {recipe.mode}) makes")
    if man["am"] != am_meta(p):
        raise Mismatch(f"{d / MANIFEST}: am is not the {p.name} profile's alignment markers")
    sizes = [n for n, i in man["files"].items() if i["bytes"] != (d / n).stat().st_size]
    if sizes:
        raise VectorError(f"{d / MANIFEST}: files/{sizes[0]}/bytes is not the file's size")
    if recipe.traffic != "pcap" and recipe.frames != n_pcap:
        raise Mismatch(f"{d / MANIFEST}: frames is {recipe.frames}, {PCAP_NAME} holds {n_pcap}")
    if counts["gap"] != n_pcap:
        raise Mismatch(f"{d / MANIFEST}: counts/gap is {counts['gap']}, {PCAP_NAME} holds {n_pcap} frames")

    # 1. Every PCS boundary both ways, from the files alone.
    _check_pcs(d, counts, progress)
    # 2. The framer from 257b.hex and valid.hex reproduces line/oh/pad/cm/slotmap.
    cms, kept = _check_framer(d, p, recipe, sc, taps, counts, progress)
    log(f"stage boundaries agree both ways; framer and security stage reproduce {len(cms)} line frames"
        + (f" (line impaired as scenario {sc.name})" if sc else ""))
    if sc:                                              # short by design: in memory, as scenario.py checks it
        vals = {name: rows_to_ints(read_rows(d / t.file, t, counts[name])) for name, t in taps.items()}
        summary = scn.check_rx_and_regenerate(d, man, sc, recipe, vals, list(iter_frames(d / PCAP_NAME)), log)
        _check_chain_side(p, man, {CUT_THROUGH: _undecodable(vals["rx257b"]),
                                STORE_AND_FORWARD: _undecodable(vals["rx257b_sf"])}, side, None, log)
        return summary
    # 3. The receiver: line.hex -> deframe -> 257b -> 66b -> frames == frames.pcap; the receiver taps.
    rx_counters, rx_bad = _check_receivers(d, p, recipe, taps, counts, cms, n_pcap, log, progress)
    _check_chain_side(p, man, rx_bad, side, rx_counters, log)
    # 4. The set is what this model generates from the manifest's recipe.
    _check_regenerated(d, p, recipe, {n: t for n, t in taps.items() if n not in RX_TAPS}, counts, progress)
    log("regenerated from the manifest's recipe: identical")
    return (f"{n_pcap} frames, {counts['66b']} 66b, {counts['257b']} 257b, "
            f"{len(cms)} line frames ({counts['line']} words), security {recipe.mode}")


def _check_pcs(d: Path, counts: dict, progress) -> None:
    """cgmii -> encode_66b = 66b, 66b -> decode_66b = cgmii, 66b -> transcode_257b = 257b,
    257b -> detranscode_257b = 66b, a piece at a time; the first difference of the first
    comparison that has one is reported, as when each ran over the whole files in turn."""
    n66, n257, ncg = counts["66b"], counts["257b"], counts.get("cgmii")
    if ncg is not None and ncg != n66:
        raise Mismatch(f"cgmii -> encode_66b vs 66b.hex: {ncg} words, expected {n66}")
    if n66 % 4:
        raise ValueError(f"transcode_257b needs a multiple of 4 blocks, got {n66}")
    if n66 // 4 != n257:
        raise Mismatch(f"66b.hex -> transcode_257b vs 257b.hex: {n66 // 4} words, expected {n257}")
    names = ["cgmii -> encode_66b vs 66b.hex", "66b.hex -> decode_66b vs cgmii.hex",
             "66b.hex -> transcode_257b vs 257b.hex", "257b.hex -> detranscode_257b vs 66b.hex"]
    cmp = [_Compare(n, w, True) for n, w in zip(names, (66, 72, 257, 66))]
    rd = {n: TapReader(d / t.file, t, counts[n]) for n, t in STAGE_TAPS.items() if n in counts}
    progress = Progress("check: PCS", n257, "257b blocks", progress)
    undecodable = None
    try:
        for i in range(0, n257, PIECE_257B):
            r257 = rd["257b"].take(PIECE_257B)
            r66 = rd["66b"].take(4 * len(r257))
            b66 = rows_b66(r66)
            if ncg is not None:
                rcg = rd["cgmii"].take(4 * len(r257))
                cmp[0].feed(b66_rows(encode_66b(rows_cgmii(rcg))), r66)
                cmp[1].feed(cgmii_rows(decode_66b(b66)), rcg)
            cmp[2].feed(b257_rows(transcode_257b(b66)), r257)
            back, err = detranscode_257b(rows_b257(r257))
            if err.any() and undecodable is None:
                undecodable = i + int(err.argmax())
            cmp[3].feed(b66_rows(back), r66)
            progress.update(i + len(r257))
        _finish(rd.values())
    finally:
        progress.close()
        for r in rd.values():
            r.close()
    for c in cmp[:2] if ncg is not None else []:
        c.check()
    cmp[2].check()
    if undecodable is not None:
        raise Mismatch(f"257b.hex: block {undecodable} does not decode")
    cmp[3].check()


def _check_framer(d: Path, p: Profile, recipe: Recipe, sc, taps: dict, counts: dict, progress):
    """FrameTx on 257b.hex with valid.hex against every transmitter tap, frame by frame (the
    first difference of the first tap that has one is reported, as tap after tap over the
    whole files): (Cm of each frame, the frames themselves for a scenario set)."""
    w = p.words_per_frame
    n = counts["valid"]
    made = [m for m in (*frame_taps(p), *sec_taps(recipe.mode)) if m in counts]
    for m in made:
        want = n * (w if m in ("line", "line_plain") else 1)
        if want != counts[m]:
            raise Mismatch(f"framer(257b.hex, valid.hex) vs {m}.hex: {want} words, expected {counts[m]}")
    streamed = [m for m in made if not (sc and m == "line")]      # a scenario's line: impaired, below
    rd = {m: TapReader(d / taps[m].file, taps[m], counts[m]) for m in streamed}
    r257 = TapReader(d / TAP_257B.file, TAP_257B, counts["257b"])
    cmp = {m: _Compare(f"framer(257b.hex, valid.hex) vs {m}.hex", taps[m].width, True) for m in streamed}
    if sc:
        from . import scenario as scn
        sec = scn.make_sec_tx(sc, recipe)
    else:
        sec = sec_tx(recipe)
    ftx = FrameTx(p, (rows_b257(r) for r in r257.chunks(PIECE_257B)), sec)
    per_clock = taps["valid"].width // w
    cms, kept = [], []
    progress = Progress("check: framer", n, stream=progress)
    try:
        for k in range(n):
            vrow = rd["valid"].take(1)
            valid = _valid_of(vrow[0], per_clock, w)
            f = ftx.frame(valid)
            rows = frame_rows(p, f, valid, recipe.mode)
            for m in streamed:
                cmp[m].feed(rows[m], vrow if m == "valid" else rd[m].take(len(rows[m])))
            cms.append(f.map.cm)
            if sc:
                kept.append(f)
            progress.update(k + 1)
        _finish((*rd.values(), r257))
    finally:
        progress.close()
        for r in (*rd.values(), r257):
            r.close()
    for m in made:
        if m in cmp:
            cmp[m].check()
        else:                                           # a scenario's line: impaired as the set's
            line = scn.line_words(p, scn.impair(sc, p, line_bits(kept), cms, [f.plain for f in kept]).bits)
            _first_diff("framer(257b.hex, valid.hex) vs line.hex", line,
                        rows_to_ints(read_rows(d / taps["line"].file, taps["line"], counts["line"])),
                        taps["line"].width)
    return cms, kept


class _PcsRx:
    """pcs_rx (detranscode_257b, decode_66b, mac_decode) a piece at a time, its frames
    compared with a capture's as they come."""

    def __init__(self, expected):
        self.mac, self.expected = MacRx(fast=False), expected
        self.n = 0
        self.bad = None                         # the first frame that is not good
        self.differ = False

    def feed(self, b257: Blocks257, final: bool = False) -> None:
        cg = decode_66b(detranscode_257b(b257)[0])
        for f in self.mac.decode(cg, final):
            if self.bad is None and not f.good:
                self.bad = f
            want = next(self.expected, None)
            self.differ |= want is None or f.data != want
            self.n += 1


def _check_receivers(d: Path, p: Profile, recipe: Recipe, taps: dict, counts: dict, cms: list, n_pcap: int, log,
                     progress) -> tuple[dict, dict]:
    """The store-and-forward receiver on line.hex recovers every frame of frames.pcap; the
    receivers of the RX taps reproduce them.  Both read line.hex once, a frame at a time.
    Returns the RX taps' receiver counters and the undecodable blocks of rx257b*.hex, by policy."""
    from .scenario import RX_TAPS
    link, keys = test_keys(recipe.seed)
    req = recipe.mode != "bypass"
    sfr = SecRx(keys, link, STORE_AND_FORWARD, require_security=req)
    sf = Deframer(p, sfr)
    rxs = set_receivers(p, keys, link, req)
    n257 = counts["257b"]
    r257 = TapReader(d / TAP_257B.file, TAP_257B, n257)
    rline = TapReader(d / taps["line"].file, taps["line"], counts["line"])
    rd = {name: TapReader(d / RX_TAPS[name].file, RX_TAPS[name], counts[name]) for name in RX_TAP_SOURCES}
    cmp = {name: _Compare(f"model RX ({pol}) on line.hex vs {name}.hex", RX_TAPS[name].width, False)
           for name, (pol, _) in RX_TAP_SOURCES.items()}
    pcs = _PcsRx(expected_rx([f])[0] for f in iter_frames(d / PCAP_NAME))
    blocks_cmp = _Compare("RX deframe(line.hex), store-and-forward, vs 257b.hex after the frames spent on "
                          "acquisition", 257, True)
    st = {"verdicts": 0, "first": None, "first_bad": None, "last": None, "n_stale": None, "drop": None,
          "skip": None, "cut": 0, "frames": 0}
    held: list[RxOut] = []                  # outputs until the frames spent on acquisition are known
    bypass = recipe.mode == "bypass"

    def stream_blocks(outs):
        for o in outs:
            b = o.blocks
            if st["drop"]:
                k = min(st["drop"], len(b))
                st["drop"] -= k
                b = Blocks257(b.hdr[k:], b.body[k:])
            if not len(b):
                continue
            room = max(0, n257 - st["skip"] - st["cut"])    # rx_blocks[:len(257b) - skip]
            if room:
                mine = b257_rows(Blocks257(b.hdr[:room], b.body[:room]))
                blocks_cmp.feed(mine, r257.take(len(mine)))
                st["cut"] += len(mine)
            pcs.feed(b)

    waiting: deque = deque()                # statuses whose verdict is still pending

    def verdicts(final=False):
        while waiting and (final or waiting[0].sec is None or waiting[0].sec.verdict != "pending"):
            s = waiting.popleft()
            i, v = st["verdicts"], s.sec.verdict if s.sec else "bypass"
            st["verdicts"] += 1
            if i == 0:
                st["first"] = v
            elif v != ("bypass" if bypass else "pass") and st["first_bad"] is None:
                st["first_bad"] = (i, v)
            st["last"] = v

    def on_sf(outs, final=False):
        for o in outs:
            s = o.status
            if s is not None:
                st["frames"] += 1
                if st["n_stale"] is None and st["frames"] > 1 and s.jc.kind != "stale":
                    st["n_stale"] = st["frames"] - 2
                waiting.append(s)
            held.append(o)
        verdicts(final)
        if st["n_stale"] is not None and st["skip"] is None:
            start_blocks(held)
        if st["skip"] is not None:
            stream_blocks(held)
            held.clear()

    def start_blocks(frames_seen):
        n_acq = (0 if bypass else 1) + st["n_stale"]
        st["skip"] = sum(cms[:1 + n_acq])
        st["drop"] = sum(o.status.blocks for o in [o for o in frames_seen if o.status is not None][:n_acq])
        prefix = r257.take(min(st["skip"], n257))
        pcs.feed(rows_b257(prefix))

    taps_of = {pol: RxTaps() for pol in rxs}

    def on_rx(pol, outs, final=False):
        rows = taps_of[pol].rows(outs, final)
        for name, (pl, kind) in RX_TAP_SOURCES.items():
            if pl == pol:
                cmp[name].feed(rows[kind], rd[name].take(len(rows[kind])))

    wpf = p.words_per_frame
    progress = Progress("check: receivers", counts["line"] // wpf, stream=progress)
    try:
        for k, rows in enumerate(rline.chunks(wpf)):
            line = rows.tobytes()
            on_sf(sf.feed(line))
            for pol, (rx, _) in rxs.items():
                on_rx(pol, rx.feed(line))
            progress.update(k + 1)
        on_sf(sf.finish(), final=True)
        for pol, (rx, _) in rxs.items():
            on_rx(pol, rx.finish(), final=True)
        if st["skip"] is None:                          # every frame "stale": n_stale = frames - 1
            st["n_stale"] = max(st["frames"] - 1, 0)
            start_blocks(held)
            stream_blocks(held)
        pcs.feed(Blocks257(np.zeros(0, np.uint8), np.zeros((0, 4), np.uint64)), final=True)
        _finish((r257, rline, *rd.values()))
    finally:
        progress.close()
        for r in (r257, rline, *rd.values()):
            r.close()
    c = sf.counters
    # Frame 1 is not verified, so relative JCs right after it are "stale" (spec 4.4 rule 3).
    if c.unusable_frames != st["n_stale"] or c.lock_losses or c.am_bad or c.locks != 1:
        raise Mismatch(f"RX: line not received cleanly: {c}")
    n = st["verdicts"]
    # Expected: bypass for every frame; or fail (frame 0: nothing predicted), pass ..., fail
    # (the last frame: its tag never arrives).
    if bypass:
        bad = None if n == 0 else (0, st["first"]) if st["first"] != "bypass" else st["first_bad"]
    elif n < 2:
        raise Mismatch(f"RX security verdicts: {n} frames processed; the first fails (not predicted) and the "
                       f"last fails (its tag never arrives), at least 2 expected")
    else:
        bad = (0, st["first"]) if st["first"] != "fail" else st["first_bad"]
        if bad is not None and bad == (n - 1, "fail"):
            bad = None
        if bad is None and st["last"] != "fail":
            bad = (n - 1, st["last"])
    if bad is not None:
        want = "bypass" if bypass else "fail" if bad[0] in (0, n - 1) else "pass"
        rule = "bypass for every frame" if bypass else \
            "fail, pass, ..., pass, fail: the first frame is not predicted, the last frame's tag never arrives"
        raise Mismatch(f"RX security verdicts of {n} frames: frame {bad[0]} is {bad[1]!r}, expected {want!r} ({rule})")
    n_acq = (0 if bypass else 1) + st["n_stale"]
    if st["skip"] > lead_blocks(p):
        raise Mismatch(f"RX: line frames 2..{n_acq} are 'stale' (spec 4.4 rule 3) and carry client data "
                       f"beyond the {lead_blocks(p)} idle lead blocks: not every frame is recoverable")
    blocks_cmp.result(n257 - st["skip"])
    if pcs.bad is not None:
        raise Mismatch(f"RX: frame at character {pcs.bad.start} is bad ({pcs.bad.reason or 'FCS error'})")
    if pcs.differ or pcs.n != n_pcap:
        raise Mismatch(f"RX: received {pcs.n} frames differ from the {n_pcap} in {PCAP_NAME}")
    log(f"RX locks on line.hex, verifies every tag (library AES-GCM) and recovers all {n_pcap} "
        f"frames with good FCS")
    for name in RX_TAP_SOURCES:
        cmp[name].result(counts[name])
    # rxcnt*.hex count rx257b*.hex's undecodable blocks: the model's, now that the two agree.
    return ({pol: {"rx": asdict(rx.counters), "sec": asdict(srx.cnt)} for pol, (rx, srx) in rxs.items()},
            {pol: t.bad for pol, t in taps_of.items()})


def _check_regenerated(d: Path, p: Profile, recipe: Recipe, taps: dict, counts: dict, progress) -> None:
    """Regenerate the transmitter's taps and the frames from the recipe and compare them
    with the files, as they come."""
    src = pcap_source(d / PCAP_NAME) if recipe.traffic == "pcap" else source(recipe.traffic, recipe.frames,
                                                                              recipe.seed)
    rd = {n: TapReader(d / t.file, t, counts[n]) for n, t in taps.items()}
    cmp = {n: _Compare(f"regenerated {n}.hex vs file", t.width, False) for n, t in taps.items()}
    pcap = iter_frames(d / PCAP_NAME)
    same = [True]

    def on_piece(frames, gaps, starts, cg, b66, b257):
        for name, rows in (("cgmii", cgmii_rows(cg)), ("66b", b66_rows(b66)), ("257b", b257_rows(b257)),
                           ("gap", ints_to_rows(gaps, row_bytes(TAP_GAP)))):
            if name in rd:
                cmp[name].feed(rows, rd[name].take(len(rows)))
        if recipe.traffic != "pcap":
            for f in frames:
                same[0] &= bytes(f) == next(pcap, None)

    progress = Progress("check: regeneration", counts["valid"], stream=progress)
    try:
        for k, f, valid in tx_frames(p, recipe, src, sec_tx(recipe), on_piece):
            for name, rows in frame_rows(p, f, valid, recipe.mode).items():
                if name in rd:
                    cmp[name].feed(rows, rd[name].take(len(rows)))
            progress.update(k + 1)
        _finish(rd.values())
    finally:
        progress.close()
        for r in rd.values():
            r.close()
    for name in taps:
        cmp[name].result(counts[name])
    if recipe.traffic != "pcap" and (not same[0] or next(pcap, None) is not None):
        raise Mismatch(f"regenerated frames differ from {PCAP_NAME}")


def _check_chain_side(p: Profile, man: dict, rx_undecodable: dict, side: dict, rx_counters: dict | None,
                      log) -> None:
    want = chain_side(p, man, man["counts"], rx_undecodable, rx_counters)
    for name, got in side.items():
        _first_diff(f"{name}.hex vs the manifest and the model receiver", got, want[name], CHAIN_TAPS[name].width)
    log("cfg.hex, rxcnt.hex and rxcnt_sf.hex agree with the manifest and the model receiver")


PAD_FIELDS = [(0, 1, "version"), (1, 2, "mode"), (2, 3, "AN/flags"), (3, 4, "reserved"), (4, 12, "PN"),
              (12, 40, "reserved"), (40, 56, "TAG"), (56, 60, "CRC")]
# Sub-byte fields, bit 0 = the byte's MSB (sent first): PAD byte 2 (spec 6.2), OH STAT
# and JC1..JC6 (spec 4.4, 5.4).
_BITS = {"AN/flags": ["AN"] * 2 + ["tag_valid", "key_change_pending"] + ["next_AN"] * 2 + ["zero"] * 2,
         "STAT": ["zero"] * 6 + ["overflow", "underflow"],
         "JC1": [f"C{i}" for i in range(1, 9)], "JC2": [f"C{i}" for i in range(9, 15)] + ["II", "DI"],
         "JC3": ["CRC-8"] * 8, "JC4": ["zero"] * 3 + [f"D{i}" for i in range(1, 6)],
         "JC5": ["zero"] * 3 + [f"D{i}" for i in range(6, 11)], "JC6": ["zero"] * 3 + ["CRC-5"] * 5}


def field_at(p: Profile, bit: int) -> str:
    """Name of the frame field that holds frame bit ``bit`` (0 = first transmitted), down to
    the bit for PAD byte 2, STAT and JC1..JC6."""
    pad0, oh0 = p.am_bits, p.am_bits + p.pad_bits
    sub = lambda name, b: f" {_BITS[name][b % 8]}" if name in _BITS else ""  # noqa: E731
    if bit < pad0:
        return f"AM lane {bit // 120} byte {bit % 120 // 8}"
    if bit < oh0:
        b = (bit - pad0) // 8
        n = p.pad_bytes
        spans = [(a if a < 40 else n - 60 + a, z if z <= 40 else n - 60 + z, f) for a, z, f in PAD_FIELDS]
        name = next(f for a, z, f in spans if a <= b < z)
        return f"PAD.{name} (byte {b}){sub(name, bit - pad0)}"
    if bit < p.header_bits:
        b = (bit - oh0) // 8
        names = {0: "MFAS", 1: "STAT", **{2 + i: f"JC{i + 1}" for i in range(6)},
                 p.oh_bytes - 2: "CRC16", p.oh_bytes - 1: "CRC16"}
        name = names.get(b, "reserved")
        return f"OH.{name} (byte {b}){sub(name, bit - oh0)}"
    k = bit - p.header_bits
    if k >= p.n_slots * p.slot_bits:
        return "payload fill"
    return f"payload slot {k // p.slot_bits + 1} bit {k % p.slot_bits}"


def set_profile(d: Path, man: dict) -> Profile:
    """The frame profile of a set at the line word width its manifest states."""
    try:
        return get_profile(man["profile"]).at_width(man["word_bits"])
    except ValueError as e:
        raise VectorError(f"{Path(d) / MANIFEST}: {e}") from None


LINE_WIDTH_HEADER = re.compile(r"// (\d+) words of (\d+) bits")


def check_word_width(d: Path, man: dict, p: Profile, word_bits: int | None = None) -> None:
    """The set is at one line word width (spec 7.3): the manifest's ``word_bits`` (and
    ``word_bits`` if given), its listing of line.hex and line_plain.hex, and those
    files' own headers ("// N words of W bits") all say the same W."""
    where = Path(d) / MANIFEST
    if word_bits is not None and word_bits != p.word_bits:
        raise VectorError(f"{where}: the set is at word_bits {p.word_bits}, not the {word_bits} asked for")
    for name in ("line", "line_plain"):
        info = man["files"].get(f"{name}.hex")
        if info is None:
            continue
        if info.get("width") != p.word_bits:
            raise VectorError(f"{where}: files/{name}.hex/width is {info.get('width')!r}, but the set's "
                              f"word_bits is {p.word_bits}")
        w = _header_width(Path(d) / f"{name}.hex")
        if w != p.word_bits:
            raise VectorError(f"{Path(d) / name}.hex: its header says {w}-bit words, but the manifest's "
                              f"word_bits is {p.word_bits}" if w is not None else
                              f"{Path(d) / name}.hex: no '// N words of W bits' header line states its word width")


def _header_width(path: Path) -> int | None:
    """W of the "// N words of W bits" line of a tap file's ``//`` header, or None."""
    try:
        with open(path, "rb") as f:
            for raw in f:
                line = raw.decode("ascii", "replace").strip()
                if not line.startswith("//"):
                    return None
                m = LINE_WIDTH_HEADER.match(line)
                if m:
                    return int(m.group(2))
    except OSError as e:
        raise VectorError(f"{path}: cannot read: {e.strerror}") from None
    return None


def verify_line(d: Path, capture: Path, skip: int = 0, progress=None) -> str:
    """Compare a line-word capture (hex, one word per line, like line.hex) with a set's
    line.hex; raise Mismatch naming frame, word, bit and field of the first difference.
    Both are read a block at a time; as when they were read whole, a fault of the golden
    file, then one anywhere in the capture, comes before any difference."""
    if skip < 0:
        raise ValueError(f"words to skip must be >= 0, got {skip}")
    d = Path(d)
    man = read_manifest(d)
    p = set_profile(d, man)
    tap = frame_taps(p)["line"]
    n_gold = _listed_count(d, man, tap)
    wpf, first, i = p.words_per_frame, None, 0
    prog = Progress("verify", n_gold // wpf, stream=progress)
    with TapReader(d / tap.file, tap) as gold, TapReader(Path(capture), tap) as cap:
        left = skip
        while left:
            n = len(cap.take(min(left, 1 << 16)))
            if not n:
                break
            left -= n
        cap_start = skip - left
        while True:
            g = gold.take(16 * wpf)
            c = cap.take(len(g))
            if first is None and len(c):
                j = first_diff(c, g[:len(c)])
                if j is not None:
                    first = (i + j, int.from_bytes(c[j].tobytes(), "big"), int.from_bytes(g[j].tobytes(), "big"))
            i += len(c)
            prog.update(i // wpf)
            if len(c) < len(g) or not len(g):
                break
        n_got = cap.finish() - cap_start            # reads (and checks) the rest of the capture
    prog.close()
    n = min(n_gold, n_got)
    if first is not None:
        k, got, gold_w = first
        x = got ^ gold_w
        wbit = p.word_bits - x.bit_length()            # first differing bit in transmission order
        frame, word = divmod(k, wpf)
        fbit = word * p.word_bits + wbit
        raise Mismatch(f"frame {frame}, word {word}, bit {wbit} of the word (frame bit {fbit}, "
                       f"{field_at(p, fbit)}): got {got:0{tap.digits}x}, expected {gold_w:0{tap.digits}x}")
    if n_got < n_gold:
        raise Mismatch(f"the capture ends after {n_got} words; the golden line has {n_gold}")
    return f"{n} line words ({n // wpf} frames) identical"


def inspect_frame(d: Path, frame: int) -> str:
    """Human-readable header fields, Cm and GCM values of one frame of a set (each
    per-frame tap read through, keeping two words)."""
    from .gmp import jc_decode
    from .pad import Pad
    d = Path(d)
    man = read_manifest(d)
    p = set_profile(d, man)
    taps = frame_taps(p)
    st = sec_taps(man.get("mode", "encrypt"))
    per_frame, counts = {}, {}
    for t in (taps["oh"], taps["pad"], taps["cm"], *st.values()):
        counts[t.name], per_frame[t.name] = _words_at(d, man, t, {frame - 1, frame})
    if len(set(counts.values())) != 1:
        raise VectorError(f"{d}: per-frame taps disagree on the number of frames "
                          f"({', '.join(f'{k} {v}' for k, v in counts.items())})")
    oh_v, pad_v, cm_v = per_frame["oh"], per_frame["pad"], per_frame["cm"]
    if not 0 <= frame < counts["oh"]:
        raise ValueError(f"frame {frame} is not in the set (0..{counts['oh'] - 1})")
    oh = oh_v[frame].to_bytes(p.oh_bytes, "big")
    pad = pad_v[frame].to_bytes(p.pad_bytes, "big")
    f, crc_ok = Pad.decode(pad)
    jc = jc_decode(oh[2:8], cm_v[frame - 1] if frame else 0)
    lines = [f"frame {frame} of {d} (profile {p.name}, security {man.get('mode', 'encrypt')})",
             f"  OH   MFAS {oh[0]}  STAT {oh[1]:02x}  JC {oh[2:8].hex()} -> Cm {jc.cm} ({jc.kind}), CnD {jc.cnd}"
             f"  CRC16 {oh[-2:].hex()}",
             f"  GMP  Cm {cm_v[frame]} of {p.n_slots} slots",
             f"  PAD  version {f.version} mode {f.mode} AN {f.an} PN {f.pn} tag-valid {int(f.tag_valid)} "
             f"key-change-pending {int(f.key_change_pending)} next-AN {f.next_an} CRC {'ok' if crc_ok else 'BAD'}",
             f"       TAG (previous frame) {f.tag.hex()}"]
    for name in ("iv", "j0", "ekj0", "ghash", "tag"):
        if name in st:
            lines.append(f"  GCM  {name:5} {per_frame[name][frame]:0{st[name].digits}x}")
    if "scenario" in man:
        from .scenario import rx_status_lines
        lines += rx_status_lines(d, man, frame)
    return "\n".join(lines)


def _words_at(d: Path, man: dict, tap: Tap, keep: set) -> tuple[int, dict[int, int]]:
    """read_listed_tap's checks, and only the words at the indices ``keep``: (words, {index: word})."""
    _check_listing(d, man, tap)
    out, i = {}, 0
    with TapReader(d / tap.file, tap) as r:
        for rows in r.chunks(1 << 14):
            for k in keep:
                if i <= k < i + len(rows):
                    out[k] = int.from_bytes(rows[k - i].tobytes(), "big")
            i += len(rows)
    return _check_count(d, man, tap, i), out
