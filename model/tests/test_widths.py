# SPDX-License-Identifier: Apache-2.0
"""Line word widths (spec 4.1, 5.1, 7.3): a profile at 256, 512 or 1024 bits, and the
committed sets at other widths, read here from their text without the model's readers."""
import json
import re
import shutil
from pathlib import Path

import pytest

from physec.cli import main
from physec.profile import PROFILES, WORD_WIDTHS, get_profile
from physec.profile_pkg import to_sv_package

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
CLEAN_256 = VECTORS / "scenarios" / "clean"
CLEAN_512 = VECTORS / "widths" / "100g_512" / "clean"
CLEAN_400G = VECTORS / "widths" / "400g_1024" / "clean"


def test_the_widths_of_each_profile():
    """Words per frame, header words and the word clock, from the frame's numbers by hand:
    100g F = 128 x 5140 bits, H = 1280; 400g F = 4 x that, H = 5120; frames at
    111.809973 Gb/s x 5140/5440 per 100G (clock = that rate / W)."""
    rate = 111.809973e9 * 5140 / 5440
    want = {("100g", 256): (2570, 5, 0, rate / 256), ("100g", 512): (1285, 3, 1280 - 1024, rate / 512),
            ("400g", 1024): (2570, 5, 0, 4 * rate / 1024), ("400g", 512): (5140, 10, 0, 4 * rate / 512),
            ("400g", 256): (10280, 20, 0, 4 * rate / 256)}
    for (name, w), (wpf, hw, tail, clk) in want.items():
        p = get_profile(name).at_width(w)
        assert (p.word_bits, p.words_per_frame, p.header_words, p.header_tail_bits) == (w, wpf, hw, tail)
        assert p.clock_hz == pytest.approx(clk, rel=1e-12)
    assert round(get_profile("100g").clock_hz / 1e6, 1) == 412.7                 # the figures
    assert round(get_profile("100g").at_width(512).clock_hz / 1e6, 2) == 206.34
    assert round(get_profile("400g").clock_hz / 1e6, 1) == 412.7
    # The frame does not change with the width, only its grouping into clocks.
    p, q = get_profile("100g"), get_profile("100g").at_width(512)
    assert (q.frame_bits, q.header_bits, q.n_slots, q.fill_bits, q.cm_init) == \
        (p.frame_bits, p.header_bits, p.n_slots, p.fill_bits, p.cm_init)
    assert p.at_width(None) is p and p.at_width(256) is p and PROFILES["100g"].word_bits == 256


def test_bad_widths_are_refused():
    p = get_profile("100g")
    with pytest.raises(ValueError, match="657920 is not a multiple of word_bits 1024"):
        p.at_width(1024)                                  # 642.5 words: the frame does not divide
    for w in (128, 300, 2048):
        with pytest.raises(ValueError, match="not one of the RTL's widths 256, 512, 1024"):
            p.at_width(w)
    with pytest.raises(ValueError, match="must be an integer"):
        p.at_width(True)
    assert WORD_WIDTHS == (256, 512, 1024)


def test_rtl_package_at_512_bits():
    """HEADER_WORDS counts the word shared by the header's last 256 bits and the payload;
    the default package is the committed one (test_profile)."""
    sv = to_sv_package(get_profile("100g").at_width(512))
    got = dict(re.findall(r"localparam int (\w+) += (\d+);", sv))
    assert (got["WORD_BITS"], got["WORDS_PER_FRAME"], got["HEADER_BITS"], got["HEADER_WORDS"]) == \
        ("512", "1285", "1280", "3")
    assert "physec profile --name 100g --word-bits 512 --sv" in sv
    assert "--word-bits" not in to_sv_package(get_profile("400g"))


def test_cli_width_options(tmp_path, capsys):
    assert main(["profile", "--word-bits", "512"]) == 0
    out = capsys.readouterr().out
    assert "1285 x 512-bit words at 206.34 MHz" in out and "header 1280 bits in 3 words" in out
    assert main(["profile", "--word-bits", "1024"]) == 2
    assert "not a multiple of word_bits 1024" in capsys.readouterr().err
    assert main(["vectors", "--frames", "2", "--word-bits", "384", "--out", str(tmp_path / "v")]) == 2
    assert "not one of the RTL's widths" in capsys.readouterr().err
    # A schedule given in 256-bit clocks has no form at another width.
    assert main(["vectors", "--scenario", "client_rate", "--frames", "0", "--word-bits", "512",
                 "--out", str(tmp_path / "c")]) == 2
    assert "client schedule is given in clocks of 256-bit words" in capsys.readouterr().err


def _tap(path):
    """(width from the header, words) of a tap file, parsed here."""
    text = path.read_text().splitlines()
    w = next(int(m.group(1)) for s in text if (m := re.match(r"// \d+ words of (\d+) bits", s)))
    return w, [s for s in text if s and not s.startswith("//")]


