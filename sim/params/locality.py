"""Load and validate a locality's profile and behaviour files (`calibration/<locality>/`)."""
from __future__ import annotations

from pathlib import Path

from sim.params.behaviour_schema import BEHAVIOUR_SCHEMA
from sim.params.errors import Problem
from sim.params.profile_schema import PROFILE_SCHEMA
from sim.params.sourced import load_sourced


def load_locality(locality_dir: Path, *, behaviour_overrides: dict | None = None,
                  profile_overrides: dict | None = None,
                  distributions: dict | None = None) -> tuple[dict, dict, dict[str, str], list[Problem]]:
    """Read `profile.toml` and `behaviour.toml` of one locality.

    `behaviour_overrides`/`profile_overrides` (dotted key → value) replace values before validation
    (`sim.params.overrides`); `distributions`, if given, is filled with the uncertain behaviour
    parameters (dotted key → checked distribution).

    Returns
    -------
    profile, behaviour : dict
        Nested plain values (no sources).
    sources : dict
        Flat map `"profile.population.labour_force" -> source text`.
    problems : list of Problem
        Every problem in both files; empty when both are valid.
    """
    profile, profile_sources, problems = load_sourced(locality_dir / "profile.toml", PROFILE_SCHEMA,
                                                      overrides=profile_overrides)
    behaviour, behaviour_sources, more = load_sourced(locality_dir / "behaviour.toml", BEHAVIOUR_SCHEMA,
                                                      allow_calibrate=True, overrides=behaviour_overrides,
                                                      distributions=distributions)
    sources = {f"profile.{k}": v for k, v in profile_sources.items()}
    sources.update({f"behaviour.{k}": v for k, v in behaviour_sources.items()})
    return profile, behaviour, sources, problems + more
