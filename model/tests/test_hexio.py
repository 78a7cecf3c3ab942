# SPDX-License-Identifier: Apache-2.0
"""The streamed hex codec (physec.hexio) against the format written out: the kernels
against their numpy definitions, TapReader against ``vectors.read_tap`` (values, or
the same error naming the same line) on hostile texts read in blocks of every size,
TapWriter against ``vectors.write_tap`` byte for byte, and the row converters against
``to_ints`` / ``from_ints`` of the model's arrays."""
import hashlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_vectors import budget, tap_texts

from physec import hexio
from physec.pcs66 import Blocks66
from physec.vectors import Tap, VectorError, cgmii_from_ints, cgmii_to_ints, read_tap, write_tap
from physec.xcode257 import Blocks257

WIDTHS = [1, 3, 4, 16, 66, 72, 96, 128, 256, 257, 512, 2555, 10280]


def rand_rows(rng, n, width):
    tap = Tap("x", width, "")
    rows = rng.integers(0, 256, (n, hexio.row_bytes(tap)), dtype=np.uint8)
    lead = 8 * rows.shape[1] - width                 # bits above the width are zero
    rows[:, 0] &= np.uint8(0xFF >> lead) if lead < 8 else 0
    return tap, rows


@pytest.mark.parametrize("width", WIDTHS)
def test_format_kernel_equals_the_numpy_definition_and_write_tap(width, tmp_path):
    rng = np.random.default_rng(width)
    tap, rows = rand_rows(rng, 300, width)
    rows[:3] = 0
    rows[3:6] = np.frombuffer(((1 << width) - 1).to_bytes(rows.shape[1], "big"), np.uint8)
    text = bytes(hexio.format_rows(rows, tap.digits))
    assert text == hexio.format_rows_np(rows, tap.digits)
    values = hexio.rows_to_ints(rows)
    assert text == "".join(format(v, f"0{tap.digits}x") + "\n" for v in values).encode()
    write_tap(tmp_path, Tap("r", width, "order"), values, "title")
    want = (tmp_path / "r.hex").read_bytes()
    for count in (None, len(values)):                       # counted at the end, or promised
        w = hexio.TapWriter(tmp_path, Tap("w", width, "order"), "title", count)
        w.write(rows[:100])
        w.write_ints(values[100:])
        sha, size = w.close()
        got = (tmp_path / "w.hex").read_bytes()
        assert got == want.replace(b"tap 'r'", b"tap 'w'")
        assert (sha, size) == (hashlib.sha256(got).hexdigest(), len(got))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["r.hex", "w.hex"], "the part file stays behind"
    w = hexio.TapWriter(tmp_path, Tap("w", width, "order"), "title", len(values) + 1)
    w.write(rows)
    with pytest.raises(RuntimeError, match="promised"):
        w.close()


def test_empty_tap_is_written_as_write_tap_writes_it(tmp_path):
    write_tap(tmp_path, Tap("w2", 66, "o"), [], "t")
    for count in (None, 0):
        w = hexio.TapWriter(tmp_path, Tap("w", 66, "o"), "t", count)
        w.close()
        assert (tmp_path / "w.hex").read_bytes() == (tmp_path / "w2.hex").read_bytes().replace(b"'w2'", b"'w'")
    assert len(hexio.read_rows(tmp_path / "w.hex", Tap("w", 66, "o"), 0)) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_parse_kernel_equals_the_numpy_definition(width):
    rng = np.random.default_rng(width + 1)
    tap, rows = rand_rows(rng, 200, width)
    text = bytes(hexio.format_rows(rows, tap.digits))
    top = hexio.top_limit(tap)
    want = hexio.parse_rows_np(text, tap.digits, top)
    for parse in (hexio.parse_kernel, hexio.parse_prefix_np):
        out = np.empty((len(rows) + 1, rows.shape[1]), np.uint8)
        n, p = parse(np.frombuffer(text, np.uint8), 0, len(text), tap.digits, top, out)
        assert (n, p) == (len(rows), len(text)) and np.array_equal(out[:n], want) and np.array_equal(want, rows)
        n, p = parse(np.frombuffer(text, np.uint8), 0, len(text), tap.digits, top, out[:10])   # room for 10
        assert (n, p) == (10, 10 * (tap.digits + 1)) and np.array_equal(out[:10], rows[:10])
        # One bad line anywhere: the parse stops at its start, after exactly the good rows.
        lines = text.splitlines(keepends=True)
        for i, bad in ((0, b"g"), (77, b" "), (199, b"/"), (50, b"\r")):
            if width % 4 and i == 77:
                bad = b"f"                                          # first digit too big for the width
            ln = lines[i]
            lines2 = lines[:i] + [bad + ln[1:] if bad != b"\r" else ln[:-1] + b"\r\r\n"] + lines[i + 1:]
            t2 = b"".join(lines2)
            assert hexio.parse_rows_np(t2, tap.digits, top) is None
            n, p = parse(np.frombuffer(t2, np.uint8), 0, len(t2), tap.digits, top, out)
            assert n == i and p == sum(map(len, lines[:i])) and np.array_equal(out[:n], rows[:i])


