# SPDX-License-Identifier: Apache-2.0
"""The tap format of ``vectors.py`` (spec 7) at disk speed, streamed.

A tap's words are handled as *rows*: a uint8 array (N, B), each row the word's value
big-endian in B = ceil(D / 2) bytes, D = ceil(width / 4) hex digits (for an odd D the
row's first nibble is zero and is not written).  ``format_rows`` turns rows into the
file's lines (D lowercase digits and a newline each), ``parse`` the other way; both are
compiled kernels over whole blocks of text, with the numpy functions ``format_rows_np``
/ ``parse_rows_np`` as their definition (model/tests/test_hexio.py compares the two,
and both with ``vectors.write_tap`` / ``vectors.read_tap``, the format written out).

:class:`TapReader` reads a tap file block by block in bounded memory.  Lines that are
exactly D hex digits and a line break (LF or CRLF) take the kernel; any other line
(the ``//`` header, comments, blank lines, bad words) takes ``read_tap``'s own rules
one line at a time, so every input gives the values or the error ``read_tap`` gives,
with the same file and line.  :class:`TapWriter` writes the words to a part file
while they are produced (the count in the header is known only at the end), then the
header and the words into the tap file, with its SHA-256 and size for the manifest.

Converters between the model's arrays and rows (``b66_rows``, ``rows_b257`` ...) are
the vectorised forms of ``Blocks66.to_ints`` / ``from_ints``, ``Blocks257.*`` and
``vectors.cgmii_to_ints`` / ``cgmii_from_ints``, which stay the definition.
"""
from __future__ import annotations

import codecs
import hashlib
import locale
import os
from pathlib import Path

import numpy as np

from .jit import kernel
from .pcs66 import Blocks66, Cgmii
from .vectors import _HEX, Tap, VectorError
from .xcode257 import Blocks257

BLOCK = 1 << 20                          # bytes of text read or formatted per step
HEXCHARS = np.frombuffer(b"0123456789abcdef", np.uint8).copy()
HEXVAL = np.full(256, 255, np.uint8)     # ASCII -> digit value, 255 for anything else
for _i, _c in enumerate(b"0123456789abcdef"):
    HEXVAL[_c] = HEXVAL[b"0123456789ABCDEF"[_i]] = _i
# Two ASCII characters (first << 8 | second) -> the byte they spell, 0x100 and up if not hex.
HEXPAIR = np.full(1 << 16, 0x100, np.uint16)
_ok = np.flatnonzero(HEXVAL < 16)
HEXPAIR[(_ok[:, None] << 8) | _ok[None, :]] = (HEXVAL[_ok][:, None] << 4) | HEXVAL[_ok][None, :]
LF, CR = 10, 13


def row_bytes(tap: Tap) -> int:
    return (tap.digits + 1) // 2


def top_limit(tap: Tap) -> int:
    """The first digit of a word must be below this (the word below 2^width)."""
    return 1 << (tap.width - 4 * (tap.digits - 1))


# ---- formatting ------------------------------------------------------------------

def format_rows_np(rows: np.ndarray, digits: int) -> bytes:
    """The definition: D digits and a newline per row."""
    rows = np.asarray(rows, np.uint8)
    nib = np.empty((len(rows), 2 * rows.shape[1]), np.uint8)
    nib[:, 0::2], nib[:, 1::2] = rows >> 4, rows & 15
    out = np.empty((len(rows), digits + 1), np.uint8)
    out[:, :digits] = HEXCHARS[nib[:, nib.shape[1] - digits:]]
    out[:, digits] = LF
    return out.tobytes()


@kernel
def format_kernel(rows, digits, out):
    """format_rows_np into ``out`` (len(rows) * (digits + 1) bytes)."""
    n, nb = rows.shape
    odd = 2 * nb - digits
    o = 0
    for i in range(n):
        if odd:
            out[o] = HEXCHARS[rows[i, 0] & 15]
            o += 1
        for j in range(odd, nb):
            b = rows[i, j]
            out[o] = HEXCHARS[b >> 4]
            out[o + 1] = HEXCHARS[b & 15]
            o += 2
        out[o] = LF
        o += 1
    return o


def format_rows(rows: np.ndarray, digits: int, out: np.ndarray | None = None) -> memoryview:
    """The lines of ``rows``; ``out``: a buffer to write them into (reused, no page faults)."""
    rows = np.ascontiguousarray(rows, np.uint8)
    n = len(rows) * (digits + 1)
    if out is None or len(out) < n:
        out = np.empty(n, np.uint8)
    if len(rows):
        format_kernel(rows, digits, out)
    return out.data[:n]


