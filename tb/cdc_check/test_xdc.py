# SPDX-License-Identifier: Apache-2.0
"""syn/physec_cdc.xdc, run in Tcl against stand-ins of the Vivado commands it uses.

Vivado is not available to the tests.  The file runs in the system's `tclsh` (Tcl 8.6;
Python's tkinter is often built without Tcl), whose stand-in commands ask this process
for their answers over a pipe (class Tcl below).  The stand-ins (get_cells, get_pins, get_clocks,
get_property, set_property, set_max_delay, set_bus_skew, set_false_path) answer from a
model of the Vivado netlist of cdc_check_top (BAD = 0), built from its Yosys netlist:
a module instance is a hierarchical cell (REF_NAME <module>__parameterizedN for all but
the first copy, ORIG_REF_NAME <module>), a generate block is a name prefix
("g_side[0].u_sync"), a register bit is the cell <instance>/<name>_reg[<bit>] (no index
when one bit wide), a RAM is <instance>/mem_reg, "*" does not cross "/".  Checked:

* the file evaluates (Tcl syntax, the procedures, every pattern);
* ASYNC_REG exactly on the stages of every physec_cdc_sync and physec_rst_sync;
* a false path exactly to the asynchronous set (PRE) pins of physec_rst_sync;
* every crossing that syn/check_cdc.py finds through a primitive (an independent list:
  from the netlist's dependencies, not from names) is covered by a set_max_delay
  -datapath_only from all bits of its source registers to its endpoint, of the
  documented period (Gray pointers and toggles: the source clock, with a bus skew
  limit for the pointers; RAM and payload: the destination clock; flush handshake: the
  faster of the two), and no max delay constrains anything else.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "syn"))
import check_cdc  # noqa: E402

XDC = REPO / "syn" / "physec_cdc.xdc"
RTL = [REPO / "rtl" / "common" / f for f in
       ("physec_cdc_sync.sv", "physec_cdc_flush.sv", "physec_cdc_fifo.sv", "physec_cdc_handshake.sv",
        "physec_rst_sync.sv")] + [Path(__file__).parent / "cdc_check_top.sv"]
PERIOD = {"clk_a": 3.1, "clk_b": 4.7}


class Model:
    """The Vivado-style cells of the Yosys netlist."""

    def __init__(self, nl: check_cdc.Netlist):
        self.nl = nl
        self.hier = {}                                    # vivado name -> (REF_NAME, ORIG_REF_NAME)
        seen = defaultdict(int)
        for scope in sorted(nl.scopes, key=len):
            if scope:
                mod = nl.scopes[scope]
                self.hier[self.inst(scope)] = (mod if not seen[mod] else f"{mod}__parameterized{seen[mod]}", mod)
                seen[mod] += 1
        self.leaf = {}                                    # vivado name -> (clock, async pins?)
        self.of_bit = {}                                  # yosys bit name -> vivado cell
        self.of_reg = defaultdict(set)                    # yosys register name -> vivado cells
        for cname, c in nl.m["cells"].items():
            t = c["type"]
            if check_cdc.FF_RE.match(t):
                q = c["connections"]["Q"][0]
                bit, reg = nl.bit_name(q), nl.reg_name(q)
                scope, local = nl.split(reg)
                idx = bit[len(reg):]
                v = f"{self.inst(scope) + '/' if scope else ''}{local}_reg{idx}"
                self.leaf[v] = (nl.clock_of(c["connections"]["C"][0]), t.startswith("$_ALDFF"))
                self.of_bit[bit] = v
                self.of_reg[reg].add(v)
            elif t == "$mem_v2":
                memid = c["parameters"]["MEMID"].lstrip("\\")
                scope, local = nl.split(memid)
                v = f"{self.inst(scope)}/{local}_reg"
                clk = nl.clock_of(c["connections"]["WR_CLK"][0])
                self.leaf[v] = (clk, False)
                self.of_reg[memid].add(v)

    def inst(self, scope: str) -> str:
        """Vivado name of a module instance: levels of module hierarchy joined by '/',
        generate blocks kept as dotted prefixes."""
        parent = max((s for s in self.nl.scopes if s and scope.startswith(s + ".")), key=len, default="")
        rel = scope[len(parent) + 1:] if parent else scope
        return f"{self.inst(parent)}/{rel}" if parent else rel


# Each stand-in is a Tcl procedure that writes one request line, "ASK <command> <arg>..."
# with every argument as hex (any character survives) followed by its list elements if it
# is a well-formed Tcl list, and reads one reply line: "L <hex>..." (a list) or "E <hex>"
# (an error raised in Tcl, so a failed lookup stops the source with its message).
DRIVER = r"""
fconfigure stdin -translation lf
fconfigure stdout -translation lf -buffering line
proc physec_ask {name args} {
  set req [list ASK $name]
  foreach a $args {
    set el {}
    if {[string is list $a]} { foreach e $a { lappend el [binary encode hex $e] } }
    lappend req "[binary encode hex $a]:[join $el ,]"
  }
  puts $req
  if {[gets stdin reply] < 0} { error "physec_ask: no reply to $name" }
  set words [split $reply " "]
  set vals {}
  foreach h [lrange $words 1 end] { lappend vals [binary decode hex $h] }
  if {[lindex $words 0] eq "E"} { error [lindex $vals 0] }
  return $vals
}
"""


class TclArg(str):
    """An argument of a stand-in call: its text, and its elements when it is a Tcl list."""
    elements: tuple[str, ...] | None


class Tcl:
    """The parts of tkinter.Tcl that the stand-ins use, over a `tclsh` child process."""

    def __init__(self, tclsh: str):
        self.tclsh = tclsh
        self.commands = {}

    def createcommand(self, name, fn):
        self.commands[name] = fn

    @staticmethod
    def splitlist(v):
        if isinstance(v, TclArg):
            if v.elements is None:
                raise ValueError(f"not a Tcl list: {v!r}")
            return v.elements
        return tuple(v) if isinstance(v, tuple) else (v,)

    def source(self, path: Path, work: Path):
        """Source path in a fresh tclsh; the driver is a file, as stdin carries the replies."""
        procs = "".join(f"proc {n} args {{ return [physec_ask {n} {{*}}$args] }}\n" for n in self.commands)
        driver = work / "driver.tcl"
        driver.write_text(DRIVER + procs + f"source {{{path}}}\nputs DONE\n")
        proc = subprocess.Popen([self.tclsh, str(driver)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, bufsize=1)
        try:
            for line in proc.stdout:
                words = line.split()
                if words == ["DONE"]:
                    break
                assert words and words[0] == "ASK", f"tclsh: unexpected output {line!r}"
                try:
                    reply = "L " + " ".join(v.encode().hex() for v in self._call(words[1], words[2:]))
                except Exception as e:  # noqa: BLE001 - handed to Tcl, which stops the source with it
                    reply = f"E {repr(e).encode().hex()}"
                proc.stdin.write(reply.rstrip() + "\n")
                proc.stdin.flush()
            else:
                raise AssertionError(f"{path.name} failed in tclsh: {proc.stderr.read().strip()}")
        finally:
            proc.stdin.close()
            proc.wait(timeout=60)
            proc.stdout.close()
            proc.stderr.close()

    def _call(self, name, words):
        args = []
        for w in words:
            text, _, els = w.partition(":")
            a = TclArg(bytes.fromhex(text).decode())
            a.elements = tuple(bytes.fromhex(e).decode() for e in els.split(",") if e) \
                if (els or not a.strip()) else None
            args.append(a)
        out = self.commands[name](*args)
        return tuple(str(v) for v in out) if isinstance(out, tuple) else (str(out),) if out != "" else ()


def glob(pattern: str) -> re.Pattern:
    return re.compile("".join("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch) for ch in pattern) + "$")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tclsh = shutil.which("tclsh")
    if tclsh is None:
        pytest.skip("no tclsh on PATH (Tcl 8.6: Debian package tcl)")
    work = tmp_path_factory.mktemp("xdc")
    hier, net = check_cdc.yosys_netlist("cdc_check_top", RTL, ["BAD=0"], work)
    nl = check_cdc.Netlist(hier, net, "cdc_check_top")
    problems, _, through = check_cdc.check(nl)
    assert not problems, problems
    md = Model(nl)
    tcl = Tcl(tclsh)
    rec = defaultdict(list)

    def opts(args):
        flags, vals, pos, k = set(), {}, [], 0
        while k < len(args):
            a = args[k]
            if a in ("-quiet", "-hierarchical", "-datapath_only"):
                flags.add(a)
            elif a in ("-filter", "-of_objects", "-from", "-to"):
                vals[a], k = args[k + 1], k + 1
            else:
                pos.append(a)
            k += 1
        return flags, vals, pos

    def get_cells(*args):
        flags, vals, pos = opts(args)
        if "-hierarchical" in flags:
            want = set(re.findall(r"== (\S+)", vals["-filter"]))
            return tuple(n for n, refs in sorted(md.hier.items()) if want & set(refs))
        rx = glob(pos[0])
        return tuple(n for n in sorted(md.leaf) if rx.match(n))

    def get_pins(*args):
        _, vals, _ = opts(args)
        cells = tcl.splitlist(vals["-of_objects"])
        f = vals["-filter"]
        if f == "IS_CLOCK":
            return tuple(f"{c}/C" for c in cells)
        assert f == "REF_PIN_NAME == PRE", f
        return tuple(f"{c}/PRE" for c in cells if md.leaf[c][1])

    def get_clocks(*args):
        _, vals, _ = opts(args)
        return tuple(sorted({md.leaf[p.rsplit("/", 1)[0]][0] for p in tcl.splitlist(vals["-of_objects"])}))

    def get_property(name, obj):
        assert name == "PERIOD", name
        return PERIOD[obj]

    def recorder(what):
        def cmd(*args):
            flags, vals, pos = opts(args)
            rec[what].append((flags, {k: set(tcl.splitlist(v)) for k, v in vals.items()},
                              [tcl.splitlist(p) for p in pos]))
            return ""
        return cmd

    for name, fn in (("get_cells", get_cells), ("get_pins", get_pins), ("get_clocks", get_clocks),
                     ("get_property", get_property)):
        tcl.createcommand(name, fn)
    for name in ("set_property", "set_max_delay", "set_bus_skew", "set_false_path"):
        tcl.createcommand(name, recorder(name))
    tcl.source(XDC, work)
    return md, through, rec


def test_async_reg_on_every_synchroniser_stage(run):
    md, _, rec = run
    want = {v for reg, cells in md.of_reg.items() for v in cells
            if md.nl.split(reg)[1] == "sync_q"
            and md.nl.scopes[md.nl.split(reg)[0]] in ("physec_cdc_sync", "physec_rst_sync")}
    got = set()
    for _, _, pos in rec["set_property"]:
        assert [pos[0], pos[1]] == [("ASYNC_REG",), ("TRUE",)], pos
        got |= set(pos[2])
    assert len(want) == 36 and got == want, (sorted(want ^ got), len(want))


def test_false_path_to_the_reset_synchronisers_set_pins(run):
    md, _, rec = run
    want = {f"{v}/PRE" for v, (_, asyn) in md.leaf.items() if asyn}
    got = set().union(*(vals["-to"] for _, vals, _ in rec["set_false_path"]))
    assert len(want) == 4 and got == want, sorted(want ^ got)


def test_max_delay_on_every_crossing(run):
    md, through, rec = run
    cons = [(vals["-from"], vals["-to"], float(pos[0][0])) for flags, vals, pos in rec["set_max_delay"]
            if "-datapath_only" in flags]
    assert len(cons) == len(rec["set_max_delay"]), "a set_max_delay without -datapath_only"
    skews = [(vals["-from"], vals["-to"], float(pos[0][0])) for _, vals, pos in rec["set_bus_skew"]]
    used = set()
    n = 0
    for bit, own, srcs, sd, kind in through:
        if kind == "async":
            continue
        n += 1
        reg = re.sub(r"\[\d+\]$", "", bit)
        end = md.of_bit.get(bit) or next(iter(md.of_reg[reg]))
        froms = set().union(*(md.of_reg[s] for s in srcs))
        local = md.nl.split(reg)[1]
        src_local = {md.nl.split(s)[1] for s in srcs}
        if local.endswith("sync_q") and src_local <= {"g_side[0].req_q", "g_side[0].ack_q",
                                                      "g_side[1].req_q", "g_side[1].ack_q"}:
            period, skew = min(PERIOD.values()), False
        elif local.endswith("sync_q"):
            period, skew = PERIOD[sd], bool(src_local & {"wr_gray_q", "rd_gray_q"})
        else:
            period, skew = PERIOD[own], False
        hits = [i for i, (f, t, v) in enumerate(cons) if end in t and froms <= f]
        assert hits, f"no set_max_delay from {sorted(srcs)} to {end}"
        assert all(cons[i][2] == period for i in hits), (end, sorted(srcs), [cons[i][2] for i in hits], period)
        used |= set(hits)
        if skew:
            assert any(end in t and froms <= f and v == period for f, t, v in skews), f"no bus skew limit to {end}"
    assert n == 32 and used == set(range(len(cons))), (n, sorted(set(range(len(cons))) - used))
