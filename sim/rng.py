"""Counter-based random numbers (DESIGN §3).

Every draw is a pure function of (seed, replication, entity kind, entity id, month, slot): no state,
no streams. Results therefore do not depend on thread count, chunking, executor or task order, and two
scenarios run with the same seed share common random numbers person by person.

The hash is the SplitMix64 finaliser (Steele, Lea & Flood 2014), a bijection on 64-bit words with full
avalanche. A key is folded in one component at a time; kernels fold the per-month part once
(`month_key`) and then pay two finaliser calls per draw (`uniform`).
"""
from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S8 = np.uint64(8)
_INV_2_53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser: a bijective 64-bit mixer."""
    z = np.uint64(z)
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def fold(key: np.uint64, value: np.int64) -> np.uint64:
    """Fold one more identifier into a key."""
    return mix64(np.uint64(key) ^ mix64(np.uint64(value) + _GOLDEN))


@njit(cache=True)
def run_key(seed: int, replication: int) -> np.uint64:
    """Key of one replication of one run."""
    return fold(fold(np.uint64(0x5EED5EED5EED5EED), np.int64(seed)), np.int64(replication))


@njit(cache=True)
def month_key(run: np.uint64, entity_kind: int, month: int) -> np.uint64:
    """Key for all draws of one entity kind in one month (`month` may be negative for set-up draws)."""
    return fold(fold(run, np.int64(entity_kind)), np.int64(month))


@njit(cache=True)   # not inline="always": LLVM inlines it anyway, numba's inlining re-typed it at ~34 call sites
def uniform(key: np.uint64, entity: np.int64, slot: int) -> float:
    """Uniform draw in [0, 1) for one entity and one decision slot under a month key.

    Entity ids must be < 2**56 (slot occupies the low 8 bits of the counter).
    """
    counter = (np.uint64(entity) << _S8) | np.uint64(slot)
    bits = mix64(np.uint64(key) ^ mix64(counter + _GOLDEN))
    return np.float64(bits >> _S11) * _INV_2_53


@njit(cache=True)
def uniforms(key: np.uint64, first_entity: int, n: int, slot: int, out: np.ndarray) -> None:
    """Fill `out[:n]` with draws for entities first_entity … first_entity+n-1 (set-up helper)."""
    for i in range(n):
        out[i] = uniform(key, np.int64(first_entity + i), slot)
