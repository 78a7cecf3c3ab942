# SPDX-License-Identifier: Apache-2.0
"""The FuseSoC cores (rtl/**/*.core, tb/vectors/*.core): every RTL file in exactly one
core, every dependency a core of the set, the chain testbench's closure = the files
tb/vectors/Makefile builds it from; fusesoc (pinned) lints a block with the pinned
Verilator and catches a lint error put into it; the file-driven testbench of the
transcoder pair runs as a FuseSoC simulation target on the committed default set and
fails on a corrupted copy."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import physec_tb as T

CORES = sorted([*(T.REPO / "rtl").rglob("*.core"), *(T.TB / "vectors").glob("*.core")])
FUSESOC = [sys.executable, "-m", "fusesoc.main"]


def load(core: Path) -> dict:
    text = core.read_text()
    assert text.startswith("CAPI=2:\n"), f"{core}: not a CAPI=2 core"
    return yaml.safe_load(text)


def fusesoc(cwd: Path, *args, root: Path = T.REPO) -> subprocess.CompletedProcess:
    T.pin_verilator()
    return subprocess.run([*FUSESOC, "--cores-root", str(root), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=1800)


def test_cores_cover_the_rtl():
    files, names = {}, {}
    for c in CORES:
        d = load(c)
        name = d["name"].rsplit(":", 1)[0]
        assert name not in names, f"{name} in {c} and {names[name]}"
        names[name] = d
        for fs in d["filesets"].values():
            for f in fs.get("files", []):
                p = (c.parent / f).resolve()
                assert p.exists(), f"{c}: {f} does not exist"
                files.setdefault(p, []).append(c)
    rtl = sorted((T.REPO / "rtl").rglob("*.sv"))
    assert [p for p in rtl if len(files.get(p, [])) != 1] == [], "RTL files in no core or in several"
    for n, d in names.items():
        for fs in d["filesets"].values():
            for dep in fs.get("depend", []):
                assert dep in names, f"{n} depends on {dep}, not a core here"
    for n in ("rtl:physec_tx", "rtl:physec_rx", "rtl:physec_core", "rtl:xcode257", "rtl:aes", "rtl:ghash",
              "rtl:frame", "rtl:sec", "rtl:csr", "rtl:cdc"):
        assert f"physec:{n}" in names and "lint" in names[f"physec:{n}"]["targets"], n
    assert "sim" in names["physec:tb:xcode257_files"]["targets"]


def test_chain_core_closure_is_the_makefiles(tmp_path):
    """The cores' closure of the chain testbench (fusesoc --setup, no build) lists the files
    tb/vectors/Makefile compiles it from (and the one unused block named below)."""
    r = fusesoc(tmp_path, "run", "--setup", "--target=lint", "physec:tb:chain_files")
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    vc = next((tmp_path / "build").rglob("*.vc")).read_text().split()
    got = sorted(Path(f).name for f in vc if f.endswith(".sv"))
    mk = (T.TB / "vectors" / "Makefile").read_text()
    block = re.search(r"^CHAIN_SRCS := ((?:.*\\\n)*.*)$", mk, re.M)[1]
    want = sorted(Path(f).name for f in re.findall(r"[\w/]+\.sv", block))
    # physec:rtl:frame also holds physec_frame_rx, the receive stage as one block, which
    # physec_rx does not instantiate (it joins the aligner and demapper with physec_sec_rx).
    assert got == sorted(want + ["physec_frame_rx.sv"])


def test_fusesoc_lint_target(tmp_path):
    r = fusesoc(tmp_path, "run", "--target=lint", "physec:rtl:xcode257")
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    work = tmp_path / "build" / "physec_rtl_xcode257_0.1.0" / "lint-verilator"
    assert "VERILATOR_OPTIONS := -Wall\n" in (work / "config.mk").read_text()
    assert not list(work.glob("V*.mk")), "lint-only should build no model"
    # The same target on a copy of rtl/ with a width mismatch in the transcoder fails.
    shutil.copytree(T.REPO / "rtl", tmp_path / "copy" / "rtl")
    src = tmp_path / "copy" / "rtl" / "xcode257" / "physec_xcode_257b.sv"
    s = src.read_text()
    src.write_text(s.replace("endmodule", "  logic [3:0] probe_q;\n  assign probe_q = in_valid;\nendmodule", 1))
    (tmp_path / "w").mkdir()
    r = fusesoc(tmp_path / "w", "run", "--target=lint", "physec:rtl:xcode257", root=tmp_path / "copy")
    assert r.returncode != 0 and "WIDTHEXPAND" in r.stdout + r.stderr, (r.stdout + r.stderr)[-3000:]


def test_fusesoc_sim_target(tmp_path):
    vset = T.REPO / "vectors" / "default"
    n257 = sum(1 for s in (vset / "257b.hex").read_text().splitlines() if s.strip() and not s.startswith("//"))
    core = "physec:tb:xcode257_files"
    r = fusesoc(tmp_path, "run", "--target=sim", core, f"--VECDIR={vset}", f"--N257={n257}")
    out = r.stdout + r.stderr
    assert r.returncode == 0 and f"PASS {n257} blocks" in out, out[-3000:]
    bad = tmp_path / "bad"
    shutil.copytree(vset, bad)
    lines = (bad / "257b.hex").read_text().splitlines()
    i = [k for k, s in enumerate(lines) if not s.startswith("//")][100]
    lines[i] = format(int(lines[i], 16) ^ (1 << 40), "065x")
    (bad / "257b.hex").write_text("\n".join(lines) + "\n")
    r = fusesoc(tmp_path, "run", "--run", "--target=sim", core, f"--VECDIR={bad}", f"--N257={n257}")
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "FAIL: physec_xcode_257b mismatch at 257b block 100" in out, out[-3000:]


def test_fusesoc_runs_offline_without_a_config(tmp_path):
    """No fusesoc.conf, no library to fetch: the repository as the cores root is enough."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    r = subprocess.run([*FUSESOC, "--cores-root", str(T.REPO), "core", "list"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    listed = set(re.findall(r"^(physec:\S+):\d", r.stdout, re.M))
    assert listed == {load(c)["name"].rsplit(":", 1)[0] for c in CORES}
