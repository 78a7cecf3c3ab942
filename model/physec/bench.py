# SPDX-License-Identifier: Apache-2.0
"""`make bench`: model throughput on one core, and the memory of the streaming path
(a benchmark, never a test).

Each row is one stage on the same traffic, best of --repeat runs, timed in CPU seconds
of this process (time.process_time: what one core spends, whatever else the shared
machine runs).  Figures are Gb/s of client frame bytes (what the link carries for its
user).  The headline is the ratio to raw AES-GCM of the `cryptography` library on the
same payload bytes, measured in the same run.  The chain rows use the fused PCS paths
(``pcs_tx_257b``, ``pcs_rx_frames``: no full-size 66b arrays); the "staged PCS" rows run
the same chains through ``pcs_tx`` / ``pcs_rx`` for comparison.

The memory rows run the streaming loopback (traffic pieces -> pcs_tx_stream ->
FrameTx -> line bytes -> Deframer -> PcsRxStream, AES-256-GCM, cut-through) for N
line frames in a fresh process each: peak RSS and tracemalloc peak must not grow with N.
The tap-file rows write and read tap files through hexio and, in the same run, the
same bytes with plain f.write / f.read (the ratio is the figure).

``--scale 1000,10000`` (`make bench-scale`) runs every command (vectors, check,
verify, inspect, roundtrip) on bulk sets of that many line frames, a fresh process
each: wall and CPU time and peak RSS, which must not grow with the set (12 GB of hex at
10,000 line frames; the sets are removed afterwards).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import cryptography
import numpy as np
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .fastpath import b257_to_cgmii, cgmii_to_257b
from .frame import Deframer, FrameTx, deframe_bytes, frame_tx
from .gmp import client_valid
from .mac import mac_decode, mac_encode
from .pcs import PcsRxStream, pcs_rx, pcs_rx_frames, pcs_tx, pcs_tx_257b, pcs_tx_stream
from .pcs66 import decode_66b, encode_66b
from .profile import PROFILES
from .sec import CUT_THROUGH, SecKey, SecRx, SecTx
from .traffic import make_traffic
from .xcode257 import detranscode_257b, transcode_257b

KEY = SecKey(bytes(range(32)), bytes(12))          # AES-256
TX_ROW, RX_ROW = "TX chain frames -> line", "RX chain line -> frames"     # the fused PCS paths
FEED_ROW = "  the same, Deframer.feed 4093 B pieces"


def tune_malloc() -> bool:
    """Keep freed memory in the process (glibc): large numpy temporaries are then reused
    instead of being unmapped and page-faulted in afresh on every call, which on this
    kind of (virtualised) machine costs more than the arithmetic.  Same as running with
    MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864."""
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    return all(libc.mallopt(opt, val) == 1 for opt, val in
               ((m_mmap_threshold, 32 << 20), (m_trim_threshold, 1 << 30), (m_top_pad, 64 << 20)))


def _best(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def throughput(profile: str, n_frames: int, seed: int, repeat: int) -> list[tuple[str, float, float]]:
    """(step, CPU seconds, Gb/s client) per row; the last row is raw AES-GCM."""
    p = PROFILES["100g"]
    tr = make_traffic(profile, n_frames, seed)
    bits_client = 8 * sum(len(f) for f in tr.frames)
    cg, _ = mac_encode(tr.frames, tr.gaps)
    b66 = encode_66b(cg)
    b257 = transcode_257b(b66)
    lead = p.cm_init + p.fifo_depth
    tx = pcs_tx(tr, lead_blocks=lead)
    valid = client_valid(p, math.ceil(len(tx.b257) / p.cm_nominal) + 2)
    frames = frame_tx(p, tx.b257, valid, SecTx(0, KEY, 1))
    line = b"".join(f.line for f in frames)
    rows = [
        ("mac_encode", lambda: mac_encode(tr.frames, tr.gaps)),
        ("encode_66b", lambda: encode_66b(cg)),
        ("transcode_257b", lambda: transcode_257b(b66)),
        ("GMP + framer (no security)", lambda: frame_tx(p, tx.b257, valid)),
        ("GMP + framer + AES-256-GCM", lambda: frame_tx(p, tx.b257, valid, SecTx(0, KEY, 1))),
        ("deframe + GCM verify + demap", lambda: deframe_bytes(p, line, SecRx({0: KEY}, 1, CUT_THROUGH))),
        (FEED_ROW, lambda: deframe_bytes(p, line, SecRx({0: KEY}, 1, CUT_THROUGH), chunk=4093)),
        ("detranscode_257b", lambda: detranscode_257b(b257)),
        ("decode_66b", lambda: decode_66b(b66)),
        ("mac_decode", lambda: mac_decode(cg)),
        ("fused CGMII -> 257b", lambda: cgmii_to_257b(cg)),
        ("fused 257b -> CGMII", lambda: b257_to_cgmii(b257)),
        ("TX chain, staged PCS", lambda: frame_tx(p, pcs_tx(tr, lead).b257, valid, SecTx(0, KEY, 1))),
        ("RX chain, staged PCS", lambda: pcs_rx(deframe_bytes(p, line, SecRx({0: KEY}, 1, CUT_THROUGH)).blocks)),
        (TX_ROW, lambda: frame_tx(p, pcs_tx_257b(tr, lead), valid, SecTx(0, KEY, 1))),
        (RX_ROW, lambda: pcs_rx_frames(deframe_bytes(p, line, SecRx({0: KEY}, 1, CUT_THROUGH)).blocks)),
        (f"raw AESGCM, {len(frames)} x {p.payload_bits // 8:,} B", lambda: [
            AESGCM(KEY.key).encrypt(bytes(12), f.plain, f.oh) for f in frames]),
    ]
    out = []
    for name, fn in rows:
        t = _best(fn, repeat)
        out.append((name, t, bits_client / t / 1e9))
    return out


def _loopback(n_line: int, profile: str, seed: int, chunk: int) -> dict:
    p = PROFILES["100g"]
    pieces = (make_traffic(profile, 200, seed + i) for i in range(10 ** 9))     # an unbounded source
    ftx = FrameTx(p, pcs_tx_stream(pieces, lead_blocks=p.cm_init + p.fifo_depth), SecTx(0, KEY, 1))
    rx = Deframer(p, SecRx({0: KEY}, 1, CUT_THROUGH))
    prx = PcsRxStream()
    sent = good = 0
    for k in range(n_line):
        f = ftx.frame(client_valid(p, 1, start_frame=k))
        sent += 8 * len(f.line)
        for i in range(0, len(f.line), chunk):            # line bytes in odd-sized pieces
            for o in rx.feed(f.line[i:i + chunk]):
                good += sum(fr.good for fr in prx.feed(o.blocks))
    for o in rx.finish():
        good += sum(fr.good for fr in prx.feed(o.blocks))
    good += sum(fr.good for fr in prx.finish())
    return {"line_bits": sent, "good_frames": good, "error_blocks": rx.counters.error_blocks}


def stream_probe(n_line: int, profile: str, seed: int, chunk: int) -> dict:
    """The streaming loopback over ``n_line`` line frames in this process: timed, then
    again under tracemalloc (which slows Python several times) for the traced peak."""
    import tracemalloc
    t0 = time.process_time()
    res = _loopback(n_line, profile, seed, chunk)
    res["cpu_s"] = time.process_time() - t0
    tracemalloc.start()
    assert _loopback(n_line, profile, seed, chunk) == {k: res[k] for k in ("line_bits", "good_frames", "error_blocks")}
    res["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    res["peak_rss_mb"] = peak_rss_mb()
    return res


def peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM (ru_maxrss would include the parent's
    peak, which Linux carries across fork and exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hex_codec(mb: int, repeat: int, directory: str) -> list[tuple[str, float, float, float]]:
    """Tap files through hexio against plain file I/O of the same bytes, in this run:
    (tap, MB of hex, format + write MB/s, f.write MB/s, read + parse MB/s, f.read MB/s),
    CPU seconds (the system's share of writing and reading included)."""
    from .hexio import TapReader, TapWriter, row_bytes
    from .vectors import TAP_66B, TAP_257B, Tap
    rng = np.random.default_rng(1)
    out = []
    for tap in (Tap("line", 256, "bench"), TAP_257B, TAP_66B):
        n = mb * 2 ** 20 // (tap.digits + 1)
        rows = rng.integers(0, 256, (n, row_bytes(tap)), dtype=np.uint8)
        rows[:, 0] &= np.uint8((1 << (tap.width - 8 * (row_bytes(tap) - 1))) - 1)
        path = os.path.join(directory, tap.file)
        piece = 2570                                    # words per call, as a line frame

        def write():
            w = TapWriter(directory, tap, "bench", n)
            for i in range(0, n, piece):
                w.write(rows[i:i + piece])
            w.close()
        write()
        text = open(path, "rb").read()
        size = len(text)

        def plain_write():
            with open(path + ".plain", "wb") as f:
                for i in range(0, size, 1 << 20):
                    f.write(text[i:i + (1 << 20)])

        def read():
            with TapReader(path, tap, n) as r:
                for _ in r.chunks(piece):
                    pass
                r.finish()

        def plain_read():
            with open(path + ".plain", "rb") as f:
                while f.read(1 << 20):
                    pass
        rates = [size / 2 ** 20 / _best(fn, repeat) for fn in (write, plain_write, read, plain_read)]
        out.append((f"{tap.name} ({tap.width}-bit words)", size / 2 ** 20, *rates))
        os.unlink(path)
        os.unlink(path + ".plain")
    return out


# The line frames of one 4,150-byte bulk frame (RoCEv2 WRITE, 4096-byte payload) and the
# idle the lead adds: for choosing --frames from a number of line frames.
def bulk_frames_for(n_line: int) -> int:
    from .trafficstream import source
    from .vectorset import tx_counts
    p = PROFILES["100g"]
    sample = 20000
    n257 = tx_counts(p, source("bulk", sample, 1), "encrypt")["257b"]
    lead = p.cm_init * 3 + p.fifo_depth
    return max(1, round((n_line - 2) * p.cm_nominal - lead) * sample // (n257 - lead))


_RSS_RUN = """
import atexit, json, os, resource, sys
def report():
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    ru = resource.getrusage(resource.RUSAGE_SELF)
    with open(os.environ["PHYSEC_BENCH_REPORT"], "w") as f:
        json.dump({"peak_rss_mb": hwm / 1024, "cpu_s": ru.ru_utime + ru.ru_stime}, f)
atexit.register(report)
from physec.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_measured(args: list[str], tree: str | None = None) -> dict:
    """A `physec` command in a fresh process: exit code, wall and CPU seconds, peak RSS
    (VmHWM of that process, reported by itself at exit)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as rep:
        env = dict(os.environ, PHYSEC_BENCH_REPORT=rep.name)
        if tree:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [tree, env.get("PYTHONPATH")]))
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", _RSS_RUN, *args], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        res = json.loads(open(rep.name).read() or "{}") if os.path.getsize(rep.name) else {}
    return {"rc": r.returncode, "wall_s": wall, **res, "stdout": r.stdout, "stderr": r.stderr}


