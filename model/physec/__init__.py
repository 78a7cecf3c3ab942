# SPDX-License-Identifier: Apache-2.0
"""PHYSec bit-exact reference model.

Stages, in chain order (the same names in rtl/, tb/, docs/ and the vector taps):
``mac`` (frames <-> CGMII), ``pcs66`` (CGMII <-> 64b/66b), ``xcode257`` (66b <-> 257b).
"""
__version__ = "0.1.0"
