# SPDX-License-Identifier: Apache-2.0
"""Frame profiles: every number of the frame geometry, rates and thresholds, as data.

A new geometry is a new :class:`Profile`, never a code change.  The RTL takes the
same numbers from ``rtl/frame/physec_profile_pkg.sv``, which
``physec profile --sv`` generates from here through :mod:`physec.profile_pkg` (a test
keeps the two identical).  A profile is data: this module imports no stage; the stages
import it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

# IEEE 802.3 Table 119-2 (400GBASE-R) alignment markers, PCS lanes 0..15, fields
# {CM0 CM1 CM2 UP0 CM3 CM4 CM5 UP1 UM0 UM1 UM2 UP2 UM3 UM4 UM5} in IEEE notation (each
# byte sent LSB first; converted to line order in frame.py only).  The one place the
# marker values live: spec 5.2 gives each lane's sources and confidence, chapter 9 what
# stays an assumption.  CM0..CM2 are common to all lanes; CM3..CM5 = ~CM0..CM2,
# UM3..UM5 = ~UM0..UM2 and UP2 = ~UP1 in every lane (test_profile checks it).
AM_IEEE_400G = tuple(bytes.fromhex(h) for h in (
    "9A4A26B665B5D9D90171F326FE8E0C", "9A4A260465B5D9675ADE7E98A52181",
    "9A4A264665B5D9FE3EF35601C10CA9", "9A4A265A65B5D9848680D07B797F2F",
    "9A4A26E165B5D9192A51F2E6D5AE0D", "9A4A26F265B5D94E124FD1B1EDB02E",
    "9A4A263D65B5D9EE429CA111BD635E", "9A4A262265B5D932D6765BCD2989A4",
    "9A4A266065B5D99FE17375601E8C8A", "9A4A266B65B5D9A271C43C5D8E3BC3",
    "9A4A26FA65B5D90495EBD8FB6A1427", "9A4A266C65B5D9712266388EDD99C7",
    "9A4A261865B5D95BA2F695A45D096A", "9A4A261465B5D9CC3197C333CE683C",
    "9A4A26D065B5D9B1CAFBA64E350459", "9A4A26B465B5D956A6BA79A9594586",
))
# The 100g profile's four markers are lanes 0..3 of the same table (as in ITU-T G.709.1
# Table 9-1 for a 100G FlexO instance).
AM_IEEE_100G = AM_IEEE_400G[:4]

# Line word widths the RTL is built for (its WORD_BITS parameter); a profile names its
# default, Profile.at_width gives the same frame at another (spec 4.1, 5.1, 7.3).
WORD_WIDTHS = (256, 512, 1024)


@dataclass(frozen=True)
class Profile:
    name: str
    frame_bits: int              # bits per frame on the line (header + payload)
    word_bits: int               # RTL line word width (the default; at_width for another)
    am_lanes: tuple              # alignment markers, IEEE notation, 15 bytes each
    pad_bits: int                # PAD field (security parameters)
    oh_bits: int                 # overhead (MFAS, STAT, JC1..JC6, reserved, CRC-16)
    slot_bits: int               # GMP slot = one 257b block
    n_slots: int                 # Pm,server: payload slots per frame
    multiframe: int              # frames per multiframe
    client_blocks_per_s: float   # nominal client rate in 257b blocks/s
    line_rate: float             # line rate in b/s, of which frame_fraction carries frames
    frame_fraction: Fraction = Fraction(5140, 5440)
    fifo_depth: int = 64         # mapper client FIFO, 257b blocks
    fifo_target: int = 16        # FIFO level the Cm rule steers to at frame starts
    lock_good: int = 2           # consecutive good AMs at frame spacing to lock
    lock_bad: int = 3            # consecutive bad AMs to lose lock
    extra: dict = field(default_factory=dict, compare=False)

    # ---- derived ----
    @property
    def am_bits(self) -> int:
        return 120 * len(self.am_lanes)

    @property
    def header_bits(self) -> int:
        return self.am_bits + self.pad_bits + self.oh_bits

    @property
    def payload_bits(self) -> int:
        return self.frame_bits - self.header_bits

    @property
    def fill_bits(self) -> int:
        return self.payload_bits - self.n_slots * self.slot_bits

    @property
    def words_per_frame(self) -> int:
        return self.frame_bits // self.word_bits

    @property
    def header_words(self) -> int:
        """Line words holding header bits: the last one is shared with the payload when
        the header is not whole words (header_tail_bits > 0)."""
        return -(-self.header_bits // self.word_bits)

    @property
    def header_tail_bits(self) -> int:
        """Header bits in the last header word (its top bits, sent first), 0 when the
        header is whole words; the payload starts in that word after them (spec 5.1)."""
        return self.header_bits % self.word_bits

    @property
    def clock_hz(self) -> float:
        """The word clock at one line word per clock: frame_rate * words_per_frame, i.e.
        line_rate * frame_fraction / word_bits (the frames' share of the line rate)."""
        return self.line_rate * float(self.frame_fraction) / self.word_bits

    @property
    def pad_bytes(self) -> int:
        return self.pad_bits // 8

    @property
    def oh_bytes(self) -> int:
        return self.oh_bits // 8

    @property
    def frame_rate(self) -> float:
        return self.line_rate * float(self.frame_fraction) / self.frame_bits

    @property
    def cm_nominal(self) -> float:
        """Mean client blocks per frame at the nominal rates."""
        return self.client_blocks_per_s / self.frame_rate

    @property
    def cm_init(self) -> int:
        """Whole part of the nominal client blocks per frame: the Cm rule's feed-forward."""
        return int(self.cm_nominal)

    def at_width(self, word_bits: int | None) -> "Profile":
        """The same frame carried in ``word_bits``-bit line words (None: the profile's own),
        validated: the line bits do not change, only their grouping into clocks."""
        if word_bits is None or word_bits == self.word_bits:
            return self
        if isinstance(word_bits, bool) or not isinstance(word_bits, int):
            raise ValueError(f"profile {self.name}: word_bits must be an integer, got {word_bits!r}")
        return replace(self, word_bits=word_bits).validate()

    def validate(self) -> "Profile":
        errs = []
        if self.word_bits not in WORD_WIDTHS:
            errs.append(f"word_bits {self.word_bits} is not one of the RTL's widths "
                        f"{', '.join(map(str, WORD_WIDTHS))}")
        elif self.frame_bits % self.word_bits:
            errs.append(f"frame_bits {self.frame_bits} is not a multiple of word_bits {self.word_bits}")
        if self.pad_bits % 8 or self.oh_bits % 8:
            errs.append("PAD and OH must be whole bytes")
        if self.oh_bytes < 10:
            errs.append("OH needs at least 10 bytes (MFAS, STAT, JC1..JC6, CRC-16)")
        if any(len(a) != 15 for a in self.am_lanes):
            errs.append("each AM lane is 15 bytes (120 bits)")
        if not 0 <= self.fill_bits < self.slot_bits:
            errs.append(f"payload of {self.payload_bits} bits does not hold {self.n_slots} slots "
                        f"with 0..{self.slot_bits - 1} fill bits")
        if self.slot_bits - 1 > self.word_bits:
            errs.append("the RTL gearbox needs slot_bits - 1 <= word_bits (a slot spans at most two words)")
        if self.n_slots >= 1 << 14:
            errs.append("Cm is 14 bits: n_slots must be < 16384")
        if not 0 < self.cm_nominal < self.n_slots:
            errs.append(f"nominal Cm {self.cm_nominal:.1f} must lie in (0, {self.n_slots})")
        if not 0 < self.fifo_target < self.fifo_depth:
            errs.append("fifo_target must lie in (0, fifo_depth)")
        if errs:
            raise ValueError(f"profile {self.name}: " + "; ".join(errs))
        return self


PROFILES = {
    "100g": Profile("100g", frame_bits=128 * 5140, word_bits=256, am_lanes=AM_IEEE_100G, pad_bits=480,
                    oh_bits=320, slot_bits=257, n_slots=2555, multiframe=8,
                    client_blocks_per_s=100e9 / 256, line_rate=111.809973e9).validate(),
    # FlexO-4 (ITU-T G.709.1 clause 13): four 100G FlexO geometries in one frame, 1024-bit
    # words; AM = the 16 lanes of Table 119-2 in lane order (spec 4.1, 5.2; chapter 9 item 9).
    "400g": Profile("400g", frame_bits=4 * 128 * 5140, word_bits=1024, am_lanes=AM_IEEE_400G,
                    pad_bits=1920, oh_bits=1280, slot_bits=257, n_slots=10220, multiframe=8,
                    client_blocks_per_s=400e9 / 256, line_rate=4 * 111.809973e9,
                    fifo_depth=128, fifo_target=32).validate(),
}
DEFAULT_PROFILE = "100g"


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}") from None
