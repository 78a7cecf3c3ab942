# SPDX-License-Identifier: Apache-2.0
"""docs/verification.md's rule table against docs/spec.md and the committed vector sets.

Every rule label of the spec (`R-<section>-<name>`) and every alarm (scenario.ALARM_RX,
ALARM_SEC: the counters 7.1 calls alarms) has one row; a row names the sets (and line
frames) that exercise it, or says "none:" with the reason.  Every named set exists, and
the claim is checked in the committed files: the rule's JC kind, STAT bit, header
status, verdict, reason or release in `rxstat.hex` / `rxstat_sf.hex` at each named line
frame (decoded here from the spec 7.1 layout, not with the model's reader), or its
counter / alarm in the manifest; the search restart and CnD also in `line.hex`.  A
"none:" row fails the test unless its rule is in NO_SET (the issue asks a set for every
rule)."""
import json
import re
import zlib
from pathlib import Path

import pytest

from physec.scenario import ALARM_RX, ALARM_SEC

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "docs" / "spec.md"
TABLE = REPO / "docs" / "verification.md"
VECTORS = REPO / "vectors"
LABEL = re.compile(r"`(R-\d+\.\d+-[a-z0-9-]+)`")
ROW = re.compile(r"^\| `((?:R-\d+\.\d+-[a-z0-9-]+)|(?:alarm (?:rx|sec)\.[a-z_]+))` \|[^|]*\| (.*) \|$")
SET = re.compile(r"`([a-z0-9_]+)`(?: \(([0-9, ]+)\))?")

# Rules no committed set exercises yet, with the reason (docs/verification.md says more).
NO_SET: dict = {}

# Geometry, spec 5.1 (100g): frame F bits; AM 480, PAD 480, OH 320 bits from the frame start.
F, AM_BITS, PAD_BITS = 657920, 480, 480

# rxstat.hex (spec 7.1): bits 55:48 STAT, 31:28 JC kind, 27..24 AM good, OH ok, JC CRC ok,
# usable, 19:16 verdict, 15 released, 8 CnD unknown, 7..0 reasons.
KIND = {"same": 0, "plus1": 1, "plus2": 2, "minus1": 3, "minus2": 4, "new": 5, "crc": 6, "pattern": 7,
        "stale": 8}
REASON = {"key-changed": 7, "pad-invalid": 6, "bypass-not-allowed": 5, "unknown-an": 4, "replay": 3,
          "pn-not-predicted": 2, "tag-mismatch": 1, "tag-lost": 0}


def _f(w):
    return {"stat": w >> 48 & 0xFF, "kind": w >> 28 & 0xF, "am": w >> 27 & 1, "oh": w >> 26 & 1,
            "jccrc": w >> 25 & 1, "usable": w >> 24 & 1, "verdict": w >> 16 & 0xF, "released": w >> 15 & 1,
            "cnd_unknown": w >> 8 & 1, "reasons": w & 0xFF}


def _frame_check(rule: str):
    """(ct, sf) -> bool for a frame-level rule, or None when the rule is shown by a counter."""
    name = rule.split("-", 2)[2]
    sec = rule.split("-")[1]
    if sec == "4.4" and name in KIND:
        return lambda ct, sf: ct["kind"] == KIND[name]
    if sec == "6.4" and name in REASON:
        return lambda ct, sf: ct["reasons"] == 1 << REASON[name]
    return {
        "R-4.3-underflow": lambda ct, sf: ct["stat"] & 1,          # STAT of the frame after the event
        "R-4.3-overflow": lambda ct, sf: ct["stat"] & 2,
        "R-4.4-out-of-range": lambda ct, sf: ct["kind"] <= 5 and ct["jccrc"] and (ct["am"] or ct["oh"])
        and not ct["usable"],
        "R-4.4-cnd": lambda ct, sf: ct["cnd_unknown"] and sf["cnd_unknown"] and ct["jccrc"] and ct["usable"],
        "R-5.5-am-bad": lambda ct, sf: not ct["am"] and ct["oh"] and ct["usable"],
        "R-5.5-misaligned": lambda ct, sf: not ct["am"] and not ct["oh"] and not ct["usable"],
        "R-6.4-pass": lambda ct, sf: ct["verdict"] == 0,
        "R-6.4-bypass": lambda ct, sf: ct["verdict"] == 2 and ct["released"],
        "R-6.4-store-and-forward": lambda ct, sf: sf["verdict"] == 1 and ct["usable"] and not sf["released"],
        "R-6.4-cut-through": lambda ct, sf: ct["verdict"] == 1 and ct["released"] and ct["reasons"] & 3,
    }.get(rule)


