# SPDX-License-Identifier: Apache-2.0
"""Vector sets streamed (vectorset's tx_frames, tx_counts, RxTaps, the streamed check,
verify, roundtrip) against the whole-list definitions they replace: ``generate`` and
``rx_tap_values`` on whole arrays, and the first-difference messages of the check."""
import io
import json
import shutil

import numpy as np
import pytest
from test_cli import _rehash, run
from test_fuzz_vectors import check_outcome, run_main

from physec import trafficstream as ts
from physec.frame import Deframer, deframe, line_bits
from physec.hexio import rows_to_ints
from physec.pcapio import read_frames, write_frames
from physec.profile import get_profile
from physec.progress import Progress
from physec.scenario import SCENARIOS, impair, rx_tap_values
from physec.sec import CUT_THROUGH, STORE_AND_FORWARD, SecRx
from physec.traffic import expected_rx, make_traffic
from physec import vectorset as vs
from physec.vectorset import RxTaps, Recipe, _pack_le, _valid_of, frame_rows, generate, sec_tx, tx_counts, tx_frames
from physec.hexio import ints_to_rows


def streamed(recipe, src, min_line_frames=0):
    """Every transmitter tap of tx_frames as ints, in the order generate makes them."""
    p = get_profile(recipe.profile)
    taps = {"cgmii": [], "66b": [], "257b": [], "gap": []}

    def on_piece(frames, gaps, starts, cg, b66, b257):
        from physec.hexio import b66_rows, b257_rows, cgmii_rows
        taps["cgmii"] += rows_to_ints(cgmii_rows(cg))
        taps["66b"] += rows_to_ints(b66_rows(b66))
        taps["257b"] += rows_to_ints(b257_rows(b257))
        taps["gap"] += [int(g) for g in gaps]
    for k, f, valid in tx_frames(p, recipe, src, sec_tx(recipe), on_piece, min_line_frames):
        for name, rows in frame_rows(p, f, valid, recipe.mode).items():
            taps.setdefault(name, []).extend(rows_to_ints(rows))
    return taps


@pytest.mark.parametrize("traffic,n,seed,piece,profile,ppm,mode,min_line", [
    ("default", 40, 3, 7, "100g", 0.0, "encrypt", 0),
    ("bulk", 12, 2, 5, "100g", 0.0, "encrypt", 0),
    ("default", 30, 1, 4, "100g", -10000.0, "encrypt", 0),      # slow client: PCS output left over at the end
    ("default", 30, 1, 4, "100g", 10000.0, "auth", 0),
    ("default", 9, 5, 2048, "400g", -150.0, "encrypt", 0),
    ("bulk", 3, 7, 1, "100g", 0.0, "bypass", 12),                # more line frames than the client needs
])
def test_streamed_transmitter_equals_generate(traffic, n, seed, piece, profile, ppm, mode, min_line):
    recipe = Recipe(traffic, n, seed, profile, ppm, mode)
    want, _, frames = generate(recipe, make_traffic(traffic, n, seed), min_line_frames=min_line)
    src = ts.source(traffic, n, seed, piece)
    got = streamed(recipe, src, min_line)
    assert list(got) == list(want)
    for name in want:
        assert got[name] == want[name], name
    counts = tx_counts(get_profile(profile), src, mode, min_line)
    assert counts == {name: len(v) for name, v in want.items()}


