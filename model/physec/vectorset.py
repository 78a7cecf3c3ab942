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
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .frame import FrameTx, TxFrame, deframe, line_bits
from .gmp import client_valid, slot_map
from .pcapio import PcapError, read_frames, write_frames
from .pcs import pcs_rx, pcs_tx
from .pad import MODE_AUTH, MODE_BYPASS, MODE_ENCRYPT
from .pcs66 import decode_66b, encode_66b
from .sec import CUT_THROUGH, STORE_AND_FORWARD, SecKey, SecRx, SecTx
from .profile import Profile, get_profile
from .traffic import PROFILES as TRAFFIC_PROFILES
from .traffic import Traffic, expected_rx, make_traffic
from .vectors import (TAP_66B, TAP_257B, TAP_CGMII, Blocks66, Blocks257, Tap, cgmii_from_ints, cgmii_to_ints,
                      MANIFEST, VectorError, read_listed_tap, read_manifest, read_tap, verify_hashes, write_manifest,
                      write_tap)
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

    def __post_init__(self):
        if not (isinstance(self.ppm, (int, float)) and abs(self.ppm) <= PPM_LIMIT):    # also refuses NaN
            raise ValueError(f"the client offset must be within +-{PPM_LIMIT} ppm, got {self.ppm!r}")


PPM_LIMIT = 10_000             # +-1 %: far beyond any Ethernet clock, keeps <= 1 block per clock in 100g


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


def load_traffic(spec: str, frames: int, seed: int | None) -> Traffic:
    if spec in TRAFFIC_PROFILES:
        return make_traffic(spec, frames, seed)
    if not Path(spec).exists():
        raise ValueError(f"traffic {spec!r} is neither a profile ({', '.join(TRAFFIC_PROFILES)}) "
                         f"nor an existing pcap file")
    fr = read_frames(spec)
    if not fr:
        raise PcapError(f"{spec}: the capture holds no frames")
    fr = fr[:frames] if frames else fr
    return Traffic(fr, [12] * len(fr), "pcap", None)


