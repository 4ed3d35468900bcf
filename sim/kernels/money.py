"""Rounding money to the fen."""
from __future__ import annotations

import numpy as np
from numba import njit

# A micro-fen nudge before rounding half up: binary representation error must not flip a half
# (0.085 × 1701 = 144.58499… in binary must give 14,459 fen), and no real amount is within 10⁻⁶ fen
# below a half. Cheaper than round(x, 6), which numba implements slowly.
NUDGE_FEN = 1e-6


@njit(cache=True, inline="always")
def to_fen(yuan):
    """Yuan → integer fen, half up, as a treasury pays."""
    return np.int64(np.floor(yuan * 100.0 + (0.5 + NUDGE_FEN)))