def _undecodable(x: int):
    """Spec 3.4's receive rule a 257b block breaks, or None: all flags data with x<0> = 0, or
    a kept nibble (of the first control block f, at x<5 + 64 f + 3 : 5 + 64 f>) naming no type."""
    if x & 1:
        return None
    flags = x >> 1 & 0xF
    if flags == 0xF:
        return "R-3.4-no-control"
    f = next(j for j in range(4) if not flags >> j & 1)
    return "R-3.4-bad-nibble" if x >> (5 + 64 * f) & 0xF in (0x0, 0x3, 0x5, 0x6, 0xD) else None


TERMINATE = {0x87: 0, 0x99: 1, 0xAA: 2, 0xB4: 3, 0xCC: 4, 0xD2: 5, 0xE1: 6, 0xFF: 7}   # type -> data chars


def _mac_events(path: Path) -> tuple[set, int]:
    """Spec 3.1 rules shown by a 66b stream (rx66b_sf.hex), decoded here from the 3.2 table:
    /Q/ (type 4B) between frames or inside one, data blocks outside frames, /S/ inside a
    frame, a start block whose lanes 1..7 are not 55 x 6, D5, an error block (1E, code 1E)
    inside a frame, a frame of fewer than 64 bytes with FCS, a wrong FCS (zlib CRC-32), a
    terminate block or /E/ codes (1E) of a 1E block outside a frame, a frame still open
    (/S/ without /T/) where the stream ends; and the number of those /T/ and /E/ (stray
    control)."""
    out, frame, errored, stray = set(), None, False, 0
    for s in path.read_text().splitlines():
        if s.startswith("//"):
            continue
        x = int(s, 16)
        pl = x >> 2
        lanes = [pl >> 8 * k & 0xFF for k in range(8)]
        if x & 3 == 2:                                          # data block
            if frame is None:
                out.add("R-3.1-stray-data")
            else:
                frame += lanes
            continue
        t = lanes[0]
        if t == 0x4B:
            out.add("R-3.1-ordered-set" if frame is None else "R-3.1-control-char")
            errored |= frame is not None
        elif t == 0x1E and frame is not None and pl >> 8 & 0x7F == 0x1E:
            out.add("R-3.1-error-char")
            errored = True
        elif t == 0x1E and frame is None:
            n = sum(pl >> 8 + 7 * k & 0x7F == 0x1E for k in range(8))
            if n:
                out.add("R-3.1-stray-control")
                stray += n
        elif t in TERMINATE and frame is None:
            out.add("R-3.1-stray-control")
            stray += 1
        elif t == 0x78:
            if frame is not None:
                out.add("R-3.1-start-before-terminate")
            errored = lanes[1:] != [0x55] * 6 + [0xD5]
            if errored:
                out.add("R-3.1-preamble")
            frame = []
        elif t in TERMINATE and frame is not None:
            frame += lanes[1:1 + TERMINATE[t]]
            if len(frame) < 64:
                out.add("R-3.1-runt")
            elif not errored and zlib.crc32(bytes(frame[:-4])) != int.from_bytes(bytes(frame[-4:]), "little"):
                out.add("R-3.1-fcs")
            frame = None
    if frame is not None:
        out.add("R-3.1-stream-end")
    return out, stray


COUNTER_RULES = {"R-5.5-lock": "locks", "R-5.5-loss": "lock_losses", "R-5.5-lost-frames": "lost_frames",
                 "R-6.4-key-switch": "key_switches"}


def _line_bits(d: Path) -> str:
    """line.hex as a string of '0'/'1', first transmitted bit first (256-bit words, spec 7)."""
    return "".join(format(int(s, 16), "0256b") for s in (d / "line.hex").read_text().splitlines()
                   if not s.startswith("//"))


