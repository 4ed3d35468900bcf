"""``distribution = {…}`` on a behaviour leaf: the rules (the draws are in `sim.uncertainty`).

``uniform`` needs ``low < high``; ``normal`` needs ``sd > 0`` and takes ``mean`` (default: the value)
and optional truncation bounds ``low``/``high``. The schema's range always truncates as well, so every
draw is a valid value; the central value must lie between the bounds.
"""
from __future__ import annotations

import math
from typing import Any

from sim.params.kinds import format_number, suggest

KINDS = {"uniform": ("low", "high"), "normal": ("sd", "mean", "low", "high")}
REQUIRED = {"uniform": {"low", "high"}, "normal": {"sd"}}


def check_distribution(field, spec: Any, value: Any) -> tuple[dict, list[tuple[tuple, Any, str]]]:
    """Check one ``distribution = {…}`` of a behaviour leaf.

    Parameters
    ----------
    field : sim.schema.Field
        The parameter's declaration (a single number: kind float or int, not by month).
    spec : Any
        The table as read.
    value : Any
        The leaf's central value.

    Returns
    -------
    spec : dict
        ``{"kind", …}`` with floats, the truncation bounds filled from the schema (meaningful only
        without problems).
    problems : list of (sub-key path, value, message)
    """
    if field.kind not in ("float", "int") or field.by_month:
        return {}, [((), spec, "only a single number can be uncertain (kind float or int)")]
    if not isinstance(spec, dict):
        return {}, [((), spec, 'must be a table { kind = "uniform", low = …, high = … } or '
                               '{ kind = "normal", sd = …[, mean = …][, low = …][, high = …] }')]
    kind = spec.get("kind")
    if kind not in KINDS:
        return {}, [(("kind",), kind, "the distribution kind" + suggest(str(kind), list(KINDS), always_list=True))]
    problems = []
    for key in spec:
        if key != "kind" and key not in KINDS[kind]:
            problems.append(((key,), spec[key], f"unknown key {key!r} for a {kind} distribution"
                             + suggest(key, list(KINDS[kind]), always_list=True)))
    for key in sorted(REQUIRED[kind] - set(spec)):
        problems.append(((key,), "<missing>", f"a {kind} distribution needs {key}"))
    numbers = {}
    for key in KINDS[kind]:
        if key in spec:
            v = spec[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                problems.append(((key,), v, "must be a finite number"))
            else:
                numbers[key] = float(v)
    if problems:
        return {}, problems
    lo_lim = -math.inf if field.min is None else float(field.min)
    hi_lim = math.inf if field.max is None else float(field.max)
    for key in ("low", "high", "mean"):
        if key in numbers and not lo_lim <= numbers[key] <= hi_lim:
            problems.append(((key,), numbers[key], f"must be inside the parameter's range "
                             f"[{format_number(field.min)}, {format_number(field.max)}]"))
    low, high = numbers.get("low", lo_lim), numbers.get("high", hi_lim)
    if not problems and not low < high:
        problems.append(((), spec, f"low ({low:g}) must be below high ({high:g})"))
    if kind == "normal" and "sd" in numbers and numbers["sd"] <= 0:
        problems.append((("sd",), numbers["sd"], "must be above 0"))
    central = numbers.get("mean", value)
    if not problems and isinstance(central, (int, float)) and not low <= central <= high:
        problems.append(((), spec, f"the {'mean' if 'mean' in numbers else 'value'} {central:g} must lie "
                                   f"between low and high"))
    if problems:
        return {}, problems
    out = {"kind": kind, "low": low, "high": high, "integer": field.kind == "int"}
    if kind == "normal":
        out |= {"mean": float(central), "sd": numbers["sd"]}
    return out, []
