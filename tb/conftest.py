# SPDX-License-Identifier: Apache-2.0
"""Make the shared testbench package ``physec_tb`` importable from every tb/<dut>/ test."""
import sys
from pathlib import Path

_TB = str(Path(__file__).resolve().parent)
if _TB not in sys.path:
    sys.path.insert(0, _TB)
