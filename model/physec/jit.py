# SPDX-License-Identifier: Apache-2.0
"""Compiled kernels: ``@kernel`` compiles a plain Python function with numba on its
first call (``nopython``, cached on disk next to the source, so a fresh process pays
the compile once per machine, not once per run).

numba is imported on the first call only: a CLI call or test that never reaches a
kernel does not pay for the import.  A kernel takes and returns numpy arrays and
scalars; the only functions it may call are ``@helper`` functions of its module (small
pieces shared by several kernels, compiled with the kernel that first calls them).  Each kernel has a plainly
written numpy counterpart that stays the definition; tests compare the two on random
and hostile input (model/tests/test_kernels.py).  ``NUMBA_DISABLE_JIT=1`` runs the
kernels as Python (slow, but steppable in a debugger and visible to coverage).
"""
from __future__ import annotations

import functools
import types


def helper(fn):
    """A function that kernels call; plain Python until a kernel that calls it compiles."""
    fn.physec_helper = True
    return fn


def kernel(fn):
    compiled = None

    @functools.wraps(fn)
    def call(*args):
        nonlocal compiled
        if compiled is None:
            import numba
            # numba resolves the kernel's globals when it compiles: its helpers must be
            # compiled functions by then (a module global is replaced once, by the first).
            g, todo = fn.__globals__, list(fn.__code__.co_names)
            while todo:                                  # helpers of helpers too
                name = todo.pop()
                h = g.get(name)
                if isinstance(h, types.FunctionType) and getattr(h, "physec_helper", False):
                    todo += h.__code__.co_names
                    g[name] = numba.njit(cache=True, nogil=True, inline="always")(h)
            compiled = numba.njit(cache=True, nogil=True)(fn)
        return compiled(*args)

    call.py_func = fn
    return call
