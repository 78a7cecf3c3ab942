# SPDX-License-Identifier: Apache-2.0
"""Golden vector sets: `$readmemh` hex taps per stage and a JSON manifest.

Every tap file is plain text: ``//`` comment lines first (what it is, its width and
bit order), then one word per line, as many hex digits as the width needs, most
significant digit first.  ``$readmemh`` reads it directly into
``logic [W-1:0] mem [N]``.
"""
from __future__ import annotations

import hashlib
import json
import math
import platform
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import __version__
from .pcs66 import Blocks66, Cgmii
from .xcode257 import Blocks257

FORMAT = "physec-vectors/1"
MANIFEST = "manifest.json"
_HEX = re.compile(r"[0-9a-fA-F]+")


class VectorError(ValueError):
    """A vector set that is missing or malformed."""


class HashMismatch(VectorError):
    """A file of a vector set differs from the SHA-256 its manifest records."""


@dataclass(frozen=True)
class Tap:
    name: str           # file stem and tap name
    width: int
    bit_order: str

    @property
    def file(self) -> str:
        return f"{self.name}.hex"

    @property
    def digits(self) -> int:
        return -(-self.width // 4)


TAP_CGMII = Tap("cgmii", 72, "{ctrl[7:0], data[63:0]}; CGMII lane k = data[8k+7:8k] with ctrl[k]; "
                "lane 0 first in time")
TAP_66B = Tap("66b", 66, "tx_coded<65:0> (IEEE 802.3 Cl. 82); bit 0 first transmitted; "
              "[1:0] sync header (2'b10 data, 2'b01 control), [9:2] block type")
TAP_GAP = Tap("gap", 16, "one word per Ethernet frame (frames.pcap order): the idle characters the traffic "
               "requested after it, counted from and including /T/ (spec 3.1 step 4, before the deficit idle count)")
TAP_257B = Tap("257b", 257, "tx_xcoded<256:0> (IEEE 802.3 Cl. 91.5.2.5); bit 0 first transmitted; "
               "[0] header (1 = all data), [4:1] data/control flags when [0] = 0")


def cgmii_to_ints(cg: Cgmii) -> list[int]:
    words = np.ascontiguousarray(cg.data, np.uint8).view("<u8").reshape(-1)
    ctrl = np.packbits(np.asarray(cg.ctrl, bool), axis=1, bitorder="little").reshape(-1)
    return [int(c) << 64 | int(w) for w, c in zip(words, ctrl)]


def cgmii_from_ints(values) -> Cgmii:
    vals = list(values)
    data = np.array([v & ((1 << 64) - 1) for v in vals], np.uint64).astype("<u8").view(np.uint8).reshape(-1, 8)
    ctrl = np.unpackbits(np.array([v >> 64 for v in vals], np.uint8)[:, None], axis=1, bitorder="little")
    return Cgmii(data, ctrl.astype(bool))


def write_tap(directory: Path, tap: Tap, values: list[int], title: str) -> Path:
    path = Path(directory) / tap.file
    head = [f"// PHYSec golden vector tap '{tap.name}': {title}",
            f"// {len(values)} words of {tap.width} bits, one per line, hex, MSB digit first",
            f"// bit order: {tap.bit_order}"]
    with open(path, "w") as f:
        f.write("\n".join(head) + "\n")
        f.write("\n".join(format(v, f"0{tap.digits}x") for v in values))
        f.write("\n")
    return path


def read_tap(path: Path, tap: Tap) -> list[int]:
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as e:
        raise VectorError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise VectorError(f"{path}: not a text file") from None
    out = []
    for no, line in enumerate(lines, 1):
        s = line.split("//", 1)[0].strip()
        if not s:
            continue
        if len(s) != tap.digits:
            raise VectorError(f"{path}:{no}: expected {tap.digits} hex digits for a {tap.width}-bit word, got {s[:80]!r}")
        # int(s, 16) alone would also take '_', a sign and non-ASCII digits.
        if not _HEX.fullmatch(s):
            raise VectorError(f"{path}:{no}: {s[:80]!r} is not hexadecimal")
        v = int(s, 16)
        if v >> tap.width:
            raise VectorError(f"{path}:{no}: {s!r} does not fit in {tap.width} bits")
        out.append(v)
    return out


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:                 # in pieces: a tap file can be gigabytes
        while chunk := f.read(1 << 23):
            h.update(chunk)
    return h.hexdigest()


def tool_versions() -> dict:
    import cryptography
    import dpkt
    return {"physec": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "cryptography": cryptography.__version__, "dpkt": dpkt.__version__}


def write_manifest(directory: Path, meta: dict, files: dict[str, str], taps: dict[str, Tap],
                   digests: dict[str, tuple[str, int]] | None = None) -> Path:
    """``files`` maps file name -> description, ``taps`` file name -> Tap for the hex
    files; hashes are taken from the files on disk, or from ``digests`` (file name ->
    (SHA-256, bytes)) for files whose writer hashed them."""
    directory = Path(directory)
    digests = digests or {}

    def entry(name, desc):
        sha, size = digests.get(name) or (sha256(directory / name), (directory / name).stat().st_size)
        e = {"sha256": sha, "bytes": size, "description": desc}
        if name in taps:
            e.update(tap=taps[name].name, width=taps[name].width, bit_order=taps[name].bit_order)
        return e
    man = {"format": FORMAT, "tools": tool_versions(), **meta,
           "files": {name: entry(name, desc) for name, desc in sorted(files.items())}}
    path = directory / MANIFEST
    path.write_text(json.dumps(man, indent=2) + "\n")
    return path


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not Path(directory).is_dir():
        raise VectorError(f"{directory}: no such vector directory")
    try:
        man = json.loads(path.read_text(), parse_constant=_not_a_number, parse_float=_finite)
    except OSError as e:
        raise VectorError(f"{path}: cannot read: {e.strerror}") from None
    except (ValueError, RecursionError) as e:           # JSONDecodeError, UnicodeDecodeError, NaN
        raise VectorError(f"{path}: not valid JSON: {str(e)[:200]}") from None
    if not isinstance(man, dict) or man.get("format") != FORMAT:
        raise VectorError(f"{path}: format is {man.get('format') if isinstance(man, dict) else None!r}, "
                          f"expected {FORMAT!r}")
    import jsonschema
    err = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(manifest_schema()).iter_errors(man))
    if err is not None:
        # Keys escaped as in JSON: a control character in a key must not break the message's line.
        where = "/".join(json.dumps(str(x))[1:-1] for x in err.absolute_path) or "(top)"
        raise VectorError(f"{path}: {where}: {err.message[:200]}")
    return man


