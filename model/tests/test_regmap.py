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


@pytest.mark.parametrize("path, gen, flag", [
    ("rtl/csr/physec_csr_pkg.sv", regmap.to_sv_package, "--sv"),
    ("docs/registers.md", regmap.to_markdown, "--md"),
])
def test_committed_files_are_generated(path, gen, flag, capsys):
    assert (ROOT / path).read_text() == gen(), f"run: .venv/bin/physec regmap {flag} > {path}"
    assert main(["regmap", flag]) == 0
    assert capsys.readouterr().out == gen()


def test_cli_needs_one_format(capsys):
    with pytest.raises(SystemExit) as e:
        main(["regmap"])
    assert e.value.code == 2 and "--sv --md" in capsys.readouterr().err


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
