# SPDX-License-Identifier: Apache-2.0
"""Stage `gmp`: Generic Mapping Procedure (ITU-T G.709 Annex D) of 257b blocks into
payload slots, the Cm decision rule, and the JC1..JC6 justification control bytes.

Same concept in every layer: ``GmpMapper`` = RTL ``physec_gmp_map``; ``slot_map`` =
the accumulator in ``physec_gmp_map`` and ``physec_gmp_demap``; spec chapter 4.

Cm rule (spec 4.3), evaluated at the first clock of every frame t, clocks counted
from reset, frame t = clocks [t*W, (t+1)*W) with W = words per frame:

    L(t)   = FIFO level at the start of frame t
    Cm(t)  = clamp(cm_init + L(t) - fifo_target, 0, n_slots)
    CnD(t) = min(L(t), 1023)

cm_init is the whole part of the nominal blocks per frame (the rate relation).  In
steady state L(t) - fifo_target = A(t-1) - cm_init, with A the blocks accepted in a
frame, so Cm(t) = A(t-1): Cm is exactly the client's own arrival count, a fractional
mean turned into an integer sequence with steps of -1, 0, +1, and ppm offsets are
tracked.  After a pause, a burst or start-up the FIFO level returns to fifo_target in
one frame.  A receiver recovers the arrival count as A(t-1) = CnD(t) - fifo_target +
cm_init.

Slot j (1-based) of frame t pops the FIFO at frame clock floor((header_bits + (j-1) *
slot_bits) / word_bits), the clock of the line word its first bit is in.  A block
written in clock c can be popped from clock c + 1 on.  A write is accepted while the
level at the start of the clock is below fifo_depth (a pop in the same clock does not
make room); a data slot that finds the FIFO empty carries ERROR_257B instead (both
counted).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .crc import crc5_jc, crc8_jc
from .jit import kernel
from .pcs66 import error_blocks
from .profile import Profile
from .xcode257 import transcode_257b

CM_BITS = 14
I_MASK = 0x1555      # C2, C4 .. C14 (C1 is the MSB of the 14-bit Cm, C14 the LSB)
D_MASK = 0x2AAA      # C1, C3 .. C13
ALL_MASK = 0x3FFF
CND_MAX = 1023

# What a data slot carries when the client FIFO is empty: four EBLOCK_R transcoded.
ERROR_257B = transcode_257b(error_blocks(4))


@functools.lru_cache(maxsize=256)
def slot_map(cm: int, pm: int) -> np.ndarray:
    """Closed form: slot j = 1..pm carries data iff (j * cm) mod pm < cm.  (Read-only:
    cached, as a link uses a handful of Cm values.)"""
    if not 0 <= cm <= pm:
        raise ValueError(f"Cm {cm} outside 0..{pm}")
    j = np.arange(1, pm + 1, dtype=np.int64)
    m = (j * cm) % pm < cm
    m.setflags(write=False)
    return m


def slot_map_accumulator(cm: int, pm: int) -> np.ndarray:
    """The same rule as the RTL computes it: add Cm per slot, data when the sum reaches pm."""
    out = np.zeros(pm, bool)
    acc = 0
    for j in range(pm):
        acc += cm
        if acc >= pm:
            acc -= pm
            out[j] = True
    return out


def slot_start_clock(p: Profile) -> np.ndarray:
    """Frame clock (line word index) in which slot j (index j-1) starts."""
    j = np.arange(p.n_slots, dtype=np.int64)
    return (p.header_bits + j * p.slot_bits) // p.word_bits


# ---- JC1..JC6 -------------------------------------------------------------------

def jc_encode(cm: int, cm_prev: int, cnd: int) -> bytes:
    """JC1..JC6 for this frame's Cm, given the previous frame's (spec 4.4)."""
    d = cm - cm_prev
    if d == 0:
        c, ii, di = cm, 0, 0
    elif d in (1, 2):
        c, ii, di = cm_prev ^ (I_MASK if d == 1 else ALL_MASK), 1, 0
    elif d in (-1, -2):
        c, ii, di = cm_prev ^ (D_MASK if d == -1 else ALL_MASK), 0, 1
    else:
        c, ii, di = cm, 1, 1
    jc1, jc2 = c >> 6, (c & 0x3F) << 2 | ii << 1 | di
    cnd = min(cnd, CND_MAX)
    return bytes([jc1, jc2, crc8_jc(jc1, jc2), cnd >> 5, cnd & 0x1F, crc5_jc(cnd)])


@dataclass(frozen=True)
class JcResult:
    cm: int | None       # None: Cm could not be recovered
    cnd: int | None      # None: CnD CRC-5 failed
    crc_ok: bool         # CRC-8 over JC1..JC3
    kind: str            # "same", "+1", "+2", "-1", "-2", "new", "crc", "pattern"


def jc_decode(jc: bytes, cm_prev: int, prev_known: bool = True) -> JcResult:
    """Recover Cm (and CnD) from JC1..JC6 (spec 4.4).  A relative change (II != DI)
    is only applied when the previous Cm is known to be right (``prev_known``)."""
    jc1, jc2, jc3, jc4, jc5, jc6 = jc
    cnd = (jc4 & 0x1F) << 5 | (jc5 & 0x1F)
    cnd_ok = crc5_jc(cnd) == (jc6 & 0x1F) and not (jc4 | jc5 | jc6) & 0xE0
    cnd_v = cnd if cnd_ok else None
    if crc8_jc(jc1, jc2) != jc3:
        return JcResult(None, cnd_v, False, "crc")
    c, ii, di = jc1 << 6 | jc2 >> 2, (jc2 >> 1) & 1, jc2 & 1
    if ii == di:
        return JcResult(c, cnd_v, True, "new" if ii else "same")
    if not prev_known:
        return JcResult(None, cnd_v, True, "stale")
    x = c ^ cm_prev
    inv_i = bin(x & I_MASK).count("1") >= 4
    inv_d = bin(x & D_MASK).count("1") >= 4
    step = {(True, False): 1, (True, True): 2}.get((inv_i, inv_d)) if ii else \
        {(False, True): 1, (True, True): 2}.get((inv_i, inv_d))
    if step is None:
        return JcResult(None, cnd_v, True, "pattern")
    cm = cm_prev + step if ii else cm_prev - step
    return JcResult(cm, cnd_v, True, f"{'+' if ii else '-'}{step}")


# ---- the mapper ------------------------------------------------------------------

@dataclass
class FrameMap:
    index: int
    cm: int
    cnd: int
    level: int                  # L(t)
    accepted: int               # A(t): blocks accepted during this frame
    slots: np.ndarray           # per data slot: client block index, or -1 (underflow)
    underflows: int
    overflows: int


def fifo_fits(valid: np.ndarray, pop: np.ndarray, level0: int, depth: int) -> tuple[int, bool]:
    """(blocks offered, whether the FIFO neither runs empty nor overflows in the frame):
    the mapper's fast path, with the level at the start of each clock if nothing does."""
    d = valid - pop
    before = level0 + np.cumsum(d) - d
    return int(valid.sum()), bool((before - pop).min(initial=0) >= 0 and (before + valid).max(initial=0) <= depth)


