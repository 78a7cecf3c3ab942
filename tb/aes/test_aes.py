# SPDX-License-Identifier: Apache-2.0
"""physec_aes_keyexp + physec_aes_pipe (RTL) == AES encryption (FIPS-197), bit for bit.

DUT: ``physec_aes_tb_top`` (tb/aes), one key expansion feeding one pipe.  Bit
order as in rtl/aes: a block is the integer of its 16 bytes big-endian (byte 0
in [127:120]); an AES-256 key is key[255:0] big-endian, an AES-128 key is
key[255:128] (this testbench fills key[127:0] with random bits, which the DUT
must ignore).

cocotb tests (run by ``test_aes_runner`` below, one build per simulator and
parameter set):

* ``cavp_kat``: every ENCRYPT case of the NIST CAVP ECB files GFSbox, KeySbox,
  VarKey, VarTxt and MMT, 128 and 256 (from the installed cryptography-vectors),
  128 and 256 files alternating, streamed with one block per clock: each new
  key is offered in the clock of the previous key's last block (taken there
  unless a key install is still busy), its first block follows in the next
  clock.  Checked against the files' CIPHERTEXT.  The
  Icarus smoke run (PHYSEC_KAT=smoke) leaves out VarKey and VarTxt.
* ``random_stream``: PHYSEC_NBLOCKS random blocks (default 50,000 under
  Verilator) under one AES-256 key with random bubbles and random tags,
  checked against ``cryptography``'s AES-ECB.
* ``key_change``: blocks offered before any key (must be dropped, in_drop);
  then PHYSEC_KEY_SEGMENTS key installs (random key, random length; the first
  six fixed so that every coverage bin is hit) between streams of random
  length and bubble rate, some shorter than a key install so that key_valid is
  held while busy; resets at random points, including during a key install.
  Every block must come out encrypted with exactly the key the documented
  timing gives it (the last key accepted at an earlier clock edge), LATENCY
  clocks after it went in, with its tag; a block encrypted with a mix of
  round keys matches no key and is reported as such.  busy and ready are
  checked cycle by cycle against the documented timing.

Every test also checks out_valid timing, the tags, and in_drop.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import cocotb
import numpy as np
import pytest
from cocotb.triggers import FallingEdge
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import physec_tb as T

TOPLEVEL = "physec_aes_tb_top"
SOURCES = ["rtl/aes/physec_aes_pkg.sv", "rtl/aes/physec_aes_sbox.sv", "rtl/common/physec_pipe.sv", "rtl/aes/physec_aes_keyexp.sv",
           "rtl/aes/physec_aes_pipe.sv", "tb/aes/physec_aes_tb_top.sv"]
PKG = T.REPO / "rtl" / "aes" / "physec_aes_pkg.sv"
SBOX = T.REPO / "rtl" / "aes" / "physec_aes_sbox.sv"
NR = 14                                  # the pipe always has the AES-256 depth

# Stimulus items (one per clock except KEY, which may share the clock of the block before it).
BLK, KEY, IDLE, RESET = range(4)


def latency(rpr: int) -> int:
    return 1 + NR * rpr


def busy_clocks(rpr: int) -> int:
    return NR * rpr


# --------------------------------------------------------------------------- CAVP files

def vectors_dir() -> Path:
    import cryptography_vectors

    return Path(cryptography_vectors.__file__).resolve().parent / "ciphers" / "AES" / "ECB"


def read_ecb_encrypt(name: str) -> list[tuple[bytes, bytes, bytes]]:
    """(key, plaintext, ciphertext) of every case in the [ENCRYPT] section of an
    ECB .rsp file (plaintext/ciphertext may be several blocks: MMT)."""
    cases, section, case = [], None, None
    for raw in (vectors_dir() / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]").strip()
            continue
        k, _, v = (s.strip() for s in line.partition("="))
        if k == "COUNT":
            case = {}
        elif section == "ENCRYPT" and case is not None:
            case[k] = bytes.fromhex(v)
            if k == "CIPHERTEXT":
                cases.append((case["KEY"], case["PLAINTEXT"], case["CIPHERTEXT"]))
                case = None
    assert cases, f"no ENCRYPT cases in {name}"
    return cases


KAT_FILES = [f"ECB{kind}{bits}.rsp" for kind in ("GFSbox", "KeySbox", "VarKey", "VarTxt", "MMT")
             for bits in (128, 256)]
# The Icarus smoke run (Icarus simulates this design at a few hundred clocks/s).
KAT_FILES_SMOKE = [f for f in KAT_FILES if "VarKey" not in f and "VarTxt" not in f]


# --------------------------------------------------------------------------- helpers

def key_value(key: bytes, rng) -> int:
    """The DUT's key[255:0] for a 16- or 32-byte key (AES-128: random low half)."""
    if len(key) == 32:
        return int.from_bytes(key, "big")
    assert len(key) == 16
    return int.from_bytes(key, "big") << 128 | int(rng.integers(0, 1 << 62)) << 66 | int(rng.integers(0, 1 << 62))


