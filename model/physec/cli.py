# SPDX-License-Identifier: Apache-2.0
"""The `physec` command: golden vectors, their end-to-end check, and pcap round trips."""
from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from itertools import islice
from pathlib import Path

from . import __version__
from .fastpath import cgmii_to_257b
from .mac import FrameError, MacTx
from .pcapio import FrameWriter, PcapError, iter_frames
from .pcs import PcsRxStream
from .profile import PROFILES as FRAME_PROFILES
from .profile import WORD_WIDTHS
from .progress import Progress
from .traffic import MIN_FRAME, PROFILES, expected_rx
from .vectors import HashMismatch, VectorError
from .vectorset import Mismatch, Recipe, check_set, inspect_frame, load_traffic, verify_line, write_set


def _log(msg: str) -> None:
    print(f"physec: {msg}", file=sys.stderr, flush=True)


def cmd_vectors(a) -> int:
    if a.list_scenarios:
        return cmd_scenarios(a)
    if not a.out:
        raise ValueError("vectors: --out DIR is required")
    if a.scenario and (a.traffic != "default" or a.ppm or a.security != "encrypt"):
        raise ValueError("vectors: --scenario sets traffic, ppm and security itself; leave those out")
    if a.compact and not a.scenario:
        raise ValueError("vectors: --compact applies to --scenario sets only")
    a.frames_given, a.frames = a.frames, 200 if a.frames is None else a.frames
    out = Path(a.out)
    if out.exists() and any(out.iterdir()) and not a.force and not (out / "manifest.json").exists():
        raise ValueError(f"{out} exists, is not empty and holds no vector set; use --force to write there")
    t0 = time.perf_counter()
    sc = None
    if a.scenario:
        from . import scenario as scn
        sc = scn.get_scenario(a.scenario)
        recipe = scn.recipe_for(sc, a.frames_given, a.seed, a.profile, a.word_bits)
        traffic = scn.traffic(sc, recipe.frames, a.seed)
        _log(f"scenario {sc.name}: {sc.summary}")
    else:
        traffic = load_traffic(a.traffic, a.frames, a.seed)
        recipe = Recipe(traffic.profile, traffic.n_frames, traffic.seed, a.profile, a.ppm, a.security, a.word_bits)
    n_frames = len(traffic.frames) if sc else traffic.n_frames
    _log(f"{n_frames} frames of '{traffic.profile}' traffic, seed {traffic.seed}, "
         f"profile {recipe.profile} at {recipe.word_bits}-bit words, client {recipe.ppm:+g} ppm, "
         f"security {recipe.mode}")
    out.mkdir(parents=True, exist_ok=True)
    write_set(out, recipe, traffic, _log, scenario=sc, compact=a.compact, progress=sys.stderr)
    _log(f"wrote {out}/ in {time.perf_counter() - t0:.2f} s")
    return 0


def cmd_scenarios(a) -> int:
    from .scenario import SCENARIOS
    for s in SCENARIOS.values():
        print(f"{s.name:14} {s.summary}")
    return 0


def cmd_check(a) -> int:
    summary = check_set(Path(a.vectors), _log, progress=sys.stderr, word_bits=a.word_bits)
    print(f"PASS {a.vectors}: {summary}")
    return 0


def cmd_verify(a) -> int:
    print(f"PASS {a.line}: {verify_line(Path(a.vectors), Path(a.line), a.skip, progress=sys.stderr)}")
    return 0


def cmd_inspect(a) -> int:
    print(inspect_frame(Path(a.vectors), a.frame))
    return 0


