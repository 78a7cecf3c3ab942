# SPDX-License-Identifier: Apache-2.0
"""The CSR register map: generated files in step with the table, the table consistent
with itself, the model's counters and the RTL's ports, key/salt word order."""
import dataclasses
import re
from pathlib import Path

import pytest

from physec import regmap
from physec.cli import main
from physec.frame import RxCounters
from physec.regmap import BY_NAME, REGISTERS, Field, Register, key_words, salt_words, validate
from physec.sec import SecCounters

ROOT = Path(__file__).resolve().parents[2]


def test_committed_files_are_generated(capsys):
    """Every file PeakRDL makes from the RDL (register block, C header, IP-XACT,
    docs/registers.md), regenerated here, equals the committed one."""
    files = regmap.artifacts()
    assert set(files) == {regmap.REGBLOCK_SV, regmap.REGBLOCK_PKG, regmap.C_HEADER, regmap.IPXACT,
                          regmap.REGISTERS_MD}
    for rel, text in files.items():
        assert (ROOT / rel).read_text() == text, f"{rel} is stale: run `make regmap`"
    assert main(["regmap", "--check"]) == 0
    assert main(["regmap", "--md"]) == 0
    assert capsys.readouterr().out == files[regmap.REGISTERS_MD]


def test_check_names_a_stale_file(tmp_path, monkeypatch, capsys):
    """--check fails, naming the file, when a committed generated file differs."""
    fake = tmp_path / "repo"
    for rel in regmap.artifacts():
        (fake / rel).parent.mkdir(parents=True, exist_ok=True)
        (fake / rel).write_text((ROOT / rel).read_text())
    (fake / regmap.C_HEADER).write_text("/* edited by hand */\n")
    monkeypatch.setattr(regmap, "ROOT", fake)
    assert main(["regmap", "--check"]) == 1
    assert f"{regmap.C_HEADER} is not what rtl/csr/physec_csr.rdl generates" in capsys.readouterr().err


def test_markdown_keeps_the_prose_around_the_reference():
    md = (ROOT / regmap.REGISTERS_MD).read_text()
    head, rest = md.split(regmap.MD_BEGIN)
    ref, tail = rest.split(regmap.MD_END)
    assert "## How the map is generated" in head and "## Bus" in head and "## Register summary" in head
    assert "## Key and salt words" in tail and "## Sequences" in tail and "## Counters" in tail
    # the reference is the exporter's: one section per register of the RDL
    assert [line.split()[1] for line in ref.splitlines() if line.startswith("### ")] == \
        [r.name for r in REGISTERS]


def test_cli_needs_one_format(capsys):
    with pytest.raises(SystemExit) as e:
        main(["regmap"])
    assert e.value.code == 2 and "--write --check --md" in capsys.readouterr().err


def test_rdl_errors_are_reported(tmp_path):
    bad = tmp_path / "bad.rdl"
    bad.write_text("addrmap m { reg { field { sw = rw; } F[40:0]; } R @ 0x0; };\n")
    with pytest.raises(ValueError, match="bad.rdl: SystemRDL errors"):
        regmap.compile_rdl(bad)


def _rdl_view():
    """(register name, offset, fields as (name, lsb, width, sw, reset)) straight from
    systemrdl-compiler, not through the model's table."""
    top = regmap.compile_rdl()
    return [(r.inst_name, r.address_offset,
             [(f.inst_name, f.lsb, f.width, f.get_property("sw"), f.get_property("reset")) for f in r.fields()])
            for r in top.registers()]


def test_table_is_the_rdl():
    from systemrdl.rdltypes import AccessType

    view = _rdl_view()
    assert [(n, o) for n, o, _ in view] == [(r.name, r.offset) for r in REGISTERS]
    for (name, _, fields), r in zip(view, REGISTERS):
        assert [(f[0], f[1], f[2]) for f in fields] == [(f.name, f.lsb, f.width) for f in r.fields], name
        if not r.live:
            assert [f[4] or 0 for f in fields] == [f.reset for f in r.fields], name
    # key material is write-only in the RDL: never readable back
    for name, _, fields in view:
        if name.startswith(("KEY", "SALT")) and name not in ("KEY_CMD", "KEY_ERASE"):
            assert {f[3] for f in fields} == {AccessType.w}, name
    assert {r.access for r in REGISTERS} == set(regmap.ACCESS)