def _bits(path):
    w, words = _tap(path)
    assert all(len(s) == w // 4 for s in words)
    return w, "".join(f"{int(s, 16):0{w}b}" for s in words)


def test_512_and_256_lines_are_the_same_bits():
    """The clean set at 512 and at 256 bits: the same recipe, the same bit stream; only the
    packing differs (word k at 512 = words 2k, 2k+1 at 256).  Every per-frame tap and every
    receiver tap is the same file; the valid schedule of 512-bit clock c is the sum of
    256-bit clocks 2c and 2c+1."""
    w1, a = _bits(CLEAN_256 / "line.hex")
    w2, b = _bits(CLEAN_512 / "line.hex")
    assert (w1, w2) == (256, 512) and len(a) == 6 * 657920 and a == b
    m1, m2 = (json.loads((d / "manifest.json").read_text()) for d in (CLEAN_256, CLEAN_512))
    assert (m1["word_bits"], m2["word_bits"], m2["counts"]["line"]) == (256, 512, 6 * 1285)
    same = ["66b", "257b", "oh", "pad", "cm", "slotmap", "iv", "tag", "keystream", "rx257b", "rx66b", "rxstat",
            "rx257b_sf", "rxstat_sf", "rxcnt", "rxcnt_sf"]
    for name in same:
        assert (CLEAN_256 / f"{name}.hex").read_bytes() == (CLEAN_512 / f"{name}.hex").read_bytes(), name
    (v1, s1), (v2, s2) = _tap(CLEAN_256 / "valid.hex"), _tap(CLEAN_512 / "valid.hex")
    assert (v1, v2) == (2570, 4 * 1285) and len(s1) == len(s2) == 6
    for x, y in zip(s1, s2):
        x, y = int(x, 16), int(y, 16)
        per256 = [x >> c & 1 for c in range(2570)]
        assert [y >> 4 * c & 15 for c in range(1285)] == [per256[2 * c] + per256[2 * c + 1] for c in range(1285)]
    assert m1["scenario"]["verdicts"] == m2["scenario"]["verdicts"]


@pytest.mark.parametrize("vset, wpf", [(CLEAN_512, 1285), (CLEAN_400G, 2570), (CLEAN_256, 2570)],
                         ids=["100g_512", "400g_1024", "100g_256"])
def test_frames_start_at_word_multiples(vset, wpf):
    """The AM (manifest `am.line`, all lanes) occurs in the line bit stream exactly at the
    bit offsets k F, and F / W = the words per frame: frame k starts at word k * wpf, at
    bit W - 1 of it (searched here at every bit offset)."""
    man = json.loads((vset / "manifest.json").read_text())
    am = "".join(f"{int(x, 16):0120b}" for x in man["am"]["line"])
    w, bits = _bits(vset / "line.hex")
    found, i = [], bits.find(am)
    while i >= 0:
        found.append(i)
        i = bits.find(am, i + 1)
    frames = man["counts"]["line"] // wpf
    assert w == man["word_bits"] and man["counts"]["line"] == frames * wpf and frames >= 5
    assert found == [k * wpf * w for k in range(frames)]


def _copy(src, dst):
    shutil.copytree(src, dst)
    return dst, json.loads((dst / "manifest.json").read_text())


def _save(d, man):
    (d / "manifest.json").write_text(json.dumps(man, indent=2) + "\n")


def test_check_refuses_a_set_whose_files_disagree_with_its_width(tmp_path, capsys):
    """`physec check` verifies the set at its stated width (`--word-bits`: only at that one),
    and refuses a manifest and line files of different widths, naming both."""
    assert main(["check", "--vectors", str(CLEAN_512), "--word-bits", "256"]) == 2
    assert "the set is at word_bits 512, not the 256 asked for" in capsys.readouterr().err
    # The manifest says 256, the files (hashes intact) are 512-bit words.
    d, man = _copy(CLEAN_512, tmp_path / "a")
    man["word_bits"] = 256
    _save(d, man)
    assert main(["check", "--vectors", str(d)]) == 2
    assert "files/line.hex/width is 512, but the set's word_bits is 256" in capsys.readouterr().err
    # The listing follows the manifest too; only line.hex's own header disagrees.
    man["files"]["line.hex"].update(width=256, bit_order=man["files"]["line.hex"]["bit_order"].replace(
        "511", "255").replace("1285", "2570"))
    _save(d, man)
    assert main(["check", "--vectors", str(d)]) == 2
    assert "line.hex: its header says 512-bit words, but the manifest's word_bits is 256" in capsys.readouterr().err
    # A line.hex without the header line that states its width.
    d, man = _copy(CLEAN_512, tmp_path / "b")
    text = (d / "line.hex").read_text().splitlines(keepends=True)
    (d / "line.hex").write_text("".join(s for s in text if not re.match(r"// \d+ words of", s)))
    from physec.vectors import sha256
    man["files"]["line.hex"].update(sha256=sha256(d / "line.hex"), bytes=(d / "line.hex").stat().st_size)
    _save(d, man)
    assert main(["check", "--vectors", str(d)]) == 2
    assert "no '// N words of W bits' header line states its word width" in capsys.readouterr().err
    # A manifest without word_bits is refused by its schema.
    d, man = _copy(CLEAN_512, tmp_path / "c")
    del man["word_bits"]
    _save(d, man)
    assert main(["check", "--vectors", str(d)]) == 2
    assert "'word_bits' is a required property" in capsys.readouterr().err


def test_header_fields_at_512_bits_are_where_spec_5_1_puts_them():
    """Spec 5.1's 512-bit table, read out of the committed line.hex and compared with the
    set's own pad.hex and oh.hex (other files of the same set): PAD bytes 0..3 in word 0
    [31:0], 4..59 in word 1 [511:64], OH bytes 0..7 in word 1 [63:0], 8..39 in word 2
    [511:256]; slot 1 starts at word 2 bit 255."""
    _, words = _tap(CLEAN_512 / "line.hex")
    _, pads = _tap(CLEAN_512 / "pad.hex")
    _, ohs = _tap(CLEAN_512 / "oh.hex")
    for t in range(len(pads)):
        w0, w1, w2 = (int(words[t * 1285 + k], 16) for k in range(3))
        pad, oh = bytes.fromhex(pads[t]), bytes.fromhex(ohs[t])
        assert (w0 & (1 << 32) - 1).to_bytes(4, "big") == pad[:4]
        assert (w1 >> 64).to_bytes(56, "big") == pad[4:]
        assert (w1 & (1 << 64) - 1).to_bytes(8, "big") == oh[:8]
        assert (w2 >> 256).to_bytes(32, "big") == oh[8:]


def test_verify_names_the_field_at_512_bits(tmp_path, capsys):
    """`physec verify` on a 512-bit set counts words and bits at 512: PAD byte 11's last bit
    (frame bit 575, PN LSB) is word 1 [448] (spec 5.1), bit 63 of the word."""
    text = (CLEAN_512 / "line.hex").read_text().splitlines()
    first = next(i for i, s in enumerate(text) if not s.startswith("//"))
    w = int(text[first + 1], 16) ^ 1 << 448
    text[first + 1] = f"{w:0128x}"
    cap = tmp_path / "capture.hex"
    cap.write_text("\n".join(text) + "\n")
    assert main(["verify", "--vectors", str(CLEAN_512), "--line", str(cap)]) == 1
    assert "frame 0, word 1, bit 63 of the word (frame bit 575, PAD.PN (byte 11))" in capsys.readouterr().err


def test_an_impaired_scenario_at_512_bits_is_the_256_line(tmp_path):
    """bit_slip at 512 bits (a bit deleted mid-frame 3): the same impaired line as the
    committed 256-bit set, the same outcome, and its TX compare range counted in 512-bit
    words: [0, q // 512] for the deleted line bit q = 3 F + F / 2."""
    d = tmp_path / "bit_slip"
    assert main(["vectors", "--scenario", "bit_slip", "--seed", "1", "--compact", "--word-bits", "512",
                 "--out", str(d)]) == 0
    ref = VECTORS / "scenarios" / "bit_slip"
    assert _bits(d / "line.hex") == (512, _bits(ref / "line.hex")[1])
    m, r = (json.loads((x / "manifest.json").read_text())["scenario"] for x in (d, ref))
    q = 3 * 657920 + 657920 // 2
    assert r["impairment"]["line_tx_ranges"] == [[0, q // 256]]
    assert m["impairment"]["line_tx_ranges"] == [[0, q // 512]]
    assert (m["verdicts"], m["counters"]) == (r["verdicts"], r["counters"])


@pytest.mark.parametrize("ppm", [0.0, 200.0, -81.0, 10_000.0])
def test_client_schedule_at_a_width_is_the_256_bit_one_grouped(ppm):
    """The test client's rate is fixed per 256 line bits (spec 7.3): over 300 frames the
    schedule at W bits is the 256-bit one summed over W / 256 clocks, so the count offered
    at every frame start is the same.  (A rate rounded per W-bit clock instead drifts: at
    0 ppm the 512-bit numerator is 2 x the 256-bit one + 1; over 300 frames some hundred
    clocks differ, and frame-start counts after some hundred frames.)"""
    from physec.gmp import client_valid
    for name, w in (("100g", 512), ("400g", 1024), ("400g", 512)):
        base, p = get_profile(name).at_width(256), get_profile(name).at_width(w)
        a, b = client_valid(base, 300, ppm), client_valid(p, 300, ppm)
        assert (a.reshape(-1, w // 256).sum(axis=1) == b).all(), (name, w)
        assert len(b) == 300 * p.words_per_frame