def cmd_roundtrip(a) -> int:
    """frames -> MAC/64b66b/257b -> back -> frames, the capture a piece at a time (the fused
    PCS paths, tested equal to pcs_tx / pcs_rx); the good frames must be the sent ones."""
    size = Path(a.pcap).stat().st_size if Path(a.pcap).is_file() else None
    mac, rx = MacTx(block_multiple=4), PcsRxStream()
    want: deque = deque()                   # sent frames not received yet
    n = n257 = runts = 0
    same, dt, read = True, 0.0, 0
    out = None
    prog = Progress("roundtrip", size and size / 2 ** 20, "MB of the capture", sys.stderr)
    try:
        frames = iter_frames(a.pcap)
        out = FrameWriter(a.out) if a.out else None
        while True:
            piece = list(islice(frames, 4096))
            t0 = time.perf_counter()
            cg, _ = mac.encode(piece, final=not piece)
            b257 = cgmii_to_257b(cg, inplace=True)
            got = [f.data for f in rx.feed(b257) + (rx.finish() if not piece else []) if f.good]
            dt += time.perf_counter() - t0
            exp = expected_rx(piece)
            # Say what was compared: runt frames come back (and are written) padded to the minimum.
            runts += sum(len(e) != len(f) for e, f in zip(exp, piece))
            want.extend(exp)
            for f in got:
                same &= bool(want) and want.popleft() == f
            if out:
                out.write(got)
            n, n257, read = n + len(piece), n257 + len(b257), read + sum(map(len, piece)) + 16 * len(piece)
            prog.update(read / 2 ** 20)
            if not piece:
                break
    finally:
        prog.close()
        if out:
            out.close()
    same &= not want
    s = rx.stats
    what = f"identical after padding {runts} runt frame{'s' if runts != 1 else ''} to {MIN_FRAME} bytes" \
        if runts else "identical"
    print(f"{n} frames -> {4 * n257} 66b -> {n257} 257b -> {s.good} good, "
          f"{s.fcs_errors} FCS errors, {s.errored} errored in {dt:.2f} s; {what}: {same}")
    return 0 if same else 1