@kernel
def fifo_fits_kernel(valid, pop, level0, depth):
    """fifo_fits compiled (int64 arrays): one pass, no temporaries."""
    level, n, fits = level0, 0, True
    for c in range(valid.shape[0]):
        if level < pop[c] or level + valid[c] > depth:
            fits = False
        level += valid[c] - pop[c]
        n += valid[c]
    return n, fits


class GmpMapper:
    """Streaming mapper: feed each frame's per-clock client valid flags."""

    def __init__(self, p: Profile):
        self.p = p
        self.cm_prev = 0
        self.fifo = np.zeros(0, np.int64)       # client block indices, oldest first
        self.next_client = 0                    # index of the next client block offered
        self.frame = 0
        self._start = slot_start_clock(p)
        self._pop: dict[int, np.ndarray] = {}

    def _pops(self, cm: int) -> np.ndarray:
        """FIFO pops per frame clock for Cm (a function of Cm alone: cached)."""
        pop = self._pop.get(cm)
        if pop is None:
            pop = np.bincount(self._start[slot_map(cm, self.p.n_slots)], minlength=self.p.words_per_frame)
            self._pop[cm] = pop
        return pop

    def map_frame(self, valid: np.ndarray) -> FrameMap:
        """``valid``: client blocks offered in each clock of the frame (0/1 in the 100g profile)."""
        p = self.p
        valid = np.asarray(valid)
        if valid.dtype != np.int64:
            valid = valid.astype(np.int64)
        if valid.shape != (p.words_per_frame,):
            raise ValueError(f"need {p.words_per_frame} valid counts per frame, got {valid.shape}")
        level0 = len(self.fifo)
        cm = min(max(p.cm_init + level0 - p.fifo_target, 0), p.n_slots)
        pop = self._pops(cm)
        n_valid, fits = fifo_fits_kernel(valid, pop, level0, p.fifo_depth)
        offered = self.next_client + np.arange(n_valid)
        if fits:
            accepted, got = offered, None
        else:
            acc, got = self._slow(valid, pop, level0)
            # The first acc[c] of the valid[c] blocks offered in clock c are accepted.
            rank = np.arange(len(offered)) - np.repeat(np.cumsum(valid) - valid, valid)
            accepted = offered[rank < np.repeat(acc, valid)]
        self.next_client += n_valid
        fifo = np.concatenate((self.fifo, accepted))
        if got is None:
            slots, n_pop, under = fifo[:cm], cm, 0
        else:
            n_pop = int(got.sum())
            slots = np.full(cm, -1, np.int64)
            slots[got] = fifo[:n_pop]
            under = cm - n_pop
        self.fifo = fifo[n_pop:]
        fm = FrameMap(self.frame, cm, min(level0, CND_MAX), level0, len(accepted), slots, under,
                      n_valid - len(accepted))
        self.frame += 1
        return fm

    def _slow(self, valid, pop, level):
        """Clock by clock, for frames where the FIFO runs empty or full: per clock, with s
        the level at its start, min(pop, s) slots get a block and min(valid, depth - s)
        offered blocks are accepted."""
        acc = np.zeros(len(valid), np.int64)
        got = []
        for c in range(len(valid)):
            start = level
            n = min(pop[c], start)
            got += [True] * n + [False] * (pop[c] - n)
            acc[c] = min(valid[c], self.p.fifo_depth - start)
            level += acc[c] - n
        return acc, np.array(got, bool)

    def jc(self, fm: FrameMap) -> bytes:
        """JC bytes for a mapped frame; call once per frame, in order."""
        out = jc_encode(fm.cm, self.cm_prev, fm.cnd)
        self.cm_prev = fm.cm
        return out


def client_valid(p: Profile, n_frames: int, ppm: float = 0.0, start_frame: int = 0) -> np.ndarray:
    """Blocks offered per clock by a client at the nominal rate offset by ``ppm``.  The rate
    is fixed per 256 line bits, the narrowest word (spec 7.3): r = blocks per 256 bits,
    rounded to 1e-9 (exact integers), and a W-bit clock c offers the blocks of its W / 256
    256-bit clocks, floor((c+1) k r) - floor(c k r) with k = W / 256: 0 or 1 in the 100g
    profile at 256 bits, 1 or 2 at 512.  The schedule at W bits is thus the 256-bit one
    summed over groups of k clocks, the same count at every frame start, so while the FIFO
    neither runs empty nor overflows the levels at frame starts, the Cm sequence and the
    line bits are the same at every width (test_widths checks it on the committed sets)."""
    den = 10 ** 9
    k = p.word_bits // 256
    num = round(p.cm_nominal * (1 + ppm * 1e-6) / (p.frame_bits // 256) * den)
    c = np.arange(start_frame * p.words_per_frame, (start_frame + n_frames) * p.words_per_frame + 1,
                  dtype=np.int64) * k
    cum = (c * num) // den
    return np.diff(cum)
