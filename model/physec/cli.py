# SPDX-License-Identifier: Apache-2.0
"""The `physec` command: golden vectors, their end-to-end check, and pcap round trips."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .mac import FrameError
from .pcapio import PcapError, read_frames, write_frames
from .pcs import pcs_rx, pcs_tx
from .pcs66 import decode_66b, encode_66b
from .traffic import PROFILES, Traffic, expected_rx, make_traffic
from .vectors import (TAP_66B, TAP_257B, TAP_CGMII, Blocks66, Blocks257, HashMismatch, VectorError, cgmii_from_ints,
                      cgmii_to_ints, read_manifest, read_tap, verify_hashes, write_manifest, write_tap)
from .xcode257 import detranscode_257b, transcode_257b

LINE_RATE = 100e9             # b/s of the CGMII stream, for pcap timestamps only
PCAP_NAME = "frames.pcap"


class Mismatch(Exception):
    """A check found a difference; the message names the first one."""


def _log(msg: str) -> None:
    print(f"physec: {msg}", file=sys.stderr, flush=True)


def _traffic(spec: str, frames: int, seed: int) -> Traffic:
    if spec in PROFILES:
        return make_traffic(spec, frames, seed)
    if not Path(spec).exists():
        raise ValueError(f"--traffic {spec!r} is neither a profile ({', '.join(PROFILES)}) nor an existing pcap file")
    fr = read_frames(spec)
    if not fr:
        raise PcapError(f"{spec}: the capture holds no frames")
    fr = fr[:frames] if frames else fr
    return Traffic(fr, [12] * len(fr), "pcap", None)


def build_set(traffic: Traffic):
    """All PCS-stage taps for this traffic, as integer lists, plus the TX layout."""
    tx = pcs_tx(traffic)
    return {TAP_CGMII.name: cgmii_to_ints(tx.cgmii), TAP_66B.name: tx.b66.to_ints(),
            TAP_257B.name: tx.b257.to_ints()}, tx


def cmd_vectors(a) -> int:
    out = Path(a.out)
    if out.exists() and any(out.iterdir()) and not a.force and not (out / "manifest.json").exists():
        raise ValueError(f"{out} exists, is not empty and holds no vector set; use --force to write there")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    traffic = _traffic(a.traffic, a.frames, a.seed)
    _log(f"{len(traffic.frames)} frames of '{traffic.profile}' traffic, seed {traffic.seed}")
    taps, tx = build_set(traffic)
    t1 = time.perf_counter()
    _log(f"TX chain: {len(taps['cgmii'])} CGMII transfers -> {len(taps['66b'])} 66b -> "
         f"{len(taps['257b'])} 257b blocks in {t1 - t0:.2f} s")
    write_frames(out / PCAP_NAME, traffic.frames, [int(s * 8e9 / LINE_RATE) for s in tx.layout.starts])
    write_tap(out, TAP_CGMII, taps["cgmii"], "MAC framing output (frames with preamble, FCS, IPG)")
    write_tap(out, TAP_66B, taps["66b"], "64b/66b encoder output")
    write_tap(out, TAP_257B, taps["257b"], "256b/257b transcoder output")
    meta = {"stage": "pcs", "traffic": traffic.profile, "seed": traffic.seed, "frames": len(traffic.frames),
            "counts": {k: len(v) for k, v in taps.items()}}
    write_manifest(out, meta, {PCAP_NAME: "transmitted Ethernet frames without FCS (pcap, ns timestamps of /S/)",
                               TAP_CGMII.file: "tap cgmii", TAP_66B.file: "tap 66b", TAP_257B.file: "tap 257b"})
    _log(f"wrote {out}/ (manifest.json, {PCAP_NAME}, cgmii.hex, 66b.hex, 257b.hex)")
    return 0


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


def cmd_check(a) -> int:
    d = Path(a.vectors)
    man = read_manifest(d)
    verify_hashes(d, man)
    _log(f"{d}: manifest and SHA-256 of {len(man['files'])} files ok")
    cg_i, b66_i, b257_i = (read_tap(d / t.file, t) for t in (TAP_CGMII, TAP_66B, TAP_257B))
    frames = read_frames(d / PCAP_NAME)

    # 1. Every stage boundary in both directions, from the files alone.
    cg = cgmii_from_ints(cg_i)
    b66 = Blocks66.from_ints(b66_i)
    _first_diff("cgmii -> encode_66b vs 66b.hex", encode_66b(cg).to_ints(), b66_i, 66)
    _first_diff("66b.hex -> decode_66b vs cgmii.hex", cgmii_to_ints(decode_66b(b66)), cg_i, 72)
    _first_diff("66b.hex -> transcode_257b vs 257b.hex", transcode_257b(b66).to_ints(), b257_i, 257)
    back, err = detranscode_257b(Blocks257.from_ints(b257_i))
    if err.any():
        raise Mismatch(f"257b.hex: block {int(err.argmax())} does not decode")
    _first_diff("257b.hex -> detranscode_257b vs 66b.hex", back.to_ints(), b66_i, 66)
    rx = pcs_rx(Blocks257.from_ints(b257_i))
    bad = [f for f in rx.frames if not f.good]
    if bad:
        raise Mismatch(f"RX: frame at character {bad[0].start} is bad ({bad[0].reason or 'FCS error'})")
    if [f.data for f in rx.frames] != expected_rx(frames):
        raise Mismatch(f"RX: received {len(rx.frames)} frames differ from the {len(frames)} in {PCAP_NAME}")
    _log(f"stage boundaries agree both ways; RX recovers all {len(frames)} frames with good FCS")

    # 2. The set is what this model generates from the manifest's recipe.
    if man["traffic"] == "pcap":
        traffic = Traffic(frames, [12] * len(frames), "pcap", None)
    else:
        traffic = make_traffic(man["traffic"], int(man["frames"]), int(man["seed"]))
    taps, _ = build_set(traffic)
    for t, got in ((TAP_CGMII, cg_i), (TAP_66B, b66_i), (TAP_257B, b257_i)):
        _first_diff(f"regenerated {t.file} vs file", got, taps[t.name], t.width)
    if man["traffic"] != "pcap" and [bytes(f) for f in traffic.frames] != frames:
        raise Mismatch(f"regenerated frames differ from {PCAP_NAME}")
    _log("regenerated from the manifest's traffic/seed: identical")
    print(f"PASS {d}: {len(frames)} frames, {len(cg_i)} CGMII, {len(b66_i)} 66b, {len(b257_i)} 257b")
    return 0


def cmd_roundtrip(a) -> int:
    frames = read_frames(a.pcap)
    traffic = Traffic(frames, [12] * len(frames), "pcap", None)
    t0 = time.perf_counter()
    tx = pcs_tx(traffic)
    rx = pcs_rx(tx.b257)
    dt = time.perf_counter() - t0
    good = [f.data for f in rx.frames if f.good]
    if a.out:
        write_frames(a.out, good)
    same = good == expected_rx(frames)
    s = rx.stats
    print(f"{len(frames)} frames -> {len(tx.b66)} 66b -> {len(tx.b257)} 257b -> {s.good} good, "
          f"{s.fcs_errors} FCS errors, {s.errored} errored in {dt:.2f} s; identical: {same}")
    return 0 if same else 1


def cmd_profile(a) -> int:
    from .profile import PROFILES, get_profile, to_sv_package
    p = get_profile(a.name)
    if a.sv:
        sys.stdout.write(to_sv_package(p))
        return 0
    for q in [p]:
        print(f"{q.name}: frame {q.frame_bits} bits = {q.words_per_frame} x {q.word_bits}-bit words; "
              f"AM {q.am_bits} | PAD {q.pad_bits} | OH {q.oh_bits} | {q.n_slots} slots x {q.slot_bits} "
              f"+ {q.fill_bits} fill; {q.frame_rate:,.2f} frames/s; nominal Cm {q.cm_nominal:.2f}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="physec", description=(
        "PHYSec reference model: Ethernet frames -> MAC/CGMII -> 64b/66b -> 256b/257b and back, "
        "golden vector sets and their checks."),
        epilog="Bit order of every tap is stated in each file's header and in docs/spec.md.")
    p.add_argument("--version", action="version", version=f"physec {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    v = sub.add_parser("vectors", help="generate a golden vector set (frames.pcap, cgmii/66b/257b .hex, manifest)",
                       description="Run traffic through the model's TX chain and write every stage tap as "
                                   "$readmemh hex, the frames as pcap, and manifest.json (seed, tools, SHA-256).")
    v.add_argument("--traffic", default="default",
                   help=f"traffic profile ({', '.join(PROFILES)}) or a pcap/pcapng file (default: default)")
    v.add_argument("--frames", type=int, default=200, help="number of frames (for a pcap: at most this many, 0 = all)")
    v.add_argument("--seed", type=int, default=1, help="random seed of the traffic profile (default 1)")
    v.add_argument("--out", required=True, help="output directory")
    v.add_argument("--force", action="store_true", help="write into a non-empty directory that holds no vector set")
    v.set_defaults(func=cmd_vectors)

    c = sub.add_parser("check", help="check a vector set end to end",
                       description="Verify SHA-256s, every stage boundary in both directions, RX frame recovery "
                                   "and FCS, and that the model regenerates the set identically from its manifest.")
    c.add_argument("--vectors", required=True, help="vector set directory (holds manifest.json)")
    c.set_defaults(func=cmd_check)

    pr = sub.add_parser("profile", help="show a frame profile or emit its SystemVerilog package",
                        description="Frame geometry and rates of a profile; --sv prints the package the RTL "
                                    "takes its parameters from (rtl/frame/physec_profile_pkg.sv).")
    pr.add_argument("--name", default="100g", help="profile name (default 100g)")
    pr.add_argument("--sv", action="store_true", help="print the SystemVerilog package")
    pr.set_defaults(func=cmd_profile)

    r = sub.add_parser("roundtrip", help="send a pcap through TX and RX and compare",
                       description="frames -> CGMII -> 66b -> 257b -> 66b -> CGMII -> frames; exit 1 if they differ.")
    r.add_argument("--pcap", required=True, help="input pcap or pcapng")
    r.add_argument("--out", help="write the received good frames to this pcap")
    r.set_defaults(func=cmd_roundtrip)
    return p


def main(argv=None) -> int:
    a = parser().parse_args(argv)
    if getattr(a, "frames", 1) is not None and getattr(a, "frames", 1) < 0:
        parser().error("--frames must be >= 0")
    try:
        return a.func(a)
    except (Mismatch, HashMismatch) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    except (VectorError, PcapError, FrameError, ValueError, OSError) as e:
        print(f"physec: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