def cmd_profile(a) -> int:
    from .profile import get_profile
    from .profile_pkg import to_sv_package
    p = get_profile(a.name).at_width(a.word_bits)
    if a.sv:
        sys.stdout.write(to_sv_package(p))
        return 0
    tail = (f" (word {p.header_words - 1}: its last {p.header_tail_bits} bits, then the payload)"
            if p.header_tail_bits else "")
    print(f"{p.name}: frame {p.frame_bits} bits = {p.words_per_frame} x {p.word_bits}-bit words at "
          f"{p.clock_hz / 1e6:.2f} MHz; header {p.header_bits} bits in {p.header_words} words{tail}; "
          f"AM {p.am_bits} | PAD {p.pad_bits} | OH {p.oh_bits} | {p.n_slots} slots x {p.slot_bits} "
          f"+ {p.fill_bits} fill; {p.frame_rate:,.2f} frames/s; nominal Cm {p.cm_nominal:.2f}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="physec", description=(
        "PHYSec reference model: Ethernet frames -> MAC/CGMII -> 64b/66b -> 256b/257b -> GMP -> "
        "AM | PAD | OH | payload frames on the line, and back; golden vector sets and their checks."),
        epilog="Bit order of every tap is stated in each file's header and in docs/spec.md.")
    p.add_argument("--version", action="version", version=f"physec {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    v = sub.add_parser("vectors", help="generate a golden vector set (pcap, every stage tap as hex, manifest)",
                       description="Run traffic through the model's TX chain (MAC, 64b/66b, 257b, GMP, framer, AES-GCM) "
                                   "and write every stage tap as $readmemh hex, the frames as pcap, and "
                                   "manifest.json (recipe, tools, SHA-256 of every file).")
    v.add_argument("--scenario", help="a named end-to-end scenario (see --list-scenarios); sets traffic, ppm, "
                                       "security, impairment and receiver, and adds the receiver taps")
    v.add_argument("--list-scenarios", action="store_true", help="list the scenarios and exit")
    v.add_argument("--compact", action="store_true",
                   help="scenario sets only: leave out cgmii.hex and line_plain.hex (the committed sets)")
    v.add_argument("--traffic", default="default",
                   help=f"traffic profile ({', '.join(PROFILES)}) or a pcap/pcapng file (default: default)")
    v.add_argument("--frames", type=int, default=None,
                   help="number of frames (default 200; for a pcap: at most this many, 0 = all; "
                        "for a scenario: its canonical count)")
    v.add_argument("--seed", type=int, default=1, help="random seed of the traffic profile (default 1)")
    v.add_argument("--profile", default="100g", choices=sorted(FRAME_PROFILES), help="frame profile (default 100g)")
    v.add_argument("--word-bits", type=int, default=None, metavar="W",
                   help=f"line word width, one of {', '.join(map(str, WORD_WIDTHS))} dividing the frame "
                        f"(default: the profile's, 256 for 100g, 1024 for 400g)")
    v.add_argument("--ppm", type=float, default=0.0, help="client rate offset in ppm (default 0)")
    v.add_argument("--security", default="encrypt", choices=["encrypt", "auth", "bypass"],
                   help="PHYSec mode (default encrypt; keys are test keys derived from --seed)")
    v.add_argument("--out", help="output directory (required unless --list-scenarios)")
    v.add_argument("--force", action="store_true", help="write into a non-empty directory that holds no vector set")
    v.set_defaults(func=cmd_vectors)

    sc = sub.add_parser("scenarios", help="list the named scenarios (physec vectors --scenario NAME)",
                        description="One line per scenario: what is impaired or configured.")
    sc.set_defaults(func=cmd_scenarios)

    c = sub.add_parser("check", help="check a vector set end to end",
                       description="Verify SHA-256s, every stage boundary in both directions, the framer from "
                                   "257b.hex and valid.hex, the receiver from line.hex down to frames with good "
                                   "FCS, and that the model regenerates the set identically from its manifest.")
    c.add_argument("--vectors", required=True, help="vector set directory (holds manifest.json)")
    c.add_argument("--word-bits", type=int, default=None, metavar="W",
                   help="refuse the set unless it is at this line word width (default: the manifest's)")
    c.set_defaults(func=cmd_check)

    vf = sub.add_parser("verify", help="compare a line-word capture from your RTL with a golden set",
                        description="Compare a capture of line words (hex, one word per line at the set's "
                                    "word_bits, first transmitted bit = MSB, starting at word 0 of frame 0, as "
                                    "line.hex) with the set's line.hex; the first difference is named by frame, "
                                    "word, bit and field (AM, PAD.PN, OH.JC1, payload slot k ...).")
    vf.add_argument("--vectors", required=True, help="golden vector set directory")
    vf.add_argument("--line", required=True, help="the capture to check")
    vf.add_argument("--skip", type=int, default=0, help="words to drop from the start of the capture")
    vf.set_defaults(func=cmd_verify)

    ins = sub.add_parser("inspect", help="pretty-print one frame of a vector set",
                         description="Header fields (OH, JC/Cm, PAD), Cm and the GCM values of one frame.")
    ins.add_argument("--vectors", required=True, help="vector set directory")
    ins.add_argument("--frame", type=int, default=1, help="frame index (default 1)")
    ins.set_defaults(func=cmd_inspect)

    pr = sub.add_parser("profile", help="show a frame profile or emit its SystemVerilog package",
                        description="Frame geometry and rates of a profile; --sv prints the package the RTL "
                                    "takes its parameters from (rtl/frame/physec_profile_pkg.sv).")
    pr.add_argument("--name", default="100g", help="profile name (default 100g)")
    pr.add_argument("--sv", action="store_true", help="print the SystemVerilog package")
    pr.add_argument("--word-bits", type=int, default=None, metavar="W",
                    help="line word width (default: the profile's)")
    pr.set_defaults(func=cmd_profile)

    from .regmap import add_cli as add_regmap_cli
    add_regmap_cli(sub)                # `physec regmap --sv | --md` (the CSR register map)

    r = sub.add_parser("roundtrip", help="send a pcap through TX and RX and compare",
                       description="frames -> CGMII -> 66b -> 257b -> 66b -> CGMII -> frames; exit 1 if they differ.")
    r.add_argument("--pcap", required=True, help="input pcap or pcapng")
    r.add_argument("--out", help="write the received good frames to this pcap")
    r.set_defaults(func=cmd_roundtrip)
    return p


def main(argv=None) -> int:
    a = parser().parse_args(argv)
    for opt in ("frames", "seed", "skip"):
        if getattr(a, opt, None) is not None and getattr(a, opt) < 0:
            parser().error(f"--{opt} must be >= 0")
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