def test_valid_words_both_ways():
    rng = np.random.default_rng(2)
    for bits in (1, 2, 4):
        for n in (0, 1, 7, 2570):
            v = rng.integers(0, 1 << bits, n)
            want = sum(int(x) << (bits * c) for c, x in enumerate(v))
            assert _pack_le(v, bits) == want
            if n:
                assert (_valid_of(ints_to_rows([want], (bits * n + 7) // 8)[0], bits, n) == v).all()
    v = np.array([3, 0, 5])                  # a value wider than its field: the formula, overlaps and all
    assert _pack_le(v, 2) == sum(int(x) << (2 * c) for c, x in enumerate(v))


@pytest.mark.parametrize("policy", [CUT_THROUGH, STORE_AND_FORWARD])
@pytest.mark.parametrize("case", ["clean", "payload_flip", "bit_slip", "am_loss"])
def test_streamed_receiver_taps_equal_the_whole_run(policy, case):
    """RxTaps on a Deframer fed in odd pieces = rx_tap_values of deframe on the whole line
    (status words wait for verdicts that come with the next frame)."""
    sc = SCENARIOS[case]
    recipe = Recipe("default", sc.frames, 1, "100g", 0.0, "encrypt")
    p = get_profile("100g")
    _, _, frames = generate(recipe, make_traffic("default", sc.frames, 1), min_line_frames=sc.min_line_frames)
    bits = impair(sc, p, line_bits(frames), [f.map.cm for f in frames]).bits
    link, keys = vs.test_keys(1)
    sfx = "_sf" if policy == STORE_AND_FORWARD else ""
    want = {k.removesuffix(sfx) if sfx else k: v for k, v in rx_tap_values(deframe(p, bits, SecRx(keys, link, policy)),
                                                                           policy).items()}
    line = np.packbits(bits).tobytes()
    d, rt = Deframer(p, SecRx(keys, link, policy)), RxTaps()
    got = {"blocks": [], "66b": [], "status": []}
    for i in range(0, len(line), 30011):
        for kind, rows in rt.rows(d.feed(line[i:i + 30011])).items():
            got[kind] += rows_to_ints(rows)
    for kind, rows in rt.rows(d.finish(), final=True).items():
        got[kind] += rows_to_ints(rows)
    assert got["blocks"] == want["rx257b"] and got["66b"] == want["rx66b"] and got["status"] == want["rxstat"]
    from physec.xcode257 import Blocks257, detranscode_257b
    assert rt.bad == int(detranscode_257b(Blocks257.from_ints(want["rx257b"]))[1].sum())


# ---- the streamed check names what the whole-list check named ---------------------------

@pytest.fixture(scope="module")
def pset(tmp_path_factory):
    d = tmp_path_factory.mktemp("p") / "set"
    rc, out, err = run_main(["vectors", "--traffic", "default", "--frames", "4", "--seed", "3", "--out", str(d)])
    assert rc == 0, err
    return d


WHERE = {"cgmii": "cgmii -> encode_66b vs 66b.hex", "66b": "cgmii -> encode_66b vs 66b.hex",
         "257b": "66b.hex -> transcode_257b vs 257b.hex", "cfg": "cfg.hex vs the manifest and the model receiver",
         "rxcnt": "rxcnt.hex vs the manifest and the model receiver",
         **{n: f"model RX (cut-through) on line.hex vs {n}.hex" for n in ("rx257b", "rx66b", "rxstat")},
         **{n: f"framer(257b.hex, valid.hex) vs {n}.hex" for n in ("line", "oh", "pad", "cm", "slotmap",
                                                                    "line_plain", "iv", "h", "j0", "ekj0",
                                                                    "ghash", "tag", "keystream")}}


def _edit(d, name, word, text=None):
    """Word ``word`` of tap ``name``: its last digit changed (or the line replaced by ``text``)."""
    lines = (d / f"{name}.hex").read_bytes().split(b"\n")
    i = next(i for i, ln in enumerate(lines) if not ln.startswith(b"//")) + word
    lines[i] = text if text is not None else lines[i][:-1] + (b"1" if lines[i][-1:] != b"1" else b"2")
    (d / f"{name}.hex").write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("name", sorted(WHERE))
def test_check_names_the_first_difference_of_every_tap(pset, tmp_path, name):
    man = json.loads((pset / "manifest.json").read_text())
    word = man["counts"][name] * 2 // 3
    d = tmp_path / "c"
    shutil.copytree(pset, d)
    _edit(d, name, word)
    _rehash(d)
    rc, out, err = run_main(["check", "--vectors", str(d)])
    check_outcome(rc, out, err)
    assert rc == 1 and f"FAIL: {WHERE[name]}: first difference at word {word}: " in err, err


def test_check_frames_and_precedence(pset, tmp_path):
    d = tmp_path / "c"
    shutil.copytree(pset, d)
    b = bytearray((d / "frames.pcap").read_bytes())
    b[-5] ^= 1                                          # a payload byte of the last frame
    (d / "frames.pcap").write_bytes(bytes(b))
    _rehash(d)
    rc, out, err = run_main(["check", "--vectors", str(d)])
    assert rc == 1 and "RX: received 4 frames differ from the 4 in frames.pcap" in err, err
    # A difference early in one file and a bad line late in another: the bad line is the
    # answer (exit 2), as when every file was read before the first comparison.
    shutil.rmtree(d)
    shutil.copytree(pset, d)
    _edit(d, "66b", 3)
    n = json.loads((pset / "manifest.json").read_text())["counts"]["rxstat"]
    _edit(d, "rxstat", n - 1, b"zz")
    _rehash(d)
    rc, out, err = run_main(["check", "--vectors", str(d)])
    check_outcome(rc, out, err)
    assert rc == 2 and "rxstat.hex:" in err and "expected 32 hex digits" in err, err
    # A word too few in a later file: its count, not the difference it causes.
    shutil.rmtree(d)
    shutil.copytree(pset, d)
    lines = (d / "rx66b.hex").read_bytes().split(b"\n")
    del lines[10]
    (d / "rx66b.hex").write_bytes(b"\n".join(lines))
    _rehash(d)
    rc, out, err = run_main(["check", "--vectors", str(d)])
    assert rc == 2 and "rx66b.hex: " in err and "words, the manifest counts" in err, err


def test_verify_reads_the_whole_capture_first(pset, tmp_path):
    gold = (pset / "line.hex").read_bytes()
    cap = tmp_path / "cap.hex"
    cap.write_bytes(gold + b"// more\nzz\n")            # good words, then a bad line past the golden end
    rc, out, err = run_main(["verify", "--vectors", str(pset), "--line", str(cap)])
    assert rc == 2 and f"{cap}:" in err, err
    lines = gold.split(b"\n")
    lines[5] = lines[5][:-1] + (b"1" if lines[5][-1:] != b"1" else b"2")
    cap.write_bytes(b"\n".join(lines) + b"zz\n")      # a difference at word 2, a bad last line
    rc, out, err = run_main(["verify", "--vectors", str(pset), "--line", str(cap)])
    assert rc == 2 and "expected 64 hex digits" in err, err
    cap.write_bytes(b"\n".join(lines))
    rc, out, err = run_main(["verify", "--vectors", str(pset), "--line", str(cap)])
    assert rc == 1 and "frame 0, word 2, bit 25" in err, err
    cap.write_bytes(b"\n".join(gold.split(b"\n")[:3 + 2570 + 7]) + b"\n")
    rc, out, err = run_main(["verify", "--vectors", str(pset), "--line", str(cap)])
    assert rc == 1 and "the capture ends after 2577 words; the golden line has" in err, err
    cap.write_bytes(b"// two words first\n" + b"0" * 64 + b"\n" + b"1" * 64 + b"\n" + gold)
    rc, out, err = run_main(["verify", "--vectors", str(pset), "--line", str(cap), "--skip", "2"])
    assert rc == 0 and "identical" in out, err


def test_roundtrip_in_pieces(tmp_path):
    tr = make_traffic("default", 9000, 4)              # more than one piece of 4096 frames
    p = tmp_path / "in.pcap"
    write_frames(p, tr.frames)
    rc, out, err = run_main(["roundtrip", "--pcap", str(p), "--out", str(tmp_path / "o.pcap")])
    assert rc == 0 and out.startswith("9000 frames -> ") and "9000 good" in out and "identical: True" in out
    assert read_frames(tmp_path / "o.pcap") == expected_rx(tr.frames)
    from physec.pcs import pcs_tx
    from physec.traffic import Traffic
    tx = pcs_tx(Traffic(tr.frames, [12] * len(tr.frames), "pcap", None))
    assert f"-> {len(tx.b66)} 66b -> {len(tx.b257)} 257b ->" in out


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_only():
    t = [0.0]
    tty = _Tty()
    pr = Progress("check", 200, stream=tty, clock=lambda: t[0])
    for k in range(1, 101):
        t[0] = k * 0.1
        pr.update(k)
    pr.close()
    text = tty.getvalue()
    assert "physec: check: 100 of 200 line frames (50 %), 10.0/s, 0:10 left" in text
    assert text.count("\r") >= 20 and text.endswith("\r\x1b[K")
    quiet = io.StringIO()
    pr = Progress("check", 200, stream=quiet, clock=lambda: t[0])
    pr.update(5)
    pr.close()
    assert quiet.getvalue() == ""
    pr = Progress("x", stream=None)
    pr.update(1)
    pr.close()


def test_cli_shows_progress_only_on_a_terminal(pset):
    r = run("check", "--vectors", str(pset))
    assert r.returncode == 0 and "\r" not in r.stderr and "left" not in r.stderr
