# SPDX-License-Identifier: Apache-2.0
"""Reader for NIST CAVP .rsp files as shipped by the PyPI package cryptography-vectors."""
import os
from pathlib import Path


def vectors_dir() -> Path:
    import cryptography_vectors
    return Path(os.path.dirname(cryptography_vectors.__file__))


def read_rsp(relpath: str):
    """Yield dicts of one case each, with the enclosing [section] values merged in."""
    section, case = {}, None
    for raw in (vectors_dir() / relpath).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            if case:
                yield case
                case = None
            k, _, v = line.strip("[]").partition("=")
            section[k.strip()] = v.strip()
            continue
        if line == "FAIL":
            case["FAIL"] = True
            continue
        k, _, v = line.partition("=")
        k, v = k.strip(), v.strip()
        if k in ("Count", "COUNT"):
            if case:
                yield case
            case = dict(section)
        case[k] = v
    if case:
        yield case
