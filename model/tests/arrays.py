# SPDX-License-Identifier: Apache-2.0
"""Equality of model arrays for the tests, dtypes and shapes included (a fast path that
returns equal values in another dtype is a difference too)."""
import numpy as np

from physec.pcs66 import Cgmii
from physec.xcode257 import Blocks257


def same_257(a: Blocks257, b: Blocks257) -> None:
    assert a.hdr.dtype == b.hdr.dtype == np.uint8 and a.body.dtype == b.body.dtype == np.uint64
    np.testing.assert_array_equal(a.hdr, b.hdr)
    np.testing.assert_array_equal(a.body, b.body)


def same_cgmii(a: Cgmii, b: Cgmii) -> None:
    assert a.data.shape == b.data.shape and a.data.dtype == b.data.dtype and a.ctrl.dtype == b.ctrl.dtype
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.ctrl, b.ctrl)
