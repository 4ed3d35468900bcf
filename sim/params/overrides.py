"""Key overrides: `load_scenario(path, set={"instruments.SR-05.share.sme": 0.9, …})`.

A key is a dotted path into the merged scenario document (``instruments.SR-05.share.sme``,
``economy.…``), or into the locality's behaviour or profile file after the prefix ``behaviour.`` /
``profile.`` (``behaviour.responses.hiring_subsidy_elasticity``; one entry of a table-valued leaf:
``behaviour.job_finding.age_multiplier.16-24``; one effective month of a by-month leaf, or one entry of
it: ``profile.social_insurance.pension_employer.2019-05``, ``profile.districts.minimum_wage.2025-01.core``). Overrides are written into the documents **before**
validation, so a bad value gets the usual message; a key that names nothing is a problem with a
did-you-mean, reported against the pseudo-file ``<set>``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.params.behaviour_schema import BEHAVIOUR_SCHEMA
from sim.params.errors import Problem
from sim.params.kinds import suggest
from sim.params.months import is_month
from sim.params.profile_schema import PROFILE_SCHEMA
from sim.schema import Field, schema_keys

SET_FILE = "<set>"
LOCALITY_PREFIXES = {"behaviour": BEHAVIOUR_SCHEMA, "profile": PROFILE_SCHEMA}


def split(overrides: dict[str, Any] | None) -> tuple[dict, dict, dict]:
    """(scenario, behaviour, profile) overrides; the locality ones without their prefix."""
    scenario, locality = {}, {"behaviour": {}, "profile": {}}
    for key, value in (overrides or {}).items():
        head, _, rest = key.partition(".")
        if head in LOCALITY_PREFIXES:
            locality[head][rest] = value
        else:
            scenario[key] = value
    return scenario, locality["behaviour"], locality["profile"]


def locality_key_problems(prefix: str, overrides: dict[str, Any]) -> list[Problem]:
    """Problems with behaviour/profile override keys: each must name a leaf of the schema (or one entry
    of a table-valued leaf)."""
    problems = []
    for key, value in overrides.items():
        node: Any = LOCALITY_PREFIXES[prefix]
        parts = key.split(".") if key else [""]
        for depth, part in enumerate(parts):
            if isinstance(node, Field):
                rest = parts[depth:]
                if node.by_month and is_month(rest[0]):      # one effective month of a by-month leaf
                    rest = rest[1:]
                if rest and (len(rest) > 1 or node.kind not in ("table", "shares")
                             or (node.choices and rest[0] not in node.choices)):
                    allowed = list(node.choices or ()) if node.kind in ("table", "shares") else []
                    where = ".".join(parts[:len(parts) - len(rest)])
                    problems.append(Problem(SET_FILE, f"{prefix}.{key}", value,
                                            f"{prefix}.{where} has no entry {rest[0]!r}"
                                            + (suggest(rest[0], allowed) if allowed else " (it is a single value)")))
                node = None
                break
            if not isinstance(node, dict) or part not in schema_keys(node):
                allowed = schema_keys(node) if isinstance(node, dict) else []
                where = ".".join([prefix] + parts[:depth])
                problems.append(Problem(SET_FILE, f"{prefix}.{key}", value,
                                        f"unknown key {part!r} in {where}" + suggest(part, allowed)))
                node = None
                break
            node = node[part]
        if isinstance(node, dict):
            problems.append(Problem(SET_FILE, f"{prefix}.{key}", value,
                                    "names a section, not a parameter" + suggest("", schema_keys(node), always_list=True)))
    return problems


def apply_to_document(document: dict, origins: dict, overrides: dict[str, Any]) -> list[Problem]:
    """Write scenario overrides into a merged document (in place) and record their origin as ``<set>``;
    problems for keys that cannot be written (an unknown instrument, a path through a plain value)."""
    problems = []
    for key, value in overrides.items():
        parts = key.split(".")
        if parts[0] == "instruments":
            known = list(document.get("instruments", {}))
            if len(parts) < 3:
                problems.append(Problem(SET_FILE, key, value, "write instruments.<ID>.<parameter>"))
                continue
            if parts[1] not in known:
                problems.append(Problem(SET_FILE, key, value, f"unknown instrument {parts[1]!r}"
                                        + suggest(parts[1], known)))
                continue
        node = document
        for depth, part in enumerate(parts[:-1]):
            if isinstance(node, dict) and part not in node:
                origins[tuple(parts[:depth + 1])] = Path(SET_FILE)       # a table the override creates
            child = node.setdefault(part, {}) if isinstance(node, dict) else None
            if not isinstance(child, dict):
                problems.append(Problem(SET_FILE, key, value, f"{'.'.join(parts[:depth + 1])} is a single value, "
                                                              "not a table"))
                node = None
                break
            node = child
        if node is None:
            continue
        node[parts[-1]] = value
        origins[tuple(parts)] = Path(SET_FILE)
    return problems
