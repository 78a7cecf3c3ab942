# SPDX-License-Identifier: Apache-2.0
"""`make bench`: model throughput figures on one core (a benchmark, never a test).

Figures are Mb/s of the 66b stream (66 bits per block) or of client frame bytes; the
machine is shared and noisy, so compare ratios taken in the same run.
"""
from __future__ import annotations

import argparse
import platform
import time

from .mac import mac_decode, mac_encode
from .pcs66 import decode_66b, encode_66b
from .traffic import make_traffic
from .xcode257 import detranscode_257b, transcode_257b


def _best(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m physec.bench", description=__doc__)
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    print(f"# PHYSec model benchmark, {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"best of {a.repeat}")
    print(f"{'profile':8} {'step':28} {'seconds':>8} {'Mb/s 66b':>10} {'Gb/s client':>12}")
    for profile in ("default", "bulk"):
        tr = make_traffic(profile, a.frames, a.seed)
        client_bits = 8 * sum(len(f) for f in tr.frames)
        cg, _ = mac_encode(tr.frames, tr.gaps)
        b66 = encode_66b(cg)
        b257 = transcode_257b(b66)
        bits66 = 66 * len(b66)
        steps = [
            ("mac_encode", lambda: mac_encode(tr.frames, tr.gaps)),
            ("encode_66b", lambda: encode_66b(cg)),
            ("transcode_257b", lambda: transcode_257b(b66)),
            ("detranscode_257b", lambda: detranscode_257b(b257)),
            ("decode_66b", lambda: decode_66b(b66)),
            ("mac_decode", lambda: mac_decode(cg)),
        ]
        total_tx = total_rx = 0.0
        for name, fn in steps:
            t, _ = _best(fn, a.repeat)
            if name in ("mac_encode", "encode_66b", "transcode_257b"):
                total_tx += t
            else:
                total_rx += t
            print(f"{profile:8} {name:28} {t:8.4f} {bits66 / t / 1e6:10.0f} {client_bits / t / 1e9:12.2f}")
        for name, t in (("TX frames->257b", total_tx), ("RX 257b->frames", total_rx)):
            print(f"{profile:8} {name:28} {t:8.4f} {bits66 / t / 1e6:10.0f} {client_bits / t / 1e9:12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