def _not_a_number(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    v = float(text)
    if not math.isfinite(v):
        raise ValueError(f"{text[:40]} is out of range")
    return v


def read_listed_tap(directory: Path, man: dict, tap: Tap) -> list[int]:
    """A tap of a set whose manifest lists the file with the tap's width and word count."""
    info = man["files"].get(tap.file)
    where = Path(directory) / MANIFEST
    if not isinstance(info, dict):
        raise VectorError(f"{where}: {tap.file} is not listed")
    for key in ("tap", "width", "bit_order"):
        if info.get(key) != getattr(tap, "name" if key == "tap" else key):
            raise VectorError(f"{where}: files/{tap.file}/{key} is {str(info.get(key))[:80]!r}, not the tap's")
    vals = read_tap(Path(directory) / tap.file, tap)
    if man["counts"].get(tap.name) != len(vals):
        raise VectorError(f"{Path(directory) / tap.file}: {len(vals)} words, the manifest counts "
                          f"{man['counts'].get(tap.name)!r}")
    return vals


def manifest_schema() -> dict:
    """The JSON schema of manifest.json (model/physec/manifest.schema.json)."""
    return json.loads((Path(__file__).parent / "manifest.schema.json").read_text())


def verify_hashes(directory: Path, man: dict) -> None:
    for name, info in man["files"].items():
        p = Path(directory) / name
        if Path(name).name != name or not p.is_file():
            raise VectorError(f"{directory}: file {name!r} listed in the manifest is missing")
        if not isinstance(info, dict) or sha256(p) != info.get("sha256"):
            raise HashMismatch(f"{p}: SHA-256 differs from the manifest (file changed or corrupted)")


__all__ = ["Tap", "TAP_CGMII", "TAP_66B", "TAP_257B", "VectorError", "HashMismatch", "write_tap", "read_tap",
           "write_manifest", "read_manifest", "read_listed_tap", "verify_hashes", "cgmii_to_ints", "cgmii_from_ints",
           "Blocks66", "Blocks257"]
