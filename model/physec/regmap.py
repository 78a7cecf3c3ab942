# SPDX-License-Identifier: Apache-2.0
"""The register map of ``physec_csr`` (AXI4-Lite configuration and status block).

This table is the one source of truth: ``physec regmap --sv`` writes the RTL package
``rtl/csr/physec_csr_pkg.sv`` (byte offsets, field positions, reset values) and
``physec regmap --md`` writes ``docs/registers.md``; a test keeps both committed
files identical to the generator's output, and the testbench's register model reads
this table too.

Key and salt words: staging word i holds bytes 4i..4i+3 of the key (or salt) as a
big-endian 32-bit integer (byte 4i in bits 31:24), so the words in address order,
concatenated, are the key port value ``int.from_bytes(key, "big")`` that
``physec_sec_tx`` / ``physec_sec_rx`` expect (key byte 0 in key[255:248], salt byte 0
in salt[95:88]).  :func:`key_words` and :func:`salt_words` give the values to write.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

DATA_BITS = 32
ACCESS = {
    "RO": "read-only; writes are ignored (OKAY)",
    "RW": "read/write",
    "WO": "write-only; reads return 0 (OKAY)",
    "W1C": "read; writing 1 to a bit clears it (an event in the same clock wins)",
    "W1P": "write-only command: a write pulses the outputs for one clock; reads return 0",
}
RESP_OKAY, RESP_SLVERR = 0, 2      # AXI xRESP codes; unmapped addresses answer SLVERR


@dataclass(frozen=True)
class Field:
    name: str
    lsb: int
    width: int
    desc: str
    reset: int = 0
    port: str = ""             # RO fields: the physec_csr input they show (live)

    @property
    def msb(self) -> int:
        return self.lsb + self.width - 1

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.lsb

    @property
    def bits(self) -> str:
        return f"{self.msb}:{self.lsb}" if self.width > 1 else f"{self.lsb}"


@dataclass(frozen=True)
class Register:
    name: str
    offset: int
    access: str
    desc: str
    fields: tuple

    @property
    def reset(self) -> int:
        return sum(f.reset << f.lsb for f in self.fields)

    @property
    def mask(self) -> int:
        """The bits that exist (fields); other bits read 0 and ignore writes."""
        return sum(f.mask for f in self.fields)

    @property
    def live(self) -> bool:
        """Reads show physec_csr inputs (their value in the clock the read is accepted)."""
        return any(f.port for f in self.fields)


RDL = Path(__file__).resolve().parents[2] / "rtl" / "csr" / "physec_csr.rdl"


def _access(reg) -> str:
    """The access class (ACCESS) of a register, from its fields' SystemRDL properties."""
    from systemrdl.rdltypes import AccessType, OnWriteType

    fields = list(reg.fields())
    if any(f.get_property("onwrite") == OnWriteType.woclr for f in fields):
        return "W1C"
    if any(f.get_property("singlepulse") for f in fields):
        return "W1P"
    sw = {f.get_property("sw") for f in fields}
    for access, kinds in (("RO", {AccessType.r}), ("WO", {AccessType.w}), ("RW", {AccessType.rw})):
        if sw == kinds:
            return access
    raise ValueError(f"{RDL.name}: {reg.inst_name} mixes software access {sorted(k.name for k in sw)}")


def compile_rdl(path: Path = RDL):
    """The elaborated top addrmap of the SystemRDL source (systemrdl-compiler); a
    source error raises ValueError with the compiler's messages."""
    from systemrdl import RDLCompileError, RDLCompiler
    from systemrdl.messages import MessagePrinter

    class _Collect(MessagePrinter):
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit_message(self, lines):
            self.lines += lines

    printer = _Collect()
    rdlc = RDLCompiler(message_printer=printer)
    try:
        rdlc.compile_file(str(path))
        return rdlc.elaborate().top
    except RDLCompileError:
        raise ValueError(f"{path}: SystemRDL errors:\n" + "\n".join(printer.lines)) from None


