# SPDX-License-Identifier: Apache-2.0
"""The register map of ``physec_csr`` (AXI4-Lite configuration and status block).

The one source of truth is the SystemRDL file ``rtl/csr/physec_csr.rdl``: this module
compiles it with systemrdl-compiler at import and builds :data:`REGISTERS` from it
(the table that tb/csr's register model, tb/core and the docs read).  ``physec regmap
--write`` (``make regmap``) runs the PeakRDL exporters on it: the register block
(peakrdl-regblock), the C header (peakrdl-cheader), the IP-XACT description
(peakrdl-ipxact) and docs/registers.md (peakrdl-markdown inside the prose kept here);
a test regenerates them all and compares them with the committed files.

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
    "RO": "read-only; writes are ignored (OKAY).  RDL: sw = r; a constant (hw = na) or live (hw = w)",
    "RW": "read/write.  RDL: sw = rw",
    "WO": "write-only; reads return 0 (OKAY).  RDL: sw = w",
    "W1C": "read; writing 1 to a bit clears it (an event in the same clock wins).  RDL: onwrite = woclr, "
           "hwset, precedence = hw",
    "W1P": "write-only command: a write pulses the outputs for one clock; reads return 0.  RDL: sw = w, "
           "singlepulse; the ports hold the AN of the last pulse",
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
    counter: str = ""          # IRQ_STATUS bits: the counter register whose changes set them

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
        """Reads show physec_csr inputs (their value in the clock the read reaches the registers)."""
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


def compile_rdl(path: Path = RDL, udps=()):
    """The elaborated top addrmap of the SystemRDL source (systemrdl-compiler); a
    source error raises ValueError with the compiler's messages.  ``udps``: the
    user-defined properties an exporter reads (peakrdl-regblock's), declared before
    the source is compiled."""
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
    for udp in udps:
        rdlc.register_udp(udp)
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
                             f.get_property("port") or "", f.get_property("irq_counter") or "")
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
RX_SEC_CNT_BASE = BY_NAME["RX_CNT_SEC_FRAMES"].offset
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
    names = {r.name: r for r in regs}
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
            if f.counter and not (f.counter in names and names[f.counter].live and r.access == "W1C"):
                raise ValueError(f"{r.name}.{f.name}: irq_counter {f.counter} is not a live counter register "
                                 "(or the field is not W1C)")
            used |= f.mask
    for base, n in (("KEY", KEY_WORDS), ("SALT", SALT_WORDS)):
        offs = [BY_NAME[f"{base}{i}"].offset for i in range(n)]
        if offs != list(range(offs[0], offs[0] + 4 * n, 4)):
            raise ValueError(f"{base}0..{base}{n - 1} must be contiguous")


# --------------------------------------------------------------------------- generated files

ROOT = RDL.parents[2]
# Every file PeakRDL makes from the RDL (`physec regmap --write`, `make regmap`); a test
# regenerates them and compares.
REGBLOCK_SV, REGBLOCK_PKG = "rtl/csr/physec_csr_regs.sv", "rtl/csr/physec_csr_regs_pkg.sv"
C_HEADER, IPXACT, REGISTERS_MD = "sw/physec_csr.h", "rtl/csr/physec_csr.xml", "docs/registers.md"
MD_BEGIN = "<!-- BEGIN peakrdl-markdown: generated from rtl/csr/physec_csr.rdl by `make regmap`; do not edit -->"
MD_END = "<!-- END peakrdl-markdown -->"
_GEN_NOTE = "Generated by `make regmap` from rtl/csr/physec_csr.rdl; do not edit"


_COMBO_DECL = "    field_combo_t field_combo;\n"


def _waive_field_combo(text: str) -> str:
    """One always_comb per field writes its own member of the unpacked struct field_combo;
    IEEE 1800 9.2.2.2 makes each member's longest static prefix its own variable, so no
    member has two drivers, but Verilator checks the whole struct.  The waiver sits in the
    file (from the declaration to endmodule) so that any lint call over rtl/ honours it,
    with or without physec_csr_regs.vlt."""
    if text.count(_COMBO_DECL) != 1 or text.count("endmodule") != 1:
        raise ValueError("peakrdl-regblock output changed: field_combo declaration or endmodule not found once")
    text = text.replace(_COMBO_DECL, _COMBO_DECL + "    // verilator lint_off MULTIDRIVEN\n"
                        "    // (field_combo: one always_comb per member; see model/physec/regmap.py)\n")
    return text.replace("endmodule", "    // verilator lint_on MULTIDRIVEN\nendmodule")


def _regblock(top, out: Path) -> dict:
    from peakrdl_regblock import RegblockExporter
    from peakrdl_regblock.cpuif.axi4lite import AXI4Lite_Cpuif_flattened

    # 64-bit decode: the wrapper physec_csr zero-extends its ADDR_W-bit addresses, so
    # every address above the map answers SLVERR whatever ADDR_W is.
    RegblockExporter().export(top, str(out), cpuif_cls=AXI4Lite_Cpuif_flattened, module_name="physec_csr_regs",
                              package_name="physec_csr_regs_pkg", address_width=64, err_if_bad_addr=True)
    files = {}
    for rel in (REGBLOCK_SV, REGBLOCK_PKG):
        text = (out / Path(rel).name).read_text()
        if rel == REGBLOCK_SV:
            text = _waive_field_combo(text)
        files[rel] = (f"// SPDX-License-Identifier: Apache-2.0\n// {_GEN_NOTE}.\n"
                      f"// Lint waivers for this generated code: physec_csr_regs.vlt, and MULTIDRIVEN inline.\n"
                      f"`default_nettype none\n{text.rstrip()}\n\n`default_nettype wire\n")
    return files


def to_markdown(top=None) -> str:
    """docs/registers.md: the hand-written sections around the summary (from the table)
    and the register and field reference (peakrdl-markdown, between MD_BEGIN and MD_END)."""
    import tempfile

    from peakrdl_markdown import MarkdownExporter

    top = top or compile_rdl()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "registers.md"
        MarkdownExporter().export(top, str(path), input_files=[str(RDL.relative_to(RDL.parents[2]))])
        ref = path.read_text().strip()
    out = [_MD_HEAD.format(aw=map_addr_bits())]
    out += [f"| {a} | {d} |" for a, d in ACCESS.items()]
    out += ["", "## Register summary", "",
            "The access class of each register (the table above) and, for live read-only "
            "registers, the `physec_csr` inputs a read shows; the reference below has every field.", "",
            "| offset | name | access | reset | inputs | description |", "|---|---|---|---|---|---|"]
    for r in REGISTERS:
        reset = "live" if r.live else _hex(r.reset)
        ports = ", ".join(f"`{f.port}`" for f in r.fields if f.port)
        out.append(f"| {r.offset:03X} | `{r.name}` | {r.access} | {reset} | {ports} | {r.desc} |")
    out += ["", "Offsets and values in hex.  Every offset not listed is unmapped (SLVERR).", "",
            "## Register reference", "", MD_BEGIN, "", ref, "", MD_END, "", _MD_KEYS]
    return "\n".join(out)


def artifacts() -> dict:
    """{path relative to the repository: text} of every file generated from the RDL."""
    import tempfile

    from peakrdl_cheader.exporter import CHeaderExporter
    from peakrdl_ipxact import IPXACTExporter
    from peakrdl_regblock.udps import ALL_UDPS

    top = compile_rdl(udps=ALL_UDPS)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d)
        files = _regblock(top, out)
        CHeaderExporter().export(top, str(out / Path(C_HEADER).name))
        files[C_HEADER] = (f"// SPDX-License-Identifier: Apache-2.0\n// {_GEN_NOTE}.\n"
                           + (out / Path(C_HEADER).name).read_text())
        IPXACTExporter(vendor="physec", library="physec", version="%d.%d" % VERSION).export(
            top, str(out / Path(IPXACT).name))
        xml = (out / Path(IPXACT).name).read_text()
        decl, rest = xml.split("\n", 1) if xml.startswith("<?xml") else ("", xml)
        files[IPXACT] = f"{decl}\n<!-- SPDX-License-Identifier: Apache-2.0 -->\n<!-- {_GEN_NOTE}. -->\n{rest}"
    files[REGISTERS_MD] = to_markdown(top)
    return files


def stale_artifacts() -> list:
    """The generated files whose committed text differs from a fresh generation."""
    return [rel for rel, text in artifacts().items()
            if not (ROOT / rel).exists() or (ROOT / rel).read_text() != text]


# --------------------------------------------------------------------------- Markdown

_MD_HEAD = """\
# PHYSec configuration and status registers

The register map is one SystemRDL source, `rtl/csr/physec_csr.rdl`; do not edit this
file, edit the RDL and run `make regmap`.

## How the map is generated

`make regmap` (`physec regmap --write`) compiles the RDL with systemrdl-compiler and
writes, with the PeakRDL exporters pinned in `requirements.txt`: the register block
`rtl/csr/physec_csr_regs.sv` and its package `physec_csr_regs_pkg.sv`
(peakrdl-regblock, AXI4-Lite CPU interface), which the hand-written wrapper
`rtl/csr/physec_csr.sv` connects to the chain tops' ports; the C header
`sw/physec_csr.h` for firmware (peakrdl-cheader: `PHYSEC_CSR__<REG>__<FIELD>_bm` /
`_bp` / `_bw` / `_reset`, and the struct `physec_csr_t` whose member offsets are the
register offsets); the IP-XACT description `rtl/csr/physec_csr.xml` (IEEE 1685-2014,
peakrdl-ipxact) for vendor IP integrators; and this file, whose register reference
(between the `peakrdl-markdown` markers) comes from peakrdl-markdown while the other
sections are prose kept in `model/physec/regmap.py` (the summary table is made there
from the RDL too: the access classes below and the live inputs are not PeakRDL
properties).  The model (`physec.regmap`) reads the same RDL at import.
`model/tests/test_regmap.py` regenerates every file and compares it with the committed
one, compiles the C header with the system C compiler and compares its offsets and
masks with systemrdl-compiler's; nothing is downloaded at test time.

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
- Throughput: one request (read or write) reaches the registers per clock; when a
  read and a write both wait they alternate.  At most two requests are in flight
  (accepted, response not yet taken) besides one held address per channel, so the
  block accepts up to three writes (or reads) before their responses are taken.
  `AWREADY`, `WREADY` and `ARREADY` depend only on the block's state (no
  combinational path from an input).  In an idle block a write takes effect at the
  clock edge after the later of its `AW` and `W` handshakes, where `BVALID` rises, and
  a read samples its register in the clock after its `AR` handshake, at whose end
  `RVALID` rises; with responses waiting, a request waits for its turn.
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

