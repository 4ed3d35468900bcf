"""Monte Carlo replications: parameter uncertainty and percentile bands (DESIGN §8).

A behaviour parameter may carry a distribution in the locality's behaviour file::

    hiring_subsidy_elasticity = { value = 0.75, source = "…",
                                  distribution = { kind = "uniform", low = 0.15, high = 1.2 } }
    base = { value = 0.12, source = "…", distribution = { kind = "normal", sd = 0.02, low = 0.05 } }

``uniform`` needs ``low < high``; ``normal`` needs ``sd > 0`` and takes ``mean`` (default: the value) and
optional truncation bounds ``low``/``high``; the schema's range always truncates as well, so every draw
is a valid value. Integer parameters are rounded to the nearest integer.

Each replication draws its own value of every uncertain parameter from one uniform number of the
counter-based generator (`sim.rng`) keyed by the run's seed, the replication and the parameter's dotted
key: the draws do not depend on the order of the parameters or on which other parameters are uncertain,
and a replication re-run alone gets the same values. Without replications (``reps = 1``) or with
``[run] parameter_uncertainty = false`` the central values are used.
"""
from __future__ import annotations

import dataclasses
import hashlib
import warnings

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from sim.codes import EntityKind
from sim.params.distributions import check_distribution  # noqa: F401  (re-exported)
from sim.rng import fold, run_key, uniform

QUANTILES = (0.05, 0.5, 0.95)


def key_number(key: str) -> int:
    """A parameter's dotted key as a 56-bit number (the entity id of its draw)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:7], "little")


def draw_value(spec: dict, seed: int, replication: int, key: str) -> float:
    """The value of one uncertain parameter in one replication (a pure function of its arguments)."""
    # numba returns keys as Python ints: back to uint64, or a key ≥ 2**63 would not fit an int64 argument
    stream = np.uint64(fold(np.uint64(run_key(seed, replication)), np.int64(EntityKind.PARAMETER)))
    u = float(uniform(stream, np.int64(key_number(key)), 0))
    if spec["kind"] == "uniform":
        value = spec["low"] + u * (spec["high"] - spec["low"])
    else:                                  # truncated normal by inversion of the CDF
        a = float(ndtr((spec["low"] - spec["mean"]) / spec["sd"]))
        b = float(ndtr((spec["high"] - spec["mean"]) / spec["sd"]))
        value = spec["mean"] + spec["sd"] * float(ndtri(a + u * (b - a)))
        value = min(max(value, spec["low"]), spec["high"])     # rounding at the tails
    return float(round(value)) if spec["integer"] else value


def uses_draws(scenario) -> bool:
    """Whether the replications of `scenario` draw their uncertain parameters."""
    return bool(scenario.distributions) and scenario.reps > 1 and scenario.document["run"]["parameter_uncertainty"]


def draws(scenario, replication: int) -> dict[str, float]:
    """Dotted behaviour key → drawn value for one replication ({} when the central values apply)."""
    if not uses_draws(scenario):
        return {}
    return {key: draw_value(spec, scenario.seed, replication, key)
            for key, spec in sorted(scenario.distributions.items())}


def replication_scenario(scenario, replication: int):
    """The scenario one replication runs: its behaviour with the replication's draws applied.

    Returns
    -------
    scenario : Scenario
        `scenario` itself when nothing is drawn.
    drawn : dict of str to float
    """
    drawn = draws(scenario, replication)
    if not drawn:
        return scenario, drawn
    behaviour = _deep_copy(scenario.behaviour)
    for key, value in drawn.items():
        *sections, name = key.split(".")
        node = behaviour
        for section in sections:
            node = node[section]
        node[name] = int(value) if scenario.distributions[key]["integer"] else value
    return dataclasses.replace(scenario, behaviour=behaviour), drawn


def _deep_copy(document: dict) -> dict:
    return {k: _deep_copy(v) if isinstance(v, dict) else v for k, v in document.items()}


def bands(frame: pd.DataFrame, by: list[str], value: str = "value", reps: int | None = None) -> pd.DataFrame:
    """Mean and P5/P50/P95 over replications of `value` for each group of `by`.

    A group missing from a replication counts as zero when `reps` is given (a cost line nobody was
    paid on), and is left out otherwise (an outcome that is undefined in that replication).
    """
    if "rep" not in frame:
        frame = frame.assign(rep=0)
    wide = frame.pivot_table(index=by, columns="rep", values=value, aggfunc="sum", dropna=False)
    if reps is not None:
        wide = wide.reindex(columns=range(reps)).fillna(0.0)
    data = wide.to_numpy(np.float64)
    with warnings.catch_warnings():          # an outcome undefined in every replication: NaN, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        out = pd.DataFrame({"mean": np.nanmean(data, axis=1)}, index=wide.index)
        for q in QUANTILES:
            out[f"p{round(q * 100)}"] = np.nanquantile(data, q, axis=1)
    out["reps"] = np.sum(np.isfinite(data), axis=1)
    return out.reset_index()