# ---- parsing ---------------------------------------------------------------------

def parse_rows_np(text: bytes, digits: int, top: int) -> np.ndarray | None:
    """The definition for regular text: every line D hex digits and LF; None otherwise."""
    a = np.frombuffer(text, np.uint8)
    if len(a) % (digits + 1):
        return None
    a = a.reshape(-1, digits + 1)
    v = HEXVAL[a[:, :digits]]
    if (a[:, digits] != LF).any() or (v == 255).any() or (len(a) and (v[:, 0] >= top).any()):
        return None
    nb = (digits + 1) // 2
    nib = np.zeros((len(a), 2 * nb), np.uint8)
    nib[:, 2 * nb - digits:] = v
    return (nib[:, 0::2] << 4) | nib[:, 1::2]


@kernel
def parse_kernel(buf, start, end, digits, top, out):
    """Rows of the regular lines of buf[start:end] (D hex digits, then LF or CR LF) into
    ``out``, up to the first other line or a full ``out``: (rows, where it stopped).
    A row is written before its line is known good; a bad one is left for the caller."""
    nb = out.shape[1]
    odd = 2 * nb - digits
    k, p = 0, start
    while k < out.shape[0] and p + digits < end:
        q = p + digits
        if buf[q] == LF:
            nxt = q + 1
        elif buf[q] == CR and q + 1 < end and buf[q + 1] == LF:
            nxt = q + 2
        else:
            break
        first = HEXVAL[buf[p]]
        bad = first if odd else 0
        t = p + odd
        if odd:
            out[k, 0] = first
        for j in range(odd, nb):
            v = HEXPAIR[(np.uint32(buf[t]) << 8) | buf[t + 1]]
            bad |= v
            out[k, j] = v
            t += 2
        if bad > 255 or first >= top:
            break
        k += 1
        p = nxt
    return k, p