Both refusals come one clock after the pulse, which is high in the first clock of
`BVALID`, and `EVENTS` latches them at the end of that clock; a read samples its
register in the clock after its `AR` handshake, so a read issued after the command's
write response sees the refusal when the top passes the pulses through without extra
register stages (with k extra stages, wait k clocks more).

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
counter input's value in the clock the read reaches the registers (in an idle block
the clock after its `AR` handshake); counters are not
latched or cleared by reads, and software cannot clear them (only `rst` does, in
the stages that own them).  The RX counters and the TX frame counter wrap at 2^32
(take differences modulo 2^32); the TX FIFO underflow and overflow counts saturate
at FFFFFFFF.  Each register reads one counter atomically; two counters read one
after the other may belong to different clocks.

## Interrupt

`irq` (an output of `physec_csr` and `physec_core`) is a level: high while any bit of
`IRQ_STATUS & IRQ_ENABLE` is 1.  Each `IRQ_STATUS` bit is set in the clock after its
counter changes (the field's `irq_counter` in the RDL: tag failures, losses of lock,
replayed PNs, RX key switches, TX FIFO underflow and overflow) and stays set until
software writes 1 to it; a change in the clock of that write wins, so no event is
lost.  A counter that saturated (the TX FIFO counts at FFFFFFFF) no longer changes and
sets no more events.  `IRQ_ENABLE` is 0 after reset: enable, then on `irq` read
`IRQ_STATUS`, read the counters that tell how many events happened, and clear the bits
read.
"""


def _hex(v: int) -> str:
    return f"{v:08X}"


# --------------------------------------------------------------------------- CLI

def cmd_regmap(a) -> int:
    if a.md:
        sys.stdout.write(to_markdown())
        return 0
    if a.check:
        stale = stale_artifacts()
        for rel in stale:
            print(f"physec regmap: {rel} is not what rtl/csr/physec_csr.rdl generates (run `make regmap`)",
                  file=sys.stderr)
        return 1 if stale else 0
    for rel, text in artifacts().items():
        (ROOT / rel).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / rel).write_text(text)
        print(f"physec regmap: wrote {rel}")
    return 0


def add_cli(sub) -> None:
    """The `physec regmap` subcommand (called from physec.cli.parser)."""
    p = sub.add_parser("regmap", help="generate the CSR register block, C header, docs and IP-XACT from the RDL",
                       description="Generate every file that PeakRDL makes from rtl/csr/physec_csr.rdl "
                                   "(--write), check that the committed ones are up to date (--check), or "
                                   "print docs/registers.md (--md).")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true", help="write the generated files into the repository")
    g.add_argument("--check", action="store_true", help="exit 1 if a committed generated file is stale")
    g.add_argument("--md", action="store_true", help="print the Markdown register documentation")
    p.set_defaults(func=cmd_regmap)
