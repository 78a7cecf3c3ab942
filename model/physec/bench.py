# SPDX-License-Identifier: Apache-2.0
"""`make bench`: model throughput on one core (a benchmark, never a test).

Each row is one stage on the same traffic, best of --repeat runs.  Figures are Gb/s of
client frame bytes (what the link carries for its user); the machine is shared and
noisy, so compare the ratios taken in the same run, above all model / raw AES-GCM.
"""
from __future__ import annotations

import argparse
import math
import platform
import time

import numpy as np
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .frame import deframe, frame_tx, line_bits
from .gmp import client_valid
from .mac import mac_decode, mac_encode
from .pcs import pcs_rx, pcs_tx
from .pcs66 import decode_66b, encode_66b
from .profile import PROFILES
from .sec import CUT_THROUGH, SecKey, SecRx, SecTx
from .traffic import make_traffic
from .xcode257 import detranscode_257b, transcode_257b


def _best(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m physec.bench", description=__doc__)
    ap.add_argument("--frames", type=int, default=1500, help="Ethernet frames per profile (default 1500)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    p = PROFILES["100g"]
    key = SecKey(bytes(range(32)), bytes(12))
    print(f"# PHYSec model benchmark: {platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}, best of {a.repeat}, one core")
    print(f"{'traffic':8} {'step':34} {'seconds':>8} {'Gb/s client':>12}")
    for profile in ("default", "bulk"):
        tr = make_traffic(profile, a.frames, a.seed)
        bits_client = 8 * sum(len(f) for f in tr.frames)
        cg, _ = mac_encode(tr.frames, tr.gaps)
        b66 = encode_66b(cg)
        b257 = transcode_257b(b66)
        tx = pcs_tx(tr, lead_blocks=p.cm_init + p.fifo_depth)
        n_line = math.ceil(len(tx.b257) / p.cm_nominal) + 2
        valid = client_valid(p, n_line)
        frames = frame_tx(p, tx.b257, valid, SecTx(0, key, 1))
        line = line_bits(frames)
        payload = b"".join(f.plain for f in frames)
        rows = [
            ("mac_encode", lambda: mac_encode(tr.frames, tr.gaps)),
            ("encode_66b", lambda: encode_66b(cg)),
            ("transcode_257b", lambda: transcode_257b(b66)),
            ("detranscode_257b", lambda: detranscode_257b(b257)),
            ("decode_66b", lambda: decode_66b(b66)),
            ("mac_decode", lambda: mac_decode(cg)),
            ("GMP + framer (no security)", lambda: frame_tx(p, tx.b257, valid)),
            ("GMP + framer + AES-256-GCM", lambda: frame_tx(p, tx.b257, valid, SecTx(0, key, 1))),
            ("deframe + GCM verify + demap", lambda: deframe(p, line, SecRx({0: key}, 1, CUT_THROUGH))),
            ("TX chain frames -> line", lambda: frame_tx(p, pcs_tx(tr, p.cm_init + 64).b257, valid,
                                                         SecTx(0, key, 1))),
            ("RX chain line -> frames", lambda: pcs_rx(deframe(p, line, SecRx({0: key}, 1, CUT_THROUGH)).blocks)),
            (f"raw AESGCM, {len(payload) // 82080} x 82,080 B", lambda: [
                AESGCM(key.key).encrypt(bytes(12), f.plain, f.oh) for f in frames]),
        ]
        times = {}
        for name, fn in rows:
            t, _ = _best(fn, a.repeat)
            times[name] = t
            print(f"{profile:8} {name:34} {t:8.4f} {bits_client / t / 1e9:12.2f}")
        raw = times[rows[-1][0]]
        print(f"{profile:8} {'ratio TX chain / raw AES-GCM':34} {times['TX chain frames -> line'] / raw:8.1f}")
        print(f"{profile:8} {'ratio RX chain / raw AES-GCM':34} {times['RX chain line -> frames'] / raw:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
