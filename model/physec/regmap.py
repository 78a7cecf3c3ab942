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


def _word(name: str, off: int, access: str, desc: str, fdesc: str, reset: int = 0, port: str = "") -> Register:
    return Register(name, off, access, desc, (Field(name if not port else "VALUE", 0, DATA_BITS, fdesc, reset, port),))


KEY_WORDS, SALT_WORDS = 8, 3
ID_VALUE = int.from_bytes(b"PHYS", "big")
VERSION = (1, 1)                       # (major, minor) of this register map

# Counters: (register / port suffix, source port, meaning).  One register each, live.
TX_COUNTERS = [
    ("frames", "physec_tx cnt_frames", "frames sent (wrapping)"),
    ("underflow", "physec_tx cnt_underflow (physec_frame_tx underflow_count)",
     "data slots sent as ERROR_257B for an empty mapper FIFO (saturating at FFFFFFFF)"),
    ("overflow", "physec_tx cnt_overflow (physec_frame_tx overflow_count)",
     "client blocks refused for a full mapper FIFO (saturating at FFFFFFFF)"),
]
RX_FRAME_COUNTERS = [
    ("frames", "frames processed"), ("am_bad", "frames with a bad AM"),
    ("oh_crc_errors", "OH CRC-16 errors"), ("jc_crc_errors", "JC CRC errors"),
    ("jc_pattern_errors", "JC pattern errors (pattern and stale)"),
    ("unusable_frames", "frames not demapped"), ("lock_losses", "losses of lock"),
    ("locks", "locks"), ("lost_frames", "frames lost while unlocked"),
    ("error_blocks", "ERROR_257B blocks emitted"),
    ("sec_dropped", "usable frames not released by the security stage"),
]
RX_SEC_COUNTERS = [
    ("frames", "frames seen"), ("passed", "frames passed"), ("failed", "frames failed"),
    ("bypass", "bypass frames"), ("tag_failures", "tag mismatches"), ("tags_lost", "tags lost"),
    ("replays", "replayed PNs"), ("unknown_an", "frames with an AN without key"),
    ("pad_errors", "PAD errors (CRC, version, mode)"), ("pn_unpredicted", "PN not predicted"),
    ("key_switches", "key switches"),
    ("key_changed", "frames failed 'key changed' (job not bound to the current key; erase)"),
]
TX_CNT_BASE, RX_CNT_BASE, RX_SEC_CNT_BASE = 0x100, 0x140, 0x180


def _counters() -> list:
    regs = []
    for k, (n, src, d) in enumerate(TX_COUNTERS):
        regs.append(_word(f"TX_CNT_{n.upper()}", TX_CNT_BASE + 4 * k, "RO", f"TX: {d}",
                          src, port=f"tx_cnt_{n}"))
    for k, (n, d) in enumerate(RX_FRAME_COUNTERS):
        regs.append(_word(f"RX_CNT_{n.upper()}", RX_CNT_BASE + 4 * k, "RO", f"RX frame: {d} (wrapping)",
                          f"physec_rx cnt_{n}", port=f"rx_cnt_{n}"))
    for k, (n, d) in enumerate(RX_SEC_COUNTERS):
        regs.append(_word(f"RX_CNT_SEC_{n.upper()}", RX_SEC_CNT_BASE + 4 * k, "RO",
                          f"RX security: {d} (wrapping)", f"physec_rx cnt_sec_{n} (physec_sec_rx cnt_{n})",
                          port=f"rx_cnt_sec_{n}"))
    return regs


AN_FIELD_DESC = "association number (0..3) taken with the pulse"