def test_c_header_compiles_and_matches_the_rdl(tmp_path):
    """sw/physec_csr.h, compiled by the system C compiler: every register's offset in
    physec_csr_t and every field's mask / position / width / reset macro equal
    systemrdl-compiler's numbers."""
    import shutil
    import subprocess

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc / gcc) on PATH")
    view = _rdl_view()
    lines = ["#include <stddef.h>", "#include <stdio.h>", '#include "physec_csr.h"', "int main(void) {"]
    for name, _, fields in view:
        lines.append(f'  printf("{name} %zu\\n", offsetof(physec_csr_t, {name}));')
        for f in fields:       # live fields have no reset value, so no _reset macro
            m = f"PHYSEC_CSR__{name}__{f[0]}"
            macros = [f"{m}_bm", f"{m}_bp", f"{m}_bw"] + ([f"{m}_reset"] if f[4] is not None else [])
            lines.append(f'  printf("{name}.{f[0]}{" %llu" * len(macros)}\\n", '
                         + ", ".join(f"(unsigned long long){x}" for x in macros) + ");")
    lines += ["  return 0;", "}"]
    (tmp_path / "t.c").write_text("\n".join(lines) + "\n")
    exe = tmp_path / "t"
    r = subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-I", str((ROOT / regmap.C_HEADER).parent),
                        str(tmp_path / "t.c"), "-o", str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    got = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split("\n")
    exp = []
    for name, off, fields in view:
        exp.append(f"{name} {off}")
        exp += [f"{name}.{f[0]} {((1 << f[2]) - 1) << f[1]} {f[1]} {f[2]}" + ("" if f[4] is None else f" {f[4]}")
                for f in fields]
    assert got[:-1] == exp
    assert "CTRL 16" in got and "EVENTS.RX_KEY_CHANGED 4 2 1 0" in got       # spot checks by hand


def test_ipxact_matches_the_rdl():
    """rtl/csr/physec_csr.xml: register offsets, field positions and widths, and the
    access of the key words (write-only) and EVENTS (one to clear) as in the RDL."""
    import xml.etree.ElementTree as ET

    ns = {"ipxact": "http://www.accellera.org/XMLSchema/IPXACT/1685-2014"}
    root = ET.parse(ROOT / regmap.IPXACT).getroot()
    regs = root.findall(".//ipxact:register", ns)
    got = [(r.findtext("ipxact:name", namespaces=ns), int(r.findtext("ipxact:addressOffset", namespaces=ns)[2:], 16),
            [(f.findtext("ipxact:name", namespaces=ns), int(f.findtext("ipxact:bitOffset", namespaces=ns)),
              int(f.findtext("ipxact:bitWidth", namespaces=ns))) for f in r.findall("ipxact:field", ns)])
           for r in regs]
    assert got == [(n, o, [(f[0], f[1], f[2]) for f in fs]) for n, o, fs in _rdl_view()]
    access = {r.findtext("ipxact:name", namespaces=ns): {f.findtext("ipxact:access", namespaces=ns)
                                                        for f in r.findall("ipxact:field", ns)} for r in regs}
    assert access["KEY0"] == access["SALT2"] == {"write-only"}
    assert {e.text for e in root.iterfind(
        ".//ipxact:register[ipxact:name='EVENTS']//ipxact:modifiedWriteValue", ns)} == {"oneToClear"}


def test_table_is_consistent():
    validate()
    assert len(BY_NAME) == len(REGISTERS)
    assert all(r.offset < 1 << regmap.map_addr_bits() for r in REGISTERS)
    assert BY_NAME["ID"].reset.to_bytes(4, "big") == b"PHYS"
    assert BY_NAME["CTRL"].reset == 2 | 1 << 8          # encrypt, require security: fail closed


@pytest.mark.parametrize("bad, msg", [
    (Register("X", 0x000, "RW", "", (Field("A", 0, 32, ""),)), "used by ID"),
    (Register("X", 0x0F2, "RW", "", (Field("A", 0, 32, ""),)), "unaligned"),
    (Register("X", 0x0F0, "RW", "", (Field("A", 0, 4, ""), Field("B", 3, 2, ""))), "overlapping"),
    (Register("X", 0x0F0, "RW", "", (Field("A", 30, 4, ""),)), "outside"),
    (Register("X", 0x0F0, "RW", "", (Field("A", 0, 2, "", reset=4),)), "does not fit"),
    (Register("X", 0x0F0, "RX", "", (Field("A", 0, 2, ""),)), "unknown access"),
    (Register("X", 0x0F0, "RW", "", (Field("A", 0, 2, "", port="x"),)), "input port"),
    (Register("X", 0x0F0, "W1C", "", (Field("A", 0, 1, "", counter="SCRATCH"),)), "not a live counter"),
    (Register("X", 0x0F0, "RW", "", (Field("A", 0, 1, "", counter="TX_CNT_FRAMES"),)), "not W1C"),
])
def test_bad_tables_are_refused(bad, msg):
    with pytest.raises(ValueError, match=msg):
        validate(REGISTERS + (bad,))


