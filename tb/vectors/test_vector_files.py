# SPDX-License-Identifier: Apache-2.0
"""The file-driven testbenches (no cocotb, no Python at run time) pass on the committed
canonical vector sets, in Verilator (--binary) and, when installed, Icarus:

* tb_xcode257_files.sv (transcoder pair): every set, both simulators;
* tb_chain_files.sv (chain tops physec_tx, physec_rx): every set in Verilator, built once
  into build/tb/vectors (make keeps it while the sources are unchanged); Icarus, some
  500 times slower, on the first ICARUS_FRAMES line frames of one set (TX frames 0, 1
  and RX frame 1 with its blocks; PHYSEC_REGRESS=1: that set whole);
* a corrupted vector makes each of them fail, naming the first difference.
"""
import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import physec_tb as T

HERE = Path(__file__).parent
SETS = sorted(p for p in (T.REPO / "vectors").iterdir() if (p / "257b.hex").exists())
CHAIN_SETS = sorted([*SETS, *(T.REPO / "vectors" / "scenarios").iterdir()], key=lambda p: (p.parent.name, p.name))
CHAIN_BUILD = T.BUILD / "vectors"
ICARUS_SET = "clean"
ICARUS_FRAMES = 2
REGRESS = os.environ.get("PHYSEC_REGRESS", "") not in ("", "0")