def _table(top) -> tuple:
    regs = []
    for reg in top.registers():
        fields = tuple(Field(f.inst_name, f.lsb, f.width, f.get_property("desc") or "",
                             0 if f.get_property("port") else f.get_property("reset") or 0,
                             f.get_property("port") or "")
                       for f in reg.fields())
        regs.append(Register(reg.inst_name, reg.address_offset, _access(reg), reg.get_property("name"), fields))
    return tuple(regs)


REGISTERS = _table(compile_rdl())
BY_NAME = {r.name: r for r in REGISTERS}

# Facts of the map that users name (tb/core, tb/csr, docs), read from the table.
KEY_WORDS = sum(1 for r in REGISTERS if r.name[:3] == "KEY" and r.name[3:].isdigit())
SALT_WORDS = sum(1 for r in REGISTERS if r.name[:4] == "SALT" and r.name[4:].isdigit())
ID_VALUE = BY_NAME["ID"].reset
VERSION = tuple(next(f.reset for f in BY_NAME["VERSION"].fields if f.name == n) for n in ("MAJOR", "MINOR"))
# Counters, one register each (live), in offset order: (name, source port, meaning) for
# TX, (name, meaning) for the RX frame stage and the RX security stage.  The security
# counters start at RX_CNT_SEC_FRAMES (RX_CNT_SEC_DROPPED before it is the frame stage's).
TX_CNT_BASE, RX_CNT_BASE, RX_SEC_CNT_BASE = (BY_NAME[n].offset for n in
                                             ("TX_CNT_FRAMES", "RX_CNT_FRAMES", "RX_CNT_SEC_FRAMES"))
TX_COUNTERS = [(r.name[len("TX_CNT_"):].lower(), r.fields[0].desc, r.desc) for r in REGISTERS
               if r.name.startswith("TX_CNT_")]
RX_FRAME_COUNTERS = [(r.name[len("RX_CNT_"):].lower(), r.desc) for r in REGISTERS
                     if r.name.startswith("RX_CNT_") and r.offset < RX_SEC_CNT_BASE]
RX_SEC_COUNTERS = [(r.name[len("RX_CNT_SEC_"):].lower(), r.desc) for r in REGISTERS
                   if r.name.startswith("RX_CNT_SEC_") and r.offset >= RX_SEC_CNT_BASE]


def map_addr_bits() -> int:
    """Byte-address bits the map needs (the minimum ADDR_W of physec_csr)."""
    return max(r.offset for r in REGISTERS).bit_length()


def key_words(key: bytes) -> list:
    """KEY0..KEY7 for a 16- or 32-byte key (an AES-128 key leaves KEY4..KEY7 zero)."""
    if len(key) not in (16, 32):
        raise ValueError(f"keys are 16 or 32 bytes, got {len(key)}")
    k = key.ljust(4 * KEY_WORDS, b"\0")
    return [int.from_bytes(k[4 * i:4 * i + 4], "big") for i in range(KEY_WORDS)]


def salt_words(salt: bytes) -> list:
    """SALT0..SALT2 for a 12-byte salt."""
    if len(salt) != 4 * SALT_WORDS:
        raise ValueError(f"the salt is {4 * SALT_WORDS} bytes, got {len(salt)}")
    return [int.from_bytes(salt[4 * i:4 * i + 4], "big") for i in range(SALT_WORDS)]


def validate(regs=REGISTERS) -> None:
    """Raise ValueError on an inconsistent table (overlaps, fields outside the word...)."""
    seen = {}
    for r in regs:
        if r.access not in ACCESS:
            raise ValueError(f"{r.name}: unknown access {r.access}")
        if r.offset % 4 or r.offset in seen:
            raise ValueError(f"{r.name}: offset {r.offset:#x} unaligned or used by {seen.get(r.offset)}")
        seen[r.offset] = r.name
        used = 0
        for f in r.fields:
            if f.width < 1 or f.lsb < 0 or f.msb >= DATA_BITS or used & f.mask:
                raise ValueError(f"{r.name}.{f.name}: bits {f.bits} outside the word or overlapping")
            if f.reset >> f.width:
                raise ValueError(f"{r.name}.{f.name}: reset {f.reset:#x} does not fit {f.width} bits")
            if bool(f.port) != (r.access == "RO" and r.name not in ("ID", "VERSION")):
                raise ValueError(f"{r.name}.{f.name}: only live RO fields name an input port")
            used |= f.mask
    for base, n in (("KEY", KEY_WORDS), ("SALT", SALT_WORDS)):
        offs = [BY_NAME[f"{base}{i}"].offset for i in range(n)]
        if offs != list(range(offs[0], offs[0] + 4 * n, 4)):
            raise ValueError(f"{base}0..{base}{n - 1} must be contiguous")


