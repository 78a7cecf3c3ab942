# SPDX-License-Identifier: Apache-2.0
"""syn/check_cdc.py on cdc_check_top (this folder): two clocks, crossings through
physec_cdc_fifo, physec_cdc_handshake and physec_rst_sync, and one direct crossing.

* the direct crossing is the only problem reported (exit 1), and the crossings through
  the primitives are seen (the bit counts of the summary line are those of the design:
  FIFO data 8, handshake payload 8, synchroniser first stages 16, reset synchroniser 2);
* with BAD = 0 (no direct crossing) the design is clean (exit 0);
* mutants of the primitives are caught: a Gray pointer computed by logic in front of its
  synchroniser, a synchroniser whose output is its first stage (one stage short), a
  FIFO whose read register also takes a write-side register directly;
* bad input: a missing file or a source that does not elaborate gives exit 2 and one
  line on stderr.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "syn" / "check_cdc.py"
RTL = [REPO / "rtl" / "common" / f for f in
       ("physec_cdc_sync.sv", "physec_cdc_flush.sv", "physec_cdc_fifo.sv", "physec_cdc_handshake.sv",
        "physec_rst_sync.sv")]
TOP = Path(__file__).parent / "cdc_check_top.sv"
SUMMARY = ("crossing bits through the primitives: physec_cdc_fifo.rd_data_q 8, physec_cdc_handshake.dst_data_q 8, "
           "physec_cdc_sync.sync_q 16, physec_rst_sync.sync_q (asynchronous set) 2")


def run(files, *args):
    r = subprocess.run([sys.executable, str(SCRIPT), "--top", "cdc_check_top", *args, *map(str, files)],
                       capture_output=True, text=True, timeout=600)
    return r.returncode, r.stdout.splitlines(), r.stderr.strip()


def mutant(tmp_path, name, old, new):
    """The sources with one primitive file edited (old -> new, exactly once)."""
    out = []
    for f in RTL:
        if f.name == name:
            text = f.read_text()
            assert text.count(old) == 1, f"{old!r} not found once in {name}"
            f = tmp_path / name
            f.write_text(text.replace(old, new))
        out.append(f)
    return out + [TOP]


def test_flags_exactly_the_direct_crossing():
    rc, out, err = run(RTL + [TOP])
    assert rc == 1, (rc, out, err)
    problems = [ln for ln in out if not ln.startswith("check_cdc: cdc_check_top:")]
    assert problems == ["check_cdc: crossing: bad_q (clock clk_b) depends on cnt_a (clock clk_a) "
                        "without a CDC primitive"], out
    assert out[-1].endswith(SUMMARY), out[-1]


def test_clean_without_the_direct_crossing():
    rc, out, err = run(RTL + [TOP], "-G", "BAD=0")
    assert rc == 0, (rc, out, err)
    assert out == [f"check_cdc: cdc_check_top: 0 problem(s); {SUMMARY}"], out


@pytest.mark.parametrize("name,old,new,expect", [
    ("physec_cdc_fifo.sv", ".clk(rd_clk), .d(wr_gray_q), .q(wr_gray_r));",
     ".clk(rd_clk), .d(bin2gray(wr_bin_q)), .q(wr_gray_r));",
     "check_cdc: logic before a synchroniser: u_fifo.u_w2r.sync_q["),
    ("physec_cdc_sync.sv", "assign q = sync_q[S-1];", "assign q = sync_q[S-2];",
     "check_cdc: synchroniser fan-out: the first stage u_fifo.u_w2r.sync_q["),
    ("physec_cdc_fifo.sv", "else if (ram_re) rd_data_q <= mem[rd_bin_next[AW-1:0]];",
     "else if (ram_re) rd_data_q <= mem[rd_bin_next[AW-1:0]] ^ WIDTH'(wr_bin_q);",
     "check_cdc: crossing: u_fifo.rd_data_q (clock clk_b) depends on u_fifo.mem, u_fifo.wr_bin_q (clock clk_a)"),
])
def test_mutants_are_caught(tmp_path, name, old, new, expect):
    rc, out, err = run(mutant(tmp_path, name, old, new), "-G", "BAD=0")
    assert rc == 1, (rc, out, err)
    assert any(ln.startswith(expect) for ln in out), "\n".join(out)


def test_bad_input(tmp_path):
    rc, out, err = run(RTL + [tmp_path / "missing.sv"])
    assert rc == 2 and err.startswith("check_cdc: ") and err.endswith("missing.sv: no such file") \
        and "\n" not in err, (rc, err)
    broken = tmp_path / "broken.sv"
    broken.write_text("module cdc_check_top(input wire logic clk); always_ff @(posedge clk) x <= ; endmodule\n")
    rc, out, err = run([broken])
    assert rc == 2 and err.startswith("check_cdc: yosys failed on cdc_check_top") and "\n" not in err, (rc, err)