def _make(*args, build: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **T._pch_makeflags()}
    return subprocess.run(["make", "--no-print-directory", "-C", str(HERE), *args, f"BUILD={build}"],
                          capture_output=True, text=True, env=env)


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
@pytest.mark.parametrize("vset", SETS, ids=lambda p: p.name)
def test_file_driven_tb(sim, vset, tmp_path):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    T.pin_verilator()
    r = _make(sim, f"VECDIR={vset}", build=tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "PASS" in out, out[-3000:]


def test_file_driven_tb_reports_a_corrupted_vector(tmp_path):
    vset = tmp_path / "bad"
    shutil.copytree(SETS[0], vset)
    lines = (vset / "257b.hex").read_text().splitlines()
    lines[10] = format(int(lines[10], 16) ^ (1 << 77), "065x")
    (vset / "257b.hex").write_text("\n".join(lines) + "\n")
    T.pin_verilator()
    r = _make("verilator", f"VECDIR={vset}", build=tmp_path / "b")
    assert r.returncode != 0 and "FAIL" in r.stdout + r.stderr


# ---- chain tops

@pytest.fixture(scope="session")
def chain_verilator() -> Path:
    """Build the chain testbench once; a lock keeps the pytest-xdist workers from
    building into the same folder at the same time (the second finds it up to date)."""
    T.pin_verilator()
    CHAIN_BUILD.mkdir(parents=True, exist_ok=True)
    with open(CHAIN_BUILD / ".chain.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = _make("chain-verilator-build", build=CHAIN_BUILD)
    assert r.returncode == 0, (r.stdout + r.stderr)[-5000:]
    return CHAIN_BUILD


def run_chain(sim: str, vset: Path, build: Path, frames: int | None = None, policy: str = "sf") -> tuple[str, float]:
    """(output, wall seconds of build check + run; -1 when it failed); ``policy``: the
    receiver's, sf (store-and-forward, the reset default: rx*_sf.hex) or ct."""
    t0 = time.perf_counter()
    r = _make(f"chain-{sim}", f"VECDIR={vset}", f"RX_POLICY={policy}",
              *([f"CHAIN_FRAMES={frames}"] if frames else []), build=build)
    return r.stdout + r.stderr, (time.perf_counter() - t0) if r.returncode == 0 else -1.0


@pytest.mark.parametrize("policy", ["sf", "ct"])
@pytest.mark.parametrize("vset", CHAIN_SETS, ids=lambda p: p.name)
def test_chain_tops_verilator(vset, policy, chain_verilator):
    """Every set through the chain tops in both receiver policies; in store-and-forward
    the testbench also counts data blocks of unreleased frames out of the demapper (0)."""
    out, wall = run_chain("verilator", vset, chain_verilator, policy=policy)
    assert wall >= 0 and f"PASS {vset}" in out, out[-3000:]
    # Newer Verilators print a statistics line after $finish: take the PASS line itself.
    verdict = next(s for s in out.splitlines() if s.startswith(f"PASS {vset}"))
    assert ("store-and-forward" if policy == "sf" else "cut-through") in verdict, verdict
    print(verdict, f"({wall:.1f} s)")


def test_chain_tops_icarus(tmp_path):
    if shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    vset = T.REPO / "vectors" / "scenarios" / ICARUS_SET
    out, wall = run_chain("icarus", vset, tmp_path, None if REGRESS else ICARUS_FRAMES)
    assert wall >= 0 and f"PASS {vset}" in out, out[-3000:]


def _edit_word(vset: Path, tap: str, word: int, edit) -> None:
    """Replace data line `word` of a tap by edit(line) (None deletes it; a str may hold
    a newline); comment lines are skipped."""
    text = (vset / tap).read_text().splitlines()
    i = [k for k, s in enumerate(text) if not s.startswith("//")][word]
    new = edit(text[i])
    text[i:i + 1] = [] if new is None else [new]
    (vset / tap).write_text("\n".join(text) + "\n")


@pytest.mark.parametrize("tap,word,bit,expect,policy", [
    ("line.hex", 2570, 200, "TX frame 1 word 0 (line word 2570) bit 200", "sf"),   # AM: TX compare and RX lock
    ("rx66b_sf.hex", 20001, 7, "RX 66b block 20001 (group 5000, block 1) bit 7", "sf"),
    ("rxstat_sf.hex", 3, 64, "RX frame record 3 (rxstat_sf.hex word 3) bit 64", "sf"),       # PN LSB
    ("rxcnt_sf.hex", 12, 0, "RX counter sec.passed", "sf"),
    ("rxstat.hex", 3, 15, "RX frame record 3 (rxstat.hex word 3) bit 15", "ct"),              # released
    ("rxcnt.hex", 10, 0, "RX counter sec_dropped", "ct"),
])
def test_chain_tb_reports_a_corrupted_vector(tap, word, bit, expect, policy, tmp_path, chain_verilator):
    vset = tmp_path / "clean"
    shutil.copytree(T.REPO / "vectors" / "scenarios" / "clean", vset)
    _edit_word(vset, tap, word, lambda s: format(int(s, 16) ^ (1 << bit), f"0{len(s)}x"))
    out, wall = run_chain("verilator", vset, chain_verilator, policy=policy)
    assert wall < 0 and f"FAIL {vset}: {expect}" in out, out[-3000:]


# The reader of the file-driven testbenches (tb_hexfile.sv): a malformed file stops the
# run before any clock, naming file, line (data word i is on line i + 4, after the three
# comment lines) and problem; {n} is the number of words the tap held.
@pytest.mark.parametrize("tap,word,edit,expect", [
    ("line.hex", -1, lambda s: None, "line.hex: {n-1} words, expected {n}"),
    ("66b.hex", 5, lambda s: s[:3] + "g" + s[4:], "66b.hex line 9: character 0x67 is not a hex digit"),
    ("rx66b_sf.hex", 7, lambda s: s[1:], "rx66b_sf.hex line 11: 16 hex digits, expected 17 (a 66-bit word, zero-padded)"),
    ("66b.hex", 0, lambda s: "4" + s[1:], "66b.hex line 4: the word does not fit in 66 bits"),
    ("cm.hex", -1, lambda s: s + "\n" + s, "cm.hex line {n+4}: more than {n} words"),
    ("cm.hex", 2, lambda s: s + " " + s, "cm.hex line 6: a second word on the line"),
    ("cm.hex", 2, lambda s: s + "0", "cm.hex line 6: more than 4 hex digits (a 16-bit word)"),
    ("rxstat_sf.hex", 1, lambda s: "/" + s, "rxstat_sf.hex line 5: '/' not followed by '/'"),
    ("cfg.hex", -1, lambda s: None, "cfg.hex: {n-1} words, its counts say {n}"),
])
def test_chain_tb_reports_a_malformed_file(tap, word, edit, expect, tmp_path, chain_verilator):
    vset = tmp_path / "clean"
    shutil.copytree(T.REPO / "vectors" / "scenarios" / "clean", vset)
    n = sum(1 for s in (vset / tap).read_text().splitlines() if not s.startswith("//"))
    expect = expect.replace("{n-1}", str(n - 1)).replace("{n+4}", str(n + 4)).replace("{n}", str(n))
    _edit_word(vset, tap, word, edit)
    out, wall = run_chain("verilator", vset, chain_verilator)
    assert wall < 0 and f"FAIL {vset}: " in out and expect in out, out[-3000:]
