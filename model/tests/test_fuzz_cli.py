# SPDX-License-Identifier: Apache-2.0
"""Hostile arguments to the `physec` command: random argv lists built from the parser's
own option names plus junk.  Outcome every time: exit 0, 1 (a check found a difference)
or 2 (bad input, one `error:` line last on stderr), never a traceback."""
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from physec.cli import main, parser
from physec.pcapio import write_frames
from test_fuzz_vectors import budget, check_outcome, run_main


def subcommands():
    """{command: [option strings]} read from the parser itself, so new options get fuzzed too."""
    sub = next(a for a in parser()._actions if a.choices and isinstance(a.choices, dict))
    return {name: sorted(o for act in sp._actions for o in act.option_strings if o not in ("-h", "--help"))
            for name, sp in sub.choices.items()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A small vector set, a pcap, a text file and a place for outputs."""
    d = tmp_path_factory.mktemp("cli")
    assert main(["vectors", "--traffic", "default", "--frames", "2", "--seed", "4", "--out", str(d / "set")]) == 0
    write_frames(d / "in.pcap", [bytes([i]) * (60 + 40 * i) for i in range(3)])
    (d / "junk.txt").write_text("not hex\n")
    (d / "junk.bin").write_bytes(bytes(range(256)))
    return d


NUMBERS = st.sampled_from(["0", "1", "2", "-1", "-0", "3.5", "1e3", "-2e6", "nan", "inf", "-inf", "0x10", "",
                           "99999999999999999999999", "1_0", " 1", "١"])
# Printable junk: messages echo the argument, and a line break in it would split the line.
JUNK = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)


def values(world, tmp):
    set_dir, pcap = str(world / "set"), str(world / "in.pcap")
    files = st.sampled_from([set_dir, pcap, str(world / "junk.txt"), str(world / "junk.bin"),
                             str(world / "set" / "line.hex"), str(world / "nope"), str(world), "", "-"])
    outs = st.sampled_from([str(tmp / "o"), str(tmp / "o" / "deeper"), str(world / "junk.txt"),
                            str(tmp / "o.pcap"), str(tmp / "o.pcapng")])
    small = st.sampled_from(["0", "1", "2", "-1", "x", "1.5", "", "nan"])
    named = {"--frames": small, "--seed": NUMBERS, "--ppm": NUMBERS, "--skip": NUMBERS, "--frame": NUMBERS,
             "--out": outs, "--vectors": files, "--line": files, "--pcap": files,
             "--traffic": st.one_of(st.sampled_from(["default", "bulk", "pcap"]), files),
             "--profile": st.sampled_from(["100g", "400g", "x"]), "--name": st.sampled_from(["100g", "400g", "x"]),
             "--security": st.sampled_from(["encrypt", "auth", "bypass", "none"])}
    return lambda opt: named.get(opt, st.one_of(NUMBERS, files, JUNK))


@st.composite
def argvs(draw, world, tmp):
    cmds = subcommands()
    val = values(world, tmp)
    cmd = draw(st.sampled_from(sorted(cmds) + ["", "nosuch", "--version", "-h"]))
    argv = [cmd] if cmd else []
    opts = cmds.get(cmd, [])
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 9))
        if kind < 7 and opts:
            o = draw(st.sampled_from(opts))
            argv.append(o)
            if draw(st.integers(0, 9)):       # mostly with a value, sometimes a missing one
                argv.append(draw(val(o)))
        elif kind < 8:
            argv.append("--" + draw(st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8)))
        else:
            argv.append(draw(JUNK))
    return argv


@budget(40)
@given(data=st.data())
def test_random_argv(world, tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("o")
    argv = data.draw(argvs(world, tmp))
    rc, out, err = run_main(argv)
    check_outcome(rc, out, err)


@pytest.mark.parametrize("argv,rc,message", [
    (["vectors", "--frames", "1", "--ppm", "inf", "--out", "{tmp}/a"], 2, "ppm"),
    (["vectors", "--frames", "1", "--ppm", "1e300", "--out", "{tmp}/a"], 2, "ppm"),
    (["vectors", "--frames", "1", "--ppm", "nan", "--out", "{tmp}/a"], 2, "ppm"),
    (["vectors", "--frames", "1", "--seed", "-1", "--out", "{tmp}/a"], 2, "--seed"),
    (["vectors", "--frames", "1", "--out", "{world}/junk.txt"], 2, "junk.txt"),
    (["vectors", "--traffic", "{world}/junk.bin", "--out", "{tmp}/b"], 2, "junk.bin"),
    (["verify", "--vectors", "{world}/set", "--line", "{world}/set/line.hex", "--skip", "-3"], 2, "skip"),
    (["verify", "--vectors", "{world}/set", "--line", "{world}/junk.txt"], 2, "junk.txt"),
    (["inspect", "--vectors", "{world}/set", "--frame", "-1"], 2, "frame -1"),
    (["check", "--vectors", "{world}/junk.txt"], 2, "junk.txt"),
    (["roundtrip", "--pcap", "{world}/junk.bin"], 2, "junk.bin"),
    (["roundtrip", "--pcap", "{world}/in.pcap", "--out", "{world}/nope/x.pcap"], 2, "x.pcap"),
    (["profile", "--name", "x"], 2, "unknown profile"),
    (["nosuch"], 2, "invalid choice"),
    ([], 2, "required"),
])
def test_bad_arguments_in_a_real_process(world, tmp_path, argv, rc, message):
    """The installed entry point as a user runs it: exit code and the one error line."""
    argv = [a.format(world=world, tmp=tmp_path) for a in argv]
    r = subprocess.run([sys.executable, "-m", "physec.cli", *argv], capture_output=True, text=True, timeout=120)
    check_outcome(r.returncode, r.stdout, r.stderr)
    assert r.returncode == rc and message in r.stderr.splitlines()[-1], r.stderr
