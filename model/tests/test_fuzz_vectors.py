# SPDX-License-Identifier: Apache-2.0
"""Hostile vector sets: tap files, manifests and whole sets corrupted at random.

Outcome every time: the values (when the input is well formed), a VectorError naming the
file (exit 2), or a difference (exit 1); never a traceback, and never PASS for a set
whose content changed."""
import contextlib
import copy
import io
import json
import os
import shutil
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from physec.cli import main
from physec.pcapio import read_frames
from physec.vectors import MANIFEST, Tap, VectorError, read_manifest, read_tap, sha256
from physec.vectorset import Mismatch, Recipe, frame_taps, inspect_frame, verify_line, write_set
from physec.profile import PROFILES
from physec.traffic import make_traffic

REGRESS = bool(os.environ.get("PHYSEC_REGRESS"))


def budget(ci_examples: int):
    """Settings with ``ci_examples`` in `make test`; the regress profile's count otherwise."""
    kw = {} if REGRESS else {"max_examples": ci_examples}
    return settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large], **kw)


def run_main(argv):
    """(exit code, stdout, stderr) of the CLI in this process; argparse exits count too."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


def check_outcome(rc, out, err):
    assert "Traceback" not in err + out
    assert rc in (0, 1, 2), rc
    lines = [x for x in err.splitlines() if x.strip()]
    if rc == 2:
        # One message, last: our "physec: error: ..." or argparse's "physec CMD: error: ..."
        # (argparse prints its usage lines before it).
        assert lines and "error:" in lines[-1] and lines[-1].startswith("physec"), err
        assert sum("error:" in x for x in lines) == 1, err
    elif rc == 1:
        assert (lines and lines[-1].startswith("FAIL: ")) or "identical: False" in out, (out, err)


# ---- read_tap against a plain oracle ------------------------------------------------

def tap_oracle(text: str, width: int):
    """The format of spec 7 written out: `//` comments, one word per line, exactly
    ceil(width/4) ASCII hex digits, value below 2^width.  Returns values or the bad line."""
    digits, vals = -(-width // 4), []
    for no, line in enumerate(text.splitlines(), 1):
        s = line.split("//", 1)[0].strip()
        if not s:
            continue
        if len(s) != digits or any(c not in string.hexdigits for c in s) or int(s, 16) >= 1 << width:
            return no
        vals.append(int(s, 16))
    return vals


@st.composite
def tap_texts(draw):
    width = draw(st.sampled_from([1, 4, 16, 66, 72, 257]))
    digits = -(-width // 4)
    word = st.integers(0, (1 << width) - 1).map(lambda v: format(v, f"0{digits}x"))
    bad_char = st.sampled_from(list("gGxX _+-.\t\x00\u0661\uff11\u00b2") + ["0x", "\u3000"])
    lines = draw(st.lists(st.one_of(
        word, word.map(str.upper),
        st.tuples(word, st.integers(0, digits), bad_char).map(lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + 1:]),
        word.map(lambda w: w + "0"), word.map(lambda w: w[1:]),                       # wrong width
        st.just(format((1 << width) if width % 4 else 0, f"0{digits}x")[-digits:].replace("0", "f", 1)),
        st.text(max_size=10).map(lambda t: "// " + t), st.just(""), st.text(max_size=digits + 2),
        word.map(lambda w: w + "  // trailing comment")), max_size=12))
    return width, draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


@budget(300)
@given(tap_texts())
def test_read_tap_equals_the_oracle(tmp_path_factory, case):
    width, text = case
    p = tmp_path_factory.mktemp("t") / "x.hex"
    p.write_text(text, newline="")
    want = tap_oracle(text, width)
    try:
        got = read_tap(p, Tap("x", width, "test"))
    except VectorError as e:
        assert isinstance(want, int), (text, want)
        assert f"{p}:{want}:" in str(e)                 # names the file and the first bad line
    else:
        assert got == want


@budget(100)
@given(st.binary(max_size=300))
def test_read_tap_on_random_bytes(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("t") / "x.hex"
    p.write_bytes(data)
    try:
        vals = read_tap(p, Tap("x", 8, "test"))
    except VectorError as e:
        assert str(p) in str(e)
    else:
        assert vals == tap_oracle(data.decode(), 8)


def test_read_tap_on_a_directory_and_missing_file(tmp_path):
    for p in (tmp_path, tmp_path / "none.hex"):
        with pytest.raises(VectorError, match="cannot read"):
            read_tap(p, Tap("x", 8, "test"))


# ---- a small real set, corrupted ---------------------------------------------------

@pytest.fixture(scope="module")
def vset(tmp_path_factory):
    d = tmp_path_factory.mktemp("vset") / "set"
    d.mkdir()
    write_set(d, Recipe("default", 2, 5), make_traffic("default", 2, 5))
    return d


def rehash(d: Path) -> None:
    man = json.loads((d / MANIFEST).read_text())
    for name, info in man["files"].items():
        if (d / name).is_file():
            info["sha256"], info["bytes"] = sha256(d / name), (d / name).stat().st_size
    (d / MANIFEST).write_text(json.dumps(man))


BAD_CHARS = list("gx _+-\x00") + ["\u0661", "\n", "ff"]


@st.composite
def damages(draw, names):
    """(file, description, function text -> text | None (delete) | bytes)."""
    name = draw(st.sampled_from(names))
    kind = draw(st.sampled_from(["truncate", "drop line", "dup line", "char", "widen", "narrow", "append",
                                 "random bytes", "delete", "directory", "comment", "flip bit"]))
    pos, ch = draw(st.integers(0, 10 ** 9)), draw(st.sampled_from(BAD_CHARS))
    junk = draw(st.binary(max_size=64))

    def apply(b: bytes):
        if kind == "delete" or kind == "directory":
            return kind
        if kind == "random bytes":
            return junk
        if kind == "truncate":
            return b[:pos % max(len(b), 1)]
        if kind == "flip bit":
            i = pos % len(b)
            return b[:i] + bytes([b[i] ^ (1 << (pos % 8))]) + b[i + 1:]
        lines = b.decode("latin-1").split("\n")
        data = [i for i, x in enumerate(lines) if x and not x.startswith("//")] or [0]
        i = data[pos % len(data)]
        if kind == "drop line":
            del lines[i]
        elif kind == "dup line":
            lines.insert(i, lines[i])
        elif kind == "char":
            j = pos % max(len(lines[i]), 1)
            lines[i] = lines[i][:j] + ch + lines[i][j + 1:]
        elif kind == "widen":
            lines[i] = "0" + lines[i]
        elif kind == "narrow":
            lines[i] = lines[i][1:]
        elif kind == "append":
            lines.append(junk.decode("latin-1"))
        elif kind == "comment":
            lines.insert(0, "// a harmless comment")
        # UTF-8: a non-Latin-1 BAD_CHARS digit must reach the reader, not break the encoder.
        return "\n".join(lines).encode("utf-8")
    return name, kind, apply


def same_content(orig: Path, new: Path, name: str) -> bool:
    """Whether a changed file still holds the same words / frames (then PASS is right)."""
    try:
        if name.endswith(".pcap"):
            return read_frames(orig) == read_frames(new)
        tap = Tap(name[:-4], 1, "")
        width = json.loads((orig.parent / MANIFEST).read_text())["files"][name]["width"]
        tap = Tap(tap.name, width, "")
        return read_tap(orig, tap) == read_tap(new, tap)
    except ValueError:
        return False


@budget(25)
@given(data=st.data())
def test_corrupted_file_in_a_set(vset, data):
    names = sorted(json.loads((vset / MANIFEST).read_text())["files"])
    name, kind, apply = data.draw(damages(names))
    do_rehash = data.draw(st.booleans())
    with tempfile.TemporaryDirectory() as t:
        d = Path(t) / "s"
        shutil.copytree(vset, d)
        new = apply((d / name).read_bytes())
        (d / name).unlink()
        if new == "directory":
            (d / name).mkdir()
        elif new != "delete":
            (d / name).write_bytes(new)
        changed = new in ("delete", "directory") or new != (vset / name).read_bytes()
        if do_rehash:
            rehash(d)
        rc, out, err = run_main(["check", "--vectors", str(d)])
        check_outcome(rc, out, err)
        if new in ("delete", "directory"):
            assert rc == 2 and "missing" in err
        elif not changed:
            assert rc == 0
        elif not do_rehash:
            assert rc == 1 and "SHA-256 differs" in err
        elif rc == 0:
            assert same_content(vset / name, d / name, name), (name, kind)


INFORMATIONAL = ("tools", "stage", "note", "description")      # manifest fields no check relies on

JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.sampled_from([10 ** 30, -10 ** 30, 1e308]),
                        st.text(max_size=6), st.just([]), st.just({}), st.just({"a": 1}))


@st.composite
def manifest_edits(draw, man):
    """A path into the manifest and what to do there."""
    node, path = man, []
    while isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        node = node[key]
    return path, draw(st.sampled_from(["set", "delete", "add"])), draw(JSON_VALUES), draw(st.text(max_size=8))


@budget(25)
@given(data=st.data())
def test_corrupted_manifest(vset, data):
    orig = json.loads((vset / MANIFEST).read_text())
    man = copy.deepcopy(orig)
    path, op, value, key = data.draw(manifest_edits(orig))
    parent = man
    for k in path[:-1]:
        parent = parent[k]
    if not path:
        man = value if op == "set" else man
        if op == "add":
            man[key] = value
    elif op == "set":
        parent[path[-1]] = value
    elif op == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif op == "add" and isinstance(parent[path[-1]], dict):
        parent[path[-1]][key] = value
    with tempfile.TemporaryDirectory() as t:
        d = Path(t) / "s"
        shutil.copytree(vset, d)
        (d / MANIFEST).write_text(json.dumps(man))
        rc, out, err = run_main(["check", "--vectors", str(d)])
        check_outcome(rc, out, err)
        if rc == 0:
            # Unknown keys are ignored (newer writers may add fields); every known field counts.
            parent = orig
            for k in path:
                parent = parent[k]
            new_key = op == "add" and isinstance(parent, dict) and key not in parent
            assert man == orig or new_key or any(str(k) in INFORMATIONAL for k in path), (path, op, value)


@pytest.mark.parametrize("text,message", [
    (b"", "not valid JSON"), (b"\xff\xfe{", "not valid JSON"), (b"[" * 100000, "not valid JSON"),
    (b'{"format": "physec-vectors/1", "ppm": NaN}', "NaN is not a JSON number"),
    (b'{"format": "physec-vectors/1", "ppm": 1e999}', "out of range"),
    (b'[]', "format is None"), (b'{"format": "physec-vectors/1"}', "(top)"),
])
def test_manifest_that_is_not_json_or_schema(tmp_path, text, message):
    (tmp_path / MANIFEST).write_bytes(text)
    with pytest.raises(VectorError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_manifest(tmp_path)


@budget(60)
@given(st.binary(max_size=200))
def test_manifest_random_bytes(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("m")
    (d / MANIFEST).write_bytes(data)
    with pytest.raises(VectorError):
        read_manifest(d)


def test_manifest_recipe_out_of_range(vset, tmp_path):
    """Fields the schema lets through but the recipe refuses, and a frame count that
    would make the regeneration step run for hours."""
    for field, value, rc, message in (("ppm", 1e300, 2, "ppm"), ("profile", "nosuch", 2, "unknown profile"),
                                      ("frames", 10 ** 9, 1, "frames is 1000000000"),
                                      ("seed", 6, 1, "security parameters")):
        d = tmp_path / field
        shutil.copytree(vset, d)
        man = json.loads((d / MANIFEST).read_text())
        man[field] = value
        (d / MANIFEST).write_text(json.dumps(man))
        got = run_main(["check", "--vectors", str(d)])
        check_outcome(*got)
        assert got[0] == rc and message in got[2], got


# ---- verify_line and inspect_frame -------------------------------------------------

@budget(40)
@given(data=st.data())
def test_verify_line_names_the_first_difference(vset, data):
    """A capture edited at random: PASS only when its words equal the golden prefix,
    otherwise the reported frame/word is the first differing word (found here directly)."""
    p = PROFILES["100g"]
    tap = frame_taps(p)["line"]
    gold = read_tap(vset / tap.file, tap)
    name, kind, apply = data.draw(damages(["line.hex"]))
    skip = data.draw(st.integers(0, 3))
    with tempfile.TemporaryDirectory() as t:
        cap = Path(t) / "cap.hex"
        new = apply((vset / "line.hex").read_bytes())
        if new == "directory":
            cap.mkdir()
        elif new != "delete":
            cap.write_bytes(new)
        try:
            got = read_tap(cap, tap)[skip:]
        except VectorError:
            got = None
        try:
            verify_line(vset, cap, skip)
        except VectorError as e:
            assert got is None and str(cap) in str(e)
        except Mismatch as e:
            assert got is not None
            first = next((i for i, (a, b) in enumerate(zip(got, gold)) if a != b), None)
            if first is None:
                assert len(got) < len(gold) and f"ends after {len(got)} words" in str(e)
            else:
                f, w = divmod(first, p.words_per_frame)
                assert str(e).startswith(f"frame {f}, word {w}, ")
        else:
            assert got is not None and got[:len(gold)] == gold


def test_found_by_regress(vset, tmp_path):
    """Cases `make regress` (2000 examples) found: a control character in a manifest key
    stays escaped in the one-line error; inspect takes every frame of the set, not more."""
    d = tmp_path / "s"
    shutil.copytree(vset, d)
    man = json.loads((d / MANIFEST).read_text())
    man["counts"]["\r"] = None
    (d / MANIFEST).write_text(json.dumps(man))
    rc, out, err = run_main(["check", "--vectors", str(d)])
    check_outcome(rc, out, err)
    assert rc == 2 and "counts/\\r: None is not of type" in err, err
    n = json.loads((vset / MANIFEST).read_text())["counts"]["oh"]
    assert run_main(["inspect", "--vectors", str(vset), "--frame", str(n - 1)])[1].startswith(f"frame {n - 1} of ")
    rc, out, err = run_main(["inspect", "--vectors", str(vset), "--frame", str(n)])
    check_outcome(rc, out, err)
    assert rc == 2 and f"frame {n} is not in the set" in err


@budget(30)
@given(data=st.data())
def test_inspect_on_a_corrupted_set(vset, data):
    """inspect reads without hashes: any damage to a per-frame tap is named, or the
    frame is printed from well-formed files."""
    name, kind, apply = data.draw(damages(["oh.hex", "pad.hex", "cm.hex", "tag.hex", "iv.hex", MANIFEST]))
    frame = data.draw(st.integers(-2, 7))
    with tempfile.TemporaryDirectory() as t:
        d = Path(t) / "s"
        shutil.copytree(vset, d)
        new = apply((d / name).read_bytes())
        (d / name).unlink()
        if new == "directory":
            (d / name).mkdir()
        elif new != "delete":
            (d / name).write_bytes(new)
        rc, out, err = run_main(["inspect", "--vectors", str(d), "--frame", str(frame)])
        check_outcome(rc, out, err)
        assert rc in (0, 2)
        if rc == 0:
            n = json.loads((vset / MANIFEST).read_text())["counts"]["oh"]
            assert out.startswith(f"frame {frame} of ") and 0 <= frame < n