def rand_bytes(rng, n: int) -> bytes:
    return rng.integers(0, 256, n, dtype=np.uint8).tobytes()


def ecb(key: bytes, data: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def blocks_int(data: bytes) -> list[int]:
    return [int.from_bytes(data[i:i + 16], "big") for i in range(0, len(data), 16)]


# --------------------------------------------------------------------------- driver

async def run_items(dut, items, idle_blocks):
    """Drive the items, one clock each (a KEY right after a BLK shares its clock),
    and record everything.  KEY items hold key_valid until the DUT takes the key
    (busy = 0 at that edge); the items after a KEY wait for it.

    Items: (BLK, plaintext int, tag, expected ciphertext int or None), (KEY,
    key[255:0] int, key bytes), (IDLE,), (RESET,).  Returns a dict: blocks
    [(cycle, pt, tag, index into keys of the key in force or None, expected
    ciphertext or None)], keys [(cycle, key bytes)] as accepted, resets
    [cycle], outs [(cycle, blk, tag)], drops [cycle], busy / ready per cycle,
    key_wait, cycles, secs.  Cycle c = the rising edge
    after the c-th falling edge: values driven at falling edge c are taken at
    edge c; a register loaded at edge c is sampled at falling edge c + 1.
    """
    h_rst, h_kv, h_klen, h_key = dut.rst, dut.key_valid, dut.key_len, dut.key
    h_iv, h_blk, h_tag = dut.in_valid, dut.in_blk, dut.in_tag
    h_ov, h_ob, h_ot, h_drop = dut.out_valid, dut.out_blk, dut.out_tag, dut.in_drop
    h_busy, h_ready = dut.busy, dut.ready
    lat = latency(T.env_int("PHYSEC_RPR", 1))

    blocks, keys, resets, outs, drops, busy_log, ready_log = [], [], [], [], [], [], []
    key_wait = 0                      # clocks with key_valid = 1 while busy = 1
    cur_key = None                    # index into keys of the key in force, None: no key
    n_items, i = len(items), 0
    tail = lat + 3
    prev = {"rst": 0, "kv": 0, "iv": 0}
    n_idle = len(idle_blocks)
    h_kv.value = 0
    h_iv.value = 0
    cyc = 0
    t0 = time.perf_counter()
    try:
        while i < n_items or tail > 0:
            await FallingEdge(dut.clk)
            if int(h_ov.value):
                outs.append((cyc, int(h_ob.value), int(h_ot.value)))
            if int(h_drop.value):
                drops.append(cyc)
            busy = int(h_busy.value)
            busy_log.append(busy)
            ready_log.append(int(h_ready.value))

            rst = kv = iv = 0
            key_item = None
            if i >= n_items:
                tail -= 1
            else:
                it = items[i]
                kind = it[0]
                if kind == IDLE:
                    i += 1
                elif kind == RESET:
                    rst = 1
                    resets.append(cyc)
                    cur_key = None
                    i += 1
                elif kind == BLK:
                    iv = 1
                    h_blk.value = it[1]
                    h_tag.value = it[2]
                    blocks.append((cyc, it[1], it[2], cur_key, it[3]))
                    i += 1
                    if i < n_items and items[i][0] == KEY:
                        key_item = items[i]
                elif kind == KEY:
                    key_item = it
            if key_item is not None:
                kv = 1
                h_key.value = key_item[1]
                h_klen.value = 1 if len(key_item[2]) == 32 else 0
                key_wait += busy
                if not busy:              # taken at this edge: blocks from the next edge on use it
                    keys.append((cyc, key_item[2]))
                    cur_key = len(keys) - 1
                    i += 1
            if not iv:
                h_blk.value = idle_blocks[cyc % n_idle]       # garbage the DUT must ignore
            if rst != prev["rst"]:
                h_rst.value = rst
                prev["rst"] = rst
            if kv != prev["kv"]:
                h_kv.value = kv
                prev["kv"] = kv
            if iv != prev["iv"]:
                h_iv.value = iv
                prev["iv"] = iv
            cyc += 1
    except ValueError as exc:         # X/Z on an output (Icarus)
        raise AssertionError(f"X/Z on an output at cycle {cyc}: {exc}") from None
    secs = time.perf_counter() - t0
    return dict(blocks=blocks, keys=keys, resets=resets, outs=outs, drops=drops,
                busy=busy_log, ready=ready_log, key_wait=key_wait, cycles=cyc, secs=secs)


def check_run(res, rpr: int) -> dict:
    """Compare a run with the documented behaviour.  Returns event counts."""
    lat, nbusy = latency(rpr), busy_clocks(rpr)
    keys = res["keys"]
    resets = sorted(res["resets"])

    # busy / ready, cycle by cycle (state sampled at c = after edge c - 1).
    accept_at = {c: k for k, (c, _) in enumerate(keys)}
    reset_set = set(resets)
    busy_e = ready_e = count = 0
    for c, (b, r) in enumerate(zip(res["busy"], res["ready"])):
        if (b, r) != (busy_e, ready_e):
            raise AssertionError(f"cycle {c}: busy/ready = {b}/{r}, expected {busy_e}/{ready_e} "
                                 f"(accepts {[a for a in accept_at if c - 2 * nbusy < a <= c]}, "
                                 f"resets {[x for x in resets if c - 2 * nbusy < x <= c]})")
        if c in reset_set:
            busy_e = ready_e = 0
        elif c in accept_at:
            busy_e, ready_e, count = 1, 1, nbusy
        elif busy_e:
            count -= 1
            busy_e = int(count > 0)

    # Expected outputs and drops.
    exp, exp_drops = [], []
    by_key: dict[int, list[int]] = {}
    lost = 0
    for n, (c, pt, tag, k, ct) in enumerate(res["blocks"]):
        if k is None:
            exp_drops.append(c + 1)
            continue
        j = np.searchsorted(resets, c, side="right")          # first reset after the block
        if j < len(resets) and resets[j] <= c + lat - 1:
            lost += 1
            continue
        exp.append(n)
        by_key.setdefault(k, []).append(n)
    assert res["drops"] == exp_drops, \
        f"in_drop at cycles {res['drops'][:20]}..., expected {exp_drops[:20]}... " \
        f"({len(res['drops'])} vs {len(exp_drops)})"

    blocks = res["blocks"]
    ct_of = {}
    for k, ns in by_key.items():
        data = b"".join(blocks[n][1].to_bytes(16, "big") for n in ns)
        for n, v in zip(ns, blocks_int(ecb(keys[k][1], data))):
            ct_of[n] = v
    # The files' ciphertexts, where given, must agree with the library.
    for n in exp:
        if blocks[n][4] is not None:
            assert blocks[n][4] == ct_of[n], f"block {n}: CAVP ciphertext != cryptography's (tb bug)"

    outs = res["outs"]
    if len(outs) != len(exp):
        raise AssertionError(f"{len(outs)} blocks came out, expected {len(exp)} "
                             f"({len(blocks)} offered, {len(exp_drops)} dropped, {lost} lost to resets)")
    for o, n in zip(outs, exp):
        c, pt, tag, k, _ = blocks[n]
        oc, blk, otag = o
        if (oc, blk, otag) != (c + lat, ct_of[n], tag):
            which = [j for j, (_, kb) in enumerate(keys)
                     if int.from_bytes(ecb(kb, pt.to_bytes(16, "big")), "big") == blk]
            raise AssertionError(
                f"block {n} (in at cycle {c}, key #{k} accepted at cycle {keys[k][0]}):\n"
                f"  expected cycle {c + lat} blk {ct_of[n]:032x} tag {tag:#x}\n"
                f"  got      cycle {oc} blk {blk:032x} tag {otag:#x}\n"
                f"  the output matches key(s) {which or 'none: mixed round keys or a datapath error'}")
    return dict(blocks=len(blocks), out=len(exp), dropped=len(exp_drops), lost=lost, keys=len(keys),
                resets=len(resets))


async def start(dut):
    dut.clr.value = 0
    dut.key_valid.value = 0
    dut.key_len.value = 0
    dut.key.value = 0
    dut.in_tag.value = 0
    dut.in_blk.value = 0
    await T.reset_dut(dut)


def report(dut, name, res, counts):
    secs = res["secs"]
    dut._log.info("%s: PASS %s; %d cycles in %.2f s = %.0f cycles/s, %.0f blocks/s",
                  name, counts, res["cycles"], secs, res["cycles"] / secs, counts["blocks"] / secs)


def idle_garbage(rng) -> list[int]:
    return blocks_int(rand_bytes(rng, 16 * 61))


def rand_tag(rng, tag_w: int) -> int:
    return int(rng.integers(0, 1 << tag_w))


# --------------------------------------------------------------------------- cocotb tests

@cocotb.test()
async def cavp_kat(dut):
    rpr, tag_w = T.env_int("PHYSEC_RPR", 1), T.env_int("PHYSEC_TAG_W", 16)
    rng = np.random.default_rng(T.seed())
    files = KAT_FILES if os.environ.get("PHYSEC_KAT", "full") == "full" else KAT_FILES_SMOKE
    per_file = [read_ecb_encrypt(f) for f in files]
    # File by file, 128 and 256 alternating: blocks under one key (GFSbox,
    # VarTxt) stream back to back, and the key length switches at each file.
    order = [c for cs in per_file for c in cs]
    items, cur, tag = [], None, 0
    for key, pt, ct in order:
        if key != cur:
            items.append((KEY, key_value(key, rng), key))
            cur = key
        for p, c in zip(blocks_int(pt), blocks_int(ct)):
            items.append((BLK, p, tag, c))
            tag = (tag + 1) % (1 << tag_w)
    await start(dut)
    res = await run_items(dut, items, idle_garbage(rng))
    counts = check_run(res, rpr)
    assert counts["out"] == sum(len(ct) // 16 for cs in per_file for _, _, ct in cs)
    counts["block_in_accept_clock"] = len({c for c, _ in res["keys"]} & {b[0] for b in res["blocks"]})
    report(dut, f"cavp_kat ({len(order)} cases, {len(files)} files)", res, counts)


def schedule_state(dut) -> list:
    """Names of the key-schedule and pipeline registers that are not zero."""
    bad = [f"round key {j}" for j in range(15) if int(dut.u_keyexp.rk_q[j].value)]
    bad += [f"key window {i}" for i in range(8) if int(dut.u_keyexp.w_q[i].value)]
    bad += [f"state {j}" for j in range(15) if int(dut.u_pipe.st_q[j].value)]
    if T.env_int("PHYSEC_RPR", 1) == 2:
        bad += [f"half-round {j}" for j in range(1, 15) if int(dut.u_pipe.g_round[j].g_two.h_q.value)]
    return bad


@cocotb.test()
async def zeroise(dut):
    """clr (a key erase) and rst zeroise every round key, the key window and every pipeline
    state register in one clock; after clr the valid pipeline goes on (no block lost)
    and nothing that comes out is the key's ciphertext."""
    from cocotb.triggers import FallingEdge

    rng = np.random.default_rng(T.seed() + 3)
    await start(dut)
    for stop in ("clr", "rst"):
        key = rand_bytes(rng, 32)
        dut.key_len.value = 1
        dut.key.value = key_value(key, rng)
        dut.key_valid.value = 1
        await FallingEdge(dut.clk)
        dut.key_valid.value = 0
        pts = blocks_int(rand_bytes(rng, 16 * 60))
        ct = set(blocks_int(ecb(key, b"".join(p.to_bytes(16, "big") for p in pts))))
        outs, n_out = [], 0
        for i, pt in enumerate(pts):
            dut.in_valid.value = 1
            dut.in_blk.value = pt
            if i == 40:
                getattr(dut, stop).value = 1
            await FallingEdge(dut.clk)
            if i == 40:
                getattr(dut, stop).value = 0
                bad = schedule_state(dut)
                assert not bad, f"after {stop}: key material left in {bad}"
            if int(dut.out_valid.value):
                outs.append((i, int(dut.out_blk.value)))
        dut.in_valid.value = 0
        for _ in range(40):
            await FallingEdge(dut.clk)
            if int(dut.out_valid.value):
                outs.append((99, int(dut.out_blk.value)))
        after = [v for i, v in outs if i > 40]
        if stop == "clr":
            assert len(outs) == len(pts), f"clr lost blocks: {len(outs)} out of {len(pts)}"
            assert not set(after) & ct, "a block after clr came out as the key's ciphertext"
        else:
            assert not after, f"{len(after)} blocks came out after rst without a key"
        dut._log.info("zeroise: %s clears round keys, key window and pipeline state in one clock", stop)
    await T.reset_dut(dut)


@cocotb.test()
async def random_stream(dut):
    rpr, tag_w = T.env_int("PHYSEC_RPR", 1), T.env_int("PHYSEC_TAG_W", 16)
    n = T.env_int("PHYSEC_NBLOCKS", 50_000)
    seed = T.seed()
    rng = np.random.default_rng(seed + 1)
    dut._log.info("random_stream: seed PHYSEC_SEED=%d, %d blocks, RPR=%d", seed, n, rpr)
    key = rand_bytes(rng, 32)
    items = [(KEY, key_value(key, rng), key)]
    pts = blocks_int(rand_bytes(rng, 16 * n))
    valid = T.valid_pattern(rng, n, 0.8)
    it = iter(pts)
    for v in valid:
        items.append((BLK, next(it), rand_tag(rng, tag_w), None) if v else (IDLE,))
    await start(dut)
    res = await run_items(dut, items, idle_garbage(rng))
    counts = check_run(res, rpr)
    assert counts["out"] == n
    report(dut, "random_stream", res, counts)


@cocotb.test()
async def key_change(dut):
    rpr, tag_w = T.env_int("PHYSEC_RPR", 1), T.env_int("PHYSEC_TAG_W", 16)
    n_seg = T.env_int("PHYSEC_KEY_SEGMENTS", 300)
    rng = np.random.default_rng(T.seed() + 2)
    nbusy = busy_clocks(rpr)

    def blk():
        return (BLK, blocks_int(rand_bytes(rng, 16))[0], rand_tag(rng, tag_w), None)

    items = [blk() for _ in range(5)] + [(IDLE,)] * 3      # before any key: dropped
    cov = dict.fromkeys(["short_stream", "long_stream", "switch_128_to_256", "switch_256_to_128",
                         "reset_mid_install", "reset_in_flight", "bubbles"], 0)
    # The first segments are fixed so that every bin is hit with few segments
    # (Icarus): (key bytes, blocks, bubble probability, reset: None/"mid"/"after").
    fixed = {0: (32, 100, 0.3, None), 1: (16, 1, 0.0, None), 2: (32, 2, 0.0, None),
             3: (16, 3 * nbusy, 0.0, "mid"), 4: (32, 40, 0.0, None), 5: (16, 2 * nbusy, 0.1, "after")}
    prev_key = None
    for s in range(n_seg):
        if s in fixed:
            klen, n, p_bubble, reset = fixed[s]
        else:
            klen = 32 if rng.random() < 0.5 else 16
            r = rng.random()
            n = int(rng.integers(0, 4)) if r < 0.3 else int(rng.integers(4, 3 * nbusy)) if r < 0.8 \
                else int(rng.integers(3 * nbusy, 400))
            p_bubble = 0.0 if rng.random() < 0.5 else float(rng.random()) * 0.5
            reset = None if rng.random() >= 0.04 else "mid" if rng.random() < 0.5 else "after"
        key = rand_bytes(rng, klen)
        if prev_key is not None and s not in fixed and rng.random() < 0.05:
            key = prev_key                                    # the same key again
        if prev_key is not None and len(prev_key) != len(key):
            cov[f"switch_{8 * len(prev_key)}_to_{8 * len(key)}"] += 1
        prev_key = key
        items.append((KEY, key_value(key, rng), key))
        seg_start = len(items)
        cov["short_stream" if n < nbusy else "long_stream"] += 1
        for _ in range(n):
            items.append(blk())
            if rng.random() < p_bubble:
                items.extend([(IDLE,)] * int(rng.integers(1, 4)))
                cov["bubbles"] += 1
        if reset:
            # Right after the key (its schedule is being written) or after the
            # stream (blocks in flight); then a few blocks without a key (dropped).
            at = seg_start if reset == "mid" else len(items)
            items[at:at] = [(RESET,)] * int(rng.integers(1, 3)) + [blk() for _ in range(int(rng.integers(1, 4)))]
            cov["reset_mid_install" if reset == "mid" else "reset_in_flight"] += 1
    await start(dut)
    res = await run_items(dut, items, idle_garbage(rng))
    counts = check_run(res, rpr)

    # Coverage of the key-install timing: a block in the accepting clock (old
    # key), a block in the next clock (new key), a key held while busy.
    acc = {c for c, _ in res["keys"]}
    blk_cycles = {b[0] for b in res["blocks"]}
    cov["block_in_accept_clock"] = len(acc & blk_cycles)
    cov["block_right_after_accept"] = len({c + 1 for c in acc} & blk_cycles)
    cov["key_held_while_busy"] = res["key_wait"]
    # Old-key blocks still in the pipe when the new key is accepted, and
    # new-key blocks entering while the schedule is still being written.
    lat = latency(rpr)
    bc = np.array([b[0] for b in res["blocks"]])
    bk = [b[3] for b in res["blocks"]]
    cov["old_blocks_in_flight_at_accept"] = sum(
        1 for k, (a, _) in enumerate(res["keys"])
        if any(bk[n] is not None and bk[n] != k
               for n in range(np.searchsorted(bc, a - lat, side="right"), np.searchsorted(bc, a, side="right"))))
    cov["new_blocks_during_busy"] = sum(1 for b in res["blocks"] if res["busy"][b[0]] and b[3] is not None)
    T.check_coverage(dut._log, cov)
    dut._log.info("key_change coverage: %s", cov)
    report(dut, "key_change", res, counts)


# --------------------------------------------------------------------------- pytest

def sbox_reference() -> list[int]:
    """The AES S-box from its FIPS-197 5.1.1 definition."""
    def gmul(a, b):
        r = 0
        while b:
            if b & 1:
                r ^= a
            a = (a << 1) ^ 0x11B if a & 0x80 else a << 1
            b >>= 1
        return r

    inv = [0] * 256
    for a in range(1, 256):
        inv[a] = next(b for b in range(1, 256) if gmul(a, b) == 1)
    rotl = lambda b, n: ((b << n) | (b >> (8 - n))) & 0xFF
    return [b ^ rotl(b, 1) ^ rotl(b, 2) ^ rotl(b, 3) ^ rotl(b, 4) ^ 0x63 for b in inv]


def test_aes_pkg_tables():
    """The S-box module's 256 case items and the package's Rcon table equal their
    FIPS-197 definitions."""
    items = re.findall(r"8'h([0-9a-f]{2}):\s*y = 8'h([0-9a-f]{2});", SBOX.read_text())
    table = {int(x, 16): int(y, 16) for x, y in items}
    assert len(items) == 256 and sorted(table) == list(range(256)), \
        f"physec_aes_sbox must list each of the 256 inputs once, lists {len(items)} items"
    ref = sbox_reference()
    bad = [x for x in range(256) if table[x] != ref[x]]
    assert not bad, f"S-box entries differ from FIPS-197 at {[hex(x) for x in bad]}"
    text = PKG.read_text()
    rcon = {int(i): int(v, 16) for i, v in re.findall(r"^\s*(\d+):\s+rcon = 32'h([0-9a-f]{8});", text, re.M)}
    rc, exp = 1, {}
    for i in range(1, 11):
        exp[i] = rc << 24
        rc = (rc << 1) ^ 0x11B if rc & 0x80 else rc << 1
    assert rcon == exp


@pytest.mark.parametrize("sim,rpr,tag_w", [
    pytest.param("verilator", 1, 16, id="verilator-RPR1"),
    pytest.param("verilator", 2, 5, id="verilator-RPR2"),
    pytest.param("icarus", 1, 16, id="icarus-RPR1"),
])
def test_aes_runner(sim, rpr, tag_w):
    if sim == "icarus" and shutil.which("iverilog") is None:
        pytest.skip("iverilog not installed")
    scale = 10 if os.environ.get("PHYSEC_REGRESS", "") not in ("", "0") else 1
    if sim == "icarus":
        n = T.env_int("PHYSEC_NBLOCKS_ICARUS", 500 * scale)
        segs, kat = 8 * scale, "full" if scale > 1 else "smoke"
    else:
        n = T.env_int("PHYSEC_NBLOCKS", 50_000 * scale)
        segs, kat = 300 * scale, "full"
    T.run_cocotb(TOPLEVEL, SOURCES, "test_aes", Path(__file__).parent,
                 parameters={"RPR": rpr, "TAG_W": tag_w}, sim=sim,
                 extra_env={"PHYSEC_NBLOCKS": n, "PHYSEC_RPR": rpr, "PHYSEC_TAG_W": tag_w,
                            "PHYSEC_KEY_SEGMENTS": segs, "PHYSEC_KAT": kat,
                            "PHYSEC_SEED": os.environ.get("PHYSEC_SEED", T.DEFAULT_SEED)})