def test_counters_are_the_models():
    """One register per counter of the model's RxCounters and SecCounters (with the
    RTL tops' names: rx_cnt_<RxCounters field>, rx_cnt_sec_<SecCounters field>)."""
    ports = {f.port for r in REGISTERS for f in r.fields if f.port.startswith("rx_cnt_")}
    assert ports == {f"rx_cnt_{f.name}" for f in dataclasses.fields(RxCounters)} | \
        {f"rx_cnt_sec_{f.name}" for f in dataclasses.fields(SecCounters)}


def _ports(path: str, pattern: str) -> set:
    return set(re.findall(pattern, (ROOT / path).read_text()))


def test_rtl_ports_match_the_table():
    """Every live register field is an input of physec_csr and every counter of the
    stage RTL has its register."""
    live = {f.port for r in REGISTERS for f in r.fields if f.port}
    assert live <= _ports("rtl/csr/physec_csr.sv", r"input\s+wire\s+logic\s+(?:\[[^\]]+\]\s+)?(\w+)")
    frame_rx = _ports("rtl/frame/physec_frame_rx.sv", r"output\s+logic\s+\[31:0\]\s+cnt_(\w+)")
    sec_rx = _ports("rtl/sec/physec_sec_rx.sv", r"output\s+logic\s+\[31:0\]\s+cnt_(\w+)")
    assert frame_rx and sec_rx
    assert {f"rx_cnt_{n}" for n in frame_rx} | {f"rx_cnt_sec_{n}" for n in sec_rx} <= live


@pytest.mark.parametrize("top, prefix", [("rtl/top/physec_tx.sv", "tx_"), ("rtl/top/physec_rx.sv", "rx_")])
def test_chain_top_status_has_registers(top, prefix):
    """The chain tops' counters and status outputs each have a register field."""
    if not (ROOT / top).exists():
        pytest.skip(f"{top} not present")
    live = {f.port for r in REGISTERS for f in r.fields if f.port}
    outs = _ports(top, r"output\s+logic\s+(?:\[[^\]]+\]\s+)?((?:cnt|st|alarm|err)_\w+|locked)\b")
    events = {"err_key_refused", "err_rekey_refused"}   # pulses: latched in EVENTS
    assert {prefix + o for o in outs - events} <= live
    if prefix == "tx_":
        assert events <= outs


def test_interrupt_sources_are_counters():
    """Each IRQ_STATUS bit names a live counter register, and IRQ_ENABLE has the same
    fields at the same bits."""
    st, en = BY_NAME["IRQ_STATUS"], BY_NAME["IRQ_ENABLE"]
    assert st.access == "W1C" and en.access == "RW" and en.reset == 0
    assert [(f.name, f.lsb) for f in st.fields] == [(f.name, f.lsb) for f in en.fields]
    assert {f.counter for f in st.fields} == {"RX_CNT_SEC_TAG_FAILURES", "RX_CNT_LOCK_LOSSES", "RX_CNT_SEC_REPLAYS",
                                            "RX_CNT_SEC_KEY_SWITCHES", "TX_CNT_UNDERFLOW", "TX_CNT_OVERFLOW"}
    src = (ROOT / "rtl/csr/physec_csr.sv").read_text()
    for f in st.fields:       # the wrapper compares exactly that counter's input
        port = BY_NAME[f.counter].fields[0].port
        assert re.search(rf"IRQ_STATUS\.{f.name}\.hwset\s*=\s*{port} != ", src), f.name


def test_key_and_salt_words_are_big_endian():
    key = bytes(range(1, 33))
    w = key_words(key)
    assert w[0] == 0x01020304 and w[7] == 0x1D1E1F20
    assert sum(x << 32 * (7 - i) for i, x in enumerate(w)) == int.from_bytes(key, "big")
    assert key_words(key[:16])[4:] == [0] * 4 and key_words(key[:16])[:4] == w[:4]
    salt = bytes(range(0xA0, 0xAC))
    assert sum(x << 32 * (2 - i) for i, x in enumerate(salt_words(salt))) == int.from_bytes(salt, "big")
    with pytest.raises(ValueError, match="16 or 32"):
        key_words(bytes(24))
    with pytest.raises(ValueError, match="12 bytes"):
        salt_words(bytes(16))