def read_both(path, tap, block, compiled=True):
    try:
        want = read_tap(path, tap)
    except VectorError as e:
        want = str(e)
    try:
        with hexio.TapReader(path, tap, block=block, compiled=compiled) as r:
            got = hexio.rows_to_ints(r.take(10 ** 9))
            assert r.finish() == len(got)
    except VectorError as e:
        got = str(e)
    return got, want


@budget(300)
@given(tap_texts(), st.sampled_from([1, 2, 7, 64, 1 << 20]), st.booleans())
def test_reader_equals_read_tap(tmp_path_factory, case, block, compiled):
    width, text = case
    p = tmp_path_factory.mktemp("t") / "x.hex"
    p.write_text(text, newline="")
    got, want = read_both(p, Tap("x", width, "t"), block, compiled)
    assert got == want, (text, block, compiled)


@budget(150)
@given(st.binary(max_size=300), st.sampled_from([1, 5, 1 << 20]), st.sampled_from([4, 8, 257]), st.booleans())
def test_reader_equals_read_tap_on_random_bytes(tmp_path_factory, data, block, width, compiled):
    p = tmp_path_factory.mktemp("t") / "x.hex"
    p.write_bytes(data)
    got, want = read_both(p, Tap("x", width, "t"), block, compiled)
    assert got == want, (data, block, compiled)


@pytest.mark.parametrize("text", [
    b"// h\n0a\n\xff\n", b"zz\n\xc3\x28\n", b"0a\r\n0b\r\n", b"0a\r0b\r", b"0a\n\n\n0b", b"0a\x0b0b\n",
    b"0a\xc2\x850b\n", b"0a \n", b"0a // c\n", b"\xef\xbb\xbf0a\n", b"0A\n", b"1ff\n", b"0a\n0b\r", b"0a"])
def test_reader_on_awkward_texts(tmp_path, text):
    p = tmp_path / "x.hex"
    p.write_bytes(text)
    for block in (1, 3, 1 << 20):
        for compiled in (True, False):
            got, want = read_both(p, Tap("x", 8, "t"), block, compiled)
            assert got == want, (text, block, compiled)


def test_reader_counts_and_errors(tmp_path):
    tap = Tap("x", 66, "t")
    rng = np.random.default_rng(5)
    _, rows = rand_rows(rng, 5000, 66)
    w = hexio.TapWriter(tmp_path, tap, "t")
    w.write(rows)
    w.close()
    path = tmp_path / "x.hex"
    with hexio.TapReader(path, tap, 5000, block=4096) as r:
        parts = [r.take(k) for k in (1, 1000, 3, 2570, 10 ** 6)]
    assert [len(x) for x in parts] == [1, 1000, 3, 2570, 1426]
    assert np.array_equal(np.concatenate(parts), rows)
    assert hexio.count_words(path, tap, 5000) == 5000
    with pytest.raises(VectorError, match=r"x.hex: 5000 words, the manifest counts 4999"):
        hexio.count_words(path, tap, 4999)
    for p in (tmp_path, tmp_path / "none.hex"):
        with pytest.raises(VectorError, match="cannot read"):
            hexio.TapReader(p, tap)


def test_row_converters_equal_the_int_definitions():
    rng = np.random.default_rng(9)
    n = 500
    b66 = Blocks66(rng.integers(0, 4, n).astype(np.uint8), rng.integers(0, 2**64, n, dtype=np.uint64))
    b66.pl[:2] = [0, 2**64 - 1]
    rows = hexio.b66_rows(b66)
    assert hexio.rows_to_ints(rows) == b66.to_ints()
    back = hexio.rows_b66(rows)
    assert back.sh.dtype == np.uint8 and back.pl.dtype == np.uint64
    assert back.to_ints() == b66.to_ints()
    b257 = Blocks257(rng.integers(0, 2, n).astype(np.uint8), rng.integers(0, 2**64, (n, 4), dtype=np.uint64))
    b257.body[:2] = [[0] * 4, [2**64 - 1] * 4]
    rows = hexio.b257_rows(b257)
    assert hexio.rows_to_ints(rows) == b257.to_ints()
    back = hexio.rows_b257(rows)
    assert back.hdr.dtype == np.uint8 and back.body.dtype == np.uint64 and back.to_ints() == b257.to_ints()
    vals = [int(v) for v in rng.integers(0, 2**63, n)]
    vals = [v << 9 | int(c) for v, c in zip(vals, rng.integers(0, 512, n))]
    cg = cgmii_from_ints(vals)
    rows = hexio.cgmii_rows(cg)
    assert hexio.rows_to_ints(rows) == cgmii_to_ints(cg) == vals
    back = hexio.rows_cgmii(rows)
    assert cgmii_to_ints(back) == vals and back.ctrl.dtype == bool and back.data.dtype == np.uint8
    assert hexio.rows_to_ints(hexio.ints_to_rows(vals, 9)) == vals


def test_first_diff():
    a = np.zeros((10, 3), np.uint8)
    b = a.copy()
    assert hexio.first_diff(a, b) is None
    b[7, 2] = 1
    b[8, 0] = 1
    assert hexio.first_diff(a, b) == 7
    assert hexio.first_diff(a[:5], b) is None          # equal on the common part