def generate(recipe: Recipe, traffic: Traffic, sec: SecTx | None = None, min_line_frames: int = 0):
    """All taps as integer lists, plus the PCS and frame transmit results.  ``sec``: a
    prepared transmitter (a scenario's rekey plan) instead of ``sec_tx(recipe)``."""
    p = get_profile(recipe.profile)
    tx = pcs_tx(traffic, lead_blocks=lead_blocks(p))
    n_line = max(math.ceil(len(tx.b257) / p.cm_nominal) + 2, min_line_frames)
    valid = client_valid(p, n_line, recipe.ppm)
    ftx = FrameTx(p, tx.b257, sec or sec_tx(recipe))
    w = p.words_per_frame
    frames = [ftx.frame(valid[i * w:(i + 1) * w]) for i in range(n_line)]
    taps = {TAP_CGMII.name: cgmii_to_ints(tx.cgmii), TAP_66B.name: tx.b66.to_ints(), TAP_257B.name: tx.b257.to_ints()}
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
    per_clock = frame_taps(p)["valid"].width // p.words_per_frame
    w = p.words_per_frame
    return {
        "line": [int.from_bytes(f.line[i:i + wb], "big") for f in frames for i in range(0, len(f.line), wb)],
        "oh": [int.from_bytes(f.oh, "big") for f in frames],
        "pad": [int.from_bytes(f.pad, "big") for f in frames],
        "cm": [f.map.cm for f in frames],
        "slotmap": [_bits_le(slot_map(f.map.cm, p.n_slots)) for f in frames],
        "valid": [sum(int(v) << (per_clock * c) for c, v in enumerate(valid[t * w:(t + 1) * w]))
                  for t in range(len(frames))],
        "line_plain": [int.from_bytes(b[i:i + wb], "big") for f in frames
                       for b in [f.line[:p.header_bits // 8] + f.plain] for i in range(0, len(b), wb)],
    }


def _bits_le(mask: np.ndarray) -> int:
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


TITLES = {"cgmii": "MAC framing output (frames with preamble, FCS, IPG)", "66b": "64b/66b encoder output",
          "257b": "256b/257b transcoder output = GMP client stream", "line": "the line (after security)",
          "line_plain": "framer output before the security stage", "oh": "OH field per frame",
          "pad": "PAD field per frame", "cm": "GMP Cm per frame", "slotmap": "GMP slot map per frame",
          "valid": "client valid schedule per frame", "iv": "GCM IV per frame", "h": "GHASH key per frame",
          "j0": "GCM J0 per frame", "ekj0": "E_K(J0) per frame", "ghash": "GHASH output per frame",
          "tag": "GCM tag per frame",
          "keystream": f"first {KS_SAMPLES} keystream blocks per frame"}


def all_tx_taps(p: Profile, mode: str) -> dict[str, Tap]:
    return {TAP_CGMII.name: TAP_CGMII, TAP_66B.name: TAP_66B, TAP_257B.name: TAP_257B, **frame_taps(p),
            **sec_taps(mode)}


def write_set(out: Path, recipe: Recipe, traffic: Traffic, log=lambda m: None, scenario=None,
              compact: bool = False) -> dict:
    """Write a set; with ``scenario`` (scenario.Scenario) the line is impaired and the
    receiver taps and expected outcome are added (``compact``: without cgmii, line_plain)."""
    p = get_profile(recipe.profile)
    titles, extra = TITLES, {}
    if scenario is None:
        taps, tx, frames = generate(recipe, traffic)
        all_taps = all_tx_taps(p, recipe.mode)
    else:
        from .scenario import scenario_set
        taps, tx, frames, all_taps, titles, extra = scenario_set(scenario, recipe, traffic, compact)
    log(f"TX chain: {len(taps['66b'])} 66b -> {len(taps['257b'])} 257b "
        f"-> {len(frames)} line frames of {p.words_per_frame} words")
    rx_counters = None
    if scenario is None:                                # the receiver taps of a plain set, too
        from .scenario import RX_TAPS, RX_TITLES
        rx_vals, rx_counters = receive_line(p, recipe, taps["line"])
        taps.update(rx_vals)
        all_taps, titles = {**all_taps, **RX_TAPS}, {**titles, **RX_TITLES}
    counts = {k: len(v) for k, v in taps.items() if k in all_taps}
    taps.update(chain_side({"mode": recipe.mode, "security": security_meta(recipe), **extra}, counts,
                           {CUT_THROUGH: taps["rx257b"], STORE_AND_FORWARD: taps["rx257b_sf"]}, rx_counters))
    all_taps, titles = {**all_taps, **CHAIN_TAPS}, {**titles, **CHAIN_TITLES}
    write_frames(out / PCAP_NAME, traffic.frames, [int(s * 1e9 / CHAR_RATE) for s in tx.layout.starts])
    for name, tap in all_taps.items():
        write_tap(out, tap, taps[name], titles[name])
    files = {PCAP_NAME: "transmitted Ethernet frames without FCS (pcap, ns timestamps of /S/ at 100 Gb/s)"}
    files.update({t.file: f"tap {t.name}: {titles[t.name]}" for t in all_taps.values()})
    meta = {"stage": "pcs+frame+sec", **asdict(recipe), "lead_idle_blocks": lead_blocks(p),
            "security": {**security_meta(recipe),
                         "note": "test keys derived from the seed with SHA-256; never use them on a real link"},
            "counts": {k: len(v) for k, v in taps.items() if k in all_taps}, **extra}
    write_manifest(out, meta, files, {t.file: t for t in all_taps.values()})
    return taps


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
                    "8 E = rekey requests; 9..16 TX key of AN 0..3 and 17..24 RX key of AN 0..3, two words "
                    "each: key (byte 0 in bits 255:248, AES-128 in 255:128), then [97] installed [96] AES-256 "
                    "[95:0] salt (byte 0 in bits 95:88); 25..24+R TX compare ranges of line.hex words "
                    "[63:32] first [31:0] end (exclusive); then E rekey requests [63:32] before line frame "
                    "[1:0] AN"),
    *(Tap(f"rxcnt{s}", 32, f"the model receiver's final counters ({pol}): RxCounters "
          + " ".join(RX_COUNTERS["rx"]) + ", SecCounters " + " ".join(RX_COUNTERS["sec"])
          + f", then the rx257b{s}.hex blocks detranscode_257b cannot decode (4 EBLOCK_R each)")
      for pol, s in ((CUT_THROUGH, ""), (STORE_AND_FORWARD, "_sf"))),
)}
CHAIN_TITLES = {"cfg": "chain testbench configuration (from the manifest)",
                "rxcnt": "receiver counters at the end of the line (model RX, cut-through)",
                "rxcnt_sf": "receiver counters at the end of the line (model RX, store-and-forward)"}


