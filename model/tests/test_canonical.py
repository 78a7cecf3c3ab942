# SPDX-License-Identifier: Apache-2.0
"""The committed canonical vector sets are exactly what the model generates today."""
import json
from pathlib import Path

import pytest

from physec.cli import main

ROOT = Path(__file__).resolve().parents[2] / "vectors"
SETS = sorted(p for p in [*ROOT.iterdir(), *(ROOT / "scenarios").iterdir()] if (p / "manifest.json").exists())


def test_sets_exist():
    from physec.scenario import SCENARIOS
    assert {p.name for p in SETS if p.parent == ROOT} >= {"default", "bulk"}
    assert {p.name for p in SETS if p.parent.name == "scenarios"} == set(SCENARIOS)


@pytest.mark.parametrize("vset", SETS, ids=lambda p: p.name)
def test_canonical_set_regenerates_identically(vset, tmp_path):
    man = json.loads((vset / "manifest.json").read_text())
    out = tmp_path / vset.name
    if "scenario" in man:           # vectors/scenarios/<name>: as `make vectors-canonical` writes them
        assert vset.name == man["scenario"]["name"]
        args = ["--scenario", vset.name, "--frames", str(man["frames"]), "--seed", str(man["seed"])]
        args += ["--compact"] if man["scenario"]["compact"] else []
    else:
        args = ["--traffic", man["traffic"], "--frames", str(man["frames"]), "--seed", str(man["seed"]),
                "--profile", man["profile"], "--ppm", str(man["ppm"]), "--security", man["mode"]]
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