def scale(n_lines: list[int], directory: str, tree: str | None, keep: bool, eth_frames: list[int]) -> list:
    """Every command on bulk sets of the given sizes, one fresh process each."""
    rows = []
    sizes = [("line", n, bulk_frames_for(n)) for n in n_lines] + [("eth", None, f) for f in eth_frames]
    for _, n, frames in sizes:
        d = os.path.join(directory, f"bulk{frames}")
        shutil.rmtree(d, ignore_errors=True)
        steps = [("vectors", ["vectors", "--traffic", "bulk", "--frames", str(frames), "--out", d])]
        res = run_measured(steps[0][1], tree)
        if res["rc"]:
            raise SystemExit(f"vectors failed: {res['stderr'][-2000:]}")
        man = json.loads(open(os.path.join(d, "manifest.json")).read())
        n_line = man["counts"]["oh"]
        gb = sum(f["bytes"] for f in man["files"].values()) / 1e9
        steps += [("check", ["check", "--vectors", d]),
                  ("verify", ["verify", "--vectors", d, "--line", os.path.join(d, "line.hex")]),
                  ("inspect", ["inspect", "--vectors", d, "--frame", str(n_line // 2)]),
                  ("roundtrip", ["roundtrip", "--pcap", os.path.join(d, "frames.pcap"), "--out", os.devnull])]
        out = [("vectors", res)] + [(name, run_measured(args, tree)) for name, args in steps[1:]]
        for name, r in out:
            if r["rc"]:
                raise SystemExit(f"{name} failed: {r['stderr'][-2000:]}")
            rows.append((n_line, frames, gb, name, r["wall_s"], r["cpu_s"], r["peak_rss_mb"]))
            print(f"{n_line:11d} {frames:10d} {gb:7.2f} {name:10} {r['wall_s']:8.1f} {r['cpu_s']:8.1f} "
                  f"{r['peak_rss_mb']:12.1f}", flush=True)
        if not keep:
            shutil.rmtree(d)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m physec.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=1500, help="Ethernet frames per traffic profile (default 1500)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per row, the best counts (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stream", default="100,1000",
                    help="line frame counts of the streaming memory runs, comma separated ('' to skip)")
    ap.add_argument("--chunk", type=int, default=4093, help="line bytes per Deframer.feed in the streaming runs")
    ap.add_argument("--no-malloc-tuning", action="store_true", help="leave glibc's defaults (see tune_malloc)")
    ap.add_argument("--hex-mb", type=int, default=64, help="MB of hex per tap in the tap-file rows (default 64)")
    ap.add_argument("--scale", default=None,
                    help="instead of the above: every command on bulk sets of about this many line frames "
                         "(comma separated, e.g. 1000,10000), peak RSS and times (make bench-scale)")
    ap.add_argument("--scale-eth", default="", help="with --scale: also sets of exactly this many bulk frames")
    ap.add_argument("--scale-dir", default="out/bench-scale", help="where the scale sets are made (and removed)")
    ap.add_argument("--scale-keep", action="store_true", help="keep the scale sets")
    ap.add_argument("--tree", help="with --scale: run the physec package of this model/ directory instead "
                                   "(another checkout, for before/after figures on one machine)")
    ap.add_argument("--probe", type=int, help=argparse.SUPPRESS)     # one streaming run (child process)
    a = ap.parse_args(argv)
    tuned = not a.no_malloc_tuning and tune_malloc()
    if a.probe is not None:
        print(json.dumps(stream_probe(a.probe, "default", a.seed, a.chunk)))
        return 0
    if a.scale is not None:
        os.makedirs(a.scale_dir, exist_ok=True)
        print(f"# PHYSec at scale: {cpu_model()}, {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f}; bulk traffic; one fresh process per command; CPU = user + system; "
              f"peak RSS = VmHWM of the process{'; model of ' + a.tree if a.tree else ''}")
        print(f"{'line frames':>11} {'bulk frames':>10} {'set GB':>7} {'command':10} {'wall s':>8} {'CPU s':>8} "
              f"{'peak RSS MB':>12}")
        scale([int(x) for x in a.scale.split(",") if x.strip()], a.scale_dir, a.tree, a.scale_keep,
              [int(x) for x in a.scale_eth.split(",") if x.strip()])
        print(f"# load average after: {os.getloadavg()[0]:.1f}")
        return 0
    print(f"# PHYSec model benchmark: {cpu_model()} ({platform.machine()}), Python {platform.python_version()}, "
          f"numpy {np.__version__}, cryptography {cryptography.__version__}")
    print(f"# one core, CPU seconds (process_time), best of {a.repeat}; {a.frames} Ethernet frames per traffic; "
          f"malloc tuning {'on' if tuned else 'off'}")
    print(f"{'traffic':8} {'step':34} {'seconds':>8} {'Gb/s client':>12}")
    for profile in ("default", "bulk"):
        rows = throughput(profile, a.frames, a.seed, a.repeat)
        for name, t, gbps in rows:
            print(f"{profile:8} {name:34} {t:8.4f} {gbps:12.2f}")
        times = {name: t for name, t, _ in rows}
        raw = rows[-1][1]
        print(f"{profile:8} {'ratio TX chain / raw AES-GCM':34} {times[TX_ROW] / raw:8.1f}")
        print(f"{profile:8} {'ratio RX chain / raw AES-GCM':34} {times[RX_ROW] / raw:8.1f}")
        print(f"{profile:8} {'ratio Deframer.feed / one piece':34} "
              f"{times[FEED_ROW] / times['deframe + GCM verify + demap']:8.2f}")
    with tempfile.TemporaryDirectory(dir="out" if os.path.isdir("out") else None) as tmp:
        print(f"# tap files (hexio, TapWriter / TapReader in 2570-word calls) against plain f.write / f.read "
              f"of the same bytes, MB/s of hex, CPU seconds, best of {a.repeat}")
        print(f"{'tap':24} {'MB':>5} {'format+write':>13} {'f.write':>9} {'ratio':>6} {'read+parse':>11} "
              f"{'f.read':>9} {'ratio':>6}")
        for name, mb, w, pw, r, pr in hex_codec(a.hex_mb, a.repeat, tmp):
            print(f"{name:24} {mb:5.0f} {w:13.0f} {pw:9.0f} {pw / w:6.1f} {r:11.0f} {pr:9.0f} {pr / r:6.1f}")
    counts = [int(x) for x in a.stream.split(",") if x.strip()]
    if counts:
        print(f"# streaming loopback (default traffic, AES-256-GCM, cut-through, {a.chunk}-byte feeds), "
              f"one fresh process per run")
        print(f"{'line frames':>11} {'CPU s':>8} {'Gb/s line':>10} {'good frames':>12} {'error blocks':>12} "
              f"{'tracemalloc MB':>15} {'peak RSS MB':>12}")
        for n in counts:
            res = subprocess.run([sys.executable, "-m", "physec.bench", "--probe", str(n), "--seed", str(a.seed),
                                  "--chunk", str(a.chunk)] + (["--no-malloc-tuning"] if not tuned else []),
                                 capture_output=True, text=True, check=True)
            r = json.loads(res.stdout)
            print(f"{n:11d} {r['cpu_s']:8.2f} {r['line_bits'] / r['cpu_s'] / 1e9:10.2f} {r['good_frames']:12d} "
                  f"{r['error_blocks']:12d} {r['tracemalloc_peak_mb']:15.1f} {r['peak_rss_mb']:12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