# --------------------------------------------------------------------------- SystemVerilog

def to_sv_package(regs=REGISTERS) -> str:
    validate(regs)
    nwords = 1 << (map_addr_bits() - 2)
    mapped = sum(1 << (r.offset // 4) for r in regs)
    out = ["// SPDX-License-Identifier: Apache-2.0",
           "// Register map of physec_csr. Generated by `physec regmap --sv` from",
           "// model/physec/regmap.py; do not edit (a test compares it with the generator).",
           "// ADDR_<reg>: byte offset; <reg>_RESET: value after reset; <reg>_MASK: the bits that",
           "// exist; <reg>_<field>_LSB / _W: field position.  docs/registers.md describes them.",
           "`default_nettype none", "",
           "// Not every design uses every number of the map.",
           "/* verilator lint_off UNUSEDPARAM */",
           "package physec_csr_pkg;", "",
           f"  localparam int MAP_ADDR_W = {map_addr_bits()};   // byte-address bits the map needs",
           f"  localparam int KEY_WORDS  = {KEY_WORDS};",
           f"  localparam int SALT_WORDS = {SALT_WORDS};",
           f"  localparam logic [1:0] RESP_OKAY   = 2'd{RESP_OKAY};",
           f"  localparam logic [1:0] RESP_SLVERR = 2'd{RESP_SLVERR};",
           "  // Bit w = the 32-bit word at byte offset 4w is a register (else SLVERR).",
           f"  localparam logic [{nwords - 1}:0] MAP_WORDS = {nwords}'h{mapped:0{nwords // 4}X};", ""]
    for r in regs:
        out.append(f"  // {r.name} ({r.access}): {r.desc}")
        out.append(f"  localparam int {'ADDR_' + r.name:<24} = 'h{r.offset:03X};")
        out.append(f"  localparam logic [31:0] {r.name + '_RESET':<16} = 32'h{r.reset:08X};")
        out.append(f"  localparam logic [31:0] {r.name + '_MASK':<16} = 32'h{r.mask:08X};")
        if len(r.fields) > 1 or r.fields[0].width < DATA_BITS:
            for f in r.fields:
                out.append(f"  localparam int {r.name}_{f.name}_LSB = {f.lsb};  "
                           f"localparam int {r.name}_{f.name}_W = {f.width};")
    out += ["", "endpackage", "/* verilator lint_on UNUSEDPARAM */", "", "`default_nettype wire", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- Markdown

_MD_HEAD = """\
# PHYSec configuration and status registers

Generated by `physec regmap --md` from `model/physec/regmap.py`; do not edit (a test
compares it with the generator).  RTL: `rtl/csr/physec_csr.sv` with the package
`rtl/csr/physec_csr_pkg.sv` generated from the same table.

## Bus

- AXI4-Lite slave, 32-bit data, byte address `ADDR_W` bits (parameter, at least
  {aw} = the map's span, default 12); all five channels with valid/ready handshakes.
  The address's bits 1:0 are ignored (whole words; `WSTRB` selects the bytes written).
- `clk` and `rst` (synchronous, active high) are the datapath's: the block sits in
  the clock domain of `physec_tx` / `physec_rx`, so its outputs and status inputs
  connect directly.  A bus in another clock domain needs a clock-crossing bridge in
  front of it.
- Responses: OKAY for every mapped address, also for writes to read-only
  registers (ignored) and reads of write-only ones (0).  **SLVERR** (`xRESP` = 2, not
  DECERR) for an unmapped address, read or write; an unmapped read returns 0.
- `WSTRB`: a byte lane whose strobe is 0 is not written (for W1P and W1C registers
  its bits count as 0).  `AWPROT` / `ARPROT` are ignored.
- Throughput: at most one write every 2 clocks and one read every 2 clocks; the read
  and the write channels are independent.  `AWREADY`, `WREADY` and `ARREADY` depend
  only on the block's state (no combinational path from an input).  A write takes
  effect at the clock edge where `BVALID` rises; a read samples its register at the
  edge of its `AR` handshake, so a read accepted in the same clock as a write
  completes sees the value before that write.
- Bits that are not in a field read 0 and ignore writes.

## Access types

| access | meaning |
|---|---|"""

_MD_KEYS = """\
## Key and salt words: bit and byte order

The spec writes keys and salts as byte strings (spec 6.1: a 16- or 32-byte AES key,
a 12-byte salt; IV = salt xor (link ID || PN), big-endian).  Staging word i holds
bytes 4i..4i+3 as a big-endian 32-bit integer:

    KEYi  = key[4i] << 24 | key[4i+1] << 16 | key[4i+2] << 8 | key[4i+3]     (i = 0..7)
    SALTi = salt[4i] << 24 | salt[4i+1] << 16 | salt[4i+2] << 8 | salt[4i+3] (i = 0..2)

so the ports carry `{KEY0, KEY1, ..., KEY7}` = `int.from_bytes(key, "big")` (key byte 0
in `key[255:248]`) and `{SALT0, SALT1, SALT2}` (salt byte 0 in `salt[95:88]`), the
order of `physec_sec_keys` and `physec_aes_keyexp`.  An AES-128 key goes into
KEY0..KEY3 (`key[255:128]`) with `KEY_LEN.AES256` = 0; KEY4..KEY7 are then ignored.
Software on a little-endian CPU must write each word as that integer (e.g.
`be32toh` of the bytes), not copy the key bytes into the window: a byte copy would
put key byte 0 into bits 7:0.  `physec.regmap.key_words` / `salt_words` compute the
words.

The staging registers are write-only (they read 0) and are cleared, with `KEY_LEN`
back to AES-256, in the clock after each install pulse, so no key material stays in
the block; stage all words again for the next install.

## Sequences

Key install (per direction; spec 6.3 and 6.6):

1. Write KEY0..KEY7 (AES-128: KEY0..KEY3), SALT0..SALT2 and `KEY_LEN` (only to
   select AES-128; it is AES-256 after reset and after each install).
2. Write `KEY_CMD` with `TX` and/or `RX` = 1 and `AN`.  In the clock after the
   write is accepted, `tx_key_we` / `rx_key_we` is high for one clock with
   `tx_key_an` / `rx_key_an` = `AN` and the staged key, length and salt on
   `tx_key`, `tx_key_len`, `tx_salt` (and the `rx_` copies); `BVALID` rises at the
   same edge.  Both bits set install the same key in both directions (a loopback).
3. TX only: `physec_sec_tx` refuses a key for the AN in use, the announced AN or the
   AN being activated; the refusal pulse sets `EVENTS.TX_KEY_REFUSED` (write 1 to
   clear it before the install, read it after the write response).  The RTL cannot
   recognise a key installed before: software must never install one twice.
4. RX: install the new key before the frames that use it arrive (`physec_sec_rx`
   computes a frame's keystream a frame ahead).

Activation and rekey (TX):

1. Install the key into AN' as above (TX and, at the far end, RX).
2. Write `REKEY_CMD` with `REQ` = 1 and `AN` = AN'.  `tx_rekey_req` is high for one
   clock with `tx_rekey_an` = AN'.  With no key in use this activates AN' (PN = 1);
   with a key in use the next multiframe announces AN' (`STATUS.TX_REKEY_PENDING`)
   and the transmitter switches at the multiframe boundary after it
   (`STATUS.TX_AN` becomes AN').
3. A refused request (AN without a fresh key, the AN in use, a change under way)
   sets `EVENTS.TX_REKEY_REFUSED`.

Both refusals come one clock after the pulse; `EVENTS` also shows a refusal pulse
in the clock of the read, so a read issued after the command's write response sees
it when the top passes the pulses through without extra register stages (with k
extra stages, wait k clocks more).

## Ports

Every configuration output and status input of `physec_csr` is named after the
`physec_tx` / `physec_rx` port it connects to, with `tx_` / `rx_` in front:
`tx_cfg_mode` -> `physec_tx.cfg_mode`, `tx_key_we` -> `physec_tx.key_we`, ...,
`rx_require_security` -> `physec_rx.require_security`, `rx_key` -> `physec_rx.key`;
`physec_tx.st_active` -> `tx_st_active`, `physec_tx.err_key_refused` ->
`tx_err_key_refused`, `physec_tx.cnt_frames` -> `tx_cnt_frames`, `physec_rx.locked`
-> `rx_locked`, `physec_rx.cnt_sec_passed` -> `rx_cnt_sec_passed`, and so on for every
input named in the tables above.  `physec_rx.finish` (end of a simulated stream) has
no register.

## Counters

One RO register per counter, 32 bits.  Reads are **live**: a read returns the
counter input's value in the clock its address is accepted; counters are not
latched or cleared by reads, and software cannot clear them (only `rst` does, in
the stages that own them).  The RX counters and the TX frame counter wrap at 2^32
(take differences modulo 2^32); the TX FIFO underflow and overflow counts saturate
at FFFFFFFF.  Each register reads one counter atomically; two counters read one
after the other may belong to different clocks.
"""


def _hex(v: int) -> str:
    return f"{v:08X}"


def to_markdown(regs=REGISTERS) -> str:
    validate(regs)
    out = [_MD_HEAD.format(aw=map_addr_bits())]
    out += [f"| {a} | {d} |" for a, d in ACCESS.items()]
    out += ["", "## Register summary", "",
            "| offset | name | access | reset | description |", "|---|---|---|---|---|"]
    for r in regs:
        reset = "live" if r.live else _hex(r.reset)
        out.append(f"| {r.offset:03X} | `{r.name}` | {r.access} | {reset} | {r.desc} |")
    out += ["", "Offsets and values in hex.  Every offset not listed is unmapped (SLVERR).", "",
            "## Fields", ""]
    for r in regs:
        if r.name.startswith(("TX_CNT_", "RX_CNT_")):
            continue
        out += [f"### {r.name} ({r.offset:03X}, {r.access})", "", r.desc[0].upper() + r.desc[1:] + ".", "",
                "| bits | field | reset | description |", "|---|---|---|---|"]
        for f in r.fields:
            reset = f"input `{f.port}`" if f.port else f"{f.reset:X}"
            out.append(f"| {f.bits} | `{f.name}` | {reset} | {f.desc} |")
        out.append("")
    out += ["### Counters (RO, live)", "", "| offset | name | input port | source |", "|---|---|---|---|"]
    for r in regs:
        if r.name.startswith(("TX_CNT_", "RX_CNT_")):
            f = r.fields[0]
            out.append(f"| {r.offset:03X} | `{r.name}` | `{f.port}` | {f.desc} |")
    out += ["", _MD_KEYS]
    return "\n".join(out)


# --------------------------------------------------------------------------- CLI

def cmd_regmap(a) -> int:
    sys.stdout.write(to_sv_package() if a.sv else to_markdown())
    return 0


def add_cli(sub) -> None:
    """The `physec regmap` subcommand (called from physec.cli.parser)."""
    p = sub.add_parser("regmap", help="emit the CSR register map as a SystemVerilog package or Markdown",
                       description="Print rtl/csr/physec_csr_pkg.sv (--sv) or docs/registers.md (--md), "
                                   "both generated from model/physec/regmap.py.")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--sv", action="store_true", help="print the SystemVerilog package")
    g.add_argument("--md", action="store_true", help="print the Markdown register documentation")
    p.set_defaults(func=cmd_regmap)