def receive_line(p: Profile, recipe: Recipe, line: list[int]) -> tuple[dict, dict]:
    """Receiver taps and counters of a plain set: the model receiver (the set's keys) on
    line.hex in both policies, as the RTL physec_rx receives it; counters by policy."""
    from .scenario import rx_tap_values
    link, keys = test_keys(recipe.seed)
    bits = np.unpackbits(np.frombuffer(b"".join(v.to_bytes(p.word_bits // 8, "big") for v in line), np.uint8))
    taps, counters = {}, {}
    for pol in (CUT_THROUGH, STORE_AND_FORWARD):
        srx = SecRx(keys, link, pol, require_security=recipe.mode != "bypass")
        rx = deframe(p, bits, srx)
        taps.update(rx_tap_values(rx, pol))
        counters[pol] = {"rx": asdict(rx.counters), "sec": asdict(srx.cnt)}
    return taps, counters


def chain_side(man: dict, counts: dict, rx257b: dict, rx_counters: dict | None) -> dict[str, list[int]]:
    """cfg.hex, rxcnt.hex and rxcnt_sf.hex of a set, from its manifest (``rx257b``: the
    receiver's 257b blocks by policy; ``rx_counters``: a plain set's counters by policy,
    which its manifest does not hold; a scenario set's come from its manifest)."""
    sc = man.get("scenario")
    sec = man["security"]
    txk, rxk = (sc["tx_keys"], sc["rx"]["keys"]) if sc else (sec["keys"], sec["keys"])
    ranges = sc["impairment"]["line_tx_ranges"] if sc else [[0, counts["line"]]]
    rekeys = [(sc["rekey"]["requested_before_frame"], sc["rekey"]["an"])] if sc and sc["rekey"] else []
    p = get_profile(man.get("profile", "100g"))

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
           len(rekeys), *key_words(txk), *key_words(rxk), *(a << 32 | b for a, b in ranges),
           *(t << 32 | an for t, an in rekeys)]
    out = {"cfg": cfg}
    for pol, sfx in ((CUT_THROUGH, ""), (STORE_AND_FORWARD, "_sf")):
        c = sc["counters"][pol] if sc else rx_counters[pol]
        _, err = detranscode_257b(Blocks257.from_ints(rx257b[pol]))
        out[f"rxcnt{sfx}"] = [c[g][n] for g, names in RX_COUNTERS.items() for n in names] + [int(err.sum())]
    return out


def _first_diff(name: str, got: list[int], exp: list[int], width: int) -> None:
    if got == exp:
        return
    if len(got) != len(exp):
        raise Mismatch(f"{name}: {len(got)} words, expected {len(exp)}")
    i = next(i for i, (g, e) in enumerate(zip(got, exp)) if g != e)
    d = (width + 3) // 4
    bit = (got[i] ^ exp[i]).bit_length() - 1
    raise Mismatch(f"{name}: first difference at word {i}: got {got[i]:0{d}x}, expected {exp[i]:0{d}x} "
                   f"(highest differing bit {bit})")


def check_set(d: Path, log=lambda m: None) -> str:
    """Check a set end to end; returns a one-line summary or raises Mismatch/VectorError."""
    d = Path(d)
    man = read_manifest(d)
    verify_hashes(d, man)
    try:
        recipe = Recipe(man["traffic"], int(man["frames"]), man["seed"], man.get("profile", "100g"),
                        float(man.get("ppm", 0.0)), man.get("mode", "encrypt"))
        p = get_profile(recipe.profile)
    except ValueError as e:
        raise VectorError(f"{d / MANIFEST}: {e}") from None
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
    vals = {t.name: read_listed_tap(d, man, t) for t in (TAP_CGMII, TAP_66B, TAP_257B, *ftaps.values())
            if sc is None or t.name not in scn.COMPACT_DROP or not man["scenario"]["compact"]}
    side = {t.name: read_listed_tap(d, man, t) for t in CHAIN_TAPS.values()}
    if PCAP_NAME not in man["files"]:
        raise VectorError(f"{d / MANIFEST}: {PCAP_NAME} is not listed")
    pcap_frames = read_frames(d / PCAP_NAME)
    # What the manifest publishes beyond the recipe must be what the recipe makes.
    published = {k: man["security"].get(k) for k in ("mode", "link_id", "tag_bytes", "keys")}
    if published != security_meta(recipe) or man["lead_idle_blocks"] != lead_blocks(p):
        raise Mismatch(f"{d / MANIFEST}: security parameters or lead_idle_blocks differ from what the recipe "
                       f"(seed {recipe.seed}, mode {recipe.mode}) makes")
    sizes = [n for n, i in man["files"].items() if i["bytes"] != (d / n).stat().st_size]
    if sizes:
        raise VectorError(f"{d / MANIFEST}: files/{sizes[0]}/bytes is not the file's size")
    if recipe.traffic != "pcap" and recipe.frames != len(pcap_frames):
        raise Mismatch(f"{d / MANIFEST}: frames is {recipe.frames}, {PCAP_NAME} holds {len(pcap_frames)}")

    # 1. Every PCS boundary both ways, from the files alone.
    b66 = Blocks66.from_ints(vals["66b"])
    if "cgmii" in vals:                                 # compact scenario sets leave it out
        cg = cgmii_from_ints(vals["cgmii"])
        _first_diff("cgmii -> encode_66b vs 66b.hex", encode_66b(cg).to_ints(), vals["66b"], 66)
        _first_diff("66b.hex -> decode_66b vs cgmii.hex", cgmii_to_ints(decode_66b(b66)), vals["cgmii"], 72)
    _first_diff("66b.hex -> transcode_257b vs 257b.hex", transcode_257b(b66).to_ints(), vals["257b"], 257)
    b257 = Blocks257.from_ints(vals["257b"])
    back, err = detranscode_257b(b257)
    if err.any():
        raise Mismatch(f"257b.hex: block {int(err.argmax())} does not decode")
    _first_diff("257b.hex -> detranscode_257b vs 66b.hex", back.to_ints(), vals["66b"], 66)

    # 2. The framer from 257b.hex and valid.hex reproduces line/oh/pad/cm/slotmap.
    w = p.words_per_frame
    per_clock = ftaps["valid"].width // w
    valid = np.array([(v >> (per_clock * c)) & ((1 << per_clock) - 1) for v in vals["valid"] for c in range(w)])
    ftx = FrameTx(p, b257, scn.make_sec_tx(sc, recipe) if sc else sec_tx(recipe))
    frames = [ftx.frame(valid[i * w:(i + 1) * w]) for i in range(len(vals["valid"]))]
    made = {**frame_tap_values(p, frames, valid), **sec_tap_values(recipe.mode, frames)}
    if sc:
        made["line"] = scn.line_words(p, scn.impair(sc, p, line_bits(frames), [f.map.cm for f in frames]).bits)
    for name, got in made.items():
        if name in vals:
            _first_diff(f"framer(257b.hex, valid.hex) vs {name}.hex", got, vals[name], ftaps[name].width)
    log(f"stage boundaries agree both ways; framer and security stage reproduce {len(frames)} line frames"
        + (f" (line impaired as scenario {sc.name})" if sc else ""))
    if sc:
        summary = scn.check_rx_and_regenerate(d, man, sc, recipe, vals, pcap_frames, log)
        _check_chain_side(man, vals, side, None, log)
        return summary

    # 3. The receiver: line.hex -> deframe -> 257b -> 66b -> frames == frames.pcap.
    wb = p.word_bits
    line = b"".join(v.to_bytes(wb // 8, "big") for v in vals["line"])
    link, keys = test_keys(recipe.seed)
    srx = SecRx(keys, link, STORE_AND_FORWARD, require_security=recipe.mode != "bypass")
    rx = deframe(p, np.unpackbits(np.frombuffer(line, np.uint8)), srx)
    c = rx.counters
    # Frame 1 is not verified, so relative JCs right after it are "stale" (spec 4.4 rule 3).
    n_stale = next((i for i, f in enumerate(rx.frames[1:]) if f.jc.kind != "stale"), len(rx.frames) - 1)
    if c.unusable_frames != n_stale or c.lock_losses or c.am_bad or c.locks != 1:
        raise Mismatch(f"RX: line not received cleanly: {c}")
    verdicts = [f.sec.verdict for f in rx.frames]
    want = (["bypass"] * len(verdicts) if recipe.mode == "bypass"
            else ["fail"] + ["pass"] * (len(verdicts) - 2) + ["fail"])
    if verdicts != want:
        raise Mismatch(f"RX security verdicts {verdicts}, expected {want} (the first frame is not predicted, "
                       f"the last frame's tag never arrives)")
    n_acq = (0 if recipe.mode == "bypass" else 1) + n_stale          # processed frames not delivered
    skip = sum(len(f.map.slots) for f in frames[:1 + n_acq])
    if skip > lead_blocks(p):
        raise Mismatch(f"RX: line frames 2..{n_acq} are 'stale' (spec 4.4 rule 3) and carry client data "
                       f"beyond the {lead_blocks(p)} idle lead blocks: not every frame is recoverable")
    rx_blocks = rx.blocks.to_ints()[sum(f.blocks for f in rx.frames[:n_acq]):]
    _first_diff("RX deframe(line.hex), store-and-forward, vs 257b.hex after the frames spent on acquisition",
                rx_blocks[:len(vals['257b']) - skip], vals["257b"][skip:], 257)
    tail = Blocks257.from_ints(rx_blocks)
    pcs = pcs_rx(Blocks257(np.concatenate((b257.hdr[:skip], tail.hdr)), np.concatenate((b257.body[:skip], tail.body))))
    bad = [f for f in pcs.frames if not f.good]
    if bad:
        raise Mismatch(f"RX: frame at character {bad[0].start} is bad ({bad[0].reason or 'FCS error'})")
    if [f.data for f in pcs.frames] != expected_rx(pcap_frames):
        raise Mismatch(f"RX: received {len(pcs.frames)} frames differ from the {len(pcap_frames)} in {PCAP_NAME}")
    log(f"RX locks on line.hex, verifies every tag (library AES-GCM) and recovers all {len(pcap_frames)} "
        f"frames with good FCS")
    rx_vals, rx_counters = receive_line(p, recipe, vals["line"])
    for name, want in rx_vals.items():
        _first_diff(f"model RX on line.hex vs {name}.hex", vals[name], want, RX_TAPS[name].width)
    _check_chain_side(man, vals, side, rx_counters, log)

    # 4. The set is what this model generates from the manifest's recipe.
    traffic = (Traffic(pcap_frames, [12] * len(pcap_frames), "pcap", None) if recipe.traffic == "pcap"
               else make_traffic(recipe.traffic, recipe.frames, recipe.seed))
    regen, _, _ = generate(recipe, traffic)
    for name, got in ((n, v) for n, v in vals.items() if n not in RX_TAPS):   # RX taps: from line.hex above
        width = ftaps[name].width if name in ftaps else {"cgmii": 72, "66b": 66, "257b": 257}[name]
        _first_diff(f"regenerated {name}.hex vs file", got, regen[name], width)
    if recipe.traffic != "pcap" and [bytes(f) for f in traffic.frames] != pcap_frames:
        raise Mismatch(f"regenerated frames differ from {PCAP_NAME}")
    log("regenerated from the manifest's recipe: identical")
    return (f"{len(pcap_frames)} frames, {len(vals['66b'])} 66b, {len(vals['257b'])} 257b, "
            f"{len(frames)} line frames ({len(vals['line'])} words), security {recipe.mode}")


def _check_chain_side(man: dict, vals: dict, side: dict, rx_counters: dict | None, log) -> None:
    want = chain_side(man, man["counts"], {CUT_THROUGH: vals["rx257b"], STORE_AND_FORWARD: vals["rx257b_sf"]},
                      rx_counters)
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


def verify_line(d: Path, capture: Path, skip: int = 0) -> str:
    """Compare a line-word capture (hex, one word per line, like line.hex) with a set's
    line.hex; raise Mismatch naming frame, word, bit and field of the first difference."""
    if skip < 0:
        raise ValueError(f"words to skip must be >= 0, got {skip}")
    man = read_manifest(d)
    p = get_profile(man.get("profile", "100g"))
    tap = frame_taps(p)["line"]
    gold = read_listed_tap(d, man, tap)
    got = read_tap(Path(capture), tap)[skip:]
    n = min(len(gold), len(got))
    for i in range(n):
        if got[i] != gold[i]:
            x = got[i] ^ gold[i]
            wbit = p.word_bits - x.bit_length()            # first differing bit in transmission order
            frame, word = divmod(i, p.words_per_frame)
            fbit = word * p.word_bits + wbit
            raise Mismatch(f"frame {frame}, word {word}, bit {wbit} of the word (frame bit {fbit}, "
                           f"{field_at(p, fbit)}): got {got[i]:0{tap.digits}x}, expected {gold[i]:0{tap.digits}x}")
    if len(got) < len(gold):
        raise Mismatch(f"the capture ends after {len(got)} words; the golden line has {len(gold)}")
    return f"{n} line words ({n // p.words_per_frame} frames) identical"


def inspect_frame(d: Path, frame: int) -> str:
    """Human-readable header fields, Cm and GCM values of one frame of a set."""
    from .gmp import jc_decode
    from .pad import Pad
    man = read_manifest(d)
    p = get_profile(man.get("profile", "100g"))
    taps = frame_taps(p)
    st = sec_taps(man.get("mode", "encrypt"))
    per_frame = {t.name: read_listed_tap(d, man, t) for t in (taps["oh"], taps["pad"], taps["cm"], *st.values())}
    if len({len(v) for v in per_frame.values()}) != 1:
        raise VectorError(f"{d}: per-frame taps disagree on the number of frames "
                          f"({', '.join(f'{k} {len(v)}' for k, v in per_frame.items())})")
    oh_v, pad_v, cm_v = per_frame["oh"], per_frame["pad"], per_frame["cm"]
    if not 0 <= frame < len(oh_v):
        raise ValueError(f"frame {frame} is not in the set (0..{len(oh_v) - 1})")
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
