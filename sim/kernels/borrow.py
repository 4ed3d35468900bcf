"""Array views without reference counting, for arguments of functions called inside the monthly loop.

numba increments and decrements an array's reference count (an atomic operation on a counter shared
by all threads) around calls that pass it. In the person pass that traffic cost more than the work and
made two threads slower than one. A view made with `numba.carray` over the same data has no owner, so
those updates become no-ops. The caller must keep the original array alive, which the engine does
(it owns every array for the whole run).
"""
from __future__ import annotations

from numba import carray, njit
from numba.core import cgutils, types
from numba.extending import intrinsic


@intrinsic
def _voidptr(typingctx, address):
    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], cgutils.voidptr_t)
    return types.voidptr(address), codegen


@njit(cache=True, inline="always")
def borrow(array):
    """A view of a C-contiguous array's data with no reference count."""
    return carray(_voidptr(array.ctypes.data), array.shape, array.dtype)
