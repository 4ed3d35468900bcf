"""Rounding money to the fen."""
from __future__ import annotations

import numpy as np
from numba import njit

from sim.codes import FEN_ROUNDING_NUDGE

NUDGE_FEN = FEN_ROUNDING_NUDGE


@njit(cache=True, inline="always")
def to_fen(yuan):
    """Yuan → integer fen, half up, as a treasury pays (with the micro-fen nudge of sim.codes)."""
    return np.int64(np.floor(yuan * 100.0 + (0.5 + NUDGE_FEN)))


def fen_array(yuan) -> np.ndarray:
    """`to_fen` for arrays and Python numbers, outside the kernels (same rounding)."""
    return np.floor(np.asarray(yuan, np.float64) * 100.0 + (0.5 + NUDGE_FEN)).astype(np.int64)
