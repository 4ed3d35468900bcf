"""Rounding money to the fen."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def to_fen(yuan):
    """Yuan → integer fen, half up, as a treasury pays. The amount is first rounded to 10⁻⁶ fen so that
    binary representation error cannot flip a half (0.085 × 1701 = 144.58499… in binary → 14459 fen)."""
    return np.int64(np.floor(round(yuan * 100.0, 6) + 0.5))
