# SPDX-License-Identifier: Apache-2.0
"""Compiled kernels: ``@kernel`` compiles a plain Python function with numba on its
first call (``nopython``, cached on disk next to the source, so a fresh process pays
the compile once per machine, not once per run).

numba is imported on the first call only: a CLI call or test that never reaches a
kernel does not pay for the import.  A kernel is self-contained (it calls no other
kernel) and takes and returns numpy arrays and scalars.  Each kernel has a plainly
written numpy counterpart that stays the definition; tests compare the two on random
and hostile input (model/tests/test_kernels.py).  ``NUMBA_DISABLE_JIT=1`` runs the
kernels as Python (slow, but steppable in a debugger and visible to coverage).
"""
from __future__ import annotations

import functools


def kernel(fn):
    compiled = None

    @functools.wraps(fn)
    def call(*args):
        nonlocal compiled
        if compiled is None:
            import numba
            compiled = numba.njit(cache=True, nogil=True)(fn)
        return compiled(*args)

    call.py_func = fn
    return call
