# SPDX-License-Identifier: Apache-2.0
"""The physec CLI: vectors + check, and clear errors (never a traceback) on bad input."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from physec.cli import main
from physec.pcapio import write_frames


def run(*args):
    return subprocess.run([sys.executable, "-m", "physec.cli", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def vset(tmp_path_factory):
    d = tmp_path_factory.mktemp("v") / "set"
    assert main(["vectors", "--traffic", "bulk", "--frames", "20", "--seed", "3", "--out", str(d)]) == 0
    return d


def test_check_passes(vset, capsys):
    assert main(["check", "--vectors", str(vset)]) == 0
    assert "PASS" in capsys.readouterr().out


def _copy(vset, tmp_path):
    d = tmp_path / "c"
    shutil.copytree(vset, d)
    return d


def _rehash(d):
    from physec.vectors import sha256
    man = json.loads((d / "manifest.json").read_text())
    for name in man["files"]:
        man["files"][name]["sha256"] = sha256(d / name)
    (d / "manifest.json").write_text(json.dumps(man))


def test_check_reports_first_difference(vset, tmp_path, capsys):
    d = _copy(vset, tmp_path)
    lines = (d / "257b.hex").read_text().splitlines()
    lines[10] = format(int(lines[10], 16) ^ (1 << 100), "065x")        # word 7 (3 comment lines)
    (d / "257b.hex").write_text("\n".join(lines) + "\n")
    assert main(["check", "--vectors", str(d)]) == 1
    assert "SHA-256 differs" in capsys.readouterr().err
    _rehash(d)
    assert main(["check", "--vectors", str(d)]) == 1
    err = capsys.readouterr().err
    assert "word 7" in err and "FAIL" in err


@pytest.mark.parametrize("damage,message,rehash", [
    (lambda d: (d / "66b.hex").write_text("// x\nzzzzzzzzzzzzzzzzz\n"), "not hexadecimal", True),
    (lambda d: (d / "66b.hex").write_text("123\n"), "expected 17 hex digits", True),
    (lambda d: (d / "66b.hex").write_bytes(b"\xff\xfe\x00"), "not a text file", True),
    (lambda d: (d / "manifest.json").write_text("{"), "not valid JSON", False),
    (lambda d: (d / "manifest.json").write_text('{"format": "other"}'), "format is 'other'", False),
    (lambda d: (d / "frames.pcap").write_bytes((d / "frames.pcap").read_bytes()[:-5]), "truncated", True),
    (lambda d: (d / "cgmii.hex").unlink(), "missing", False),
])
def test_malformed_sets_give_clear_errors(vset, tmp_path, damage, message, rehash):
    d = _copy(vset, tmp_path)
    damage(d)
    if rehash:
        _rehash(d)
    r = run("check", "--vectors", str(d))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert message in r.stderr


def test_bad_arguments(tmp_path):
    r = run("vectors", "--traffic", "nosuch", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "neither a profile" in r.stderr and "Traceback" not in r.stderr
    r = run("vectors", "--frames", "-1", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "--frames must be >= 0" in r.stderr
    r = run("check", "--vectors", str(tmp_path / "none"))
    assert r.returncode == 2 and "no such vector directory" in r.stderr
    assert "golden vector set" in run("--help").stdout


def test_pcap_traffic_and_roundtrip(tmp_path):
    p = tmp_path / "in.pcapng"
    write_frames(p, [bytes([i]) * (30 + 50 * i) for i in range(10)])
    assert main(["vectors", "--traffic", str(p), "--frames", "0", "--out", str(tmp_path / "v")]) == 0
    assert main(["check", "--vectors", str(tmp_path / "v")]) == 0
    assert main(["roundtrip", "--pcap", str(p), "--out", str(tmp_path / "o.pcap")]) == 0


def test_check_catches_a_corrupted_line_word(vset, tmp_path, capsys):
    d = _copy(vset, tmp_path)
    lines = (d / "line.hex").read_text().splitlines()
    lines[3 + 2570 + 4] = format(int(lines[3 + 2570 + 4], 16) ^ (1 << 200), "064x")   # frame 1, word 4 (OH)
    (d / "line.hex").write_text("\n".join(lines) + "\n")
    _rehash(d)
    assert main(["check", "--vectors", str(d)]) == 1
    assert "line.hex: first difference at word 2574" in capsys.readouterr().err


def test_vectors_for_other_profile_and_ppm(tmp_path):
    d = tmp_path / "v400"
    assert main(["vectors", "--traffic", "default", "--frames", "8", "--profile", "400g", "--ppm", "-150",
                 "--out", str(d)]) == 0
    assert main(["check", "--vectors", str(d)]) == 0


@pytest.mark.parametrize("fbit,field", [(5, "AM lane 0 byte 0"), (560, "PAD.PN (byte 10)"),
                                        (480 + 45 * 8, "PAD.TAG (byte 45)"), (960 + 3 * 8, "OH.JC2 (byte 3)"),
                                        (1280 + 257 * 4 + 3, "payload slot 5 bit 3"), (657917, "payload fill")])
def test_verify_names_the_field(vset, tmp_path, fbit, field, capsys):
    lines = (vset / "line.hex").read_text().splitlines()
    i = 3 + 2570 + fbit // 256
    lines[i] = format(int(lines[i], 16) ^ (1 << (255 - fbit % 256)), "064x")
    cap = tmp_path / "cap.hex"
    cap.write_text("\n".join(lines) + "\n")
    assert main(["verify", "--vectors", str(vset), "--line", str(cap)]) == 1
    err = capsys.readouterr().err
    assert f"frame 1, word {fbit // 256}, bit {fbit % 256}" in err and field in err
    assert main(["verify", "--vectors", str(vset), "--line", str(vset / "line.hex")]) == 0


def test_inspect(vset, capsys):
    assert main(["inspect", "--vectors", str(vset), "--frame", "1"]) == 0
    out = capsys.readouterr().out
    assert "MFAS 1" in out and "PN 2" in out and "GCM  tag" in out
    assert main(["inspect", "--vectors", str(vset), "--frame", "99"]) == 2


def test_manifest_schema_violation_is_named(vset, tmp_path):
    d = _copy(vset, tmp_path)
    man = json.loads((d / "manifest.json").read_text())
    man["security"]["keys"]["0"]["salt"] = "00"
    (d / "manifest.json").write_text(json.dumps(man))
    r = run("check", "--vectors", str(d))
    assert r.returncode == 2 and "security/keys/0/salt" in r.stderr and "Traceback" not in r.stderr


# ---- scenario sets --------------------------------------------------------------

@pytest.fixture(scope="module")
def sset(tmp_path_factory):
    d = tmp_path_factory.mktemp("s") / "payload_flip"
    assert main(["vectors", "--scenario", "payload_flip", "--seed", "1", "--compact", "--out", str(d)]) == 0
    return d


def test_scenario_list():
    from physec.scenario import SCENARIOS
    for args in (["vectors", "--list-scenarios"], ["scenarios"]):
        r = run(*args)
        assert r.returncode == 0
        assert [ln.split()[0] for ln in r.stdout.splitlines()] == list(SCENARIOS)


def test_scenario_set_checks_and_names_its_taps(sset, capsys):
    assert main(["check", "--vectors", str(sset)]) == 0
    assert "scenario payload_flip" in capsys.readouterr().out
    man = json.loads((sset / "manifest.json").read_text())
    assert {"rx257b.hex", "rx66b.hex", "rxstat.hex"} <= set(man["files"]) and "cgmii.hex" not in man["files"]
    # frame 3 fails its tag; frames 4, 5 (relative JCs after it) are "stale" (spec 4.4 rule 3)
    assert man["scenario"]["alarms"] == {"sec.tag_failures": 1, "rx.jc_pattern_errors": 2, "rx.unusable_frames": 2}
    assert man["counts"]["rxstat"] == len(man["scenario"]["rx_frames"]) == 5
    assert "impairment" in (sset / "line.hex").read_text().splitlines()[0]


@pytest.mark.parametrize("tap,word", [("rxstat.hex", 1), ("rx257b.hex", 3000), ("rx66b.hex", 5)])
def test_check_catches_a_changed_receiver_tap(sset, tmp_path, tap, word, capsys):
    d = _copy(sset, tmp_path)
    lines = (d / tap).read_text().splitlines()
    i = next(i for i, ln in enumerate(lines) if not ln.startswith("//")) + word
    lines[i] = format(int(lines[i], 16) ^ 4, f"0{len(lines[i])}x")
    (d / tap).write_text("\n".join(lines) + "\n")
    _rehash(d)
    assert main(["check", "--vectors", str(d)]) == 1
    assert f"{tap}: first difference at word {word}" in capsys.readouterr().err


def test_check_catches_a_changed_expectation(sset, tmp_path, capsys):
    d = _copy(sset, tmp_path)
    man = json.loads((d / "manifest.json").read_text())
    man["scenario"]["counters"]["cut-through"]["sec"]["tag_failures"] = 0
    (d / "manifest.json").write_text(json.dumps(man))
    assert main(["check", "--vectors", str(d)]) == 1
    assert "scenario/counters differs" in capsys.readouterr().err


def test_scenario_bad_arguments(tmp_path):
    for args, msg in ((["--scenario", "nope"], "unknown scenario 'nope'"),
                      (["--scenario", "idle", "--frames", "3"], "sends no Ethernet frames"),
                      (["--scenario", "clean", "--security", "auth"], "--scenario sets traffic"),
                      (["--compact"], "--compact applies to --scenario sets only")):
        r = run("vectors", *args, "--out", str(tmp_path / "o"))
        assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    r = run("vectors", "--scenario", "clean")
    assert r.returncode == 2 and "--out DIR is required" in r.stderr


def test_inspect_scenario_frame(sset, capsys):
    assert main(["inspect", "--vectors", str(sset), "--frame", "3"]) == 0
    out = capsys.readouterr().out
    assert "verdict fail (tag mismatch)  released 1" in out and "expected verdict: fail, tag mismatch" in out
    assert main(["inspect", "--vectors", str(sset), "--frame", "0"]) == 0
    assert "not processed" in capsys.readouterr().out


@pytest.mark.parametrize("fbit,field", [(480 + 16, "PAD.AN/flags (byte 2) AN"),
                                        (480 + 18, "PAD.AN/flags (byte 2) tag_valid"),
                                        (960 + 8 + 7, "OH.STAT (byte 1) underflow"),
                                        (960 + 3 * 8 + 6, "OH.JC2 (byte 3) II"),
                                        (960 + 7 * 8 + 5, "OH.JC6 (byte 7) CRC-5"),
                                        (960 + 38 * 8, "OH.CRC16 (byte 38)")])
def test_verify_names_subfields(vset, tmp_path, fbit, field, capsys):
    lines = (vset / "line.hex").read_text().splitlines()
    i = 3 + 2 * 2570 + fbit // 256
    lines[i] = format(int(lines[i], 16) ^ (1 << (255 - fbit % 256)), "064x")
    cap = tmp_path / "cap.hex"
    cap.write_text("\n".join(lines) + "\n")
    assert main(["verify", "--vectors", str(vset), "--line", str(cap)]) == 1
    err = capsys.readouterr().err
    assert f"frame 2, word {fbit // 256}, bit {fbit % 256}" in err and field in err
