# SPDX-License-Identifier: Apache-2.0
"""The formal proofs (formal/run.py) pass and every mutant of each is caught.

Regress only (PHYSEC_REGRESS=1, `make regress`): the release proof alone takes about a
minute on an idle 2-core machine and several on a loaded one, beyond the budget of
`make test`.  `make formal` runs the same.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402

pytestmark = pytest.mark.skipif(os.environ.get("PHYSEC_REGRESS") != "1",
                                reason="formal proofs run in make regress / make formal (PHYSEC_REGRESS=1)")


@pytest.mark.parametrize("proof", run.PROOFS, ids=lambda p: p.name)
def test_proof_and_mutants(proof):
    run.shims()
    st, secs, line = run.run_one(proof, "")
    assert st == "pass", f"proof {proof.name} did not pass ({secs:.0f} s): {line}"
    for i, m in enumerate(proof.mutants):
        mst, _, mline = run.run_one(proof, f"-mut{i}", m)
        assert mst == "fail", f"proof {proof.name}: mutant {i} ({m.what}) not caught: {mline}"
