# SPDX-License-Identifier: Apache-2.0
"""The file-driven testbench (no cocotb) passes on every committed canonical vector set,
in Verilator (--binary) and, when installed, Icarus."""
import shutil
import subprocess
from pathlib import Path

import pytest

import physec_tb as T

SETS = sorted(p for p in (T.REPO / "vectors").iterdir() if (p / "257b.hex").exists())


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
@pytest.mark.parametrize("vset", SETS, ids=lambda p: p.name)
def test_file_driven_tb(sim, vset, tmp_path):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    T.pin_verilator()
    r = subprocess.run(["make", "-C", str(Path(__file__).parent), sim, f"VECDIR={vset}",
                        f"BUILD={tmp_path}"], capture_output=True, text=True)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "PASS" in out, out[-3000:]


def test_file_driven_tb_reports_a_corrupted_vector(tmp_path):
    vset = tmp_path / "bad"
    shutil.copytree(SETS[0], vset)
    lines = (vset / "257b.hex").read_text().splitlines()
    lines[10] = format(int(lines[10], 16) ^ (1 << 77), "065x")
    (vset / "257b.hex").write_text("\n".join(lines) + "\n")
    T.pin_verilator()
    r = subprocess.run(["make", "-C", str(Path(__file__).parent), "verilator", f"VECDIR={vset}",
                        f"BUILD={tmp_path / 'b'}"], capture_output=True, text=True)
    assert r.returncode != 0 and "FAIL" in r.stdout + r.stderr
