# SPDX-License-Identifier: Apache-2.0
"""docs/guide.md's examples are what the tools print today.

Every block marked ``<!-- example -->`` (or ``<!-- example stderr -->``) in the guide: the
commands of the ```sh block after the mark run in a fresh folder whose ``vectors/`` is the
repository's (``physec`` = this checkout's), and their standard output (error) must be the
next fenced block.  Allowed differences, as the guide states: a line ``...`` matches any
number of lines, ``...`` inside a line any text, and run times (``in 0.48 s``) are not
compared.  A mark may name a file to prepare (``capture.hex = <tap> with line word N bit B
flipped``).  The rxstat word explained in prose and the SystemVerilog snippet's word
counts are checked against the committed sets as well, and ``physec roundtrip`` is shown
to say what it compared.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dpkt
import pytest

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "guide.md"
VECTORS = REPO / "vectors"

MARK = re.compile(r"^<!-- example( stderr)?(?:; (.*?))? -->$")
FENCE = re.compile(r"^```(\w*)$")
TIME = re.compile(r"\b\d+\.\d+ s\b")


def examples(text: str) -> list[dict]:
    """[{line, stream, prep, commands, expected}] of every marked example."""
    lines = text.splitlines()
    out = []
    for i, ln in enumerate(lines):
        m = MARK.match(ln)
        if not m:
            continue
        blocks, j = [], i + 1
        while len(blocks) < 2:
            assert j < len(lines), f"guide line {i + 1}: an example needs a command block and an output block"
            f = FENCE.match(lines[j])
            if f:
                k = next(k for k in range(j + 1, len(lines)) if lines[k] == "```")
                blocks.append((f[1], lines[j + 1:k]))
                j = k + 1
            else:
                assert not lines[j].strip() or blocks, f"guide line {j + 1}: text between an example mark and its block"
                j += 1
        (lang, cmds), (_, expected) = blocks
        assert lang == "sh", f"guide line {i + 1}: the example's first block is not ```sh"
        out.append(dict(line=i + 1, stream="stderr" if m[1] else "stdout", prep=m[2], commands=cmds,
                        expected=expected))
    return out


def matches(expected: list[str], got: list[str]) -> bool:
    """Lines equal but for the placeholders: a line '...' = any lines, '...' in a line = any text."""
    def norm(s):
        return TIME.sub("<time> s", s.rstrip())

    def line_ok(e, g):
        parts = [re.escape(p) for p in norm(e).split("...")]
        return re.fullmatch(".*".join(parts), norm(g)) is not None

    def rec(i, j):
        if i == len(expected):
            return j == len(got)
        if expected[i].strip() == "...":
            return any(rec(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and line_ok(expected[i], got[j]) and rec(i + 1, j + 1)

    return rec(0, 0)


def prepare(prep: str, cwd: Path) -> None:
    m = re.fullmatch(r"(\S+) = (\S+) with line word (\d+) bit (\d+) flipped", prep)
    assert m, f"unknown preparation {prep!r}"
    name, src, word, bit = m[1], REPO / m[2], int(m[3]), int(m[4])
    text = src.read_text().splitlines()
    i = [k for k, s in enumerate(text) if not s.startswith("//")][word]
    text[i] = format(int(text[i], 16) ^ (1 << bit), f"0{len(text[i])}x")
    (cwd / name).write_text("\n".join(text) + "\n")


EXAMPLES = examples(GUIDE.read_text())


def test_the_guide_has_its_examples_marked():
    """Each command the guide's section 1 shows is in a checked example."""
    shown = " ".join(c for e in EXAMPLES for c in e["commands"])
    for cmd in ("vectors --traffic", "vectors --scenario", "check", "verify", "inspect", "profile", "roundtrip"):
        assert f"physec {cmd}" in shown, f"no checked example runs physec {cmd}"
    assert len(EXAMPLES) >= 7


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: f"line{e['line']}")
def test_guide_example(ex, tmp_path):
    (tmp_path / "vectors").symlink_to(VECTORS)
    if ex["prep"]:
        prepare(ex["prep"], tmp_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    assert shutil.which("physec", path=env["PATH"]), "physec is not installed in this environment"
    r = subprocess.run(["bash", "-c", "\n".join(ex["commands"])], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=600)
    got = (r.stdout if ex["stream"] == "stdout" else r.stderr).splitlines()
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert matches(ex["expected"], got), (
        f"docs/guide.md line {ex['line']}: the example shows\n  " + "\n  ".join(ex["expected"])
        + f"\nbut {ex['stream']} is\n  " + "\n  ".join(got) + f"\n(exit {r.returncode}; stderr {r.stderr[-500:]})")


def test_placeholders_are_not_rubber_stamps():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"]) and matches(["a", "...", "b"], ["a", "b"])
    assert matches(["x in 0.48 s; ok"], ["x in 12.30 s; ok"]) and matches(["got 00...6df6"], ["got 0000086df6"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["got 00...6df6"], ["got 0000086df7"])
    assert not matches(["16 frames"], ["17 frames"]) and not matches(["a"], ["a", "b"])


def test_rxstat_example():
    """The rxstat word the guide explains is the named set's word of the named line frame,
    and the fields it reads out of it are the word's (decoded here with the table's bits)."""
    text = GUIDE.read_text()
    m = re.search(r"<!-- rxstat example -->\nExample: ((?:`[0-9a-f]+` ?)+) is PN (\d+), MFAS (\d+),\s+STAT (\d+), "
                  r"Cm (\d+), JC (\S+), .*?verdict (\w+), .*?reason \"([^\"]+)\" \((\w+), line frame (\d+)",
                  text, re.S)
    assert m, "the rxstat example is missing or reworded"
    word = "".join(re.findall(r"`([0-9a-f]+)`", m[1]))
    assert len(word) == 32
    d = VECTORS / "scenarios" / m[9]
    man = json.loads((d / "manifest.json").read_text())
    t = int(m[10])
    stat = [s for s in (d / "rxstat.hex").read_text().splitlines() if not s.startswith("//")]
    assert stat[man["scenario"]["rx_frames"].index(t)] == word
    v = int(word, 16)
    kinds = ["same", "+1", "+2", "-1", "-2", "new", "crc", "pattern", "stale"]
    reasons = ["tag lost", "tag mismatch", "PN not predicted", "replay", "unknown AN", "bypass not allowed",
               "PAD invalid"]
    assert (v >> 64, (v >> 56) & 0xFF, (v >> 48) & 0xFF, (v >> 32) & 0xFFFF) == tuple(int(m[k]) for k in (2, 3, 4, 5))
    assert kinds[(v >> 28) & 15] == m[6]
    assert ["pass", "fail", "bypass"][(v >> 16) & 15] == m[7]
    assert [r for i, r in enumerate(reasons) if (v >> i) & 1] == [m[8]]
    assert man["scenario"]["verdicts"][str(t)] == [m[7], m[8]]


def test_sv_snippet_counts():
    text = GUIDE.read_text()
    m = re.search(r"<!-- counts of vectors/(\S+) -->\n```systemverilog\nlocalparam int N66 = (\d+);.*?\n"
                  r".*?\nlogic \[255:0\] line  \[(\d+)\];.*?\nlogic \[127:0\] stat  \[(\d+)\];", text)
    assert m, "the SystemVerilog snippet of section 3 is missing or reworded"
    c = json.loads((VECTORS / m[1] / "manifest.json").read_text())["counts"]
    assert (c["66b"], c["line"], c["rxstat"]) == (int(m[2]), int(m[3]), int(m[4]))


def test_roundtrip_says_what_it_compared(tmp_path):
    """42-byte frames come back as 60-byte frames: the line says so, and the output pcap
    (read here with dpkt) holds exactly that."""
    src, out = tmp_path / "in.pcap", tmp_path / "rx.pcap"
    frames = [bytes([i]) * 42 for i in range(61)] + [bytes([i]) * 100 for i in range(3)]
    with open(src, "wb") as fh:
        w = dpkt.pcap.Writer(fh)
        for i, f in enumerate(frames):
            w.writepkt(f, ts=i * 1e-6)
    r = subprocess.run([sys.executable, "-m", "physec.cli", "roundtrip", "--pcap", str(src), "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().endswith("; identical after padding 61 runt frames to 60 bytes: True"), r.stdout
    with open(out, "rb") as fh:
        back = [bytes(b) for _, b in dpkt.pcap.Reader(fh)]
    assert [len(b) for b in back] == [60] * 61 + [100] * 3
    assert all(b == f + bytes(60 - len(f)) for b, f in zip(back[:61], frames))
    src2 = tmp_path / "big.pcap"
    with open(src2, "wb") as fh:
        w = dpkt.pcap.Writer(fh)
        for i, f in enumerate(frames[61:]):
            w.writepkt(f, ts=i * 1e-6)
    r = subprocess.run([sys.executable, "-m", "physec.cli", "roundtrip", "--pcap", str(src2)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.rstrip().endswith("; identical: True"), r.stdout
