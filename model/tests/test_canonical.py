# SPDX-License-Identifier: Apache-2.0
"""The committed canonical vector sets are exactly what the model generates today."""
import json
from pathlib import Path

import pytest

from physec.cli import main

ROOT = Path(__file__).resolve().parents[2] / "vectors"
# vectors/widths/<profile>_<word bits>/<scenario>: the sets at other (profile, width) pairs
WIDTHS = ROOT / "widths"
SETS = sorted(p for p in [*ROOT.iterdir(), *(ROOT / "scenarios").iterdir(), *WIDTHS.glob("*/*")]
              if (p / "manifest.json").exists())


def test_sets_exist():
    from physec.scenario import SCENARIOS
    assert {p.name for p in SETS if p.parent == ROOT} >= {"default", "bulk"}
    assert {p.name for p in SETS if p.parent.name == "scenarios"} == set(SCENARIOS)
    # the clean set of each (profile, width) pair the RTL supports besides 100g at 256 bits
    assert {(p.parent.name, p.name) for p in SETS if p.parent.parent == WIDTHS} >= {
        ("100g_512", "clean"), ("400g_1024", "clean")}
    for p in SETS:
        man = json.loads((p / "manifest.json").read_text())
        want = tuple(p.parent.name.split("_")) if p.parent.parent == WIDTHS else ("100g", "256")
        assert (man["profile"], str(man["word_bits"])) == want, p


@pytest.mark.parametrize("vset", SETS, ids=lambda p: p.name)
def test_canonical_set_regenerates_identically(vset, tmp_path):
    man = json.loads((vset / "manifest.json").read_text())
    out = tmp_path / vset.name
    if "scenario" in man:           # vectors/scenarios/<name>: as `make vectors-canonical` writes them
        assert vset.name == man["scenario"]["name"]
        args = ["--scenario", vset.name, "--frames", str(man["frames"]), "--seed", str(man["seed"]),
                "--profile", man["profile"], "--word-bits", str(man["word_bits"])]
        args += ["--compact"] if man["scenario"]["compact"] else []
    else:
        args = ["--traffic", man["traffic"], "--frames", str(man["frames"]), "--seed", str(man["seed"]),
                "--profile", man["profile"], "--ppm", str(man["ppm"]), "--security", man["mode"],
                "--word-bits", str(man["word_bits"])]
    assert main(["vectors", *args, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in vset.iterdir()), "stale or missing files"
    new = json.loads((out / "manifest.json").read_text())
    man.pop("tools"), new.pop("tools")
    assert new == man, "regenerate with `make vectors-canonical` after a deliberate format change"
    for name in man["files"]:
        assert (out / name).read_bytes() == (vset / name).read_bytes(), name
    assert main(["check", "--vectors", str(vset)]) == 0


def test_manifests_follow_the_schema():
    import jsonschema
    schema = json.loads((ROOT.parent / "model" / "physec" / "manifest.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for vset in SETS:
        jsonschema.validate(json.loads((vset / "manifest.json").read_text()), schema)
    bad = json.loads((SETS[0] / "manifest.json").read_text())
    bad["files"]["line.hex"]["sha256"] = "xyz"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def _words(path):
    return [int(s, 16) for s in path.read_text().splitlines() if not s.startswith("//")]


@pytest.mark.parametrize("vset", [s for s in SETS if s.name in ("default", "bulk", "clean", "replay")],
                         ids=lambda p: p.name)
def test_frame_starts_follow_the_requested_gaps(vset):
    """From the files alone (spec 3.1 step 4): every /S/ in 66b.hex (control block type 78)
    is where frames.pcap's lengths and gap.hex's requested gaps put it, with the deficit
    idle count re-derived here; the first frame starts after the lead idles."""
    from physec.pcapio import iter_frames
    man = json.loads((vset / "manifest.json").read_text())
    lens = [len(f) for f in iter_frames(vset / "frames.pcap")]
    gaps = _words(vset / "gap.hex")
    assert len(gaps) == len(lens) and min(gaps) >= 12
    got = [8 * i for i, x in enumerate(_words(vset / "66b.hex")) if x & 3 == 1 and x >> 2 & 0xFF == 0x78]
    want, s, dic = [], 32 * man["lead_idle_blocks"], 0
    for n, g in zip(lens, gaps):
        want.append(s)
        nxt = s + 8 + max(n, 60) + 4 + g       # /S/ + preamble/SFD, frame padded to 60, FCS, then g from /T/
        r = nxt % 8
        if r and dic + r <= 7:
            nxt, dic = nxt - r, dic + r
        elif r:
            nxt, dic = nxt + 8 - r, max(0, dic - (8 - r))
        s = nxt
    assert got == want


def test_manifest_am_is_the_spec_table_and_the_line():
    """manifest `am` = the two columns of spec 5.2's table (read from docs/spec.md), lanes 0..3
    in 100g sets, 0..15 in 400g sets = the first 120 bits per lane of line.hex (frame 0)
    in every set, read at the width its header states."""
    import re
    spec = (ROOT.parent / "docs" / "spec.md").read_text()
    rows = re.findall(r"^\| ([0-9]+) \| `([0-9A-F ]+)` \| `([0-9A-F ]+)` \|$", spec, re.M)
    assert [r[0] for r in rows] == [str(i) for i in range(16)]
    for vset in SETS:
        man = json.loads((vset / "manifest.json").read_text())
        n = {"100g": 4, "400g": 16}[man["profile"]]
        table = {"ieee": [r[1].replace(" ", "").lower() for r in rows[:n]],
                 "line": [r[2].replace(" ", "").lower() for r in rows[:n]]}
        assert man["am"] == table, vset.name
        w = _header_width(vset / "line.hex")
        line = _words(vset / "line.hex")
        head = "".join(f"{x:0{w // 4}x}" for x in line[:-(-120 * n // w)])
        assert head[:30 * n] == "".join(table["line"]), vset.name


def _header_width(path):
    """W of the tap header's "// N words of W bits" line, read here without the model."""
    import re
    for s in path.read_text().splitlines():
        if not s.startswith("//"):
            break
        m = re.match(r"// \d+ words of (\d+) bits", s)
        if m:
            return int(m.group(1))
    raise AssertionError(f"{path}: no word width in the header")
