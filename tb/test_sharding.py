# SPDX-License-Identifier: Apache-2.0
"""`make test SHARDS=N SHARD=i` (pytest-split over the committed .test_durations): the N
parts together are exactly the full suite, each test in one part only, for N = 2, 3, 4.
Each collection is a separate pytest process (as a CI machine runs it), compared with a
plain collection of the whole suite."""
import json
import subprocess
import sys

import pytest

import physec_tb as T

DURATIONS = T.REPO / ".test_durations"


def collect(*args) -> list[str]:
    r = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist",
                        "-p", "no:cacheprovider", *args], cwd=T.REPO, capture_output=True, text=True)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    ids = [ln for ln in r.stdout.splitlines() if "::" in ln and not ln.startswith(" ")]
    assert ids, r.stdout[-2000:]
    return ids


@pytest.fixture(scope="module")
def full() -> list[str]:
    ids = collect()
    assert len(ids) == len(set(ids))
    return ids


@pytest.mark.parametrize("n", [3, 4])
def test_shards_partition_the_suite(n, full):
    parts = [collect("--splits", str(n), "--group", str(i), "--durations-path", str(DURATIONS))
             for i in range(1, n + 1)]
    assert all(parts), f"an empty shard: {[len(p) for p in parts]}"
    flat = [t for p in parts for t in p]
    dup = sorted({t for t in flat if flat.count(t) > 1})
    assert not dup, f"{len(dup)} tests in more than one shard, e.g. {dup[:3]}"
    assert sorted(flat) == sorted(full), \
        f"shards miss {sorted(set(full) - set(flat))[:3]}, add {sorted(set(flat) - set(full))[:3]}"


def test_durations_cover_the_suite(full):
    """The committed times know most of the suite (pytest-split gives an unknown test the
    mean time; `make durations` re-measures)."""
    if not DURATIONS.exists():   # never measured yet: the shards are balanced by count alone
        pytest.skip(f"{DURATIONS.name} not committed yet: run make durations (a whole timed run)")
    known = json.loads(DURATIONS.read_text())
    missing = [t for t in full if t not in known]
    assert len(missing) <= 0.2 * len(full), \
        f"{len(missing)} of {len(full)} tests have no time in {DURATIONS.name} (e.g. {missing[:3]}): run make durations"