def _crc5(d10: int) -> int:
    """CRC-5 of D1..D10 (D1 the MSB), g(x) = x^5 + x + 1, initial 0 (spec 4.4)."""
    r = 0
    for i in range(9, -1, -1):
        r = r << 1 | (d10 >> i & 1)
        if r & 0x20:
            r ^= 0x23
    for _ in range(5):
        r <<= 1
        if r & 0x20:
            r ^= 0x23
    return r


def _cnd_bad_in_line(bits: str, t: int) -> bool:
    """Frame t's OH (bytes 5..7: JC4..JC6) fails 4.4 rule 5: CRC-5 or a zero bit."""
    o = t * F + AM_BITS + PAD_BITS
    jc4, jc5, jc6 = (int(bits[o + 8 * b:o + 8 * b + 8], 2) for b in (5, 6, 7))
    return bool((jc4 | jc5 | jc6) & 0xE0) or _crc5((jc4 & 0x1F) << 5 | jc5 & 0x1F) != jc6 & 0x1F


def _restart_shown(d: Path, full: dict, man: dict, t: int) -> None:
    """Spec 5.5: the false AM at impairment.false_am_bit is the first match of the search
    that restarted one bit after the lost frame's start; its confirming position holds no
    AM, so the search goes on from one bit after it and locks on the next real AM p2
    (confirmed at p2 + F); line frame t = (p2 + F) / F is the first frame processed again."""
    am = "".join(format(int(h, 16), f"0{len(h) * 4}b") for h in full["am"]["line"])
    bits = _line_bits(d)
    fa = man["impairment"]["false_am_bit"]
    assert fa is not None and bits[fa:fa + len(am)] == am, "no AM copy at false_am_bit"
    assert bits.find(am, fa // F * F + 1) == fa, "the search from the lost frame's start + 1 meets another AM first"
    assert bits[fa + F:fa + F + len(am)] != am, "the false AM is confirmed"
    p2 = bits.find(am, fa + 1)
    assert p2 > 0 and bits[p2 + F:p2 + F + len(am)] == am and p2 % F == 0
    rx = man["rx_frames"]
    assert (p2 + F) // F == t and t in rx and rx[rx.index(t) - 1] < p2 // F, f"frame {t} is not the first after re-lock"
    assert man["counters"]["cut-through"]["rx"]["lock_losses"] > 0


def _spec_rules():
    return sorted(set(LABEL.findall(SPEC.read_text())))


def _table():
    rows = {}
    for line in TABLE.read_text().splitlines():
        m = ROW.match(line)
        if m:
            assert m.group(1) not in rows, f"verification.md: {m.group(1)} has two rows"
            rows[m.group(1)] = m.group(2).strip()
    return rows


def _set_dir(name):
    for d in (VECTORS / "scenarios" / name, VECTORS / name):
        if (d / "manifest.json").exists():
            return d
    return None


def _rxstat(d, suffix=""):
    return [int(s, 16) for s in (d / f"rxstat{suffix}.hex").read_text().splitlines() if not s.startswith("//")]


def test_every_rule_and_alarm_has_a_row():
    rows = _table()
    want = set(_spec_rules()) | {f"alarm rx.{a}" for a in ALARM_RX} | {f"alarm sec.{a}" for a in ALARM_SEC}
    assert len(_spec_rules()) > 40
    assert sorted(want - set(rows)) == [], "rules without a row in docs/verification.md"
    assert sorted(set(rows) - want) == [], "rows naming no spec rule or alarm"


@pytest.mark.parametrize("rule", sorted(_table().items()), ids=lambda r: r[0])
def test_row_is_shown_by_its_sets(rule):
    rule, cell = rule
    if cell.startswith("none:"):
        assert len(cell) > 20, f"{rule}: 'none:' needs a reason"
        assert rule in NO_SET, f"{rule}: no committed set exercises it (and it is not in NO_SET)"
        return
    assert rule not in NO_SET, f"{rule} has a set now: take it out of NO_SET"
    claims = SET.findall(cell)
    assert claims, f"{rule}: no set named in {cell!r}"
    for name, frames in claims:
        d = _set_dir(name)
        assert d is not None, f"{rule}: set {name} does not exist"
        full = json.loads((d / "manifest.json").read_text())
        man = full["scenario"]
        if rule.startswith("alarm "):
            a = rule.split()[1]
            assert man["alarms"].get(a, 0) > 0, f"{rule}: {name}'s manifest has no alarm {a}"
            continue
        if rule.startswith("R-3.1-"):          # what leaves the receiver (store-and-forward) and the manifest
            shown, stray = _mac_events(d / "rx66b_sf.hex")
            assert rule in shown, f"{rule}: {name}/rx66b_sf.hex does not show it"
            assert sum(man["mac_events"].values()) > 0, f"{rule}: {name} states no MAC events"
            if rule == "R-3.1-stray-control":
                assert man["mac_stray_control"] and stray == man["mac_stray_control"]["store-and-forward"], \
                    f"{rule}: {name}/rx66b_sf.hex holds {stray} stray /T/, /E/, the manifest {man['mac_stray_control']}"
            if rule == "R-3.1-stream-end":     # also in cut-through, where the last line frame is released
                assert rule in _mac_events(d / "rx66b.hex")[0], f"{rule}: {name}/rx66b.hex does not show it"
                assert man["mac_events"]["stream ended inside frame"] == 1, f"{rule}: {name}'s manifest"
            continue
        if rule.startswith("R-3.4-"):          # blocks the receiver emitted (cut-through), no frames
            blocks = (d / "rx257b.hex").read_text().splitlines()
            assert any(_undecodable(int(b, 16)) == rule for b in blocks if not b.startswith("//")), \
                f"{rule}: no block of {name}/rx257b.hex breaks it"
            continue
        if rule == "R-5.5-restart":
            assert frames, f"{rule}: name the first line frame processed after re-lock in {name}"
            for t in (int(x) for x in frames.split(",")):
                _restart_shown(d, full, man, t)
            continue
        if rule in COUNTER_RULES:
            grp = "sec" if rule == "R-6.4-key-switch" else "rx"
            assert man["counters"]["cut-through"][grp][COUNTER_RULES[rule]] > 0, f"{rule}: {name}"
            continue
        check = _frame_check(rule)
        assert check is not None, f"{rule}: the test has no check for this rule"
        assert frames, f"{rule}: name the line frames of {name}"
        ct, sf = _rxstat(d), _rxstat(d, "_sf")
        for t in (int(x) for x in frames.split(",")):
            assert t in man["rx_frames"], f"{rule}: {name} frame {t} is not processed"
            i = man["rx_frames"].index(t)
            assert check(_f(ct[i]), _f(sf[i])), f"{rule}: {name} line frame {t} does not show it"
            if rule == "R-4.4-cnd":
                assert _cnd_bad_in_line(_line_bits(d), t), f"{rule}: {name} line frame {t}'s JC4..JC6 are good"
            if rule == "R-6.4-key-changed":
                assert man["rx_key_events"], f"{rule}: {name} has no receiver key event"


def test_the_table_check_can_fail():
    """A claim that a set does not show is caught (jc_forge frame 4 is a pattern error, not +2)."""
    d = _set_dir("jc_forge")
    i = json.loads((d / "manifest.json").read_text())["scenario"]["rx_frames"].index(4)
    w = _f(_rxstat(d)[i])
    assert _frame_check("R-4.4-pattern")(w, w) and not _frame_check("R-4.4-plus2")(w, w)
    assert _mac_events(_set_dir("mac_events") / "rx66b_sf.hex")[0] == {
        "R-3.1-ordered-set", "R-3.1-stray-data", "R-3.1-runt", "R-3.1-preamble", "R-3.1-fcs", "R-3.1-error-char",
        "R-3.1-control-char", "R-3.1-start-before-terminate", "R-3.1-stray-control"}
    # clean: only the error blocks of frames 1 and 5 (not released), between frames
    shown, stray = _mac_events(_set_dir("clean") / "rx66b_sf.hex")
    man = json.loads((_set_dir("clean") / "manifest.json").read_text())["scenario"]
    assert shown == {"R-3.1-stray-control"} and stray == 32 * man["counters"]["store-and-forward"]["rx"]["error_blocks"]
    # the CRC-5 here accepts the JC4..JC6 a transmitter wrote (jc_range 5: only JC1..JC3 forged)
    bits = _line_bits(_set_dir("jc_range"))
    assert _cnd_bad_in_line(bits, 6) and not any(_cnd_bad_in_line(bits, t) for t in range(6))
