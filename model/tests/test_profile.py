# SPDX-License-Identifier: Apache-2.0
"""Profiles: derived geometry, validation, and the RTL package generated from them."""
from pathlib import Path

import pytest

from physec.frame import am_line_bytes
from physec.profile import PROFILES, Profile, get_profile
from physec.profile_pkg import to_sv_package

ROOT = Path(__file__).resolve().parents[2]


def test_default_profile_matches_the_brief():
    p = PROFILES["100g"]
    assert (p.frame_bits, p.words_per_frame, p.header_bits, p.n_slots, p.fill_bits) == (657920, 2570, 1280, 2555, 5)
    assert (p.am_bits, p.pad_bits, p.oh_bits, p.payload_bits) == (480, 480, 320, 656640)
    assert p.payload_bits // 128 == 5130                      # AES blocks of payload
    assert 160_570 < p.frame_rate < 160_575 and 2432 < p.cm_nominal < 2433


def test_am_markers_keep_their_structure():
    """The rules of IEEE 802.3 Table 119-2 that the marker values must obey, whatever their
    source: a typo in one byte breaks one of them (spec 5.2)."""
    for name in PROFILES:
        lanes = PROFILES[name].am_lanes
        for lane in lanes:
            assert lane[0:3] == bytes([0x9A, 0x4A, 0x26])                     # CM0..2, common
            assert bytes(~b & 0xFF for b in lane[0:3]) == lane[4:7]           # CM3..5 = ~CM0..2
            assert bytes(~b & 0xFF for b in lane[8:11]) == lane[12:15]        # UM3..5 = ~UM0..2
            assert lane[11] == ~lane[7] & 0xFF                                # UP2 = ~UP1
        assert len({lane[8:11] for lane in lanes}) == len(lanes)              # UM0..2 name the lane
        assert len({lane[3] for lane in lanes}) == len(lanes)                 # so does UP0
    # IEEE bytes are sent LSB first: 0x9A = 10011010b is sent 0,1,0,1,1,0,0,1 -> line byte 0x59.
    assert am_line_bytes(PROFILES["100g"])[:3] == bytes([0x59, 0x52, 0x64])


def test_400g_markers_are_the_16_lanes_with_the_100g_four_first():
    a100, a400 = PROFILES["100g"].am_lanes, PROFILES["400g"].am_lanes
    assert len(a400) == 16 and a400[:4] == a100 and PROFILES["400g"].am_bits == 16 * 120
    # Lane 0 as the design brief lists it (the 100g profile's source), byte for byte.
    assert a100[0] == bytes.fromhex("9A4A26B665B5D9D90171F326FE8E0C")


def test_committed_rtl_package_is_generated_from_the_model():
    assert (ROOT / "rtl/frame/physec_profile_pkg.sv").read_text() == to_sv_package(PROFILES["100g"]), \
        "run: .venv/bin/physec profile --sv > rtl/frame/physec_profile_pkg.sv"


def test_invalid_profiles_are_refused():
    p = PROFILES["100g"]
    with pytest.raises(ValueError, match="slots"):
        Profile(**{**p.__dict__, "n_slots": 2600}).validate()
    with pytest.raises(ValueError, match="whole bytes"):
        Profile(**{**p.__dict__, "oh_bits": 324}).validate()
    # A header that is not whole words is valid (100g at 512 bits: 2.5 words, spec 5.1).
    assert Profile(**{**p.__dict__, "word_bits": 512}).validate().header_tail_bits == 256
    with pytest.raises(ValueError, match="unknown profile"):
        get_profile("10g")
