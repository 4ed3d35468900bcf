"""Scenario parameters: schema, TOML loading with ``extends``, validation, compilation.

Data flows one way: file(s) → merged document → validated document (every problem at once) →
compiled `Scenario` with per-month arrays for the kernels.
"""
from sim.params.compile import Instrument, Scenario, load_scenario, validate_files
from sim.params.errors import Problem, ScenarioError
from sim.params.sourced import load_sourced
from sim.schema import REQUIRED, Field

__all__ = ["load_scenario", "validate_files", "Scenario", "Instrument", "Problem", "ScenarioError",
           "load_sourced", "Field", "REQUIRED"]
