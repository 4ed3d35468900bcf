"""subsim: monthly microsimulation of the cost and effect of Chinese employment subsidies.

Public API (DESIGN §1): `load_scenario` and `run`. Comparison, sweeps, sensitivity and calibration
join this list as they are built.
"""
from sim.api import run
from sim.params import load_scenario

__version__ = "0.1.0"
__all__ = ["load_scenario", "run", "__version__"]