REGISTERS = tuple([
    _word("ID", 0x000, "RO", "block identifier", "ASCII 'PHYS'", ID_VALUE),
    Register("VERSION", 0x004, "RO", "register map version", (
        Field("MINOR", 0, 16, "minor version (compatible additions)", VERSION[1]),
        Field("MAJOR", 16, 16, "major version (incompatible changes)", VERSION[0]))),
    _word("SCRATCH", 0x008, "RW", "scratch register for software (no effect)", "free"),
    Register("CTRL", 0x010, "RW", "datapath configuration (sampled by the stages per frame)", (
        Field("TX_MODE", 0, 2, "tx_cfg_mode: 0 bypass, 1 authenticate only, 2 encrypt and "
              "authenticate (3 acts as 2)", 2),
        Field("RX_REQUIRE_SECURITY", 8, 1, "rx_require_security: 1 = bypass frames fail", 1),
        Field("RX_POLICY", 9, 1, "rx_cfg_cut_through: 0 = store-and-forward (a frame's data leave only "
              "after its tag verified; reset default, fail closed), 1 = cut-through (released on "
              "arrival, a tag failure is reported one frame later: spec 6.4 states the risk)", 0))),
    _word("TX_LINK_ID", 0x014, "RW", "tx_cfg_link_id: link ID of the TX IV", "link ID (spec 6.1)"),
    _word("RX_LINK_ID", 0x018, "RW", "rx_cfg_link_id: link ID of the RX IV", "link ID (spec 6.1)"),
    *[_word(f"KEY{i}", 0x020 + 4 * i, "WO", f"key staging word {i}: key bytes {4 * i}..{4 * i + 3}",
            f"byte {4 * i} in bits 31:24 ... byte {4 * i + 3} in bits 7:0; key[{255 - 32 * i}:{224 - 32 * i}]")
      for i in range(KEY_WORDS)],
    *[_word(f"SALT{i}", 0x040 + 4 * i, "WO", f"salt staging word {i}: salt bytes {4 * i}..{4 * i + 3}",
            f"byte {4 * i} in bits 31:24 ... byte {4 * i + 3} in bits 7:0; salt[{95 - 32 * i}:{64 - 32 * i}]")
      for i in range(SALT_WORDS)],
    Register("KEY_LEN", 0x04C, "WO", "key length staging", (
        Field("AES256", 0, 1, "key_len: 1 = AES-256 (32-byte key), 0 = AES-128 (16 bytes in KEY0..KEY3)", 1),)),
    Register("KEY_CMD", 0x050, "W1P", "key install: pulses tx_key_we / rx_key_we with the staged key", (
        Field("TX", 0, 1, "1 = pulse tx_key_we"),
        Field("RX", 1, 1, "1 = pulse rx_key_we"),
        Field("AN", 4, 2, AN_FIELD_DESC))),
    Register("REKEY_CMD", 0x054, "W1P", "TX rekey / activation: pulses tx_rekey_req", (
        Field("REQ", 0, 1, "1 = pulse tx_rekey_req"),
        Field("AN", 4, 2, AN_FIELD_DESC))),
    Register("KEY_ERASE", 0x058, "W1P", "key erase: pulses tx_erase / rx_erase (spec 6.4 erase: the AN's "
             "key, salt and every register derived from them cleared; a TX AN in use stops protection)", (
        Field("TX", 0, 1, "1 = pulse tx_erase"),
        Field("RX", 1, 1, "1 = pulse rx_erase"),
        Field("AN", 4, 2, AN_FIELD_DESC))),
    Register("STATUS", 0x060, "RO", "datapath status (live)", (
        Field("TX_ACTIVE", 0, 1, "a TX key is in use", port="tx_st_active"),
        Field("TX_AN", 1, 2, "the TX AN in use", port="tx_st_an"),
        Field("TX_REKEY_PENDING", 3, 1, "a key change announcement is under way", port="tx_st_rekey_pending"),
        Field("TX_ALARM_PN", 4, 1, "PN exhausted (sticky in physec_sec_tx until the next activation)",
              port="tx_alarm_pn"),
        Field("TX_ERR_KS", 5, 1, "keystream underrun or frame without keystream (sticky in physec_sec_tx)",
              port="tx_err_ks"),
        Field("TX_ERR_TAG_LATE", 6, 1, "a tag was late (sticky in physec_sec_tx)", port="tx_err_tag_late"),
        Field("RX_LOCKED", 8, 1, "the receiver is locked", port="rx_locked"),
        Field("RX_ERR_KS", 9, 1, "RX keystream underrun or out of step (sticky in physec_sec_rx)",
              port="rx_err_ks"),
        Field("RX_ERR_BUF", 10, 1, "RX frame buffer overflow (sticky in physec_sec_rxbuf; a design error)",
              port="rx_err_buf"))),
    Register("EVENTS", 0x064, "W1C", "sticky events from one-clock pulses", (
        Field("TX_KEY_REFUSED", 0, 1, "tx_err_key_refused pulsed: a key install into an AN in use, "
              "announced or being activated was refused"),
        Field("TX_REKEY_REFUSED", 1, 1, "tx_err_rekey_refused pulsed: a rekey was refused"),
        Field("RX_KEY_CHANGED", 2, 1, "rx_ev_key_changed pulsed: a frame failed 'key changed' (alarm: "
              "a key was installed or erased for an AN with a prepared keystream job)"))),
    *_counters(),
])
BY_NAME = {r.name: r for r in REGISTERS}


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