def parse_prefix_np(buf, start, end, digits, top, out):
    """parse_kernel in numpy, for small files (no compiler to load): the same rows, but a
    CR LF line ends the prefix (the caller reads it by read_tap's rules)."""
    n = min((end - start) // (digits + 1), len(out))
    if n <= 0:
        return 0, start
    a = buf[start:start + n * (digits + 1)].reshape(n, digits + 1)
    v = HEXVAL[a[:, :digits]]
    ok = (a[:, digits] == LF) & (v.max(axis=1) < 16) & (v[:, 0] < top)
    k = n if ok.all() else int(ok.argmin())
    if k:
        nb = out.shape[1]
        nib = np.zeros((k, 2 * nb), np.uint8)
        nib[:, 2 * nb - digits:] = v[:k]
        out[:k] = (nib[:, 0::2] << 4) | nib[:, 1::2]
    return k, start + k * (digits + 1)


SMALL = 1 << 22                           # files up to this size are parsed by parse_prefix_np


class TapReader:
    """The words of a tap file as rows, block by block (``take``); ``count``: the number
    of words the file must hold (the manifest's), checked at its end.

    Errors are ``read_tap``'s, with its precedence: a file that is not text anywhere is
    "not a text file"; otherwise the first bad line is named; then the count."""

    def __init__(self, path, tap: Tap, count: int | None = None, block: int = BLOCK, keep: bool = True,
                 compiled: bool | None = None):
        self.path, self.tap, self.expect = Path(path), tap, count
        self.digits, self.nb, self.top = tap.digits, row_bytes(tap), top_limit(tap)
        self.block, self.keep = block, keep
        self.lineno = 0                 # lines consumed (as read_tap numbers them)
        self.words = 0                  # words parsed so far
        self.rows, self.pos = np.zeros((0, self.nb), np.uint8), 0
        self.tail, self.eof = b"", False
        self.enc = locale.getpreferredencoding(False)
        self._scratch = None
        try:
            self.f = open(self.path, "rb")
            size = os.fstat(self.f.fileno()).st_size
        except OSError as e:
            raise VectorError(f"{self.path}: cannot read: {e.strerror}") from None
        # ``compiled``: the kernel, or its numpy form (None: the kernel for files over SMALL).
        self.parse = parse_kernel if (size > SMALL if compiled is None else compiled) else parse_prefix_np

    def close(self) -> None:
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- reading -----------------------------------------------------------------
    def _read(self) -> bytes:
        try:
            return self.f.read(self.block)
        except OSError as e:
            raise VectorError(f"{self.path}: cannot read: {e.strerror}") from None

    def _next_block(self) -> bool:
        """Parse the next block of lines into self.rows; False at the end of the file."""
        while not self.eof:
            data = self._read()
            if not data:
                self.eof = True
                text, final = self.tail, True
            else:
                text = self.tail + data if self.tail else data
                cut = text.rfind(b"\n") + 1
                if not cut:
                    self.tail = text        # no line break yet: a long line
                    continue
                text, self.tail, final = text[:cut], text[cut:], False
            if not text:
                break
            self.rows, self.pos = self._parse(text, final), 0
            if len(self.rows) or not self.keep:
                return True
        if self.eof:
            self._at_end()
        return False

    def _parse(self, text: bytes, final: bool) -> np.ndarray:
        """The words of ``text`` (whole lines, or the file's last bytes when ``final``)."""
        buf = np.frombuffer(text, np.uint8)
        end = len(text)
        if self.keep:                   # room for every word: each takes D characters and a line break
            out = np.empty((end // (self.digits + 1) + 2, self.nb), np.uint8)
        else:
            if self._scratch is None:
                self._scratch = np.empty((self.block // (self.digits + 1) + 2, self.nb), np.uint8)
            out = self._scratch
        k, p = 0, 0
        while p < end:
            room = out[k:] if self.keep else out
            n, p2 = self.parse(buf, p, end, self.digits, self.top, room)
            self.lineno += n                    # one word per line the kernel takes
            self.words += n
            k += n if self.keep else 0
            p = p2
            if p >= end or (not self.keep and n == len(room)):     # done, or the scratch rows are full
                continue
            nl = text.find(b"\n", p, end)          # a line the kernel does not take
            q = end if nl < 0 else nl + 1
            for v in self._slow(text[p:q], text, q):
                if self.keep:
                    out[k] = np.frombuffer(v.to_bytes(self.nb, "big"), np.uint8)
                    k += 1
                self.words += 1
            p = q
        return out[:k] if self.keep else out[:0]

    def _slow(self, raw: bytes, text: bytes, q: int) -> list[int]:
        """The words of one line (with its LF, if any) by read_tap's rules; a line holding
        other line breaks (a lone CR, VT, FF ...) is several lines to read_tap too."""
        try:
            lines = raw.decode(self.enc).splitlines()
        except UnicodeDecodeError:
            raise VectorError(f"{self.path}: not a text file") from None
        words = []
        for line in lines:
            self.lineno += 1
            s = line.split("//", 1)[0].strip()
            if not s:
                continue
            if len(s) != self.digits:
                self._fail(f"{self.path}:{self.lineno}: expected {self.digits} hex digits for a "
                           f"{self.tap.width}-bit word, got {s[:80]!r}", text[q:])
            # int(s, 16) alone would also take '_', a sign and non-ASCII digits.
            if not _HEX.fullmatch(s):
                self._fail(f"{self.path}:{self.lineno}: {s[:80]!r} is not hexadecimal", text[q:])
            v = int(s, 16)
            if v >> self.tap.width:
                self._fail(f"{self.path}:{self.lineno}: {s!r} does not fit in {self.tap.width} bits", text[q:])
            words.append(v)
        return words

    def _fail(self, message: str, rest: bytes) -> None:
        """read_tap decodes the whole file first: a part that is not text wins over a bad word."""
        dec = codecs.getincrementaldecoder(self.enc)()
        try:
            dec.decode(rest)
            dec.decode(self.tail)
            while True:
                data = self._read()
                if not data:
                    break
                dec.decode(data)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            raise VectorError(f"{self.path}: not a text file") from None
        raise VectorError(message)

    def _at_end(self) -> None:
        if self.expect is not None and self.words != self.expect:
            raise VectorError(f"{self.path}: {self.words} words, the manifest counts {self.expect!r}")

    # -- the API ---------------------------------------------------------------------
    def take(self, n: int) -> np.ndarray:
        """The next n words as rows (fewer only at the end of the file)."""
        parts = []
        while n > 0:
            if self.pos == len(self.rows) and not self._next_block():
                break
            k = min(n, len(self.rows) - self.pos)
            parts.append(self.rows[self.pos:self.pos + k])
            self.pos += k
            n -= k
        if len(parts) == 1:
            return parts[0]
        return np.concatenate(parts) if parts else np.zeros((0, self.nb), np.uint8)

    def chunks(self, n: int):
        while True:
            r = self.take(n)
            if not len(r):
                return
            yield r

    def finish(self) -> int:
        """Read (and check) the rest of the file; the number of words it holds."""
        self.keep = False
        self.pos = len(self.rows)
        while self._next_block():
            pass
        return self.words


def count_words(path, tap: Tap, count: int | None = None) -> int:
    """Check a whole tap file as ``read_tap`` would, without keeping its words."""
    with TapReader(path, tap, count, keep=False) as r:
        return r.finish()


def read_rows(path, tap: Tap, count: int | None = None) -> np.ndarray:
    """All words of a (small) tap file as rows."""
    with TapReader(path, tap, count) as r:
        rows = r.take(1 << 62)
        r.finish()
    return rows


# ---- writing -----------------------------------------------------------------------

class TapWriter:
    """A tap file written as its words come.  With ``count`` (the words it will hold) the
    header goes first and the words straight after it; without, the words go to
    ``.<name>.hex.part`` and ``close`` writes the header (which counts them) and copies
    them after it.  ``close`` returns (SHA-256, size) of the tap file."""

    def __init__(self, directory, tap: Tap, title: str, count: int | None = None):
        self.dir, self.tap, self.title, self.promised = Path(directory), tap, title, count
        self.path = self.dir / tap.file
        self.part = self.dir / f".{tap.file}.part"
        self.count = 0
        self.buf = np.empty(0, np.uint8)
        self.sha, self.size = hashlib.sha256(), 0
        if count is None:
            self.f = open(self.part, "wb")
        else:
            self.f = open(self.path, "wb")
            self._out(self.header(count))

    def _out(self, data) -> None:
        self.sha.update(data)
        self.f.write(data)
        self.size += len(data)

    def write(self, rows: np.ndarray) -> None:
        step = max(1, BLOCK // (self.tap.digits + 1))
        for i in range(0, len(rows), step):
            part = rows[i:i + step]
            if len(self.buf) < len(part) * (self.tap.digits + 1):
                self.buf = np.empty(len(part) * (self.tap.digits + 1), np.uint8)
            text = format_rows(part, self.tap.digits, self.buf)
            if self.promised is None:
                self.f.write(text)
            else:
                self._out(text)
        self.count += len(rows)

    def write_ints(self, values) -> None:
        self.write(ints_to_rows(values, row_bytes(self.tap)))

    def header(self, count: int) -> bytes:
        t = self.tap
        head = [f"// PHYSec golden vector tap '{t.name}': {self.title}",
                f"// {count} words of {t.width} bits, one per line, hex, MSB digit first",
                f"// bit order: {t.bit_order}"]
        return ("\n".join(head) + "\n").encode() + (b"" if count else b"\n")   # write_tap: "" + "\n"

    def close(self) -> tuple[str, int]:
        if self.promised is not None:
            self.f.close()
            if self.count != self.promised:
                raise RuntimeError(f"{self.path}: {self.count} words written, {self.promised} promised")
            return self.sha.hexdigest(), self.size
        self.f.close()
        with open(self.path, "wb") as out, open(self.part, "rb") as body:
            self.f = out
            self._out(self.header(self.count))
            while chunk := body.read(8 * BLOCK):
                self._out(chunk)
        os.unlink(self.part)
        return self.sha.hexdigest(), self.size

    def abort(self) -> None:
        """Remove the part file, and the tap file if this writer was writing it."""
        self.f.close()
        self.part.unlink(missing_ok=True)
        if self.f.name == str(self.path):
            self.path.unlink(missing_ok=True)


# ---- rows <-> the model's arrays ------------------------------------------------------

def ints_to_rows(values, nb: int) -> np.ndarray:
    vals = list(values)
    return np.frombuffer(b"".join(int(v).to_bytes(nb, "big") for v in vals), np.uint8).reshape(len(vals), nb)


def rows_to_ints(rows: np.ndarray) -> list[int]:
    nb = rows.shape[1]
    b = np.ascontiguousarray(rows).tobytes()
    return [int.from_bytes(b[i:i + nb], "big") for i in range(0, len(b), nb)]


def bytes_rows(data: bytes, nb: int) -> np.ndarray:
    """Bytes (a whole number of words, MSB first) as rows, without a copy."""
    return np.frombuffer(data, np.uint8).reshape(-1, nb)


def _be(w: np.ndarray) -> np.ndarray:
    """uint64 column(s) as big-endian bytes (N, 8k)."""
    w = np.ascontiguousarray(w, ">u8")
    return w.view(np.uint8).reshape(len(w), 8 * (w.size // len(w) if len(w) else w.shape[1] if w.ndim > 1 else 1))


def b66_rows(b: Blocks66) -> np.ndarray:
    """tx_coded<65:0> = sh | pl << 2 in 9 bytes."""
    pl = np.asarray(b.pl, np.uint64)
    out = np.empty((len(pl), 9), np.uint8)
    out[:, 0] = (pl >> np.uint64(62)).astype(np.uint8)
    out[:, 1:] = _be((pl << np.uint64(2)) | np.asarray(b.sh, np.uint64))
    return out


def rows_b66(rows: np.ndarray) -> Blocks66:
    lo = np.ascontiguousarray(rows[:, 1:]).view(">u8").reshape(-1).astype(np.uint64)
    pl = (lo >> np.uint64(2)) | (rows[:, 0].astype(np.uint64) << np.uint64(62))
    return Blocks66((lo & np.uint64(3)).astype(np.uint8), pl)


@kernel
def b257_rows_kernel(hdr, body, out):
    """tx_xcoded<256:0> = hdr | body << 1, big-endian in out (N, 33)."""
    for i in range(hdr.shape[0]):
        prev = np.uint64(hdr[i] & 1)
        for w in range(4):                          # value word w (bits 64w..64w+63), least significant first
            b = body[i, w]
            v = (b << np.uint64(1)) | prev
            prev = b >> np.uint64(63)
            for j in range(8):
                out[i, 32 - 8 * w - j] = (v >> np.uint64(8 * j)) & np.uint64(0xFF)
        out[i, 0] = prev


@kernel
def rows_b257_kernel(rows, hdr, body):
    one, s63 = np.uint64(1), np.uint64(63)
    for i in range(rows.shape[0]):
        hi = np.uint64(rows[i, 0])                  # bit 256
        for w in range(3, -1, -1):                  # value word w, most significant first
            x = np.uint64(0)
            for j in range(8):
                x = (x << np.uint64(8)) | np.uint64(rows[i, 1 + 8 * (3 - w) + j])
            body[i, w] = (x >> one) | (hi << s63)
            hi = x
        hdr[i] = hi & one


def b257_rows(b: Blocks257) -> np.ndarray:
    """tx_xcoded<256:0> = hdr | body << 1 in 33 bytes."""
    hdr = np.ascontiguousarray(b.hdr, np.uint8)
    out = np.empty((len(hdr), 33), np.uint8)
    if len(hdr):
        b257_rows_kernel(hdr, np.ascontiguousarray(b.body, np.uint64).reshape(-1, 4), out)
    return out


def rows_b257(rows: np.ndarray) -> Blocks257:
    rows = np.ascontiguousarray(rows, np.uint8)
    hdr, body = np.empty(len(rows), np.uint8), np.empty((len(rows), 4), np.uint64)
    if len(rows):
        rows_b257_kernel(rows, hdr, body)
    return Blocks257(hdr, body)


_GATHER = np.uint64(0x0102040810204080)   # byte k's bit 0 to bit 56 + k: eight 0/1 bytes to one byte


def cgmii_rows(cg: Cgmii) -> np.ndarray:
    """{ctrl[7:0], data[63:0]}, lane 0 in data[7:0]: 9 bytes, lane 7 first after ctrl."""
    data = np.ascontiguousarray(cg.data, np.uint8).reshape(-1, 8)
    ctrl = np.ascontiguousarray(cg.ctrl, bool).reshape(-1, 8).view("<u8").reshape(-1)
    out = np.empty((len(data), 9), np.uint8)
    out[:, 0] = (ctrl * _GATHER) >> np.uint64(56)
    out[:, 1:] = data.view("<u8").astype(">u8").view(np.uint8).reshape(-1, 8)    # lanes 7..0
    return out


def rows_cgmii(rows: np.ndarray) -> Cgmii:
    ctrl = np.unpackbits(np.ascontiguousarray(rows[:, :1]), axis=1, bitorder="little").astype(bool)
    data = np.ascontiguousarray(rows[:, 1:]).view(">u8").astype("<u8").view(np.uint8).reshape(-1, 8)
    return Cgmii(data, ctrl)


def first_diff(got: np.ndarray, exp: np.ndarray) -> int | None:
    """Index of the first row that differs (equal lengths), or None."""
    if got.shape == exp.shape and np.array_equal(got, exp):
        return None
    n = min(len(got), len(exp))
    ne = (got[:n] != exp[:n]).any(axis=1)
    return int(ne.argmax()) if ne.any() else None


__all__ = ["TapReader", "TapWriter", "format_rows", "format_rows_np", "parse_rows_np", "count_words", "read_rows",
           "ints_to_rows", "rows_to_ints", "bytes_rows", "b66_rows", "rows_b66", "b257_rows", "rows_b257",
           "cgmii_rows", "rows_cgmii", "first_diff", "row_bytes"]
