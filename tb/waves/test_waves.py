# SPDX-License-Identifier: Apache-2.0
"""Waveforms on demand and first-mismatch reporting (physec_tb, docs/guide.md section 6).

* ``PHYSEC_WAVES=1`` makes ``run_cocotb`` write ``<toplevel>.fst`` into the test's build
  directory (``build/tb/<dut>/<sim>-<params>-waves``), in Verilator and Icarus; the file
  is read back with ``read_fst`` below, written from the FST format description (block
  sequence, header, hierarchy), sharing nothing with the writers: every block is walked
  to the end of the file, the header's time range, scale and variable count must be
  sane, and the hierarchy must name the DUT's ports.
* ``check_ints`` names the clock and simulation time of the first mismatch: a cocotb test
  (``mismatch_time``) corrupts one expected value and compares the time in the message
  with the time a concurrent monitor read from the simulator when it saw that output.
* The file-driven testbench takes ``TRACE=1`` (make) / ``+trace`` for the same.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import cocotb
import numpy as np
import pytest

import physec_tb as T
from physec.pcs66 import Blocks66
from physec.xcode257 import transcode_257b

HERE = Path(__file__).parent
TOPLEVEL = "physec_xcode_257b"
SOURCES = ["rtl/pcs/physec_pcs_pkg.sv", "rtl/common/physec_pipe.sv", "rtl/xcode257/physec_xcode_257b.sv"]
N_GROUPS = 300
BAD_INDEX = 123

# FST block types (fstapi.h): header, value changes (three layouts), blackout, geometry,
# hierarchy (gzip, LZ4, double LZ4).
FST_HDR, FST_VCDATA, FST_BLACKOUT, FST_GEOM, FST_HIER, FST_VCDATA_DYN, FST_HIER_LZ4, FST_HIER_LZ4DUO, \
    FST_VCDATA_DYN2 = range(9)
FST_ZWRAPPER, FST_SKIP = 254, 255
HDR_LEN = 329                       # header section length, its own 8 length bytes included


def _lz4_decompress(data: bytes, size: int) -> bytes:
    """LZ4 block decompression through the system's liblz4 (Verilator's writer needs it)."""
    name = ctypes.util.find_library("lz4") or "liblz4.so.1"
    lib = ctypes.CDLL(name)
    out = ctypes.create_string_buffer(size)
    n = lib.LZ4_decompress_safe(data, out, len(data), size)
    assert n == size, f"LZ4 hierarchy: {n} bytes decompressed, {size} announced"
    return out.raw


def read_fst(path: Path) -> dict:
    """Walk an FST file: {'blocks': [types], 'start', 'end', 'scale' (10^x s), 'vars',
    'scopes', 'writer', 'names' (var and scope names of the hierarchy)}.  Raises
    AssertionError on anything malformed."""
    b = Path(path).read_bytes()
    pos, blocks, hier = 0, [], None
    while pos < len(b):
        assert pos + 9 <= len(b), f"{path}: truncated block header at byte {pos}"
        t = b[pos]
        (ln,) = struct.unpack(">Q", b[pos + 1:pos + 9])
        assert ln >= 8 and pos + 1 + ln <= len(b), f"{path}: block {t} at byte {pos} runs past the end"
        if t in (FST_HIER, FST_HIER_LZ4, FST_HIER_LZ4DUO):
            hier = (t, b[pos + 9:pos + 1 + ln])
        blocks.append(t)
        pos += 1 + ln
    assert blocks and blocks[0] == FST_HDR, f"{path}: no FST header block first ({blocks[:3]})"
    (hl,) = struct.unpack(">Q", b[1:9])
    assert hl == HDR_LEN, f"{path}: header length {hl}"
    h = b[9:9 + HDR_LEN - 8]
    start, end = struct.unpack(">QQ", h[:16])
    (endian,) = struct.unpack("<d", h[16:24])            # machine order: little-endian here
    assert abs(endian - 2.7182818284590452354) < 1e-12, f"{path}: endian test value {endian}"
    _mem, scopes, nvars, handles, vc_sections = struct.unpack(">QQQQQ", h[24:64])
    scale = struct.unpack(">b", h[64:65])[0]
    writer = h[65:65 + 128].split(b"\0")[0].decode()
    names = []
    if hier:
        t, body = hier
        if t == FST_HIER:
            (size,) = struct.unpack(">Q", body[:8])
            raw = zlib.decompress(body[8:], 16 + zlib.MAX_WBITS)
        elif t == FST_HIER_LZ4:
            (size,) = struct.unpack(">Q", body[:8])
            raw = _lz4_decompress(body[8:], size)
        else:
            pytest.skip("double-LZ4 hierarchy (not written by our simulators)")
        assert len(raw) == size, f"{path}: hierarchy {len(raw)} bytes, {size} announced"
        names = [s.decode(errors="replace") for s in re.findall(rb"([A-Za-z_][A-Za-z0-9_.\[\]:]*)(?: \[[0-9:]+\])?\0", raw)]
    return dict(blocks=blocks, start=start, end=end, scale=scale, vars=nvars, scopes=scopes, handles=handles,
                vc_sections=vc_sections, writer=writer, names=names)


def check_fst(path: Path, min_end_ns: float, ports=("clk", "in_valid", "in_blocks", "out_valid", "out_block")):
    f = read_fst(path)
    assert FST_GEOM in f["blocks"] and any(t in f["blocks"] for t in (FST_VCDATA, FST_VCDATA_DYN, FST_VCDATA_DYN2)), \
        f"{path}: blocks {f['blocks']}: no geometry or no value changes"
    assert f["vc_sections"] >= 1 and f["vars"] >= len(ports) and f["handles"] >= 1, f
    assert f["scale"] == -12, f"{path}: time scale 10^{f['scale']} s, the builds use 1ns/1ps"
    assert f["start"] == 0 and f["end"] * 1e-3 >= min_end_ns, f"{path}: time range {f['start']}..{f['end']} ps"
    missing = [p for p in ports if p not in f["names"]]
    assert not missing, f"{path}: hierarchy lacks {missing} (names {f['names'][:20]})"
    return f


# --------------------------------------------------------------------------- cocotb

@cocotb.test()
async def mismatch_time(dut):
    """The time check_ints reports for a corrupted expected value is the time at which a
    concurrent monitor (reading the simulator's clock itself) saw that output."""
    from cocotb.triggers import FallingEdge

    rng = np.random.default_rng(T.seed())
    sh, pl = T.gen_tx_groups(rng, N_GROUPS)
    exp = transcode_257b(Blocks66(sh.reshape(-1), pl.reshape(-1))).to_ints()
    valid = T.valid_pattern(rng, N_GROUPS, 0.6)
    seen = []

    async def monitor():
        while True:
            await FallingEdge(dut.clk)
            if int(dut.out_valid.value):
                seen.append((T.sim_time_ns(), int(dut.out_block.value)))

    await T.reset_dut(dut)
    mon = cocotb.start_soon(monitor())
    out_valid, got, _, _ = await T.drive_stream(dut, "in_blocks", T.groups_to_ints(sh, pl), valid,
                                                ["out_block"], 1)
    mon.cancel()
    T.check_ints("out_block", exp, got["out_block"], 257)        # the RTL is right
    bad = list(exp)
    bad[BAD_INDEX] ^= 1 << 100
    with pytest.raises(AssertionError) as exc:
        T.check_ints("out_block", bad, got["out_block"], 257)
    m = re.search(r"mismatch at index (\d+) \(of \d+\), sampled at cycle (\d+), sim time ([\d.]+) ns", str(exc.value))
    assert m, str(exc.value)
    assert int(m[1]) == BAD_INDEX
    t_seen, v_seen = seen[BAD_INDEX]
    assert float(m[3]) == t_seen and v_seen == got["out_block"][BAD_INDEX], (m[0], t_seen)
    assert out_valid[int(m[2])] == 1 and sum(out_valid[:int(m[2])]) == BAD_INDEX
    dut._log.info("mismatch_time: %s (monitor: %g ns)", m[0], t_seen)


# --------------------------------------------------------------------------- pytest

@pytest.fixture
def waves_on(monkeypatch):
    monkeypatch.setenv("PHYSEC_WAVES", "1")


@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_waves_fst(sim, waves_on, capsys, tmp_path):
    """PHYSEC_WAVES=1: an FST dump of the whole run in the build directory, path printed."""
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    if sim == "verilator" and T.fst_headers_missing():
        pytest.skip(T.fst_headers_missing())
    T.run_cocotb(TOPLEVEL, SOURCES, "test_waves", HERE, parameters={"LATENCY": 1}, sim=sim,
                 extra_env={"PHYSEC_SEED": T.DEFAULT_SEED})
    bdir = T.build_dir(HERE, sim, {"LATENCY": 1})
    wave = T.waves_file(bdir, TOPLEVEL)
    assert bdir.name.endswith("-waves") and bdir.is_relative_to(T.REPO / "build")
    assert f"waves: {wave}" in capsys.readouterr().out
    assert f"waves: {wave}" in (bdir / "sim.log").read_text()
    f = check_fst(wave, min_end_ns=10 * N_GROUPS)
    print(f"{wave}: {f['writer']}, {f['vars']} vars, {f['end'] / 1000:g} ns, blocks {f['blocks']}")
    # The reader is no rubber stamp: a cut file and a broken header fail.
    b = wave.read_bytes()
    (tmp_path / "cut.fst").write_bytes(b[:len(b) - 7])
    with pytest.raises(AssertionError, match="past the end|truncated"):
        read_fst(tmp_path / "cut.fst")
    (tmp_path / "hdr.fst").write_bytes(b[:25] + bytes(8) + b[33:])
    with pytest.raises(AssertionError, match="endian"):
        read_fst(tmp_path / "hdr.fst")


def test_no_waves_by_default(monkeypatch):
    monkeypatch.delenv("PHYSEC_WAVES", raising=False)
    assert not T.waves_enabled() and not T.build_dir(HERE).name.endswith("-waves")
    monkeypatch.setenv("PHYSEC_WAVES", "0")
    assert not T.waves_enabled()


def test_samples_report_where():
    base = T.Clocks(1005.0, 10.0, "cycle")
    got = T.Samples([1, 2, 3], [4, 7, 9], base)
    with pytest.raises(AssertionError, match=r"index 1 \(of 3\), sampled at cycle 7, sim time 1075 ns"):
        T.check_ints("x", [1, 5, 3], got, 8)
    with pytest.raises(AssertionError, match=r"first difference at index 2, sampled at cycle 9, sim time 1095 ns"):
        T.check_ints("x", [1, 2, 4, 4], got, 8)
    with pytest.raises(AssertionError, match=r"mismatch at index 1 \(of 3\):"):      # a plain list: no time
        T.check_ints("x", [1, 5, 3], [1, 2, 3], 8)


def test_file_driven_trace(tmp_path):
    """make TRACE=1 (+trace) writes the file-driven testbench's dump into its BUILD folder."""
    T.pin_verilator()
    if T.fst_headers_missing():
        pytest.skip(T.fst_headers_missing())
    vset = T.REPO / "vectors" / "default"
    env = {**os.environ, **T._pch_makeflags()}
    r = subprocess.run(["make", "--no-print-directory", "-C", str(T.TB / "vectors"), "verilator", f"VECDIR={vset}",
                        "TRACE=1", f"BUILD={tmp_path}"], capture_output=True, text=True, env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "PASS" in out, out[-3000:]
    wave = tmp_path / "verilator-L1-trace" / "tb_xcode257_files.fst"
    assert f"waves: {wave}" in out, out[-2000:]
    check_fst(wave, min_end_ns=10 * 5000, ports=("clk", "rst", "x_out_block", "d_out_blocks", "out_block"))
