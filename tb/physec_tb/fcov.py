# SPDX-License-Identifier: Apache-2.0
"""Functional coverage: named bins, hit by what the RTL did.

Recording (inside the simulator or in a pytest process; any number of processes at
once, as under ``pytest -n 2``): ``sample(group, {bin: hits})`` appends one JSON line
to ``build/fcov/<source>-<pid>.jsonl`` (PHYSEC_FCOV_DIR overrides the folder) with a
single O_APPEND write, so records of parallel processes never interleave.  A bin
with 0 hits declares the bin (it then shows up as empty in the report).  ``hit``
records one bin.  Testbenches derive the hits from the RTL's outputs (captured words,
strobes, counters), never from what the stimulus meant to do; the derivations shared by
several testbenches are the ``*_bins`` functions below.

The coverage model: ``MODEL`` lists every group the regression must fill, with its
bins; a testbench of a new block can add bins of a new group with one call of
``sample`` (or ``declare``) and adds the group to ``MODEL`` to make it mandatory.
``EXEMPT`` holds bins that cannot be hit by a correct design, with the reason.

Report: ``python -m physec_tb.fcov report [--strict] [--brief]`` prints the table
(and writes build/fcov/report.md); ``--strict`` (``make regress``) exits 1 when a bin
of MODEL, or any declared bin, is empty.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_TYPES = ("1E", "78", "4B", "87", "99", "AA", "B4", "CC", "D2", "E1", "FF")
_POS = range(4)
JC_TX = ("same", "+1", "+2", "-1", "-2", "new")
JC_RX = JC_TX + ("crc", "pattern", "stale")
FRAME_RX_COUNTERS = ("frames", "am_bad", "oh_crc_errors", "jc_crc_errors", "jc_pattern_errors", "unusable_frames",
                     "lock_losses", "locks", "lost_frames", "error_blocks")
SEC_RX_COUNTERS = ("frames", "passed", "failed", "bypass", "tag_failures", "tags_lost", "replays", "unknown_an",
                   "pad_errors", "pn_unpredicted", "key_switches", "key_changed")

MODEL: dict[str, tuple[str, ...]] = {
    # 66b block types at each position of a 257b group, first control block, RTL output
    "xcode257.tx": tuple(f"type{t}@{j}" for t in _TYPES for j in _POS)
    + tuple(f"first_ctrl@{j}" for j in _POS) + ("all_data",) + tuple(f"replaced@{j}" for j in _POS),
    "xcode257.rx": tuple(f"type{t}@{j}" for t in _TYPES for j in _POS)
    + tuple(f"first_ctrl@{j}" for j in _POS) + ("all_data", "err_no_ctrl")
    + tuple(f"err_bad_nibble@{j}" for j in _POS),
    # GMP: Cm(t) - Cm(t-1) on the RTL's cm / st_cm, JC kind sent / decoded, client offset
    "gmp.cm_step": ("0", "+1", "-1", "+2", "-2", "larger"),
    "gmp.jc_tx": JC_TX,
    "gmp.jc_rx": JC_RX,
    "gmp.ppm": ("-200", "0", "+200", "other"),
    "gmp.fifo": ("underflow", "overflow", "stat_underflow", "stat_overflow", "mfas_wrap", "profile_400g"),
    # frame receiver: every counter non-zero once, lock transitions
    "frame_rx.counters": FRAME_RX_COUNTERS,
    "frame_rx.lock": ("lock", "loss", "relock"),
    # security stage
    "sec.mode_tx": ("encrypt", "auth", "bypass", "blank"),
    "sec.mode_rx": ("encrypt", "auth", "bypass"),
    "sec.rekey": ("tx_activation", "tx_announce", "tx_switch", "rx_switch"),
    "sec_tx.alarms": ("alarm_pn", "err_key_refused", "err_rekey_refused", "err_ks", "err_tag_late"),
    "sec_rx.counters": SEC_RX_COUNTERS,
    "sec_rx.alarms": ("err_ks",),
}

EXEMPT: dict[tuple[str, str], str] = {
    ("sec_tx.alarms", "err_tag_late"):
        "design invariant: the tag is ready one clock before its PAD word for any whole-frame input "
        "(physec_sec_tx header); no legal stimulus raises it, tests check it stays 0",
    ("sec_rx.alarms", "err_ks"):
        "design invariant: the keystream FIFO runs ahead of a whole-frame input; tests check it stays 0",
}


# --------------------------------------------------------------------------- recording

def fcov_dir() -> Path:
    return Path(os.environ.get("PHYSEC_FCOV_DIR") or REPO / "build" / "fcov")


def _source() -> str:
    """Who records: the pytest test id, or in a cocotb simulator the test module and
    build directory (cocotb runs in it)."""
    cur = os.environ.get("PYTEST_CURRENT_TEST")
    if cur:
        return cur.rsplit(" ", 1)[0]
    mod = os.environ.get("COCOTB_TEST_MODULES", "?")
    return f"{mod}[{Path.cwd().name}]"


def sample(group: str, hits: dict, source: str | None = None) -> None:
    """Add ``hits`` ({bin: count}, counts >= 0) to ``group``."""
    src = source or _source()
    rec = json.dumps({"src": src, "group": group, "bins": {str(k): int(v) for k, v in hits.items()}}) + "\n"
    d = fcov_dir()
    d.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_.[]=" else "_" for c in src)[:120]
    fd = os.open(d / f"{safe}-{os.getpid()}.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, rec.encode())
    finally:
        os.close(fd)


def hit(group: str, bin_: str, n: int = 1, source: str | None = None) -> None:
    sample(group, {bin_: n}, source)


def declare(group: str, bins, source: str | None = None) -> None:
    sample(group, {b: 0 for b in bins}, source)


# --------------------------------------------------------------------------- bins from RTL outputs

def blocks66_bins(sh, pl) -> dict:
    """Block type x position, first control position, all-data: (n, 4) sync headers and
    payloads of 66b groups (the RTL's output decoded, or the RTL's output itself)."""
    import numpy as np
    from physec.pcs66 import SH_CTRL

    sh, pl = np.asarray(sh), np.asarray(pl)
    ctrl = sh == SH_CTRL
    bt = (pl & np.uint64(0xFF)).astype(np.intp)
    out = {f"type{t}@{j}": int((ctrl[:, j] & (bt[:, j] == int(t, 16))).sum()) for t in _TYPES for j in _POS}
    any_ctrl = ctrl.any(axis=1)
    first = np.argmax(ctrl, axis=1)
    out.update({f"first_ctrl@{j}": int((any_ctrl & (first == j)).sum()) for j in _POS})
    out["all_data"] = int((~any_ctrl).sum())
    return out


def xcode_tx_bins(in_sh, in_pl, out_ints) -> dict:
    """physec_xcode_257b: the RTL's 257b output decoded; ``replaced@j``: input block j
    invalid (sync header 00/11 or unknown control type) and the RTL sent EBLOCK_R there."""
    import numpy as np
    from physec.pcs66 import EBLOCK_PL, SH_CTRL, SH_DATA, VALID_TYPES
    from physec.xcode257 import Blocks257, detranscode_257b

    b66, _ = detranscode_257b(Blocks257.from_ints(out_ints))
    sh = np.asarray(b66.sh).reshape(-1, 4)
    pl = np.asarray(b66.pl).reshape(-1, 4)
    out = blocks66_bins(sh, pl)
    in_sh, in_pl = np.asarray(in_sh), np.asarray(in_pl)
    bad = ((in_sh != SH_DATA) & (in_sh != SH_CTRL)) | \
          ((in_sh == SH_CTRL) & ~np.isin((in_pl & np.uint64(0xFF)).astype(np.intp), VALID_TYPES))
    ebr = (sh == SH_CTRL) & (pl == np.uint64(EBLOCK_PL))
    out.update({f"replaced@{j}": int((bad[:, j] & ebr[:, j]).sum()) for j in _POS})
    return out


def xcode_rx_bins(b257, out_ints, out_err) -> dict:
    """physec_dexcode_257b: its four 66b blocks and err; the error bins pair the
    undecodable input form with err = 1 from the RTL."""
    import numpy as np
    from physec.pcs66 import VALID_TYPES

    m66 = (1 << 66) - 1
    blocks = [(v >> (66 * j)) & m66 for v in out_ints for j in _POS]
    sh = np.array([b & 3 for b in blocks], np.uint8).reshape(-1, 4)
    pl = np.array([b >> 2 for b in blocks], np.uint64).reshape(-1, 4)
    err = np.asarray(out_err, bool)
    ok = ~err
    out = blocks66_bins(sh[ok], pl[ok])
    hdr = np.asarray(b257.hdr)
    flags = (np.asarray(b257.body)[:, 0] & np.uint64(0xF)).astype(np.intp)
    mixed = (hdr == 0) & (flags != 0xF)
    out["err_no_ctrl"] = int((err & (hdr == 0) & (flags == 0xF)).sum())
    f = np.argmin(((flags[:, None] >> np.arange(4)) & 1).astype(bool), axis=1)
    nib = ((np.asarray(b257.body)[np.arange(len(hdr)), f] >> np.uint64(4)) & np.uint64(0xF)).astype(np.intp)
    badnib = mixed & ~np.isin(nib, [t & 0xF for t in VALID_TYPES])
    out.update({f"err_bad_nibble@{j}": int((err & badnib & (f == j)).sum()) for j in _POS})
    return out


def cm_step_bins(cms) -> dict:
    """Cm(t) - Cm(t-1) classes over a sequence of Cm values of consecutive frames."""
    out = dict.fromkeys(MODEL["gmp.cm_step"], 0)
    for a, b in zip(cms, cms[1:]):
        d = b - a
        out["0" if d == 0 else f"{d:+d}" if abs(d) <= 2 else "larger"] += 1
    return out


def jc_tx_kind(jc2: int, cm: int, cm_prev: int) -> str:
    """Kind of JC a transmitter sent: II, DI from JC2 (bits 1, 0), +-1 / +-2 told apart by
    the Cm values the RTL reported."""
    ii, di = (jc2 >> 1) & 1, jc2 & 1
    if ii == di:
        return "new" if ii else "same"
    return f"{'+' if ii else '-'}{abs(cm - cm_prev)}"


def ppm_bin(cms, cm_nominal: float) -> str:
    """Client offset class from Cm of consecutive frames in steady state (no FIFO
    under/overflow, no clamp): the FIFO level is Cm - cm_init + target, so the blocks
    accepted in frames a..b are sum Cm(a..b) + Cm(b+1) - Cm(a) (spec 4.3); the estimate
    is good to about 1 block in (b - a + 1) x 2432, i.e. ~30 ppm over 14 frames."""
    if len(cms) < 4:
        return "other"
    acc = sum(cms[:-1]) + cms[-1] - cms[0]
    ppm = (acc / ((len(cms) - 1) * cm_nominal) - 1) * 1e6
    for c in (-200, 0, 200):
        if abs(ppm - c) <= 60:
            return f"{c:+d}" if c else "0"
    return "other"


# --------------------------------------------------------------------------- report

def load(d: Path | None = None):
    """{group: {bin: hits}}, {group: {bin: set of sources}}."""
    d = d or fcov_dir()
    hits = defaultdict(lambda: defaultdict(int))
    srcs = defaultdict(lambda: defaultdict(set))
    for f in sorted(d.glob("*.jsonl")) if d.exists() else []:
        for ln in f.read_text().splitlines():
            try:
                r = json.loads(ln)
            except json.JSONDecodeError:
                print(f"fcov: {f.name}: unreadable record skipped: {ln[:80]}", file=sys.stderr)
                continue
            for b, n in r["bins"].items():
                hits[r["group"]][b] += n
                if n:
                    srcs[r["group"]][b].add(r["src"])
    return hits, srcs


def report(strict: bool = False, brief: bool = False, d: Path | None = None) -> int:
    hits, srcs = load(d)
    groups = list(MODEL) + sorted(g for g in hits if g not in MODEL)
    lines = ["# Functional coverage", "", "| group | bins hit | empty bins (exempt in brackets) |", "|---|---|---|"]
    detail = ["", "| group | bin | hits | tests |", "|---|---|---|---|"]
    empty_all = []
    for g in groups:
        bins = list(MODEL.get(g, ())) + sorted(b for b in hits.get(g, {}) if b not in MODEL.get(g, ()))
        got = hits.get(g, {})
        empty = [b for b in bins if not got.get(b)]
        bad = [b for b in empty if (g, b) not in EXEMPT]
        empty_all += [(g, b) for b in bad]
        names = [b if (g, b) not in EXEMPT else f"[{b}]" for b in empty]
        shown = ", ".join(names[:8]) + (f" ... (+{len(names) - 8})" if len(names) > 8 else "") or "-"
        lines.append(f"| {g} | {len(bins) - len(empty)}/{len(bins)} | {shown} |")
        for b in bins:
            n = got.get(b, 0)
            who = sorted(srcs.get(g, {}).get(b, ()))
            tests = ", ".join(who[:3]) + (f" (+{len(who) - 3})" if len(who) > 3 else "")
            detail.append(f"| {g} | {b} | {n} | {'EXEMPT: ' + EXEMPT[(g, b)] if (g, b) in EXEMPT and not n else tests} |")
    summary = (f"functional coverage: {len(groups)} groups, {len(empty_all)} empty bins"
               + (": " + ", ".join(f"{g}/{b}" for g, b in empty_all[:10])
                  + (" ..." if len(empty_all) > 10 else "") if empty_all else "")
               + f" (details: {(d or fcov_dir()) / 'report.md'})")
    text = "\n".join(lines + detail) + "\n"
    out_dir = d or fcov_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text(text)
    if not brief:
        print("\n".join(lines))
    print(summary)
    if strict and empty_all:
        return 1
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m physec_tb.fcov", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="print the coverage table of build/fcov/*.jsonl")
    r.add_argument("--strict", action="store_true", help="exit 1 if a bin is empty (make regress)")
    r.add_argument("--brief", action="store_true", help="one summary line")
    r.add_argument("--dir", type=Path, default=None, help="record folder (default build/fcov)")
    a = ap.parse_args(argv)
    return report(a.strict, a.brief, a.dir)


if __name__ == "__main__":
    sys.exit(main())
